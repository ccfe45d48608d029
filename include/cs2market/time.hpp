// cs2market: typed timestamps that remember their wire form, so re-encoding is exact.
#ifndef CS2MARKET_TIME_HPP
#define CS2MARKET_TIME_HPP

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cs2market {

using sys_nanoseconds = std::chrono::sys_time<std::chrono::nanoseconds>;

/// An ISO 8601 / RFC 3339 date-time ("2026-06-29T17:12:04Z", any number of
/// fraction digits, 'Z' or a numeric offset). Nanosecond precision is kept;
/// the number of fraction digits and the offset are kept for re-encoding.
class iso_time {
public:
    iso_time() = default;
    /// From an instant; encodes in UTC with as many fraction digits as needed.
    explicit iso_time(sys_nanoseconds tp) noexcept : tp_(tp), frac_digits_(-1) {}

    sys_nanoseconds time_point() const noexcept { return tp_; }
    std::chrono::sys_seconds seconds() const noexcept { return std::chrono::floor<std::chrono::seconds>(tp_); }
    int utc_offset_minutes() const noexcept { return offset_min_; }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". 'T' may be
    /// lowercase or a space; a missing offset is taken as UTC and kept missing.
    static std::optional<iso_time> parse(std::string_view s) noexcept
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

    /// The same form it was decoded from (digits and offset), or UTC with 'Z'.
    std::string to_string() const
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

    friend bool operator==(const iso_time& a, const iso_time& b) noexcept { return a.tp_ == b.tp_; }
    friend auto operator<=>(const iso_time& a, const iso_time& b) noexcept { return a.tp_ <=> b.tp_; }

private:
    enum class offset_kind : std::uint8_t { utc_default, zulu, numeric, none };
    sys_nanoseconds tp_{};
    int offset_min_ = 0;
    std::int8_t frac_digits_ = -1;
    offset_kind offset_kind_ = offset_kind::utc_default;
};

/// How a Unix timestamp field counts.
enum class unix_unit : std::uint8_t {
    seconds,
    milliseconds,
    automatic, ///< seconds below 10^11, milliseconds from there (10^11 s is the year 5138)
};

/// A Unix timestamp sent as a JSON number or a numeric string. Keeps the raw
/// integer and whether it was quoted, so re-encoding reproduces the input.
template <unix_unit Unit>
class unix_time {
public:
    unix_time() = default;
    explicit unix_time(std::chrono::sys_time<std::chrono::milliseconds> tp) noexcept
        : raw_(Unit == unix_unit::milliseconds ? tp.time_since_epoch().count()
                                                : std::chrono::floor<std::chrono::seconds>(tp).time_since_epoch().count()),
          is_millis_(Unit == unix_unit::milliseconds)
    {
    }

    /// From the integer on the wire. Empty when it cannot be a time (overflow).
    static std::optional<unix_time> from_raw(std::int64_t raw, bool quoted = false) noexcept
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

    std::chrono::sys_time<std::chrono::milliseconds> time_point() const noexcept
    {
        using namespace std::chrono;
        return sys_time<milliseconds>{is_millis_ ? milliseconds{raw_} : milliseconds{raw_ * 1000}};
    }
    std::chrono::sys_seconds seconds() const noexcept { return std::chrono::floor<std::chrono::seconds>(time_point()); }
    std::int64_t raw() const noexcept { return raw_; }
    bool in_milliseconds() const noexcept { return is_millis_; }
    bool quoted() const noexcept { return quoted_; }

    friend bool operator==(const unix_time& a, const unix_time& b) noexcept { return a.time_point() == b.time_point(); }
    friend auto operator<=>(const unix_time& a, const unix_time& b) noexcept { return a.time_point() <=> b.time_point(); }

private:
    std::int64_t raw_ = 0;
    bool is_millis_ = Unit == unix_unit::milliseconds;
    bool quoted_ = false;
};

using unix_seconds = unix_time<unix_unit::seconds>;
using unix_millis = unix_time<unix_unit::milliseconds>;
using unix_auto = unix_time<unix_unit::automatic>;

} // namespace cs2market

#endif
