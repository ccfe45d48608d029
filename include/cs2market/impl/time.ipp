// cs2market: iso_time's bodies. Compiled in every TU that includes
// <cs2market/time.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_TIME_IPP
#define CS2MARKET_IMPL_TIME_IPP

#include <cs2market/detail/int128.hpp>
#include <cs2market/time.hpp>

#include <cstdint>
#include <limits>

namespace cs2market {

std::optional<iso_time> iso_time::parse(std::string_view s) noexcept
{
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        if (pos + len > s.size())
            return false;
        int v = 0;
        for (std::size_t k = pos; k < pos + len; ++k) {
            if (s[k] < '0' || s[k] > '9')
                return false;
            v = v * 10 + (s[k] - '0');
        }
        out = v;
        return true;
    };
    int y, mo, d, h, mi, se;
    if (!num(0, 4, y) || s.size() < 19 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
        !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) ||
        s[16] != ':' || !num(17, 2, se))
        return std::nullopt;
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 59)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t frac_ns = 0;
    int digits = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 9) {
                frac_ns = frac_ns * 10 + (s[i] - '0');
                ++digits;
            }
            ++i;
        }
        if (i == start)
            return std::nullopt;
        for (int k = digits; k < 9; ++k)
            frac_ns *= 10;
    } else {
        digits = 0;
    }
    iso_time t;
    t.frac_digits_ = static_cast<std::int8_t>(digits);
    if (i == s.size()) {
        t.offset_kind_ = offset_kind::none;
    } else if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
        t.offset_kind_ = offset_kind::zulu;
    } else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && s[i + 3] == ':') {
        int oh, om;
        if (!num(i + 1, 2, oh) || !num(i + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        t.offset_min_ = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
        t.offset_kind_ = offset_kind::numeric;
    } else {
        return std::nullopt;
    }
    // sys_time<nanoseconds> spans 1677-09-21T00:12:43.145224192Z ..
    // 2262-04-11T23:47:16.854775807Z: every instant in it parses (whatever the
    // offset), nothing outside it does. Computed wide, so nothing wraps.
    const std::int64_t secs = static_cast<std::int64_t>(sys_days{ymd}.time_since_epoch().count()) * 86400 + h * 3600 +
                              mi * 60 + se - std::int64_t{t.offset_min_} * 60;
    const detail::int128 ns = static_cast<detail::int128>(secs) * 1'000'000'000 + frac_ns;
    if (ns < std::numeric_limits<std::int64_t>::min() || ns > std::numeric_limits<std::int64_t>::max())
        return std::nullopt;
    t.tp_ = sys_nanoseconds{nanoseconds{static_cast<std::int64_t>(ns)}};
    return t;
}

std::string iso_time::to_string() const
{
    using namespace std::chrono;
    // In whole seconds first, by integer division: at the clock's edges neither
    // floor<seconds> (which compares in nanoseconds) nor the local time (the
    // instant plus its offset) fits nanoseconds.
    const std::int64_t count = tp_.time_since_epoch().count();
    std::int64_t whole = count / 1'000'000'000, ns = count % 1'000'000'000;
    if (ns < 0) {
        ns += 1'000'000'000;
        --whole;
    }
    const std::int64_t local = whole + std::int64_t{offset_min_} * 60;
    const std::int64_t day_no = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    const year_month_day ymd{sys_days{days{day_no}}};
    const std::int64_t tod = local - day_no * 86400;
    const hours h{tod / 3600};
    const minutes mi{tod / 60 % 60};
    const std::chrono::seconds se{tod % 60};
    char buf[64];
    std::size_t p = 0;
    auto put = [&](long v, int w) {
        char tmp[16];
        int n = 0;
        bool neg = v < 0;
        unsigned long u = neg ? static_cast<unsigned long>(-v) : static_cast<unsigned long>(v);
        do {
            tmp[n++] = static_cast<char>('0' + u % 10);
            u /= 10;
        } while (u);
        while (n < w)
            tmp[n++] = '0';
        if (neg)
            buf[p++] = '-';
        while (n)
            buf[p++] = tmp[--n];
    };
    put(static_cast<int>(ymd.year()), 4);
    buf[p++] = '-';
    put(static_cast<unsigned>(ymd.month()), 2);
    buf[p++] = '-';
    put(static_cast<unsigned>(ymd.day()), 2);
    buf[p++] = 'T';
    put(h.count(), 2);
    buf[p++] = ':';
    put(mi.count(), 2);
    buf[p++] = ':';
    put(se.count(), 2);
    int digits = frac_digits_;
    if (digits < 0) { // shortest exact
        digits = 9;
        auto v = ns;
        while (digits > 0 && v % 10 == 0) {
            v /= 10;
            --digits;
        }
    }
    if (digits > 0) {
        buf[p++] = '.';
        long v = static_cast<long>(ns);
        for (int k = digits; k < 9; ++k)
            v /= 10;
        put(v, digits);
    }
    if (offset_kind_ == offset_kind::zulu || offset_kind_ == offset_kind::utc_default) {
        buf[p++] = 'Z';
    } else if (offset_kind_ == offset_kind::numeric) {
        int o = offset_min_ < 0 ? -offset_min_ : offset_min_;
        buf[p++] = offset_min_ < 0 ? '-' : '+';
        put(o / 60, 2);
        buf[p++] = ':';
        put(o % 60, 2);
    }
    return std::string(buf, p);
}

} // namespace cs2market

#endif
