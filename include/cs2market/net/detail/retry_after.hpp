// cs2market internal: reading a Retry-After header.
#ifndef CS2MARKET_NET_DETAIL_RETRY_AFTER_HPP
#define CS2MARKET_NET_DETAIL_RETRY_AFTER_HPP

#include <cs2market/detail/config.hpp>

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace cs2market::detail {

/// The longest Retry-After kept (a year): anything longer is clamped, so that
/// converting it to any clock's duration cannot overflow.
inline constexpr std::chrono::seconds max_retry_after_value{365LL * 24 * 3600};

/// Retry-After as delta-seconds ("120") or an IMF-fixdate ("Sun, 06 Nov 1994
/// 08:49:37 GMT", relative to `now`), clamped to [0, max_retry_after_value];
/// nullopt when it is neither.
CS2MARKET_DECL std::optional<std::chrono::seconds> parse_retry_after(std::string_view v, std::time_t now);

/// The same, relative to the current time.
CS2MARKET_DECL std::optional<std::chrono::seconds> parse_retry_after(std::string_view v);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/retry_after.ipp>
#endif

#endif
