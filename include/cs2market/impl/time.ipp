// cs2market: iso_time's bodies. Compiled in every TU that includes
// <cs2market/time.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_TIME_IPP
#define CS2MARKET_IMPL_TIME_IPP

#include <cs2market/time.hpp>

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
    // sys_time<nanoseconds> spans 1677-09-21 .. 2262-04-11; refuse what it cannot hold.
    if (!ymd.ok() || h > 23 || mi > 59 || se > 59 || y < 1678 || y > 2261)
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
    auto local = sys_days{ymd} + hours{h} + minutes{mi} + std::chrono::seconds{se} + nanoseconds{frac_ns};
    t.tp_ = local - minutes{t.offset_min_};
    return t;
}

std::string iso_time::to_string() const
{
    using namespace std::chrono;
    auto local = tp_ + minutes{offset_min_};
    auto day = floor<days>(local);
    year_month_day ymd{day};
    auto tod = local - day;
    auto h = duration_cast<hours>(tod);
    auto mi = duration_cast<minutes>(tod - h);
    auto se = duration_cast<std::chrono::seconds>(tod - h - mi);
    auto ns = (tod - h - mi - se).count();
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
