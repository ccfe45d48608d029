// Retry-After parsing (detail/retry_after.hpp): delta-seconds or an HTTP date,
// clamped so that no conversion to a clock's duration can overflow.
#include <cs2market/net/detail/retry_after.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using cs2market::detail::max_retry_after_value;
using cs2market::detail::parse_retry_after;
using std::chrono::seconds;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::time_t nov_1994 = 784111777;
} // namespace

TEST_CASE("retry-after: delta-seconds", "[retry_after]")
{
    CHECK(parse_retry_after("120", nov_1994) == seconds{120});
    CHECK(parse_retry_after(" 7 ", nov_1994) == seconds{7});
    CHECK(parse_retry_after("0", nov_1994) == seconds{0});
    CHECK_FALSE(parse_retry_after("", nov_1994));
    CHECK_FALSE(parse_retry_after("-5", nov_1994));
    CHECK_FALSE(parse_retry_after("1.5", nov_1994));
    CHECK_FALSE(parse_retry_after("soon", nov_1994));
}

TEST_CASE("retry-after: huge values are clamped, never overflow", "[retry_after]")
{
    // 9999999999 s overflowed the conversion to nanoseconds before.
    CHECK(parse_retry_after("9999999999", nov_1994) == max_retry_after_value);
    CHECK(parse_retry_after(std::string(60, '9'), nov_1994) == max_retry_after_value);
    CHECK_FALSE(parse_retry_after(std::string(100, '9'), nov_1994)); // longer than any header value we read
    // Converting the clamp to the finest clock there is stays in range.
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(max_retry_after_value);
    CHECK(ns.count() > 0);
    CHECK(std::chrono::steady_clock::now() + ns > std::chrono::steady_clock::now());
}

TEST_CASE("retry-after: HTTP dates, past, near and centuries ahead", "[retry_after]")
{
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", nov_1994) == seconds{120});
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", nov_1994) == seconds{0}); // in the past: now
    // Year 2263 and beyond overflowed a nanosecond time point before.
    CHECK(parse_retry_after("Mon, 01 Jan 2263 00:00:00 GMT", nov_1994) == max_retry_after_value);
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", nov_1994) == max_retry_after_value);
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT trailing", nov_1994));
    CHECK_FALSE(parse_retry_after("06 Nov 1994", nov_1994));
}
