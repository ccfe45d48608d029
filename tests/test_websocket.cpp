// The reconnecting WebSocket client and both push feeds against a real WSS
// server on loopback (test CA made at test time): typed events, reconnects with
// fresh URLs, proactive refresh, backoff, TLS verification, Skinify's signed URL
// and auth_failed, and no secret in any error or status.
#include <cs2market/cs2dt/market_feed.hpp>
#include <cs2market/skinify/realtime.hpp>
#include <cs2market/testing/https_server.hpp>
#include <cs2market/testing/wss_server.hpp>
#include <cs2market/net/websocket.hpp>

#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using namespace cs2market;
using namespace std::chrono_literals;
using testing::wss_server;

namespace {

constexpr std::chrono::milliseconds wait_long{15'000}; // only ever reached when a test fails

/// Runs an io_context on a background thread; joins (bounded) on destruction.
struct io_runner {
    boost::asio::io_context ioc{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard{ioc.get_executor()};
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    std::thread thread{[this] {
        ioc.run();
        {
            std::lock_guard<std::mutex> lock(m);
            finished = true;
        }
        cv.notify_all();
    }};

    ~io_runner()
    {
        guard.reset();
        {
            std::unique_lock<std::mutex> lock(m);
            if (!cv.wait_for(lock, 5s, [&] { return finished; }))
                ioc.stop();
        }
        thread.join();
    }
};

/// Collects events and statuses from the io thread; waits for conditions.
template <class E>
struct recorder {
    mutable std::mutex m;
    std::condition_variable cv;
    std::vector<E> events;
    std::vector<websocket_status> statuses;

    void event(const E& e)
    {
        {
            std::lock_guard<std::mutex> lock(m);
            events.push_back(e);
        }
        cv.notify_all();
    }
    void status(const websocket_status& s)
    {
        {
            std::lock_guard<std::mutex> lock(m);
            statuses.push_back(s);
        }
        cv.notify_all();
    }
    /// `pred` runs with the lock held: use the members and n() directly.
    template <class P>
    bool wait(P pred, std::chrono::milliseconds t = wait_long)
    {
        std::unique_lock<std::mutex> lock(m);
        return cv.wait_for(lock, t, pred);
    }
    /// For wait() predicates (the lock is held).
    std::size_t n(websocket_state s) const
    {
        return static_cast<std::size_t>(
            std::count_if(statuses.begin(), statuses.end(), [&](const websocket_status& x) { return x.state == s; }));
    }
    std::size_t count(websocket_state s) const
    {
        std::lock_guard<std::mutex> lock(m);
        return n(s);
    }
    std::vector<websocket_status> status_copy() const
    {
        std::lock_guard<std::mutex> lock(m);
        return statuses;
    }
    std::vector<E> event_copy() const
    {
        std::lock_guard<std::mutex> lock(m);
        return events;
    }
    std::vector<websocket_status> of(websocket_state s) const
    {
        std::vector<websocket_status> out;
        for (const auto& x : status_copy())
            if (x.state == s)
                out.push_back(x);
        return out;
    }
};

/// Short timeouts and delays for loopback tests.
template <class Opts>
Opts fast(Opts o, const wss_server& s)
{
    o.ca_file = s.ca_file();
    o.connect_timeout = 5s;
    o.upgrade_timeout = 5s;
    o.idle_timeout = 20s;
    o.reconnect.initial = 10ms;
    o.reconnect.max = 100ms;
    return o;
}

/// A url_provider handing out "<base>/feed?token=t<n>" and counting its calls.
struct counting_urls {
    const wss_server& server;
    std::string prefix = "/feed?token=t";
    std::atomic<int> calls{0};

    websocket_client::url_provider provider()
    {
        return [this]() -> result<std::string> { return server.url(prefix + std::to_string(++calls)); };
    }
};

} // namespace

TEST_CASE("cs2dt market_feed: typed new/update/remove from a fresh REST address, unknown events kept", "[websocket]")
{
    wss_server wss;
    std::atomic<int> rest_calls{0};
    testing::https_server rest_server([&](const testing::recorded_request&) {
        testing::canned_response r;
        r.body = R"({"success":true,"data":")" + wss.url("/ws/market?token=tok" + std::to_string(++rest_calls)) +
                 R"(","errorCode":0,"errorMsg":null})";
        return r;
    });
    client_options co;
    co.credential = "APPKEY-SECRET";
    co.base_url = rest_server.base_url();
    co.ca_file = rest_server.ca_file();
    co.connect_timeout = 5s;
    co.request_timeout = 5s;
    cs2dt::client rest(co);

    recorder<cs2dt::MarketPushMessage> rec;
    io_runner io;
    cs2dt::market_feed feed(
        io.ioc, rest, [&](const cs2dt::MarketPushMessage& m) { rec.event(m); }, fast(cs2dt::market_feed_options{}, wss),
        [&](const websocket_status& s) { rec.status(s); });
    feed.start();
    REQUIRE(wss.wait_for_open(1, wait_long));
    CHECK(rest_calls == 1);
    REQUIRE(rest_server.request_count() == 1);
    CHECK(rest_server.requests()[0].target.rfind("/v1/user/v1/wss", 0) == 0);
    CHECK(wss.targets() == std::vector<std::string>{"/ws/market?token=tok1"});

    CHECK(wss.push(R"({"requestId":"r1","roomId":"market","event":"new","data":{"delivery":2,"id":1252366888418574311,)"
                   R"("itemId":553370749,"price":5.2,"updateTime":1719550000000},"sendTime":1719550000123})") == 1);
    wss.push(R"({"requestId":"r2","roomId":"market","event":"update","data":{"id":1252366888418574311,"price":1234567.89}})");
    wss.push(R"({"requestId":"r3","event":"remove","data":{"id":9007199254740993}})");
    wss.push("this is not JSON");
    wss.push(R"({"requestId":"r4","event":"price_drop","data":{"id":42,"price":0.01},"extra":{"ignored":true}})");
    REQUIRE(rec.wait([&] { return rec.events.size() >= 4 && rec.n(websocket_state::message_error) >= 1; }));

    auto ev = rec.event_copy();
    REQUIRE(ev.size() == 4);
    REQUIRE(ev[0].event);
    CHECK(*ev[0].event == cs2dt::MarketPushEvent::new_);
    CHECK(ev[0].event->raw() == "new");
    CHECK(ev[0].requestId == "r1");
    CHECK(ev[0].roomId == "market");
    REQUIRE(ev[0].data);
    CHECK(ev[0].data->id == std::int64_t{1252366888418574311});
    CHECK(ev[0].data->itemId == std::int64_t{553370749});
    CHECK(ev[0].data->price == decimal::from_units(52, 1));
    REQUIRE(ev[0].data->delivery);
    CHECK(ev[0].data->delivery->raw() == 2);
    REQUIRE(ev[0].data->updateTime);
    CHECK(ev[0].data->updateTime->raw() == 1719550000000);
    REQUIRE(ev[0].sendTime);
    CHECK(ev[0].sendTime->raw() == 1719550000123);

    CHECK(*ev[1].event == cs2dt::MarketPushEvent::update);
    CHECK(ev[1].data->price == decimal::from_units(123456789, 2));
    CHECK(*ev[2].event == cs2dt::MarketPushEvent::remove);
    CHECK(ev[2].data->id == std::int64_t{9007199254740993});
    CHECK_FALSE(ev[3].event->is_known());
    CHECK(ev[3].event->raw() == "price_drop");
    CHECK(ev[3].data->price == decimal::from_units(1, 2));

    auto errs = rec.of(websocket_state::message_error);
    REQUIRE(errs.size() == 1);
    REQUIRE(errs[0].reason);
    CHECK(errs[0].reason->kind == error_kind::invalid_json);
    CHECK(errs[0].reason->provider == cs2dt::id);

    auto connected = rec.of(websocket_state::connected);
    REQUIRE(connected.size() == 1);
    CHECK(connected[0].endpoint == "127.0.0.1:" + std::to_string(wss.port()));

    feed.stop();
    CHECK(wss.wait_for_closed(wait_long)); // stop() closed the connection
    CHECK(rec.count(websocket_state::disconnected) == 0);
}

TEST_CASE("websocket: a dropped or closed connection reconnects with a fresh URL and events keep coming", "[websocket]")
{
    wss_server wss;
    counting_urls urls{wss};
    recorder<cs2dt::MarketPushMessage> rec;
    io_runner io;
    cs2dt::market_feed feed(
        io.ioc, urls.provider(), [&](const cs2dt::MarketPushMessage& m) { rec.event(m); },
        fast(cs2dt::market_feed_options{}, wss), [&](const websocket_status& s) { rec.status(s); });
    feed.start();

    REQUIRE(wss.wait_for_open(1, wait_long));
    wss.push(R"({"event":"new","data":{"id":1}})");
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));

    // The server drops the TCP connection: no close frame.
    CHECK(wss.drop_all() == 1);
    REQUIRE(wss.wait_for_upgrades(2, wait_long));
    REQUIRE(wss.wait_for_open(1, wait_long));
    wss.push(R"({"event":"update","data":{"id":2}})");
    REQUIRE(rec.wait([&] { return rec.events.size() == 2; }));
    CHECK(urls.calls == 2);
    auto t = wss.targets();
    REQUIRE(t.size() == 2);
    CHECK(t[0] == "/feed?token=t1");
    CHECK(t[1] == "/feed?token=t2");
    CHECK(t[0] != t[1]);

    // The server closes with a close frame.
    CHECK(wss.close_all(1001, "maintenance") == 1);
    REQUIRE(wss.wait_for_upgrades(3, wait_long));
    REQUIRE(wss.wait_for_open(1, wait_long));
    wss.push(R"({"event":"remove","data":{"id":3}})");
    REQUIRE(rec.wait([&] { return rec.events.size() == 3 && rec.n(websocket_state::connected) == 3; }));
    CHECK(urls.calls == 3);
    CHECK(wss.targets().at(2) == "/feed?token=t3");

    auto ev = rec.event_copy();
    CHECK(ev[0].data->id == 1);
    CHECK(ev[1].data->id == 2);
    CHECK(ev[2].data->id == 3);

    auto drops = rec.of(websocket_state::disconnected);
    REQUIRE(drops.size() == 2);
    for (const auto& d : drops) {
        REQUIRE(d.reason);
        CHECK(d.reason->kind == error_kind::transport);
        CHECK(d.reason->provider == cs2dt::id);
        CHECK(d.connected_for > 0ms);
    }
    CHECK(drops[1].reason->detail.find("1001") != std::string::npos);
    CHECK(drops[1].reason->detail.find("maintenance") != std::string::npos);
    auto again = rec.of(websocket_state::reconnecting);
    REQUIRE(again.size() == 2);
    CHECK(again[0].attempt == 1);
    CHECK(again[0].delay <= 10ms); // the first retry waits reconnect.initial (less jitter)
    for (const auto& r : again)
        CHECK(r.delay <= 100ms);
    feed.stop();
}

TEST_CASE("websocket: reconnects with a fresh URL when max_session_age passes", "[websocket]")
{
    wss_server wss;
    counting_urls urls{wss};
    recorder<std::string> rec;
    io_runner io;
    auto o = fast(websocket_options{}, wss);
    o.max_session_age = 250ms;
    websocket_client ws(
        io.ioc, urls.provider(), [&](std::string_view m) { rec.event(std::string(m)); }, o,
        [&](const websocket_status& s) { rec.status(s); });
    ws.start();
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::connected) >= 3; }));
    ws.stop();

    CHECK(urls.calls >= 3);
    CHECK(wss.upgrades_accepted() >= 3);
    auto t = wss.targets();
    REQUIRE(t.size() >= 3);
    CHECK(t[0] == "/feed?token=t1");
    CHECK(t[1] == "/feed?token=t2");
    CHECK(t[2] == "/feed?token=t3");
    CHECK(rec.of(websocket_state::refreshing).size() >= 2);
    for (const auto& d : rec.of(websocket_state::disconnected)) {
        CHECK_FALSE(d.reason); // planned: no error
        CHECK(d.connected_for > 0ms);
    }
    for (const auto& r : rec.of(websocket_state::reconnecting)) {
        CHECK(r.delay == 0ms);
        CHECK(r.attempt == 0);
    }
}

TEST_CASE("websocket: backoff grows between refused upgrades and is bounded", "[websocket]")
{
    wss_server wss;
    wss.refuse_upgrades(503);
    counting_urls urls{wss};
    recorder<std::string> rec;
    io_runner io;
    auto o = fast(websocket_options{}, wss);
    o.reconnect.initial = 20ms;
    o.reconnect.max = 160ms;
    o.reconnect.jitter = 0.25;
    websocket_client ws(
        io.ioc, urls.provider(), [&](std::string_view m) { rec.event(std::string(m)); }, o,
        [&](const websocket_status& s) { rec.status(s); });
    ws.start();
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::reconnecting) >= 7; }));
    wss.accept_upgrades();
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::connected) == 1; }));

    auto r = rec.of(websocket_state::reconnecting);
    REQUIRE(r.size() >= 7);
    // Nominal 20, 40, 80, 160, 160, ... ms, each cut by up to 25 %.
    for (std::size_t i = 0; i < 7; ++i) {
        CHECK(r[i].attempt == i + 1);
        CHECK(r[i].delay <= 160ms);
    }
    CHECK(r[0].delay >= 15ms);
    CHECK(r[0].delay < r[1].delay);
    CHECK(r[1].delay < r[2].delay);
    CHECK(r[2].delay < r[3].delay);
    for (std::size_t i = 3; i < 7; ++i)
        CHECK(r[i].delay >= 120ms); // capped at reconnect.max, not growing further
    auto d = rec.of(websocket_state::disconnected);
    REQUIRE(d.size() >= 7);
    for (std::size_t i = 0; i < 7; ++i) {
        REQUIRE(d[i].reason);
        CHECK(d[i].reason->kind == error_kind::http_status);
        CHECK(d[i].reason->http_status == 503);
        CHECK(d[i].connected_for == 0ms);
    }
    CHECK(wss.upgrade_requests() >= 8);
    CHECK(urls.calls == static_cast<int>(wss.upgrade_requests())); // a fresh URL for every attempt
    ws.stop();
}

TEST_CASE("websocket: a server that accepts and drops at once gets growing delays, a stable connection resets them",
          "[websocket]")
{
    wss_server flaky;                     // drops every connection right after the upgrade
    wss_server stable(flaky.identity()); // same CA
    flaky.set_drop_on_open(true);
    std::atomic<bool> use_stable{false};
    std::atomic<int> calls{0};
    recorder<std::string> rec;
    io_runner io;
    auto o = fast(websocket_options{}, flaky);
    o.reconnect.initial = 20ms;
    o.reconnect.max = 160ms;
    websocket_client ws(
        io.ioc,
        [&]() -> result<std::string> {
            return (use_stable ? stable : flaky).url("/feed?token=t" + std::to_string(++calls));
        },
        [&](std::string_view m) { rec.event(std::string(m)); }, o, [&](const websocket_status& s) { rec.status(s); });
    ws.start();
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::reconnecting) >= 4; }));
    use_stable = true;
    auto r = rec.of(websocket_state::reconnecting);
    CHECK(r[0].attempt == 1);
    CHECK(r[1].attempt == 2);
    CHECK(r[2].attempt == 3);
    CHECK(r[0].delay < r[1].delay);
    CHECK(r[1].delay < r[2].delay);
    CHECK(rec.count(websocket_state::connected) >= 3);
    CHECK(flaky.upgrades_accepted() >= 3);

    // Once a connection has stayed open for reconnect.max, the next drop retries after reconnect.initial.
    const std::string stable_endpoint = "127.0.0.1:" + std::to_string(stable.port());
    REQUIRE(rec.wait([&] {
        return std::any_of(rec.statuses.begin(), rec.statuses.end(), [&](const websocket_status& s) {
            return s.state == websocket_state::connected && s.endpoint == stable_endpoint;
        });
    }));
    REQUIRE(stable.wait_for_open(1, wait_long));
    std::this_thread::sleep_for(400ms); // > reconnect.max
    std::size_t before = rec.count(websocket_state::reconnecting);
    CHECK(stable.drop_all() == 1);
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::reconnecting) > before; }));
    auto last = rec.of(websocket_state::reconnecting).at(before);
    CHECK(last.attempt == 1);
    CHECK(last.delay <= 20ms);
    ws.stop();
}

TEST_CASE("websocket: an untrusted certificate is refused", "[websocket]")
{
    wss_server wss;
    wss_server other; // another CA
    for (std::string ca : {other.ca_file(), std::string()}) { // the wrong CA, then the system store
        counting_urls urls{wss};
        recorder<std::string> rec;
        io_runner io;
        auto o = fast(websocket_options{}, wss);
        o.ca_file = ca;
        o.reconnect.initial = 50ms;
        websocket_client ws(
            io.ioc, urls.provider(), [&](std::string_view m) { rec.event(std::string(m)); }, o,
            [&](const websocket_status& s) { rec.status(s); });
        ws.start();
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::disconnected) >= 2; }));
        ws.stop();
        auto d = rec.of(websocket_state::disconnected);
        REQUIRE(d[0].reason);
        CHECK(d[0].reason->kind == error_kind::tls);
        CHECK(d[0].reason->detail.find("certificate verify failed") != std::string::npos);
        CHECK(rec.count(websocket_state::connected) == 0);
        CHECK(wss.upgrade_requests() == 0); // nothing was sent over the untrusted connection
        CHECK(rec.event_copy().empty());
    }
}

TEST_CASE("websocket: messages above max_message_size end the connection, so does silence past idle_timeout",
          "[websocket]")
{
    wss_server wss;
    counting_urls urls{wss};
    recorder<std::string> rec;
    io_runner io;
    auto o = fast(websocket_options{}, wss);
    o.max_message_size = 1024;
    o.idle_timeout = 1500ms; // pings after 750 ms of silence
    websocket_client ws(
        io.ioc, urls.provider(), [&](std::string_view m) { rec.event(std::string(m)); }, o,
        [&](const websocket_status& s) { rec.status(s); });
    ws.start();
    REQUIRE(wss.wait_for_open(1, wait_long));
    wss.push(std::string(1024, 'a'));
    wss.push(std::string(1025, 'b'));
    REQUIRE(rec.wait([&] { return rec.n(websocket_state::disconnected) == 1; }));
    auto d = rec.of(websocket_state::disconnected).at(0);
    REQUIRE(d.reason);
    INFO(d.reason->message());
    CHECK(d.reason->detail.find("exceeded 1024 bytes") != std::string::npos);
    REQUIRE(rec.event_copy() == std::vector<std::string>{std::string(1024, 'a')});

    // Reconnected: small messages flow again; the server answers pings, so the
    // connection outlives idle_timeout.
    REQUIRE(wss.wait_for_upgrades(2, wait_long));
    REQUIRE(wss.wait_for_open(1, wait_long));
    wss.push("small");
    REQUIRE(rec.wait([&] { return rec.events.size() == 2; }));
    CHECK_FALSE(rec.wait([&] { return rec.n(websocket_state::disconnected) > 1; }, 2500ms));

    // A server that stops reading leaves pings unanswered: the client gives up on it.
    wss.set_responsive(false);
    wss.drop_all();
    INFO([&] { std::string all; for (auto& s : rec.status_copy()) all += to_string(s) + "\n"; return all; }());
    REQUIRE(rec.wait([&] {
        return std::any_of(rec.statuses.begin(), rec.statuses.end(), [](const websocket_status& s) {
            return s.state == websocket_state::disconnected && s.reason && s.reason->kind == error_kind::timeout;
        });
    }));
    ws.stop();
}

TEST_CASE("skinify: realtime signature and URL", "[websocket]")
{
    CHECK(skinify::realtime_signature(1, "123").value() == "2cfd4560539f887a5e420412b370b361"); // md5("1123")
    CHECK(skinify::realtime_url(1, "123").value() ==
          "wss://skinify.io/ws/?project_id=1&signature=2cfd4560539f887a5e420412b370b361");
    CHECK(skinify::realtime_url(1, "123", "wss://127.0.0.1:9443/").value() ==
          "wss://127.0.0.1:9443/ws/?project_id=1&signature=2cfd4560539f887a5e420412b370b361");
    CHECK(skinify::realtime_signature(0, "").value() == "cfcd208495d565ef66e7dff9f98764da"); // md5("0")
}

TEST_CASE("skinify realtime_feed: typed events by name, auth_success reported, unknown events kept", "[websocket]")
{
    wss_server wss;
    wss.on_open([](const std::string&) { return std::vector<std::string>{R"({"event":"auth_success"})"}; });
    recorder<skinify::realtime_event> rec;
    io_runner io;
    auto o = fast(skinify::realtime_options{}, wss);
    o.base_url = wss.base_url();
    skinify::realtime_feed feed(
        io.ioc, 42, "tok-SECRET", [&](const skinify::realtime_event& e) { rec.event(e); }, o,
        [&](const websocket_status& s) { rec.status(s); });
    feed.start();
    REQUIRE(rec.wait([&] { return rec.events.size() == 1; }));
    CHECK(wss.targets().at(0) == "/ws/?project_id=42&signature=" + skinify::realtime_signature(42, "tok-SECRET").value());
    CHECK(std::holds_alternative<skinify::realtime_auth_success>(rec.event_copy().at(0)));

    wss.push(R"({"event":"skin_purchase","data":{"skin":{"id":"11552","name":"Crimson Pique","price":"0.3"},)"
             R"("purchase_id":"65","purchase_status":"processing","date":"1643713700","balance_debited_sum":"0.3","custom_id":"1234"}})");
    wss.push(R"({ "event": "skin_purchase_status_change", "data": { "skin": { "id": "2516" }, "purchase_id": "65",)"
             R"( "purchase_status": "waiting_accept", "trade_offer_id": "4176876858" } })");
    wss.push(R"({"event":"balance_change","data":{"balance_value":"1234.5678"}})");
    wss.push(R"({"event":"skin_purchase","data":{"skin":{"id":"1"}}})"); // incomplete: reported, skipped
    wss.push(R"({"event":"maintenance","data":{"until":1700000000}})");
    REQUIRE(rec.wait([&] { return rec.events.size() == 5 && rec.n(websocket_state::message_error) == 1; }));

    auto ev = rec.event_copy();
    auto* buy = std::get_if<skinify::SkinPurchaseEvent>(&ev[1]);
    REQUIRE(buy);
    CHECK(buy->skin.id == "11552");
    CHECK(buy->skin.price == decimal::from_units(3, 1));
    CHECK(buy->purchase_id == "65");
    CHECK(buy->purchase_status == skinify::PurchaseStatus::processing);
    CHECK(buy->date.raw() == 1643713700);
    CHECK(buy->balance_debited_sum == decimal::from_units(3, 1));
    CHECK(buy->custom_id == "1234");
    auto* change = std::get_if<skinify::SkinPurchaseStatusChangeEvent>(&ev[2]);
    REQUIRE(change);
    CHECK(change->skin.id == "2516");
    CHECK(change->purchase_status == skinify::PurchaseStatus::waiting_accept);
    CHECK(change->trade_offer_id == "4176876858");
    auto* balance = std::get_if<skinify::BalanceChangeEvent>(&ev[3]);
    REQUIRE(balance);
    CHECK(balance->balance_value == decimal::from_units(12345678, 4));
    auto* other = std::get_if<skinify::RealtimeMessage>(&ev[4]);
    REQUIRE(other);
    CHECK_FALSE(other->event.is_known());
    CHECK(other->event.raw() == "maintenance");
    REQUIRE(other->data);
    CHECK(other->data->text == R"({"until":1700000000})");

    auto err = rec.of(websocket_state::message_error).at(0);
    REQUIRE(err.reason);
    CHECK(err.reason->kind == error_kind::decode);
    CHECK(err.reason->provider == skinify::id);
    CHECK(err.reason->json_path == "data.purchase_id");
    feed.stop();
}

TEST_CASE("skinify realtime_feed: auth_failed stops reconnecting and run_for returns early", "[websocket]")
{
    wss_server wss;
    wss.on_open([](const std::string&) {
        return std::vector<std::string>{R"({"event":"auth_failed","data":{"message":"bad signature"}})"};
    });
    std::vector<websocket_status> statuses; // run_for runs the handlers on this thread
    std::size_t events = 0;
    auto o = fast(skinify::realtime_options{}, wss);
    o.base_url = wss.base_url();
    skinify::realtime_feed feed(
        7, "wrong-SECRET", [&](const skinify::realtime_event&) { ++events; }, o,
        [&](const websocket_status& s) { statuses.push_back(s); });

    auto t0 = std::chrono::steady_clock::now();
    feed.run_for(30s);
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < 10s); // stopped by auth_failed, not by the 30 s

    auto fatal = feed.fatal_error();
    REQUIRE(fatal);
    CHECK(fatal->kind == error_kind::provider);
    CHECK(fatal->provider == skinify::id);
    CHECK(fatal->provider_code == "auth_failed");
    REQUIRE_FALSE(statuses.empty());
    CHECK(statuses.back().state == websocket_state::stopped);
    REQUIRE(statuses.back().reason);
    CHECK(statuses.back().reason->provider_code == "auth_failed");
    CHECK(std::none_of(statuses.begin(), statuses.end(),
                       [](const websocket_status& s) { return s.state == websocket_state::reconnecting; }));
    CHECK(events == 0);
    CHECK(wss.upgrades_accepted() == 1);
    std::string sig = skinify::realtime_signature(7, "wrong-SECRET").value();
    CHECK(fatal->message().find(sig) == std::string::npos);
    CHECK(fatal->message().find("SECRET") == std::string::npos);
}

TEST_CASE("websocket: no secret from the URL in any error or status", "[websocket]")
{
    wss_server wss;
    wss_server other;
    const std::string target = "/ws/PATHSECRET?token=QUERYSECRET&signature=SIGSECRET";
    std::vector<std::string> texts;
    auto collect = [&](const std::vector<websocket_status>& statuses) {
        for (const auto& s : statuses) {
            texts.push_back(to_string(s));
            texts.push_back(s.endpoint);
            if (s.reason) {
                texts.push_back(s.reason->message());
                texts.push_back(s.reason->body);
            }
        }
    };

    { // refused upgrades, then a drop, then a close frame
        wss.refuse_upgrades(401);
        recorder<std::string> rec;
        io_runner io;
        websocket_client ws(
            io.ioc, [&]() -> result<std::string> { return wss.url(target); }, [&](std::string_view) {},
            fast(websocket_options{}, wss), [&](const websocket_status& s) { rec.status(s); });
        ws.start();
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::disconnected) >= 2; }));
        wss.accept_upgrades();
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::connected) == 1; }));
        REQUIRE(wss.wait_for_open(1, wait_long));
        wss.drop_all();
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::connected) == 2; }));
        REQUIRE(wss.wait_for_open(1, wait_long));
        wss.close_all(4000, "bye");
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::connected) == 3; }));
        ws.stop();
        collect(rec.status_copy());
    }
    { // a TLS failure, and URLs that do not parse
        recorder<std::string> rec;
        io_runner io;
        std::atomic<int> n{0};
        auto o = fast(websocket_options{}, wss);
        o.ca_file = other.ca_file();
        websocket_client ws(
            io.ioc,
            [&]() -> result<std::string> {
                switch (n++ % 3) {
                case 0: return wss.url(target);
                case 1: return std::string("ws://127.0.0.1/?token=QUERYSECRET");
                default: return std::string("wss://user:PASSSECRET@127.0.0.1/PATHSECRET");
                }
            },
            [&](std::string_view) {}, o, [&](const websocket_status& s) { rec.status(s); });
        ws.start();
        REQUIRE(rec.wait([&] { return rec.n(websocket_state::disconnected) >= 3; }));
        ws.stop();
        collect(rec.status_copy());
    }
    REQUIRE(texts.size() > 10);
    for (const auto& t : texts) {
        INFO(t);
        CHECK(t.find("SECRET") == std::string::npos);
    }
}
