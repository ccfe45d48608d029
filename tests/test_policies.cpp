// The executor's policies and its retry loop, without sockets: retry_policy
// (which failures), backoff_policy (how long), idempotency_policy (what may be
// resent), detail::decide() (the decision after one attempt), and
// detail::run_call() over a scripted call_env with a clock that jumps.
#include <cs2market/net/detail/call_engine.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <vector>

using namespace cs2market;
using namespace std::chrono_literals;
using detail::call_policies;
using detail::decide;
using detail::retry_decision;
using action = retry_decision::action;
using clk = std::chrono::steady_clock;

namespace {

attempt_result failed(error_kind k, unsigned status = 0, bool sent = true, bool answered = false, bool resendable = true)
{
    attempt_result a;
    a.kind = k;
    a.http_status = status;
    a.sent = sent;
    a.answered = answered;
    a.resendable = resendable;
    return a;
}

call_policies fast()
{
    call_policies p;
    p.backoff.initial = 100ms;
    p.backoff.max = 1s;
    p.timeout = 60s;
    return p;
}

} // namespace

TEST_CASE("retry policy: what is retried by default", "[policies][retry]")
{
    retry_policy p;
    // The provider refused to act: any request.
    CHECK(p.should_retry(failed(error_kind::rate_limited, 429, true, true, false)));
    // 5xx: only resendable requests.
    CHECK(p.should_retry(failed(error_kind::http_status, 503, true, true, true)));
    CHECK_FALSE(p.should_retry(failed(error_kind::http_status, 503, true, true, false)));
    CHECK(p.should_retry(failed(error_kind::http_status, 500, true, true, true)));
    // 4xx business errors and decode errors: the same request would fail again.
    CHECK_FALSE(p.should_retry(failed(error_kind::provider, 409, true, true, true)));
    CHECK_FALSE(p.should_retry(failed(error_kind::http_status, 404, true, true, true)));
    CHECK_FALSE(p.should_retry(failed(error_kind::decode, 200, true, true, true)));
    // Nothing reached the provider: retried, except certificate failures and bad input.
    CHECK(p.should_retry(failed(error_kind::transport, 0, false)));
    CHECK(p.should_retry(failed(error_kind::timeout, 0, false)));
    CHECK_FALSE(p.should_retry(failed(error_kind::tls, 0, false)));
    CHECK_FALSE(p.should_retry(failed(error_kind::invalid_argument, 0, false)));
    // Lost after sending: only when resendable, never a response over the size limit.
    CHECK(p.should_retry(failed(error_kind::timeout, 0, true, false, true)));
    CHECK_FALSE(p.should_retry(failed(error_kind::timeout, 0, true, false, false)));
    auto big = failed(error_kind::transport, 0, true, false, true);
    big.response_too_large = true;
    CHECK_FALSE(p.should_retry(big));
}

TEST_CASE("retry policy: a Retry-After beyond max_retry_after is not waited for, for 429 and 5xx alike", "[policies][retry]")
{
    retry_policy p;
    p.max_retry_after = 10s;
    auto rl = failed(error_kind::rate_limited, 429, true, true, true);
    rl.retry_after = 5s;
    CHECK(p.should_retry(rl));
    rl.retry_after = 3600s;
    CHECK_FALSE(p.should_retry(rl));
    auto busy = failed(error_kind::http_status, 503, true, true, true);
    busy.retry_after = 3600s;
    CHECK_FALSE(p.should_retry(busy));
    busy.retry_after = 2s;
    CHECK(p.should_retry(busy));
}

TEST_CASE("retry policy: an override decides first, the defaults decide what it leaves open", "[policies][retry]")
{
    retry_policy p;
    p.decide = [](const attempt_result& a) -> std::optional<bool> {
        if (a.http_status == 404)
            return true; // e.g. an eventually consistent read
        if (a.kind == error_kind::rate_limited)
            return false;
        return std::nullopt;
    };
    CHECK(p.should_retry(failed(error_kind::http_status, 404, true, true, true)));
    CHECK_FALSE(p.should_retry(failed(error_kind::rate_limited, 429, true, true, true)));
    CHECK(p.should_retry(failed(error_kind::http_status, 503, true, true, true)));
    CHECK(retry_policy::none().max_attempts == 1);
}

TEST_CASE("backoff policy: exponential, capped, jittered, never below Retry-After", "[policies][backoff]")
{
    backoff_policy b{100ms, 1s, 1.0};
    // r = 0: no jitter removed, the cap itself.
    CHECK(b.delay_for(1, 0.0) == 100ms);
    CHECK(b.delay_for(2, 0.0) == 200ms);
    CHECK(b.delay_for(4, 0.0) == 800ms);
    CHECK(b.delay_for(5, 0.0) == 1s);
    CHECK(b.delay_for(50, 0.0) == 1s); // no overflow however many failures
    // Full jitter: anywhere in [0, cap].
    CHECK(b.delay_for(3, 0.5) == 200ms);
    CHECK(b.delay_for(3, 0.999) <= 1ms);
    // Partial jitter (the WebSocket default): at least (1 - jitter) of the cap.
    backoff_policy ws{1s, 30s, 0.25};
    CHECK(ws.delay_for(1, 0.999) >= 750ms);
    CHECK(ws.delay_for(1, 0.0) == 1s);
    CHECK(ws.delay_for(10, 0.0) == 30s);
    std::mt19937_64 rng(1);
    for (int i = 0; i < 100; ++i) {
        auto d = b.delay(2, std::chrono::milliseconds(700), rng);
        CHECK(d >= 700ms); // Retry-After wins when longer
    }
}

TEST_CASE("idempotency policy: reads and replayed buys may be resent, other writes never", "[policies][idempotency]")
{
    idempotency_policy p;
    operation_facts get{provider_id{"p"}, "get_order", http_method::get, false, false, false};
    operation_facts replayed_buy{provider_id{"p"}, "market_buy", http_method::post, true, true, true};
    operation_facts buy_without_id{provider_id{"p"}, "market_buy", http_method::post, true, true, false};
    operation_facts looked_up_buy{provider_id{"p"}, "buy_item", http_method::post, true, false, true};
    operation_facts other_write{provider_id{"p"}, "create_deposit", http_method::post, false, false, false};
    CHECK(p.resendable(get));
    CHECK(p.resendable(replayed_buy));
    CHECK_FALSE(p.resendable(buy_without_id));
    CHECK_FALSE(p.resendable(looked_up_buy));
    CHECK_FALSE(p.resendable(other_write));
    p.may_resend = [](const operation_facts& f) -> std::optional<bool> {
        if (f.operation == "create_deposit")
            return true; // the caller knows it is harmless
        return std::nullopt;
    };
    CHECK(p.resendable(other_write));
    CHECK_FALSE(p.resendable(looked_up_buy));
}

TEST_CASE("decide: retry, give up or reconcile", "[policies][decide]")
{
    const auto now = clk::now();
    const auto deadline = now + 60s;
    auto pol = fast();
    SECTION("a retryable failure waits the backoff, then is retried")
    {
        auto d = decide(pol, failed(error_kind::http_status, 503, true, true, true), false, 0.0, now, deadline);
        CHECK(d.what == action::retry);
        CHECK(d.wait == 100ms);
    }
    SECTION("Retry-After lengthens the wait")
    {
        auto a = failed(error_kind::rate_limited, 429, true, true, false);
        a.retry_after = 3s;
        auto d = decide(pol, a, true, 0.0, now, deadline);
        CHECK(d.what == action::retry);
        CHECK(d.wait == 3s);
    }
    SECTION("attempts are bounded")
    {
        auto a = failed(error_kind::http_status, 503, true, true, true);
        a.attempt = pol.retry.max_attempts;
        CHECK(decide(pol, a, false, 0.0, now, deadline).what == action::give_up);
    }
    SECTION("a wait past the call's deadline gives up at once")
    {
        auto a = failed(error_kind::rate_limited, 429, true, true, true);
        a.retry_after = 30s;
        CHECK(decide(pol, a, false, 0.0, now, now + 10s).what == action::give_up);
    }
    SECTION("a sent, unanswered write that may not be resent is reconciled, whatever the retry policy says")
    {
        pol.retry.decide = [](const attempt_result&) -> std::optional<bool> { return true; };
        auto a = failed(error_kind::timeout, 0, true, false, false);
        CHECK(decide(pol, a, true, 0.0, now, deadline).what == action::reconcile);
        a.resendable = true; // a buy the provider replays by id: resent
        CHECK(decide(pol, a, true, 0.0, now, deadline).what == action::retry);
    }
}

// ---- the loop over a scripted world ----------------------------------------------

namespace {

/// A world where time jumps on sleep and every attempt's outcome is scripted.
class scripted_env final : public detail::call_env {
public:
    clk::time_point t = clk::time_point{} + 1000s;
    std::deque<detail::exchange_outcome> script;
    std::vector<std::string> log;
    std::vector<clk::time_point> attempts_at;
    clk::time_point paused_until{};
    clk::time_point limiter_free{};

    clk::time_point now() override { return t; }
    boost::asio::awaitable<bool> sleep_until(clk::time_point until, detail::call_state& cs) override
    {
        log.push_back("sleep " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(until - t).count()));
        t = std::max(t, until);
        co_return !cs.cancelled;
    }
    boost::asio::awaitable<detail::exchange_outcome> attempt(const detail::erased_call& c, clk::time_point,
                                                             detail::call_state&) override
    {
        attempts_at.push_back(t);
        log.push_back("attempt " + std::string(c.operation));
        REQUIRE_FALSE(script.empty());
        auto o = std::move(script.front());
        script.pop_front();
        co_return o;
    }
    boost::asio::awaitable<result<clk::time_point>> reserve(const detail::erased_call&, clk::time_point n) override
    {
        co_return std::max(n, limiter_free);
    }
    void release(const detail::erased_call&, clk::time_point) override { log.push_back("release"); }
    void pause(const detail::erased_call&, clk::time_point until) override { paused_until = until; }
    void emit(const call_event&) override {}
    double random() override { return 0.0; }
};

detail::exchange_outcome answer(unsigned status, std::optional<std::chrono::seconds> retry_after = {})
{
    detail::exchange_outcome o;
    http_response r;
    r.status = status;
    r.retry_after = retry_after;
    o.res = r;
    o.sent = o.got_bytes = o.keep_alive = true;
    return o;
}

detail::exchange_outcome lost(bool sent)
{
    detail::exchange_outcome o;
    o.res = detail::transport_error(provider_id{"p"}, error_kind::transport, "connection reset");
    o.sent = sent;
    return o;
}

std::shared_ptr<detail::erased_call> call(http_method m, bool resendable, std::string id = {})
{
    auto c = std::make_shared<detail::erased_call>();
    c->provider = provider_id{"p"};
    c->operation = m == http_method::get ? "read_op" : "buy_op";
    c->method = m;
    c->request.idempotent = resendable;
    c->id = std::move(id);
    c->decode = [](const http_response& r) -> result<void> {
        if (r.status == 200)
            return {};
        error e = detail::make_error(r.status == 429 ? error_kind::rate_limited : error_kind::http_status, "status", provider_id{"p"});
        e.http_status = r.status;
        e.retry_after = r.retry_after;
        return e;
    };
    return c;
}

result<void> run(std::shared_ptr<scripted_env> env, std::shared_ptr<detail::erased_call> c, call_policies pol = fast())
{
    boost::asio::io_context ioc;
    std::optional<result<void>> out;
    boost::asio::co_spawn(ioc, detail::run_call(env, c, pol, std::make_shared<detail::call_state>()),
                          [&](std::exception_ptr ep, result<void> r) {
                              REQUIRE_FALSE(ep);
                              out = std::move(r);
                          });
    ioc.run();
    REQUIRE(out);
    return *out;
}

} // namespace

TEST_CASE("retry loop: 503, 503, 200 with backoff between, on the injected clock", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->script = {answer(503), answer(503), answer(200)};
    auto r = run(env, call(http_method::get, true));
    CHECK(r);
    REQUIRE(env->attempts_at.size() == 3);
    CHECK(env->attempts_at[1] - env->attempts_at[0] == 100ms);
    CHECK(env->attempts_at[2] - env->attempts_at[1] == 200ms);
}

TEST_CASE("retry loop: a 429's Retry-After is waited for and pauses the shared budget", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->script = {answer(429, std::chrono::seconds(7)), answer(200)};
    const auto t0 = env->t;
    auto r = run(env, call(http_method::post, false, "id-1"));
    CHECK(r);
    REQUIRE(env->attempts_at.size() == 2);
    CHECK(env->attempts_at[1] - t0 == 7s);
    CHECK(env->paused_until == t0 + 7s);
}

TEST_CASE("retry loop: a lost write that may not be resent is never sent twice; the error names its id", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->script = {lost(true)};
    auto r = run(env, call(http_method::post, false, "buy-42"));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::outcome_unknown);
    CHECK(r.error().idempotency_id == "buy-42");
    CHECK(env->attempts_at.size() == 1);
}

TEST_CASE("retry loop: a write lost before it was sent is retried", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->script = {lost(false), answer(200)};
    CHECK(run(env, call(http_method::post, false, "buy-43")));
    CHECK(env->attempts_at.size() == 2);
}

TEST_CASE("retry loop: a resendable buy lost on its last attempt ends outcome_unknown with its id", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->script = {lost(true), lost(true), lost(true), lost(true)};
    auto r = run(env, call(http_method::post, true, "cid-9"));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::outcome_unknown);
    CHECK(r.error().idempotency_id == "cid-9");
    CHECK(env->attempts_at.size() == 4);
}

TEST_CASE("retry loop: the client-side limiter's slot is waited for; past the deadline it is handed back", "[policies][loop]")
{
    auto env = std::make_shared<scripted_env>();
    env->limiter_free = env->t + 2s;
    env->script = {answer(200)};
    const auto t0 = env->t;
    CHECK(run(env, call(http_method::get, true)));
    CHECK(env->attempts_at.at(0) == t0 + 2s);

    auto late = std::make_shared<scripted_env>();
    late->limiter_free = late->t + 120s;
    auto pol = fast();
    pol.timeout = 10s;
    auto r = run(late, call(http_method::get, true), pol);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::timeout);
    CHECK(late->attempts_at.empty());
    CHECK(std::find(late->log.begin(), late->log.end(), "release") != late->log.end());
}
