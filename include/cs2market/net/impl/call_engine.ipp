// cs2market: bodies of detail/call_engine.hpp.
#ifndef CS2MARKET_NET_IMPL_CALL_ENGINE_IPP
#define CS2MARKET_NET_IMPL_CALL_ENGINE_IPP

#include <cs2market/net/detail/call_engine.hpp>
#include <cs2market/detail/complete_from_thread.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>

namespace cs2market::detail {

CS2MARKET_DECL boost::asio::any_io_executor make_client_strand(const boost::asio::any_io_executor& ex)
{
    using io_strand = boost::asio::strand<boost::asio::io_context::executor_type>;
    static_assert(sizeof(io_strand) <= sizeof(std::shared_ptr<void>) + sizeof(void*),
                  "fits any_io_executor's in-place storage (asio 1.81: a shared_ptr and a pointer)");
    if (const auto* io = ex.target<boost::asio::io_context::executor_type>())
        return io_strand(*io);
    return boost::asio::make_strand(ex);
}

CS2MARKET_DECL std::string generate_id()
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

CS2MARKET_DECL retry_decision decide(const call_policies& pol, const attempt_result& a, bool write, double random,
                                     steady_clock::time_point now, steady_clock::time_point deadline)
{
    using action = retry_decision::action;
    // Never resend a write that may have been processed unless the idempotency
    // policy allows it: whatever the retry policy says, a double buy costs money.
    if (write && a.sent && !a.answered && !a.resendable && a.kind != error_kind::rate_limited)
        return {action::reconcile, {}};
    // A buy answered with an error that proves nothing (the provider still works
    // on it, or the schema does not say it refused): sent again with its id where
    // the provider replays it (the original outcome comes back), else looked up.
    if (a.outcome == buy_outcome::unfinished || a.outcome == buy_outcome::unknown) {
        if (!a.resendable)
            return {action::reconcile, {}};
        if (a.attempt >= pol.retry.max_attempts)
            return {action::give_up, {}};
        const auto wait = std::max(pol.backoff.delay_for(a.attempt, random), a.retry_after.value_or(std::chrono::milliseconds{0}));
        return {now + wait >= deadline ? action::give_up : action::retry, wait};
    }
    if (!pol.retry.should_retry(a) || a.attempt >= pol.retry.max_attempts)
        return {action::give_up, {}};
    const auto wait = std::max(pol.backoff.delay_for(a.attempt, random), a.retry_after.value_or(std::chrono::milliseconds{0}));
    if (now + wait >= deadline)
        return {action::give_up, wait};
    return {action::retry, wait};
}

CS2MARKET_DECL error cancelled_error(provider_id p, bool unknown)
{
    error e = make_error(unknown ? error_kind::outcome_unknown : error_kind::transport,
                         unknown ? "cancelled after the request was sent; the request may have been processed" : "cancelled", p);
    e.system_code = boost::asio::error::operation_aborted;
    return e;
}

CS2MARKET_DECL call_event event_of(call_event::type t, const erased_call& c)
{
    call_event ev{};
    ev.kind = t;
    ev.provider = c.provider;
    ev.operation = c.operation;
    ev.method = to_string(c.method);
    ev.redacted_target = c.request.redacted_target;
    ev.id = c.id;
    return ev;
}

CS2MARKET_DECL boost::asio::awaitable<result<void>> unknown_outcome(std::shared_ptr<call_env> env, std::shared_ptr<erased_call> c,
                                                            std::shared_ptr<call_state> cs, error e, call_policies pol,
                                                            steady_clock::time_point deadline)
{
    e.kind = error_kind::outcome_unknown;
    e.detail += "; the request may have been processed, look the outcome up before retrying";
    e.idempotency_id = c->id;
    if (c->lookup && pol.idempotency.reconcile && !c->id.empty() && !cs->cancelled && env->now() < deadline) {
        env->emit(event_of(call_event::type::reconcile, *c));
        call_policies lp = pol;
        lp.retry.max_attempts = std::max(3u, pol.retry.max_attempts);
        lp.idempotency.reconcile = false;
        lp.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - env->now());
        auto found = co_await run_call(env, c->lookup(), lp, cs);
        if (found)
            co_return result<void>{};
        if (found.error().kind == error_kind::outcome_unknown)
            e.detail += " (no order under this id yet)";
        else
            e.detail += " (lookup failed: " + found.error().message() + ")";
    }
    co_return e;
}

/// The attempts of one call, and whether its request was ever sent.
struct loop_outcome {
    result<void> res;
    bool sent = false;
};

CS2MARKET_DECL boost::asio::awaitable<loop_outcome> attempt_loop(std::shared_ptr<call_env> env, std::shared_ptr<erased_call> c,
                                                                 call_policies pol, std::shared_ptr<call_state> cs)
{
    using action = retry_decision::action;
    const auto pid = c->provider;
    const auto deadline = env->now() + pol.timeout;
    const bool write = c->method != http_method::get;
    const bool resendable = c->request.idempotent;
    bool ever_sent = false;
    auto with_id = [&](error e) {
        if (ever_sent && !c->id.empty())
            e.idempotency_id = c->id;
        return e;
    };

    for (unsigned n = 1;; ++n) {
        if (cs->cancelled)
            co_return loop_outcome{with_id(cancelled_error(pid, false)), ever_sent};
        // Client-side rate limit: wait for a slot of every budget the operation draws from.
        auto now = env->now();
        auto reserved = co_await env->reserve(*c, now);
        if (!reserved)
            co_return loop_outcome{with_id(std::move(reserved.error())), ever_sent};
        const auto slot = *reserved;
        if (slot > now) {
            if (slot > deadline) {
                env->release(*c, slot);
                co_return loop_outcome{with_id(transport_error(pid, error_kind::timeout,
                                                  "client-side rate limit: no slot before the call's deadline",
                                                  boost::asio::error::timed_out)), ever_sent};
            }
            auto ev = event_of(call_event::type::rate_limit_wait, *c);
            ev.wait = std::chrono::duration_cast<std::chrono::milliseconds>(slot - now);
            env->emit(ev);
            if (!co_await env->sleep_until(slot, *cs)) {
                env->release(*c, slot);
                co_return loop_outcome{with_id(cancelled_error(pid, false)), ever_sent};
            }
        }
        auto ev = event_of(call_event::type::request_start, *c);
        ev.attempt = n;
        env->emit(ev);
        const auto t0 = env->now();
        auto out = co_await env->attempt(*c, deadline, *cs);
        ever_sent = ever_sent || out.sent;
        ev.kind = call_event::type::request_end;
        ev.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(env->now() - t0);

        attempt_result a;
        a.attempt = n;
        a.sent = out.sent;
        a.resendable = resendable;
        std::optional<error> failure;
        if (out.res) {
            a.answered = true;
            ev.http_status = out.res->status;
            auto dec = c->decode(*out.res);
            ev.error = dec ? error_kind::none : dec.error().kind;
            env->emit(ev);
            if (dec)
                co_return loop_outcome{dec, ever_sent};
            failure = dec.error();
            a.kind = failure->kind;
            a.http_status = out.res->status;
            if (failure->retry_after)
                a.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*failure->retry_after);
            if (c->buy) // what the answer proves, from the schema
                a.outcome = classify_buy_failure(*failure, true, c->errors);
        } else {
            failure = out.res.error();
            a.kind = failure->kind;
            a.response_too_large = failure->system_code == boost::beast::http::error::body_limit;
            ev.error = failure->kind;
            env->emit(ev);
            if (cs->cancelled)
                co_return loop_outcome{with_id(cancelled_error(pid, out.sent && write && !resendable)), ever_sent};
        }
        const auto d = decide(pol, a, write, env->random(), env->now(), deadline);
        if (a.kind == error_kind::rate_limited) // every client sharing the budget holds back too
            env->pause(*c, env->now() + (d.what == action::retry ? d.wait : a.retry_after.value_or(std::chrono::milliseconds{0})));
        if (d.what == action::reconcile) {
            auto found = co_await unknown_outcome(env, c, cs, std::move(*failure), pol, deadline);
            co_return loop_outcome{std::move(found), ever_sent};
        }
        if (d.what == action::give_up) {
            error e = std::move(*failure);
            const bool unproven = a.outcome == buy_outcome::unfinished || a.outcome == buy_outcome::unknown;
            if ((!a.answered && a.sent && write) || unproven) { // a lost last attempt, or an answer that proves nothing
                e.kind = error_kind::outcome_unknown;
                e.detail += "; the request may have been processed, look the outcome up before retrying";
            }
            co_return loop_outcome{with_id(std::move(e)), ever_sent};
        }
        auto rv = event_of(call_event::type::retry, *c);
        rv.attempt = n + 1;
        rv.wait = d.wait;
        rv.http_status = failure->http_status;
        rv.error = failure->kind;
        env->emit(rv);
        if (!co_await env->sleep_until(env->now() + d.wait, *cs))
            co_return loop_outcome{with_id(cancelled_error(pid, false)), ever_sent};
    }
}

CS2MARKET_DECL boost::asio::awaitable<result<void>> run_call(std::shared_ptr<call_env> env, std::shared_ptr<erased_call> c,
                                                             call_policies pol, std::shared_ptr<call_state> cs)
{
    if (!c->record) {
        auto out = co_await attempt_loop(env, c, pol, cs);
        co_return std::move(out.res);
    }
    // A recorded buy: durably recorded before the request leaves the process
    // (the recorder refuses it: not sent), its outcome recorded after.
    auto rec = c->record;
    const auto deadline = env->now() + pol.timeout;
    auto before = co_await rec->before_send(std::chrono::duration_cast<std::chrono::milliseconds>(pol.timeout));
    if (!before) {
        error e = before.error();
        if (e.provider.empty())
            e.provider = c->provider;
        e.idempotency_id = c->id;
        co_return e;
    }
    env->emit(event_of(call_event::type::journaled, *c));
    pol.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::max(deadline - env->now(), steady_clock::duration::zero()));
    auto out = co_await attempt_loop(env, c, pol, cs);
    // Not being able to record the outcome loses nothing: the recorder keeps the
    // buy as sent, to be reconciled by its id.
    auto after = co_await rec->after_answer(out.res, out.sent);
    if (after) {
        auto ev = event_of(call_event::type::journaled, *c);
        ev.error = *after ? error_kind::none : error_kind::journal;
        env->emit(ev);
    }
    co_return out.res;
}

// ---- client_state: the real world of the loop --------------------------------

CS2MARKET_DECL client_state::client_state(boost::asio::any_io_executor ex, client_options o, provider_id p)
    : opts(std::move(o)), strand(make_client_strand(ex)), pool(strand, opts, p), provider(p), rng_(std::random_device{}())
{
    if (!opts.limiter)
        opts.limiter = std::make_shared<rate_limiter>();
}

CS2MARKET_DECL call_policies client_state::policies(const call_options& co) const
{
    return {co.retry.value_or(opts.retry), co.backoff.value_or(opts.backoff), co.idempotency.value_or(opts.idempotency),
            co.timeout.value_or(opts.total_timeout), co.journal};
}

CS2MARKET_DECL steady_clock::time_point client_state::now()
{
    return steady_clock::now();
}

CS2MARKET_DECL boost::asio::awaitable<bool> client_state::sleep_until(steady_clock::time_point t, call_state& cs)
{
    if (cs.cancelled)
        co_return false;
    boost::asio::steady_timer timer(strand, t);
    cs.timer = &timer;
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    cs.timer = nullptr;
    co_return !cs.cancelled;
}

CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> client_state::attempt(const erased_call& c, steady_clock::time_point deadline,
                                                                              call_state& cs)
{
    const auto p = c.provider;
    const http_request& rq = c.request;
    exchange_outcome out;
    if (!endpoint) {
        out.res = endpoint.error();
        co_return out;
    }
    if (auto t = pool.init_tls(); !t) {
        out.res = t.error();
        co_return out;
    }
    auto acq = co_await pool.acquire(deadline, cs);
    if (!acq) {
        out.res = acq.error();
        co_return out;
    }
    auto conn = std::move(*acq);
    if (cs.cancelled) {
        pool.release(std::move(conn), true);
        out.res = cancelled_error(p, false);
        co_return out;
    }
    cs.conn = conn.get();
    // A large body's progress goes to the hook (on this strand: the read resumes here).
    struct progress_ctx {
        client_state* self;
        const erased_call* call;
    } pctx{this, &c};
    body_progress_fn progress;
    if (opts.hook)
        progress = {[](void* ctx, std::uint64_t bytes, std::uint64_t total) {
                        auto* x = static_cast<progress_ctx*>(ctx);
                        auto ev = event_of(call_event::type::body_progress, *x->call);
                        ev.bytes = bytes;
                        ev.total = total;
                        x->self->emit(ev);
                    },
                    &pctx};
    for (int round = 0; round < 2; ++round) {
        const bool reused = conn->open;
        if (!conn->open) {
            pool.note_opened();
            auto o = co_await async_open(*conn, *endpoint, opts, p, deadline);
            if (!o) {
                out = {};
                out.res = cs.cancelled ? cancelled_error(p, false) : o.error();
                break;
            }
        }
        out = co_await async_round_trip(*conn, *endpoint, rq, opts, p, deadline, progress);
        // A kept-alive connection the peer closed while idle fails before any
        // answer: replaced once, for requests that may be resent.
        if (!out.res && reused && !out.got_bytes && rq.idempotent && !cs.cancelled && out.res.error().kind != error_kind::timeout) {
            conn->close();
            conn = pool.fresh(); // same slot, new TLS state
            cs.conn = conn.get();
            continue;
        }
        break;
    }
    cs.conn = nullptr;
    pool.release(std::move(conn), out.res && out.keep_alive);
    if (opts.min_idle_connections > 0)
        keep_warm(0); // replace what this call used up, off the call's path
    co_return out;
}

/// The budgets a call draws from (operations name at most a few; the generator checks).
struct rate_draws {
    std::array<rate_draw, 4> items{};
    std::size_t n = 0;
    std::span<const rate_draw> span() const { return {items.data(), n}; }
};

CS2MARKET_DECL rate_draws draws_of(const client_state& st, const erased_call& c)
{
    rate_draws d;
    for (const auto& b : c.rate_limits)
        if (d.n < d.items.size())
            d.items[d.n++] = {rate_key::of(c.provider, st.opts.credential, b.name), st.limit_of(b)};
    return d;
}

CS2MARKET_DECL void client_state::keep_warm(std::size_t at_least, std::function<void(result<void>)> done)
{
    const std::size_t want = std::max(at_least, opts.min_idle_connections);
    // After every call: nothing to open most of the time, and then nothing to allocate.
    if (!done && endpoint && pool.idle_or_warming() >= want)
        return;
    auto ok = std::make_shared<std::optional<error>>();
    auto pending = std::make_shared<std::size_t>(0);
    auto finish = std::make_shared<std::function<void(result<void>)>>(std::move(done));
    if (!endpoint || !pool.init_tls()) {
        if (*finish)
            (*finish)(endpoint ? pool.init_tls() : result<void>(endpoint.error()));
        return;
    }
    while (pool.idle_or_warming() < want && pool.can_grow()) {
        pool.begin_warm();
        ++*pending;
        auto conn = pool.fresh();
        auto* raw = conn.get();
        pool.note_opened();
        const auto deadline = steady_clock::now() + opts.connect_timeout + opts.tls_handshake_timeout;
        boost::asio::co_spawn(strand, async_open(*raw, *endpoint, opts, provider, deadline),
                              [self = shared_from_this(), conn = std::move(conn), ok, pending, finish](std::exception_ptr,
                                                                                                      result<void> r) mutable {
                                  if (!r && !*ok)
                                      *ok = r.error();
                                  self->pool.end_warm(std::move(conn), r.has_value());
                                  if (--*pending == 0 && *finish)
                                      (*finish)(*ok ? result<void>(**ok) : result<void>{});
                              });
    }
    if (*pending == 0 && *finish)
        (*finish)(result<void>{});
}

CS2MARKET_DECL rate_limit client_state::limit_of(const rate_bucket& b) const
{
    if (auto it = opts.rate_limits.find(b.name); it != opts.rate_limits.end())
        return it->second;
    return {b.requests, opts.rate_window.value_or(b.window)};
}

CS2MARKET_DECL boost::asio::awaitable<result<steady_clock::time_point>> client_state::reserve(const erased_call& c,
                                                                                              steady_clock::time_point now)
{
    if (!opts.rate_limiting || c.rate_limits.empty())
        co_return now;
    const auto d = draws_of(*this, c);
    std::vector<rate_draw> draws(d.span().begin(), d.span().end());
    // The limiter may answer from another thread (a shared store's): resume on
    // ours, and keep our io_context from running out of work meanwhile (a
    // blocking call's run() would return before the answer).
    auto initiate = [lim = opts.limiter, draws = std::move(draws), now](auto handler) mutable {
        auto work = keep_busy(handler);
        lim->async_reserve(std::move(draws), now, [h = std::move(handler), w = std::move(work)](result<steady_clock::time_point> r) mutable {
            complete_from_thread(std::move(h), std::move(w), std::move(r));
        });
    };
    co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(result<steady_clock::time_point>)>(
        std::move(initiate), boost::asio::use_awaitable);
}

CS2MARKET_DECL void client_state::release(const erased_call& c, steady_clock::time_point slot)
{
    opts.limiter->release(draws_of(*this, c).span(), slot);
}

CS2MARKET_DECL void client_state::pause(const erased_call& c, steady_clock::time_point until)
{
    opts.limiter->pause(draws_of(*this, c).span(), until);
}

CS2MARKET_DECL void client_state::emit(const call_event& ev)
{
    if (opts.hook)
        opts.hook(ev);
}

CS2MARKET_DECL double client_state::random()
{
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

CS2MARKET_DECL void call_completion::operator()(std::exception_ptr ep, result<void> r)
{
    if (ep) {
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            r = make_error(error_kind::transport, e.what());
        } catch (...) {
            r = make_error(error_kind::transport, "unknown exception");
        }
    }
    impl->complete(std::move(r));
}

CS2MARKET_DECL void spawn_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c, call_policies pol,
                               std::shared_ptr<call_state> cs, call_completion done)
{
    auto ex = st->strand;
    boost::asio::co_spawn(ex, run_call(std::move(st), std::move(c), std::move(pol), std::move(cs)), std::move(done));
}

} // namespace cs2market::detail

#endif
