// cs2market: decimal's constexpr bodies (usable in constant expressions, so they
// stay in headers). Included at the end of <cs2market/decimal.hpp>.
#ifndef CS2MARKET_IMPL_DECIMAL_HPP
#define CS2MARKET_IMPL_DECIMAL_HPP

#include <cs2market/decimal.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace cs2market {

constexpr decimal decimal::from_units(std::int64_t units, unsigned scale)
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

constexpr std::optional<decimal> decimal::parse(std::string_view s) noexcept
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

constexpr std::optional<decimal> decimal::checked_add(decimal a, decimal b) noexcept
{
    unsigned s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    detail::int128 x = widen(a, s), y = widen(b, s);
    return from_wide(x + y, s);
}

constexpr std::optional<decimal> decimal::checked_sub(decimal a, decimal b) noexcept
{
    b.units_ = -b.units_; // never INT64_MIN: from_units, parse and from_wide refuse it
    return checked_add(a, b);
}

constexpr std::optional<decimal> decimal::checked_mul(decimal a, std::int64_t k) noexcept
{
    return from_wide(static_cast<detail::int128>(a.units_) * k, a.scale_);
}

constexpr decimal decimal::operator-() const noexcept
{
    decimal d = *this;
    d.units_ = -d.units_;
    return d;
}

constexpr std::strong_ordering decimal::compare(decimal a, decimal b) noexcept
{
    unsigned s = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
    detail::int128 x = widen(a, s), y = widen(b, s);
    return x < y ? std::strong_ordering::less : x > y ? std::strong_ordering::greater : std::strong_ordering::equal;
}

constexpr detail::int128 decimal::widen(decimal d, unsigned s) noexcept
{
    detail::int128 v = d.units_;
    for (unsigned k = d.scale_; k < s; ++k)
        v *= 10;
    return v;
}

constexpr std::optional<decimal> decimal::from_wide(detail::int128 v, unsigned s) noexcept
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

constexpr void decimal::normalize() noexcept
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

} // namespace cs2market

#endif
