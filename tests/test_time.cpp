// Timestamp tests: iso_time (RFC 3339, offsets, fractions, range) and
// unix_time (seconds / milliseconds, wire form kept), alone and through the
// codec. Models only: no client headers, no Beast.
// Catch2 v2; main() is in catch_main.cpp.
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/json.hpp>
#include <cs2market/time.hpp>

#include "codec_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace {

namespace cs2dt = cs2market::cs2dt;
namespace csboard = cs2market::csboard;
using cs2market::from_json;
using cs2market::iso_time;
using cs2market::to_json;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

} // namespace

TEST_CASE("iso_time parses RFC 3339 and re-encodes in the same form", "[time]")
{
    auto t = iso_time::parse("2026-06-29T17:12:04Z");
    REQUIRE(t);
    CHECK(t->time_point() == utc(2026, 6, 29, 17, 12, 4));
    CHECK(t->seconds().time_since_epoch() == std::chrono::seconds{1782753124});
    CHECK(t->utc_offset_minutes() == 0);
    CHECK(t->to_string() == "2026-06-29T17:12:04Z");

    SECTION("fractions of 1 to 12 digits: nanoseconds kept, up to 9 digits re-encoded")
    {
        const std::string digits = "123456789012";
        for (std::size_t n = 1; n <= 12; ++n) {
            const std::string frac = digits.substr(0, n);
            const std::string in = "2026-06-29T17:12:04." + frac + "Z";
            INFO(in);
            auto p = iso_time::parse(in);
            REQUIRE(p);
            const std::size_t kept = n < 9 ? n : 9;
            long long ns = std::stoll(digits.substr(0, kept));
            for (std::size_t k = kept; k < 9; ++k)
                ns *= 10;
            CHECK(p->time_point() == utc(2026, 6, 29, 17, 12, 4, ns));
            CHECK(p->to_string() == "2026-06-29T17:12:04." + digits.substr(0, kept) + "Z");
            CHECK(p->seconds() == std::chrono::floor<std::chrono::seconds>(utc(2026, 6, 29, 17, 12, 4)));
        }
        // Trailing zeros are digits too: the width is kept.
        CHECK(iso_time::parse("2026-06-29T17:12:04.500Z")->to_string() == "2026-06-29T17:12:04.500Z");
        CHECK(iso_time::parse("2026-06-29T17:12:04.000Z")->time_point() == utc(2026, 6, 29, 17, 12, 4));
    }
    SECTION("numeric offsets name the same UTC instant")
    {
        auto plus = iso_time::parse("2026-06-29T20:12:04+03:00");
        REQUIRE(plus);
        CHECK(plus->time_point() == t->time_point());
        CHECK(*plus == *t);
        CHECK(plus->utc_offset_minutes() == 180);
        CHECK(plus->to_string() == "2026-06-29T20:12:04+03:00");
        auto minus = iso_time::parse("2026-06-29T11:42:04.25-05:30");
        REQUIRE(minus);
        CHECK(minus->time_point() == utc(2026, 6, 29, 17, 12, 4, 250000000));
        CHECK(minus->utc_offset_minutes() == -330);
        CHECK(minus->to_string() == "2026-06-29T11:42:04.25-05:30");
        auto across_midnight = iso_time::parse("2026-06-30T01:12:04+08:00");
        REQUIRE(across_midnight);
        CHECK(across_midnight->time_point() == utc(2026, 6, 29, 17, 12, 4));
        CHECK(*iso_time::parse("2026-06-29T17:12:04+00:00") == *t);
        CHECK(*iso_time::parse("2026-06-29t17:12:04z") == *t);
        CHECK(*iso_time::parse("2026-06-29 17:12:04Z") == *t);
    }
    SECTION("invalid dates and syntax are rejected")
    {
        for (const char* s : {"2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                              "2026-00-10T00:00:00Z", "2026-06-00T00:00:00Z", "2026-06-29T24:00:00Z", "2026-06-29T23:60:00Z",
                              "2026-06-29T23:59:61Z", "2026-06-29", "2026-06-29T17:12Z", "2026-6-29T17:12:04Z",
                              "2026-06-29X17:12:04Z", "2026-06-29T17:12:04.Z", "2026-06-29T17:12:04ZZ", "2026-06-29T17:12:04+3:00",
                              "2026-06-29T17:12:04+0300", "2026-06-29T17:12:04+03:60", "2026-06-29T17:12:04 Z", "",
                              "1719550000", "2026-06-29T17:12:04Z\n"}) {
            INFO("'" << s << "'");
            CHECK_FALSE(iso_time::parse(s).has_value());
        }
        CHECK(iso_time::parse("2024-02-29T00:00:00Z").has_value()); // leap year
        CHECK(iso_time::parse("2000-02-29T00:00:00Z").has_value());
        CHECK_FALSE(iso_time::parse("1900-02-29T00:00:00Z").has_value());
    }
    SECTION("from an instant: UTC, shortest exact fraction")
    {
        CHECK(iso_time(utc(2024, 6, 28, 4, 46, 40, 123000000)).to_string() == "2024-06-28T04:46:40.123Z");
        CHECK(iso_time(utc(2024, 6, 28, 4, 46, 40)).to_string() == "2024-06-28T04:46:40Z");
        CHECK(iso_time(utc(1969, 12, 31, 23, 59, 58, 500000000)).to_string() == "1969-12-31T23:59:58.5Z");
    }
    SECTION("through the codec")
    {
        auto o = decode_ok<csboard::Order>(replace_once(std::string(order_two_items), "\"2026-07-01T08:00:00.250Z\"",
                                                        "\"2026-07-01T11:00:00.123456789012+03:00\""));
        CHECK(o.created_at.time_point() == utc(2026, 7, 1, 8, 0, 0, 123456789));
        CHECK_THAT(to_json(o), Contains("\"created_at\":\"2026-07-01T11:00:00.123456789+03:00\""));
    }
}

TEST_CASE("iso_time outside the nanosecond clock's range is rejected, not wrapped", "[time]")
{
    // sys_time<nanoseconds> spans about 1677-09-21 .. 2262-04-11. Valid RFC 3339 dates
    // outside it must be refused (or kept exactly), never turned into another instant.
    for (const char* s : {"2300-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1600-01-01T00:00:00Z"}) {
        INFO(s);
        auto t = iso_time::parse(s);
        if (t)
            CHECK(t->to_string() == s);
        else
            SUCCEED("refused");
    }
}

TEST_CASE("unix_time: seconds vs milliseconds, and the wire form is kept", "[time]")
{
    using cs2market::unix_auto;
    using cs2market::unix_millis;
    using cs2market::unix_seconds;

    auto s = unix_auto::from_raw(1719550000);
    REQUIRE(s);
    CHECK_FALSE(s->in_milliseconds());
    CHECK(s->time_point().time_since_epoch() == std::chrono::milliseconds{1719550000000});
    CHECK(s->seconds().time_since_epoch() == 1719550000s);

    auto ms = unix_auto::from_raw(1719550000123);
    REQUIRE(ms);
    CHECK(ms->in_milliseconds());
    CHECK(ms->time_point().time_since_epoch() == std::chrono::milliseconds{1719550000123});
    CHECK(ms->seconds().time_since_epoch() == 1719550000s);
    CHECK(ms->raw() == 1719550000123);

    // The documented switch-over: below 10^11 is seconds, from 10^11 milliseconds.
    CHECK_FALSE(unix_auto::from_raw(99999999999)->in_milliseconds());
    CHECK(unix_auto::from_raw(100000000000)->in_milliseconds());
    // Fixed units do not guess.
    CHECK(unix_millis::from_raw(1719550000)->time_point().time_since_epoch() == std::chrono::milliseconds{1719550000});
    CHECK(unix_seconds::from_raw(1719550000123)->seconds().time_since_epoch() == 1719550000123s);
    CHECK_FALSE(unix_seconds::from_raw(std::numeric_limits<std::int64_t>::max()).has_value());
    // Equality is by instant.
    CHECK(*unix_auto::from_raw(1719550000) == *unix_auto::from_raw(1719550000000));

    SECTION("through the codec: number or string, seconds or milliseconds")
    {
        auto a = decode_ok<cs2dt::OrderDetailDTO>(R"({"createTime":1719550000})");
        auto b = decode_ok<cs2dt::OrderDetailDTO>(R"({"createTime":1719550000123})");
        auto c = decode_ok<cs2dt::OrderDetailDTO>(R"({"createTime":"1719550000123"})");
        CHECK(a.createTime->seconds() == b.createTime->seconds());
        CHECK_FALSE(a.createTime->in_milliseconds());
        CHECK(b.createTime->in_milliseconds());
        CHECK(c.createTime->in_milliseconds());
        CHECK(c.createTime->quoted());
        CHECK(*b.createTime == *c.createTime);
        CHECK(to_json(a) == R"({"createTime":1719550000})");
        CHECK(to_json(b) == R"({"createTime":1719550000123})");
        CHECK(to_json(c) == R"({"createTime":"1719550000123"})");
        auto bad = from_json<cs2dt::OrderDetailDTO>(R"({"createTime":1719550000.5})");
        REQUIRE_FALSE(bad);
        CHECK(bad.error().json_path == "createTime");
    }
}

TEST_CASE("time: timestamps at the edges of the representable range parse and re-encode, beyond them is refused",
          "[time]")
{
    using cs2market::sys_nanoseconds;
    const auto round_trips = [](std::string_view s, sys_nanoseconds want) {
        INFO(s);
        auto t = iso_time::parse(s);
        REQUIRE(t);
        CHECK(t->time_point() == want);
        CHECK(t->to_string() == s);
        // Through the codec: decode, encode, decode again.
        const std::string body = replace_once(std::string(order_two_items), "\"2026-07-01T08:00:00.250Z\"", "\"" + std::string(s) + "\"");
        auto o = decode_ok<csboard::Order>(body);
        CHECK(o.created_at.time_point() == want);
        auto again = decode_ok<csboard::Order>(to_json(o));
        CHECK(again.created_at.time_point() == want);
        CHECK(to_json(again) == to_json(o));
    };
    const auto lo = sys_nanoseconds::min(), hi = sys_nanoseconds::max();
    round_trips("1677-09-21T00:12:43.145224192Z", lo);
    CHECK(iso_time::parse("1677-09-21T00:12:43.145224192Z")->seconds().time_since_epoch().count() == -9223372037);
    round_trips("2262-04-11T23:47:16.854775807Z", hi);
    // The same instants written with offsets whose local time is past the edge.
    round_trips("1677-09-20T00:13:43.145224192-23:59", lo);
    round_trips("2262-04-12T23:46:16.854775807+23:59", hi);
    for (const char* s : {"1677-09-21T00:12:43.145224191Z", "2262-04-11T23:47:16.854775808Z", "2262-04-11T23:47:17Z",
                          "2262-04-12T23:46:16.854775808+23:59", "1677-09-21T00:12:43.145224192+00:01", "0000-01-01T00:00:00Z",
                          "9999-12-31T23:59:59.999999999-23:59"}) {
        INFO(s);
        CHECK_FALSE(iso_time::parse(s));
    }
    // An instant made in code re-encodes into text that parses back to it, at the edges too.
    for (auto tp : {lo, hi, sys_nanoseconds{}, hi - std::chrono::hours(24)}) {
        const iso_time t(tp);
        auto back = iso_time::parse(t.to_string());
        REQUIRE(back);
        CHECK(back->time_point() == tp);
    }
    // unix_auto made from an instant past 10^11 seconds: counted so that it reads back as itself.
    using cs2market::unix_auto;
    for (std::int64_t s : {std::int64_t{99'999'999'999}, std::int64_t{100'000'000'000}, std::int64_t{-100'000'000'000},
                           std::int64_t{9'000'000'000'000}}) {
        INFO(s);
        const unix_auto t{std::chrono::sys_time<std::chrono::milliseconds>{std::chrono::seconds{s}}};
        auto back = unix_auto::from_raw(t.raw());
        REQUIRE(back);
        CHECK(back->time_point() == t.time_point());
        cs2dt::OrderDetailDTO dto;
        dto.createTime = t;
        CHECK(decode_ok<cs2dt::OrderDetailDTO>(to_json(dto)).createTime->time_point() == t.time_point());
    }
}
