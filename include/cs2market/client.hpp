// cs2market: the one templated executor behind every provider's client.
//
// Every call — blocking or async — becomes a detail::erased_call (request built,
// decoder bound to the typed result) and runs through one coroutine
// (detail::run_call): client-side rate limiting, a connection from the pool, the
// exchange under its deadlines, decoding, retries with backoff, and for buys
// whose outcome is unknown a lookup by the caller's id. The blocking API runs
// that coroutine to completion. Only the thin typed layer below is per operation.
#ifndef CS2MARKET_CLIENT_HPP
#define CS2MARKET_CLIENT_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/detail/call_engine.hpp>
#include <cs2market/reconcile.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <exception>
#include <memory>
#include <random>
#include <type_traits>

namespace cs2market {

/// Calls any operation of `Provider` (a generated `<provider>::provider`).
///
/// Blocking: call() / send(). Async: async_call() / async_send() with any Asio
/// completion token (a callback, use_future, use_awaitable, deferred, ...), on the
/// token's executor; per-operation cancellation through the token's cancellation
/// slot (e.g. bind_cancellation_slot, or awaitable_operators' ||).
///
/// A client built with `basic_client(opts)` owns a private io_context and its
/// blocking calls run it; a client built on an executor runs its calls there (its
/// blocking calls wait on a future, so never make them from that executor's threads).
/// Calls of one client are serialised on one strand; many may be in flight.
template <class Provider>
class basic_client {
public:
    using executor_type = boost::asio::strand<boost::asio::any_io_executor>;

    explicit basic_client(client_options opts = {}) : ioc_(std::make_unique<boost::asio::io_context>(1))
    {
        init(ioc_->get_executor(), std::move(opts));
    }

    explicit basic_client(boost::asio::any_io_executor ex, client_options opts = {}) { init(std::move(ex), std::move(opts)); }

    basic_client(basic_client&&) noexcept = default;
    basic_client& operator=(basic_client&&) noexcept = default;

    /// Calls `Op` and returns its decoded payload, or a typed error.
    template <class Op>
    result<typename Op::response_type> call(const typename Op::params& params)
    {
        return call<Op>(params, call_options{});
    }
    template <class Op>
    result<typename Op::response_type> call(const typename Op::params& params, const call_options& co)
    {
        auto r = send<Op>(params, co);
        if (!r)
            return r.error();
        return std::move(r->value);
    }

    /// Like call(), keeping the HTTP status and CSBoard's `Idempotent-Replayed`.
    template <class Op>
    result<response<typename Op::response_type>> send(const typename Op::params& params)
    {
        return send<Op>(params, call_options{});
    }
    template <class Op>
    result<response<typename Op::response_type>> send(const typename Op::params& params, const call_options& co)
    {
        using R = result<response<typename Op::response_type>>;
        if (ioc_) {
            std::optional<R> out;
            async_send<Op>(params, co, [&out](R r) { out.emplace(std::move(r)); });
            ioc_->restart();
            ioc_->run();
            return std::move(*out);
        }
        return async_send<Op>(params, co, boost::asio::use_future).get();
    }

    /// Async send(): completes with `result<response<Op::response_type>>`.
    template <class Op, class Token>
    auto async_send(typename Op::params params, call_options co, Token&& token)
    {
        static_assert(std::is_same_v<typename Op::provider, Provider>, "operation of another provider");
        using R = result<response<typename Op::response_type>>;
        return boost::asio::async_initiate<Token, void(R)>(
            [st = st_](auto handler, typename Op::params p, call_options c) {
                namespace net = boost::asio;
                using handler_t = decltype(handler);
                auto slot = std::make_shared<std::optional<response<typename Op::response_type>>>();
                auto call = prepare<Op>(*st, std::move(p), c, slot);
                auto cs = std::make_shared<detail::call_state>();
                auto cancel_slot = net::get_associated_cancellation_slot(handler);
                if (cancel_slot.is_connected())
                    cancel_slot.assign([cs, ex = st->strand](net::cancellation_type t) {
                        if (t != net::cancellation_type::none)
                            net::post(ex, [cs] { cs->cancel(); });
                    });
                detail::call_completion completion{
                    std::make_unique<detail::typed_completion<handler_t, typename Op::response_type>>(std::move(handler), slot, st)};
                if (!call) {
                    net::post(st->strand, [e = call.error(), completion = std::move(completion)]() mutable {
                        completion(nullptr, e);
                    });
                    return;
                }
                detail::spawn_call(st, std::move(*call), std::move(c), std::move(cs), std::move(completion));
            },
            token, std::move(params), std::move(co));
    }
    template <class Op, class Token>
    auto async_send(typename Op::params params, Token&& token)
    {
        return async_send<Op>(std::move(params), call_options{}, std::forward<Token>(token));
    }

    /// Async call(): completes with `result<Op::response_type>`.
    template <class Op, class Token>
    auto async_call(typename Op::params params, call_options co, Token&& token)
    {
        using R = result<typename Op::response_type>;
        return boost::asio::async_initiate<Token, void(R)>(
            [this](auto handler, typename Op::params p, call_options c) {
                // Taken before the handler is moved into the lambda below (argument
                // evaluation order is unspecified).
                auto cancel_slot = boost::asio::get_associated_cancellation_slot(handler);
                auto ex = boost::asio::get_associated_executor(handler, st_->strand);
                async_send<Op>(std::move(p), std::move(c),
                               boost::asio::bind_cancellation_slot(
                                   cancel_slot,
                                   boost::asio::bind_executor(
                                       ex,
                                       [h = std::move(handler)](result<response<typename Op::response_type>> r) mutable {
                                           if (!r)
                                               std::move(h)(R(r.error()));
                                           else
                                               std::move(h)(R(std::move(r->value)));
                                       })));
            },
            token, std::move(params), std::move(co));
    }
    template <class Op, class Token>
    auto async_call(typename Op::params params, Token&& token)
    {
        return async_call<Op>(std::move(params), call_options{}, std::forward<Token>(token));
    }

    const client_options& options() const noexcept { return st_->opts; }
    executor_type get_executor() const noexcept { return st_->strand; }
    /// The private io_context of a client built without an executor (run it to drive async calls).
    boost::asio::io_context* context() const noexcept { return ioc_.get(); }
    /// TCP connections opened so far (keep-alive reuse keeps this low).
    std::size_t connections_opened() const noexcept { return st_->pool.connections_opened(); }
    /// Connections currently kept (idle or in use).
    std::size_t open_connections() const noexcept { return st_->pool.open_connections(); }

private:
    using clock = std::chrono::steady_clock;
    using state = detail::client_state;

    void init(boost::asio::any_io_executor ex, client_options opts)
    {
        if (opts.credential.empty() && !Provider::info.credential_env.empty())
            if (const char* v = std::getenv(std::string(Provider::info.credential_env).c_str()))
                opts.credential = v;
        if (opts.base_url.empty())
            opts.base_url = std::string(Provider::info.default_base_url);
        st_ = std::make_shared<state>(std::move(ex), std::move(opts), Provider::info.id);
        st_->endpoint = detail::parse_base_url(st_->opts.base_url, Provider::info.id);
    }

    /// Binds a typed call to an erased one: the caller's or a generated id for
    /// buys, the request, a decoder into `slot`, and the lookup by id.
    template <class Op>
    static result<std::shared_ptr<detail::erased_call>>
    prepare(const state& st, typename Op::params params, const call_options& co,
            std::shared_ptr<std::optional<response<typename Op::response_type>>> slot)
    {
        using X = exactly_once_traits<Op>;
        const retry_policy pol = co.retry.value_or(st.opts.retry);
        auto c = std::make_shared<detail::erased_call>();
        c->provider = Provider::info.id;
        c->operation = Op::name;
        c->method = Op::method;
        bool replayable = Op::method == http_method::get;
        if constexpr (X::enabled) {
            auto& id = X::id(params);
            if (!id && pol.generate_ids)
                id = detail::generate_id();
            if (id)
                c->id = *id;
            replayable = X::provider_idempotent && !c->id.empty();
        }
        auto req = build_request<Op>(params, st.opts.credential);
        if (!req)
            return req.error();
        c->request = std::move(*req);
        c->request.idempotent = replayable;
        c->decode = [slot, cred = st.opts.credential](const http_response& r) -> result<void> {
            auto d = decode_response<Op>(r, cred);
            if (!d)
                return d.error();
            *slot = std::move(*d);
            return {};
        };
        if constexpr (X::enabled) {
            if constexpr (X::has_lookup) {
                c->lookup = [slot, id = c->id, cred = st.opts.credential]() -> std::shared_ptr<detail::erased_call> {
                    using L = typename X::lookup;
                    auto l = std::make_shared<detail::erased_call>();
                    l->provider = Provider::info.id;
                    l->operation = L::name;
                    l->method = L::method;
                    auto q = X::lookup_params(id);
                    auto req = build_request<L>(q, cred);
                    if (req) {
                        l->request = std::move(*req);
                        l->request.idempotent = true;
                    }
                    l->decode = [slot, id, cred](const http_response& r) -> result<void> {
                        auto d = decode_response<L>(r, cred);
                        if (!d)
                            return d.error();
                        auto mapped = X::from_lookup(d->value, id);
                        if (!mapped)
                            return detail::make_error(error_kind::outcome_unknown, "no order under this id", Provider::info.id);
                        if (!*mapped)
                            return mapped->error();
                        *slot = std::move(**mapped);
                        return {};
                    };
                    return l;
                };
            }
        }
        return c;
    }

    std::unique_ptr<boost::asio::io_context> ioc_; // declared first: destroyed last
    std::shared_ptr<state> st_;
};

} // namespace cs2market

#endif
