// cs2market: decimal's non-constexpr bodies. Compiled in every TU that includes
// <cs2market/decimal.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_DECIMAL_IPP
#define CS2MARKET_IMPL_DECIMAL_IPP

#include <cs2market/decimal.hpp>

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cs2market {

decimal decimal::from_string(std::string_view s)
{
    if (auto d = parse(s))
        return *d;
    throw std::invalid_argument("cs2market::decimal: not an exact decimal number: " + std::string(s));
}

std::string decimal::to_string() const
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

double decimal::to_double() const
{
    std::string s = to_string();
    double d = 0;
    std::from_chars(s.data(), s.data() + s.size(), d); // locale-independent, unlike strtod
    return d;
}

decimal decimal::must(std::optional<decimal> d)
{
    if (!d)
        throw std::overflow_error("cs2market::decimal: result does not fit exactly");
    return *d;
}

} // namespace cs2market

#endif
