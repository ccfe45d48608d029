// The pager (pagination.hpp): one iterator over CSBoard's cursors, CS2DT's page
// numbers and Skinify's start_from / has_more, against a loopback HTTPS server.
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/testing/https_server.hpp>

#include "support/wire_helpers.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace cs2market;
using namespace cs2market::test;
using testing::recorded_request;

TEST_CASE("pager: CSBoard cursors keep the filters and stop at a null next_cursor", "[pagination]")
{
    https_server server([](const recorded_request& rq) {
        auto cursor = query_value(rq.target, "cursor");
        auto listing = [](const char* id, const char* price) {
            return std::string(R"j({"id":")j") + id + R"j(","market_hash_name":"AK-47 | Redline (Field-Tested)","price_usd":)j" + price + "}";
        };
        if (cursor == "<absent>")
            return json(200, R"j({"items":[)j" + listing("itm_1", "10.5") + "," + listing("itm_2", "11") + R"j(],"next_cursor":"c2"})j");
        if (cursor == "c2")
            return json(200, R"j({"items":[)j" + listing("itm_3", "12.25") + R"j(],"next_cursor":"c3"})j");
        return json(200, R"j({"items":[],"next_cursor":null})j");
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    csboard::list_listings_params p;
    p.search = "Redline";
    p.max_price = decimal::from_string("20");
    std::vector<std::string> ids;
    decimal total;
    auto n = for_each_item<csboard::ops::list_listings>(c, p, [&](const csboard::Listing& l) {
        ids.push_back(l.id);
        total += l.price_usd;
    });
    REQUIRE(n);
    CHECK(*n == 3);
    CHECK(ids == std::vector<std::string>{"itm_1", "itm_2", "itm_3"});
    CHECK(total == decimal::from_string("33.75"));
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    for (const auto& rq : reqs) { // the caller's filters on every page
        CHECK(query_value(rq.target, "search") == "Redline");
        CHECK(query_value(rq.target, "max_price") == "20");
    }
    CHECK(query_value(reqs[1].target, "cursor") == "c2");
    CHECK(query_value(reqs[2].target, "cursor") == "c3");
}

TEST_CASE("pager: a cursor that does not advance stops with an error instead of looping", "[pagination]")
{
    https_server server([](const recorded_request&) {
        return json(200, R"j({"items":[{"id":"itm_1","market_hash_name":"x","price_usd":1}],"next_cursor":"same"})j");
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    pager<csboard::ops::list_listings, csboard::client> pg(c, {});
    std::size_t items = 0;
    for (int guard = 0; guard < 100; ++guard) {
        auto it = pg.next();
        if (!it) {
            CHECK_THAT(it.error().message(), Catch::Contains("did not advance"));
            break;
        }
        REQUIRE(*it);
        ++items;
    }
    CHECK(items == 2);
    CHECK(server.request_count() == 2);
}

TEST_CASE("pager: CS2DT page numbers stop after the last page", "[pagination]")
{
    https_server server([](const recorded_request& rq) {
        auto page = query_value(rq.target, "page");
        std::string list = page == "1" ? R"j([{"id":"1046108517917470720","price":"1.5"},{"id":"2","price":2}])j"
                                       : R"j([{"id":"3","price":3.25}])j";
        return json(200, R"j({"success":true,"data":{"total":3,"pages":2,"page":)j" + page + R"j(,"limit":2,"list":)j" + list +
                             R"j(},"errorCode":0})j");
    });
    auto c = make_client<cs2dt::client>(server, "k-12345");
    cs2dt::sell_list_params p;
    p.itemId = 553370749;
    p.limit = 2;
    std::vector<std::int64_t> ids;
    std::vector<decimal> prices;
    auto n = for_each_item<cs2dt::ops::sell_list>(c, p, [&](const cs2dt::ProductSellListDTO& row) {
        ids.push_back(row.id.value_or(-1));
        prices.push_back(row.price.value_or(decimal{}));
    });
    REQUIRE(n);
    CHECK(*n == 3);
    CHECK(ids == std::vector<std::int64_t>{1046108517917470720, 2, 3}); // above 2^53, exact
    CHECK(prices == std::vector<decimal>{decimal::from_string("1.5"), decimal::from_string("2"), decimal::from_string("3.25")});
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(query_value(reqs[0].target, "page") == "1");
    CHECK(query_value(reqs[1].target, "page") == "2");
    CHECK(query_value(reqs[1].target, "itemId") == "553370749");
    CHECK(query_value(reqs[1].target, "limit") == "2");
}

TEST_CASE("pager: Skinify start_from while has_more, and errors surface", "[pagination]")
{
    int calls = 0;
    https_server server([&](const recorded_request& rq) {
        ++calls;
        auto from = query_value(rq.target, "start_from");
        auto item = [](const char* id) {
            return std::string(R"j({"skin":{"id":"1","name":"Crimson Pique","price":"0.3"},"purchase_id":")j") + id +
                   R"j(","purchase_status":"accepted","date":"1643713700","balance_debited_amount":"0.3"})j";
        };
        if (from == "<absent>")
            return json(200, R"j({"status":"success","items":[)j" + item("1") + R"j(],"total_count":"2","has_more":true,"start_from":999})j");
        if (from == "999" && calls == 2)
            return json(200, R"j({"status":"error","error_message":"request_limit_exceeded"})j");
        return json(200, R"j({"status":"success","items":[)j" + item("2") + R"j(],"total_count":"2","has_more":false,"start_from":1000})j");
    });
    auto c = make_client<skinify::client>(server, "skinify-token-xyz");
    skinify::withdraw_history_params p;
    p.start_date = *unix_seconds::from_raw(1643700000);
    p.end_date = *unix_seconds::from_raw(1643800000);
    pager<skinify::ops::withdraw_history, skinify::client> pg(c, p);
    auto first = pg.next();
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->purchase_id == "1");
    auto limited = pg.next(); // the second page is rate limited ...
    REQUIRE_FALSE(limited);
    CHECK(limited.error().kind == error_kind::rate_limited);
    auto second = pg.next(); // ... and asked for again on the next call
    REQUIRE(second);
    REQUIRE(*second);
    CHECK((*second)->purchase_id == "2");
    auto end = pg.next();
    REQUIRE(end);
    CHECK(*end == nullptr);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(query_value(reqs[2].target, "start_from") == "999");
    CHECK(query_value(reqs[2].target, "start_date") == "1643700000");
}

TEST_CASE("pager: Skinify get-deposits does not stop silently after a full page of 1000 when has_more is absent",
          "[pagination]")
{
    // The get-deposits doc shows start_from and "results limited 1000", not has_more.
    const auto page = [](int first, int count, const std::string& tail) {
        std::string body = R"j({"status":"success","deposits":[)j";
        for (int i = 0; i < count; ++i)
            body += (i ? "," : "") + std::string(R"j({"status":"success","transaction_id":")j") + std::to_string(first + i) +
                    R"j(","deposit_id":"d","date":1643713700})j";
        return body + "]" + tail + "}";
    };
    skinify::get_deposits_params p;
    p.starting = *unix_seconds::from_raw(1643700000);
    p.ending = *unix_seconds::from_raw(1643800000);
    SECTION("a full page with start_from: the next page is asked for, a short page ends the listing")
    {
        https_server server([&](const recorded_request& rq) {
            auto from = query_value(rq.target, "start_from");
            if (from == "<absent>")
                return json(200, page(0, 1000, R"j(,"start_from":1000)j"));
            if (from == "1000")
                return json(200, page(1000, 1000, R"j(,"start_from":2000)j"));
            return json(200, page(2000, 3, R"j(,"start_from":2003)j"));
        });
        auto c = make_client<skinify::client>(server, "skinify-token-xyz");
        std::vector<std::string> ids;
        auto n = for_each_item<skinify::ops::get_deposits>(c, p, [&](const skinify::DepositInfo& d) { ids.push_back(d.transaction_id); });
        REQUIRE(n);
        CHECK(*n == 2003);
        CHECK(ids.back() == "2002");
        auto reqs = server.requests();
        REQUIRE(reqs.size() == 3);
        CHECK(query_value(reqs[1].target, "start_from") == "1000");
        CHECK(query_value(reqs[2].target, "start_from") == "2000");
        CHECK(query_value(reqs[2].target, "starting") == "1643700000");
    }
    SECTION("an explicit has_more is followed as sent")
    {
        https_server server([&](const recorded_request& rq) {
            if (query_value(rq.target, "start_from") == "<absent>")
                return json(200, page(0, 2, R"j(,"start_from":2,"has_more":true)j"));
            return json(200, page(2, 1000, R"j(,"start_from":1002,"has_more":false)j"));
        });
        auto c = make_client<skinify::client>(server, "skinify-token-xyz");
        auto n = for_each_item<skinify::ops::get_deposits>(c, p, [](const skinify::DepositInfo&) {});
        REQUIRE(n);
        CHECK(*n == 1002);
        CHECK(server.request_count() == 2);
    }
    SECTION("a full page that says nothing about what follows is an error after its items, not the end")
    {
        https_server server([&](const recorded_request&) { return json(200, page(0, 1000, "")); });
        auto c = make_client<skinify::client>(server, "skinify-token-xyz");
        pager<skinify::ops::get_deposits, skinify::client> pg(c, p);
        std::size_t items = 0;
        for (;;) {
            auto it = pg.next();
            if (!it) {
                CHECK(it.error().kind == error_kind::decode);
                CHECK_THAT(it.error().message(), Catch::Contains("1000"));
                break;
            }
            REQUIRE(*it); // never a silent end
            ++items;
        }
        CHECK(items == 1000);
        CHECK(server.request_count() == 1);
    }
}
