// What the benchmarks share: the machine's facts for their reports (CPU, load,
// compiler) and percentiles.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::bench {

using clk = std::chrono::steady_clock;

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string cpu_model()
{
    std::istringstream in(read_file("/proc/cpuinfo"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown";
}

/// The compiler that built this benchmark.
inline std::string compiler()
{
#if defined(__clang__)
    return "clang++ " __clang_version__;
#elif defined(__GNUC__)
    return "g++ " __VERSION__;
#else
    return "unknown";
#endif
}

/// Now, as the reports print it ("2026-11-28 20:13 UTC").
inline std::string utc_now()
{
    char when[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    return when;
}

inline std::string load_average()
{
    std::istringstream in(read_file("/proc/loadavg"));
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " / " + b + " / " + c;
}

struct percentiles {
    double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

inline percentiles of(std::vector<double> us)
{
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(us.size())))]; };
    percentiles p;
    p.p50 = at(0.50);
    p.p90 = at(0.90);
    p.p99 = at(0.99);
    p.max = us.back();
    double sum = 0;
    for (double v : us)
        sum += v;
    p.mean = sum / static_cast<double>(us.size());
    return p;
}

inline std::string fixed(double v, int digits = 0)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

} // namespace cs2market::bench
