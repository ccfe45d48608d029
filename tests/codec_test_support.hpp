// Helpers shared by the codec and timestamp tests (test_codec.cpp, test_time.cpp).
#ifndef CS2MARKET_TESTS_CODEC_TEST_SUPPORT_HPP
#define CS2MARKET_TESTS_CODEC_TEST_SUPPORT_HPP

#include <cs2market/json.hpp>
#include <cs2market/time.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace {

/// The UTC instant of a calendar date and time of day.
inline cs2market::sys_nanoseconds utc(int y, unsigned mo, unsigned d, int h, int mi, int s, long long ns = 0)
{
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + nanoseconds{ns};
}

/// Decodes `json` as T and requires success, printing the error otherwise.
template <class T>
T decode_ok(std::string_view json)
{
    auto r = cs2market::from_json<T>(json);
    if (!r)
        FAIL("decode failed: " << r.error().message());
    return std::move(*r);
}

// A valid CSBoard order whose pieces the error tests replace one at a time.
constexpr std::string_view order_two_items = R"json({
  "order_id": "ord_01JA0000000000000000000001",
  "steam_id": "76561198000000001",
  "status": "delivering",
  "custom_id": null,
  "currency": "USD",
  "charged_total_usd": 1021.37,
  "item_count": 2,
  "hold_until": null,
  "created_at": "2026-07-01T08:00:00.250Z",
  "updated_at": null,
  "items": [
    {"market_hash_name": "★ Karambit | Doppler (Factory New)", "price_usd": 1007.0, "status": "delivering",
     "tradable_at": null, "return_reason": null, "steam_trade_offer_id": null, "steam_trade_offer_finished_at": null},
    {"market_hash_name": "Sticker | 战队 (Holo)", "price_usd": 14.37, "status": "hold",
     "tradable_at": "2026-07-08T08:00:00Z"}
  ]
})json";

inline std::string replace_once(std::string s, std::string_view from, std::string_view to)
{
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    s.replace(pos, from.size(), to);
    return s;
}

} // namespace

#endif
