// The live market book (cs2market/market/market_book.hpp) and the feeds into it
// (cs2dt/book.hpp, skinify/book.hpp): best / offers against constraints,
// upsert / update / remove / replace_all, the cap, unkeyed listings counted, the
// providers' documented push messages applied, and both feeds over loopback WSS.
// The speed of best() and of updates: bench/book_bench.cpp.
#include <cs2market/cs2dt/book.hpp>
#include <cs2market/cs2dt/market.hpp>
#include <cs2market/csboard/market.hpp>
#include <cs2market/cs2dt/market_feed.hpp>
#include <cs2market/market/market_book.hpp>
#include <cs2market/skinify/book.hpp>
#include <cs2market/skinify/market.hpp>
#include <cs2market/skinify/realtime.hpp>
#include <cs2market/testing/https_server.hpp>
#include <cs2market/testing/wss_server.hpp>

#include "support/fixtures.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

// A named namespace: this file shares a unity TU with others.
namespace book_test {

using cs2market::book_change;
using cs2market::decimal;
using cs2market::doppler_phase;
using cs2market::item_facts;
using cs2market::item_key;
using cs2market::market_book;
using cs2market::provider_id;
using cs2market::quote;
using cs2market::quote_constraints;

constexpr provider_id east{"east"};
constexpr provider_id west{"west"};

decimal money(const char* s) { return decimal::from_string(s); }

item_key key(const std::string& name, item_facts f = {}) { return *item_key::make(name, std::move(f)); }

item_facts facts(std::optional<double> fl, std::optional<std::int64_t> seed = {}, std::optional<std::int64_t> paint = {})
{
    item_facts f;
    f.float_value = fl;
    f.paint_seed = seed;
    f.paint_index = paint;
    return f;
}

quote offer(provider_id p, std::string id, const char* price, item_key k, cs2market::unix_ms at = 1000)
{
    quote q{p, std::move(id), {}, {}, true, {}, std::move(k), at};
    cs2market::price_with_fee(q, money(price), cs2market::fee_schedule{});
    return q;
}

const std::string redline = "AK-47 | Redline (Field-Tested)";
const std::string st_redline = "StatTrak™ AK-47 | Redline (Field-Tested)";
const std::string doppler = "★ Karambit | Doppler (Factory New)";

std::vector<std::string> ids(const std::vector<quote>& qs)
{
    std::vector<std::string> out;
    for (const auto& q : qs)
        out.push_back(std::string(q.provider.name()) + ":" + q.listing_id);
    return out;
}

/// The same catalogue for the constraint table: two providers, floats, seeds, phases.
void fill(market_book& b)
{
    b.upsert(offer(east, "e1", "52.10", key(redline, facts(0.21, 661))));
    b.upsert(offer(west, "w1", "49.90", key(redline, facts(0.36, 12))));
    b.upsert(offer(east, "e2", "48.00", key(redline)));         // states no float, no seed
    b.upsert(offer(west, "w2", "52.10", key(redline, facts(0.16))));
    b.upsert(offer(east, "e3", "75.00", key(st_redline, facts(0.2))));
    b.upsert(offer(east, "d1", "1400", key(doppler, facts(0.01, {}, 415))));  // Ruby
    b.upsert(offer(west, "d2", "900", key(doppler, facts(0.02, {}, 418))));   // Phase 1
    b.upsert(offer(west, "d3", "880", key(doppler)));                         // no phase stated
}

/// Runs an io_context on a thread while a feed lives; stops the feed first, then joins (bounded).
struct feed_thread {
    boost::asio::io_context& ioc;
    std::function<void()> stop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{ioc.get_executor()};
    std::promise<void> ran;
    std::thread thread{[this] {
        ioc.run();
        ran.set_value();
    }};

    ~feed_thread()
    {
        stop();
        guard.reset();
        if (ran.get_future().wait_for(std::chrono::seconds(5)) != std::future_status::ready)
            ioc.stop();
        thread.join();
    }
};

/// Polls `done` (a book's state, written on the feed's thread) for up to 15 s: only a failing test waits that long.
bool eventually(const std::function<bool()>& done)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

template <class Opts>
Opts loopback(Opts o, const cs2market::testing::wss_server& s)
{
    o.ca_file = s.ca_file();
    o.connect_timeout = std::chrono::seconds(5);
    o.upgrade_timeout = std::chrono::seconds(5);
    o.reconnect.initial = std::chrono::milliseconds(10);
    o.reconnect.max = std::chrono::milliseconds(100);
    return o;
}

// CS2DT's market_search example names item type 123456 (tests/data/cs2dt/market_search.json),
// the one the reference's push example (reference cs2dt.md section 4) lists.
constexpr const char* dt_documented_push =
    R"({"requestId":"r-1","roomId":"market","event":"update",)"
    R"("data":{"delivery":2,"id":1252366888418574300,"itemId":123456,"price":5.2,"updateTime":1719550000000},)"
    R"("sendTime":1719550000123})";

/// The data of a documented CS2DT answer (tests/data/cs2dt/<fixture>), decoded as the client does.
template <class T>
T dt_data(const std::string& fixture)
{
    auto env = cs2market::from_json<cs2market::cs2dt::WebApiRes>(cs2market::test::read_data("cs2dt/" + fixture));
    REQUIRE(env);
    REQUIRE(env->data);
    auto data = cs2market::from_json<T>(env->data->text);
    REQUIRE(data);
    return std::move(*data);
}

} // namespace book_test

using namespace book_test;

TEST_CASE("market_book: best and offers answer the cheapest admitted offers, a fact not stated never admitted", "[book]")
{
    market_book b;
    fill(b);
    struct row {
        const char* what;
        std::string name;
        quote_constraints c;
        std::vector<std::string> cheapest_first;
    };
    auto with = [](auto set) {
        quote_constraints c;
        set(c);
        return c;
    };
    const auto r = GENERATE_REF(values<row>({
        {"none", redline, {}, {"east:e2", "west:w1", "east:e1", "west:w2"}}, // ties by provider then id
        {"float max: e2 states none", redline, with([](auto& c) { c.float_max = 0.25; }), {"east:e1", "west:w2"}},
        {"float min inclusive", redline, with([](auto& c) { c.float_min = 0.21; }), {"west:w1", "east:e1"}},
        {"seed", redline, with([](auto& c) { c.paint_seed = 12; }), {"west:w1"}},
        {"max price inclusive", redline, with([](auto& c) { c.max_price = money("49.90"); }), {"east:e2", "west:w1"}},
        {"max price below all", redline, with([](auto& c) { c.max_price = money("47.99"); }), {}},
        {"stattrak is another name", st_redline, {}, {"east:e3"}},
        {"phase: the listing without one is not admitted", doppler,
         with([](auto& c) { c.phase = doppler_phase::ruby; }), {"east:d1"}},
        {"no phase asked: every listing of the name", doppler, {}, {"west:d3", "west:d2", "east:d1"}},
        {"a name the book does not hold", "AWP | Asiimov (Field-Tested)", {}, {}},
    }));
    INFO(r.what);
    CHECK(ids(b.offers(key(r.name), r.c)) == r.cheapest_first);
    auto best = b.best(key(r.name), r.c);
    REQUIRE(best.has_value() == !r.cheapest_first.empty());
    if (best)
        CHECK(std::string(best->provider.name()) + ":" + best->listing_id == r.cheapest_first.front());
    CHECK(ids(b.offers(key(r.name), r.c, 1)) == std::vector<std::string>(r.cheapest_first.begin(),
                                                                          r.cheapest_first.begin() + (r.cheapest_first.empty() ? 0 : 1)));
}

TEST_CASE("market_book: a key with a phase asks for that phase, and ages come from observed_at", "[book]")
{
    market_book b;
    fill(b);
    item_facts ruby;
    ruby.phase = doppler_phase::ruby;
    CHECK(ids(b.offers(key(doppler, ruby))) == std::vector<std::string>{"east:d1"});
    auto best = b.best(key(redline));
    REQUIRE(best);
    CHECK(best->observed_at == 1000);
    CHECK(best->age_ms(1250) == 250);
    CHECK(best->age_ms(10) == 0); // a clock behind the data: never negative
}

TEST_CASE("market_book: upsert replaces, update keeps what it does not change, remove, and what was not there is counted",
          "[book]")
{
    market_book b;
    CHECK(b.upsert(offer(east, "1", "10", key(redline, facts(0.2)))) == book_change::inserted);
    CHECK(b.upsert(offer(east, "2", "11", key(redline, facts(0.3)))) == book_change::inserted);
    CHECK(b.upsert(offer(west, "1", "12", key(redline))) == book_change::inserted); // same id, other provider
    CHECK(b.upsert(offer(east, "1", "13", key(redline, facts(0.2)), 2000)) == book_change::changed);
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"east:2", "west:1", "east:1"});
    CHECK(b.find(east, "1")->observed_at == 2000);

    // A price update: the facts stay (a float constraint still admits it), provider and id cannot move.
    CHECK(b.update(east, "1", [](quote& q) {
        q.price = money("9.5");
        q.observed_at = 3000;
        q.listing_id = "elsewhere";
    }));
    quote_constraints low;
    low.float_max = 0.25;
    auto best = b.best(key(redline), low);
    REQUIRE(best);
    CHECK(best->listing_id == "1");
    CHECK(best->price == money("9.5"));
    CHECK(best->key.float_value() == 0.2);
    CHECK_FALSE(b.find(east, "elsewhere"));

    // An update moving a listing to another name leaves the old name's index.
    CHECK(b.update(west, "1", [](quote& q) { q.key = key(st_redline); }));
    CHECK(ids(b.offers(key(st_redline))) == std::vector<std::string>{"west:1"});
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"east:1", "east:2"});

    CHECK(b.remove(east, "1"));
    CHECK_FALSE(b.remove(east, "1"));
    CHECK_FALSE(b.update(east, "1", [](quote&) {}));
    CHECK(b.upsert(offer(provider_id{}, "3", "1", key(redline))) == book_change::refused);
    CHECK(b.upsert(offer(east, "", "1", key(redline))) == book_change::refused);

    auto s = b.stats();
    CHECK(s.entries == 2);
    CHECK(s.inserted == 3);
    CHECK(s.changed == 3);
    CHECK(s.removed == 1);
    CHECK(s.not_found == 2);
    CHECK(s.refused == 2);
    CHECK(s.unkeyed == 0);
}

TEST_CASE("market_book: a snapshot replaces what that provider had, of everything or of one item", "[book]")
{
    market_book b;
    fill(b);
    SECTION("one item: listings gone from the snapshot go, other providers and names stay")
    {
        b.replace_all(west, key(redline), {offer(west, "w9", "47.00", key(redline, facts(0.3))),
                                           offer(west, "w2", "51.00", key(redline, facts(0.16))),
                                           offer(west, "x", "1.00", key(st_redline)), // another name: ignored
                                           offer(east, "e9", "1.00", key(redline))}); // another provider: refused
        CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"west:w9", "east:e2", "west:w2", "east:e1"});
        CHECK(ids(b.offers(key(st_redline))) == std::vector<std::string>{"east:e3"});
        CHECK(ids(b.offers(key(doppler))).size() == 3);
        CHECK(b.stats().refused == 1);
    }
    SECTION("one item with a phase: the other phases stay")
    {
        item_facts p1;
        p1.phase = doppler_phase::phase_1;
        b.replace_all(west, key(doppler, p1), {});
        CHECK(ids(b.offers(key(doppler))) == std::vector<std::string>{"west:d3", "east:d1"});
    }
    SECTION("everything of a provider")
    {
        b.replace_all(west, {offer(west, "d2", "901", key(doppler, facts(0.02, {}, 418)))});
        CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"east:e2", "east:e1"});
        CHECK(ids(b.offers(key(doppler))) == std::vector<std::string>{"west:d2", "east:d1"});
        CHECK(b.find(west, "d2")->price == money("901"));
    }
    SECTION("an empty snapshot empties that provider")
    {
        b.replace_all(east, {});
        for (const auto& name : {redline, st_redline, doppler})
            for (const auto& q : b.offers(key(name)))
                CHECK(q.provider == west);
        CHECK(b.size() == 4);
    }
    CHECK(b.stats().snapshots == 1);
}

TEST_CASE("market_book: at the cap the least recently written entry goes, counted", "[book]")
{
    market_book b(cs2market::book_options{3});
    b.upsert(offer(east, "1", "1", key(redline)));
    b.upsert(offer(east, "2", "2", key(redline)));
    b.upsert(offer(east, "3", "3", key(redline)));
    b.upsert(offer(east, "1", "1.5", key(redline))); // written again: now the newest
    CHECK(b.upsert(offer(east, "4", "4", key(doppler))) == book_change::inserted);
    CHECK(b.size() == 3);
    CHECK_FALSE(b.find(east, "2"));
    CHECK(b.update(east, "3", [](quote& q) { q.observed_at = 5; }));
    b.upsert(offer(west, "5", "5", key(redline)));
    CHECK_FALSE(b.find(east, "1"));
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"east:3", "west:5"});
    CHECK(b.stats().evicted == 2);
    CHECK(b.stats().entries == 3);

    market_book zero(cs2market::book_options{0}); // at least one entry
    zero.upsert(offer(east, "1", "1", key(redline)));
    zero.upsert(offer(east, "2", "1", key(redline)));
    CHECK(zero.size() == 1);
    CHECK(zero.find(east, "2"));
}

TEST_CASE("market_book: readers on other threads see whole entries while a writer changes them", "[book]")
{
    market_book b(cs2market::book_options{64});
    std::atomic<bool> writing{true};
    std::atomic<int> bad{0};
    auto read = [&] {
        quote_constraints c;
        c.float_max = 0.5;
        while (writing) {
            for (const auto& q : b.offers(key(redline), c, 8)) // every answer admitted, cheapest first
                if (!q.key.float_value() || *q.key.float_value() > 0.5 || q.key.to_string() != redline)
                    ++bad;
            if (auto best = b.best(key(redline), c); best && best->price < money("1"))
                ++bad;
        }
    };
    std::thread r1(read), r2(read);
    for (int i = 0; i < 20'000; ++i) {
        const std::string id = std::to_string(i % 100);
        switch (i % 4) {
        case 0: b.upsert(offer(east, id, "3", key(redline, facts(0.01 * (i % 97))))); break;
        case 1: b.update(east, id, [&](quote& q) { q.price = decimal::from_units(100 + i % 50, 2); }); break;
        case 2: b.remove(east, std::to_string((i * 7) % 100)); break;
        default: b.upsert(offer(west, id, "2", key(redline))); break;
        }
    }
    writing = false;
    r1.join();
    r2.join();
    CHECK(bad == 0);
    CHECK(b.size() <= 64);
}

TEST_CASE("cs2dt book_feed: documented pushes applied, item types learned, an unknown one counted", "[book]")
{
    namespace dt = cs2market::cs2dt;
    market_book b;
    dt::book_feed feed(b);

    // The documented examples: market_search names the types, sell_list gives a snapshot of one.
    feed.learn(dt_data<dt::MarketSearchPage>("market_search.json"));
    const auto sell = dt_data<dt::SellListPage>("sell_list.json");
    feed.learn(sell);
    std::vector<quote> snapshot;
    for (const auto& l : *sell.list) {
        quote q{dt::id, std::to_string(*l.id), {}, {}, true, {}, *dt::item_key_of(l), 1};
        cs2market::price_with_fee(q, *l.price, dt::buyer_fee);
        snapshot.push_back(std::move(q));
    }
    REQUIRE(snapshot.size() == 1);
    b.replace_all(dt::id, key(redline), snapshot);
    const std::string listed = snapshot[0].listing_id; // 1046108517917470720, float 0.2375...

    struct step {
        std::string json;
        book_change expect;
        std::size_t size_after;
    };
    const std::vector<step> steps{
        // An update of a listing the book does not hold adds it (type 123456 learned), without facts.
        {dt_documented_push, book_change::inserted, 2},
        // A price update of the snapshot's listing keeps its float.
        {R"({"requestId":"r-2","event":"update","data":{"id":)" + listed + R"(,"itemId":553370,"price":4.99,"updateTime":1719550001000}})",
         book_change::changed, 2},
        {R"({"requestId":"r-3","event":"new","data":{"delivery":1,"id":77,"itemId":999999,"price":1.5}})", book_change::unkeyed, 2},
        {R"({"requestId":"r-4","event":"new","data":{"id":78,"itemId":123456}})", book_change::ignored, 2}, // no price
        {R"({"requestId":"r-5","event":"price_drop","data":{"id":78,"price":0.01}})", book_change::ignored, 2},
        {R"({"requestId":"r-6","event":"remove","data":{"id":1252366888418574300}})", book_change::removed, 1},
        {R"({"requestId":"r-7","event":"remove","data":{"id":1252366888418574300}})", book_change::not_found, 1},
        {R"({"requestId":"r-8","event":"new","data":{"id":79,"itemId":123456,"price":6}})", book_change::inserted, 2},
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
        INFO("push " << i << ": " << steps[i].json);
        auto m = cs2market::from_json<dt::MarketPushMessage>(steps[i].json);
        REQUIRE(m);
        CHECK(feed.apply(*m, 42) == steps[i].expect);
        CHECK(b.size() == steps[i].size_after);
        if (i == 0) {
            auto added = b.find(dt::id, "1252366888418574300");
            REQUIRE(added);
            CHECK(added->key == key(redline)); // name only: the push states no float
            CHECK(added->price == money("5.2"));
            CHECK_FALSE(added->fee_known);
            CHECK(added->observed_at == 1719550000000); // data.updateTime
        }
    }
    quote_constraints c;
    c.float_max = 0.25;
    auto best = b.best(key(redline), c);
    REQUIRE(best);
    CHECK(best->listing_id == listed);
    CHECK(best->price == money("4.99"));
    CHECK(best->observed_at == 1719550001000);
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"cs2dt:" + listed, "cs2dt:79"});
    CHECK(b.find(dt::id, "79")->observed_at == 42); // neither updateTime nor sendTime: arrival

    auto s = b.stats();
    CHECK(s.unkeyed == 1);
    REQUIRE(b.last_unkeyed());
    CHECK(b.last_unkeyed()->provider == dt::id);
    CHECK(b.last_unkeyed()->json_path == "data.itemId");
    CHECK(b.last_unkeyed()->detail.find("999999") != std::string::npos);
}

TEST_CASE("skinify book_feed: a skin bought or unavailable leaves the book, nothing else changes it", "[book]")
{
    namespace sk = cs2market::skinify;
    market_book b;
    b.upsert(offer(sk::id, "11552", "0.3", key("AK-47 | Safari Mesh (Minimal Wear)")));
    b.upsert(offer(sk::id, "2516", "0.4", key("AK-47 | Safari Mesh (Minimal Wear)")));
    b.upsert(offer(sk::id, "2517", "0.25", key("Glock-18 | Moonrise (Battle-Scarred)")));
    sk::book_feed feed(b);
    struct row {
        sk::realtime_event ev;
        book_change expect;
    };
    auto purchase = *cs2market::from_json<sk::SkinPurchaseEvent>(
        R"({"skin":{"id":"11552","name":"Crimson Pique","price":"0.3"},"purchase_id":"65","purchase_status":"processing",)"
        R"("date":"1643713700","balance_debited_sum":"0.3","custom_id":"1234"})");
    auto change = [](const char* skin, const char* status) {
        return *cs2market::from_json<sk::SkinPurchaseStatusChangeEvent>(
            std::string(R"({ "skin": { "id": ")") + skin + R"(" }, "purchase_id": "65", "purchase_status": ")" + status +
            R"(", "trade_offer_id": "4176876858" })");
    };
    const std::vector<row> rows{
        {purchase, book_change::removed},
        {purchase, book_change::not_found},
        {change("2516", "waiting_accept"), book_change::ignored}, // the documented example: says nothing of the market
        {change("2516", "canceled"), book_change::ignored},      // not "on sale again": not stated
        {change("2517", "error_item_unavailable"), book_change::removed},
        {*cs2market::from_json<sk::BalanceChangeEvent>(R"({"balance_value":"1234.5678"})"), book_change::ignored},
        {sk::realtime_auth_success{}, book_change::ignored},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("event " << i);
        CHECK(feed.apply(rows[i].ev) == rows[i].expect);
    }
    CHECK(b.size() == 1);
    CHECK(b.find(sk::id, "2516"));
}

TEST_CASE("market_book: async_refresh applies a source's answer as that item's snapshot, an error changes nothing", "[book]")
{
    struct scripted final : cs2market::quote_source {
        std::vector<cs2market::result<std::vector<quote>>> answers;
        std::vector<quote_constraints> asked;
        provider_id provider() const override { return west; }
        void async_quotes(const item_key&, const quote_constraints& c, handler done) override
        {
            asked.push_back(c);
            auto a = std::move(answers.front());
            answers.erase(answers.begin());
            done(std::move(a));
        }
    } src;
    market_book b;
    fill(b);
    src.answers.push_back(std::vector<quote>{offer(west, "w7", "40", key(redline))});
    src.answers.push_back(cs2market::detail::make_error(cs2market::error_kind::timeout, "late", west));
    std::vector<std::string> results;
    auto record = [&](cs2market::result<std::size_t> r) {
        results.push_back(r ? std::to_string(*r) : std::string(to_string(r.error().kind)));
    };
    cs2market::async_refresh(b, src, key(redline), record);
    cs2market::async_refresh(b, src, key(redline), record);
    CHECK(results == std::vector<std::string>{"1", "timeout"});
    REQUIRE(src.asked.size() == 2);
    CHECK_FALSE(src.asked[0].float_max); // a snapshot asks for every listing
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"west:w7", "east:e2", "east:e1"});
}

TEST_CASE("market_book: a Skinify snapshot over loopback HTTPS replaces that item's skins, an unkeyable skin counted",
          "[book]")
{
    namespace sk = cs2market::skinify;
    // The documented withdraw_prices answer, plus a skin of the same name whose float is out of range.
    std::string body = cs2market::test::read_data("skinify/withdraw_prices.json");
    const std::string skins = R"("skins":[)";
    const auto at = body.find(skins);
    REQUIRE(at != std::string::npos);
    body.insert(at + skins.size(), R"js({"id":"9","name":"AK-47 | Safari Mesh (Minimal Wear)","price":"0.1",)js"
                                   R"("properties":{"classid":"1","floatvalue":1.5}},)");
    cs2market::testing::https_server server([&](const cs2market::testing::recorded_request&) {
        cs2market::testing::canned_response r;
        r.body = body;
        return r;
    });
    cs2market::client_options co;
    co.credential = "skinify-token";
    co.base_url = server.base_url();
    co.ca_file = server.ca_file();
    co.connect_timeout = std::chrono::seconds(5);
    co.request_timeout = std::chrono::seconds(5);
    boost::asio::io_context ioc;
    cs2market::basic_client<sk::provider> client(ioc.get_executor(), co);
    sk::quote_source src(client);

    market_book b;
    const item_key safari = key("AK-47 | Safari Mesh (Minimal Wear)");
    b.upsert(offer(sk::id, "777", "0.2", safari));   // sold since: the snapshot no longer has it
    b.upsert(offer(east, "e1", "0.35", safari));     // another provider's: stays
    std::optional<cs2market::result<std::size_t>> done;
    cs2market::async_refresh(b, src, safari, [&](cs2market::result<std::size_t> r) { done = std::move(r); });
    ioc.run();
    REQUIRE(done);
    REQUIRE(*done);
    CHECK(**done == 1);
    CHECK(src.unkeyed() == 1);
    CHECK(ids(b.offers(safari)) == std::vector<std::string>{"east:e1", "skinify:2516"});
    CHECK(b.find(sk::id, "2516")->key.float_value() == 0.1123487651);
    CHECK_FALSE(b.find(sk::id, "2517")); // another name: not this item's snapshot
    CHECK(server.request_count() == 1);
}

TEST_CASE("book feeds over loopback WSS: CS2DT pushes and Skinify events keep a book current", "[book][websocket]")
{
    namespace dt = cs2market::cs2dt;
    namespace sk = cs2market::skinify;
    cs2market::testing::wss_server dt_server;
    cs2market::testing::wss_server sk_server(dt_server.identity());
    sk_server.on_open([](const std::string&) { return std::vector<std::string>{R"({"event":"auth_success"})"}; });

    market_book b;
    b.upsert(offer(sk::id, "2516", "0.4", key("AK-47 | Safari Mesh (Minimal Wear)")));
    dt::book_feed to_book_dt(b);
    to_book_dt.learn(123456, redline);
    sk::book_feed to_book_sk(b);

    boost::asio::io_context ioc;
    dt::market_feed dt_feed(ioc, [&]() -> cs2market::result<std::string> { return dt_server.url("/ws/market"); },
                            to_book_dt.handler(), loopback(dt::market_feed_options{}, dt_server));
    auto sk_opts = loopback(sk::realtime_options{}, sk_server);
    sk_opts.base_url = sk_server.base_url();
    sk::realtime_feed sk_feed(ioc, 42, "tok-SECRET", to_book_sk.handler(), sk_opts);
    dt_feed.start();
    sk_feed.start();
    feed_thread running{ioc, [&] {
                            dt_feed.stop();
                            sk_feed.stop();
                        }};
    REQUIRE(dt_server.wait_for_open(1, std::chrono::seconds(15)));
    REQUIRE(sk_server.wait_for_open(1, std::chrono::seconds(15)));

    dt_server.push(dt_documented_push);
    dt_server.push(R"({"requestId":"r-2","event":"new","data":{"id":2,"itemId":123456,"price":4.10}})");
    dt_server.push(R"({"requestId":"r-3","event":"new","data":{"id":3,"itemId":5,"price":1}})"); // type not learned
    dt_server.push("not JSON: reported by the feed, the book unchanged");
    dt_server.push(R"({"requestId":"r-4","event":"update","data":{"id":2,"price":3.95,"updateTime":1719550002}})");
    dt_server.push(R"({"requestId":"r-5","event":"remove","data":{"id":1252366888418574300}})");
    sk_server.push(R"js({ "event": "skin_purchase", "data": { "skin": { "id": "2516", "name": "AK-47 | Safari Mesh (Minimal Wear)",)js"
                   R"( "price": "0.4" }, "purchase_id": "65", "purchase_status": "processing", "date": "1643713700",)"
                   R"( "balance_debited_sum": "0.4" } })");
    dt_server.push(R"({"requestId":"r-6","event":"new","data":{"id":6,"itemId":123456,"price":9}})"); // the last one

    REQUIRE(eventually([&] { return b.find(dt::id, "6").has_value() && !b.find(sk::id, "2516"); }));
    CHECK(ids(b.offers(key(redline))) == std::vector<std::string>{"cs2dt:2", "cs2dt:6"});
    auto best = b.best(key(redline));
    REQUIRE(best);
    CHECK(best->price == money("3.95"));
    CHECK(best->observed_at == 1719550002000); // seconds, as unix_auto reads them
    auto s = b.stats();
    CHECK(s.unkeyed == 1);
    CHECK(s.inserted == 4); // the Skinify skin, 1252366888418574300, 2, 6
    CHECK(s.removed == 2);
    CHECK(s.entries == 2);
}

namespace listing_gone_test {

// Which buy refusals send a best-price route to the next offer: the schema's
// `means: listing_gone` rows, nothing else (not another refusal, not an unclear
// answer that happens to carry the code).
struct row {
    std::string provider;
    cs2market::error_kind kind;
    unsigned status;
    std::string code;
    bool gone;
};

bool gone(const row& r)
{
    cs2market::error e;
    e.kind = r.kind;
    e.http_status = r.status;
    e.provider_code = r.code;
    if (r.provider == "cs2dt")
        return cs2market::listing_gone_refusal<cs2market::cs2dt::ops::buy_item>(e);
    if (r.provider == "csboard")
        return cs2market::listing_gone_refusal<cs2market::csboard::ops::market_buy>(e);
    return cs2market::listing_gone_refusal<cs2market::skinify::ops::withdraw_buy>(e);
}

TEST_CASE("a buy refusal is listing-gone only where the schema says so", "[market][route]")
{
    using k = cs2market::error_kind;
    const auto r = GENERATE(values<row>({
        {"cs2dt", k::provider, 200, "1207", true},   // sold or repriced
        {"cs2dt", k::provider, 200, "1317", true},   // no listing matches
        {"cs2dt", k::provider, 200, "1403", true},   // price changed
        {"cs2dt", k::provider, 200, "1454", true},   // above maxPrice
        {"cs2dt", k::provider, 200, "1367", false},  // another refusal
        {"cs2dt", k::provider, 200, "100000", false}, // outcome unknown
        {"cs2dt", k::timeout, 0, "1207", false},     // no answer: never "gone"
        {"csboard", k::provider, 409, "item_unavailable", true},
        {"csboard", k::provider, 409, "price_moved", true},
        {"csboard", k::provider, 402, "insufficient_balance", false},
        {"csboard", k::provider, 500, "item_unavailable", false}, // not the documented status
        {"csboard", k::transport, 0, "price_moved", false},
        {"skinify", k::provider, 200, "request_limit_exceeded", false}, // Skinify documents none
        {"skinify", k::provider, 200, "missing_skin_parameters", false},
    }));
    INFO(r.provider << " " << r.status << " " << r.code);
    CHECK(gone(r) == r.gone);
}

} // namespace listing_gone_test

namespace trade_url_test {

constexpr std::string_view steam = "https://steamcommunity.com/tradeoffer/new/?";
constexpr std::string_view secret = "Xy_9-ab"; // never in an error

struct url_row {
    std::string url;
    bool ok;
    std::string partner; // when ok
};

TEST_CASE("trade URLs: exactly partner and token on Steam's trade offer page", "[market][trade_url]")
{
    const std::string q(steam), t(secret);
    const auto r = GENERATE_COPY(values<url_row>({
        {q + "partner=123&token=" + t, true, "123"},
        {q + "token=" + t + "&partner=4294967295", true, "4294967295"}, // either order; the largest 32-bit id
        {q + "partner=4294967296&token=" + t, false, ""},               // 33 bits
        {q + "partner=12a&token=" + t, false, ""},
        {q + "partner=&token=" + t, false, ""},
        {q + "partner=1&partner=1&token=" + t, false, ""},
        {q + "partner=1&token=" + t + "&token=" + t, false, ""},
        {q + "partner=1", false, ""},                                    // no token
        {q + "token=" + t, false, ""},                                   // no partner
        {q + "partner=1&token=" + t + "&", false, ""},                   // a trailing '&'
        {q + "partner=1&token=" + t + "&" + t + "=x", false, ""},        // unknown parameter named like the token
        {q + "partner=1&token=" + t + "!", false, ""},                   // a character outside the set
        {q + "partner=1&token=" + std::string(33, 'a'), false, ""},      // too long
        {"http://steamcommunity.com/tradeoffer/new/?partner=1&token=" + t, false, ""},
        {"https://steamcommunity.com.evil/tradeoffer/new/?partner=1&token=" + t, false, ""},
        {"", false, ""},
    }));
    INFO(r.url.substr(0, 60));
    auto parsed = cs2market::trade_url::parse(r.url);
    REQUIRE(static_cast<bool>(parsed) == r.ok);
    if (r.ok) {
        CHECK(parsed->partner == r.partner);
        CHECK(parsed->token == t);
        CHECK(cs2market::trade_url::parse(parsed->to_string()).value() == *parsed); // canonical form parses back
    } else {
        CHECK(parsed.error().kind == cs2market::error_kind::invalid_argument);
        CHECK(parsed.error().message().find(secret) == std::string::npos);
    }
}

TEST_CASE("route attempt ids: <route>-<n> and back", "[market][route]")
{
    const auto [id, route] = GENERATE(table<std::string, std::optional<std::string>>({
        {"r1-1", "r1"},
        {"route_A-12", "route_A"},
        {"a-b-3", "a-b"},   // the last dash splits
        {"r1", std::nullopt},
        {"r1-", std::nullopt},
        {"-1", std::nullopt},
        {"r1-1x", std::nullopt},
        {"0123456789abcdef0123456789abcdef", std::nullopt}, // a generated id is no route's
    }));
    INFO(id);
    CHECK(cs2market::route_of(id) == route);
    if (route)
        CHECK(cs2market::route_of(cs2market::route_attempt_id(*route, 7)) == route);
}

} // namespace trade_url_test
