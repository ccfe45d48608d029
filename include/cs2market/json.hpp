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
// Decoding: straight from boost::json::basic_parser events into the target.
//
// There is no DOM and no tape in between. The handler keeps a stack of frames,
// one per open container; each frame knows the object it fills and the "slot"
// the next value goes to (a member of a struct, a new vector element, a map
// entry), as a pointer plus a per-type table of functions (value_sink). Keys are
// looked up with struct_table::find. A value whose key is unknown is skipped by
// counting nesting. The first decode error is recorded and the rest of the input
// is still parsed (so malformed JSON after a type error is reported as
// invalid_json, as before), but nothing more is decoded.
//
// A tape (detail/json_tape.hpp) can feed the same handler (replay_tape), so
// decode_node() on a tape and from_json() on text share one typed decoder.

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

inline bool double_from_text(std::string_view s, double& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

inline void write_string(std::string& out, std::string_view s);

/// One scalar event: its kind, its text (the source text for numbers, the
/// unescaped text for strings) and, for numbers, what Boost parsed.
struct scalar_event {
    jkind kind = jkind::null;
    jnum num = jnum::int64;
    bool flag = false;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double d = 0;
    std::string_view text;
};

class direct_decoder;
struct decode_frame;

/// What a type does with a value: a scalar, or the start of an object or array.
struct value_sink {
    bool (*scalar)(direct_decoder&, void*, const scalar_event&);
    bool (*begin)(direct_decoder&, void*, bool is_object);
};

/// What an open container does with its keys, elements and end.
struct frame_ops {
    void (*key)(direct_decoder&, decode_frame&, std::string_view);
    void (*element)(decode_frame&);
    bool (*end)(direct_decoder&, decode_frame&);
};

enum class frame_kind : std::uint8_t { root, object, array, raw };

struct decode_frame {
    frame_kind kind = frame_kind::root;
    const frame_ops* ops = nullptr;
    void* obj = nullptr;
    const value_sink* slot = nullptr; // where the next value goes; null: skip it
    void* slot_ptr = nullptr;
    std::string_view key;             // path segment of the current child (objects)
    std::size_t index = 0;            // arrays: path segment of the current child; structs: next member expected; raw: depth
    std::uint64_t seen = 0;           // required-member bookkeeping (structs of up to 64 members)
    std::uint32_t seen_off = 0;       // ... or the offset of its words in direct_decoder::seen_words
    bool has_key = false;
};

template <class T>
struct sink_for;

class direct_decoder {
public:
    // basic_parser limits: refuse absurd sizes early.
    static constexpr std::size_t max_object_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_array_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_key_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_string_size = std::numeric_limits<std::uint32_t>::max() / 4;

    direct_decoder(const codec_options& o, const value_sink* root, void* out) : opt(o)
    {
        frames_.reserve(16);
        decode_frame f;
        f.slot = root;
        f.slot_ptr = out;
        frames_.push_back(f);
    }

    const codec_options& opt;
    error err;
    std::string prefix;
    std::vector<std::uint64_t> seen_words;

    bool failed() const noexcept { return failed_; }

    // --- used by the sinks -------------------------------------------------
    decode_frame& push(frame_kind k, const frame_ops* ops, void* obj)
    {
        decode_frame f;
        f.kind = k;
        f.ops = ops;
        f.obj = obj;
        frames_.push_back(f);
        return frames_.back();
    }
    bool fail(std::string what)
    {
        err.kind = error_kind::decode;
        err.detail = std::move(what);
        err.json_path = path();
        return false;
    }
    bool mismatch(std::string_view expected, jkind got)
    {
        return fail("expected " + std::string(expected) + ", got " + std::string(kind_name(got)));
    }
    std::string path() const
    {
        std::string p = prefix;
        for (const auto& f : frames_) {
            if (f.kind == frame_kind::object) {
                if (!f.has_key)
                    continue;
                if (!p.empty())
                    p += '.';
                p += f.key;
            } else if (f.kind == frame_kind::array) {
                p += '[';
                p += std::to_string(f.index);
                p += ']';
            }
        }
        return p;
    }

    // --- basic_parser handler ----------------------------------------------
    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code&) { return begin(true); }
    bool on_object_end(std::size_t, boost::json::error_code&) { return end(true); }
    bool on_array_begin(boost::json::error_code&) { return begin(false); }
    bool on_array_end(std::size_t, boost::json::error_code&) { return end(false); }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        if (quiet())
            return true;
        std::string_view k = text(s);
        decode_frame& f = frames_.back();
        if (f.kind == frame_kind::raw) {
            std::string& o = *static_cast<std::string*>(f.obj);
            if (o.back() != '{')
                o += ',';
            write_string(o, k);
            o += ':';
        } else {
            f.ops->key(*this, f, k);
        }
        pending_.clear();
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::string;
        e.text = text(s);
        return scalar(e);
    }
    bool on_number_part(boost::json::string_view s, boost::json::error_code&) { return part(s); }
    bool on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::number;
        e.num = jnum::int64;
        e.i = v;
        e.text = text(s);
        return scalar(e);
    }
    bool on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::number;
        e.num = jnum::uint64;
        e.u = v;
        e.text = text(s);
        return scalar(e);
    }
    bool on_double(double v, boost::json::string_view s, boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::number;
        e.num = jnum::dbl;
        e.d = v;
        e.text = text(s);
        return scalar(e);
    }
    bool on_bool(bool b, boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::boolean;
        e.flag = b;
        e.text = b ? std::string_view("true") : std::string_view("false");
        return scalar(e);
    }
    bool on_null(boost::json::error_code&)
    {
        if (quiet())
            return true;
        scalar_event e;
        e.kind = jkind::null;
        e.text = "null";
        return scalar(e);
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    bool quiet() const noexcept { return skip_ != 0 || failed_; }
    bool part(boost::json::string_view s)
    {
        if (!quiet())
            pending_.append(s.data(), s.size());
        return true;
    }
    std::string_view text(boost::json::string_view s)
    {
        if (pending_.empty())
            return {s.data(), s.size()};
        pending_.append(s.data(), s.size());
        return pending_;
    }
    bool scalar(const scalar_event& e)
    {
        decode_frame& f = frames_.back();
        if (f.kind == frame_kind::raw) {
            std::string& o = *static_cast<std::string*>(f.obj);
            char b = o.back();
            if (b != '{' && b != '[' && b != ':')
                o += ',';
            if (e.kind == jkind::string)
                write_string(o, e.text);
            else
                o += e.text;
        } else {
            if (f.kind == frame_kind::array)
                f.ops->element(f);
            if (f.slot && !f.slot->scalar(*this, f.slot_ptr, e))
                failed_ = true;
        }
        pending_.clear();
        return true;
    }
    bool begin(bool is_object)
    {
        if (skip_) {
            ++skip_;
            return true;
        }
        if (failed_)
            return true;
        decode_frame& f = frames_.back();
        if (f.kind == frame_kind::raw) {
            std::string& o = *static_cast<std::string*>(f.obj);
            char b = o.back();
            if (b != '{' && b != '[' && b != ':')
                o += ',';
            o += is_object ? '{' : '[';
            ++f.index;
            return true;
        }
        if (f.kind == frame_kind::array)
            f.ops->element(f);
        if (!f.slot) {
            skip_ = 1;
            return true;
        }
        if (!f.slot->begin(*this, f.slot_ptr, is_object)) // may push a frame: f is stale after this
            failed_ = true;
        return true;
    }
    bool end(bool is_object)
    {
        if (skip_) {
            --skip_;
            return true;
        }
        if (failed_)
            return true;
        decode_frame& f = frames_.back();
        if (f.kind == frame_kind::raw) {
            *static_cast<std::string*>(f.obj) += is_object ? '}' : ']';
            if (--f.index == 0)
                frames_.pop_back();
            return true;
        }
        if (f.ops->end && !f.ops->end(*this, f)) {
            failed_ = true;
            return true;
        }
        frames_.pop_back();
        return true;
    }

    std::vector<decode_frame> frames_;
    std::string pending_;
    std::size_t skip_ = 0;
    bool failed_ = false;
};

// --- scalar conversions, shared by all sinks ---------------------------------

template <class I>
bool decode_integer(direct_decoder& c, const scalar_event& n, I& out)
{
    if (n.kind == jkind::number) {
        if (n.num == jnum::int64) {
            if (n.i < static_cast<std::int64_t>(std::numeric_limits<I>::min()) ||
                (n.i > 0 && static_cast<std::uint64_t>(n.i) > static_cast<std::uint64_t>(std::numeric_limits<I>::max())))
                return c.fail("integer " + std::string(n.text) + " out of range");
            out = static_cast<I>(n.i);
            return true;
        }
        if (n.num == jnum::uint64) {
            if (n.u > static_cast<std::uint64_t>(std::numeric_limits<I>::max()))
                return c.fail("integer " + std::string(n.text) + " out of range");
            out = static_cast<I>(n.u);
            return true;
        }
        if (integer_from_text(n.text, out))
            return true;
        return c.fail("expected integer, got " + std::string(n.text));
    }
    if (n.kind == jkind::string && c.opt.numbers_from_strings) {
        if (integer_from_text(n.text, out))
            return true;
        return c.fail("expected integer, got string \"" + std::string(n.text.substr(0, 40)) + "\"");
    }
    return c.mismatch("integer", n.kind);
}

/// Decodes a scalar event into `out` (any type; containers report a mismatch).
template <class T>
bool decode_scalar(direct_decoder& c, const scalar_event& n, T& out)
{
    if constexpr (is_optional<T>::value) {
        if (n.kind == jkind::null) {
            out.reset();
            return true;
        }
        return decode_scalar(c, n, out.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
        if (n.kind != jkind::boolean)
            return c.mismatch("boolean", n.kind);
        out = n.flag;
        return true;
    } else if constexpr (integer<T>) {
        return decode_integer(c, n, out);
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = 0;
        if (n.kind == jkind::number) {
            if (n.num == jnum::int64)
                d = static_cast<double>(n.i);
            else if (n.num == jnum::uint64)
                d = static_cast<double>(n.u);
            else if (!double_from_text(n.text, d))
                return c.fail("number " + std::string(n.text) + " out of range");
        } else if (n.kind == jkind::string && c.opt.numbers_from_strings) {
            if (!double_from_text(n.text, d))
                return c.fail("expected number, got string \"" + std::string(n.text.substr(0, 40)) + "\"");
        } else {
            return c.mismatch("number", n.kind);
        }
        out = static_cast<T>(d);
        return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (n.kind == jkind::string || (n.kind == jkind::number && c.opt.strings_from_numbers)) {
            out.assign(n.text);
            return true;
        }
        return c.mismatch("string", n.kind);
    } else if constexpr (std::is_same_v<T, decimal>) {
        if (n.kind == jkind::number || (n.kind == jkind::string && c.opt.numbers_from_strings)) {
            if (auto d = decimal::parse(n.text)) {
                out = *d;
                return true;
            }
            return c.fail("\"" + std::string(n.text.substr(0, 40)) +
                          "\" is not an exact decimal (its digits must fit 64 bits, at most 18 after the point)");
        }
        return c.mismatch("number", n.kind);
    } else if constexpr (std::is_same_v<T, iso_time>) {
        if (n.kind != jkind::string)
            return c.mismatch("date-time string", n.kind);
        if (auto t = iso_time::parse(n.text)) {
            out = *t;
            return true;
        }
        return c.fail("\"" + std::string(n.text.substr(0, 40)) + "\" is not an ISO 8601 date-time");
    } else if constexpr (is_unix_time<T>::value) {
        std::int64_t raw = 0;
        bool quoted = n.kind == jkind::string;
        if (n.kind == jkind::number) {
            if (!decode_integer(c, n, raw))
                return false;
        } else if (quoted) {
            if (!integer_from_text(n.text, raw))
                return c.fail("expected Unix timestamp, got string \"" + std::string(n.text.substr(0, 40)) + "\"");
        } else {
            return c.mismatch("Unix timestamp", n.kind);
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
                out = T::from_wire(std::string(n.text));
                return true;
            }
            return c.mismatch("string", n.kind);
        } else {
            std::int64_t v = 0;
            if (!decode_integer(c, n, v))
                return false;
            out = T::from_wire(v);
            return true;
        }
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out.text.clear();
        if (n.kind == jkind::string)
            write_string(out.text, n.text);
        else
            out.text.assign(n.text);
        return true;
    } else if constexpr (is_vector<T>::value) {
        return c.mismatch("array", n.kind);
    } else if constexpr (is_string_map<T>::value || described_struct<T>) {
        return c.mismatch("object", n.kind);
    } else {
        static_assert(sizeof(T) == 0, "cs2market: no JSON mapping for this type");
    }
}

/// The expected-kind word of a type, for "expected X, got object/array".
template <class T>
constexpr std::string_view expected_name() noexcept
{
    if constexpr (std::is_same_v<T, bool>)
        return "boolean";
    else if constexpr (integer<T>)
        return "integer";
    else if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, decimal>)
        return "number";
    else if constexpr (std::is_same_v<T, std::string>)
        return "string";
    else if constexpr (std::is_same_v<T, iso_time>)
        return "date-time string";
    else if constexpr (is_unix_time<T>::value)
        return "Unix timestamp";
    else if constexpr (is_open_enum<T>::value)
        return is_string_enum<typename T::enum_type> ? "string" : "integer";
    else if constexpr (is_vector<T>::value)
        return "array";
    else
        return "object";
}

// --- containers ---------------------------------------------------------------

template <class T>
struct struct_ops {
    using tbl = struct_table<T>;
    static constexpr std::size_t words = (tbl::size + 63) / 64;

    struct member_slot {
        const value_sink* sink;
        void* (*addr)(void*);
    };
    static constexpr std::array<member_slot, tbl::size> slots = [] {
        std::array<member_slot, tbl::size> a{};
        std::size_t i = 0;
        boost::mp11::mp_for_each<typename tbl::members>([&](auto D) {
            using M = std::remove_cvref_t<decltype(std::declval<T&>().*D.pointer)>;
            a[i++] = member_slot{&sink_for<M>::value, [](void* o) -> void* { return &(static_cast<T*>(o)->*decltype(D)::pointer); }};
        });
        return a;
    }();

    static void set_seen(direct_decoder& d, decode_frame& f, std::size_t m)
    {
        if constexpr (words <= 1)
            f.seen |= std::uint64_t{1} << m;
        else
            d.seen_words[f.seen_off + m / 64] |= std::uint64_t{1} << (m % 64);
    }
    static bool test_seen(direct_decoder& d, const decode_frame& f, std::size_t m)
    {
        if constexpr (words <= 1)
            return (f.seen >> m) & 1;
        else
            return (d.seen_words[f.seen_off + m / 64] >> (m % 64)) & 1;
    }
    static void key(direct_decoder& d, decode_frame& f, std::string_view k)
    {
        if constexpr (tbl::size == 0) {
            (void)d;
            (void)k;
            f.slot = nullptr;
        } else {
            // Keys usually come in declaration order: try the one after the last
            // member first (one compare), then the sorted table.
            int m;
            if (f.index < tbl::size && tbl::keys[f.index] == k)
                m = static_cast<int>(f.index);
            else if ((m = tbl::find(k)) < 0) {
                f.slot = nullptr;
                return;
            }
            f.index = static_cast<std::size_t>(m) + 1;
            set_seen(d, f, static_cast<std::size_t>(m));
            f.slot = slots[static_cast<std::size_t>(m)].sink;
            f.slot_ptr = slots[static_cast<std::size_t>(m)].addr(f.obj);
            f.key = tbl::keys[static_cast<std::size_t>(m)];
            f.has_key = true;
        }
    }
    static bool end(direct_decoder& d, decode_frame& f)
    {
        for (std::size_t m = 0; m < tbl::size; ++m)
            if (tbl::required[m] && !test_seen(d, f, m)) {
                f.key = tbl::keys[m];
                f.has_key = true;
                return d.fail("missing required key");
            }
        if constexpr (words > 1)
            d.seen_words.resize(f.seen_off);
        return true;
    }
    static constexpr frame_ops ops{&key, nullptr, &end};

    static bool begin(direct_decoder& d, void* p, bool is_object)
    {
        if (!is_object)
            return d.mismatch("object", jkind::array);
        decode_frame& f = d.push(frame_kind::object, &ops, p);
        if constexpr (words > 1) {
            f.seen_off = static_cast<std::uint32_t>(d.seen_words.size());
            d.seen_words.resize(d.seen_words.size() + words, 0);
        }
        return true;
    }
};

template <class V>
struct vector_ops {
    using E = typename V::value_type;
    static void element(decode_frame& f)
    {
        auto& v = *static_cast<V*>(f.obj);
        f.index = v.size();
        f.slot_ptr = &v.emplace_back();
    }
    static constexpr frame_ops ops{nullptr, &element, nullptr};
    static bool begin(direct_decoder& d, void* p, bool is_object)
    {
        if (is_object)
            return d.mismatch("array", jkind::object);
        auto& v = *static_cast<V*>(p);
        v.clear();
        decode_frame& f = d.push(frame_kind::array, &ops, p);
        f.slot = &sink_for<E>::value;
        return true;
    }
};

template <class Map>
struct map_ops {
    using E = typename Map::mapped_type;
    static void key(direct_decoder&, decode_frame& f, std::string_view k)
    {
        auto& m = *static_cast<Map*>(f.obj);
        auto it = m.try_emplace(std::string(k)).first;
        f.slot_ptr = &it->second;
        f.key = it->first;
        f.has_key = true;
    }
    static constexpr frame_ops ops{&key, nullptr, nullptr};
    static bool begin(direct_decoder& d, void* p, bool is_object)
    {
        if (!is_object)
            return d.mismatch("object", jkind::array);
        static_cast<Map*>(p)->clear();
        decode_frame& f = d.push(frame_kind::object, &ops, p);
        f.slot = &sink_for<E>::value;
        return true;
    }
};

template <class T>
bool begin_container(direct_decoder& d, void* p, bool is_object)
{
    T& out = *static_cast<T*>(p);
    if constexpr (is_optional<T>::value) {
        using U = typename T::value_type;
        return sink_for<U>::value.begin(d, &out.emplace(), is_object);
    } else if constexpr (std::is_same_v<T, raw_json>) {
        out.text.assign(1, is_object ? '{' : '[');
        d.push(frame_kind::raw, nullptr, &out.text).index = 1;
        return true;
    } else if constexpr (is_vector<T>::value) {
        return vector_ops<T>::begin(d, p, is_object);
    } else if constexpr (is_string_map<T>::value) {
        return map_ops<T>::begin(d, p, is_object);
    } else if constexpr (described_struct<T>) {
        return struct_ops<T>::begin(d, p, is_object);
    } else {
        return d.mismatch(expected_name<T>(), is_object ? jkind::object : jkind::array);
    }
}

template <class T>
bool scalar_into(direct_decoder& d, void* p, const scalar_event& e)
{
    return decode_scalar(d, e, *static_cast<T*>(p));
}

template <class T>
struct sink_for {
    static constexpr value_sink value{&scalar_into<T>, &begin_container<T>};
};

// --- entry points ---------------------------------------------------------------

/// Parses `json` and decodes it into `out`: invalid JSON (or too large, too deep)
/// gives an invalid_json error naming the byte offset; otherwise the first decode
/// error, its JSON path starting with `prefix`.
template <class T>
bool decode_text(std::string_view json, const codec_options& opt, std::string prefix, T& out, error& err)
{
    if (json.size() > opt.max_size || json.size() >= std::numeric_limits<std::uint32_t>::max()) {
        err = make_error(error_kind::invalid_json, "input of " + std::to_string(json.size()) + " bytes is larger than the limit of " +
                                                      std::to_string(opt.max_size));
        return false;
    }
    boost::json::parse_options po;
    po.max_depth = opt.max_depth;
    boost::json::basic_parser<direct_decoder> p(po, opt, &sink_for<T>::value, static_cast<void*>(&out));
    p.handler().prefix = std::move(prefix);
    boost::json::error_code ec;
    std::size_t used = p.write_some(false, json.data(), json.size(), ec);
    if (!ec && used != json.size())
        ec = boost::json::error::extra_data;
    if (ec) {
        std::string what = ec == boost::json::error::too_deep
                               ? "nesting deeper than " + std::to_string(opt.max_depth) + " levels"
                               : ec.message();
        err = make_error(error_kind::invalid_json, what + " at byte " + std::to_string(used));
        return false;
    }
    if (p.handler().failed()) {
        err = std::move(p.handler().err);
        return false;
    }
    return true;
}

/// Feeds the value at `idx` of a built tape to `h`, as the parser would.
inline void replay_tape(const tape& t, std::uint32_t idx, direct_decoder& h)
{
    boost::json::error_code ec;
    // Iterative pre-order walk; a stack of (end index, is_object) closes containers.
    struct open_t {
        std::uint32_t end;
        bool obj;
    };
    std::vector<open_t> stack;
    std::uint32_t stop = t.nodes[idx].end;
    for (std::uint32_t i = idx; i < stop; ++i) {
        while (!stack.empty() && stack.back().end <= i) {
            if (stack.back().obj)
                h.on_object_end(0, ec);
            else
                h.on_array_end(0, ec);
            stack.pop_back();
        }
        const jnode& n = t.nodes[i];
        boost::json::string_view s;
        if (n.kind == jkind::string || n.kind == jkind::key || n.kind == jkind::number) {
            auto tx = t.text(n);
            s = boost::json::string_view(tx.data(), tx.size());
        }
        switch (n.kind) {
        case jkind::object:
            h.on_object_begin(ec);
            stack.push_back({n.end, true});
            break;
        case jkind::array:
            h.on_array_begin(ec);
            stack.push_back({n.end, false});
            break;
        case jkind::key: h.on_key(s, s.size(), ec); break;
        case jkind::string: h.on_string(s, s.size(), ec); break;
        case jkind::number:
            if (n.num == jnum::int64)
                h.on_int64(n.i, s, ec);
            else if (n.num == jnum::uint64)
                h.on_uint64(n.u, s, ec);
            else
                h.on_double(n.d, s, ec);
            break;
        case jkind::boolean: h.on_bool(n.flag, ec); break;
        case jkind::null: h.on_null(ec); break;
        }
    }
    while (!stack.empty()) {
        if (stack.back().obj)
            h.on_object_end(0, ec);
        else
            h.on_array_end(0, ec);
        stack.pop_back();
    }
}

inline void write_raw(const tape& t, std::uint32_t idx, std::string& out);

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
/// The tape is replayed as parser events into the same decoder as decode_text.
template <class T>
bool decode_node(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix, T& out, error& err)
{
    direct_decoder h(opt, &sink_for<T>::value, static_cast<void*>(&out));
    h.prefix = std::move(prefix);
    replay_tape(t, idx, h);
    if (!h.failed())
        return true;
    err = std::move(h.err);
    return false;
}

} // namespace detail

using detail::default_codec_options;

/// Optional compiled implementation: the decoder of a type is instantiated in
/// every translation unit that decodes it. To compile it once instead, write
///     CS2MARKET_EXTERN_DECODE(cs2market::csboard::ListingsPage)
/// in a header of yours (after the cs2market includes), and
///     CS2MARKET_INSTANTIATE_DECODE(cs2market::csboard::ListingsPage)
/// in one .cpp file. from_json<T>, decode_response and the bulk readers then
/// call the one compiled copy.
#define CS2MARKET_DETAIL_DECODE_DECLS(EXTERN, ...)                                                                            \
    EXTERN template bool ::cs2market::detail::decode_text<__VA_ARGS__>(std::string_view, const ::cs2market::codec_options&, \
                                                                       std::string, __VA_ARGS__&, ::cs2market::error&);    \
    EXTERN template bool ::cs2market::detail::decode_node<__VA_ARGS__>(const ::cs2market::detail::tape&, std::uint32_t,       \
                                                                       const ::cs2market::codec_options&, std::string,      \
                                                                       __VA_ARGS__&, ::cs2market::error&)
#define CS2MARKET_EXTERN_DECODE(...) CS2MARKET_DETAIL_DECODE_DECLS(extern, __VA_ARGS__)
#define CS2MARKET_INSTANTIATE_DECODE(...) CS2MARKET_DETAIL_DECODE_DECLS(, __VA_ARGS__)

/// Decodes `json` into a T. Never throws (except std::bad_alloc).
template <class T>
result<T> from_json(std::string_view json, const codec_options& opt = default_codec_options<T>())
{
    error err;
    T out{};
    if (!detail::decode_text(json, opt, {}, out, err))
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
