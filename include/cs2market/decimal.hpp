// cs2market: exact decimal for money. No binary floating point inside.
#ifndef CS2MARKET_DECIMAL_HPP
#define CS2MARKET_DECIMAL_HPP

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

namespace detail {
// 128-bit intermediates keep every sum and comparison of two decimals exact.
// __extension__ keeps -Wpedantic quiet about the GCC/Clang builtin type.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;
} // namespace detail

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
    static constexpr decimal from_units(std::int64_t units, unsigned scale)
    {
        if (scale > max_scale)
            throw std::out_of_range("cs2market::decimal: scale above 18");
        if (units == INT64_MIN) // its negation does not fit; every other value's does
            throw std::out_of_range("cs2market::decimal: units out of range");
        decimal d;
        d.units_ = units;
        d.scale_ = static_cast<std::uint8_t>(scale);
        d.normalize();
        return d;
    }

    /// Parses JSON number syntax (`-14.37`, `30`, `3.01E1`, `1e-2`); no spaces,
    /// no leading '+'. Empty optional when the text is not a number or does not
    /// fit exactly (digits beyond a 64-bit integer, or more than 18 fraction digits).
    static constexpr std::optional<decimal> parse(std::string_view s) noexcept
    {
        std::size_t i = 0;
        const std::size_t n = s.size();
        bool neg = false;
        if (i < n && s[i] == '-') {
            neg = true;
            ++i;
        }
        if (i >= n)
            return std::nullopt;
        // Mantissa digits, leading zeros skipped; trailing fraction zeros trimmed later.
        detail::uint128 mant = 0;
        int digits = 0;      // significant digits accumulated
        int frac = 0;        // fraction digits accumulated into mant
        bool any = false;
        int pending_zeros = 0; // fraction zeros not yet multiplied in (trimmed if trailing)
        if (s[i] == '0') {
            any = true;
            ++i;
            if (i < n && s[i] >= '0' && s[i] <= '9')
                return std::nullopt; // JSON forbids leading zeros
        } else {
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                any = true;
                mant = mant * 10 + static_cast<unsigned>(s[i] - '0');
                if (mant != 0 && ++digits > 19)
                    return std::nullopt;
                ++i;
            }
        }
        if (!any)
            return std::nullopt;
        if (i < n && s[i] == '.') {
            ++i;
            bool fd = false;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                fd = true;
                if (s[i] == '0') {
                    ++pending_zeros;
                } else {
                    for (; pending_zeros > 0; --pending_zeros) {
                        mant *= 10;
                        ++frac;
                        if (mant != 0 && ++digits > 19)
                            return std::nullopt;
                    }
                    mant = mant * 10 + static_cast<unsigned>(s[i] - '0');
                    ++frac;
                    if (++digits > 19)
                        return std::nullopt;
                }
                ++i;
            }
            if (!fd)
                return std::nullopt;
        }
        long exp = 0;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            ++i;
            bool eneg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                eneg = s[i] == '-';
                ++i;
            }
            bool ed = false;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                ed = true;
                if (exp < 100000)
                    exp = exp * 10 + (s[i] - '0');
                ++i;
            }
            if (!ed)
                return std::nullopt;
            if (eneg)
                exp = -exp;
        }
        if (i != n)
            return std::nullopt;
        long scale = frac - exp;
        if (mant == 0)
            return decimal{};
        while (scale < 0) {
            mant *= 10;
            ++scale;
            if (mant > static_cast<detail::uint128>(INT64_MAX))
                return std::nullopt;
        }
        while (scale > 0 && mant % 10 == 0) {
            mant /= 10;
            --scale;
        }
        if (scale > static_cast<long>(max_scale) || mant > static_cast<detail::uint128>(INT64_MAX))
            return std::nullopt;
        decimal d;
        d.units_ = neg ? -static_cast<std::int64_t>(mant) : static_cast<std::int64_t>(mant);
        d.scale_ = static_cast<std::uint8_t>(scale);
        return d;
    }

    /// Like parse(), throwing std::invalid_argument on bad text.
    static decimal from_string(std::string_view s)
    {
        if (auto d = parse(s))
            return *d;
        throw std::invalid_argument("cs2market::decimal: not an exact decimal number: " + std::string(s));
    }

    constexpr std::int64_t units() const noexcept { return units_; }
    constexpr unsigned scale() const noexcept { return scale_; }

    /// Plain notation, shortest exact form: "14.37", "-0.5", "30", "0".
    std::string to_string() const
    {
        char buf[48];
        std::uint64_t mag = units_ < 0 ? 0 - static_cast<std::uint64_t>(units_) : static_cast<std::uint64_t>(units_);
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, mag);
        (void)ec;
        std::size_t nd = static_cast<std::size_t>(end - digits);
        std::size_t p = 0;
        if (units_ < 0)
            buf[p++] = '-';
        if (nd <= scale_) {
            buf[p++] = '0';
            buf[p++] = '.';
            for (std::size_t z = nd; z < scale_; ++z)
                buf[p++] = '0';
            for (std::size_t k = 0; k < nd; ++k)
                buf[p++] = digits[k];
        } else {
            std::size_t ip = nd - scale_;
            for (std::size_t k = 0; k < ip; ++k)
                buf[p++] = digits[k];
            if (scale_ > 0) {
                buf[p++] = '.';
                for (std::size_t k = ip; k < nd; ++k)
                    buf[p++] = digits[k];
            }
        }
        return std::string(buf, p);
    }

    /// The nearest double (for display or statistics, never for money arithmetic).
    double to_double() const
    {
        std::string s = to_string();
        double d = 0;
        std::from_chars(s.data(), s.data() + s.size(), d); // locale-independent, unlike strtod
        return d;
    }

    /// Exact sum; empty when it does not fit.
    static constexpr std::optional<decimal> checked_add(decimal a, decimal b) noexcept
    {
        unsigned s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
        detail::int128 x = widen(a, s), y = widen(b, s);
        return from_wide(x + y, s);
    }
    static constexpr std::optional<decimal> checked_sub(decimal a, decimal b) noexcept
    {
        b.units_ = -b.units_; // never INT64_MIN: from_units, parse and from_wide refuse it
        return checked_add(a, b);
    }
    /// Exact product by an integer count (e.g. unit price times quantity).
    static constexpr std::optional<decimal> checked_mul(decimal a, std::int64_t k) noexcept
    {
        return from_wide(static_cast<detail::int128>(a.units_) * k, a.scale_);
    }

    /// Throw std::overflow_error when the exact result does not fit.
    friend decimal operator+(decimal a, decimal b) { return must(checked_add(a, b)); }
    friend decimal operator-(decimal a, decimal b) { return must(checked_sub(a, b)); }
    decimal& operator+=(decimal b) { return *this = *this + b; }
    decimal& operator-=(decimal b) { return *this = *this - b; }
    constexpr decimal operator-() const noexcept
    {
        decimal d = *this;
        d.units_ = -d.units_;
        return d;
    }

    friend constexpr bool operator==(decimal a, decimal b) noexcept
    {
        return a.units_ == b.units_ && a.scale_ == b.scale_; // normalized
    }
    friend constexpr std::strong_ordering operator<=>(decimal a, decimal b) noexcept
    {
        unsigned s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
        detail::int128 x = widen(a, s), y = widen(b, s);
        return x < y ? std::strong_ordering::less : x > y ? std::strong_ordering::greater : std::strong_ordering::equal;
    }

    friend std::ostream& operator<<(std::ostream& os, decimal d) { return os << d.to_string(); }

private:
    static constexpr detail::int128 widen(decimal d, unsigned s) noexcept
    {
        detail::int128 v = d.units_;
        for (unsigned k = d.scale_; k < s; ++k)
            v *= 10;
        return v;
    }
    static constexpr std::optional<decimal> from_wide(detail::int128 v, unsigned s) noexcept
    {
        while (s > 0 && v % 10 == 0) {
            v /= 10;
            --s;
        }
        if (v > INT64_MAX || v < -static_cast<detail::int128>(INT64_MAX))
            return std::nullopt;
        decimal d;
        d.units_ = static_cast<std::int64_t>(v);
        d.scale_ = static_cast<std::uint8_t>(s);
        return d;
    }
    static decimal must(std::optional<decimal> d)
    {
        if (!d)
            throw std::overflow_error("cs2market::decimal: result does not fit exactly");
        return *d;
    }
    constexpr void normalize() noexcept
    {
        if (units_ == 0) {
            scale_ = 0;
            return;
        }
        while (scale_ > 0 && units_ % 10 == 0) {
            units_ /= 10;
            --scale_;
        }
    }

    std::int64_t units_ = 0;
    std::uint8_t scale_ = 0;
};

} // namespace cs2market

#endif
