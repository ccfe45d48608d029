// cs2market JSON decoding benchmark: decodes the same generated payloads with
//   - cs2market (direct: basic_parser events straight into the structs),
//   - cs2market's previous path (tape, then decode from the tape; kept here for comparison),
//   - Boost.JSON DOM (boost::json::parse) + a hand-written value_to-style walker,
//   - nlohmann/json (json::parse) + a hand-written from_json-style walker,
//   - simdjson On-Demand + a hand-written walker (the reference for what the hardware can do),
// and reports MB/s, peak memory and ratios. Each (payload, decoder) runs in its own
// forked process, so peak RSS (VmHWM) is its own. Every decoder's result is checked
// against a checksum of the generated structs.
//
//   json_bench [--mb-cs2dt N] [--mb-csboard N] [--mb-skinify N] [--repeat K] [--out FILE] [--only NAME]
//
// Built on demand, not a test; see bench/README.md. Needs nlohmann-json3-dev and
// libsimdjson-dev; link -lboost_json -lsimdjson.
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/skinify/models.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifdef __OPTIMIZE__
#define BENCH_OPT "optimized"
#else
#define BENCH_OPT "NOT optimized"
#endif
#ifndef CS2MARKET_BENCH_BUILD_TYPE
#define CS2MARKET_BENCH_BUILD_TYPE "manual"
#endif

// ---------------------------------------------------------------------------
// Heap accounting: live bytes and their peak, through the global operator new.
namespace heap {
inline std::size_t live = 0, peak = 0;
inline void add(std::size_t n) noexcept
{
    live += n;
    if (live > peak)
        peak = live;
}
} // namespace heap

static void* counted_alloc(std::size_t n)
{
    void* p = std::malloc(n + 16);
    if (!p)
        throw std::bad_alloc();
    *static_cast<std::size_t*>(p) = n;
    heap::add(n);
    return static_cast<char*>(p) + 16;
}
static void counted_free(void* p) noexcept
{
    if (!p)
        return;
    char* b = static_cast<char*>(p) - 16;
    heap::live -= *reinterpret_cast<std::size_t*>(b);
    std::free(b);
}
void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

// ---------------------------------------------------------------------------
// The previous decoder, verbatim: decode_value over the tape built by build_tape.
namespace cs2market::detail::old_tape {
using ::cs2market::detail::integer_from_text;
using ::cs2market::detail::double_from_text;
using ::cs2market::detail::write_string;
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
bool integer_from_text_unused(std::string_view s, I& out)
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

inline bool double_from_text_unused(std::string_view s, double& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

inline void old_write_raw(const tape& t, std::uint32_t idx, std::string& out);

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
        old_write_raw(c.t, idx, out.text);
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

inline void old_write_raw(const tape& t, std::uint32_t idx, std::string& out)
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
            old_write_raw(t, i + 1, out);
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
            old_write_raw(t, i, out);
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
bool decode(std::string_view json, const codec_options& opt, T& out, error& err)
{
    tape t;
    if (!build_tape(json, t, opt, err))
        return false;
    decode_ctx c(t, opt);
    if (decode_value(c, 0, out))
        return true;
    err = std::move(c.err);
    return false;
}
} // namespace cs2market::detail::old_tape

namespace {

namespace cm = cs2market;
namespace d = cs2market::detail;
using cm::decimal;

// ---------------------------------------------------------------------------
// Type dispatch shared by the generator, the checksum and the hand-written walkers.

template <class T>
using members = d::members_of<T>;

/// Calls f(member_ref, wire_key) for every described member of `v`.
template <class T, class F>
void for_members(T& v, F&& f)
{
    std::size_t i = 0;
    boost::mp11::mp_for_each<members<std::remove_const_t<T>>>([&](auto D) { f(v.*D.pointer, d::struct_table<std::remove_const_t<T>>::keys[i++]); });
}

// ---------------------------------------------------------------------------
// Generator: fills structs deterministically, then to_json()s them.

struct gen {
    std::uint64_t k = 0x9e3779b97f4a7c15ull;
    std::uint64_t next()
    {
        k ^= k << 13;
        k ^= k >> 7;
        k ^= k << 17;
        return k;
    }
    int depth = 0;

    template <class T>
    void fill(T& out)
    {
        if constexpr (d::is_optional<T>::value) {
            if (next() % 8 == 0)
                out.reset();
            else
                fill(out.emplace());
        } else if constexpr (std::is_same_v<T, bool>) {
            out = next() & 1;
        } else if constexpr (d::integer<T>) {
            std::uint64_t r = next();
            out = static_cast<T>(r % 3 == 0 ? static_cast<T>(r % 10000) : static_cast<T>(r >> 2)); // small and 64-bit ids
            if constexpr (std::is_signed_v<T>)
                if (out < 0)
                    out = static_cast<T>(-(out + 1));
        } else if constexpr (std::is_floating_point_v<T>) {
            out = static_cast<T>(next() % 1000000) / 1000000.0;
        } else if constexpr (std::is_same_v<T, std::string>) {
            static const char* names[] = {"AK-47 | Redline (Field-Tested)", "\u2605 Karambit | Doppler (Factory New)",
                                          "Sticker | Team \"Liquid\" | Cologne 2016", "https://community.cloudflare.steamstatic.com/economy/image/-9a81dlWLwJ2UUGcVs_nsVtzdOEdtWwKGZZLQHTxDZ7I56KU0Zwwo4NUX4oFJZEHLbXH5ApeO4YmlhxYQknCRvCo04DEVlxkKgpot7HxfDhjxszJemkV09-5lpKKqPrxN7LEmyVQ7MEpiLuSrYmnjQO3-UdsZGHyd4_Bd1RvNQ7T_FDrw-_ng5Pu75iY1zI97bhLsvQz",
                                          "M4A1-S | Printstream", "\u9f8d\u738b \u2014 Dragon King", "steam://rungame/730/76561202255233023/+csgo_econ_action_preview%20S76561198084749846A25905404578D4716891036545438488"};
            out = names[next() % 7];
            out += ' ';
            out += std::to_string(next() % 100000);
        } else if constexpr (std::is_same_v<T, decimal>) {
            out = *decimal::parse(std::to_string(next() % 200000) + "." + std::to_string(10 + next() % 90));
        } else if constexpr (std::is_same_v<T, cm::iso_time>) {
            out = *cm::iso_time::parse("2024-0" + std::to_string(1 + next() % 9) + "-1" + std::to_string(next() % 10) + "T12:34:56Z");
        } else if constexpr (d::is_unix_time<T>::value) {
            out = *T::from_raw(static_cast<std::int64_t>(1700000000 + next() % 10000000), next() % 4 == 0);
        } else if constexpr (d::is_open_enum<T>::value) {
            using E = typename T::enum_type;
            std::vector<std::int64_t> ints;
            std::vector<std::string> strs;
            std::size_t i = 0;
            boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
                ints.push_back(static_cast<std::int64_t>(D.value));
                if constexpr (d::is_string_enum<E>)
                    strs.emplace_back(cm::enum_traits<E>::wire[i]);
                ++i;
            });
            if constexpr (d::is_string_enum<E>)
                out = T::from_wire(next() % 10 == 0 ? std::string("unknown_new_value") : strs[next() % strs.size()]);
            else
                out = T::from_wire(next() % 10 == 0 ? 99 : ints[next() % ints.size()]);
        } else if constexpr (std::is_same_v<T, cm::raw_json>) {
            out.text = std::to_string(next() % 100000); // scalar: every walker can keep it exactly
        } else if constexpr (d::is_vector<T>::value) {
            out.clear();
            std::size_t n = depth > 1 ? 0 : next() % 4;
            for (std::size_t i = 0; i < n; ++i) {
                ++depth;
                fill(out.emplace_back());
                --depth;
            }
        } else if constexpr (d::is_string_map<T>::value) {
            out.clear();
        } else if constexpr (d::described_struct<T>) {
            for_members(out, [&](auto& m, std::string_view) { fill(m); });
        }
    }
};

/// A payload: `{<head>,"<array_key>":[rows...]<tail>}` plus the checksum of the rows.
struct payload {
    std::string name, type, json;
    std::size_t rows = 0;
    std::uint64_t sum = 0;
};

// ---------------------------------------------------------------------------
// Checksum over a decoded tree (FNV-1a over every leaf, normalized so every
// library's faithful decode gives the same value).

struct checksum {
    std::uint64_t h = 1469598103934665603ull;
    void mix(std::string_view s)
    {
        for (unsigned char c : s)
            h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    }
    void mix(std::uint64_t v) { mix(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }

    template <class T>
    void add(const T& v)
    {
        if constexpr (d::is_optional<T>::value) {
            if (v)
                add(*v);
            else
                mix("<absent>");
        } else if constexpr (std::is_same_v<T, bool>) {
            mix(std::uint64_t{v});
        } else if constexpr (d::integer<T>) {
            mix(static_cast<std::uint64_t>(v));
        } else if constexpr (std::is_floating_point_v<T>) {
            mix(static_cast<std::uint64_t>(std::llround(v * 1e9)));
        } else if constexpr (std::is_same_v<T, std::string>) {
            mix(v);
        } else if constexpr (std::is_same_v<T, decimal>) {
            std::string s = v.to_string();
            if (s.find('.') != std::string::npos) {
                while (s.back() == '0')
                    s.pop_back();
                if (s.back() == '.')
                    s.pop_back();
            }
            mix(s);
        } else if constexpr (std::is_same_v<T, cm::iso_time>) {
            mix(v.to_string());
        } else if constexpr (d::is_unix_time<T>::value) {
            mix(static_cast<std::uint64_t>(v.raw()) * 2 + v.quoted());
        } else if constexpr (d::is_open_enum<T>::value) {
            add(v.raw());
        } else if constexpr (std::is_same_v<T, cm::raw_json>) {
            mix(v.text);
        } else if constexpr (d::is_vector<T>::value) {
            mix(static_cast<std::uint64_t>(v.size()));
            for (const auto& e : v)
                add(e);
        } else if constexpr (d::is_string_map<T>::value) {
            for (const auto& [k, e] : v) {
                mix(k);
                add(e);
            }
        } else if constexpr (d::described_struct<T>) {
            for_members(v, [&](const auto& m, std::string_view) { add(m); });
        }
    }
};

template <class Page, class GetRows>
payload make_payload(std::string name, std::string type, std::size_t target_bytes, std::string_view key, GetRows get_rows)
{
    payload p;
    p.name = std::move(name);
    p.type = std::move(type);
    gen g;
    Page page{};
    g.fill(page);
    auto& rows = get_rows(page);
    rows.clear();
    std::string shell = cm::to_json(page);
    std::string marker = "\"" + std::string(key) + "\":[]";
    std::size_t at = shell.find(marker);
    if (at == std::string::npos) {
        std::cerr << p.name << ": no " << marker << " in " << shell << "\n";
        std::exit(2);
    }
    at += marker.size() - 1; // before ']'
    p.json.reserve(target_bytes + 4096);
    p.json.assign(shell, 0, at);
    std::string one;
    while (p.json.size() < target_bytes) {
        auto& r = rows.emplace_back();
        g.fill(r);
        one.clear();
        cm::to_json(r, one);
        if (p.rows)
            p.json += ',';
        // an unknown key in every row, with a nested value, to be skipped
        p.json += "{\"_unknown\":{\"a\":[1,2,{\"b\":\"c\\u00e9\"}],\"d\":null},";
        p.json.append(one, 1);
        ++p.rows;
    }
    p.json.append(shell, at);
    checksum c;
    c.add(page);
    p.sum = c.h;
    return p;
}

} // namespace
namespace {

// ---------------------------------------------------------------------------
// Hand-written converters for the other libraries. They follow the codec's
// rules for the shapes in these payloads (64-bit ids, decimals, quoted Unix
// times, open enums, absent/null optionals, unknown keys ignored), the way a
// user would write value_to / from_json overloads, once, generically over
// Describe instead of one function per struct.

template <class T>
void decimal_from_double(double v, T& out)
{
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out = *decimal::parse(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

// --- Boost.JSON DOM + value_to-style -------------------------------------------
namespace bj = boost::json;

template <class T>
void bj_get(const bj::value& v, T& out)
{
    if constexpr (d::is_optional<T>::value) {
        if (v.is_null())
            out.reset();
        else
            bj_get(v, out.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
        out = v.as_bool();
    } else if constexpr (d::integer<T>) {
        if (v.is_int64())
            out = static_cast<T>(v.get_int64());
        else if (v.is_uint64())
            out = static_cast<T>(v.get_uint64());
        else if (v.is_string())
            std::from_chars(v.get_string().data(), v.get_string().data() + v.get_string().size(), out);
        else
            throw std::runtime_error("integer expected");
    } else if constexpr (std::is_floating_point_v<T>) {
        out = v.to_number<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        out.assign(v.as_string().data(), v.as_string().size());
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (v.is_string())
            out = *decimal::parse(std::string_view(v.get_string()));
        else if (v.is_double())
            decimal_from_double(v.get_double(), out);
        else
            out = *decimal::parse(bj::serialize(v));
    } else if constexpr (std::is_same_v<T, cm::iso_time>) {
        out = *cm::iso_time::parse(std::string_view(v.as_string()));
    } else if constexpr (d::is_unix_time<T>::value) {
        std::int64_t raw = 0;
        bool quoted = v.is_string();
        if (quoted)
            std::from_chars(v.get_string().data(), v.get_string().data() + v.get_string().size(), raw);
        else
            raw = v.as_int64();
        out = *T::from_raw(raw, quoted);
    } else if constexpr (d::is_open_enum<T>::value) {
        typename T::raw_type raw{};
        bj_get(v, raw);
        out = T::from_wire(std::move(raw));
    } else if constexpr (std::is_same_v<T, cm::raw_json>) {
        out.text = bj::serialize(v);
    } else if constexpr (d::is_vector<T>::value) {
        const auto& a = v.as_array();
        out.clear();
        out.reserve(a.size());
        for (const auto& e : a)
            bj_get(e, out.emplace_back());
    } else if constexpr (d::is_string_map<T>::value) {
        for (const auto& kv : v.as_object())
            bj_get(kv.value(), out[std::string(kv.key())]);
    } else if constexpr (d::described_struct<T>) {
        const auto& o = v.as_object();
        for_members(out, [&](auto& m, std::string_view key) {
            if (const bj::value* p = o.if_contains(bj::string_view(key.data(), key.size())))
                bj_get(*p, m);
        });
    }
}

// --- nlohmann/json + from_json-style -------------------------------------------
template <class T>
void nl_get(const nlohmann::json& v, T& out)
{
    if constexpr (d::is_optional<T>::value) {
        if (v.is_null())
            out.reset();
        else
            nl_get(v, out.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
        out = v.get<bool>();
    } else if constexpr (d::integer<T>) {
        if (v.is_number_unsigned())
            out = static_cast<T>(v.get<std::uint64_t>());
        else if (v.is_number_integer())
            out = static_cast<T>(v.get<std::int64_t>());
        else if (v.is_string()) {
            const auto& s = v.get_ref<const std::string&>();
            std::from_chars(s.data(), s.data() + s.size(), out);
        } else
            throw std::runtime_error("integer expected");
    } else if constexpr (std::is_floating_point_v<T>) {
        out = v.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        out = v.get_ref<const std::string&>();
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (v.is_string())
            out = *decimal::parse(v.get_ref<const std::string&>());
        else if (v.is_number_float())
            decimal_from_double(v.get<double>(), out);
        else
            out = *decimal::parse(v.dump());
    } else if constexpr (std::is_same_v<T, cm::iso_time>) {
        out = *cm::iso_time::parse(v.get_ref<const std::string&>());
    } else if constexpr (d::is_unix_time<T>::value) {
        std::int64_t raw = 0;
        bool quoted = v.is_string();
        if (quoted) {
            const auto& s = v.get_ref<const std::string&>();
            std::from_chars(s.data(), s.data() + s.size(), raw);
        } else
            raw = v.get<std::int64_t>();
        out = *T::from_raw(raw, quoted);
    } else if constexpr (d::is_open_enum<T>::value) {
        typename T::raw_type raw{};
        nl_get(v, raw);
        out = T::from_wire(std::move(raw));
    } else if constexpr (std::is_same_v<T, cm::raw_json>) {
        out.text = v.dump();
    } else if constexpr (d::is_vector<T>::value) {
        out.clear();
        out.reserve(v.size());
        for (const auto& e : v)
            nl_get(e, out.emplace_back());
    } else if constexpr (d::is_string_map<T>::value) {
        for (const auto& [k, e] : v.items())
            nl_get(e, out[k]);
    } else if constexpr (d::described_struct<T>) {
        for_members(out, [&](auto& m, std::string_view key) {
            auto it = v.find(key);
            if (it != v.end())
                nl_get(*it, m);
        });
    }
}

// --- simdjson On-Demand ----------------------------------------------------------
namespace od = simdjson::ondemand;

inline std::string_view trim_number(std::string_view s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

template <class T>
void sj_get(od::value v, T& out)
{
    if constexpr (d::is_optional<T>::value) {
        if (v.is_null())
            out.reset();
        else
            sj_get(v, out.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
        out = v.get_bool();
    } else if constexpr (d::integer<T>) {
        if (v.type() == od::json_type::string) {
            std::string_view s = v.get_string();
            std::from_chars(s.data(), s.data() + s.size(), out);
        } else if constexpr (std::is_signed_v<T>) {
            out = static_cast<T>(v.get_int64());
        } else {
            out = static_cast<T>(v.get_uint64());
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        out = static_cast<T>(double(v.get_double()));
    } else if constexpr (std::is_same_v<T, std::string>) {
        std::string_view s = v.get_string();
        out.assign(s);
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (v.type() == od::json_type::string)
            out = *decimal::parse(std::string_view(v.get_string()));
        else
            out = *decimal::parse(trim_number(v.raw_json_token()));
    } else if constexpr (std::is_same_v<T, cm::iso_time>) {
        out = *cm::iso_time::parse(std::string_view(v.get_string()));
    } else if constexpr (d::is_unix_time<T>::value) {
        std::int64_t raw = 0;
        bool quoted = v.type() == od::json_type::string;
        if (quoted) {
            std::string_view s = v.get_string();
            std::from_chars(s.data(), s.data() + s.size(), raw);
        } else
            raw = v.get_int64();
        out = *T::from_raw(raw, quoted);
    } else if constexpr (d::is_open_enum<T>::value) {
        typename T::raw_type raw{};
        sj_get(v, raw);
        out = T::from_wire(std::move(raw));
    } else if constexpr (std::is_same_v<T, cm::raw_json>) {
        out.text.assign(trim_number(v.raw_json_token())); // scalars only in these payloads
    } else if constexpr (d::is_vector<T>::value) {
        out.clear();
        for (auto e : v.get_array())
            sj_get(e.value(), out.emplace_back());
    } else if constexpr (d::is_string_map<T>::value) {
        for (auto f : v.get_object())
            sj_get(f.value(), out[std::string(std::string_view(f.unescaped_key()))]);
    } else if constexpr (d::described_struct<T>) {
        using tbl = d::struct_table<T>;
        for (auto f : v.get_object()) {
            std::string_view key = f.unescaped_key();
            int m = tbl::find(key); // sorted table, as a careful hand-written decoder would
            if (m < 0)
                continue;
            boost::mp11::mp_with_index<tbl::size>(static_cast<std::size_t>(m), [&](auto I) {
                using D = boost::mp11::mp_at_c<typename tbl::members, I>;
                sj_get(f.value(), out.*D::pointer);
            });
        }
    }
}

} // namespace
namespace {

std::uint64_t proc_status_kib(std::string_view key)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, key.size(), key) == 0)
            return std::strtoull(line.c_str() + key.size(), nullptr, 10);
    return 0;
}
void reset_hwm()
{
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
}
std::string read_first_line(const char* file, std::string_view prefix)
{
    std::ifstream f(file);
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, prefix.size(), prefix) == 0)
            return line.substr(line.find(':') == std::string::npos ? 0 : line.find(':') + 2);
    return "?";
}

struct measured {
    double best_s = 0, first_s = 0; // CPU time of the decoding thread
    double best_wall_s = 0;
    double hwm_growth_mb = 0;    // VmHWM during the first decode minus VmRSS before it
    double peak_heap_mb = 0;     // peak live heap above the baseline during the first decode
    double decoded_heap_mb = 0;  // live heap left after the first decode: the decoded objects
    bool ok = false;
    bool ran = false;
};

// The decode is timed and measured without the checksum: run_one splits them.
/// CPU time of this thread: on a shared, loaded machine it is far steadier than
/// wall time (time slices given to other processes do not count).
double cpu_now()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
double wall_now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

template <class F>
measured run_child(const payload& p, F decode_once, int repeat)
{
    measured m;
    m.ran = true;
    std::uint64_t base_rss = proc_status_kib("VmRSS:");
    reset_hwm();
    std::size_t base_live = heap::live;
    heap::peak = heap::live;
    double w0 = wall_now(), t0 = cpu_now();
    auto result = decode_once(p);
    double t1 = cpu_now(), w1 = wall_now();
    m.first_s = t1 - t0;
    m.best_s = m.first_s;
    m.best_wall_s = w1 - w0;
    std::uint64_t hwm = proc_status_kib("VmHWM:");
    m.hwm_growth_mb = (static_cast<double>(hwm) - static_cast<double>(base_rss)) / 1024.0;
    m.peak_heap_mb = static_cast<double>(heap::peak - base_live) / 1e6;
    m.decoded_heap_mb = static_cast<double>(heap::live - base_live) / 1e6;
    checksum c;
    if (result) {
        c.add(*result);
        m.ok = c.h == p.sum;
    }
    result.reset();
    for (int i = 1; i < repeat; ++i) {
        double wa = wall_now(), a = cpu_now();
        auto r = decode_once(p);
        double b = cpu_now(), wb = wall_now();
        m.best_s = std::min(m.best_s, b - a);
        m.best_wall_s = std::min(m.best_wall_s, wb - wa);
        if (!r)
            m.ok = false;
    }
    return m;
}

template <class F>
measured run_forked(const payload& p, F decode_once, int repeat)
{
    int fd[2];
    if (pipe(fd) != 0)
        return {};
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        measured m{};
        try {
            m = run_child(p, decode_once, repeat);
        } catch (const std::exception& e) {
            std::cerr << "exception: " << e.what() << "\n";
            m.ran = true;
            m.ok = false;
        }
        ssize_t w = write(fd[1], &m, sizeof m);
        (void)w;
        _exit(0);
    }
    close(fd[1]);
    measured m{};
    ssize_t r = read(fd[0], &m, sizeof m);
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (r != static_cast<ssize_t>(sizeof m))
        m = measured{};
    return m;
}

struct row {
    std::string decoder;
    measured m;
};

template <class Page>
std::vector<row> bench_payload(const payload& p, int repeat, const std::string& only)
{
    std::vector<row> rows;
    auto want = [&](std::string_view n) { return only.empty() || n.find(only) != std::string_view::npos; };
    auto run = [&](std::string name, auto fn) {
        if (!want(name))
            return;
        std::cerr << "  " << p.name << " / " << name << " ..." << std::flush;
        measured m = run_forked(p, fn, repeat);
        std::cerr << " " << (m.best_s > 0 ? static_cast<double>(p.json.size()) / 1e6 / m.best_s : 0) << " MB/s"
                  << (m.ok ? "" : " (FAILED)") << "\n";
        rows.push_back({std::move(name), m});
    };
    run("cs2market (direct, from_json)", [](const payload& q) {
        auto r = cm::from_json<Page>(q.json);
        return r ? std::optional<Page>(std::move(*r)) : std::nullopt;
    });
    run("cs2market previous (tape + decode)", [](const payload& q) {
        std::optional<Page> out(std::in_place);
        cm::error err;
        if (!d::old_tape::decode(q.json, d::default_codec_options<Page>(), *out, err))
            out.reset();
        return out;
    });
    run("Boost.JSON DOM + value_to-style", [](const payload& q) {
        std::optional<Page> out(std::in_place);
        bj::value v = bj::parse(q.json);
        bj_get(v, *out);
        return out;
    });
    run("nlohmann/json + from_json-style", [](const payload& q) {
        std::optional<Page> out(std::in_place);
        nlohmann::json j = nlohmann::json::parse(q.json);
        nl_get(j, *out);
        return out;
    });
    run("simdjson On-Demand (reference)", [](const payload& q) {
        std::optional<Page> out(std::in_place);
        // The first (measured) run owns its parser, so its buffers count in the peak
        // and not in the decoded objects; later runs reuse one, as a server would.
        static int runs = 0;
        static od::parser warm;
        od::parser cold;
        od::parser& parser = runs++ == 0 ? cold : warm;
        od::document doc = parser.iterate(q.json.data(), q.json.size(), q.json.capacity());
        sj_get(od::value(doc.get_value()), *out);
        return out;
    });
    return rows;
}

std::string fmt(double v, int prec = 1)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", prec, v);
    return b;
}

} // namespace

int main(int argc, char** argv)
{
    double mb_cs2dt = 50, mb_csboard = 50, mb_skinify = 20;
    int repeat = 3;
    std::string out_file = "bench/results/json.md", only;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--mb-cs2dt")
            mb_cs2dt = std::atof(next().c_str());
        else if (a == "--mb-csboard")
            mb_csboard = std::atof(next().c_str());
        else if (a == "--mb-skinify")
            mb_skinify = std::atof(next().c_str());
        else if (a == "--repeat")
            repeat = std::max(1, std::atoi(next().c_str()));
        else if (a == "--out")
            out_file = next();
        else if (a == "--only")
            only = next();
        else {
            std::cerr << "usage: json_bench [--mb-cs2dt N] [--mb-csboard N] [--mb-skinify N] [--repeat K] [--out FILE] [--only NAME]\n";
            return 2;
        }
    }

    std::cerr << "generating payloads...\n";
    std::vector<payload> payloads;
    payloads.push_back(make_payload<cm::cs2dt::SellListPage>(
        "CS2DT market listing", "cs2dt::SellListPage", static_cast<std::size_t>(mb_cs2dt * 1e6), "list",
        [](cm::cs2dt::SellListPage& p) -> auto& { return p.list ? *p.list : p.list.emplace(); }));
    payloads.push_back(make_payload<cm::csboard::ListingsPage>("CSBoard listings", "csboard::ListingsPage",
                                                               static_cast<std::size_t>(mb_csboard * 1e6), "items",
                                                               [](cm::csboard::ListingsPage& p) -> auto& { return p.items; }));
    payloads.push_back(make_payload<cm::skinify::WithdrawHistoryResponse>(
        "Skinify withdraw history", "skinify::WithdrawHistoryResponse", static_cast<std::size_t>(mb_skinify * 1e6), "items",
        [](cm::skinify::WithdrawHistoryResponse& p) -> auto& { return p.items; }));

    std::vector<std::vector<row>> results;
    results.push_back(bench_payload<cm::cs2dt::SellListPage>(payloads[0], repeat, only));
    results.push_back(bench_payload<cm::csboard::ListingsPage>(payloads[1], repeat, only));
    results.push_back(bench_payload<cm::skinify::WithdrawHistoryResponse>(payloads[2], repeat, only));

    std::ostringstream md;
    std::time_t now = std::time(nullptr);
    char when[64];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    double load[3] = {0, 0, 0};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = load[1] = load[2] = 0;
        std::fclose(f);
    }
    md << "# JSON decoding benchmark\n\n";
    md << "Generated by `bench/json_bench.cpp` on " << when << ". Do not edit by hand; see bench/README.md.\n\n";
    md << "- CPU: " << read_first_line("/proc/cpuinfo", "model name") << ", " << sysconf(_SC_NPROCESSORS_ONLN)
       << " cores (shared; load average at the end: " << fmt(load[0], 2) << ")\n";
    md << "- Compiler: " <<
#if defined(__clang__)
        "clang " __clang_version__
#else
        "g++ " __VERSION__
#endif
       << ", build: " << CS2MARKET_BENCH_BUILD_TYPE << " (" BENCH_OPT ")\n";
    md << "- Boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << ", nlohmann/json " << NLOHMANN_JSON_VERSION_MAJOR << "."
       << NLOHMANN_JSON_VERSION_MINOR << "." << NLOHMANN_JSON_VERSION_PATCH << ", simdjson " << simdjson::SIMDJSON_VERSION_MAJOR << "." << simdjson::SIMDJSON_VERSION_MINOR << "." << simdjson::SIMDJSON_VERSION_REVISION << " (implementation "
       << simdjson::get_active_implementation()->name() << ")\n";
    md << "- Speed is the payload size over the CPU time of the decoding thread (CLOCK_THREAD_CPUTIME_ID), best of " << repeat
       << " runs; wall time is shown too, but other engineers' builds share these cores.\n";
    md << "- One decode of the whole payload per run, best of " << repeat
       << "; each decoder in its own forked process. Every result is checked against a checksum of the generated structs (`ok`).\n";
    md << "- Every decoder fills the same cs2market structs. \"peak heap\" is the largest live heap (operator new) above the "
          "baseline during the first decode, \"decoded\" what is still live afterwards (the decoded objects), "
          "\"RSS growth\" VmHWM minus VmRSS before the decode. memory ratio = (input + peak heap) / (input + decoded); target <= 1.5.\n\n";

    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const payload& p = payloads[i];
        double mb = static_cast<double>(p.json.size()) / 1e6;
        md << "## " << p.name << " (`" << p.type << "`, " << fmt(mb) << " MB, " << p.rows << " rows)\n\n";
        md << "| decoder | MB/s (CPU, best) | MB/s (CPU, first) | MB/s (wall, best) | peak heap MB | decoded MB | RSS growth MB | memory ratio | ok |\n";
        md << "|---|---:|---:|---:|---:|---:|---:|---:|:-:|\n";
        const measured* mine = nullptr;
        for (const auto& r : results[i]) {
            const measured& m = r.m;
            if (r.decoder.rfind("cs2market (direct", 0) == 0)
                mine = &m;
            md << "| " << r.decoder << " | " << fmt(m.best_s > 0 ? mb / m.best_s : 0) << " | " << fmt(m.first_s > 0 ? mb / m.first_s : 0)
               << " | " << fmt(m.best_wall_s > 0 ? mb / m.best_wall_s : 0) << " | " << fmt(m.peak_heap_mb) << " | " << fmt(m.decoded_heap_mb) << " | " << fmt(m.hwm_growth_mb) << " | "
               << fmt((mb + m.peak_heap_mb) / (mb + m.decoded_heap_mb), 2) << " | " << (m.ok ? "yes" : "NO") << " |\n";
        }
        if (mine && mine->best_s > 0) {
            md << "\n| cs2market direct vs | speed ratio | target |\n|---|---:|---|\n";
            for (const auto& r : results[i]) {
                if (&r.m == mine || r.m.best_s <= 0)
                    continue;
                double ratio = r.m.best_s / mine->best_s;
                std::string target = "";
                if (r.decoder.rfind("Boost", 0) == 0)
                    target = ratio >= 2 ? ">= 2x: met" : ">= 2x: NOT met";
                else if (r.decoder.rfind("nlohmann", 0) == 0)
                    target = ratio >= 5 ? ">= 5x: met" : ">= 5x: NOT met";
                else if (r.decoder.rfind("simdjson", 0) == 0)
                    target = ratio >= 1.0 / 3 ? ">= 0.33x: met" : ">= 0.33x: NOT met";
                md << "| " << r.decoder << " | " << fmt(ratio, 2) << "x | " << target << " |\n";
            }
            double mr = (mb + mine->peak_heap_mb) / (mb + mine->decoded_heap_mb);
            md << "\ncs2market direct memory ratio " << fmt(mr, 2) << (mr <= 1.5 ? " (target <= 1.5: met)" : " (target <= 1.5: NOT met)")
               << "\n";
        }
        md << "\n";
    }
    std::cout << md.str();
    if (!out_file.empty()) {
        std::ofstream f(out_file);
        f << md.str();
        if (!f)
            std::cerr << "could not write " << out_file << "\n";
    }
    bool all_ok = true;
    for (const auto& rs : results)
        for (const auto& r : rs)
            all_ok = all_ok && r.m.ok;
    return all_ok ? 0 : 1;
}
