// cs2market: one Describe-driven JSON codec for every generated type.
//
//   auto r = cs2market::from_json<csboard::Order>(body);   // result<Order>, never throws
//   if (!r) std::cerr << r.error().message();             // "items[1].price_usd: expected number, got string"
//   std::string s = cs2market::to_json(*r);
//
// Unknown keys are skipped at every level; missing optional keys and nulls for
// nullable members decode to std::nullopt; missing required keys, wrong types,
// malformed, truncated, too large or too deeply nested input give an error.
#ifndef CS2MARKET_JSON_HPP
#define CS2MARKET_JSON_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/error.hpp>
#include <cs2market/open_enum.hpp>
#include <cs2market/raw_json.hpp>
#include <cs2market/time.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <bitset>
#include <map>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cs2market {

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A> struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T> struct is_open_enum : std::false_type {};
template <class E> struct is_open_enum<open_enum<E>> : std::true_type {};
template <class T> struct is_unix_time : std::false_type {};
template <unix_unit U> struct is_unix_time<unix_time<U>> : std::true_type {};

template <class T>
concept described_struct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template <class T>
concept integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// ---------------------------------------------------------------------------
// Per-struct tables, computed at compile time.

template <class T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

template <class T>
struct struct_table {
    using members = members_of<T>;
    static constexpr std::size_t size = boost::mp11::mp_size<members>::value;

    /// Wire keys in member order: the member names, or T::cs2market_wire_keys when
    /// the generator had to rename a member (a keyword or a non-identifier key).
    static constexpr std::array<std::string_view, size> keys = [] {
        std::array<std::string_view, size> a{};
        if constexpr (requires { T::cs2market_wire_keys; }) {
            for (std::size_t i = 0; i < size; ++i)
                a[i] = T::cs2market_wire_keys[i];
        } else {
            std::size_t i = 0;
            boost::mp11::mp_for_each<members>([&](auto D) { a[i++] = D.name; });
        }
        return a;
    }();

    struct entry {
        std::string_view key;
        std::uint16_t index;
    };
    /// Sorted by key, for binary search.
    static constexpr std::array<entry, size> sorted = [] {
        std::array<entry, size> a{};
        for (std::size_t i = 0; i < size; ++i)
            a[i] = entry{keys[i], static_cast<std::uint16_t>(i)};
        for (std::size_t i = 1; i < size; ++i)
            for (std::size_t j = i; j > 0 && a[j].key < a[j - 1].key; --j) {
                auto t = a[j];
                a[j] = a[j - 1];
                a[j - 1] = t;
            }
        return a;
    }();

    static constexpr std::array<bool, size> required = [] {
        std::array<bool, size> a{};
        std::size_t i = 0;
        boost::mp11::mp_for_each<members>([&](auto D) {
            using M = std::remove_cvref_t<decltype(std::declval<T&>().*D.pointer)>;
            a[i++] = !is_optional<M>::value;
        });
        return a;
    }();

    static int find(std::string_view key) noexcept
    {
        std::size_t lo = 0, hi = size;
        while (lo < hi) {
            std::size_t mid = (lo + hi) / 2;
            if (sorted[mid].key < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < size && sorted[lo].key == key ? sorted[lo].index : -1;
    }
};

// ---------------------------------------------------------------------------
// Decoding from the tape.

class decode_ctx {
public:
    decode_ctx(const tape& t, const codec_options& o) : t(t), opt(o) { path_.reserve(16); }

    const tape& t;
    const codec_options& opt;
    error err;

    void push_key(std::string_view k) { path_.push_back(seg{k, 0, true}); }
    void push_index(std::size_t i) { path_.push_back(seg{{}, i, false}); }
    void pop() { path_.pop_back(); }

    bool fail(std::string what)
    {
        err.kind = error_kind::decode;
        err.detail = std::move(what);
        err.json_path = path();
        return false;
    }
    bool mismatch(std::string_view expected, std::uint32_t idx)
    {
        return fail("expected " + std::string(expected) + ", got " + std::string(kind_name(t.nodes[idx].kind)));
    }
    std::string path() const
    {
        std::string p = prefix;
        for (auto& s : path_) {
            if (s.is_key) {
                if (!p.empty())
                    p += '.';
                p += s.key;
            } else {
                p += '[';
                p += std::to_string(s.index);
                p += ']';
            }
        }
        return p;
    }
    std::string prefix;

private:
    struct seg {
        std::string_view key;
        std::size_t index;
        bool is_key;
    };
    std::vector<seg> path_;
};

template <class T>
bool decode_value(decode_ctx& c, std::uint32_t idx, T& out);

template <class I>
bool integer_from_text(std::string_view s, I& out)
{
    if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out); ec == std::errc() && p == s.data() + s.size())
        return true;
    // "1.0" or "1e3" are integers too, when exact.
    auto d = decimal::parse(s);
    if (!d || d->scale() != 0)
        return false;
    auto v = d->units();
    if (v < static_cast<std::int64_t>(std::numeric_limits<I>::min()) ||
        (v > 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<I>::max())))
        return false;
    out = static_cast<I>(v);
    return true;
}

template <class I>
bool decode_integer(decode_ctx& c, std::uint32_t idx, I& out)
{
    const jnode& n = c.t.nodes[idx];
    if (n.kind == jkind::number) {
        if (n.num == jnum::int64) {
            if (n.i < static_cast<std::int64_t>(std::numeric_limits<I>::min()) ||
                (n.i > 0 && static_cast<std::uint64_t>(n.i) > static_cast<std::uint64_t>(std::numeric_limits<I>::max())))
                return c.fail("integer " + std::string(c.t.text(n)) + " out of range");
            out = static_cast<I>(n.i);
            return true;
        }
        if (n.num == jnum::uint64) {
            if (n.u > static_cast<std::uint64_t>(std::numeric_limits<I>::max()))
                return c.fail("integer " + std::string(c.t.text(n)) + " out of range");
            out = static_cast<I>(n.u);
            return true;
        }
        if (integer_from_text(c.t.text(n), out))
            return true;
        return c.fail("expected integer, got " + std::string(c.t.text(n)));
    }
    if (n.kind == jkind::string && c.opt.numbers_from_strings) {
        if (integer_from_text(c.t.text(n), out))
            return true;
        return c.fail("expected integer, got string \"" + std::string(c.t.text(n).substr(0, 40)) + "\"");
    }
    return c.mismatch("integer", idx);
}

inline bool double_from_text(std::string_view s, double& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

inline void write_raw(const tape& t, std::uint32_t idx, std::string& out);

template <class T>
bool decode_struct(decode_ctx& c, std::uint32_t idx, T& out)
{
    using tbl = struct_table<T>;
    const jnode& n = c.t.nodes[idx];
    if (n.kind != jkind::object)
        return c.mismatch("object", idx);
    if constexpr (tbl::size == 0) {
        return true; // nothing to fill (e.g. an operation without parameters)
    } else {
        std::bitset<tbl::size + 1> seen;
        for (std::uint32_t i = idx + 1; i < n.end;) {
            std::uint32_t v = i + 1;
            std::string_view key = c.t.text(i);
            int m = tbl::find(key);
            if (m >= 0) {
                seen.set(static_cast<std::size_t>(m));
                c.push_key(key);
                bool ok = boost::mp11::mp_with_index<tbl::size>(static_cast<std::size_t>(m), [&](auto I) {
                    using D = boost::mp11::mp_at_c<typename tbl::members, I>;
                    return decode_value(c, v, out.*D::pointer);
                });
                if (!ok)
                    return false;
                c.pop();
            }
            i = c.t.nodes[v].end;
        }
        for (std::size_t m = 0; m < tbl::size; ++m)
            if (tbl::required[m] && !seen.test(m)) {
                c.push_key(tbl::keys[m]);
                return c.fail("missing required key");
            }
        return true;
    }
}

template <class T>
bool decode_value(decode_ctx& c, std::uint32_t idx, T& out)
{
    const jnode& n = c.t.nodes[idx];
    if constexpr (is_optional<T>::value) {
        if (n.kind == jkind::null) {
            out.reset();
            return true;
        }
        return decode_value(c, idx, out.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
        if (n.kind != jkind::boolean)
            return c.mismatch("boolean", idx);
        out = n.flag;
        return true;
    } else if constexpr (integer<T>) {
        return decode_integer(c, idx, out);
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = 0;
        if (n.kind == jkind::number) {
            if (n.num == jnum::int64)
                d = static_cast<double>(n.i);
            else if (n.num == jnum::uint64)
                d = static_cast<double>(n.u);
            else if (!double_from_text(c.t.text(n), d))
                return c.fail("number " + std::string(c.t.text(n)) + " out of range");
        } else if (n.kind == jkind::string && c.opt.numbers_from_strings) {
            if (!double_from_text(c.t.text(n), d))
                return c.fail("expected number, got string \"" + std::string(c.t.text(n).substr(0, 40)) + "\"");
        } else {
            return c.mismatch("number", idx);
        }
        out = static_cast<T>(d);
        return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (n.kind == jkind::string || (n.kind == jkind::number && c.opt.strings_from_numbers)) {
            out.assign(c.t.text(n));
            return true;
        }
        return c.mismatch("string", idx);
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (n.kind == jkind::number || (n.kind == jkind::string && c.opt.numbers_from_strings)) {
            if (auto d = decimal::parse(c.t.text(n))) {
                out = *d;
                return true;
            }
            return c.fail("\"" + std::string(c.t.text(n).substr(0, 40)) +
                          "\" is not an exact decimal (its digits must fit 64 bits, at most 18 after the point)");
        }
        return c.mismatch("number", idx);
    } else if constexpr (std::is_same_v<T, iso_time>) {
        if (n.kind != jkind::string)
            return c.mismatch("date-time string", idx);
        if (auto t = iso_time::parse(c.t.text(n))) {
            out = *t;
            return true;
        }
        return c.fail("\"" + std::string(c.t.text(n).substr(0, 40)) + "\" is not an ISO 8601 date-time");
    } else if constexpr (is_unix_time<T>::value) {
        std::int64_t raw = 0;
        bool quoted = n.kind == jkind::string;
        if (n.kind == jkind::number) {
            if (!decode_integer(c, idx, raw))
                return false;
        } else if (quoted) {
            if (!integer_from_text(c.t.text(n), raw))
                return c.fail("expected Unix timestamp, got string \"" + std::string(c.t.text(n).substr(0, 40)) + "\"");
        } else {
            return c.mismatch("Unix timestamp", idx);
        }
        if (auto t = T::from_raw(raw, quoted)) {
            out = *t;
            return true;
        }
        return c.fail("Unix timestamp " + std::to_string(raw) + " out of range");
    } else if constexpr (is_open_enum<T>::value) {
        using E = typename T::enum_type;
        if constexpr (is_string_enum<E>) {
            if (n.kind == jkind::string || (n.kind == jkind::number && c.opt.strings_from_numbers)) {
                out = T::from_wire(std::string(c.t.text(n)));
                return true;
            }
            return c.mismatch("string", idx);
        } else {
            std::int64_t v = 0;
            if (!decode_integer(c, idx, v))
                return false;
            out = T::from_wire(v);
            return true;
        }
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out.text.clear();
        write_raw(c.t, idx, out.text);
        return true;
    } else if constexpr (is_vector<T>::value) {
        if (n.kind != jkind::array)
            return c.mismatch("array", idx);
        out.clear();
        out.reserve(n.len);
        std::size_t k = 0;
        for (std::uint32_t i = idx + 1; i < n.end; i = c.t.nodes[i].end, ++k) {
            c.push_index(k);
            if (!decode_value(c, i, out.emplace_back()))
                return false;
            c.pop();
        }
        return true;
    } else if constexpr (is_string_map<T>::value) {
        if (n.kind != jkind::object)
            return c.mismatch("object", idx);
        out.clear();
        for (std::uint32_t i = idx + 1; i < n.end;) {
            std::uint32_t v = i + 1;
            std::string_view key = c.t.text(i);
            c.push_key(key);
            if (!decode_value(c, v, out[std::string(key)]))
                return false;
            c.pop();
            i = c.t.nodes[v].end;
        }
        return true;
    } else if constexpr (described_struct<T>) {
        return decode_struct(c, idx, out);
    } else {
        static_assert(sizeof(T) == 0, "cs2market: no JSON mapping for this type");
    }
}

// ---------------------------------------------------------------------------
// Encoding straight into a string.

inline void write_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            out += "\\u00";
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

inline void write_raw(const tape& t, std::uint32_t idx, std::string& out)
{
    const jnode& n = t.nodes[idx];
    switch (n.kind) {
    case jkind::object: {
        out += '{';
        bool first = true;
        for (std::uint32_t i = idx + 1; i < n.end;) {
            if (!first)
                out += ',';
            first = false;
            write_string(out, t.text(i));
            out += ':';
            write_raw(t, i + 1, out);
            i = t.nodes[i + 1].end;
        }
        out += '}';
        break;
    }
    case jkind::array: {
        out += '[';
        for (std::uint32_t i = idx + 1; i < n.end; i = t.nodes[i].end) {
            if (i != idx + 1)
                out += ',';
            write_raw(t, i, out);
        }
        out += ']';
        break;
    }
    case jkind::string:
    case jkind::key: write_string(out, t.text(n)); break;
    case jkind::number: out += t.text(n); break;
    case jkind::boolean: out += n.flag ? "true" : "false"; break;
    case jkind::null: out += "null"; break;
    }
}

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

/// Default options for T: generated provider namespaces define
/// `cs2market_codec_options(const void*)`, found here through ADL on T.
template <class T>
constexpr codec_options default_codec_options() noexcept
{
    if constexpr (requires { cs2market_codec_options(static_cast<const T*>(nullptr)); })
        return cs2market_codec_options(static_cast<const T*>(nullptr));
    else
        return codec_options{};
}

/// Decodes the value at `idx` of a built tape; `prefix` starts the JSON path of errors.
template <class T>
bool decode_node(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix, T& out, error& err)
{
    decode_ctx c(t, opt);
    c.prefix = std::move(prefix);
    if (decode_value(c, idx, out))
        return true;
    err = std::move(c.err);
    return false;
}

} // namespace detail

using detail::default_codec_options;

/// Decodes `json` into a T. Never throws (except std::bad_alloc).
template <class T>
result<T> from_json(std::string_view json, const codec_options& opt = default_codec_options<T>())
{
    detail::tape t;
    error err;
    if (!detail::build_tape(json, t, opt, err))
        return err;
    T out{};
    if (!detail::decode_node(t, 0, opt, {}, out, err))
        return err;
    return out;
}

/// Compact JSON for `v`. Absent optional members are omitted; decimals are plain numbers.
template <class T>
std::string to_json(const T& v)
{
    std::string out;
    detail::encode_value(out, v);
    return out;
}

/// Appends the JSON for `v` to `out` (reuses its capacity).
template <class T>
void to_json(const T& v, std::string& out)
{
    detail::encode_value(out, v);
}

/// `os << value` prints a generated type as its JSON. Generated provider
/// namespaces pull this in with a using-declaration, so ADL finds it (and so
/// test frameworks can print `result<T>`).
namespace io {
template <class T>
    requires detail::described_struct<T>
std::ostream& operator<<(std::ostream& os, const T& v)
{
    return os << to_json(v);
}
} // namespace io

inline std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.message(); }

/// Prints a result: its value (as JSON when it has no operator<< of its own) or
/// its error. More specialized than Boost's own overload, which would not
/// compile for values without operator<< (e.g. std::optional<decimal>).
template <class T>
std::ostream& operator<<(std::ostream& os, const boost::system::result<T, error>& r)
{
    if (!r)
        return os << "error: " << r.error().message();
    if constexpr (requires { os << *r; })
        return os << *r;
    else
        return os << to_json(*r);
}

} // namespace cs2market

#endif
