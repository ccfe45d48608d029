// Codec tests: the generated models of every provider against the documented
// examples (tests/data/, copied verbatim from the provider docs) and against
// hostile or unusual input. Models only: no client headers, no Beast.
// decimal and the timestamps have their own files (test_decimal.cpp, test_time.cpp).
// Catch2 v2; main() is in catch_main.cpp.
#include "support/fixtures.hpp"
#include "support/unescape.hpp"
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/skinify/models.hpp>
// decode_response: the envelope of each provider (no Beast or Asio).
#include <cs2market/cs2dt/generated/operations.hpp>
#include <cs2market/csboard/generated/operations.hpp>
#include <cs2market/request.hpp>
#include <cs2market/skinify/generated/operations.hpp>

#include "codec_test_support.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace bj = boost::json;
namespace cs2dt = cs2market::cs2dt;
namespace csboard = cs2market::csboard;
namespace skinify = cs2market::skinify;
using cs2market::decimal;
using cs2market::error_kind;
using cs2market::from_json;
using cs2market::iso_time;
using cs2market::to_json;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using namespace std::chrono_literals;

using cs2market::test::read_data;

decimal dec(std::string_view s) { return decimal::from_string(s); }

/// Removes members whose value is null, recursively (to_json leaves absent optionals out).
bj::value strip_nulls(const bj::value& v)
{
    if (v.is_object()) {
        bj::object o;
        for (const auto& kv : v.get_object())
            if (!kv.value().is_null())
                o[kv.key()] = strip_nulls(kv.value());
        return o;
    }
    if (v.is_array()) {
        bj::array a;
        for (const auto& e : v.get_array())
            a.push_back(strip_nulls(e));
        return a;
    }
    return v;
}

/// Structural JSON equality where numbers compare by value (0 equals 0.0, 26.47 equals 26.470).
bool json_equiv(const bj::value& a, const bj::value& b)
{
    if (a.is_number() && b.is_number()) {
        if (a.is_double() || b.is_double())
            return a.to_number<double>() == b.to_number<double>();
        return a == b; // int64 / uint64 compare exactly
    }
    if (a.kind() != b.kind())
        return false;
    if (a.is_object()) {
        const auto& x = a.get_object();
        const auto& y = b.get_object();
        if (x.size() != y.size())
            return false;
        for (const auto& kv : x) {
            auto it = y.find(kv.key());
            if (it == y.end() || !json_equiv(kv.value(), it->value()))
                return false;
        }
        return true;
    }
    if (a.is_array()) {
        const auto& x = a.get_array();
        const auto& y = b.get_array();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!json_equiv(x[i], y[i]))
                return false;
        return true;
    }
    return a == b;
}

/// Decodes `json` as T and requires an error of `kind`; returns the error.
template <class T>
cs2market::error decode_err(std::string_view json, error_kind kind)
{
    auto r = from_json<T>(json);
    if (r)
        FAIL("decode unexpectedly succeeded: " << to_json(*r));
    const cs2market::error& e = r.error();
    INFO("message: " << e.message());
    CHECK(e.kind == kind);
    CHECK(static_cast<bool>(e));
    return e;
}

} // namespace

// ===========================================================================
// Documented examples
// ===========================================================================

TEST_CASE("CS2DT seed 001: documented buyer order detail envelope and payload decode", "[seed][cs2dt]")
{
    const std::string doc = read_data("cs2dt/buyer_order_detail.seed.json");
    auto res = decode_ok<cs2dt::WebApiRes>(doc);

    REQUIRE(res.success.has_value());
    CHECK(*res.success == false);
    CHECK(res.errorCode == std::optional<std::int64_t>{0});
    CHECK(res.errorMsg == std::optional<std::string>{""});
    REQUIRE(res.errorData.has_value());
    CHECK(res.errorData->text == "{}");
    CHECK_FALSE(res.errorCodeStr.has_value());
    REQUIRE(res.data.has_value());

    // The payload is kept as compact JSON and decodes into the operation's type.
    auto d = decode_ok<cs2dt::OrderDetailDTO>(res.data->text);
    // ... and decoding the payload straight from the document gives the same value.
    const bj::value seed = bj::parse(doc);
    auto direct = decode_ok<cs2dt::OrderDetailDTO>(bj::serialize(seed.at("data")));
    CHECK(to_json(direct) == to_json(d));

    CHECK(d.orderId == std::optional<std::string>{""});
    CHECK(d.productId == std::optional<std::string>{""});
    REQUIRE(d.price.has_value());
    CHECK(*d.price == decimal{});
    CHECK(d.price->to_string() == "0");
    REQUIRE(d.buyerFee.has_value());
    CHECK(*d.buyerFee == decimal{});
    CHECK(d.statusName == std::optional<std::string>{""});
    REQUIRE(d.status.has_value());
    CHECK(d.status->raw() == 0);
    CHECK(*d.status == cs2dt::OrderStatus::awaiting_payment);
    REQUIRE(d.deliverType.has_value());
    CHECK(d.deliverType->raw() == 0); // 0 is not a documented DeliverType: kept as it came
    CHECK_FALSE(d.deliverType->is_known());
    CHECK(d.receiveSteamId == std::optional<std::string>{""});

    REQUIRE(d.openItemInfo.has_value());
    CHECK(d.openItemInfo->itemId == std::optional<std::string>{""});
    CHECK(d.openItemInfo->appId == std::optional<std::int64_t>{0});
    CHECK(d.openItemInfo->marketHashName == std::optional<std::string>{""});

    REQUIRE(d.assetInfo.has_value());
    const auto& a = *d.assetInfo;
    CHECK(a.classInfoId == std::optional<std::int64_t>{0});
    CHECK(a.assetId == std::optional<std::int64_t>{0});
    CHECK(a.wear == std::optional<double>{0.0});
    CHECK(a.gradient == std::optional<double>{0.0});
    CHECK(a.paintSeed == std::optional<std::int64_t>{0});
    CHECK_FALSE(a.originalAssetId.has_value()); // not in the example
    REQUIRE(a.gems.has_value());
    REQUIRE(a.gems->size() == 1u);
    CHECK((*a.gems)[0].value == std::optional<double>{0.0});
    CHECK_FALSE((*a.gems)[0].price.has_value());
    REQUIRE(a.stickers.has_value());
    REQUIRE(a.stickers->size() == 1u);
    CHECK((*a.stickers)[0].slot == std::optional<std::int64_t>{0});
    REQUIRE((*a.stickers)[0].price.has_value());
    CHECK(*(*a.stickers)[0].price == decimal{});
    REQUIRE(a.styles.has_value());
    REQUIRE(a.styles->size() == 1u);
    CHECK((*a.styles)[0].locked == std::optional<bool>{false});
    REQUIRE(a.itemSets.has_value());
    REQUIRE(a.itemSets->size() == 1u);
    CHECK((*a.itemSets)[0].isItemSet == std::optional<std::int64_t>{0});
    CHECK(a.ext == std::optional<std::string>{""});

    REQUIRE(d.offerInfoDTO.has_value());
    CHECK(d.offerInfoDTO->transferId == std::optional<std::int64_t>{0});
    CHECK(d.offerInfoDTO->tradeOfferId == std::optional<std::int64_t>{0});
    CHECK(d.failedDesc == std::optional<std::string>{""});
    REQUIRE(d.createTime.has_value());
    CHECK(d.createTime->raw() == 0);
    CHECK_FALSE(d.createTime->in_milliseconds());
    CHECK_FALSE(d.failedCode.has_value());

    // Everything present in the example comes back out, numbers by value.
    CHECK(json_equiv(bj::parse(to_json(d)), seed.at("data")));
    CHECK(json_equiv(bj::parse(to_json(res)), seed));
}

TEST_CASE("CS2DT order detail: 64-bit ids exact, price exact, status 220 with failedCode", "[seed][cs2dt]")
{
    // Ids above 2^53 (where double stops being exact), as numbers and as strings.
    constexpr std::string_view body = R"json({
      "success": true,
      "data": {
        "orderId": 1046108517917470720,
        "productId": "1046108517917470721",
        "price": 123.12,
        "buyerFee": "0.62",
        "statusName": "已撤销",
        "status": 220,
        "deliverType": 2,
        "receiveSteamId": 76561198000000001,
        "openItemInfo": {"itemId": 553370749, "appId": 730, "name": "★ 爪子刀（★） | 多普勒 (崭新出厂)",
                         "marketHashName": "★ Karambit | Doppler (Factory New)", "imageUrl": "https://img.example/k.png"},
        "assetInfo": {"classId": "310776668", "instanceId": 302028390, "assetId": 1046108517917470720,
                      "wear": 0.0123456789, "paintIndex": 418, "paintSeed": 661, "styleId": 12},
        "offerInfoDTO": {"transferId": 9007199254740993, "tradeOfferId": 7012345678901234567},
        "failedDesc": "卖家撤回了交易",
        "createTime": 1719550000123,
        "failedCode": "ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK"
      },
      "errorCode": 0,
      "errorMsg": null,
      "errorData": null
    })json";
    auto res = decode_ok<cs2dt::WebApiRes>(body);
    CHECK(res.success == std::optional<bool>{true});
    CHECK_FALSE(res.errorMsg.has_value());
    CHECK_FALSE(res.errorData.has_value());
    REQUIRE(res.data.has_value());
    CHECK_THAT(res.data->text, Contains("\"orderId\":1046108517917470720")); // digits kept as received
    CHECK_THAT(res.data->text, Contains("\"price\":123.12,"));

    auto d = decode_ok<cs2dt::OrderDetailDTO>(res.data->text);
    CHECK(d.orderId == std::optional<std::string>{"1046108517917470720"});
    CHECK(d.productId == std::optional<std::string>{"1046108517917470721"});
    REQUIRE(d.price.has_value());
    CHECK(*d.price == decimal::from_units(12312, 2));
    CHECK(d.price->to_string() == "123.12");
    REQUIRE(d.buyerFee.has_value());
    CHECK(*d.buyerFee == decimal::from_units(62, 2));
    CHECK(d.statusName == std::optional<std::string>{"已撤销"});
    REQUIRE(d.status.has_value());
    CHECK(d.status->is_known());
    CHECK(*d.status == cs2dt::OrderStatus::reversed);
    CHECK(d.status->raw() == 220);
    REQUIRE(d.deliverType.has_value());
    CHECK(*d.deliverType == cs2dt::DeliverType::auto_);
    CHECK(d.receiveSteamId == std::optional<std::string>{"76561198000000001"});
    REQUIRE(d.openItemInfo.has_value());
    CHECK(d.openItemInfo->itemId == std::optional<std::string>{"553370749"});
    CHECK(d.openItemInfo->appId == std::optional<std::int64_t>{730});
    CHECK(d.openItemInfo->name == std::optional<std::string>{"★ 爪子刀（★） | 多普勒 (崭新出厂)"});
    CHECK(d.openItemInfo->marketHashName == std::optional<std::string>{"★ Karambit | Doppler (Factory New)"});
    REQUIRE(d.assetInfo.has_value());
    CHECK(d.assetInfo->assetId == std::optional<std::int64_t>{1046108517917470720LL});
    CHECK(d.assetInfo->classId == std::optional<std::int64_t>{310776668});
    CHECK(d.assetInfo->instanceId == std::optional<std::int64_t>{302028390});
    CHECK(d.assetInfo->wear == std::optional<double>{0.0123456789});
    CHECK(d.assetInfo->styleId == std::optional<std::int64_t>{12});
    REQUIRE(d.offerInfoDTO.has_value());
    CHECK(d.offerInfoDTO->transferId == std::optional<std::int64_t>{9007199254740993LL}); // 2^53 + 1
    CHECK(d.offerInfoDTO->tradeOfferId == std::optional<std::int64_t>{7012345678901234567LL});
    REQUIRE(d.createTime.has_value());
    CHECK(d.createTime->in_milliseconds());
    CHECK(d.createTime->raw() == 1719550000123LL);
    CHECK(d.createTime->seconds().time_since_epoch() == 1719550000s);
    REQUIRE(d.failedCode.has_value());
    CHECK(d.failedCode->is_known());
    CHECK(*d.failedCode == cs2dt::FailedCode::ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK);
    CHECK(d.failedCode->raw() == "ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK");
    CHECK_FALSE(*d.failedCode == cs2dt::FailedCode::ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK);

    const std::string out = to_json(d);
    CHECK_THAT(out, Contains("\"orderId\":\"1046108517917470720\""));
    CHECK_THAT(out, Contains("\"assetId\":1046108517917470720"));
    CHECK_THAT(out, Contains("\"tradeOfferId\":7012345678901234567"));
    CHECK_THAT(out, Contains("\"price\":123.12,"));
    CHECK_THAT(out, Contains("\"status\":220"));
    CHECK_THAT(out, Contains("\"createTime\":1719550000123"));
    CHECK_THAT(out, Contains("\"failedCode\":\"ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK\""));
    // The re-encoded ids survive an independent parser exactly, too.
    const bj::value v = bj::parse(out);
    CHECK(v.at("assetInfo").at("assetId").to_number<std::int64_t>() == 1046108517917470720LL);
    CHECK(v.at("offerInfoDTO").at("tradeOfferId").to_number<std::int64_t>() == 7012345678901234567LL);

    auto again = decode_ok<cs2dt::OrderDetailDTO>(out);
    CHECK(to_json(again) == out);
    CHECK(again.price == d.price);
    CHECK(again.assetInfo->assetId == d.assetInfo->assetId);
}

TEST_CASE("CS2DT order detail: unknown status 230 and unknown failedCode are kept and re-encoded", "[cs2dt][enum]")
{
    auto d = decode_ok<cs2dt::OrderDetailDTO>(
        R"({"orderId":"1","status":230,"deliverType":3,"failedCode":"ORDER_FAILED_OF_SOMETHING_NEW"})");
    REQUIRE(d.status.has_value());
    CHECK_FALSE(d.status->is_known());
    CHECK_FALSE(d.status->known().has_value());
    CHECK(d.status->raw() == 230);
    CHECK(d.status->to_string() == "230");
    CHECK_FALSE(*d.status == cs2dt::OrderStatus::reversed);
    CHECK_FALSE(*d.status == cs2dt::OrderStatus::seller_recalled_refunded);
    REQUIRE(d.deliverType.has_value());
    CHECK(d.deliverType->raw() == 3);
    CHECK_FALSE(d.deliverType->is_known());
    REQUIRE(d.failedCode.has_value());
    CHECK_FALSE(d.failedCode->is_known());
    CHECK(d.failedCode->raw() == "ORDER_FAILED_OF_SOMETHING_NEW");

    const std::string out = to_json(d);
    CHECK(out == R"({"orderId":"1","status":230,"deliverType":3,"failedCode":"ORDER_FAILED_OF_SOMETHING_NEW"})");
    auto again = decode_ok<cs2dt::OrderDetailDTO>(out);
    CHECK(again.status->raw() == 230);
    CHECK(*again.status == *d.status);

    // A status given as a numeric string is accepted too (numbers_from_strings).
    auto s = decode_ok<cs2dt::OrderDetailDTO>(R"({"status":"221"})");
    CHECK(*s.status == cs2dt::OrderStatus::seller_recalled_refunded);
    CHECK(s.status->to_string() == "seller_recalled_refunded");
}

TEST_CASE("CS2DT: integers beyond int64 are refused, not rounded", "[cs2dt][error]")
{
    auto e = decode_err<cs2dt::OrderDetailDTO>(R"({"assetInfo":{"assetId":18446744073709551615}})", error_kind::decode);
    CHECK(e.json_path == "assetInfo.assetId");
    CHECK_THAT(e.message(), Contains("assetInfo.assetId") && Contains("out of range"));

    auto e2 = decode_err<cs2dt::OrderDetailDTO>(R"({"offerInfoDTO":{"tradeOfferId":9223372036854775808}})", error_kind::decode);
    CHECK(e2.json_path == "offerInfoDTO.tradeOfferId");

    auto e3 = decode_err<cs2dt::OrderDetailDTO>(R"({"offerInfoDTO":{"tradeOfferId":-9223372036854775809}})", error_kind::decode);
    CHECK(e3.json_path == "offerInfoDTO.tradeOfferId");

    // The extremes that do fit are exact.
    auto ok = decode_ok<cs2dt::OrderDetailDTO>(
        R"({"offerInfoDTO":{"tradeOfferId":9223372036854775807,"transferId":-9223372036854775808}})");
    CHECK(ok.offerInfoDTO->tradeOfferId == std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::max()});
    CHECK(ok.offerInfoDTO->transferId == std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::min()});
}

TEST_CASE("CSBoard seed 002: documented Order decodes", "[seed][csboard]")
{
    const std::string doc = read_data("csboard/get_order.seed.json");
    auto o = decode_ok<csboard::Order>(doc);

    CHECK(o.order_id == "ord_01J9Z3K8Q2");
    CHECK(o.steam_id == std::optional<std::string>{"76561198000000000"});
    CHECK(o.status == csboard::OrderStatus::completed);
    CHECK(o.status.raw() == "completed");
    CHECK(o.custom_id == std::optional<std::string>{"batch-2026-06-29-01"});
    CHECK(o.currency == "USD");
    CHECK(o.charged_total_usd == dec("26.47"));
    CHECK(o.charged_total_usd == decimal::from_units(2647, 2));
    CHECK(o.item_count == 2);
    CHECK_FALSE(o.hold_until.has_value());
    CHECK(o.created_at.time_point() == utc(2026, 6, 29, 17, 12, 4));
    CHECK(o.created_at.to_string() == "2026-06-29T17:12:04Z");
    REQUIRE(o.updated_at.has_value());
    CHECK(o.updated_at->time_point() == utc(2026, 6, 29, 17, 15, 40));
    REQUIRE(o.items.size() == 1u);
    const auto& it = o.items[0];
    CHECK(it.market_hash_name == std::optional<std::string>{"AK-47 | Redline (Minimal Wear)"});
    REQUIRE(it.price_usd.has_value());
    CHECK(*it.price_usd == dec("14.37"));
    CHECK(it.price_usd->to_string() == "14.37");
    REQUIRE(it.status.has_value());
    CHECK(*it.status == csboard::OrderItemStatus::delivered);
    REQUIRE(it.tradable_at.has_value());
    CHECK(it.tradable_at->time_point() == utc(2026, 7, 6, 12, 0, 0));
    CHECK_FALSE(it.return_reason.has_value());
    CHECK(it.steam_trade_offer_id == std::optional<std::string>{"5512345678"});
    REQUIRE(it.steam_trade_offer_finished_at.has_value());
    CHECK(it.steam_trade_offer_finished_at->to_string() == "2026-06-29T17:15:40Z");

    // Re-encoded: the same document, minus the nulls (absent optionals are left out).
    const std::string out = to_json(o);
    CHECK(json_equiv(bj::parse(out), strip_nulls(bj::parse(doc))));
    CHECK_THAT(out, Contains("\"charged_total_usd\":26.47,"));
    CHECK_THAT(out, !Contains("null"));
}

TEST_CASE("CSBoard seed 003: documented MarketBuyResponse decodes", "[seed][csboard]")
{
    const std::string doc = read_data("csboard/market_buy.seed.json");
    auto r = decode_ok<csboard::MarketBuyResponse>(doc);
    const auto& p = r.data;
    CHECK(p.purchase_id == std::optional<std::string>{"pur_01J9Z3K8Q2"});
    CHECK(p.steam_id == std::optional<std::string>{"76561198000000000"});
    REQUIRE(p.created_at.has_value());
    CHECK(p.created_at->time_point() == utc(2026, 6, 29, 17, 12, 4));
    CHECK(p.custom_id == std::optional<std::string>{"batch-2026-06-29-01"});
    REQUIRE(p.skins.has_value());
    REQUIRE(p.skins->size() == 1u);
    const auto& s = (*p.skins)[0];
    CHECK(s.name == std::optional<std::string>{"AK-47 | Redline (Minimal Wear)"});
    REQUIRE(s.price.has_value());
    CHECK(*s.price == decimal::from_units(1437, 2));
    REQUIRE(s.status.has_value());
    CHECK(*s.status == csboard::OrderItemStatus::delivering);
    CHECK_FALSE(s.return_reason.has_value());
    CHECK(s.steam_trade_offer_id == std::optional<std::string>{"5512345678"});

    CHECK(json_equiv(bj::parse(to_json(r)), strip_nulls(bj::parse(doc))));
}

TEST_CASE("CSBoard seed 003: MarketBuyRequest encodes as the documented request body", "[seed][csboard][encode]")
{
    csboard::MarketBuyRequest req;
    req.item_ids = {"itm_8841201", "itm_8841340"};
    req.partner = "447383001";
    req.token = "Ab3xZ9Qp";
    req.max_price_usd = dec("30");
    req.custom_id = "batch-2026-06-29-01";
    req.skip_unavailable = false;

    const std::string out = to_json(req);
    const bj::value documented = bj::parse(read_data("csboard/market_buy.seed.json", "request"));
    CHECK(bj::parse(out) == documented); // exact: even the number kinds agree (30 is an integer)
    CHECK(out == R"({"item_ids":["itm_8841201","itm_8841340"],"partner":"447383001","token":"Ab3xZ9Qp",)"
                 R"("max_price_usd":30,"custom_id":"batch-2026-06-29-01","skip_unavailable":false})");

    // The docs' second request example writes 30.00: same request.
    auto from_docs = decode_ok<csboard::MarketBuyRequest>(read_data("csboard/market_buy.docs.json", "request"));
    CHECK(from_docs.max_price_usd == std::optional<decimal>{dec("30")});
    CHECK(to_json(from_docs) == out);

    SECTION("plain numbers, never exponents")
    {
        struct tc {
            const char* in;
            const char* wire;
        };
        for (auto [in, wire] : {tc{"30.1", "30.1"}, tc{"3.01E1", "30.1"}, tc{"30.10", "30.1"}, tc{"0.000001", "0.000001"},
                                tc{"1e10", "10000000000"}, tc{"1E-7", "0.0000001"}, tc{"1000000.5", "1000000.5"}}) {
            req.max_price_usd = dec(in);
            const std::string s = to_json(req);
            INFO(in << " -> " << s);
            CHECK_THAT(s, Contains(std::string("\"max_price_usd\":") + wire + ","));
            const bj::value v = bj::parse(s);
            CHECK(v.at("max_price_usd").to_number<double>() == std::stod(wire));
        }
    }
    SECTION("absent optionals are left out, not sent as null")
    {
        csboard::MarketBuyRequest minimal;
        minimal.item_ids = {"itm_1"};
        minimal.partner = "1";
        minimal.token = "t";
        CHECK(to_json(minimal) == R"({"item_ids":["itm_1"],"partner":"1","token":"t"})");
    }
}

TEST_CASE("Skinify seed 004: documented WithdrawInfoResponse decodes", "[seed][skinify]")
{
    const std::string doc = read_data("skinify/withdraw_info.seed.json");
    auto w = decode_ok<skinify::WithdrawInfoResponse>(doc);
    CHECK(w.status == "success");
    REQUIRE(w.items.size() == 2u);

    const auto& a = w.items[0];
    CHECK(a.skin.id == "11552");
    CHECK(a.skin.name == std::optional<std::string>{"Crimson Pique"});
    REQUIRE(a.skin.price.has_value());
    CHECK(*a.skin.price == dec("0.3"));
    CHECK(*a.skin.price == decimal::from_units(3, 1));
    REQUIRE(a.skin.properties.has_value());
    CHECK(a.skin.properties->classid == "1723113626");
    CHECK_FALSE(a.skin.properties->assetid.has_value());
    CHECK(a.purchase_id == "1");
    CHECK(a.purchase_status == skinify::PurchaseStatus::waiting_accept);
    CHECK(a.steam_id == std::optional<std::string>{"76561199191754048"});
    CHECK(a.date.raw() == 1643713700);
    CHECK(a.date.quoted());
    CHECK(a.date.seconds().time_since_epoch() == 1643713700s);
    CHECK(a.balance_debited_amount == dec("0.3"));
    CHECK(a.trade_offer_id == std::optional<std::string>{"123123123"});
    CHECK(a.custom_id == std::optional<std::string>{"1234"});
    CHECK_FALSE(a.settlement.has_value());
    CHECK_FALSE(a.reserved_until.has_value());

    const auto& b = w.items[1];
    CHECK(b.skin.id == "11054");
    CHECK(b.skin.name == std::optional<std::string>{"Taunt: Giddy Up!"});
    CHECK(b.skin.properties->classid == "959992716");
    CHECK(b.purchase_id == "2");
    CHECK(b.purchase_status == skinify::PurchaseStatus::processing);
    CHECK(b.date.seconds().time_since_epoch() == 1643714026s);
    CHECK_FALSE(b.trade_offer_id.has_value());

    // Timestamps keep their quoted wire form; money becomes a plain JSON number.
    const std::string out = to_json(w);
    CHECK_THAT(out, Contains("\"date\":\"1643713700\""));
    CHECK_THAT(out, Contains("\"balance_debited_amount\":0.3"));
    CHECK_THAT(out, Contains("\"price\":0.3,"));
}

TEST_CASE("Skinify: ids and prices as numbers or strings decode to the same values", "[skinify]")
{
    constexpr std::string_view as_numbers = R"({"status":"success","items":[{
        "skin":{"id":11552,"name":"Crimson Pique","price":0.3,"properties":{"classid":1723113626,
                "assetid":38718472914,"floatvalue":"0.0712","unhold_at":1719550000}},
        "purchase_id":1,"purchase_status":"accepted","steam_id":76561199191754048,
        "date":1643713700,"balance_debited_amount":0.3,"settlement":null,"trade_offer_id":123123123}]})";
    auto w = decode_ok<skinify::WithdrawInfoResponse>(as_numbers);
    REQUIRE(w.items.size() == 1u);
    const auto& a = w.items[0];
    CHECK(a.purchase_id == "1");
    CHECK(a.skin.id == "11552");
    CHECK(*a.skin.price == dec("0.3"));
    CHECK(a.balance_debited_amount == dec("0.3"));
    CHECK(a.skin.properties->classid == "1723113626");
    CHECK(a.skin.properties->assetid == std::optional<std::string>{"38718472914"});
    CHECK(a.skin.properties->floatvalue == std::optional<double>{0.0712});
    REQUIRE(a.skin.properties->unhold_at.has_value());
    CHECK(a.skin.properties->unhold_at->seconds().time_since_epoch() == 1719550000s);
    CHECK(a.steam_id == std::optional<std::string>{"76561199191754048"});
    CHECK(a.trade_offer_id == std::optional<std::string>{"123123123"});
    CHECK(a.date.raw() == 1643713700);
    CHECK_FALSE(a.date.quoted());
    CHECK_FALSE(a.settlement.has_value());
    CHECK(a.purchase_status == skinify::PurchaseStatus::accepted);

    // Same instant as the documented quoted form.
    auto doc = decode_ok<skinify::WithdrawInfoResponse>(read_data("skinify/withdraw_info.seed.json"));
    CHECK(a.date == doc.items[0].date);
    CHECK(*a.skin.price == *doc.items[0].skin.price);

    const std::string out = to_json(w);
    CHECK_THAT(out, Contains("\"date\":1643713700,")); // unquoted in, unquoted out
    CHECK_THAT(out, Contains("\"purchase_id\":\"1\""));
}

// ===========================================================================
// Round trips
// ===========================================================================

TEST_CASE("Round trip: decode -> encode -> decode is stable for every documented example", "[roundtrip]")
{
    SECTION("csboard Order")
    {
        auto a = decode_ok<csboard::Order>(read_data("csboard/get_order.seed.json"));
        const std::string e1 = to_json(a);
        auto b = decode_ok<csboard::Order>(e1);
        CHECK(to_json(b) == e1);
        CHECK(b.order_id == a.order_id);
        CHECK(b.charged_total_usd == a.charged_total_usd);
        CHECK(b.created_at == a.created_at);
        CHECK(b.status == a.status);
        REQUIRE(b.items.size() == a.items.size());
        CHECK(b.items[0].price_usd == a.items[0].price_usd);
        CHECK(b.items[0].tradable_at == a.items[0].tradable_at);
    }
    SECTION("csboard MarketBuyResponse")
    {
        auto a = decode_ok<csboard::MarketBuyResponse>(read_data("csboard/market_buy.seed.json"));
        const std::string e1 = to_json(a);
        auto b = decode_ok<csboard::MarketBuyResponse>(e1);
        CHECK(to_json(b) == e1);
        CHECK((*b.data.skins)[0].price == (*a.data.skins)[0].price);
    }
    SECTION("csboard MarketBuyRequest")
    {
        auto a = decode_ok<csboard::MarketBuyRequest>(read_data("csboard/market_buy.seed.json", "request"));
        const std::string e1 = to_json(a);
        auto b = decode_ok<csboard::MarketBuyRequest>(e1);
        CHECK(to_json(b) == e1);
        CHECK(b.item_ids == a.item_ids);
        CHECK(b.max_price_usd == a.max_price_usd);
    }
    SECTION("skinify WithdrawInfoResponse")
    {
        auto a = decode_ok<skinify::WithdrawInfoResponse>(read_data("skinify/withdraw_info.seed.json"));
        const std::string e1 = to_json(a);
        auto b = decode_ok<skinify::WithdrawInfoResponse>(e1);
        CHECK(to_json(b) == e1);
        REQUIRE(b.items.size() == 2u);
        CHECK(b.items[0].date.raw() == a.items[0].date.raw());
        CHECK(b.items[0].date.quoted() == a.items[0].date.quoted());
        CHECK(b.items[1].balance_debited_amount == a.items[1].balance_debited_amount);
        CHECK(b.items[1].purchase_status == a.items[1].purchase_status);
    }
    SECTION("cs2dt WebApiRes and its OrderDetailDTO payload")
    {
        auto a = decode_ok<cs2dt::WebApiRes>(read_data("cs2dt/buyer_order_detail.seed.json"));
        const std::string e1 = to_json(a);
        auto b = decode_ok<cs2dt::WebApiRes>(e1);
        CHECK(to_json(b) == e1);
        CHECK(b.data == a.data); // raw JSON kept byte for byte once compact
        auto da = decode_ok<cs2dt::OrderDetailDTO>(a.data->text);
        const std::string d1 = to_json(da);
        CHECK(to_json(decode_ok<cs2dt::OrderDetailDTO>(d1)) == d1);
    }
}

TEST_CASE("to_json output is valid JSON, including strings that need escaping", "[encode]")
{
    auto o = decode_ok<csboard::Order>(order_two_items);
    const std::string nasty = std::string("quote\" backslash\\ slash/ nl\n tab\t cr\r bs\b ff\f ctl\x01\x1f nul") +
                              std::string(1, '\0') + " ★ 中文 😀";
    o.custom_id = nasty;
    o.items[0].market_hash_name = "★ Karambit | Doppler (Factory New)";
    const std::string out = to_json(o);

    bj::value v;
    REQUIRE_NOTHROW(v = bj::parse(out));
    CHECK(v.at("custom_id").as_string() == bj::string_view(nasty.data(), nasty.size()));
    CHECK(v.at("items").at(0).at("market_hash_name").as_string() == "★ Karambit | Doppler (Factory New)");
    CHECK(v.at("charged_total_usd").to_number<double>() == 1021.37);
    CHECK(v.at("created_at").as_string() == "2026-07-01T08:00:00.250Z");

    auto back = decode_ok<csboard::Order>(out);
    CHECK(back.custom_id == std::optional<std::string>{nasty});
    CHECK(to_json(back) == out);

    // Escapes in the input (including in keys) decode to the same text.
    auto esc = decode_ok<csboard::Order>(replace_once(std::string(order_two_items), R"("order_id": "ord_01JA0000000000000000000001")",
                                                      R"("order\u005fid": "ord\u005f\u2605\ud83d\ude00")"));
    CHECK(esc.order_id == "ord_★😀");
}

// ===========================================================================
// Leniency: unknown keys, unknown enum values, numbers and strings swapped
// ===========================================================================

TEST_CASE("Unknown keys are ignored at every level", "[lenient]")
{
    SECTION("csboard Order")
    {
        constexpr std::string_view with_extras = R"json({
          "order_id": "ord_01J9Z3K8Q2", "zz_new_top": {"deep": [1, {"x": null}, [true, false]], "s": "★"},
          "status": "completed", "currency": "USD", "charged_total_usd": 26.47, "item_count": 2,
          "aa_first": [], "created_at": "2026-06-29T17:12:04Z", "fees": {"platform_usd": 1.25e-3},
          "items": [{"market_hash_name": "AK-47 | Redline (Minimal Wear)", "price_usd": 14.37,
                     "float": 0.1234, "stickers": [{"name": "x", "slot": 1}], "status": "delivered", "z": null}],
          "meta": null, "links": {"self": "/v1/orders/ord_01J9Z3K8Q2"}
        })json";
        constexpr std::string_view without = R"json({
          "order_id": "ord_01J9Z3K8Q2", "status": "completed", "currency": "USD", "charged_total_usd": 26.47,
          "item_count": 2, "created_at": "2026-06-29T17:12:04Z",
          "items": [{"market_hash_name": "AK-47 | Redline (Minimal Wear)", "price_usd": 14.37, "status": "delivered"}]
        })json";
        auto a = decode_ok<csboard::Order>(with_extras);
        auto b = decode_ok<csboard::Order>(without);
        CHECK(to_json(a) == to_json(b));
        CHECK(a.items.size() == 1u);
        CHECK(*a.items[0].price_usd == dec("14.37"));
        CHECK_THAT(to_json(a), !Contains("zz_new_top") && !Contains("stickers") && !Contains("meta"));
    }
    SECTION("skinify WithdrawInfoResponse")
    {
        constexpr std::string_view with_extras = R"({"status":"success","total":1,"page":{"n":1},"items":[{
            "skin":{"id":"1","name":"n","price":"1.5","rarity":"covert","properties":{"classid":"9","icon":{"url":"u"},
                    "tags":[{"a":1}]},"extra":[null]},
            "purchase_id":"7","purchase_status":"accepted","date":"1643713700","balance_debited_amount":"1.5",
            "provider":{"name":"x","fee":0.01}, "history":[{"status":"processing","at":1643713600}]}],
            "debug":{"took_ms":12}})";
        auto w = decode_ok<skinify::WithdrawInfoResponse>(with_extras);
        REQUIRE(w.items.size() == 1u);
        CHECK(w.items[0].skin.properties->classid == "9");
        CHECK(w.items[0].balance_debited_amount == dec("1.5"));
        CHECK_THAT(to_json(w), !Contains("history") && !Contains("rarity") && !Contains("debug") && !Contains("icon"));
    }
    SECTION("cs2dt OrderDetailDTO")
    {
        auto d = decode_ok<cs2dt::OrderDetailDTO>(R"({"newTop":{"a":[1,2,3]},"assetInfo":{"gems":[{"id":1,"unknownGem":"x"}],
            "stickers":[{"price":"0.03","rarity":{"r":1}}],"newField":123},"offerInfoDTO":{"transferId":5,"steamState":"ok"},
            "price":1.5,"buyerFeeRate":0.025})");
        CHECK((*d.assetInfo->gems)[0].id == std::optional<std::int64_t>{1});
        CHECK(*(*d.assetInfo->stickers)[0].price == dec("0.03"));
        CHECK(d.offerInfoDTO->transferId == std::optional<std::int64_t>{5});
        CHECK(*d.price == dec("1.5"));
        CHECK_FALSE(d.buyerFee.has_value());
    }
}

TEST_CASE("Unknown string enum values are kept, known() is empty, and they encode back unchanged", "[lenient][enum]")
{
    SECTION("CSBoard OrderStatus refunded_partially")
    {
        auto o = decode_ok<csboard::Order>(replace_once(std::string(order_two_items), R"("status": "delivering")",
                                                        R"("status": "refunded_partially")"));
        CHECK_FALSE(o.status.known().has_value());
        CHECK_FALSE(o.status.is_known());
        CHECK(o.status.raw() == "refunded_partially");
        CHECK(o.status.to_string() == "refunded_partially");
        for (auto known : {csboard::OrderStatus::completed, csboard::OrderStatus::hold, csboard::OrderStatus::delivering,
                           csboard::OrderStatus::pending, csboard::OrderStatus::cancelled, csboard::OrderStatus::failed})
            CHECK_FALSE(o.status == known);
        const std::string out = to_json(o);
        CHECK_THAT(out, Contains("\"status\":\"refunded_partially\""));
        CHECK(decode_ok<csboard::Order>(out).status.raw() == "refunded_partially");

        // An unknown item status too.
        auto o2 = decode_ok<csboard::Order>(replace_once(std::string(order_two_items), R"("status": "hold",)",
                                                         R"("status": "lost_in_transit",)"));
        CHECK(o2.status == csboard::OrderStatus::delivering); // the known order status next to it
        REQUIRE(o2.items[1].status.has_value());
        CHECK_FALSE(o2.items[1].status->is_known());
        CHECK(o2.items[1].status->raw() == "lost_in_transit");
        CHECK_THAT(to_json(o2), Contains("\"status\":\"lost_in_transit\""));
    }
    SECTION("Skinify PurchaseStatus some_new_status")
    {
        std::string doc = replace_once(read_data("skinify/withdraw_info.seed.json"), "\"waiting_accept\"", "\"some_new_status\"");
        auto w = decode_ok<skinify::WithdrawInfoResponse>(doc);
        CHECK_FALSE(w.items[0].purchase_status.known().has_value());
        CHECK(w.items[0].purchase_status.raw() == "some_new_status");
        CHECK(w.items[1].purchase_status == skinify::PurchaseStatus::processing);
        const std::string out = to_json(w);
        CHECK_THAT(out, Contains("\"purchase_status\":\"some_new_status\""));
        auto back = decode_ok<skinify::WithdrawInfoResponse>(out);
        CHECK(back.items[0].purchase_status.raw() == "some_new_status");
        CHECK(back.items[0].purchase_status == w.items[0].purchase_status);
    }
    SECTION("enum wire values are case-sensitive")
    {
        auto o = decode_ok<csboard::Order>(replace_once(std::string(order_two_items), R"("status": "delivering")",
                                                        R"("status": "Delivering")"));
        CHECK_FALSE(o.status.is_known());
        CHECK(o.status.raw() == "Delivering");
    }
    SECTION("known values constructed in code encode to their wire names")
    {
        cs2market::open_enum<skinify::PurchaseStatus> s = skinify::PurchaseStatus::error_item_unavailable;
        CHECK(s.raw() == "error_item_unavailable");
        CHECK(to_json(s) == "\"error_item_unavailable\"");
        cs2market::open_enum<cs2dt::DeliverType> t = cs2dt::DeliverType::auto_;
        CHECK(t.raw() == 2);
        CHECK(to_json(t) == "2");
    }
}

TEST_CASE("Numbers given as strings, and strings given as numbers", "[lenient]")
{
    SECTION("numeric strings where numbers are expected")
    {
        std::string doc = read_data("csboard/get_order.seed.json");
        doc = replace_once(doc, "\"charged_total_usd\":26.47", "\"charged_total_usd\":\"26.47\"");
        doc = replace_once(doc, "\"item_count\":2", "\"item_count\":\"2\"");
        doc = replace_once(doc, "\"price_usd\":14.37", "\"price_usd\":\"14.37\"");
        auto o = decode_ok<csboard::Order>(doc);
        CHECK(o.charged_total_usd == dec("26.47"));
        CHECK(o.item_count == 2);
        CHECK(*o.items[0].price_usd == dec("14.37"));
        // Encoded back as numbers.
        CHECK_THAT(to_json(o), Contains("\"charged_total_usd\":26.47,") && Contains("\"item_count\":2,") &&
                                   Contains("\"price_usd\":14.37,"));
    }
    SECTION("integers written as exact non-integer syntax")
    {
        CHECK(decode_ok<csboard::Order>(replace_once(std::string(order_two_items), "\"item_count\": 2", "\"item_count\": 2.0"))
                  .item_count == 2);
        CHECK(decode_ok<csboard::Order>(replace_once(std::string(order_two_items), "\"item_count\": 2", "\"item_count\": \"1e3\""))
                  .item_count == 1000);
        auto e = decode_err<csboard::Order>(replace_once(std::string(order_two_items), "\"item_count\": 2", "\"item_count\": 2.5"),
                                            error_kind::decode);
        CHECK(e.json_path == "item_count");
        auto e2 = decode_err<csboard::Order>(replace_once(std::string(order_two_items), "\"item_count\": 2", "\"item_count\": \"two\""),
                                             error_kind::decode);
        CHECK(e2.json_path == "item_count");
        CHECK_THAT(e2.message(), Contains("item_count: ") && Contains("\"two\""));
        auto e3 = decode_err<csboard::Order>(
            replace_once(std::string(order_two_items), "\"charged_total_usd\": 1021.37", "\"charged_total_usd\": \"12,50\""),
            error_kind::decode);
        CHECK(e3.json_path == "charged_total_usd");
    }
    SECTION("steam_id as a JSON number keeps all its digits")
    {
        std::string doc = replace_once(read_data("csboard/get_order.seed.json"), "\"steam_id\":\"76561198000000000\"",
                                       "\"steam_id\": 76561198000000000");
        auto o = decode_ok<csboard::Order>(doc);
        CHECK(o.steam_id == std::optional<std::string>{"76561198000000000"});
        CHECK_THAT(to_json(o), Contains("\"steam_id\":\"76561198000000000\""));
        // Above int64 and above 2^64 too: the text is kept, never converted.
        auto o2 = decode_ok<csboard::Order>(replace_once(doc, "76561198000000000", "123456789012345678901234567890"));
        CHECK(o2.steam_id == std::optional<std::string>{"123456789012345678901234567890"});
    }
    SECTION("strict options refuse what the provider defaults accept")
    {
        std::string doc = replace_once(read_data("csboard/get_order.seed.json"), "\"charged_total_usd\":26.47", "\"charged_total_usd\":\"26.47\"");
        auto r = from_json<csboard::Order>(doc, cs2market::codec_options{});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::decode);
        CHECK(r.error().message() == "charged_total_usd: expected number, got string");

        std::string doc2 = replace_once(read_data("csboard/get_order.seed.json"), "\"steam_id\":\"76561198000000000\"",
                                        "\"steam_id\": 76561198000000000");
        auto r2 = from_json<csboard::Order>(doc2, cs2market::codec_options{});
        REQUIRE_FALSE(r2);
        CHECK(r2.error().message() == "steam_id: expected string, got number");
    }
}

// ===========================================================================
// Errors: missing keys, wrong types, nulls
// ===========================================================================

TEST_CASE("Missing required keys give a decode error naming the path", "[error]")
{
    SECTION("top level")
    {
        std::string doc = replace_once(std::string(order_two_items), R"("order_id": "ord_01JA0000000000000000000001",)", "");
        auto e = decode_err<csboard::Order>(doc, error_kind::decode);
        CHECK(e.json_path == "order_id");
        CHECK_THAT(e.message(), Contains("order_id") && Contains("missing required key"));
        CHECK(e.message() == "order_id: missing required key");
    }
    SECTION("inside an array element")
    {
        std::string doc = replace_once(read_data("skinify/withdraw_info.seed.json"), "\"purchase_id\":\"2\",", "");
        auto e = decode_err<skinify::WithdrawInfoResponse>(doc, error_kind::decode);
        CHECK(e.json_path == "items[1].purchase_id");
        CHECK_THAT(e.message(), Contains("items[1].purchase_id"));
    }
    SECTION("nested three levels deep")
    {
        std::string doc = replace_once(read_data("skinify/withdraw_info.seed.json"), "\"classid\":\"1723113626\"", "\"x\":1");
        auto e = decode_err<skinify::WithdrawInfoResponse>(doc, error_kind::decode);
        CHECK(e.json_path == "items[0].skin.properties.classid");
        CHECK_THAT(e.message(), StartsWith("items[0].skin.properties.classid: "));
    }
    SECTION("required object")
    {
        auto e = decode_err<csboard::MarketBuyResponse>(R"({"purchase_id":"pur_1"})", error_kind::decode);
        CHECK(e.json_path == "data");
        auto e2 = decode_err<csboard::MarketBuyRequest>(R"({"item_ids":[],"partner":"1"})", error_kind::decode);
        CHECK(e2.json_path == "token");
    }
    SECTION("value() throws cs2market::exception carrying the error")
    {
        auto r = from_json<csboard::Order>("{}");
        REQUIRE_FALSE(r);
        CHECK_THROWS_AS(r.value(), cs2market::exception);
        try {
            (void)r.value();
        } catch (const cs2market::exception& ex) {
            CHECK(ex.error().kind == error_kind::decode);
            CHECK_THAT(std::string(ex.what()), Contains("missing required key"));
        }
    }
}

TEST_CASE("Wrong types give a decode error with path and expected/actual kinds", "[error]")
{
    struct tc {
        const char* from;
        const char* to;
        const char* message;
    };
    const tc cases[] = {
        {R"("price_usd": 14.37)", R"("price_usd": true)", "items[1].price_usd: expected number, got boolean"},
        {R"("price_usd": 14.37)", R"("price_usd": [14.37])", "items[1].price_usd: expected number, got array"},
        {R"("price_usd": 14.37)", R"("price_usd": {"usd": 14.37})", "items[1].price_usd: expected number, got object"},
        {R"("status": "delivering")", R"("status": false)", "status: expected string, got boolean"},
        {R"("item_count": 2)", R"("item_count": [2])", "item_count: expected integer, got array"},
        {R"("items": [)", R"("items": {"0": 1}, "x": [)", "items: expected array, got object"},
        {R"("order_id": "ord_01JA0000000000000000000001")", R"("order_id": {"id": 1})", "order_id: expected string, got object"},
        {R"("created_at": "2026-07-01T08:00:00.250Z")", R"("created_at": 1719550000)",
         "created_at: expected date-time string, got number"},
        {R"("created_at": "2026-07-01T08:00:00.250Z")", R"("created_at": "yesterday")",
         "created_at: \"yesterday\" is not an ISO 8601 date-time"},
        {R"("created_at": "2026-07-01T08:00:00.250Z")", R"("created_at": "2026-02-30T08:00:00Z")",
         "created_at: \"2026-02-30T08:00:00Z\" is not an ISO 8601 date-time"},
        {R"("tradable_at": "2026-07-08T08:00:00Z")", R"("tradable_at": 5)", "items[1].tradable_at: expected date-time string, got number"},
    };
    for (const auto& c : cases) {
        auto doc = replace_once(std::string(order_two_items), c.from, c.to);
        INFO(doc);
        auto e = decode_err<csboard::Order>(doc, error_kind::decode);
        CHECK(e.message() == c.message);
        CHECK_THAT(e.message(), Contains(e.json_path));
    }
    auto top = decode_err<csboard::Order>("[]", error_kind::decode);
    CHECK(top.message() == "expected object, got array");

    auto sk = decode_err<skinify::WithdrawInfoResponse>(
        replace_once(read_data("skinify/withdraw_info.seed.json"), "\"date\":\"1643714026\"", "\"date\":true"), error_kind::decode);
    CHECK(sk.message() == "items[1].date: expected Unix timestamp, got boolean");
    auto sk2 = decode_err<skinify::WithdrawInfoResponse>(
        replace_once(read_data("skinify/withdraw_info.seed.json"), "\"date\":\"1643714026\"", "\"date\":\"2022-02-01\""), error_kind::decode);
    CHECK(sk2.json_path == "items[1].date");
    auto cd = decode_err<cs2dt::OrderDetailDTO>(R"({"assetInfo":{"styles":[{"locked":"yes"}]}})", error_kind::decode);
    CHECK(cd.message() == "assetInfo.styles[0].locked: expected boolean, got string");
}

TEST_CASE("null: an error where not nullable, nullopt where nullable", "[error][null]")
{
    SECTION("not nullable")
    {
        struct tc {
            const char* from;
            const char* to;
            const char* path;
        };
        const tc cases[] = {
            {R"("currency": "USD")", R"("currency": null)", "currency"},
            {R"("order_id": "ord_01JA0000000000000000000001")", R"("order_id": null)", "order_id"},
            {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": null)", "charged_total_usd"},
            {R"("item_count": 2)", R"("item_count": null)", "item_count"},
            {R"("status": "delivering")", R"("status": null)", "status"},
            {R"("created_at": "2026-07-01T08:00:00.250Z")", R"("created_at": null)", "created_at"},
        };
        for (const auto& c : cases) {
            auto e = decode_err<csboard::Order>(replace_once(std::string(order_two_items), c.from, c.to), error_kind::decode);
            CHECK(e.json_path == c.path);
            CHECK_THAT(e.message(), EndsWith("got null"));
        }
        auto items = decode_err<csboard::Order>(
            R"({"order_id":"o","status":"pending","currency":"USD","charged_total_usd":0,"item_count":0,)"
            R"("created_at":"2026-07-01T08:00:00Z","items":null})",
            error_kind::decode);
        CHECK(items.message() == "items: expected array, got null");
        auto sk = decode_err<skinify::WithdrawInfoResponse>(
            replace_once(read_data("skinify/withdraw_info.seed.json"), "\"balance_debited_amount\":\"0.3\",\"trade_offer_id\"",
                         "\"balance_debited_amount\":null,\"trade_offer_id\""),
            error_kind::decode);
        CHECK(sk.json_path == "items[0].balance_debited_amount");
        auto sk2 = decode_err<skinify::WithdrawInfoResponse>(R"({"status":"success","items":[null]})", error_kind::decode);
        CHECK(sk2.message() == "items[0]: expected object, got null");
    }
    SECTION("nullable")
    {
        auto o = decode_ok<csboard::Order>(order_two_items);
        CHECK_FALSE(o.custom_id.has_value());
        CHECK_FALSE(o.hold_until.has_value());
        CHECK_FALSE(o.updated_at.has_value());
        CHECK_FALSE(o.items[0].tradable_at.has_value());
        CHECK_FALSE(o.items[0].return_reason.has_value());
        CHECK_FALSE(o.items[0].steam_trade_offer_id.has_value());
        CHECK_FALSE(o.items[0].steam_trade_offer_finished_at.has_value());
        CHECK(o.items[1].tradable_at.has_value());

        auto d = decode_ok<cs2dt::OrderDetailDTO>(
            R"({"orderId":null,"price":null,"status":null,"assetInfo":null,"createTime":null,"failedCode":null})");
        CHECK_FALSE(d.orderId.has_value());
        CHECK_FALSE(d.price.has_value());
        CHECK_FALSE(d.status.has_value());
        CHECK_FALSE(d.assetInfo.has_value());
        CHECK_FALSE(d.createTime.has_value());
        CHECK_FALSE(d.failedCode.has_value());
        CHECK(to_json(d) == "{}");

        auto w = decode_ok<skinify::WithdrawInfoResponse>(R"({"status":"success","items":[{"skin":{"id":"1","price":null,
            "properties":null},"purchase_id":"1","purchase_status":"reserved","date":1,"balance_debited_amount":0,
            "settlement":null,"reserved_until":1719550000,"trade_offer_id":null}]})");
        CHECK_FALSE(w.items[0].skin.price.has_value());
        CHECK_FALSE(w.items[0].skin.properties.has_value());
        CHECK_FALSE(w.items[0].settlement.has_value());
        REQUIRE(w.items[0].reserved_until.has_value());
        CHECK(w.items[0].reserved_until->raw() == 1719550000);
    }
}

// ===========================================================================
// Malformed and hostile input
// ===========================================================================

TEST_CASE("Truncated documents give an invalid_json error at every cut, never a crash", "[malformed]")
{
    const std::vector<std::string> docs = {read_data("cs2dt/buyer_order_detail.seed.json"), read_data("csboard/get_order.seed.json"),
                                           read_data("csboard/market_buy.seed.json"), read_data("skinify/withdraw_info.seed.json")};
    std::size_t cuts = 0;
    for (std::size_t k = 0; k < docs.size(); ++k) {
        const std::string& doc = docs[k];
        REQUIRE(doc.back() == '}');
        // Every 5th byte offset (of the compact documents), plus the last few (a missing final brace).
        std::vector<std::size_t> offsets;
        for (std::size_t n = 0; n < doc.size(); n += 5)
            offsets.push_back(n);
        for (std::size_t n = doc.size() - 3; n < doc.size(); ++n)
            offsets.push_back(n);
        for (std::size_t n : offsets) {
            // A fresh heap copy of exactly n bytes, so reading past the end is caught by sanitizers.
            const std::string cut = doc.substr(0, n);
            INFO("document " << k << " cut at " << n << ": " << cut);
            cs2market::error e;
            switch (k) {
            case 0: {
                auto r = from_json<cs2dt::WebApiRes>(cut);
                REQUIRE_FALSE(r);
                e = r.error();
                break;
            }
            case 1: {
                auto r = from_json<csboard::Order>(cut);
                REQUIRE_FALSE(r);
                e = r.error();
                break;
            }
            case 2: {
                auto r = from_json<csboard::MarketBuyResponse>(cut);
                REQUIRE_FALSE(r);
                e = r.error();
                break;
            }
            default: {
                auto r = from_json<skinify::WithdrawInfoResponse>(cut);
                REQUIRE_FALSE(r);
                e = r.error();
            }
            }
            CHECK(e.kind == error_kind::invalid_json);
            CHECK_THAT(e.message(), Contains("at byte"));
            ++cuts;
        }
    }
    CHECK(cuts > 400u);
}

TEST_CASE("Malformed JSON gives invalid_json", "[malformed]")
{
    const std::string order = read_data("csboard/get_order.seed.json");
    const std::vector<std::string> bad = {
        "",
        "   \n\t",
        order + " x",
        order + order,
        order + ",",
        order + "}",
        order + " // trailing comment",
        "{'order_id': 'x'}",
        R"({"order_id": "x",})",
        R"({"order_id" "x"})",
        R"({"order_id": "unterminated)",
        "{\"order_id\": \"raw\nnewline\"}",
        R"({"item_count": NaN})",
        R"({"item_count": Infinity})",
        R"({"item_count": 01})",
        R"({"item_count": +1})",
        R"({"item_count": .5})",
        R"({"item_count": 1.})",
        R"({"item_count": 1e})",
        R"({"a": tru})",
        R"({"a": nul})",
        R"({"a": "\x"})",
        R"({"a": "\u12"})",
        "\xef\xbb\xbf{}", // byte order mark
        std::string("{\"a\":\"x\0y\"}", 11), // raw NUL inside a string
        "}",
        "]",
    };
    for (const auto& s : bad) {
        INFO("input: " << s);
        auto r = from_json<csboard::Order>(s);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::invalid_json);
        CHECK_THAT(r.error().message(), Contains("at byte"));
    }
}

TEST_CASE("Deep nesting is refused with invalid_json, without exhausting the stack", "[malformed][depth]")
{
    const std::string brackets(100000, '[');
    const std::string closed = brackets + std::string(100000, ']');
    const std::string objects = [] {
        std::string s;
        for (int i = 0; i < 100000; ++i)
            s += "{\"a\":";
        return s;
    }();
    const std::string objects_closed = objects + "1" + std::string(100000, '}');

    for (const std::string* s : {&brackets, &closed, &objects, &objects_closed}) {
        auto r = from_json<csboard::Order>(*s);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::invalid_json);
        CHECK_THAT(r.error().message(), Contains("nesting deeper than 64"));
        auto r2 = from_json<cs2dt::WebApiRes>(*s);
        REQUIRE_FALSE(r2);
        CHECK(r2.error().kind == error_kind::invalid_json);
    }
    // Also inside a value that is otherwise skipped (an unknown key) or kept raw.
    auto unknown = from_json<csboard::Order>("{\"zz\":" + closed + "}");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == error_kind::invalid_json);
    auto raw = from_json<cs2dt::WebApiRes>("{\"data\":" + objects_closed + "}");
    REQUIRE_FALSE(raw);
    CHECK(raw.error().kind == error_kind::invalid_json);

    // Within the limit, nested raw JSON is kept.
    std::string ok = "{\"data\":" + std::string(60, '[') + "1" + std::string(60, ']') + "}";
    auto fine = decode_ok<cs2dt::WebApiRes>(ok);
    CHECK(fine.data->text == std::string(60, '[') + "1" + std::string(60, ']'));
    // And the limit is the caller's to choose.
    cs2market::codec_options tight = cs2market::default_codec_options<cs2dt::WebApiRes>();
    tight.max_depth = 10;
    auto r = from_json<cs2dt::WebApiRes>(ok, tight);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::invalid_json);
}

TEST_CASE("Huge numbers give an error, never a crash or a rounded value", "[malformed][numbers]")
{
    struct tc {
        const char* from;
        const char* to;
        const char* path;
    };
    const std::string big_digits(5000, '9');
    const std::string big = "\"item_count\": " + big_digits;
    const tc cases[] = {
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": 1e400)", "charged_total_usd"},
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": -1e400)", "charged_total_usd"},
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": "1e400")", "charged_total_usd"},
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": 1e-400)", "charged_total_usd"},
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": 99999999999999999999999)", "charged_total_usd"},
        {R"("charged_total_usd": 1021.37)", R"("charged_total_usd": 0.0000000000000000001)", "charged_total_usd"},
        {R"("item_count": 2)", R"("item_count": 99999999999999999999999)", "item_count"},
        {R"("item_count": 2)", R"("item_count": "99999999999999999999999")", "item_count"},
        {R"("item_count": 2)", R"("item_count": 1e400)", "item_count"},
        {R"("item_count": 2)", R"("item_count": 9223372036854775808)", "item_count"},
        {R"("item_count": 2)", R"("item_count": -9223372036854775809)", "item_count"},
        {R"("item_count": 2)", R"("item_count": 1e19)", "item_count"},
        {R"("item_count": 2)", big.c_str(), "item_count"},
        {R"("price_usd": 14.37)", R"("price_usd": 1e999999999999)", "items[1].price_usd"},
    };
    for (const auto& c : cases) {
        auto doc = replace_once(std::string(order_two_items), c.from, c.to);
        INFO(c.to);
        auto r = from_json<csboard::Order>(doc);
        REQUIRE_FALSE(r);
        // Either refused by the parser or by the decoder, with the path when the decoder refused it.
        if (r.error().kind == error_kind::decode)
            CHECK(r.error().json_path == c.path);
        else
            CHECK(r.error().kind == error_kind::invalid_json);
    }
    // A double member: out of range is an error too, not infinity.
    auto f = from_json<skinify::SkinProperties>(R"({"classid":"1","floatvalue":1e400})");
    REQUIRE_FALSE(f);
    CHECK(f.error().json_path == "floatvalue");
    // Unix timestamps that cannot be a time.
    auto t = from_json<skinify::SkinProperties>(R"({"classid":"1","unhold_at":9000000000000001})");
    REQUIRE_FALSE(t);
    CHECK(t.error().json_path == "unhold_at");
    CHECK_THAT(t.error().message(), Contains("out of range"));
}

TEST_CASE("Invalid UTF-8 gives an error, valid Unicode is kept", "[malformed][utf8]")
{
    const std::vector<std::string> bad = {
        "{\"order_id\":\"\xff\"}",                       // invalid byte
        "{\"order_id\":\"\xc3\"}",                       // truncated sequence
        "{\"order_id\":\"\xc0\xaf\"}",                   // overlong '/'
        "{\"order_id\":\"\xed\xa0\x80\"}",               // encoded surrogate
        "{\"order_id\":\"\xf4\x90\x80\x80\"}",           // above U+10FFFF
        "{\"ord\xe2\x82_id\":\"x\"}",                    // in a key
        "{\"zz_unknown\":[\"\x80\"],\"order_id\":\"x\"}", // in a skipped value
        R"({"order_id":"\ud800"})",                      // lone surrogate escape
        R"({"order_id":"\udc00\ud800"})",                // reversed pair
    };
    for (const auto& s : bad) {
        INFO("input: " << s);
        auto r = from_json<csboard::Order>(s);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::invalid_json);
    }
    auto ok = decode_ok<csboard::MarketBuySkin>(R"({"name":"\u2605 Karambit | Doppler (Factory New) 蝴蝶刀 \ud83d\ude00"})");
    CHECK(ok.name == std::optional<std::string>{"★ Karambit | Doppler (Factory New) 蝴蝶刀 😀"});
}

// ===========================================================================
// raw_json and other shapes
// ===========================================================================

TEST_CASE("raw_json keeps numbers and text exactly, compacted", "[raw]")
{
    auto r = decode_ok<cs2dt::WebApiRes>(R"({ "success" : false, "errorCode": 20001, "errorMsg": "余额不足",
        "errorData": { "need" : 123.120, "id" : 1046108517917470720, "big": 1e400000,
                       "list": [ true, null, "a\"b\\c\u0001 ★" ], "k\"ey": {} },
        "errorCodeStr": "BALANCE_NOT_ENOUGH" })");
    CHECK(r.errorCode == std::optional<std::int64_t>{20001});
    CHECK(r.errorMsg == std::optional<std::string>{"余额不足"});
    CHECK(r.errorCodeStr == std::optional<std::string>{"BALANCE_NOT_ENOUGH"});
    REQUIRE(r.errorData.has_value());
    CHECK(r.errorData->text ==
          R"({"need":123.120,"id":1046108517917470720,"big":1e400000,"list":[true,null,"a\"b\\c\u0001 ★"],"k\"ey":{}})");
    CHECK_FALSE(r.data.has_value());
    const std::string out = to_json(r);
    CHECK_THAT(out, Contains(r.errorData->text));
    CHECK(to_json(decode_ok<cs2dt::WebApiRes>(out)) == out);
    // raw_json with empty text encodes as null; a present optional raw_json is never dropped.
    cs2dt::WebApiRes empty;
    empty.data = cs2market::raw_json{};
    CHECK(to_json(empty) == R"({"data":null})");
}

TEST_CASE("CSBoard ApiError bodies decode", "[csboard]")
{
    auto e = decode_ok<csboard::ApiError>(R"({"code":"price_moved","detail":"Live total exceeds max_price_usd",
        "current_total_usd":31.05,"quoted_max_usd":"30","items":[{"item_id":"itm_8841201","price_usd":14.95}],
        "hold_until":"2026-07-06T12:00:00Z","unavailable_ids":["itm_1",2]})");
    CHECK(e.code == "price_moved");
    CHECK(e.current_total_usd == std::optional<decimal>{dec("31.05")});
    CHECK(e.quoted_max_usd == std::optional<decimal>{dec("30")});
    REQUIRE(e.items.has_value());
    REQUIRE(e.items->size() == 1u);
    CHECK((*e.items)[0].text == R"({"item_id":"itm_8841201","price_usd":14.95})");
    REQUIRE(e.unavailable_ids.has_value());
    CHECK(*e.unavailable_ids == std::vector<std::string>{"itm_1", "2"});
    CHECK(e.hold_until->time_point() == utc(2026, 7, 6, 12, 0, 0));
    auto missing = decode_err<csboard::ApiError>(R"({"detail":"x"})", error_kind::decode);
    CHECK(missing.json_path == "code");
}

// --- Hardening (issue 14): a hostile server -----------------------------------------

namespace {

cs2market::http_response http(unsigned status, std::string body)
{
    cs2market::http_response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = "application/json";
    return r;
}

constexpr std::string_view deposit_json = R"({"status":"success","transaction_id":"1","deposit_id":"d"})";

} // namespace

TEST_CASE("envelope: a duplicate key is judged by its last occurrence, the one the decoder keeps", "[codec][envelope]")
{
    using op = skinify::ops::deposit_status;
    SECTION("success, then error: an error")
    {
        auto r = cs2market::decode_response<op>(
            http(200, R"({"status":"success","deposit":)" + std::string(deposit_json) + R"(,"status":"error","error_message":"x"})"),
            "token-0000");
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::provider);
        CHECK(r.error().provider_code == "x");
    }
    SECTION("error, then success: a success, decoded as such")
    {
        auto r = cs2market::decode_response<op>(
            http(200, R"({"status":"error","error_message":"x","status":"success","deposit":)" + std::string(deposit_json) + "}"),
            "token-0000");
        REQUIRE(r);
        CHECK(r->value.status == "success");
        CHECK(r->value.deposit.deposit_id == "d");
    }
    SECTION("the payload key given twice: the last one is the payload")
    {
        using bal = cs2dt::ops::user_balance;
        auto r = cs2market::decode_response<bal>(
            http(200, R"({"success":true,"data":{"data":"1.5"},"errorCode":0,"data":{"data":"2.5"}})"), "app-key-0000");
        REQUIRE(r);
        CHECK(r->value.data->to_string() == "2.5");
    }
}

TEST_CASE("envelope: \"false\" and \"0\" sent as strings count as the boolean and the integer (CS2DT success / errorCode)",
          "[codec][envelope]")
{
    using op = cs2dt::ops::user_balance;
    const auto decode = [](std::string body) { return cs2market::decode_response<op>(http(200, std::move(body)), "app-key-0000"); };
    SECTION("\"success\":\"false\" is a failure")
    {
        auto r = decode(R"({"success":"false","data":null,"errorCode":"5002","errorMsg":"no"})");
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::provider);
        CHECK(r.error().provider_code == "5002");
        auto r2 = decode(R"({"success":"false","data":{"data":"1.5"},"errorCode":0})");
        REQUIRE_FALSE(r2);
        CHECK(r2.error().kind == error_kind::provider);
    }
    SECTION("\"errorCode\":\"0\" (and 0 written otherwise) is no error")
    {
        for (std::string code : {R"("0")", "0", "0.0", "-0"}) {
            INFO(code);
            auto r = decode(R"({"success":true,"data":{"data":"1.5"},"errorCode":)" + code + "}");
            REQUIRE(r);
            CHECK(r->value.data->to_string() == "1.5");
        }
        auto t = decode(R"({"success":"true","data":{"data":"1.5"},"errorCode":"0"})");
        REQUIRE(t);
    }
    SECTION("a non-zero code in either form is an error")
    {
        for (std::string code : {R"("140015")", "140015", R"("00")", R"("x")"}) {
            INFO(code);
            auto r = decode(R"({"success":true,"data":{"data":"1.5"},"errorCode":)" + code + "}");
            REQUIRE_FALSE(r);
            CHECK(r.error().kind == error_kind::provider);
        }
    }
}

TEST_CASE("codec: a nested struct given twice is replaced by the last one, not merged", "[codec]")
{
    auto p = decode_ok<csboard::OrdersPage>(R"({"data":[],"meta":{"next_cursor":"c1","per_page":10},"meta":{"per_page":50}})");
    CHECK_FALSE(p.meta.next_cursor);
    CHECK(p.meta.per_page == 50);
    CHECK(to_json(p) == R"({"data":[],"meta":{"per_page":50}})");
    // The same through a tape (the envelope path).
    auto r = cs2market::decode_response<csboard::ops::list_orders>(
        http(200, R"({"data":[],"meta":{"next_cursor":"c1"},"meta":{"per_page":50}})"), "csb_pub_0000");
    REQUIRE(r);
    CHECK_FALSE(r->value.meta.next_cursor);
    // A required member missing from the last copy is missing, whatever the first said.
    auto bad = from_json<skinify::DepositStatusResponse>(R"({"status":"success","deposit":)" + std::string(deposit_json) +
                                                         R"(,"deposit":{"status":"success","transaction_id":"1"}})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().json_path == "deposit.deposit_id");
}

TEST_CASE("codec: integers refuse leading zeros (\"022\"), as decimals do", "[codec]")
{
    // Numeric strings are accepted for integers (CS2DT sends ids as strings), with decimal's grammar.
    using cb = cs2dt::OrderStatusCallback;
    CHECK(decode_ok<cb>(R"({"orderId":"22"})").orderId == 22);
    CHECK(decode_ok<cb>(R"({"orderId":"0"})").orderId == 0);
    CHECK(decode_ok<cb>(R"({"orderId":"-0"})").orderId == 0); // decimal::parse("-0") is 0 too
    CHECK(decode_ok<cb>(R"({"orderId":"2.20e1"})").orderId == 22);
    CHECK(decimal::parse("-0").has_value());
    for (const char* s : {R"("022")", R"("00")", R"("-022")", R"("0022.0")", R"("+22")", R"(" 22")", R"("22 ")"}) {
        INFO(s);
        CHECK_FALSE(decimal::parse(std::string_view(s).substr(1, std::strlen(s) - 2)).has_value());
        auto r = from_json<cb>(std::string(R"({"orderId":)") + s + "}");
        REQUIRE_FALSE(r);
        CHECK(r.error().json_path == "orderId");
    }
    // Integer enums and Unix timestamps in strings too.
    CHECK_FALSE(from_json<cb>(R"({"status":"011"})"));
    CHECK_FALSE(from_json<cs2dt::OrderDetailDTO>(R"({"createTime":"01719550000"})"));
}

TEST_CASE("codec: -0.0 round-trips (double keeps its sign, decimal normalises to 0)", "[codec]")
{
    for (const char* in : {"-0.0", "-0", "-0e5", "-0.000"}) {
        INFO(in);
        auto s = decode_ok<csboard::Sticker>(std::string(R"({"wear":)") + in + "}");
        REQUIRE(s.wear);
        CHECK(*s.wear == 0.0);
        CHECK(std::signbit(*s.wear));
        const std::string once = to_json(s);
        CHECK(once == R"({"wear":-0})");
        auto again = decode_ok<csboard::Sticker>(once);
        CHECK(std::signbit(*again.wear));
        CHECK(to_json(again) == once);
        // From a numeric string as well.
        auto q = from_json<csboard::Sticker>(std::string(R"({"wear":")") + in + "\"}");
        if (q)
            CHECK(std::signbit(*q->wear));
        // Decimals have no negative zero: -0.0 is 0, and 0 stays 0.
        auto d = decimal::parse(in);
        REQUIRE(d);
        CHECK(d->to_string() == "0");
        CHECK(decimal::parse(d->to_string()) == d);
    }
}

namespace {

using cs2market::test::unescape_all;

/// Fails when any prefix of `key` longer than its public part ("csb_pub_") shows in `text`, in any encoding.
void require_no_key(std::string_view what, const std::string& text, std::string_view key)
{
    INFO(what << ": " << text.substr(0, 300));
    const std::string plain = unescape_all(text);
    for (std::size_t n = 9; n <= key.size(); ++n)
        REQUIRE(plain.find(key.substr(0, n)) == std::string::npos);
}

void require_redacted(const cs2market::error& e, std::string_view key)
{
    require_no_key("message", e.message(), key);
    require_no_key("provider_code", e.provider_code, key);
    require_no_key("detail", e.detail, key);
    require_no_key("body", e.body, key);
    require_no_key("json_path", e.json_path, key);
}

} // namespace

TEST_CASE("redaction: a key echoed in a response never shows, cut at 200 or 4096 bytes, escaped, encoded or as a map key",
          "[codec][redact]")
{
    using op = csboard::ops::get_listings_availability;
    const std::string key = "csb_pub_7Hq2LmN9xK4vR8sTzW3y";
    const auto decode = [&](unsigned status, const std::string& body) {
        auto r = cs2market::decode_response<op>(http(status, body), key);
        REQUIRE_FALSE(r);
        return r.error();
    };
    const std::string json_escaped = "csb\\u005fpub\\u005f7Hq2LmN9xK4vR8sTzW3y";
    const std::string percent = "csb%5Fpub%5F7Hq2LmN9xK4vR8sTzW3y";
    for (const std::string& echoed : {key, json_escaped, percent}) {
        INFO("written as " << echoed);
        // The key straddling every cut: provider_code at 200 bytes, detail and body at 4096.
        for (std::size_t cut : {std::size_t{200}, std::size_t{4096}}) {
            for (std::size_t back = 1; back < echoed.size(); back += 3) {
                const std::string pad(cut - back, 'x');
                auto code_err = decode(400, R"({"code":")" + pad + echoed + R"(","detail":"d"})");
                require_redacted(code_err, key);
                auto detail_err = decode(400, R"({"code":"c","detail":")" + pad + echoed + R"("})");
                require_redacted(detail_err, key);
                // The body's own cut, with the key in a field nobody reads.
                const std::string head = R"({"code":"c","other":")";
                auto body_err = decode(400, head + std::string(cut - back - head.size(), 'x') + echoed + R"("})");
                require_redacted(body_err, key);
            }
        }
        // As a map key: the decode error's JSON path names it.
        auto path_err = decode(200, R"({"data":{"available":{")" + echoed + R"(":"many"},"unavailable_ids":[]}})");
        CHECK(path_err.kind == error_kind::decode);
        CHECK_THAT(path_err.json_path, StartsWith("data.available."));
        require_redacted(path_err, key);
        // A non-JSON error body.
        require_redacted(decode(502, "<html>" + std::string(190, 'x') + echoed + "</html>"), key);
    }
}

// ---------------------------------------------------------------------------
// API drift: what the decoder tolerated, told to codec_options::drift.

namespace {
struct drift_log final : cs2market::drift_listener {
    std::vector<std::string> seen; // "kind path value"
    void on_drift(const cs2market::drift_event& e) override
    {
        seen.push_back(std::string(to_string(e.kind)) + " " + std::string(e.path) + " " + std::string(e.value));
    }
};
} // namespace

TEST_CASE("drift: unknown fields and enum values, numeric strings and missing usual fields are told with their paths",
          "[codec][drift]")
{
    using cs2market::csboard::Order;
    const std::string order = R"({"order_id":"ord_1","status":"completed","currency":"USD","item_count":2,"created_at":"2026-06-29T17:12:04Z","charged_total_usd":1.5,
        "items":[{"market_hash_name":"AK","price_usd":1.5,"status":"delivered"},
                 {"market_hash_name":"M4","status":"teleported","sticker":{"a":[1,{"b":2}]}}],
        "loyalty":3})";
    auto opt = cs2market::default_codec_options<Order>();
    drift_log log;
    opt.drift = &log;
    auto r = cs2market::from_json<Order>(order, opt);
    INFO((r ? std::string() : r.error().message()));
    REQUIRE(r);
    CHECK(r->items[1].status.has_value());
    CHECK(r->items[1].status->raw() == "teleported"); // kept: nothing is lost by telling
    std::sort(log.seen.begin(), log.seen.end());
    CHECK(log.seen == std::vector<std::string>{"missing_field items[1].price_usd ", "unknown_enum_value items[1].status teleported",
                                                 "unknown_field items[1].sticker ", "unknown_field loyalty "});

    // Nobody listening: the same value, and nothing to tell.
    auto quiet = cs2market::from_json<Order>(order);
    REQUIRE(quiet);
    CHECK(cs2market::to_json(*quiet) == cs2market::to_json(*r));
}

TEST_CASE("drift: a number sent as a string is told unless the schema says the docs send it so", "[codec][drift]")
{
    auto [json, want] = GENERATE(table<std::string, std::string>({
        // CSBoard MarketBuySkin.price is a number in the docs: a string is drift.
        {R"({"data":{"purchase_id":"pur_1","created_at":"2026-06-29T17:12:04Z","skins":[{"name":"AK","price":"1.50","status":"delivered"}]}})",
         "number_as_string data.skins[0].price 1.50"},
        {R"({"data":{"purchase_id":"pur_1","created_at":"2026-06-29T17:12:04Z","skins":[{"name":"AK","price":1.50,"status":"delivered"}]}})",
         ""},
    }));
    auto opt = cs2market::default_codec_options<cs2market::csboard::MarketBuyResponse>();
    drift_log log;
    opt.drift = &log;
    REQUIRE(cs2market::from_json<cs2market::csboard::MarketBuyResponse>(json, opt));
    CHECK(log.seen == (want.empty() ? std::vector<std::string>{} : std::vector<std::string>{want}));

    // Skinify's prices are strings in its docs (x-cs2market-sent-as-string): no drift.
    auto sopt = cs2market::default_codec_options<cs2market::skinify::SkinPriceEntry>();
    drift_log slog;
    sopt.drift = &slog;
    auto s = cs2market::from_json<cs2market::skinify::SkinPriceEntry>(
        R"({"id":"1","name":"AK","price":"0.40","count":1,"properties":{"classid":"1"}})", sopt);
    REQUIRE(s);
    CHECK(slog.seen.empty());
}

TEST_CASE("drift_report: per provider, operation and path, indices folded, counted, the client's decode reports there",
          "[codec][drift]")
{
    CHECK(cs2market::fold_indices("data.items[12].skins[0].x[") == "data.items[].skins[].x[");
    auto report = std::make_shared<cs2market::drift_report>();
    cs2market::drift_report::binding b(*report, cs2market::csboard::id, "get_order");
    auto opt = cs2market::default_codec_options<cs2market::csboard::Order>();
    opt.drift = &b;
    const std::string body = R"({"order_id":"ord_1","status":"on_hold","currency":"USD","item_count":2,"created_at":"2026-06-29T17:12:04Z","charged_total_usd":1,
        "items":[{"market_hash_name":"x","price_usd":1,"status":"delivered","new":1},
                 {"market_hash_name":"y","price_usd":1,"status":"delivered","new":2}]})";
    REQUIRE(cs2market::from_json<cs2market::csboard::Order>(body, opt));
    auto e = report->entries();
    REQUIRE(e.size() == 2);
    CHECK(e[0].path == "items[].new");
    CHECK(e[0].count == 2);
    CHECK(e[0].kind == cs2market::drift_kind::unknown_field);
    CHECK(e[1].path == "status");
    CHECK(e[1].sample == "on_hold");
    CHECK(e[1].operation == "get_order");

    // decode_response (what every call goes through) with the envelope's prefix.
    cs2market::http_response res;
    res.status = 200;
    res.content_type = "application/json";
    res.body = R"({"success":true,"data":{"userId":1,"name":"usdt_money","data":"0.02","vip":true},"errorCode":0})";
    cs2market::drift_report dt;
    cs2market::drift_report::binding db(dt, cs2market::cs2dt::id, "user_balance");
    REQUIRE(cs2market::decode_response<cs2market::cs2dt::ops::user_balance>(res, "k", &db));
    auto de = dt.entries();
    REQUIRE(de.size() == 1); // "data" is sent as a string by the docs: not drift
    CHECK(de[0].path == "data.vip");
}
