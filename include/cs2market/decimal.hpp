// cs2market: exact decimal for money. No binary floating point inside.
#ifndef CS2MARKET_DECIMAL_HPP
#define CS2MARKET_DECIMAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/detail/int128.hpp>

#include <charconv>
#include <compare>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cs2market {

/// A signed decimal number `units * 10^-scale`: any value whose significant
/// digits fit a signed 64-bit integer (every 18-digit value, 19-digit ones up
/// to 9223372036854775807) with up to 18 fraction digits. Money values from every provider decode into it
/// exactly, from a JSON number or a numeric string; it encodes as a plain JSON
/// number (`30.1`, never `3.01E1`). Values are kept normalized (no trailing
/// fraction zeros), so equal amounts have equal representations.
class decimal {
public:
    static constexpr unsigned max_scale = 18;

    constexpr decimal() noexcept = default;

    /// `decimal::from_units(1437, 2)` is 14.37. Throws std::out_of_range when scale > 18.
    static constexpr decimal from_units(std::int64_t units, unsigned scale);

    /// Parses JSON number syntax (`-14.37`, `30`, `3.01E1`, `1e-2`); no spaces,
    /// no leading '+'. Empty optional when the text is not a number or does not
    /// fit exactly (digits beyond a 64-bit integer, or more than 18 fraction digits).
    static constexpr std::optional<decimal> parse(std::string_view s) noexcept;

    /// Like parse(), throwing std::invalid_argument on bad text.
    CS2MARKET_DECL static decimal from_string(std::string_view s);

    constexpr std::int64_t units() const noexcept { return units_; }
    constexpr unsigned scale() const noexcept { return scale_; }

    /// Plain notation, shortest exact form: "14.37", "-0.5", "30", "0".
    CS2MARKET_DECL std::string to_string() const;

    /// The nearest double (for display or statistics, never for money arithmetic).
    CS2MARKET_DECL double to_double() const;

    /// Exact sum; empty when it does not fit.
    static constexpr std::optional<decimal> checked_add(decimal a, decimal b) noexcept;
    static constexpr std::optional<decimal> checked_sub(decimal a, decimal b) noexcept;
    /// Exact product by an integer count (e.g. unit price times quantity).
    static constexpr std::optional<decimal> checked_mul(decimal a, std::int64_t k) noexcept;

    /// Throw std::overflow_error when the exact result does not fit.
    friend decimal operator+(decimal a, decimal b) { return must(checked_add(a, b)); }
    friend decimal operator-(decimal a, decimal b) { return must(checked_sub(a, b)); }
    decimal& operator+=(decimal b) { return *this = *this + b; }
    decimal& operator-=(decimal b) { return *this = *this - b; }
    constexpr decimal operator-() const noexcept;

    friend constexpr bool operator==(decimal a, decimal b) noexcept
    {
        return a.units_ == b.units_ && a.scale_ == b.scale_; // normalized
    }
    friend constexpr std::strong_ordering operator<=>(decimal a, decimal b) noexcept { return compare(a, b); }

    friend std::ostream& operator<<(std::ostream& os, decimal d) { return os << d.to_string(); }

private:
    static constexpr std::strong_ordering compare(decimal a, decimal b) noexcept;
    static constexpr detail::int128 widen(decimal d, unsigned s) noexcept;
    static constexpr std::optional<decimal> from_wide(detail::int128 v, unsigned s) noexcept;
    CS2MARKET_DECL static decimal must(std::optional<decimal> d);
    constexpr void normalize() noexcept;

    std::int64_t units_ = 0;
    std::uint8_t scale_ = 0;
};

} // namespace cs2market

#include <cs2market/impl/decimal.hpp>

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/decimal.ipp>
#endif

#endif
