// cs2market internal: parameter values to and from their text form (query, path, header, CLI).
#ifndef CS2MARKET_DETAIL_PARAMS_HPP
#define CS2MARKET_DETAIL_PARAMS_HPP

#include <cs2market/json.hpp>

#include <string>
#include <string_view>

namespace cs2market::detail {

/// Whether a value has a text form (a scalar, or an optional / list of scalars).
template <class T>
constexpr bool has_text_form()
{
    if constexpr (is_optional<T>::value || is_vector<T>::value)
        return has_text_form<typename T::value_type>();
    else
        return std::is_same_v<T, std::string> || std::is_arithmetic_v<T> || std::is_same_v<T, decimal> ||
               is_open_enum<T>::value || is_unix_time<T>::value || std::is_same_v<T, iso_time>;
}

/// Text form of one scalar parameter value.
template <class T>
std::string scalar_to_text(const T& v)
{
    if constexpr (std::is_same_v<T, std::string>)
        return v;
    else if constexpr (std::is_same_v<T, bool>)
        return v ? "true" : "false";
    else if constexpr (integer<T>)
        return std::to_string(v);
    else if constexpr (std::is_floating_point_v<T>) {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(v)); // shortest round-trip form
        return std::string(buf, r.ptr);
    } else if constexpr (std::is_same_v<T, decimal>)
        return v.to_string();
    else if constexpr (is_open_enum<T>::value) {
        if constexpr (std::is_same_v<typename T::raw_type, std::string>)
            return v.raw();
        else
            return std::to_string(v.raw());
    } else if constexpr (is_unix_time<T>::value)
        return std::to_string(v.raw());
    else if constexpr (std::is_same_v<T, iso_time>)
        return v.to_string();
    else
        static_assert(sizeof(T) == 0, "cs2market: parameter type has no text form");
}

/// Reads one scalar parameter from text (CLI input). False when it does not parse.
template <class T>
bool scalar_from_text(std::string_view s, T& out)
{
    if constexpr (std::is_same_v<T, std::string>) {
        out.assign(s);
        return true;
    } else if constexpr (std::is_same_v<T, bool>) {
        if (s == "true" || s == "1") {
            out = true;
            return true;
        }
        if (s == "false" || s == "0") {
            out = false;
            return true;
        }
        return false;
    } else if constexpr (integer<T>) {
        return integer_from_text(s, out);
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = 0;
        if (!double_from_text(s, d))
            return false;
        out = static_cast<T>(d);
        return true;
    } else if constexpr (std::is_same_v<T, decimal>) {
        auto d = decimal::parse(s);
        if (d)
            out = *d;
        return d.has_value();
    } else if constexpr (is_open_enum<T>::value) {
        typename T::raw_type raw{};
        if (scalar_from_text(s, raw)) {
            out = T::from_wire(std::move(raw));
            return true;
        }
        // An integer enum also by its enumerator's name (orderBy=price_asc), which
        // says more than the number; string enums already take their wire text.
        if constexpr (!is_string_enum<typename T::enum_type>) {
            if (auto e = enum_from_name<typename T::enum_type>(s)) {
                out = *e;
                return true;
            }
        }
        return false;
    } else if constexpr (is_unix_time<T>::value) {
        std::int64_t raw = 0;
        if (!integer_from_text(s, raw))
            return false;
        auto t = T::from_raw(raw);
        if (t)
            out = *t;
        return t.has_value();
    } else if constexpr (std::is_same_v<T, iso_time>) {
        auto t = iso_time::parse(s);
        if (t)
            out = *t;
        return t.has_value();
    } else {
        static_assert(sizeof(T) == 0, "cs2market: parameter type has no text form");
    }
}

/// A parameter value (scalar, optional or comma-separated list) from text.
template <class T>
bool value_from_text(std::string_view s, T& out)
{
    if constexpr (is_optional<T>::value) {
        return value_from_text(s, out.emplace());
    } else if constexpr (is_vector<T>::value) {
        out.clear();
        if (s.empty())
            return true;
        for (;;) {
            auto comma = s.find(',');
            if (!scalar_from_text(s.substr(0, comma), out.emplace_back()))
                return false;
            if (comma == std::string_view::npos)
                return true;
            s.remove_prefix(comma + 1);
        }
    } else {
        return scalar_from_text(s, out);
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and `keep`).
inline void percent_encode(std::string& out, std::string_view s, std::string_view keep = {})
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : s) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~' || keep.find(static_cast<char>(c)) != std::string_view::npos;
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
}

/// Percent-encoded text of a parameter value; lists are comma-separated with
/// commas inside elements encoded. False when an optional is empty.
template <class T>
bool encode_param(const T& v, std::string& out)
{
    if constexpr (is_optional<T>::value) {
        if (!v)
            return false;
        return encode_param(*v, out);
    } else if constexpr (is_vector<T>::value) {
        bool first = true;
        for (const auto& e : v) {
            if (!first)
                out += ',';
            first = false;
            percent_encode(out, scalar_to_text(e));
        }
        return true;
    } else {
        percent_encode(out, scalar_to_text(v));
        return true;
    }
}

/// Header values must not smuggle line breaks or other control characters.
inline bool header_safe(std::string_view s) noexcept
{
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f)
            return false;
    return true;
}

} // namespace cs2market::detail

#endif
