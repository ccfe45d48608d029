// cs2market internal: encoding straight into a string.
#ifndef CS2MARKET_DETAIL_JSON_WRITER_HPP
#define CS2MARKET_DETAIL_JSON_WRITER_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/detail/json_traits.hpp>
#include <cs2market/open_enum.hpp>
#include <cs2market/raw_json.hpp>
#include <cs2market/time.hpp>

#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace cs2market::detail {

/// Appends `s` as a JSON string (quoted, escaped).
CS2MARKET_DECL void write_string(std::string& out, std::string_view s);

/// Appends the value at `idx` of a built tape as compact JSON, numbers as written.
CS2MARKET_DECL void write_raw(const tape& t, std::uint32_t idx, std::string& out);

/// Appends the JSON for `v` (any type the codec maps).
template <class T>
void encode_value(std::string& out, const T& v)
{
    if constexpr (is_optional<T>::value) {
        if (v)
            encode_value(out, *v);
        else
            out += "null";
    } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (integer<T>) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(v)) {
            out += "null"; // JSON has no NaN or infinity
            return;
        }
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(v));
        out.append(buf, r.ptr);
    } else if constexpr (std::is_same_v<T, std::string>) {
        write_string(out, v);
    } else if constexpr (std::is_same_v<T, decimal>) {
        out += v.to_string();
    } else if constexpr (std::is_same_v<T, iso_time>) {
        write_string(out, v.to_string());
    } else if constexpr (is_unix_time<T>::value) {
        if (v.quoted())
            out += '"';
        out += std::to_string(v.raw());
        if (v.quoted())
            out += '"';
    } else if constexpr (is_open_enum<T>::value) {
        encode_value(out, v.raw());
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out += v.text.empty() ? std::string_view("null") : std::string_view(v.text);
    } else if constexpr (is_vector<T>::value) {
        out += '[';
        bool first = true;
        for (const auto& e : v) {
            if (!first)
                out += ',';
            first = false;
            encode_value(out, e);
        }
        out += ']';
    } else if constexpr (is_string_map<T>::value) {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v) {
            if (!first)
                out += ',';
            first = false;
            write_string(out, k);
            out += ':';
            encode_value(out, e);
        }
        out += '}';
    } else if constexpr (described_struct<T>) {
        using tbl = struct_table<T>;
        out += '{';
        bool first = true;
        std::size_t i = 0;
        boost::mp11::mp_for_each<typename tbl::members>([&](auto D) {
            const auto& m = v.*D.pointer;
            std::size_t k = i++;
            if constexpr (is_optional<std::remove_cvref_t<decltype(m)>>::value)
                if (!m)
                    return; // absent optional members are left out, not sent as null
            if (!first)
                out += ',';
            first = false;
            write_string(out, tbl::keys[k]);
            out += ':';
            encode_value(out, m);
        });
        out += '}';
    } else {
        static_assert(sizeof(T) == 0, "cs2market: no JSON mapping for this type");
    }
}

} // namespace cs2market::detail

#endif
