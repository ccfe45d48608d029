// cs2market: the one templated executor behind every provider's client.
//
// Every call, blocking or async, becomes a type-erased call (request built,
// decoder bound to the typed result) and runs through one retry loop: the
// client-side rate limit, a connection from the pool, the exchange under its
// deadlines, decoding, retries with backoff, and for buys whose outcome is
// unknown a lookup by the buy's idempotency id. Only the thin typed layer is
// per operation. Policies: see policies.hpp; settings: client_options.hpp.
#ifndef CS2MARKET_NET_CLIENT_HPP
#define CS2MARKET_NET_CLIENT_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/net/detail/call_engine.hpp>
#include <cs2market/exactly_once.hpp>
#include <cs2market/request.hpp>
#include <cs2market/response.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <memory>

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
    using provider_type = Provider;
    /// The client's strand (see detail::client_state::strand).
    using executor_type = boost::asio::any_io_executor;

    explicit basic_client(client_options opts = {});
    explicit basic_client(boost::asio::any_io_executor ex, client_options opts = {});
    basic_client(basic_client&&) noexcept = default;
    basic_client& operator=(basic_client&&) noexcept = default;

    /// Calls `Op` and returns its decoded payload, or a typed error.
    template <class Op>
    result<typename Op::response_type> call(const typename Op::params& params, const call_options& co = {});

    /// Like call(), keeping the HTTP status and whether the answer is a replay (response::idempotent_replayed).
    template <class Op>
    result<response<typename Op::response_type>> send(const typename Op::params& params, const call_options& co = {});

    /// Async send(): completes with `result<response<Op::response_type>>`.
    template <class Op, class Token>
    auto async_send(typename Op::params params, call_options co, Token&& token);
    template <class Op, class Token>
    auto async_send(typename Op::params params, Token&& token)
    {
        return async_send<Op>(std::move(params), call_options{}, std::forward<Token>(token));
    }

    /// Async call(): completes with `result<Op::response_type>`.
    template <class Op, class Token>
    auto async_call(typename Op::params params, call_options co, Token&& token);
    template <class Op, class Token>
    auto async_call(typename Op::params params, Token&& token)
    {
        return async_call<Op>(std::move(params), call_options{}, std::forward<Token>(token));
    }

    /// Opens connections (TCP and TLS, verified) ahead of need: at least
    /// `connections` (default: min_idle_connections, at least 1), so that the
    /// next calls, a buy above all, wait for no handshake. Completes with the
    /// first failure, if any.
    template <class Token>
    auto async_warm_up(std::size_t connections, Token&& token);
    /// Blocking warm-up (see async_warm_up).
    result<void> warm_up(std::size_t connections = 0);

    const client_options& options() const noexcept { return st_->opts; }
    executor_type get_executor() const noexcept { return st_->strand; }
    /// The private io_context of a client built without an executor (run it to drive async calls).
    boost::asio::io_context* context() const noexcept { return ioc_.get(); }
    /// TCP connections opened so far (keep-alive reuse keeps this low).
    std::size_t connections_opened() const noexcept { return st_->pool.connections_opened(); }
    /// Connections currently kept (idle or in use).
    std::size_t open_connections() const noexcept { return st_->pool.open_connections(); }

private:
    void init(boost::asio::any_io_executor ex, client_options opts);

    template <class Op, class Block>
    static result<void> prepare(Block& b, typename Op::params params, const detail::call_policies& pol);

    std::unique_ptr<boost::asio::io_context> ioc_; // declared first: destroyed last
    std::shared_ptr<detail::client_state> st_;
};

} // namespace cs2market

#include <cs2market/net/impl/client.hpp>

#endif
