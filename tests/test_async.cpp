// The async executor: completion tokens, the pool, deadlines, cancellation,
// retries, exactly-once buys and the client-side rate limiter, against a
// fault-injecting HTTPS server on loopback. Every case asserts the exact number
// of requests the server saw.
#include <catch2/catch.hpp>

#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace cs2market;
using cs2market::testing::canned_response;
using cs2market::testing::https_server;
using cs2market::testing::recorded_request;
namespace net = boost::asio;
using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

namespace {

constexpr std::string_view order_body = R"j({"order_id":"ord_1","status":"completed","custom_id":"c","currency":"USD",
 "charged_total_usd":1.5,"item_count":1,"created_at":"2026-06-29T17:12:04Z","items":[]})j";

canned_response reply(unsigned status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {})
{
    canned_response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return canned_response(r);
}
canned_response drop_after_read()
{
    canned_response r;
    r.close_without_response = true;
    return canned_response(r);
}
canned_response stall_headers(canned_response r, std::chrono::milliseconds d)
{
    r.delay_before_headers = d;
    return r;
}

client_options opts(const https_server& s, std::string credential, unsigned attempts = 4)
{
    client_options o;
    o.credential = std::move(credential);
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.connect_timeout = 2s;
    o.tls_handshake_timeout = 2s;
    o.request_timeout = 2s;
    o.total_timeout = 10s;
    o.retry = retry_policy::recommended();
    o.retry.max_attempts = attempts;
    o.backoff.initial = 2ms;
    o.backoff.max = 10ms;
    o.rate_limiting = false; // off unless a test turns it on
    return o;
}

std::string field(const std::string& json, const char* name)
{
    auto v = boost::json::parse(json);
    auto* p = v.as_object().if_contains(name);
    return p && p->is_string() ? std::string(p->as_string()) : std::string();
}

/// A provider back-end keeping purchases by the caller's id, so a test can count them.
struct ledger {
    std::mutex m;
    std::map<std::string, int> by_id; // id -> purchases recorded
    int purchases()
    {
        std::lock_guard g(m);
        int n = 0;
        for (auto& [k, v] : by_id)
            n += v;
        return n;
    }
    /// Records a purchase unless one exists; returns true when it was new.
    bool buy(const std::string& id)
    {
        std::lock_guard g(m);
        if (by_id.count(id))
            return false;
        by_id[id] = 1;
        return true;
    }
    bool has(const std::string& id)
    {
        std::lock_guard g(m);
        return by_id.count(id) != 0;
    }
};

csboard::market_buy_params csboard_buy(std::optional<std::string> id)
{
    csboard::market_buy_params p;
    p.body.item_ids = {"itm_1"};
    p.body.partner = "1";
    p.body.token = "t";
    p.body.custom_id = std::move(id);
    return p;
}

std::string csboard_buy_answer(const std::string& id)
{
    return R"j({"data":{"purchase_id":"pur_1","steam_id":"7656","created_at":"2026-06-29T17:12:04Z","custom_id":")j" + id +
           R"j(","skins":[]}})j";
}

} // namespace

// ---------------------------------------------------------------- reads: retries

TEST_CASE("async reads: a 503 burst is retried, then succeeds", "[async][retry]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return n++ < 2 ? reply(503, "<html>busy</html>", {{"Content-Type", "text/html"}}) : reply(200, std::string(order_body));
    });
    csboard::client c(opts(server, "csb_pub_k"));
    auto r = c.get_order({.id = "ord_1"});
    REQUIRE(r);
    CHECK(r->order_id == "ord_1");
    CHECK(server.request_count() == 3);
}

TEST_CASE("async reads: a 503 storm stops after max_attempts with the last error", "[async][retry]")
{
    https_server server([&](const recorded_request&) { return reply(503, "<html>busy</html>", {{"Content-Type", "text/html"}}); });
    csboard::client c(opts(server, "csb_pub_k", 4));
    auto r = c.get_order({.id = "ord_1"});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::http_status);
    CHECK(r.error().http_status == 503);
    CHECK(server.request_count() == 4);
}

TEST_CASE("async reads: 429 with Retry-After is honoured, a too long Retry-After is not waited for", "[async][retry]")
{
    int n = 0;
    https_server server([&](const recorded_request& rq) {
        if (rq.target.find("long") != std::string::npos)
            return reply(429, R"j({"code":"rate_limit_exceeded","detail":"slow down"})j", {{"Retry-After", "120"}});
        return n++ == 0 ? reply(429, R"j({"code":"rate_limit_exceeded","detail":"slow down"})j", {{"Retry-After", "1"}})
                        : reply(200, std::string(order_body));
    });
    csboard::client c(opts(server, "csb_pub_k"));
    auto t0 = clk::now();
    auto r = c.get_order({.id = "ord_1"});
    auto took = clk::now() - t0;
    REQUIRE(r);
    CHECK(server.request_count() == 2);
    CHECK(took >= 950ms);
    CHECK(took < 5s);

    t0 = clk::now();
    auto l = c.get_order({.id = "long"});
    REQUIRE_FALSE(l);
    CHECK(l.error().kind == error_kind::rate_limited);
    CHECK(l.error().retry_after->count() == 120);
    CHECK(clk::now() - t0 < 1s);
    CHECK(server.request_count() == 3);
}

TEST_CASE("async reads: Skinify's in-body request_limit_exceeded is retried", "[async][retry]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return n++ == 0 ? reply(200, R"j({"status":"error","error_message":"request_limit_exceeded"})j")
                        : reply(200, R"j({"status":"success","items":[]})j");
    });
    skinify::client c(opts(server, "skinify-token-xyz"));
    auto r = c.withdraw_info({.custom_ids = std::vector<std::string>{"1"}});
    REQUIRE(r);
    CHECK(server.request_count() == 2);
}

TEST_CASE("async reads: connections dropped before the request is read are replaced", "[async][retry]")
{
    https_server server([&](const recorded_request&) { return reply(200, std::string(order_body)); });
    server.drop_next_connections(2);
    csboard::client c(opts(server, "csb_pub_k"));
    auto r = c.get_order({.id = "ord_1"});
    REQUIRE(r);
    CHECK(server.request_count() == 1);
    CHECK(server.connection_count() == 3);
}

TEST_CASE("async reads: dropped after reading, stalled headers, stalled body: retried", "[async][retry][timeout]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        int i = n++;
        if (i == 0)
            return drop_after_read();
        if (i == 1)
            return stall_headers(reply(200, std::string(order_body)), 3000ms);
        if (i == 2) {
            auto r = reply(200, std::string(order_body));
            r.stall_body = 3000ms;
            return r;
        }
        return reply(200, std::string(order_body));
    });
    auto o = opts(server, "csb_pub_k", 4);
    o.request_timeout = 250ms;
    csboard::client c(o);
    auto t0 = clk::now();
    auto r = c.get_order({.id = "ord_1"});
    REQUIRE(r);
    CHECK(server.request_count() == 4);
    CHECK(clk::now() - t0 < 2500ms);
}

TEST_CASE("async: business errors and 4xx are never retried, a 503 on a buy is not resent but looked up by its id", "[async][retry]")
{
    https_server server([&](const recorded_request& rq) {
        if (rq.target.find("/v1/market/buy") != std::string::npos)
            return reply(409, R"j({"code":"price_moved","detail":"Price moved."})j");
        return reply(503, R"j({"success":false,"errorCode":503,"errorMsg":"busy"})j");
    });
    csboard::client c(opts(server, "csb_pub_k"));
    auto r = c.market_buy(csboard_buy("cid-409"));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::provider);
    CHECK(r.error().provider_code == "price_moved");
    CHECK(server.request_count() == 1);

    auto o = opts(server, "cs2dt-key-12345");
    cs2dt::client d(o);
    cs2dt::buy_item_params bp;
    bp.body.productId = 1;
    bp.body.outTradeNo = "otn-1";
    auto b = d.buy_item(bp);
    REQUIRE_FALSE(b);
    CHECK(b.error().http_status == 503);
    // A 503 proves nothing about a buy: never resent, looked up by its id instead
    // (the lookups get 503 too), and the caller is told the outcome is unknown.
    CHECK(b.error().kind == error_kind::outcome_unknown);
    CHECK(b.error().idempotency_id == "otn-1");
    std::size_t buys = 0, lookups = 0;
    for (const auto& rq : server.requests()) {
        buys += rq.target.find("/v1/trade/v2/buy") != std::string::npos;
        lookups += rq.target.find("outTradeNo=otn-1") != std::string::npos;
    }
    CHECK(buys == 1);
    CHECK(lookups >= 1);
}

TEST_CASE("async: reads are retried by default, retry_policy::none() makes one attempt", "[async][retry]")
{
    https_server server([&](const recorded_request&) { return reply(503, "busy", {{"Content-Type", "text/plain"}}); });
    client_options o;
    o.credential = "csb_pub_k";
    o.base_url = server.base_url();
    o.ca_file = server.ca_file();
    o.backoff.initial = 1ms;
    csboard::client c(o);
    REQUIRE_FALSE(c.get_order({.id = "x"}));
    CHECK(server.request_count() == 4);

    o.retry = retry_policy::none();
    csboard::client once(o);
    REQUIRE_FALSE(once.get_order({.id = "x"}));
    CHECK(server.request_count() == 5);
}

// ---------------------------------------------------------------- exactly-once buys

namespace {

/// CSBoard back-end: market_buy is idempotent by custom_id (replays), faults by attempt number.
struct csboard_backend {
    ledger l;
    std::atomic<int> buys{0};
    std::function<int(int)> fault; // attempt -> 0 ok, 1 drop after reading, 2 stall, 3 drop before processing
    canned_response operator()(const recorded_request& rq)
    {
        int i = buys++;
        int f = fault ? fault(i) : 0;
        std::string id = field(rq.body, "custom_id");
        if (f == 3)
            return drop_after_read(); // lost before the provider acted
        bool fresh = id.empty() ? true : l.buy(id);
        if (id.empty()) {
            std::lock_guard g(l.m);
            l.by_id["<none>#" + std::to_string(i)] = 1;
        }
        auto r = reply(200, csboard_buy_answer(id), {{"Idempotent-Replayed", fresh ? "false" : "true"}});
        if (f == 1)
            return drop_after_read();
        if (f == 2)
            return stall_headers(r, 3000ms);
        return r;
    }
};

} // namespace

TEST_CASE("exactly-once: CSBoard market_buy with custom_id is replayed after a lost answer, bought once", "[async][buy]")
{
    for (int fault : {1, 2, 3}) {
        csboard_backend be;
        be.fault = [fault](int i) { return i == 0 ? fault : 0; };
        https_server server([&](const recorded_request& rq) { return be(rq); });
        auto o = opts(server, "csb_pub_k");
        o.request_timeout = 250ms;
        csboard::client c(o);
        auto r = c.send<csboard::ops::market_buy>(csboard_buy("cid-" + std::to_string(fault)));
        INFO("fault " << fault);
        REQUIRE(r);
        CHECK(r->value.data.custom_id == "cid-" + std::to_string(fault));
        CHECK(r->idempotent_replayed == (fault != 3));
        CHECK(server.request_count() == 2);
        CHECK(be.l.purchases() == 1);
    }
}

TEST_CASE("exactly-once: a CSBoard buy without an id gets one generated and is replayed with it", "[async][buy]")
{
    csboard_backend be;
    be.fault = [](int i) { return i == 0 ? 1 : 0; };
    https_server server([&](const recorded_request& rq) { return be(rq); });
    csboard::client c(opts(server, "csb_pub_k"));
    auto r = c.send<csboard::ops::market_buy>(csboard_buy(std::nullopt));
    REQUIRE(r);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    auto id = field(reqs[0].body, "custom_id");
    CHECK(id.size() == 32);
    CHECK(field(reqs[1].body, "custom_id") == id);
    CHECK(be.l.purchases() == 1);
    CHECK(r->idempotent_replayed);
}

TEST_CASE("exactly-once: a CSBoard buy lost on every attempt ends as outcome_unknown naming its id", "[async][buy]")
{
    csboard_backend be;
    be.fault = [](int) { return 1; };
    https_server server([&](const recorded_request& rq) { return be(rq); });
    csboard::client c(opts(server, "csb_pub_k", 3));
    auto r = c.market_buy(csboard_buy("cid-lost"));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::outcome_unknown);
    CHECK(r.error().idempotency_id == "cid-lost");
    CHECK(server.request_count() == 3);
    CHECK(be.l.purchases() == 1);
}

TEST_CASE("exactly-once: a CSBoard create_order lost answer is replayed with its Idempotency-Key", "[async][buy]")
{
    ledger l;
    int n = 0;
    https_server server([&](const recorded_request& rq) {
        auto key = rq.header("Idempotency-Key");
        l.buy(key);
        if (n++ == 0)
            return drop_after_read();
        return reply(201, R"j({"order_id":"ord_9","status":"pending","total_charged_usd":1.5})j");
    });
    csboard::client c(opts(server, "csb_pub_k"));
    csboard::create_order_params p;
    auto r = c.create_order(p);
    REQUIRE(r);
    CHECK(r->order_id == "ord_9");
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].header("Idempotency-Key").size() == 32);
    CHECK(reqs[1].header("Idempotency-Key") == reqs[0].header("Idempotency-Key"));
    CHECK(l.purchases() == 1);
}

namespace {

/// CS2DT back-end: buy_item records by outTradeNo (never idempotent), buyer_order_detail looks it up.
struct cs2dt_backend {
    ledger l;
    std::function<int(int)> buy_fault; // 0 answer, 1 drop after recording, 2 stall after recording, 3 drop before recording
    bool lookup_fails = false;
    int buys = 0;
    canned_response operator()(const recorded_request& rq)
    {
        if (rq.target.find("/v1/trade/v2/buy") == 0) {
            int f = buy_fault ? buy_fault(buys) : 0;
            ++buys;
            if (f == 3)
                return drop_after_read();
            auto id = field(rq.body, "outTradeNo");
            if (!l.buy(id))
                return reply(200, R"j({"success":false,"errorCode":1001,"errorMsg":"duplicate outTradeNo"})j");
            auto ok = reply(200, R"j({"success":true,"data":{"orderId":"ord-)j" + id + R"j(","buyPrice":1.5},"errorCode":0})j");
            if (f == 1)
                return drop_after_read();
            if (f == 2)
                return stall_headers(ok, 3000ms);
            return ok;
        }
        if (rq.target.find("/v1/order/v2/buy/detail") == 0) {
            if (lookup_fails)
                return drop_after_read();
            auto pos = rq.target.find("outTradeNo=");
            auto id = rq.target.substr(pos + 11, rq.target.find('&', pos) - pos - 11);
            if (!l.has(id))
                return reply(200, R"j({"success":false,"errorCode":404,"errorMsg":"order not found"})j");
            return reply(200, R"j({"success":true,"data":{"orderId":"ord-)j" + id +
                                  R"j(","price":1.5,"status":1,"offerInfoDTO":{"tradeOfferId":42}},"errorCode":0})j");
        }
        return reply(404, "{}");
    }
};

cs2dt::buy_item_params cs2dt_buy(std::optional<std::string> id)
{
    cs2dt::buy_item_params p;
    p.body.productId = 7;
    p.body.outTradeNo = std::move(id);
    return p;
}

} // namespace

TEST_CASE("exactly-once: a CS2DT buy whose answer is lost is reconciled through buyer_order_detail", "[async][buy]")
{
    for (int fault : {1, 2}) {
        cs2dt_backend be;
        be.buy_fault = [fault](int i) { return i == 0 ? fault : 0; };
        https_server server([&](const recorded_request& rq) { return be(rq); });
        auto o = opts(server, "cs2dt-key-12345");
        o.request_timeout = 250ms;
        cs2dt::client c(o);
        auto r = c.buy_item(cs2dt_buy("otn-" + std::to_string(fault)));
        INFO("fault " << fault);
        REQUIRE(r);
        CHECK(r->orderId == "ord-otn-" + std::to_string(fault));
        CHECK(r->offerId == "42");
        CHECK(server.request_count() == 2); // the buy, once; the lookup
        CHECK(be.l.purchases() == 1);
        CHECK(be.buys == 1);
    }
}

TEST_CASE("exactly-once: CS2DT buys never bought twice, an unresolvable loss is outcome_unknown with the id", "[async][buy]")
{
    SECTION("lost before the provider acted: the lookup finds nothing")
    {
        cs2dt_backend be;
        be.buy_fault = [](int) { return 3; };
        https_server server([&](const recorded_request& rq) { return be(rq); });
        cs2dt::client c(opts(server, "cs2dt-key-12345"));
        auto r = c.buy_item(cs2dt_buy(std::nullopt)); // id generated
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::outcome_unknown);
        auto reqs = server.requests();
        REQUIRE(reqs.size() == 2);
        auto id = field(reqs[0].body, "outTradeNo");
        CHECK(id.size() == 32);
        CHECK(r.error().idempotency_id == id);
        CHECK(be.buys == 1);
        CHECK(be.l.purchases() == 0);
    }
    SECTION("the lookup itself keeps failing")
    {
        cs2dt_backend be;
        be.buy_fault = [](int) { return 1; };
        be.lookup_fails = true;
        https_server server([&](const recorded_request& rq) { return be(rq); });
        cs2dt::client c(opts(server, "cs2dt-key-12345"));
        auto r = c.buy_item(cs2dt_buy("otn-x"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::outcome_unknown);
        CHECK(r.error().idempotency_id == "otn-x");
        CHECK(server.request_count() == 1 + 4); // the buy once; the lookup max(3, max_attempts) times
        CHECK(be.l.purchases() == 1);
    }
    SECTION("reconciliation off: outcome_unknown at once, one request")
    {
        cs2dt_backend be;
        be.buy_fault = [](int) { return 1; };
        https_server server([&](const recorded_request& rq) { return be(rq); });
        auto o = opts(server, "cs2dt-key-12345");
        o.idempotency.reconcile = false;
        cs2dt::client c(o);
        auto r = c.buy_item(cs2dt_buy("otn-y"));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::outcome_unknown);
        CHECK(r.error().idempotency_id == "otn-y");
        CHECK(server.request_count() == 1);
    }
    SECTION("a connection dropped before the request was read is retried: nothing was sent")
    {
        cs2dt_backend be;
        https_server server([&](const recorded_request& rq) { return be(rq); });
        server.drop_next_connections(1);
        cs2dt::client c(opts(server, "cs2dt-key-12345"));
        auto r = c.buy_item(cs2dt_buy("otn-z"));
        REQUIRE(r);
        CHECK(server.request_count() == 1);
        CHECK(be.l.purchases() == 1);
    }
}

TEST_CASE("exactly-once: a Skinify withdraw_buy whose answer is lost is reconciled through withdraw_info", "[async][buy]")
{
    ledger l;
    int buys = 0;
    https_server server([&](const recorded_request& rq) {
        if (rq.target.find("/api/withdraw/buy") == 0) {
            ++buys;
            l.buy(field(rq.body, "custom_id"));
            return drop_after_read();
        }
        auto pos = rq.target.find("custom_ids=");
        auto id = rq.target.substr(pos + 11, rq.target.find('&', pos) - pos - 11);
        return reply(200, R"j({"status":"success","items":[{"skin":{"id":"1","name":"Crimson Pique","price":"0.3",
            "properties":{"classid":"1"}},"purchase_id":"77","purchase_status":"processing","date":"1643713700",
            "balance_debited_amount":"0.3","custom_id":")j" + id + R"j("}]})j");
    });
    skinify::client c(opts(server, "skinify-token-xyz"));
    skinify::withdraw_buy_params p;
    p.body.partner = "1";
    p.body.token = "t";
    p.body.id = "1";
    auto r = c.withdraw_buy(p);
    REQUIRE(r);
    CHECK(r->purchase_id == "77");
    CHECK(r->custom_id->size() == 32);
    CHECK(buys == 1);
    CHECK(l.purchases() == 1);
    CHECK(server.request_count() == 2);
}

// ---------------------------------------------------------------- completion styles

TEST_CASE("async styles: callback, use_future, use_awaitable and deferred complete the same call", "[async][styles]")
{
    https_server server([&](const recorded_request&) { return reply(200, std::string(order_body)); });
    net::io_context ioc;
    csboard::client c(ioc.get_executor(), opts(server, "csb_pub_k"));
    using op = csboard::ops::get_order;

    std::optional<result<csboard::Order>> cb;
    c.async_call<op>({.id = "a"}, [&](result<csboard::Order> r) { cb = std::move(r); });

    std::optional<result<response<csboard::Order>>> co;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            // Named, not `{.id = "b"}` inline: g++ 12 miscompiles non-trivial temporaries
            // inside a co_await expression (chriskohlhoff/asio#1007); see the README.
            op::params p{.id = "b"};
            co = co_await c.async_send<op>(p, net::use_awaitable);
        },
        net::detached);

    std::optional<result<csboard::Order>> df;
    c.async_call<op>({.id = "c"}, net::deferred)([&](result<csboard::Order> r) { df = std::move(r); });

    auto fut = c.async_call<op>({.id = "d"}, net::use_future);
    ioc.run();
    REQUIRE(cb);
    REQUIRE(*cb);
    REQUIRE(co);
    REQUIRE(*co);
    CHECK((*co)->http_status == 200);
    REQUIRE(df);
    REQUIRE(*df);
    auto f = fut.get();
    REQUIRE(f);
    CHECK((*cb)->order_id == "ord_1");
    CHECK(server.request_count() == 4);
}

TEST_CASE("async: many calls in flight share a bounded pool", "[async][pool]")
{
    https_server server([&](const recorded_request&) { return stall_headers(reply(200, std::string(order_body)), 20ms); });
    net::io_context ioc;
    auto o = opts(server, "csb_pub_k");
    o.max_connections = 3;
    csboard::client c(ioc.get_executor(), o);
    int ok = 0;
    for (int i = 0; i < 12; ++i)
        c.async_call<csboard::ops::get_order>({.id = "x"}, [&](result<csboard::Order> r) { ok += r ? 1 : 0; });
    ioc.run();
    CHECK(ok == 12);
    CHECK(server.request_count() == 12);
    CHECK(server.connection_count() == 3);
    CHECK(c.connections_opened() == 3);
}

TEST_CASE("async pool: warm_up opens verified connections ahead of need, and min_idle_connections keeps them", "[async][pool]")
{
    https_server server([&](const recorded_request&) { return reply(200, std::string(order_body)); });
    auto o = opts(server, "csb_pub_k");
    o.min_idle_connections = 2;
    csboard::client c(o);
    REQUIRE(c.warm_up().has_value());
    CHECK(server.connection_count() == 2); // TCP and TLS done before any call
    CHECK(server.request_count() == 0);
    REQUIRE(c.get_order({.id = "a"}));
    REQUIRE(c.get_order({.id = "b"}));
    CHECK(c.connections_opened() == 2); // both calls found a warm connection
    CHECK(server.connection_count() == 2);
    // A certificate the client does not trust fails the warm-up, typed.
    auto bad = opts(server, "csb_pub_k");
    bad.ca_file = "/nonexistent/ca.pem";
    csboard::client untrusted(bad);
    auto w = untrusted.warm_up(1);
    REQUIRE(w.has_error());
    CHECK(w.error().kind == error_kind::invalid_argument);
}

TEST_CASE("async pool: idle connections expire and are replaced", "[async][pool]")
{
    https_server server([&](const recorded_request&) { return reply(200, std::string(order_body)); });
    auto o = opts(server, "csb_pub_k");
    o.idle_timeout = 1ms; // 0 would mean "never"
    csboard::client c(o);
    REQUIRE(c.get_order({.id = "a"}));
    std::this_thread::sleep_for(5ms);
    REQUIRE(c.get_order({.id = "b"}));
    CHECK(server.connection_count() == 2);
    CHECK(server.request_count() == 2);
}

// ---------------------------------------------------------------- cancellation and deadlines

TEST_CASE("async: a per-call deadline ends a stalled call promptly and the pool stays usable", "[async][timeout]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return n++ == 0 ? stall_headers(reply(200, std::string(order_body)), 5000ms) : reply(200, std::string(order_body));
    });
    auto o = opts(server, "csb_pub_k", 1);
    o.request_timeout = 10s;
    csboard::client c(o);
    call_options co;
    co.timeout = 300ms;
    auto t0 = clk::now();
    auto r = c.call<csboard::ops::get_order>({.id = "a"}, co);
    auto took = clk::now() - t0;
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::timeout);
    CHECK(took < 2s);
    REQUIRE(c.get_order({.id = "b"}));
    CHECK(server.request_count() == 2);
}

TEST_CASE("async: cancellation through a cancellation slot ends calls promptly", "[async][cancel]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return n++ == 0 ? stall_headers(reply(200, std::string(order_body)), 5000ms) : reply(200, std::string(order_body));
    });
    net::io_context ioc;
    auto o = opts(server, "csb_pub_k");
    csboard::client c(ioc.get_executor(), o);

    SECTION("a read in flight")
    {
        net::cancellation_signal sig;
        std::optional<result<csboard::Order>> got;
        c.async_call<csboard::ops::get_order>({.id = "a"},
                                              net::bind_cancellation_slot(sig.slot(), [&](result<csboard::Order> r) { got = std::move(r); }));
        net::steady_timer t(ioc, 150ms);
        t.async_wait([&](auto) { sig.emit(net::cancellation_type::terminal); });
        auto t0 = clk::now();
        ioc.run();
        CHECK(clk::now() - t0 < 2s);
        REQUIRE(got);
        REQUIRE_FALSE(*got);
        CHECK(got->error().system_code == net::error::operation_aborted);
        CHECK(server.request_count() == 1);
        // the pool is still usable
        ioc.restart();
        auto f = c.async_call<csboard::ops::get_order>({.id = "b"}, net::use_future);
        ioc.run();
        CHECK(f.get());
        CHECK(server.request_count() == 2);
    }
    SECTION("a buy in flight: outcome_unknown with its id")
    {
        using namespace net::experimental::awaitable_operators;
        std::optional<result<csboard::MarketBuyResponse>> got;
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                net::steady_timer t(co_await net::this_coro::executor, 150ms);
                auto buy = csboard_buy("cid-cancel");
                auto v = co_await (c.async_call<csboard::ops::market_buy>(buy, net::use_awaitable) ||
                                   t.async_wait(net::use_awaitable));
                if (v.index() == 0)
                    got = std::get<0>(std::move(v));
            },
            net::detached);
        auto t0 = clk::now();
        ioc.run();
        CHECK(clk::now() - t0 < 2s);
        CHECK_FALSE(got); // the timer won
        CHECK(server.request_count() == 1);
    }
}

TEST_CASE("async: cancelling a buy after it was sent reports outcome_unknown with the id", "[async][cancel][buy]")
{
    https_server server([&](const recorded_request&) { return stall_headers(reply(200, "{}"), 5000ms); });
    net::io_context ioc;
    cs2dt::client c(ioc.get_executor(), opts(server, "cs2dt-key-12345"));
    net::cancellation_signal sig;
    std::optional<result<cs2dt::BuyResultDTO>> got;
    c.async_call<cs2dt::ops::buy_item>(cs2dt_buy("otn-c"),
                                       net::bind_cancellation_slot(sig.slot(), [&](auto r) { got = std::move(r); }));
    net::steady_timer t(ioc, 150ms);
    t.async_wait([&](auto) { sig.emit(net::cancellation_type::terminal); });
    ioc.run();
    REQUIRE(got);
    REQUIRE_FALSE(*got);
    CHECK(got->error().kind == error_kind::outcome_unknown);
    CHECK(got->error().idempotency_id == "otn-c");
    CHECK(server.request_count() == 1);
}

// ---------------------------------------------------------------- rate limiter

TEST_CASE("rate limiter: calls wait for a free slot, the wait is reported, and it can be cancelled", "[async][ratelimit]")
{
    https_server server([&](const recorded_request&) { return reply(200, std::string(order_body)); });
    auto o = opts(server, "csb_pub_k");
    o.rate_limiting = true;
    o.rate_limits["read"] = rate_limit{2, 100ms}; // 2 in any 100 ms
    std::atomic<int> waits{0};
    o.hook = [&](const call_event& e) {
        if (e.kind == call_event::type::rate_limit_wait)
            ++waits;
    };
    csboard::client c(o);
    auto t0 = clk::now();
    for (int i = 0; i < 5; ++i)
        REQUIRE(c.get_order({.id = "x"}));
    auto took = clk::now() - t0;
    // 2 in any 100 ms: calls 3 and 5 cannot go before 100 ms and 200 ms (call 4
    // may or may not wait, depending on how long calls 1-3 took).
    CHECK(took >= 195ms);
    CHECK(took < 3s);
    CHECK(waits >= 2);
    CHECK(waits <= 3);
    CHECK(server.request_count() == 5);

    SECTION("cancelled while waiting for a token: nothing sent")
    {
        net::io_context ioc;
        auto o2 = opts(server, "csb_pub_other");
        o2.rate_limiting = true;
        o2.rate_limits["read"] = rate_limit{1, 2s}; // one, the next 2 s later
        csboard::client d(ioc.get_executor(), o2);
        REQUIRE(d.async_call<csboard::ops::get_order>({.id = "x"}, net::use_future).wait_for(0s) != std::future_status::ready);
        ioc.run();
        ioc.restart();
        net::cancellation_signal sig;
        std::optional<result<csboard::Order>> got;
        d.async_call<csboard::ops::get_order>({.id = "y"},
                                              net::bind_cancellation_slot(sig.slot(), [&](auto r) { got = std::move(r); }));
        net::steady_timer t(ioc, 100ms);
        t.async_wait([&](auto) { sig.emit(net::cancellation_type::terminal); });
        auto t1 = clk::now();
        ioc.run();
        CHECK(clk::now() - t1 < 1500ms);
        REQUIRE(got);
        REQUIRE_FALSE(*got);
        CHECK(server.request_count() == 6);
    }
    SECTION("a wait beyond the call's deadline fails at once")
    {
        auto o3 = opts(server, "csb_pub_third");
        o3.rate_limiting = true;
        o3.rate_limits["read"] = rate_limit{1, 10s};
        csboard::client e(o3);
        REQUIRE(e.get_order({.id = "x"}));
        call_options co;
        co.timeout = 500ms;
        auto t1 = clk::now();
        auto r = e.call<csboard::ops::get_order>({.id = "x"}, co);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::timeout);
        CHECK(clk::now() - t1 < 300ms);
        CHECK(server.request_count() == 6);
    }
}

// ---------------------------------------------------------------- hooks

TEST_CASE("hooks: start, end and retry events, with the credential redacted", "[async][hooks]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return n++ == 0 ? reply(503, "busy", {{"Content-Type", "text/plain"}})
                        : reply(200, R"j({"success":true,"data":{"orderId":"1"},"errorCode":0})j");
    });
    auto o = opts(server, "cs2dt-secret-key-777");
    std::vector<std::string> log;
    o.hook = [&](const call_event& e) {
        std::string line = std::to_string(int(e.kind)) + " " + std::string(e.operation) + " " + std::string(e.redacted_target) +
                           " " + std::to_string(e.attempt) + " " + std::to_string(e.http_status);
        log.push_back(line);
    };
    cs2dt::client c(o);
    REQUIRE(c.buyer_order_detail({.orderId = 1}));
    REQUIRE(log.size() == 5); // start, end 503, retry, start, end 200
    for (const auto& l : log)
        CHECK(l.find("cs2dt-secret-key-777") == std::string::npos);
    CHECK(log[0].find("<redacted>") != std::string::npos);
    CHECK(log[1].find(" 503") != std::string::npos);
    CHECK(log[2].rfind("2 ", 0) == 0);
    CHECK(server.request_count() == 2);
}
