// cs2market: typed timestamps that remember their wire form, so re-encoding is exact.
#ifndef CS2MARKET_TIME_HPP
#define CS2MARKET_TIME_HPP

#include <cs2market/detail/config.hpp>

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
    std::chrono::sys_seconds seconds() const noexcept
    {
        // Not floor<seconds>: it compares in nanoseconds, which overflows at the clock's lower edge.
        const auto c = tp_.time_since_epoch().count();
        return std::chrono::sys_seconds{std::chrono::seconds{c / 1'000'000'000 - (c % 1'000'000'000 < 0 ? 1 : 0)}};
    }
    int utc_offset_minutes() const noexcept { return offset_min_; }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". 'T' may be
    /// lowercase or a space; a missing offset is taken as UTC and kept missing.
    /// Every instant sys_nanoseconds holds parses (1677-09-21T00:12:43.145224192Z
    /// to 2262-04-11T23:47:16.854775807Z) and re-encodes; nothing else does.
    CS2MARKET_DECL static std::optional<iso_time> parse(std::string_view s) noexcept;

    /// The same form it was decoded from (digits and offset), or UTC with 'Z'.
    CS2MARKET_DECL std::string to_string() const;

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
    /// From an instant, counted in Unit. unix_unit::automatic counts seconds, or
    /// milliseconds where that many seconds would be read back as milliseconds
    /// (from 10^11 s, the year 5138), so that the value re-encodes as itself.
    explicit unix_time(std::chrono::sys_time<std::chrono::milliseconds> tp) noexcept;

    /// From the integer on the wire. Empty when it cannot be a time (overflow).
    static std::optional<unix_time> from_raw(std::int64_t raw, bool quoted = false) noexcept;

    std::chrono::sys_time<std::chrono::milliseconds> time_point() const noexcept;
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

#include <cs2market/impl/time.hpp>

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/time.ipp>
#endif

#endif
