// cs2market: the one templated executor behind every provider's client.
#ifndef CS2MARKET_CLIENT_HPP
#define CS2MARKET_CLIENT_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/detail/https_connection.hpp>
#include <cs2market/request.hpp>

#include <cstdlib>
#include <memory>
#include <type_traits>

namespace cs2market {

/// Calls any operation of `Provider` (a generated `<provider>::provider`):
/// build the request, send it over one kept-alive HTTPS connection, decode the
/// answer. Blocking; one call at a time per client (use one client per thread).
template <class Provider>
class basic_client {
public:
    explicit basic_client(client_options opts = {}) : opts_(std::make_unique<client_options>(std::move(opts)))
    {
        if (opts_->credential.empty() && !Provider::info.credential_env.empty())
            if (const char* v = std::getenv(std::string(Provider::info.credential_env).c_str()))
                opts_->credential = v;
        if (opts_->base_url.empty())
            opts_->base_url = std::string(Provider::info.default_base_url);
        conn_ = std::make_unique<detail::https_connection>(Provider::info.id, *opts_);
    }

    /// Calls `Op` and returns its decoded payload, or a typed error.
    template <class Op>
    result<typename Op::response_type> call(const typename Op::params& params)
    {
        auto r = send<Op>(params);
        if (!r)
            return r.error();
        return std::move(r->value);
    }

    /// Like call(), keeping the HTTP status and CSBoard's `Idempotent-Replayed`.
    template <class Op>
    result<response<typename Op::response_type>> send(const typename Op::params& params)
    {
        static_assert(std::is_same_v<typename Op::provider, Provider>, "operation of another provider");
        auto ep = detail::parse_base_url(opts_->base_url, Provider::info.id);
        if (!ep)
            return ep.error();
        auto req = build_request<Op>(params, opts_->credential);
        if (!req)
            return req.error();
        auto res = conn_->exchange(*ep, *req);
        if (!res)
            return res.error();
        return decode_response<Op>(*res, opts_->credential);
    }

    const client_options& options() const noexcept { return *opts_; }
    /// TCP connections opened so far (keep-alive reuse keeps this low).
    std::size_t connections_opened() const noexcept { return conn_->connections_opened(); }

private:
    std::unique_ptr<client_options> opts_; // stable address: the connection keeps a reference
    std::unique_ptr<detail::https_connection> conn_;
};

} // namespace cs2market

#endif
