// Test helper: the most of a set of instants that fall in any one window (what a
// sliding-window rate limit bounds), for the in-process and shared budgets' tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace cs2market::test {

inline std::size_t max_in_window(std::vector<std::chrono::steady_clock::time_point> times, std::chrono::steady_clock::duration w)
{
    std::sort(times.begin(), times.end());
    std::size_t best = 0;
    for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
        while (times[i] - times[j] >= w)
            ++j;
        best = std::max(best, i - j + 1);
    }
    return best;
}

} // namespace cs2market::test
