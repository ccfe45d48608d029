// Fuzz target: decimals, integers read from text, ISO 8601 and Unix timestamps.
//
// Input: any text. Properties: what parses re-encodes into text that parses to
// the same value and re-encodes identically; an integer read from text is the
// decimal with that text; arithmetic reports overflow instead of wrapping (UBSan
// checks the rest); the same holds inside JSON.
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/decimal.hpp>
#include <cs2market/json.hpp>
#include <cs2market/time.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace {

void decimals(std::string_view s)
{
    using cs2market::decimal;
    auto d = decimal::parse(s);
    // The same grammar: an integer read from text is that decimal (decimals leave
    // out INT64_MIN units), and a whole decimal is an integer.
    std::int64_t i = 0;
    const bool is_int = cs2market::detail::integer_from_text(s, i);
    if (is_int && i != std::numeric_limits<std::int64_t>::min())
        fuzz::check(d && d->scale() == 0 && d->units() == i, "integer_from_text disagrees with decimal::parse", s);
    if (d && d->scale() == 0)
        fuzz::check(is_int && i == d->units(), "a whole decimal is not an integer", s);
    if (!d)
        return;
    const std::string t = d->to_string();
    auto again = decimal::parse(t);
    fuzz::check(again && *again == *d && again->to_string() == t, "decimal does not round-trip", std::string(s) + " -> " + t);
    (void)d->to_double();
    (void)decimal::checked_add(*d, *again);
    (void)decimal::checked_sub(*d, *again);
    (void)decimal::checked_mul(*d, d->units());
    (void)(*d <=> decimal::from_units(1, 18));
}

void iso(std::string_view s)
{
    using cs2market::iso_time;
    auto t = iso_time::parse(s);
    if (!t)
        return;
    const std::string u = t->to_string();
    auto again = iso_time::parse(u);
    fuzz::check(again && *again == *t && again->to_string() == u, "iso_time does not round-trip", std::string(s) + " -> " + u);
    const iso_time utc(t->time_point()); // the same instant, made in code
    auto back = iso_time::parse(utc.to_string());
    fuzz::check(back && back->time_point() == t->time_point(), "iso_time(tp) does not parse back", utc.to_string());
}

template <class T>
void in_json(const std::string& json)
{
    auto v = cs2market::from_json<T>(json);
    if (!v)
        return;
    const std::string once = cs2market::to_json(*v);
    auto again = cs2market::from_json<T>(once);
    fuzz::check(static_cast<bool>(again), "re-encoded timestamp does not decode", json + " -> " + once);
    fuzz::check(cs2market::to_json(*again) == once, "timestamp re-encodes differently", once);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    decimals(s);
    iso(s);
    if (s.find_first_of("\"\\") == std::string_view::npos) {
        const std::string text(s);
        in_json<cs2market::cs2dt::OrderDetailDTO>(R"({"createTime":)" + text + R"(,"price":)" + text + "}");
        in_json<cs2market::cs2dt::OrderDetailDTO>(R"({"createTime":")" + text + R"(","price":")" + text + "\"}");
        in_json<cs2market::csboard::Sticker>(R"({"wear":)" + text + ",\"slot\":\"" + text + "\"}");
        in_json<cs2market::csboard::Order>(R"({"order_id":"o","steam_id":"s","status":"pending","currency":"USD",)"
                                           R"("charged_total_usd":1,"item_count":0,"items":[],"created_at":")" +
                                           text + "\"}");
    }
    return 0;
}
