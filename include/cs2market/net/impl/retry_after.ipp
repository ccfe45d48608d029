// cs2market: bodies of detail/retry_after.hpp.
#ifndef CS2MARKET_NET_IMPL_RETRY_AFTER_IPP
#define CS2MARKET_NET_IMPL_RETRY_AFTER_IPP

#include <cs2market/net/detail/retry_after.hpp>

#include <string>

namespace cs2market::detail {

CS2MARKET_DECL std::optional<std::chrono::seconds> parse_retry_after(std::string_view v, std::time_t now)
{
    const long long cap = max_retry_after_value.count();
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    if (v.empty() || v.size() > 64)
        return std::nullopt;
    if (v.find_first_not_of("0123456789") == std::string_view::npos) {
        long long n = 0;
        for (char c : v) {
            n = n * 10 + (c - '0');
            if (n > cap)
                return max_retry_after_value; // clamped before it can overflow anything
        }
        return std::chrono::seconds{n};
    }
    std::tm tm{};
    const std::string s(v);
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0')
        return std::nullopt;
    // Seconds arithmetic on time_t only: a date centuries ahead never reaches a
    // nanosecond clock (where it would overflow).
    const std::time_t when = timegm(&tm);
    if (when == static_cast<std::time_t>(-1))
        return std::nullopt;
    if (when <= now)
        return std::chrono::seconds{0};
    const auto d = static_cast<long long>(when) - static_cast<long long>(now);
    return std::chrono::seconds{d > cap ? cap : d};
}

CS2MARKET_DECL std::optional<std::chrono::seconds> parse_retry_after(std::string_view v)
{
    return parse_retry_after(v, std::time(nullptr));
}

} // namespace cs2market::detail

#endif
