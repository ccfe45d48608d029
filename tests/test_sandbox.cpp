// Integration tests: the real blocking clients against the embedded sandbox
// (cs2market::sandbox::server). Lifecycles run on an accelerated clock; every
// scenario ends by checking that no money was created or lost.
#include <catch2/catch.hpp>

#include <cs2market/cs2dt.hpp>
#include <cs2market/cs2dt/market_feed.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb = cs2market::sandbox;
using cs2market::decimal;
using namespace std::chrono_literals;

namespace {

sb::options fast_options(std::int64_t step_ms = 40)
{
    sb::options o;
    o.step_ms = step_ms;
    o.default_rate_limits = false;
    return o;
}

cs2market::client_options opts_for(const sb::server& s, const std::string& key)
{
    cs2market::client_options o;
    o.credential = key;
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    // One exchange per call: these tests check the sandbox's own answers (429s,
    // injected faults), which the default retry policy would hide.
    o.retry = cs2market::retry_policy::none();
    // No client-side pacing either: it would wait out the documented windows (a
    // minute for CSBoard's snapshot) instead of letting the sandbox answer.
    o.rate_limiting = false;
    return o;
}

// Polls `f` until it returns true (bounded: generous for a loaded 2-core machine).
template <class F>
bool eventually(F f, std::chrono::milliseconds limit = 20s)
{
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (f())
            return true;
        std::this_thread::sleep_for(30ms);
    }
    return f();
}

decimal dec(const char* s) { return decimal::from_string(s); }

void check_money(sb::server& s, cs2market::provider_id p)
{
    auto a = s.audit(p);
    INFO("minted " << a.minted << " balances " << a.balances << " seller proceeds " << a.seller_proceeds);
    CHECK(a.balanced());
}

} // namespace

// ------------------------------------------------------------------ CSBoard

TEST_CASE("sandbox csboard: catalogue and read-only endpoints", "[sandbox][csboard]")
{
    sb::server s(fast_options());
    cs2market::csboard::client c(opts_for(s, "csb_pub_reader"));
    namespace d = cs2market::csboard;

    auto h = c.get_health().value();
    CHECK(h.status == "ok");
    CHECK(h.groups >= 300);

    d::list_listings_params lp;
    lp.limit = 200;
    auto p1 = c.list_listings(lp).value();
    REQUIRE(p1.items.size() == 200);
    REQUIRE(p1.next_cursor);
    lp.cursor = p1.next_cursor;
    auto p2 = c.list_listings(lp).value();
    REQUIRE(!p2.items.empty());
    CHECK(p2.items.front().id != p1.items.front().id);
    CHECK(s.listing_count(cs2market::csboard::id) >= 500);

    d::list_listings_params search;
    search.search = "AK-47 | Redline";
    search.sort = d::ListingSort::price_asc;
    auto red = c.list_listings(search).value();
    REQUIRE(!red.items.empty());
    for (std::size_t i = 0; i < red.items.size(); ++i) {
        CHECK(red.items[i].market_hash_name.find("AK-47 | Redline") != std::string::npos);
        CHECK(red.items[i].float_value);
        CHECK(red.items[i].paint_seed);
        if (i > 0)
            CHECK(red.items[i - 1].price_usd <= red.items[i].price_usd);
    }

    d::get_listings_availability_params ap;
    ap.ids = {p1.items.front().id, "itm_1"};
    auto av = c.get_listings_availability(ap).value();
    CHECK(av.data.available.count(p1.items.front().id) == 1);
    CHECK(av.data.unavailable_ids == std::vector<std::string>{"itm_1"});

    d::list_prices_params pp;
    pp.limit = 500;
    auto prices = c.list_prices(pp).value();
    REQUIRE(!prices.items.empty());
    for (const auto& r : prices.items)
        CHECK(r.min_price_usd > decimal{});

    auto snap = c.get_price_snapshot().value();
    CHECK(!snap.bytes.empty());
    CHECK(snap.content_encoding == "gzip");
    REQUIRE(!snap.etag.empty());
    d::get_price_snapshot_params sp;
    sp.If_None_Match = snap.etag;
    CHECK(c.get_price_snapshot(sp).value().not_modified);

    auto cur = c.get_currency().value();
    CHECK(cur.base == "USD");
    CHECK(cur.rates.count("EUR") == 1);

    auto bal = c.get_balance().value();
    CHECK(bal.balance_usd == dec("1000"));
    CHECK(bal.settled_balance_usd == dec("1000"));
}

TEST_CASE("sandbox csboard: create_order success, idempotent replay, price ceiling, balances add up", "[sandbox][csboard]")
{
    sb::server s(fast_options());
    namespace d = cs2market::csboard;
    cs2market::csboard::client c(opts_for(s, "csb_pub_alice"));

    d::list_listings_params lp;
    lp.max_price = dec("50");
    lp.sort = d::ListingSort::price_desc;
    lp.limit = 50;
    auto page = c.list_listings(lp).value();
    std::vector<d::Listing> tradable;
    for (auto& l : page.items)
        if (l.tradable.value_or(true))
            tradable.push_back(l);
    REQUIRE(tradable.size() >= 3);
    const auto item = tradable[0];

    d::create_order_params op;
    op.Idempotency_Key = "attempt-1";
    op.body.item_ids = {item.id};
    op.body.max_price_usd = item.price_usd;
    auto first = c.send<d::ops::create_order>(op).value();
    CHECK(!first.idempotent_replayed);
    CHECK(first.value.total_charged_usd == item.price_usd);
    auto replay = c.send<d::ops::create_order>(op).value();
    CHECK(replay.idempotent_replayed);
    CHECK(replay.value.order_id == first.value.order_id);

    d::get_order_params gp;
    gp.id = first.value.order_id;
    d::Order last;
    REQUIRE(eventually([&] {
        last = c.get_order(gp).value();
        return last.status == d::OrderStatus::completed;
    }));
    REQUIRE(last.items.size() == 1);
    CHECK(last.items[0].status == d::OrderItemStatus::delivered);
    CHECK(last.items[0].steam_trade_offer_id);

    auto orders = c.list_orders().value();
    REQUIRE(orders.data.size() == 1);
    CHECK(orders.data[0].order_id == first.value.order_id);
    d::get_orders_info_params ip;
    ip.order_ids = std::vector<std::string>{first.value.order_id};
    CHECK(c.get_orders_info(ip).value().data.size() == 1);

    // Price ceiling below the live total: price_moved, nothing charged.
    const auto other = tradable[1];
    d::create_order_params moved;
    moved.body.item_ids = {other.id};
    moved.body.max_price_usd = other.price_usd - dec("0.01");
    auto pm = c.create_order(moved);
    REQUIRE(!pm);
    CHECK(pm.error().provider_code == "price_moved");
    CHECK(pm.error().http_status == 409);
    auto body = cs2market::from_json<d::ApiError>(pm.error().body).value();
    CHECK(body.current_total_usd == other.price_usd);
    CHECK(body.quoted_max_usd == *moved.body.max_price_usd);

    // The sold listing is gone.
    d::create_order_params again;
    again.body.item_ids = {item.id};
    auto gone = c.create_order(again);
    REQUIRE(!gone);
    CHECK(gone.error().provider_code == "item_unavailable");

    // Insufficient balance.
    s.fund(cs2market::csboard::id, "csb_pub_poor", dec("0.01"));
    cs2market::csboard::client poor(opts_for(s, "csb_pub_poor"));
    d::create_order_params pricey;
    pricey.body.item_ids = {tradable[2].id};
    auto ins = poor.create_order(pricey);
    REQUIRE(!ins);
    CHECK(ins.error().provider_code == "insufficient_balance");
    CHECK(ins.error().http_status == 402);

    CHECK(c.get_balance().value().balance_usd == dec("1000") - item.price_usd);
    check_money(s, cs2market::csboard::id);
}

TEST_CASE("sandbox csboard: market_buy decline and reversal refund, settled-only funding, custom_id replay", "[sandbox][csboard]")
{
    sb::server s(fast_options());
    namespace d = cs2market::csboard;
    s.fund(cs2market::csboard::id, "csb_pub_bob", dec("100"), dec("50"), 600000);
    cs2market::csboard::client c(opts_for(s, "csb_pub_bob"));
    auto b0 = c.get_balance().value();
    CHECK(b0.balance_usd == dec("150"));
    CHECK(b0.settled_balance_usd == dec("100"));
    CHECK(b0.held_usd == dec("50"));
    CHECK(b0.held_until);

    d::list_listings_params lp;
    lp.max_price = dec("20");
    lp.sort = d::ListingSort::price_desc;
    auto page = c.list_listings(lp).value();
    std::vector<d::Listing> tradable;
    for (auto& l : page.items)
        if (l.tradable.value_or(true))
            tradable.push_back(l);
    REQUIRE(tradable.size() >= 2);

    auto buy = [&](const d::Listing& l, const std::string& custom_id) {
        d::market_buy_params mp;
        mp.body.item_ids = {l.id};
        mp.body.partner = "447383001";
        mp.body.token = "Ab3xZ9Qp";
        mp.body.max_price_usd = l.price_usd;
        mp.body.custom_id = custom_id;
        return c.send<d::ops::market_buy>(mp);
    };
    auto final_order = [&](const std::string& custom_id) {
        d::get_orders_info_params ip;
        ip.custom_ids = std::vector<std::string>{custom_id};
        d::Order o;
        bool done = eventually([&] {
            auto r = c.get_orders_info(ip).value();
            if (r.data.empty())
                return false;
            o = r.data[0];
            return o.status == d::OrderStatus::cancelled || o.status == d::OrderStatus::failed ||
                   (o.status == d::OrderStatus::completed && !s.stages(cs2market::csboard::id, o.order_id).empty() &&
                    s.stages(cs2market::csboard::id, o.order_id).back() == "settled");
        });
        REQUIRE(done);
        return o;
    };

    // Decline: the buyer declines the offer -> cancelled, item returned, refunded.
    s.set_next_outcome(cs2market::csboard::id, sb::outcome::decline);
    auto r1 = buy(tradable[0], "mb-1").value();
    CHECK(!r1.idempotent_replayed);
    auto r1b = buy(tradable[0], "mb-1").value();
    CHECK(r1b.idempotent_replayed);
    CHECK(r1b.value.data.purchase_id == r1.value.data.purchase_id);
    auto o1 = final_order("mb-1");
    CHECK(o1.status == d::OrderStatus::cancelled);
    REQUIRE(o1.items.size() == 1);
    CHECK(o1.items[0].status == d::OrderItemStatus::returned);
    CHECK(o1.items[0].return_reason == std::optional<std::string>("trade_declined"));

    // Reversal after acceptance -> failed, item returned, refunded.
    s.set_next_outcome(cs2market::csboard::id, sb::outcome::reversed_by_buyer);
    buy(tradable[1], "mb-2").value();
    auto o2 = final_order("mb-2");
    CHECK(o2.status == d::OrderStatus::failed);
    auto st = s.stages(cs2market::csboard::id, o2.order_id);
    CHECK(std::find(st.begin(), st.end(), "accepted") != st.end());
    CHECK(st.back() == "reversed_by_buyer");

    // market_buy is funded from the settled part only.
    d::list_listings_params big;
    big.min_price = dec("100.01");
    big.max_price = dec("149");
    auto bigp = c.list_listings(big).value();
    REQUIRE(!bigp.items.empty());
    d::market_buy_params mp;
    mp.body.item_ids = {bigp.items[0].id};
    mp.body.partner = "447383001";
    mp.body.token = "Ab3xZ9Qp";
    auto ins = c.market_buy(mp);
    REQUIRE(!ins);
    CHECK(ins.error().provider_code == "insufficient_settled_balance");
    auto e = cs2market::from_json<d::ApiError>(ins.error().body).value();
    CHECK(e.settled_usd == dec("100"));
    CHECK(e.required_usd == bigp.items[0].price_usd);

    auto b1 = c.get_balance().value();
    CHECK(b1.balance_usd == dec("150"));
    check_money(s, cs2market::csboard::id);
}

TEST_CASE("sandbox csboard: rate limit answers 429 with Retry-After", "[sandbox][csboard]")
{
    sb::server s(fast_options());
    s.set_rate_limit(cs2market::csboard::id, "read", 3); // the schema's bucket of GETs
    cs2market::csboard::client c(opts_for(s, "csb_pub_limited"));
    int ok = 0;
    cs2market::error last;
    for (int i = 0; i < 4; ++i) {
        auto r = c.get_balance();
        if (r)
            ++ok;
        else
            last = r.error();
    }
    CHECK(ok == 3);
    CHECK(last.kind == cs2market::error_kind::rate_limited);
    CHECK(last.http_status == 429);
    CHECK(last.provider_code == "rate_limit_exceeded");
    REQUIRE(last.retry_after);
    CHECK(last.retry_after->count() >= 1);
    // Another key has its own window.
    cs2market::csboard::client other(opts_for(s, "csb_pub_other"));
    CHECK(other.get_balance());
}

// -------------------------------------------------------------------- CS2DT

namespace {
struct cb_sink {
    std::mutex mu;
    std::vector<std::pair<std::string, std::int64_t>> got; // (orderId, status)
    std::vector<std::string> failed_codes;
    int bad = 0;
};
} // namespace

TEST_CASE("sandbox cs2dt: buy, poll and signed callbacks to settlement, documented buy errors", "[sandbox][cs2dt]")
{
    namespace d = cs2market::cs2dt;
    cb_sink sink;
    const std::string secret = "test-secret";
    cs2market::testing::https_server receiver([&](const cs2market::testing::recorded_request& req) {
        cs2market::testing::canned_response res;
        auto cb = d::verify_callback({req.header("Content-Type"), req.body}, secret);
        std::lock_guard lk(sink.mu);
        if (!cb) {
            ++sink.bad;
            res.status = 400;
            return res;
        }
        sink.got.emplace_back(std::to_string(*cb->orderId), cb->status->raw());
        res.headers.emplace_back("Content-Type", "text/plain");
        res.body = "success";
        return res;
    });
    auto o = fast_options();
    o.cs2dt_app_secret = secret;
    o.cs2dt_callback_url = receiver.base_url() + "/cb";
    sb::server s(o);
    d::client c(opts_for(s, "alicecs2dtkey"));

    CHECK(c.user_balance().value().data == dec("1000"));
    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = dec("20");
    sp.orderBy = d::MarketSearchOrderBy::price_desc;
    auto found = c.market_search(sp).value();
    REQUIRE(found.list);
    REQUIRE(!found.list->empty());
    const auto item = found.list->front();
    CHECK(*item.priceInfo->price <= dec("20"));

    d::sell_list_params lp;
    lp.itemId = *item.itemId;
    auto sells = c.sell_list(lp).value();
    REQUIRE(sells.list);
    REQUIRE(!sells.list->empty());
    const auto product = sells.list->front();
    CHECK(product.assetInfo->wear);
    d::product_sales_detail_params pd;
    pd.productId = std::to_string(*product.id);
    CHECK(c.product_sales_detail(pd).value().id == product.id);
    d::batch_products_on_sale_params bp;
    bp.body.productIds = {*product.id};
    CHECK(c.batch_products_on_sale(bp).value()->size() == 1);
    d::product_sales_status_params ps;
    ps.body.productIdList = {*product.id, 42};
    CHECK(c.product_sales_status(ps).value().totalCount == 1);
    d::item_price_query_params iq;
    iq.body.appId = 730;
    iq.body.marketHashNameList = {*item.marketHashName};
    auto ip = c.item_price_query(iq).value();
    REQUIRE(ip);
    REQUIRE(ip->size() == 1);
    CHECK((*ip)[0].price == item.priceInfo->price);

    const std::string trade_url = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    auto attempt = [&](const std::string& out_trade_no, std::optional<decimal> max, std::optional<decimal> buy_price) {
        d::buy_item_params b;
        b.body.productId = product.id;
        b.body.outTradeNo = out_trade_no;
        b.body.tradeUrl = trade_url;
        b.body.maxPrice = max;
        b.body.buyPrice = buy_price;
        return c.buy_item(b);
    };
    auto e1 = attempt("o-ceiling", *product.price - dec("0.01"), std::nullopt);
    REQUIRE(!e1);
    CHECK(e1.error().provider_code == "1454");
    auto e2 = attempt("o-moved", std::nullopt, *product.price + dec("1"));
    REQUIRE(!e2);
    CHECK(e2.error().provider_code == "1403");

    auto ok = attempt("o-1", *product.price, *product.price).value();
    REQUIRE(ok.orderId);
    // The same outTradeNo again is the same buy: CS2DT answers 140014 (outcome
    // unknown in its schema), the client looks the id up and answers with the
    // original order; nothing is bought twice (the sale below still finds it sold).
    auto dup = attempt("o-1", *product.price, std::nullopt);
    REQUIRE(dup);
    CHECK(dup->orderId == ok.orderId);
    auto sold = attempt("o-2", *product.price, std::nullopt);
    REQUIRE(!sold);
    CHECK(sold.error().provider_code == "1207");

    d::buyer_order_detail_params dp;
    dp.orderId = std::stoll(*ok.orderId);
    std::vector<std::int64_t> seen;
    REQUIRE(eventually([&] {
        auto det = c.buyer_order_detail(dp).value();
        if (seen.empty() || seen.back() != det.status->raw())
            seen.push_back(det.status->raw());
        return det.status->raw() == 200;
    }));
    CHECK(seen.back() == 200);
    d::buyer_order_detail_params by_ref;
    by_ref.outTradeNo = "o-1";
    CHECK(c.buyer_order_detail(by_ref).value().orderId == ok.orderId);

    // Callbacks: every status in order, each with a valid signature.
    REQUIRE(eventually([&] {
        std::lock_guard lk(sink.mu);
        return !sink.got.empty() && sink.got.back().second == 200;
    }));
    {
        std::lock_guard lk(sink.mu);
        CHECK(sink.bad == 0);
        std::vector<std::int64_t> statuses;
        for (auto& [id, st] : sink.got) {
            CHECK(id == *ok.orderId);
            statuses.push_back(st);
        }
        CHECK(statuses == std::vector<std::int64_t>{1, 3, 10, 200});
    }

    d::buyer_order_list_v2_params l2;
    l2.appId = 730;
    auto list2 = c.buyer_order_list_v2(l2).value();
    REQUIRE(list2.list);
    REQUIRE(list2.list->size() == 1);
    CHECK((*list2.list)[0].orderId == ok.orderId);
    d::buyer_order_list_params l1;
    l1.appId = 730;
    l1.status = d::OrderStatus::settled;
    auto list1 = c.buyer_order_list(l1).value();
    REQUIRE(list1.list);
    CHECK(list1.list->size() == 1);

    s.fund(cs2market::cs2dt::id, "poorcs2dtkey", dec("0.01"));
    d::client poor(opts_for(s, "poorcs2dtkey"));
    d::quick_buy_item_params qb;
    qb.body.itemId = item.itemId;
    qb.body.outTradeNo = "poor-1";
    qb.body.tradeUrl = trade_url;
    qb.body.maxPrice = dec("1000");
    auto ins = poor.quick_buy_item(qb);
    REQUIRE(!ins);
    CHECK(ins.error().provider_code == "70001");

    CHECK(c.user_balance().value().data == dec("1000") - *product.price);
    check_money(s, cs2market::cs2dt::id);
}

TEST_CASE("sandbox cs2dt: the market push feed announces a new listing, its new price and its sale", "[sandbox][cs2dt][websocket]")
{
    namespace d = cs2market::cs2dt;
    sb::server s(fast_options());
    d::client rest(opts_for(s, "feedcs2dtkey")); // the feed's get_wss_address calls (on the feed's thread)
    d::client buyer(opts_for(s, "feedcs2dtkey"));

    std::mutex mu;
    std::vector<d::MarketPushMessage> got;
    bool connected = false;
    d::market_feed_options fo;
    fo.ca_file = s.ca_file();
    fo.connect_timeout = 5s;
    fo.upgrade_timeout = 5s;
    d::market_feed feed(
        rest,
        [&](const d::MarketPushMessage& m) {
            std::lock_guard lk(mu);
            got.push_back(m);
        },
        fo,
        [&](const cs2market::websocket_status& st) {
            std::lock_guard lk(mu);
            if (st.state == cs2market::websocket_state::connected)
                connected = true;
        });
    std::thread io([&] { feed.run(); });
    struct joiner {
        d::market_feed& f;
        std::thread& t;
        ~joiner()
        {
            f.stop();
            t.join();
        }
    } join_at_exit{feed, io};
    REQUIRE(eventually([&] {
        std::lock_guard lk(mu);
        return connected;
    }));
    // The event of `e` about listing `id`, once it came.
    auto wait_for = [&](d::MarketPushEvent e, std::int64_t id) -> std::optional<d::MarketPushMessage> {
        std::optional<d::MarketPushMessage> out;
        eventually([&] {
            std::lock_guard lk(mu);
            for (const auto& m : got)
                if (m.event && *m.event == e && m.data && m.data->id == id)
                    out = m;
            return out.has_value();
        });
        return out;
    };

    const std::size_t type = 7 % s.type_count();
    const std::string id = s.list_item(d::id, type, dec("12.34"));
    const std::int64_t num = std::stoll(id);
    const auto listed = wait_for(d::MarketPushEvent::new_, num);
    REQUIRE(listed);
    CHECK(listed->event->raw() == "new");
    REQUIRE(listed->data->price);
    CHECK(*listed->data->price == dec("12.34"));
    REQUIRE(listed->data->delivery);
    CHECK(listed->data->delivery->raw() == 2);
    CHECK(listed->data->updateTime);
    CHECK(listed->sendTime);
    REQUIRE(listed->data->itemId);

    // The new listing is on sale like any other: sell_list of its item type shows it.
    d::sell_list_params lp;
    lp.itemId = *listed->data->itemId;
    lp.limit = 200;
    auto sells = buyer.sell_list(lp).value();
    REQUIRE(sells.list);
    CHECK(std::any_of(sells.list->begin(), sells.list->end(), [&](const auto& p) { return p.id == num; }));

    CHECK(s.set_price(d::id, id, dec("11.99")));
    const auto repriced = wait_for(d::MarketPushEvent::update, num);
    REQUIRE(repriced);
    CHECK(repriced->event->raw() == "update");
    REQUIRE(repriced->data->price);
    CHECK(*repriced->data->price == dec("11.99"));
    CHECK(repriced->data->itemId == listed->data->itemId);
    CHECK(std::stoll(*repriced->requestId) > std::stoll(*listed->requestId));

    // Bought at the pushed price: the feed says it is gone.
    d::buy_item_params b;
    b.body.productId = num;
    b.body.outTradeNo = "feed-buy-1";
    b.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    b.body.buyPrice = *repriced->data->price;
    auto bought = buyer.buy_item(b);
    REQUIRE(bought);
    CHECK(bought->buyPrice == dec("11.99"));
    const auto removed = wait_for(d::MarketPushEvent::remove, num);
    REQUIRE(removed);
    CHECK(removed->data->price == dec("11.99"));
    check_money(s, d::id);
}

TEST_CASE("sandbox cs2dt: scenario-chosen reversals, recall, decline and cancel all refund", "[sandbox][cs2dt]")
{
    namespace d = cs2market::cs2dt;
    const std::string scenario = R"({
      "step_ms": 100, "delivery_steps": 15, "default_rate_limits": false,
      "accounts": [{"provider": "cs2dt", "key": "scenariokey1", "balance": "500.00"}],
      "outcomes": [
        {"provider": "cs2dt", "nth": 1, "outcome": "reversed_by_buyer"},
        {"provider": "cs2dt", "nth": 2, "outcome": "reversed_by_seller"},
        {"provider": "cs2dt", "nth": 3, "outcome": "seller_recalled"},
        {"provider": "cs2dt", "ref": "will-decline", "outcome": "decline"},
        {"provider": "cs2dt", "ref": "will-time-out", "outcome": "timeout"}
      ]
    })";
    sb::server s(sb::options{}, scenario);
    d::client c(opts_for(s, "scenariokey1"));
    CHECK(c.user_balance().value().data == dec("500"));

    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = dec("10");
    sp.limit = 50;
    auto found = c.market_search(sp).value();
    REQUIRE(found.list->size() >= 6);
    const std::string trade_url = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    std::vector<std::string> refs = {"r1", "r2", "r3", "will-decline", "will-time-out", "to-cancel"};
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < refs.size(); ++i) {
        d::quick_buy_item_params qb;
        qb.body.itemId = (*found.list)[i].itemId;
        qb.body.outTradeNo = refs[i];
        qb.body.tradeUrl = trade_url;
        qb.body.maxPrice = dec("10");
        ids.push_back(*c.quick_buy_item(qb).value().orderId);
    }
    d::buyer_cancel_order_params cp;
    cp.body.orderId = ids.back();
    REQUIRE(c.buyer_cancel_order(cp));

    auto final_of = [&](const std::string& id) {
        d::buyer_order_detail_params dp;
        dp.orderId = std::stoll(id);
        d::OrderDetailDTO det;
        REQUIRE(eventually([&] {
            det = c.buyer_order_detail(dp).value();
            auto st = det.status->raw();
            return st == 200 || st == 11 || st == 220 || st == 221;
        }));
        return det;
    };
    auto a = final_of(ids[0]);
    CHECK(a.status->raw() == 220);
    CHECK(a.failedCode == d::FailedCode::ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK);
    auto b = final_of(ids[1]);
    CHECK(b.status->raw() == 220);
    CHECK(b.failedCode == d::FailedCode::ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK);
    CHECK(final_of(ids[2]).status->raw() == 221);
    auto dcl = final_of(ids[3]);
    CHECK(dcl.status->raw() == 11);
    CHECK(dcl.failedCode == d::FailedCode::ORDER_FAILED_OF_BUYER_DECLINE);
    auto to = final_of(ids[4]);
    CHECK(to.status->raw() == 11);
    CHECK(to.failedCode == d::FailedCode::ORDER_FAILED_OF_AUTO_DELIVER_ORDER_CANCEL_OF_BUYER_NOT_ACCEPT);
    auto cc = final_of(ids[5]);
    CHECK(cc.status->raw() == 11);
    CHECK(cc.failedCode == d::FailedCode::ORDER_FAILED_OF_CHANNEL_BUYER_CANCEL);

    // Everything was refunded: no money created or lost.
    CHECK(c.user_balance().value().data == dec("500"));
    check_money(s, cs2market::cs2dt::id);

    // The remaining read-only operations.
    CHECK(c.usd_cny_rate().value());
    CHECK(c.get_wss_address().value());
    d::filters_query_params fq;
    fq.appId = 730;
    CHECK(c.filters_query(fq).value().appId == 730);
    d::steam_account_status_params sa;
    sa.type = d::SteamCheckType::purchase;
    sa.appId = 730;
    CHECK(c.steam_account_status(sa).value().checkStatus == d::SteamCheckStatus::normal);
    d::create_steam_check_params sc;
    sc.body.type = d::SteamCheckType::purchase;
    sc.body.appId = 730;
    sc.body.tradeUrl = trade_url;
    CHECK(c.create_steam_check(sc));
    d::get_full_items_params fi;
    fi.appId = 730;
    auto link = c.get_full_items(fi).value();
    REQUIRE(link);
    CHECK(link->find("/sandbox/cs2dt/full/730.json") != std::string::npos);
}

// ------------------------------------------------------------------ Skinify

TEST_CASE("sandbox skinify: buy with max_price and custom_id replay, decline and rollback refund, history", "[sandbox][skinify]")
{
    namespace d = cs2market::skinify;
    sb::server s(fast_options());
    d::client c(opts_for(s, "skinifytoken1"));
    CHECK(c.project_balance().value().balance == dec("1000"));

    d::withdraw_prices_params pp;
    pp.game = d::Game::csgo;
    auto grouped = c.withdraw_prices(pp).value();
    REQUIRE(!grouped.skins.empty());
    CHECK(grouped.skins[0].count);
    pp.full_list = 1;
    pp.extended = 1;
    auto full = c.withdraw_prices(pp).value();
    std::vector<d::SkinPriceEntry> cheap;
    for (auto& e : full.skins)
        if (e.price <= dec("15") && e.price >= dec("1") && !e.properties.unhold_at)
            cheap.push_back(e);
    REQUIRE(cheap.size() >= 3);
    CHECK(cheap[0].properties.floatvalue);
    d::withdraw_price_params one;
    one.id = *cheap[0].id;
    CHECK(c.withdraw_price(one).value().skin.price == cheap[0].price);

    auto buy = [&](const d::SkinPriceEntry& e, const std::string& cid, std::optional<decimal> max) {
        d::withdraw_buy_params bp;
        bp.body.partner = "447383001";
        bp.body.token = "Ab3xZ9Qp";
        bp.body.id = e.id;
        bp.body.max_price = max;
        bp.body.custom_id = cid;
        return c.withdraw_buy(bp);
    };
    auto low = buy(cheap[0], "too-low", cheap[0].price - dec("0.01"));
    REQUIRE(!low);
    CHECK(low.error().provider_code == "max_price_exceeded");
    d::withdraw_buy_params none;
    none.body.partner = "1";
    none.body.token = "x";
    auto missing = c.withdraw_buy(none);
    REQUIRE(!missing);
    CHECK(missing.error().provider_code == "missing_skin_parameters");

    auto p1 = buy(cheap[0], "c-1", cheap[0].price).value();
    CHECK(p1.purchase_status == d::PurchaseStatus::processing);
    auto p1b = buy(cheap[0], "c-1", cheap[0].price).value();
    CHECK(p1b.purchase_id == p1.purchase_id);

    s.set_next_outcome(cs2market::skinify::id, sb::outcome::reversed_by_buyer);
    auto p2 = buy(cheap[1], "c-2", cheap[1].price).value();
    s.set_next_outcome(cs2market::skinify::id, sb::outcome::decline);
    auto p3 = buy(cheap[2], "c-3", cheap[2].price).value();

    auto status_of = [&](const std::string& cid) {
        d::withdraw_info_params ip;
        ip.custom_ids = std::vector<std::string>{cid};
        auto r = c.withdraw_info(ip).value();
        REQUIRE(r.items.size() == 1);
        return r.items[0];
    };
    REQUIRE(eventually([&] { return status_of("c-2").purchase_status == d::PurchaseStatus::rollback_user; }));
    REQUIRE(eventually([&] { return status_of("c-3").purchase_status == d::PurchaseStatus::canceled; }));
    REQUIRE(eventually([&] {
        auto it = status_of("c-1");
        return it.purchase_status == d::PurchaseStatus::accepted && it.settlement.has_value() &&
               s.stages(cs2market::skinify::id, p1.purchase_id).back() == "settled";
    }));
    CHECK(status_of("c-1").trade_offer_id);

    d::withdraw_history_params hp;
    hp.start_date = cs2market::unix_seconds(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - 1h));
    hp.end_date = cs2market::unix_seconds(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() + 1h));
    auto hist = c.withdraw_history(hp).value();
    CHECK(hist.items.size() == 3);
    hp.purchase_statuses = std::vector<cs2market::open_enum<d::PurchaseStatus>>{d::PurchaseStatus::rollback_user};
    auto rolled = c.withdraw_history(hp).value();
    REQUIRE(rolled.items.size() == 1);
    CHECK(rolled.items[0].purchase_id == p2.purchase_id);
    (void)p3;

    CHECK(c.project_balance().value().balance == dec("1000") - cheap[0].price);
    check_money(s, cs2market::skinify::id);

    // Skinify reports its rate limit in the body.
    s.set_rate_limit(cs2market::skinify::id, "all", 1);
    d::client limited(opts_for(s, "skinifytoken2"));
    CHECK(limited.project_balance());
    auto rl = limited.project_balance();
    REQUIRE(!rl);
    CHECK(rl.error().kind == cs2market::error_kind::rate_limited);
    CHECK(rl.error().provider_code == "request_limit_exceeded");
}

// ---------------------------------------------------- scenario: keys, faults

TEST_CASE("sandbox: scenario accounts with strict keys, and fault injection", "[sandbox]")
{
    const std::string scenario = R"({
      "accept_any_key": false, "default_rate_limits": false,
      "accounts": [{"provider": "csboard", "key": "csb_pub_known", "balance": 12.5},
                   {"provider": "skinify", "key": "skinifyknown", "balance": "3"}],
      "faults": [{"provider": "csboard", "path": "/v1/balance", "status": 503, "count": 1}]
    })";
    sb::server s(sb::options{}, scenario);
    cs2market::csboard::client known(opts_for(s, "csb_pub_known"));
    auto f = known.get_balance();
    REQUIRE(!f);
    CHECK(f.error().http_status == 503);
    CHECK(known.get_balance().value().balance_usd == dec("12.5"));

    cs2market::csboard::client unknown(opts_for(s, "csb_pub_stranger"));
    auto u = unknown.get_balance();
    REQUIRE(!u);
    CHECK(u.error().provider_code == "invalid_api_key");
    cs2market::csboard::client malformed(opts_for(s, "not-a-csboard-key"));
    auto m = malformed.get_balance();
    REQUIRE(!m);
    CHECK(m.error().provider_code == "missing_api_key");

    cs2market::skinify::client sk(opts_for(s, "skinifyknown"));
    CHECK(sk.project_balance().value().balance == dec("3"));
    cs2market::skinify::client sk2(opts_for(s, "skinifystranger"));
    CHECK(!sk2.project_balance());

    s.inject_fault({cs2market::csboard::id, "/v1/health", "close", 0, "", 0, 1});
    cs2market::csboard::client h(opts_for(s, "csb_pub_known"));
    CHECK(!h.get_health());
    CHECK(h.get_health());
}

TEST_CASE("sandbox: a no_answer fault commits the buy and withholds its answer", "[sandbox][fault]")
{
    namespace d = cs2market::cs2dt;
    sb::server s(fast_options());
    auto o = opts_for(s, "noanswerkey1");
    o.request_timeout = 400ms;
    d::client c(o);
    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = dec("10");
    sp.limit = 5;
    auto found = c.market_search(sp).value();
    REQUIRE(found.list->size() >= 2);
    auto quick_buy = [&](std::size_t i, const std::string& ref) {
        d::quick_buy_item_params q;
        q.body.itemId = (*found.list)[i].itemId;
        q.body.outTradeNo = ref;
        q.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
        q.body.maxPrice = dec("10");
        return q;
    };
    const sb::fault no_answer{cs2market::cs2dt::id, std::string(d::ops::quick_buy_item::path), "no_answer", 0, "", 0, 1};

    // The answer never comes: the client times out, looks the buy up by its
    // outTradeNo and finds the one purchase the sandbox made.
    s.inject_fault(no_answer);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = c.quick_buy_item(quick_buy(0, "na-1"));
    CHECK(std::chrono::steady_clock::now() - t0 >= 400ms);
    REQUIRE(r);
    auto bought = s.purchases(cs2market::cs2dt::id);
    REQUIRE(bought.size() == 1);
    CHECK(bought[0].ref == "na-1");
    CHECK(bought[0].key == "noanswerkey1");
    CHECK(r->orderId == std::optional<std::string>(bought[0].order_id));

    // Without reconciliation the caller is told the outcome is unknown (naming
    // the id); the purchase was made all the same.
    auto raw_opts = o;
    raw_opts.idempotency.reconcile = false;
    d::client raw(raw_opts);
    s.inject_fault(no_answer);
    auto u = raw.quick_buy_item(quick_buy(1, "na-2"));
    REQUIRE(!u);
    CHECK(u.error().kind == cs2market::error_kind::outcome_unknown);
    CHECK(u.error().idempotency_id == "na-2");
    bought = s.purchases(cs2market::cs2dt::id);
    REQUIRE(bought.size() == 2);
    CHECK(bought[1].ref == "na-2");
    CHECK(c.user_balance()); // used up: answered again
    s.inject_fault(no_answer);
    s.clear_faults();
    CHECK(c.user_balance());
    check_money(s, cs2market::cs2dt::id);

    // Scenarios name it too; an unknown kind is an error.
    CHECK_THROWS_AS(sb::server(fast_options(), R"({"faults": [{"kind": "no_such_kind"}]})"), std::invalid_argument);
    sb::server sc(fast_options(), R"({"faults": [{"provider": "skinify", "path": "/api/withdraw/buy", "kind": "no_answer"}]})");
    auto so = opts_for(sc, "skinifynoanswer");
    so.request_timeout = 400ms;
    so.idempotency.reconcile = false;
    cs2market::skinify::client sk(so);
    cs2market::skinify::withdraw_prices_params pp;
    pp.game = cs2market::skinify::Game::csgo;
    pp.full_list = 1;
    pp.extended = 1;
    auto skins = sk.withdraw_prices(pp).value().skins;
    auto cheap = std::find_if(skins.begin(), skins.end(), [](const auto& e) {
        return e.id && e.price <= dec("50") && !e.properties.unhold_at;
    });
    REQUIRE(cheap != skins.end());
    cs2market::skinify::withdraw_buy_params bp;
    bp.body.partner = "447383001";
    bp.body.token = "Ab3xZ9Qp";
    bp.body.id = cheap->id;
    bp.body.custom_id = "na-sk";
    auto sr = sk.withdraw_buy(bp);
    REQUIRE(!sr);
    CHECK(sr.error().kind == cs2market::error_kind::outcome_unknown);
    auto made = sc.purchases(cs2market::skinify::id);
    REQUIRE(made.size() == 1);
    CHECK(made[0].ref == "na-sk");
    CHECK(made[0].price == cheap->price);
}

// ------------------------------------------------------------------ router

namespace {
/// A request straight to a router, without HTTPS.
sb::response ask(auto& router, std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {})
{
    sb::request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    return router.handle(r);
}

/// A path for a template: every `{param}` replaced by `x`.
std::string fill(std::string_view path)
{
    std::string out;
    bool in_param = false;
    for (char ch : path) {
        if (ch == '{')
            in_param = true, out += 'x';
        else if (ch == '}')
            in_param = false;
        else if (!in_param)
            out += ch;
    }
    return out;
}
} // namespace

TEST_CASE("sandbox router: every documented operation of every provider has a handler", "[sandbox][router]")
{
    // At compile time: each front end (the registry lists one per schema) has an
    // `on(Op, call&)` for every operation of its provider's ops::all.
    std::size_t documented = 0;
    boost::mp11::mp_for_each<boost::mp11::mp_transform<boost::mp11::mp_identity, sb::registry::frontends>>([&](auto fe) {
        using FE = typename decltype(fe)::type;
        boost::mp11::mp_for_each<typename FE::operations>([&](auto op) {
            using Op = decltype(op);
            INFO(FE::provider::id.name() << " " << Op::name);
            CHECK(Op::provider::id == FE::provider::id);
            CHECK(sb::serves<FE, Op>);
            ++documented;
        });
    });
    CHECK(documented >= 44);

    // At run time: the router's table has exactly those operations, all served, and a
    // request on each method + path reaches a handler (never 501, 404 or 405).
    sb::market m(sb::options{});
    sb::router router(m);
    std::set<std::string> names;
    std::size_t routed = 0;
    for (const auto& r : router.routes()) {
        INFO(r.provider.name() << " " << r.operation << " " << cs2market::to_string(r.method) << " " << r.path);
        CHECK(r.served);
        if (!r.documented)
            continue;
        ++routed;
        CHECK(names.insert(std::string(r.provider.name()) + " " + std::string(r.operation)).second);
        auto res = ask(router, std::string(cs2market::to_string(r.method)), fill(r.path));
        CHECK(res.status != 501);
        CHECK(res.status != 404);
        CHECK(res.status != 405);
    }
    CHECK(routed == documented);
}

namespace {
/// A CSBoard front end that serves get_health only: every other documented
/// CSBoard operation must answer 501.
struct health_only_csboard {
    using provider = cs2market::csboard::provider;
    using operations = cs2market::csboard::ops::all;
    explicit health_only_csboard(sb::market&) {}
    sb::response on(cs2market::csboard::ops::get_health, sb::call&) { return sb::json_response(200, R"({"status":"ok"})"); }
};
} // namespace

TEST_CASE("sandbox router: a documented operation without a handler answers 501 naming it", "[sandbox][router]")
{
    STATIC_REQUIRE(sb::serves<health_only_csboard, cs2market::csboard::ops::get_health>);
    STATIC_REQUIRE(!sb::serves<health_only_csboard, cs2market::csboard::ops::get_balance>);
    sb::market m(sb::options{});
    sb::basic_router<boost::mp11::mp_list<health_only_csboard>> router(m);

    auto r = ask(router, "GET", "/v1/balance", {{"Authorization", "Bearer csb_pub_x"}});
    CHECK(r.status == 501);
    auto body = boost::json::parse(r.body).as_object();
    CHECK(body.at("code").as_string() == "not_implemented");
    CHECK(body.at("provider").as_string() == "csboard");
    CHECK(body.at("operation").as_string() == "get_balance");

    // Path templates: /v1/orders/{id}/claim is claim_order, not get_order.
    auto claim = ask(router, "POST", "/v1/orders/ord_1/claim");
    CHECK(claim.status == 501);
    auto operation_of = [](const sb::response& res) { return std::string(boost::json::parse(res.body).at("operation").as_string()); };
    CHECK(operation_of(claim) == "claim_order");
    CHECK(operation_of(ask(router, "GET", "/v1/orders/info")) == "get_orders_info");
    CHECK(operation_of(ask(router, "GET", "/v1/orders/ord%5F1")) == "get_order");

    CHECK(ask(router, "GET", "/v1/health").status == 200);
    CHECK(ask(router, "GET", "/v1/no-such-path").status == 404);
    auto wrong = ask(router, "GET", "/v1/orders/ord_1/claim");
    CHECK(wrong.status == 405);

    std::size_t served = 0, unserved = 0;
    for (const auto& route : router.routes())
        (route.served ? served : unserved)++;
    CHECK(served == 1);
    CHECK(unserved == boost::mp11::mp_size<cs2market::csboard::ops::all>::value - 1);
}

TEST_CASE("sandbox: default rate limits are the schemas' documented buckets", "[sandbox][router]")
{
    sb::options o;
    o.rate_window_ms = 60000; // a real minute: no window passes during the test
    sb::server s(o);
    cs2market::csboard::client c(opts_for(s, "csb_pub_limits"));
    REQUIRE(c.get_price_snapshot()); // "snapshot": 1 per minute
    auto second = c.get_price_snapshot();
    REQUIRE(!second);
    CHECK(second.error().kind == cs2market::error_kind::rate_limited);
    CHECK(second.error().provider_code == "snapshot_rate_limited");
    CHECK(c.get_balance()); // another bucket ("read")
    for (int i = 0; i < 35; ++i) // health counts against no bucket
        REQUIRE(c.get_health());

    // The sandbox's old name of the read bucket still works in scenarios.
    sb::server old(sb::options{}, R"({"rate_window_ms": 60000, "default_rate_limits": false,
                                      "rate_limits": [{"provider": "csboard", "bucket": "get", "limit": 1}]})");
    cs2market::csboard::client c2(opts_for(old, "csb_pub_limits"));
    CHECK(c2.get_balance());
    CHECK(!c2.get_currency());
    CHECK(c2.get_price_snapshot()); // not limited: default limits are off
}

// --------------------------------------------- commit_then_status: late truth

namespace {
/// A commit_then_status fault on one operation: the handler runs, then `status` + `body`.
template <class Op>
sb::fault commit_then(unsigned status, std::string body, int count = 1)
{
    sb::fault f;
    f.provider = Op::provider::id;
    f.path = std::string(Op::path);
    f.kind = "commit_then_status";
    f.status = status;
    f.body = std::move(body);
    f.remaining = count;
    return f;
}

/// Client options that show the raw answer: one exchange, no reconciliation by id.
cs2market::client_options raw_opts_for(const sb::server& s, const std::string& key)
{
    auto o = opts_for(s, key);
    o.idempotency.reconcile = false;
    return o;
}

/// Up to `n` CSBoard listings at most `max_price` each, none under a trade hold.
std::vector<cs2market::csboard::Listing> instant_listings(cs2market::csboard::client& c, const char* max_price, std::size_t n)
{
    namespace d = cs2market::csboard;
    d::list_listings_params lp;
    lp.max_price = dec(max_price);
    lp.sort = d::ListingSort::price_desc;
    lp.limit = 100;
    std::vector<d::Listing> out;
    for (auto& l : c.list_listings(lp).value().items)
        if (l.tradable.value_or(true) && out.size() < n)
            out.push_back(l);
    return out;
}

/// A GET of one of the sandbox's admin endpoints over HTTPS (checked against its CA), parsed.
boost::json::value admin_get(const sb::server& s, const std::string& target, unsigned expect = 200)
{
    auto r = sb::http_exchange("GET", s.base_url() + target, {}, s.ca_pem());
    INFO(target << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == expect);
    return boost::json::parse(r.body);
}
} // namespace

TEST_CASE("sandbox cs2dt: a commit_then_status fault buys, answers the in-body error, the outTradeNo then says 140014 and finds the order",
          "[sandbox][fault][cs2dt]")
{
    namespace d = cs2market::cs2dt;
    const auto [code, message] = GENERATE(table<std::int64_t, std::string>({
        {140018, "call timed out, retry with the same outTradeNo or wait for the callback"},
        {100000, "system error"},
    }));
    INFO("errorCode " << code);
    sb::server s(fast_options());
    d::client c(raw_opts_for(s, "latetruth01"));
    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = dec("10");
    sp.limit = 5;
    auto found = c.market_search(sp).value();
    REQUIRE(!found.list->empty());
    const auto item = (*found.list)[0];
    const decimal price = *item.priceInfo->price;
    auto quick_buy = [&](const std::string& ref) {
        d::quick_buy_item_params q;
        q.body.itemId = item.itemId;
        q.body.outTradeNo = ref;
        q.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
        q.body.maxPrice = price;
        return c.quick_buy_item(q);
    };

    s.inject_fault(commit_then<d::ops::quick_buy_item>(
        200, R"({"success":false,"data":null,"errorCode":)" + std::to_string(code) + R"(,"errorMsg":)" + cs2market::to_json(message) + "}"));
    auto r = quick_buy("late-1");
    REQUIRE(!r);
    CHECK(r.error().provider_code == std::to_string(code));
    CHECK(r.error().http_status == 200);
    auto bought = s.purchases(cs2market::cs2dt::id);
    REQUIRE(bought.size() == 1);
    CHECK(bought[0].ref == "late-1");
    CHECK(bought[0].charged == price);
    CHECK(bought[0].refunded == decimal{});
    CHECK(c.user_balance().value().data == dec("1000") - price);

    // What is left of that item (if any) now costs more than the ceiling: a new outTradeNo
    // is refused (1454, or 1317 when none is left), the used one is a duplicate (140014)
    // whatever is on sale.
    d::sell_list_params sl;
    sl.itemId = *item.itemId;
    sl.limit = 200;
    for (const auto& l : *c.sell_list(sl).value().list)
        REQUIRE(s.set_price(cs2market::cs2dt::id, std::to_string(*l.id), price + dec("1")));
    auto fresh = quick_buy("late-2");
    REQUIRE(!fresh);
    CHECK((fresh.error().provider_code == "1454" || fresh.error().provider_code == "1317"));
    auto again = quick_buy("late-1");
    REQUIRE(!again);
    CHECK(again.error().provider_code == "140014");

    d::buyer_order_detail_params by_ref;
    by_ref.outTradeNo = "late-1";
    auto det = c.buyer_order_detail(by_ref).value();
    CHECK(det.orderId == std::optional<std::string>(bought[0].order_id));
    CHECK(det.price == price);
    CHECK(s.purchases(cs2market::cs2dt::id).size() == 1);
    check_money(s, cs2market::cs2dt::id);
}

TEST_CASE("sandbox csboard: a commit_then_status fault buys, answers 409 idempotency_in_progress, the id then replays the purchase",
          "[sandbox][fault][csboard]")
{
    namespace d = cs2market::csboard;
    const bool market_buy = GENERATE(true, false);
    INFO((market_buy ? "market_buy" : "create_order"));
    sb::server s(fast_options());
    d::client c(raw_opts_for(s, "csb_pub_latetruth"));
    auto items = instant_listings(c, "20", 2);
    REQUIRE(items.size() == 2);
    const decimal total = items[0].price_usd + items[1].price_usd;
    const std::string in_progress = R"({"code":"idempotency_in_progress","detail":"a request with this custom_id is still being processed"})";

    // Twice "in progress" (the first request and a repeat while it "runs"), then the replay.
    std::vector<std::string> ids; // purchase_id / order_id of each successful answer
    std::vector<bool> replayed;
    auto buy = [&]() -> cs2market::result<void> {
        if (market_buy) {
            d::market_buy_params mp;
            mp.body.item_ids = {items[0].id, items[1].id};
            mp.body.partner = "447383001";
            mp.body.token = "Ab3xZ9Qp";
            mp.body.max_price_usd = total;
            mp.body.custom_id = "late-cb-1";
            auto r = c.send<d::ops::market_buy>(mp);
            if (!r)
                return r.error();
            ids.push_back(r->value.data.purchase_id.value_or(""));
            replayed.push_back(r->idempotent_replayed);
        } else {
            d::create_order_params op;
            op.Idempotency_Key = "late-cb-1";
            op.body.item_ids = {items[0].id, items[1].id};
            op.body.max_price_usd = total;
            auto r = c.send<d::ops::create_order>(op);
            if (!r)
                return r.error();
            ids.push_back(r->value.order_id);
            replayed.push_back(r->idempotent_replayed);
        }
        return {};
    };
    if (market_buy)
        s.inject_fault(commit_then<d::ops::market_buy>(409, in_progress, 2));
    else
        s.inject_fault(commit_then<d::ops::create_order>(409, in_progress, 2));
    for (int i = 0; i < 2; ++i) {
        auto r = buy();
        REQUIRE(!r);
        CHECK(r.error().http_status == 409);
        CHECK(r.error().provider_code == "idempotency_in_progress");
    }
    auto bought = s.purchases(cs2market::csboard::id);
    REQUIRE(bought.size() == 1);
    CHECK((market_buy ? bought[0].ref : bought[0].idempotency_key) == "late-cb-1");
    CHECK(bought[0].charged == total);
    REQUIRE(bought[0].items.size() == 2);
    CHECK(c.get_balance().value().balance_usd == dec("1000") - total);

    REQUIRE(buy());
    REQUIRE(ids.size() == 1);
    CHECK(replayed[0]);
    CHECK(ids[0] == (market_buy ? "pur_" + bought[0].order_id.substr(4) : bought[0].order_id));
    CHECK(s.purchases(cs2market::csboard::id).size() == 1);
    CHECK(c.get_balance().value().balance_usd == dec("1000") - total);
    check_money(s, cs2market::csboard::id);
}

// ------------------------------------------------ CSBoard per-item returns

TEST_CASE("sandbox csboard: one item of a multi-item order is returned, after delivery or before it, the others settle",
          "[sandbox][csboard][partial]")
{
    namespace d = cs2market::csboard;
    using O = sb::outcome;
    // outcome, market_buy (else create_order), items, returned item, chosen by set_next_outcome (else a rule on the id)
    const auto [out, market_buy, n, idx, next] = GENERATE(table<O, bool, std::size_t, std::size_t, bool>({
        {O::partial_return_after_delivery, true, 3, 1, true},
        {O::partial_return_after_delivery, false, 3, 2, false},
        {O::partial_return_before_delivery, false, 3, 0, true},
        {O::partial_return_before_delivery, true, 2, 1, false},
        {O::partial_return_after_delivery, true, 1, 0, true},   // the only item: the whole order reversed
        {O::partial_return_before_delivery, false, 1, 0, false}, // the only item: the whole order declined
        {O::partial_return_after_delivery, true, 2, 5, true},   // no such item: nothing returned
    }));
    const bool after = out == O::partial_return_after_delivery;
    INFO(sb::outcome_names[static_cast<int>(out)] << (market_buy ? " market_buy" : " create_order") << " items " << n
                                                   << " returned " << idx);
    sb::server s(fast_options());
    d::client c(opts_for(s, "csb_pub_partial"));
    auto items = instant_listings(c, "20", n);
    REQUIRE(items.size() == n);
    std::vector<std::string> ids;
    decimal total;
    for (const auto& l : items) {
        ids.push_back(l.id);
        total += l.price_usd;
    }
    if (next) {
        s.set_next_outcome(cs2market::csboard::id, out, idx);
    } else {
        sb::outcome_rule rule;
        rule.p = cs2market::csboard::id;
        rule.ref = "partial-1";
        rule.out = out;
        rule.item_index = idx;
        rule.remaining = 1;
        s.add_outcome_rule(rule);
    }
    if (market_buy) {
        d::market_buy_params mp;
        mp.body.item_ids = ids;
        mp.body.partner = "447383001";
        mp.body.token = "Ab3xZ9Qp";
        mp.body.custom_id = "partial-1";
        REQUIRE(c.market_buy(mp));
    } else {
        d::create_order_params op;
        op.Idempotency_Key = "partial-1";
        op.body.item_ids = ids;
        REQUIRE(c.create_order(op));
    }
    REQUIRE(s.purchases(cs2market::csboard::id).size() == 1);
    const std::string order_id = s.purchases(cs2market::csboard::id)[0].order_id;

    // Follow it with get_order until the sandbox has it final.
    d::get_order_params gp;
    gp.id = order_id;
    d::Order o;
    REQUIRE(eventually([&] {
        o = c.get_order(gp).value();
        const auto st = s.stages(cs2market::csboard::id, order_id);
        return !st.empty() && (st.back() == "settled" || st.back() == "declined" || st.back() == "reversed_by_buyer");
    }));
    o = c.get_order(gp).value();
    REQUIRE(o.items.size() == n);
    CHECK(o.charged_total_usd == total);
    CHECK(o.item_count == static_cast<std::int64_t>(n));

    const bool one_returned = n > 1 && idx < n;
    const bool whole = n == 1;
    if (whole)
        CHECK(o.status == (after ? d::OrderStatus::failed : d::OrderStatus::cancelled));
    else
        CHECK(o.status == d::OrderStatus::completed);
    decimal refunded;
    for (std::size_t i = 0; i < n; ++i) {
        INFO("item " << i);
        const auto& it = o.items[i];
        CHECK(it.price_usd == items[i].price_usd);
        const bool returned = whole || (one_returned && i == idx);
        if (!returned) {
            CHECK(it.status == d::OrderItemStatus::delivered);
            CHECK(!it.return_reason);
            CHECK(it.steam_trade_offer_finished_at);
            continue;
        }
        refunded += *it.price_usd;
        CHECK(it.status == d::OrderItemStatus::returned);
        CHECK(it.return_reason);
        // Returned after delivery: the trade had finished. Before: it never did.
        CHECK(bool(it.steam_trade_offer_finished_at) == after);
        if (!whole && !after)
            CHECK(!it.steam_trade_offer_id); // never in the trade offer
    }
    CHECK((refunded == decimal{}) == !(whole || one_returned));

    // The sandbox's books: that item's price refunded, nothing else.
    const auto p = s.purchases(cs2market::csboard::id)[0];
    CHECK(p.charged == total);
    CHECK(p.refunded == refunded);
    REQUIRE(p.items.size() == n);
    if (one_returned) {
        CHECK(p.stage == "settled");
        CHECK(p.items[idx].stage == (after ? "returned_after_delivery" : "returned_before_delivery"));
        CHECK(p.items[idx].refunded == items[idx].price_usd);
    }
    const auto audit = s.audit(cs2market::csboard::id);
    CHECK(audit.charged == total);
    CHECK(audit.refunded == refunded);
    CHECK(c.get_balance().value().balance_usd == dec("1000") - total + refunded);
    check_money(s, cs2market::csboard::id);
}

// ------------------------------------------------------- admin endpoints

TEST_CASE("sandbox: GET /_sandbox/purchases and /_sandbox/ledger give the sandbox's own records without a key", "[sandbox][admin]")
{
    sb::server s(fast_options());
    {
        auto j = admin_get(s, "/_sandbox/purchases");
        CHECK(j.at("purchases").as_array().empty());
    }
    // One CS2DT buy that settles, one CSBoard two-item order with its second item reversed.
    namespace cd = cs2market::cs2dt;
    cd::client dt(opts_for(s, "adminkey001"));
    cd::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = dec("10");
    sp.limit = 1;
    const auto item = (*dt.market_search(sp).value().list)[0];
    cd::quick_buy_item_params q;
    q.body.itemId = item.itemId;
    q.body.outTradeNo = "adm-1";
    q.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    q.body.maxPrice = dec("10");
    const auto dt_order = dt.quick_buy_item(q).value();
    const decimal dt_price = *dt_order.buyPrice;

    namespace bd = cs2market::csboard;
    bd::client cb(opts_for(s, "csb_pub_admin"));
    auto items = instant_listings(cb, "20", 2);
    REQUIRE(items.size() == 2);
    s.set_next_outcome(cs2market::csboard::id, sb::outcome::partial_return_after_delivery, 1);
    bd::market_buy_params mp;
    mp.body.item_ids = {items[0].id, items[1].id};
    mp.body.partner = "447383001";
    mp.body.token = "Ab3xZ9Qp";
    mp.body.custom_id = "adm-2";
    REQUIRE(cb.market_buy(mp));
    REQUIRE(eventually([&] { return s.idle(); }));

    // Faults and rate limits are the providers' business: the admin endpoints see neither.
    s.inject_fault({{}, "", "status", 503, "{}", 0, -1});
    const auto all = admin_get(s, "/_sandbox/purchases");
    const auto& rows = all.at("purchases").as_array();
    REQUIRE(rows.size() == 2);
    const auto& d0 = rows[0].as_object();
    CHECK(d0.at("provider").as_string() == "cs2dt");
    CHECK(d0.at("order_id").as_string() == *dt_order.orderId);
    CHECK(d0.at("ref").as_string() == "adm-1");
    CHECK(d0.at("charged").as_string() == dt_price.to_string());
    CHECK(d0.at("refunded").as_string() == "0");
    CHECK(d0.at("stage").as_string() == "settled");
    CHECK(d0.at("outcome").as_string() == "success");
    CHECK(d0.at("account").is_int64());
    const auto& b0 = rows[1].as_object();
    CHECK(b0.at("provider").as_string() == "csboard");
    CHECK(b0.at("ref").as_string() == "adm-2");
    CHECK(b0.at("outcome").as_string() == "partial_return_after_delivery");
    CHECK(decimal::from_string(std::string(b0.at("charged").as_string())) == items[0].price_usd + items[1].price_usd);
    CHECK(decimal::from_string(std::string(b0.at("refunded").as_string())) == items[1].price_usd);
    const auto& its = b0.at("items").as_array();
    REQUIRE(its.size() == 2);
    CHECK(its[0].at("listing_id").as_string() == items[0].id);
    CHECK(its[0].at("stage").as_string() == "settled");
    CHECK(its[0].at("refunded").as_string() == "0");
    CHECK(its[1].at("stage").as_string() == "returned_after_delivery");
    CHECK(decimal::from_string(std::string(its[1].at("price").as_string())) == items[1].price_usd);
    // Keys are credentials: never shown, only matched.
    const auto text = boost::json::serialize(all);
    CHECK(text.find("adminkey001") == std::string::npos);
    CHECK(text.find("csb_pub_admin") == std::string::npos);

    CHECK(admin_get(s, "/_sandbox/purchases?provider=csboard").at("purchases").as_array().size() == 1);
    CHECK(admin_get(s, "/_sandbox/purchases?key=adminkey001").at("purchases").as_array().size() == 1);
    CHECK(admin_get(s, "/_sandbox/purchases?ref=adm-2").at("purchases").as_array().size() == 1);
    CHECK(admin_get(s, "/_sandbox/purchases?key=csb_pub_nobody").at("purchases").as_array().empty());
    admin_get(s, "/_sandbox/purchases?provider=nosuch", 400);
    admin_get(s, "/_sandbox/nosuch", 404);
    CHECK(sb::http_exchange("POST", s.base_url() + "/_sandbox/ledger", "{}", s.ca_pem()).status == 405);

    const auto ledger = admin_get(s, "/_sandbox/ledger");
    const auto& dl = ledger.at("cs2dt").as_object();
    CHECK(dl.at("purchases").as_int64() == 1);
    CHECK(dl.at("charged").as_string() == dt_price.to_string());
    CHECK(dl.at("refunded").as_string() == "0");
    CHECK(dl.at("balanced").as_bool());
    const auto& bl = ledger.at("csboard").as_object();
    CHECK(decimal::from_string(std::string(bl.at("refunded").as_string())) == items[1].price_usd);
    CHECK(decimal::from_string(std::string(bl.at("balances").as_string())) == dec("1000") - items[0].price_usd);
    CHECK(bl.at("balanced").as_bool());
    CHECK(ledger.at("skinify").at("charged").as_string() == "0");
    s.clear_faults();
}

TEST_CASE("sandbox: commit_then_status and partial returns from a scenario file, bad fault kinds refused", "[sandbox][fault]")
{
    namespace d = cs2market::csboard;
    sb::market m(fast_options());
    sb::router router(m);
    sb::options o = m.opts;
    auto sc = sb::parse_scenario(R"({
      "outcomes": [{"provider": "csboard", "ref": "sc-1", "outcome": "partial_return_before_delivery", "item_index": 1}],
      "faults": [{"provider": "csboard", "path": "/v1/market/buy", "kind": "commit_then_status", "status": 409,
                  "body": "{\"code\":\"idempotency_in_progress\",\"detail\":\"still being processed\"}",
                  "headers": {"Retry-After": "1"}, "count": 1}]
    })", o);
    sb::apply_scenario(m, sc, [](auto, const auto&, int) {});
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < m.at(d::id).listings.size() && ids.size() < 2; ++i)
        if (!m.at(d::id).listings[i].hold && m.at(d::id).listings[i].price <= dec("20"))
            ids.push_back(m.wire_listing_id(d::id, i));
    REQUIRE(ids.size() == 2);
    const std::string body = R"({"item_ids":[")" + ids[0] + R"(",")" + ids[1] + R"("],"partner":"447383001","token":"Ab3xZ9Qp","custom_id":"sc-1"})";
    auto buy = [&] {
        sb::request r;
        r.method = "POST";
        r.target = "/v1/market/buy";
        r.headers = {{"Authorization", "Bearer csb_pub_scenario"}, {"Content-Type", "application/json"}};
        r.body = body;
        return router.handle(r);
    };
    auto header = [](const sb::response& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name)
                return v;
        return std::string();
    };
    auto first = buy();
    CHECK(first.status == 409);
    CHECK(header(first, "Retry-After") == "1");
    CHECK(first.body.find("idempotency_in_progress") != std::string::npos);
    REQUIRE(m.orders.size() == 1); // the purchase was made
    CHECK(m.orders[0].out == sb::outcome::partial_return_before_delivery);
    CHECK(m.orders[0].returned_item == 1);
    auto second = buy();
    CHECK(second.status == 200);
    CHECK(header(second, "Idempotent-Replayed") == "true");
    CHECK(m.orders.size() == 1);

    sb::server s(fast_options());
    sb::fault bad;
    bad.kind = "commit_then_no_such";
    CHECK_THROWS_AS(s.inject_fault(bad), std::invalid_argument);
    sb::options o2;
    CHECK_THROWS_AS(sb::parse_scenario(R"({"faults": [{"kind": "commit_then_status", "headers": ["x"]}]})", o2), std::invalid_argument);
    CHECK_THROWS_AS(sb::parse_scenario(R"({"outcomes": [{"outcome": "partial_return_after_delivery", "item_index": -1}]})", o2),
                    std::invalid_argument);
    CHECK(sb::outcome_from_string("partial_return_after_delivery") == sb::outcome::partial_return_after_delivery);
    CHECK(sb::outcome_from_string("partial_return_before_delivery") == sb::outcome::partial_return_before_delivery);
}
