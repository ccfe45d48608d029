// cs2market: unix_time's template bodies. Included at the end of <cs2market/time.hpp>.
#ifndef CS2MARKET_IMPL_TIME_HPP
#define CS2MARKET_IMPL_TIME_HPP

#include <cs2market/time.hpp>

namespace cs2market {

template <unix_unit Unit>
unix_time<Unit>::unix_time(std::chrono::sys_time<std::chrono::milliseconds> tp) noexcept
    : raw_(Unit == unix_unit::milliseconds ? tp.time_since_epoch().count()
                                            : std::chrono::floor<std::chrono::seconds>(tp).time_since_epoch().count()),
      is_millis_(Unit == unix_unit::milliseconds)
{
    // from_raw reads automatic values from 10^11 on as milliseconds: count those so.
    if (Unit == unix_unit::automatic && (raw_ >= 100'000'000'000LL || raw_ <= -100'000'000'000LL)) {
        raw_ = tp.time_since_epoch().count();
        is_millis_ = true;
    }
}

template <unix_unit Unit>
std::optional<unix_time<Unit>> unix_time<Unit>::from_raw(std::int64_t raw, bool quoted) noexcept
{
    constexpr std::int64_t lim = 9'000'000'000'000'000LL / 1000;
    bool ms = Unit == unix_unit::milliseconds ||
              (Unit == unix_unit::automatic && (raw >= 100'000'000'000LL || raw <= -100'000'000'000LL));
    if (!ms && (raw > lim || raw < -lim))
        return std::nullopt;
    unix_time t;
    t.raw_ = raw;
    t.is_millis_ = ms;
    t.quoted_ = quoted;
    return t;
}

template <unix_unit Unit>
std::chrono::sys_time<std::chrono::milliseconds> unix_time<Unit>::time_point() const noexcept
{
    using namespace std::chrono;
    return sys_time<milliseconds>{is_millis_ ? milliseconds{raw_} : milliseconds{raw_ * 1000}};
}

} // namespace cs2market

#endif
