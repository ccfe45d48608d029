// The client-side rate limiter (rate_limiter.hpp): sliding windows counted as
// the providers count them, per key and bucket, shared pauses after a 429.
#include "support/rate_window.hpp"
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/net/rate_limiter.hpp>
#include <cs2market/skinify.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <vector>

using namespace cs2market;
using namespace std::chrono_literals;
using clk = rate_limiter::clock;

namespace {
const provider_id prov{"test"};

rate_draw draw(std::string_view key, std::string_view bucket, rate_limit lim)
{
    return {rate_key::of(prov, key, bucket), lim};
}

using cs2market::test::max_in_window;
} // namespace

TEST_CASE("rate limiter: the documented limits come from the schemas", "[ratelimit]")
{
    REQUIRE(csboard::ops::get_order::rate_limits.size() == 1);
    CHECK(csboard::ops::get_order::rate_limits[0].name == "read");
    CHECK(csboard::ops::get_order::rate_limits[0].requests == 30);
    CHECK(csboard::ops::get_order::rate_limits[0].window == 60s);
    CHECK(csboard::ops::create_order::rate_limits[0].name == "orders");
    CHECK(csboard::ops::get_price_snapshot::rate_limits[0].requests == 1);
    CHECK(csboard::ops::get_health::rate_limits.empty()); // needs no key: counted nowhere
    CHECK(skinify::ops::withdraw_buy::rate_limits[0].requests == 300);
    CHECK(cs2dt::ops::sell_list::rate_limits[0].requests == 10);
    CHECK(cs2dt::ops::sell_list::rate_limits[0].window == 1s);
    CHECK(cs2dt::ops::buyer_order_detail::rate_limits.empty());
}

TEST_CASE("rate limiter: N per sliding window, never N+1, and no burst after a full window", "[ratelimit]")
{
    rate_limiter l;
    const auto lim = rate_limit{3, 100ms};
    const std::array d{draw("k", "b", lim)};
    const auto t0 = clk::now();
    std::vector<clk::time_point> slots;
    for (int i = 0; i < 12; ++i)
        slots.push_back(l.reserve(d, t0));
    CHECK(slots[0] == t0);
    CHECK(slots[2] == t0);
    CHECK(slots[3] == t0 + 100ms);
    CHECK(slots[11] == t0 + 300ms);
    CHECK(max_in_window(slots, 100ms) == 3);
    // Idle for a long time, then a burst: still at most 3 in any window (a token
    // bucket would have let burst + refill through).
    const auto later = t0 + 10s;
    std::vector<clk::time_point> burst;
    for (int i = 0; i < 7; ++i)
        burst.push_back(l.reserve(d, later + std::chrono::milliseconds(i)));
    CHECK(max_in_window(burst, 100ms) == 3);
    CHECK(burst[3] >= later + 100ms);
}

TEST_CASE("rate limiter: keys and buckets are separate budgets; unlimited draws nothing", "[ratelimit]")
{
    rate_limiter l;
    const auto lim = rate_limit{1, 1s};
    const auto t0 = clk::now();
    CHECK(l.reserve(std::array{draw("a", "read", lim)}, t0) == t0);
    CHECK(l.reserve(std::array{draw("a", "read", lim)}, t0) == t0 + 1s);
    CHECK(l.reserve(std::array{draw("b", "read", lim)}, t0) == t0);
    CHECK(l.reserve(std::array{draw("a", "orders", lim)}, t0) == t0);
    for (int i = 0; i < 100; ++i)
        CHECK(l.reserve(std::array{draw("a", "free", rate_limit::none())}, t0) == t0);
}

TEST_CASE("rate limiter: a draw from two budgets waits for both and counts in both", "[ratelimit]")
{
    rate_limiter l;
    const auto t0 = clk::now();
    const auto a = draw("k", "a", rate_limit{1, 1s});
    const auto b = draw("k", "b", rate_limit{2, 5s});
    CHECK(l.reserve(std::array{a, b}, t0) == t0);
    CHECK(l.reserve(std::array{a, b}, t0) == t0 + 1s);
    // b's two slots are used: the next b-only draw waits for the oldest + 5 s.
    CHECK(l.reserve(std::array{b}, t0) == t0 + 5s);
}

TEST_CASE("rate limiter: an unused reservation is handed back", "[ratelimit]")
{
    rate_limiter l;
    const std::array d{draw("k", "b", rate_limit{1, 1s})};
    const auto t0 = clk::now();
    CHECK(l.reserve(d, t0) == t0);
    auto slot = l.reserve(d, t0);
    CHECK(slot == t0 + 1s);
    l.release(d, slot);
    CHECK(l.reserve(d, t0) == t0 + 1s); // the released slot is free again, not a later one
}

TEST_CASE("rate limiter: a provider's 429 pauses the budget for everyone sharing it", "[ratelimit]")
{
    rate_limiter l;
    const std::array d{draw("k", "b", rate_limit{100, 1s})};
    const std::array other{draw("other-key", "b", rate_limit{100, 1s})};
    const auto t0 = clk::now();
    l.pause(d, t0 + 3s);
    CHECK(l.reserve(d, t0) == t0 + 3s);
    CHECK(l.reserve(d, t0 + 5s) == t0 + 5s);
    CHECK(l.reserve(other, t0) == t0);
}
