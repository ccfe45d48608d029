// cs2market internal: a float constraint as text for a provider's query (the
// shortest text that reads back to the same double).
#ifndef CS2MARKET_MARKET_DETAIL_FLOAT_TEXT_HPP
#define CS2MARKET_MARKET_DETAIL_FLOAT_TEXT_HPP

#include <cs2market/decimal.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <system_error>

namespace cs2market::detail {

inline std::string float_text(double v)
{
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string();
}

/// The same as an exact decimal (empty when it has more digits than a decimal holds).
inline std::optional<decimal> float_decimal(double v) { return decimal::parse(float_text(v)); }

} // namespace cs2market::detail

#endif
