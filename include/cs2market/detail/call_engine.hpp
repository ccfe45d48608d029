// cs2market internal: the retry loop behind every call, with the operation's
// types erased. basic_client turns a typed call into an erased_call (request
// built, decoder and lookup bound to the typed result) and runs it here, so the
// coroutines below are compiled once per program, not once per operation: a
// translation unit that calls 44 operations pays for one retry loop.
#ifndef CS2MARKET_DETAIL_CALL_ENGINE_HPP
#define CS2MARKET_DETAIL_CALL_ENGINE_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/detail/connection_pool.hpp>
#include <cs2market/detail/https_connection.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace cs2market::detail {

/// 32 lowercase hex digits (128 random bits), for buys without a caller id.
inline std::string generate_id()
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string s(32, '0');
    for (int half = 0; half < 2; ++half) {
        auto v = rng();
        for (int i = 0; i < 16; ++i, v >>= 4)
            s[half * 16 + i] = hex[v & 15];
    }
    return s;
}

/// Shared by the client object and every call in flight (a call may outlive its client object).
struct client_state {
    client_state(boost::asio::any_io_executor ex, client_options o, provider_id p)
        : opts(std::move(o)), strand(boost::asio::make_strand(ex)), pool(strand, opts, p), rng(std::random_device{}()),
          provider(p)
    {
        if (!opts.limiter)
            opts.limiter = std::make_shared<rate_limiter>();
    }
    client_options opts;
    boost::asio::strand<boost::asio::any_io_executor> strand;
    connection_pool pool;
    result<endpoint_url> endpoint = endpoint_url{};
    std::mt19937_64 rng;
    provider_id provider = provider_id::none;
};

/// One call, types erased.
struct erased_call {
    provider_id provider = provider_id::none;
    std::string_view operation; ///< Op::name (static storage)
    http_method method = http_method::get;
    http_request request;       ///< built; request.idempotent says whether it may be resent
    std::string id;             ///< a buy's caller or generated id; "" otherwise
    /// Decodes an answer into the typed result the caller waits for.
    std::function<result<void>(const http_response&)> decode;
    /// Buys that can be looked up by id: the lookup call. Its decode stores the
    /// found order as the buy's result, or fails with kind outcome_unknown when
    /// nothing is recorded under the id (yet).
    std::function<std::shared_ptr<erased_call>()> lookup;
};

using clock = std::chrono::steady_clock;

inline error cancelled_error(provider_id p, bool unknown, const std::string& id)
{
    error e = make_error(unknown ? error_kind::outcome_unknown : error_kind::transport,
                         unknown ? "cancelled after the request was sent; the request may have been processed" : "cancelled", p);
    if (unknown && !id.empty())
        e.detail += " [id=" + id + "]";
    e.system_code = boost::asio::error::operation_aborted;
    return e;
}

inline void emit(const client_state& st, const call_event& ev)
{
    if (st.opts.hook)
        st.opts.hook(ev);
}

/// The completion of an erased call: one handler type for every operation, so
/// co_spawn's entry coroutine is instantiated once too.
struct call_completion {
    struct base {
        virtual ~base() = default;
        virtual void complete(result<void> r) = 0;
    };
    std::unique_ptr<base> impl;

    void operator()(std::exception_ptr ep, result<void> r)
    {
        if (ep) {
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                r = make_error(error_kind::transport, e.what(), provider_id::none);
            } catch (...) {
                r = make_error(error_kind::transport, "unknown exception", provider_id::none);
            }
        }
        impl->complete(std::move(r));
    }
};

/// Runs `c` (rate limit, attempts, decoding, retries, reconciliation).
CS2MARKET_DECL boost::asio::awaitable<result<void>> run_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c,
                                                             call_options co, std::shared_ptr<call_state> cs);

/// Starts `c` on the client's strand; `done` gets its outcome.
CS2MARKET_DECL void spawn_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c, call_options co,
                               std::shared_ptr<call_state> cs, call_completion done);

#if !defined(CS2MARKET_SEPARATE_COMPILATION) || defined(CS2MARKET_SOURCE)
/// Sleeps until `t`; false when cancelled.
CS2MARKET_DECL boost::asio::awaitable<bool> sleep_until(std::shared_ptr<client_state> st, std::shared_ptr<call_state> cs,
                                                clock::time_point t)
{
    if (cs->cancelled)
        co_return false;
    boost::asio::steady_timer timer(st->strand, t);
    cs->timer = &timer;
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    cs->timer = nullptr;
    co_return !cs->cancelled;
}

/// Waits for the client-side rate limiter's tokens (provider-wide and per operation).
CS2MARKET_DECL boost::asio::awaitable<result<void>> throttle(std::shared_ptr<client_state> st, std::shared_ptr<call_state> cs,
                                                     std::shared_ptr<erased_call> c, clock::time_point deadline)
{
    const auto& o = st->opts;
    const auto p = c->provider;
    const rate_limit none{0, 1};
    const rate_limit lim = o.rate_limit_override ? *o.rate_limit_override : default_rate_limit(p).value_or(none);
    rate_limit oplim = none;
    if (auto it = o.operation_rate_limits.find(c->operation); it != o.operation_rate_limits.end())
        oplim = it->second;
    else
        oplim = default_operation_rate_limit(p, c->operation).value_or(none);
    auto w1 = o.limiter->reserve(p, o.credential, {}, lim);
    auto w2 = o.limiter->reserve(p, o.credential, c->operation, oplim);
    auto wait = std::max(w1, w2);
    if (wait.count() == 0)
        co_return result<void>{};
    auto give_back = [&] {
        o.limiter->release(p, o.credential, {}, lim);
        o.limiter->release(p, o.credential, c->operation, oplim);
    };
    auto until = clock::now() + std::chrono::duration_cast<clock::duration>(wait);
    if (until > deadline) {
        give_back();
        co_return transport_error(p, error_kind::timeout, "client-side rate limit: no token before the call's deadline",
                                  boost::asio::error::timed_out);
    }
    call_event ev{call_event::type::rate_limit_wait, p, c->operation, to_string(c->method), c->request.redacted_target};
    ev.wait = std::chrono::duration_cast<std::chrono::milliseconds>(wait);
    emit(*st, ev);
    if (!co_await sleep_until(st, cs, until)) {
        give_back();
        co_return cancelled_error(p, false, {});
    }
    co_return result<void>{};
}

/// One attempt: a connection from the pool (opened if needed), one exchange.
/// A reused connection found dead before any answer is replaced once, for
/// requests that may be resent.
CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> attempt(std::shared_ptr<client_state> st, std::shared_ptr<call_state> cs,
                                                        std::shared_ptr<erased_call> c, clock::time_point deadline)
{
    const auto p = c->provider;
    const http_request& rq = c->request;
    exchange_outcome out;
    if (auto t = st->pool.init_tls(); !t) {
        out.res = t.error();
        co_return out;
    }
    auto acq = co_await st->pool.acquire(deadline, *cs);
    if (!acq) {
        out.res = acq.error();
        co_return out;
    }
    auto conn = std::move(*acq);
    if (cs->cancelled) {
        st->pool.release(std::move(conn), true);
        out.res = cancelled_error(p, false, {});
        co_return out;
    }
    cs->conn = conn.get();
    for (int round = 0; round < 2; ++round) {
        bool reused = conn->open;
        if (!conn->open) {
            st->pool.note_opened();
            auto o = co_await async_open(*conn, *st->endpoint, st->opts, p, deadline);
            if (!o) {
                out = {};
                out.res = cs->cancelled ? cancelled_error(p, false, {}) : o.error();
                break;
            }
        }
        out = co_await async_round_trip(*conn, *st->endpoint, rq, st->opts, p, deadline);
        if (!out.res && reused && !out.got_bytes && rq.idempotent && !cs->cancelled &&
            out.res.error().kind != error_kind::timeout) {
            conn->close();
            conn = st->pool.fresh(); // same slot, new TLS state
            cs->conn = conn.get();
            continue;
        }
        break;
    }
    cs->conn = nullptr;
    st->pool.release(std::move(conn), out.res && out.keep_alive);
    co_return out;
}

/// A buy's outcome is unknown: look it up by its id, or say so with the id.
CS2MARKET_DECL boost::asio::awaitable<result<void>> unknown_outcome(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c,
                                                            std::shared_ptr<call_state> cs, error e, retry_policy pol,
                                                            clock::time_point deadline)
{
    e.kind = error_kind::outcome_unknown;
    e.detail += "; the request may have been processed, look the outcome up before retrying";
    if (c->lookup && pol.reconcile && !c->id.empty() && !cs->cancelled && clock::now() < deadline) {
        call_event ev{call_event::type::reconcile, c->provider, c->operation, to_string(c->method), {}};
        ev.id = c->id;
        emit(*st, ev);
        retry_policy lp = pol;
        lp.max_attempts = std::max(3u, pol.max_attempts);
        lp.reconcile = false;
        call_options lo;
        lo.retry = lp;
        lo.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        auto found = co_await run_call(st, c->lookup(), lo, cs);
        if (found)
            co_return result<void>{};
        if (found.error().kind == error_kind::outcome_unknown)
            e.detail += " (no order under this id yet)";
        else
            e.detail += " (lookup failed: " + found.error().message() + ")";
    }
    if (!c->id.empty())
        e.detail += " [id=" + c->id + "]";
    co_return e;
}

/// Rate limit, attempt, decode, retry with backoff; a lost write is reconciled.
CS2MARKET_DECL boost::asio::awaitable<result<void>> run_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c,
                                                     call_options co, std::shared_ptr<call_state> cs)
{
    const auto pid = c->provider;
    const retry_policy pol = co.retry.value_or(st->opts.retry);
    const auto deadline = clock::now() + co.timeout.value_or(st->opts.total_timeout);
    if (!st->endpoint)
        co_return st->endpoint.error();
    const bool replayable = c->request.idempotent;
    const bool write = c->method != http_method::get;

    for (unsigned n = 1;; ++n) {
        if (cs->cancelled)
            co_return cancelled_error(pid, false, c->id);
        if (auto t = co_await throttle(st, cs, c, deadline); !t)
            co_return t.error();
        call_event ev{call_event::type::request_start, pid, c->operation, to_string(c->method), c->request.redacted_target};
        ev.attempt = n;
        ev.id = c->id;
        emit(*st, ev);
        auto t0 = clock::now();
        auto out = co_await attempt(st, cs, c, deadline);
        ev.kind = call_event::type::request_end;
        ev.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0);

        std::optional<error> failure;
        std::optional<std::chrono::milliseconds> retry_after;
        bool may_retry = false;
        if (out.res) {
            ev.http_status = out.res->status;
            auto dec = c->decode(*out.res);
            ev.error = dec ? error_kind::none : dec.error().kind;
            emit(*st, ev);
            if (dec)
                co_return dec;
            failure = dec.error();
            unsigned s = failure->http_status;
            if (failure->kind == error_kind::rate_limited) {
                may_retry = true; // the provider refused to act: safe for any request
                if (failure->retry_after)
                    retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*failure->retry_after);
                if (retry_after && *retry_after > pol.max_retry_after)
                    may_retry = false;
            } else if (s == 502 || s == 503 || s == 504 || (s >= 500 && failure->kind == error_kind::http_status)) {
                may_retry = replayable;
                if (failure->retry_after)
                    retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*failure->retry_after);
            }
        } else {
            failure = out.res.error();
            ev.error = failure->kind;
            emit(*st, ev);
            if (cs->cancelled)
                co_return cancelled_error(pid, out.sent && write && !replayable, c->id);
            if (!out.sent) {
                may_retry = failure->kind != error_kind::tls && failure->kind != error_kind::invalid_argument;
            } else if (write && !replayable) {
                co_return co_await unknown_outcome(st, c, cs, std::move(*failure), pol, deadline);
            } else {
                may_retry = failure->system_code != boost::beast::http::error::body_limit;
            }
        }
        auto give_up = [&]() -> error {
            error e = std::move(*failure);
            if (!out.res && out.sent && write) { // a replayable buy whose last attempt was lost
                e.kind = error_kind::outcome_unknown;
                e.detail += "; the request may have been processed, look the outcome up before retrying";
                if (!c->id.empty())
                    e.detail += " [id=" + c->id + "]";
            }
            return e;
        };
        if (!may_retry || n >= pol.max_attempts)
            co_return give_up();
        auto wait = pol.backoff(n, retry_after, st->rng);
        if (clock::now() + wait >= deadline)
            co_return give_up();
        call_event rv{call_event::type::retry, pid, c->operation, to_string(c->method), c->request.redacted_target};
        rv.attempt = n + 1;
        rv.wait = wait;
        rv.http_status = failure->http_status;
        rv.error = failure->kind;
        rv.id = c->id;
        emit(*st, rv);
        if (!co_await sleep_until(st, cs, clock::now() + wait))
            co_return cancelled_error(pid, false, c->id);
    }
}

CS2MARKET_DECL void spawn_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c, call_options co,
                               std::shared_ptr<call_state> cs, call_completion done)
{
    auto ex = st->strand;
    boost::asio::co_spawn(ex, run_call(std::move(st), std::move(c), std::move(co), std::move(cs)), std::move(done));
}

#endif // definitions

/// Hands an erased call's outcome to the caller's handler as the typed result,
/// on the handler's executor.
template <class Handler, class T>
struct typed_completion final : call_completion::base {
    using work_t = std::decay_t<decltype(boost::asio::prefer(
        boost::asio::get_associated_executor(std::declval<Handler&>(), std::declval<boost::asio::strand<boost::asio::any_io_executor>&>()),
        boost::asio::execution::outstanding_work.tracked))>;

    typed_completion(Handler h, std::shared_ptr<std::optional<response<T>>> slot, std::shared_ptr<client_state> st)
        : handler(std::move(h)), slot(std::move(slot)), state(std::move(st)),
          work(boost::asio::prefer(boost::asio::get_associated_executor(handler, state->strand),
                                   boost::asio::execution::outstanding_work.tracked))
    {
    }

    void complete(result<void> r) override
    {
        namespace net = boost::asio;
        using R = result<response<T>>;
        auto cs = net::get_associated_cancellation_slot(handler);
        if (cs.is_connected())
            cs.clear();
        std::optional<R> out;
        if (r) {
            out.emplace(std::move(**slot));
        } else {
            error e = r.error();
            if (e.provider == provider_id::none)
                e.provider = state->provider;
            out.emplace(std::move(e));
        }
        auto ex = net::get_associated_executor(handler, state->strand);
        // post, not dispatch: never resume the caller (e.g. another coroutine)
        // inline from inside the engine's completion.
        net::post(ex, [h = std::move(handler), out = std::move(*out), w = std::move(work)]() mutable {
            std::move(h)(std::move(out));
        });
    }

    Handler handler;
    std::shared_ptr<std::optional<response<T>>> slot;
    std::shared_ptr<client_state> state;
    work_t work;
};

} // namespace cs2market::detail

#endif
