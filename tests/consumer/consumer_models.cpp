// A downstream program that only decodes, built against cs2market::models
// (FetchContent or find_package): no Beast, Asio, OpenSSL or zlib. Decodes
// realistic responses of every provider (extra fields, new enum values, numbers
// as strings, 64-bit ids, Unicode names), checks that money adds up exactly,
// prints a summary and exits non-zero on any mismatch.
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/skinify/models.hpp>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

int failures = 0;

template <class A, class B>
void expect_eq(const char* what, const A& got, const B& want)
{
    if (got == want)
        return;
    ++failures;
    if constexpr (requires(std::ostream& os) { os << got << want; })
        std::cerr << "MISMATCH " << what << ": got [" << got << "], want [" << want << "]\n";
    else
        std::cerr << "MISMATCH " << what << "\n";
}

void expect(const char* what, bool ok)
{
    if (!ok) {
        ++failures;
        std::cerr << "FAILED " << what << "\n";
    }
}

template <class T>
std::optional<T> decode(const char* what, std::string_view json)
{
    auto r = cs2market::from_json<T>(json);
    if (!r) {
        ++failures;
        std::cerr << "DECODE FAILED " << what << ": " << r.error().message() << "\n";
        return std::nullopt;
    }
    return std::move(*r);
}

cs2market::decimal dec(std::string_view s) { return cs2market::decimal::from_string(s); }

// CSBoard GET /v1/orders/{id}: three items, one returned; extra fields everywhere,
// a status this header does not know, money partly as strings, steam_id as a number.
constexpr std::string_view csboard_order = R"json({
  "order_id": "ord_01JB7XK2M4Q9ZC3V5N8R1T6W0Y",
  "steam_id": 76561198123456789,
  "status": "partially_refunded",
  "custom_id": "订单-2026-07-01-★-0042",
  "currency": "USD",
  "charged_total_usd": "1421.38",
  "refunded_total_usd": 0.01,
  "item_count": "3",
  "hold_until": null,
  "created_at": "2026-07-01T09:30:00.123456+08:00",
  "updated_at": "2026-07-01T01:45:10Z",
  "risk": {"score": 0.02, "flags": []},
  "items": [
    {"market_hash_name": "★ Karambit | Doppler (Factory New)", "price_usd": 1407.00, "status": "delivered",
     "phase": "Ruby", "float": 0.0071, "tradable_at": "2026-07-08T01:30:00Z",
     "steam_trade_offer_id": 7012345678901234567, "steam_trade_offer_finished_at": "2026-07-01T01:44:59.9Z"},
    {"market_hash_name": "Sticker | 小狗 (Holo) | 2026 上海", "price_usd": "14.37", "status": "in_escrow",
     "return_reason": null},
    {"market_hash_name": "AWP | Asiimov (Field-Tested)", "price_usd": 0.01, "status": "returned",
     "return_reason": "seller_inventory_changed", "refund": {"usd": 0.01}}
  ],
  "_links": {"self": "/v1/orders/ord_01JB7XK2M4Q9ZC3V5N8R1T6W0Y"}
})json";

constexpr std::string_view csboard_price_moved = R"json({
  "code": "price_moved", "detail": "Live total 1422.40 exceeds max_price_usd 1421.38",
  "current_total_usd": 1422.4, "quoted_max_usd": "1421.38", "request_id": "req_9f2c",
  "items": [{"item_id": "itm_9000000000000000001", "price_usd": 1408.03}]
})json";

// CS2DT GET /v1/order/v2/buy/detail: envelope + payload, ids above 2^53, Chinese text,
// status 200 (settled), a delivery type and a field this header does not know.
constexpr std::string_view cs2dt_detail = R"json({
  "success": true,
  "data": {
    "orderId": 1046108517917470999,
    "productId": "1046108517917470998",
    "price": "1234.56",
    "buyerFee": 12.35,
    "statusName": "交易成功（已结算）",
    "status": 200,
    "deliverType": 7,
    "receiveSteamId": 76561198123456789,
    "openItemInfo": {"itemId": "553370749", "appId": "730", "name": "★ 蝴蝶刀 | 多普勒 (崭新出厂)",
                     "marketHashName": "★ Butterfly Knife | Doppler (Factory New)", "imageUrl": "https://cdn.example/b.png",
                     "rarityColor": "#eb4b4b"},
    "assetInfo": {"assetId": "38718472914123", "classId": 5677410101, "wear": "0.00912345", "paintSeed": 412,
                  "stickers": [{"name": "印花 | 纳威 (全息)", "price": "3.21", "slot": 0},
                               {"name": "Sticker | Vitality | Paris 2023", "price": 0.79, "slot": 1, "rotation": 90}],
                  "newVisualData": {"x": [1, 2, 3]}},
    "offerInfoDTO": {"transferId": 9007199254740993, "tradeOfferId": "7012345678901234999"},
    "createTime": "1719550000123",
    "failedCode": null,
    "settleTime": 1720154800123
  },
  "errorCode": 0,
  "errorMsg": "",
  "errorData": null,
  "traceId": "a1b2c3"
})json";

constexpr std::string_view cs2dt_error = R"json({
  "success": false, "data": null, "errorCode": 20003, "errorMsg": "余额不足，请充值",
  "errorData": {"need": 1246.91, "balance": "1000.00"}, "errorCodeStr": "BALANCE_NOT_ENOUGH"
})json";

// Skinify GET /api/withdraw/info: ids and amounts sometimes strings, sometimes numbers,
// a purchase status this header does not know, extended properties.
constexpr std::string_view skinify_info = R"json({
  "status": "success",
  "request_ms": 31,
  "items": [
    {"skin": {"id": 987654321, "name": "★ Karambit | Doppler (Factory New)", "price": "812.40",
              "properties": {"classid": 5677410101, "assetid": "38718472914123", "instanceid": "0",
                             "steamid": 76561198000000007, "floatvalue": 0.0123, "unhold_at": "1720154800",
                             "stickers": []}},
     "purchase_id": 90071992547409931, "purchase_status": "accepted", "steam_id": "76561198123456789",
     "date": 1719550000, "balance_debited_amount": 812.4, "custom_id": "批次-7", "trade_offer_id": 7012345678901234567,
     "settlement": "1720154800", "fee": {"pct": 2}},
    {"skin": {"id": "11054", "name": "Taunt: Giddy Up!", "price": 0.3, "properties": {"classid": "959992716"}},
     "purchase_id": "2", "purchase_status": "escrow_pending", "steam_id": "76561197972611406",
     "date": "1719550100", "balance_debited_amount": "0.30", "custom_id": "批次-7"},
    {"skin": {"id": "11552", "name": "Crimson Pique", "price": "0.07"},
     "purchase_id": "3", "purchase_status": "reserved", "date": 1719550200, "balance_debited_amount": 0.07,
     "reserved_until": 1719636600, "settlement": null}
  ]
})json";

void check_csboard()
{
    namespace csboard = cs2market::csboard;
    auto o = decode<csboard::Order>("csboard Order", csboard_order);
    if (!o)
        return;
    expect_eq("csboard steam_id", o->steam_id.value_or(""), std::string("76561198123456789"));
    expect("csboard unknown status kept", !o->status.is_known() && o->status.raw() == "partially_refunded");
    expect_eq("csboard custom_id", o->custom_id.value_or(""), std::string("订单-2026-07-01-★-0042"));
    expect_eq("csboard item_count", o->item_count, std::int64_t{3});
    expect_eq("csboard created_at", o->created_at.to_string(), std::string("2026-07-01T09:30:00.123456+08:00"));
    expect("csboard created_at instant",
           o->created_at.time_point() == cs2market::iso_time::parse("2026-07-01T01:30:00.123456Z")->time_point());
    expect("csboard updated after created", o->updated_at && *o->updated_at > o->created_at);
    if (o->items.size() != 3) {
        expect("csboard three items", false);
        return;
    }
    cs2market::decimal sum;
    for (const auto& it : o->items)
        sum += it.price_usd.value_or(cs2market::decimal{});
    expect_eq("csboard items add up to the charged total", sum, o->charged_total_usd);
    expect_eq("csboard charged total", o->charged_total_usd, dec("1421.38"));
    expect_eq("csboard karambit", o->items[0].market_hash_name.value_or(""), std::string("★ Karambit | Doppler (Factory New)"));
    expect("csboard delivered", o->items[0].status && *o->items[0].status == csboard::OrderItemStatus::delivered);
    expect_eq("csboard 64-bit offer id", o->items[0].steam_trade_offer_id.value_or(""), std::string("7012345678901234567"));
    expect_eq("csboard chinese name", o->items[1].market_hash_name.value_or(""), std::string("Sticker | 小狗 (Holo) | 2026 上海"));
    expect("csboard unknown item status", o->items[1].status && o->items[1].status->raw() == "in_escrow");
    expect("csboard returned", o->items[2].status && *o->items[2].status == csboard::OrderItemStatus::returned);
    expect_eq("csboard return_reason", o->items[2].return_reason.value_or(""), std::string("seller_inventory_changed"));

    // Re-encoded: new values go back out unchanged, money as plain numbers, unknown keys dropped.
    const std::string out = cs2market::to_json(*o);
    expect("csboard re-encodes unknown status", out.find("\"status\":\"partially_refunded\"") != std::string::npos);
    expect("csboard re-encodes money plainly", out.find("\"charged_total_usd\":1421.38,") != std::string::npos);
    expect("csboard drops unknown keys", out.find("_links") == std::string::npos);
    auto again = decode<csboard::Order>("csboard Order re-encoded", out);
    expect("csboard round trip", again && cs2market::to_json(*again) == out);

    auto e = decode<csboard::ApiError>("csboard ApiError", csboard_price_moved);
    if (e) {
        expect_eq("csboard error code", e->code, std::string("price_moved"));
        auto over = cs2market::decimal::checked_sub(e->current_total_usd.value_or(cs2market::decimal{}),
                                                    e->quoted_max_usd.value_or(cs2market::decimal{}));
        expect("csboard price moved by exactly 1.02", over && *over == dec("1.02"));
    }

    csboard::MarketBuyRequest req;
    req.item_ids = {"itm_9000000000000000001", "itm_9000000000000000002"};
    req.partner = "447383001";
    req.token = "Ab3xZ9Qp";
    req.max_price_usd = sum + dec("0.50");
    req.custom_id = "订单-2026-07-01-★-0042";
    expect_eq("csboard request body", cs2market::to_json(req),
              std::string(R"({"item_ids":["itm_9000000000000000001","itm_9000000000000000002"],"partner":"447383001",)"
                          R"("token":"Ab3xZ9Qp","max_price_usd":1421.88,"custom_id":"订单-2026-07-01-★-0042"})"));

    std::cout << "csboard: order " << o->order_id << " status " << o->status.to_string() << ", " << o->items.size()
              << " items, total " << o->charged_total_usd << " USD (sum of items " << sum << ")\n";
}

void check_cs2dt()
{
    namespace cs2dt = cs2market::cs2dt;
    auto env = decode<cs2dt::WebApiRes>("cs2dt WebApiRes", cs2dt_detail);
    if (!env || !env->data) {
        expect("cs2dt data present", false);
        return;
    }
    expect("cs2dt success", env->success.value_or(false));
    auto d = decode<cs2dt::OrderDetailDTO>("cs2dt OrderDetailDTO", env->data->text);
    if (!d)
        return;
    expect_eq("cs2dt orderId above 2^53", d->orderId.value_or(""), std::string("1046108517917470999"));
    expect_eq("cs2dt price", d->price.value_or(cs2market::decimal{}), dec("1234.56"));
    auto total = cs2market::decimal::checked_add(*d->price, d->buyerFee.value_or(cs2market::decimal{}));
    expect("cs2dt price + fee exact", total && *total == dec("1246.91"));
    expect("cs2dt settled", d->status && *d->status == cs2dt::OrderStatus::settled && d->status->raw() == 200);
    expect("cs2dt unknown deliverType kept", d->deliverType && !d->deliverType->is_known() && d->deliverType->raw() == 7);
    expect_eq("cs2dt receiveSteamId", d->receiveSteamId.value_or(""), std::string("76561198123456789"));
    expect_eq("cs2dt statusName", d->statusName.value_or(""), std::string("交易成功（已结算）"));
    expect("cs2dt appId from string", d->openItemInfo && d->openItemInfo->appId == std::optional<std::int64_t>{730});
    expect_eq("cs2dt chinese name", d->openItemInfo ? d->openItemInfo->name.value_or("") : std::string(),
              std::string("★ 蝴蝶刀 | 多普勒 (崭新出厂)"));
    expect("cs2dt assetId from string", d->assetInfo && d->assetInfo->assetId == std::optional<std::int64_t>{38718472914123});
    expect("cs2dt trade offer id", d->offerInfoDTO && d->offerInfoDTO->tradeOfferId == std::optional<std::int64_t>{7012345678901234999});
    expect("cs2dt transfer id 2^53+1", d->offerInfoDTO && d->offerInfoDTO->transferId == std::optional<std::int64_t>{9007199254740993});
    expect("cs2dt createTime in ms", d->createTime && d->createTime->in_milliseconds() &&
                                         d->createTime->seconds().time_since_epoch() == std::chrono::seconds{1719550000});
    cs2market::decimal stickers;
    if (d->assetInfo && d->assetInfo->stickers)
        for (const auto& s : *d->assetInfo->stickers)
            stickers += s.price.value_or(cs2market::decimal{});
    expect_eq("cs2dt sticker prices add up", stickers, dec("4"));

    auto err = decode<cs2dt::WebApiRes>("cs2dt error envelope", cs2dt_error);
    if (err) {
        expect("cs2dt error flagged", !err->success.value_or(true) && err->errorCode == std::optional<std::int64_t>{20003});
        expect_eq("cs2dt errorMsg", err->errorMsg.value_or(""), std::string("余额不足，请充值"));
        expect_eq("cs2dt errorData raw", err->errorData ? err->errorData->text : std::string(),
                  std::string(R"({"need":1246.91,"balance":"1000.00"})"));
        expect("cs2dt null data", !err->data.has_value());
    }
    std::cout << "cs2dt: order " << d->orderId.value_or("?") << " status " << d->status->to_string() << ", price "
              << *d->price << " + fee " << d->buyerFee.value_or(cs2market::decimal{}) << " = " << (total ? total->to_string() : "?")
              << " USD\n";
}

void check_skinify()
{
    namespace skinify = cs2market::skinify;
    auto w = decode<skinify::WithdrawInfoResponse>("skinify WithdrawInfoResponse", skinify_info);
    if (!w)
        return;
    if (w->items.size() != 3) {
        expect("skinify three items", false);
        return;
    }
    const auto& a = w->items[0];
    expect_eq("skinify purchase_id from a big number", a.purchase_id, std::string("90071992547409931"));
    expect_eq("skinify skin id from a number", a.skin.id, std::string("987654321"));
    expect("skinify classid from a number", a.skin.properties && a.skin.properties->classid == "5677410101");
    expect("skinify steamid from a number",
           a.skin.properties && a.skin.properties->steamid == std::optional<std::string>{"76561198000000007"});
    expect("skinify unhold_at quoted",
           a.skin.properties && a.skin.properties->unhold_at && a.skin.properties->unhold_at->quoted() &&
               a.skin.properties->unhold_at->seconds().time_since_epoch() == std::chrono::seconds{1720154800});
    expect("skinify accepted", a.purchase_status == skinify::PurchaseStatus::accepted);
    expect_eq("skinify trade offer id", a.trade_offer_id.value_or(""), std::string("7012345678901234567"));
    expect("skinify settlement", a.settlement && a.settlement->raw() == 1720154800);
    expect("skinify unknown status kept",
           !w->items[1].purchase_status.is_known() && w->items[1].purchase_status.raw() == "escrow_pending");
    expect("skinify reserved", w->items[2].purchase_status == skinify::PurchaseStatus::reserved &&
                                   w->items[2].reserved_until && !w->items[2].settlement);
    expect_eq("skinify custom_id", a.custom_id.value_or(""), std::string("批次-7"));

    cs2market::decimal debited, prices;
    for (const auto& it : w->items) {
        debited += it.balance_debited_amount;
        prices += it.skin.price.value_or(cs2market::decimal{});
    }
    expect_eq("skinify debited total", debited, dec("812.77"));
    expect_eq("skinify debited equals prices", debited, prices);

    const std::string out = cs2market::to_json(*w);
    auto again = decode<skinify::WithdrawInfoResponse>("skinify re-encoded", out);
    expect("skinify round trip", again && cs2market::to_json(*again) == out);
    expect("skinify keeps quoted timestamps quoted", out.find("\"date\":\"1719550100\"") != std::string::npos);
    std::cout << "skinify: " << w->items.size() << " purchases, debited " << debited << " USD, first "
              << a.purchase_status.to_string() << ", second " << w->items[1].purchase_status.to_string() << "\n";
}

} // namespace

int main()
{
    check_csboard();
    check_cs2dt();
    check_skinify();
    if (failures != 0) {
        std::cerr << "consumer-models: " << failures << " check(s) FAILED\n";
        return 1;
    }
    std::cout << "consumer-models: all checks passed\n";
    return 0;
}
