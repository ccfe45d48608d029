// cs2market internal: the per-type half of the decoder. For each target type a
// value_sink (what to do with a scalar or with the start of a container) and,
// for containers, the frame_ops of the frame it opens (detail/json_decoder.hpp).
#ifndef CS2MARKET_DETAIL_JSON_SINKS_HPP
#define CS2MARKET_DETAIL_JSON_SINKS_HPP

#include <cs2market/json.hpp> // codec_options, complete (json.hpp defines it before including this)

#include <cs2market/decimal.hpp>
#include <cs2market/detail/json_decoder.hpp>
#include <cs2market/detail/json_traits.hpp>
#include <cs2market/detail/json_writer.hpp>
#include <cs2market/error.hpp>
#include <cs2market/open_enum.hpp>
#include <cs2market/raw_json.hpp>
#include <cs2market/time.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace cs2market::detail {

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
        if (integer_from_text(n.text, out)) {
            if (c.opt.drift) [[unlikely]]
                c.drift(drift_kind::number_as_string, n.text);
            return true;
        }
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
                // Boost reads "-0" as the integer 0; the writer prints -0.0 as "-0": keep the sign.
                d = n.i == 0 && !n.text.empty() && n.text[0] == '-' ? -0.0 : static_cast<double>(n.i);
            else if (n.num == jnum::uint64)
                d = static_cast<double>(n.u);
            else if (!double_from_text(n.text, d))
                return c.fail("number " + std::string(n.text) + " out of range");
        } else if (n.kind == jkind::string && c.opt.numbers_from_strings) {
            if (!double_from_text(n.text, d))
                return c.fail("expected number, got string \"" + std::string(n.text.substr(0, 40)) + "\"");
            if (c.opt.drift) [[unlikely]]
                c.drift(drift_kind::number_as_string, n.text);
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
                if (n.kind == jkind::string && c.opt.drift) [[unlikely]]
                    c.drift(drift_kind::number_as_string, n.text);
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
                if (c.opt.drift && !out.is_known()) [[unlikely]]
                    c.drift(drift_kind::unknown_enum_value, n.text);
                return true;
            }
            return c.mismatch("string", n.kind);
        } else {
            std::int64_t v = 0;
            if (!decode_integer(c, n, v))
                return false;
            out = T::from_wire(v);
            if (c.opt.drift && !out.is_known()) [[unlikely]]
                c.drift(drift_kind::unknown_enum_value, n.text);
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
            f.slot = nullptr;
            if (d.opt.drift) [[unlikely]]
                d.drift_key(drift_kind::unknown_field, k);
        } else {
            // Keys usually come in declaration order: try the one after the last
            // member first (one compare), then the sorted table.
            int m;
            if (f.index < tbl::size && tbl::keys[f.index] == k)
                m = static_cast<int>(f.index);
            else if ((m = tbl::find(k)) < 0) {
                f.slot = nullptr;
                if (d.opt.drift) [[unlikely]]
                    d.drift_key(drift_kind::unknown_field, k);
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
        if constexpr (tbl::any_usual)
            if (d.opt.drift) [[unlikely]]
                for (std::size_t m = 0; m < tbl::size; ++m)
                    if (tbl::usual[m] && !test_seen(d, f, m))
                        d.drift_key(drift_kind::missing_field, tbl::keys[m]);
        if constexpr (words > 1)
            d.seen_words.resize(f.seen_off);
        return true;
    }
    static constexpr frame_ops ops{&key, nullptr, &end, tbl::any_sent_as_string ? tbl::sent_as_string.data() : nullptr};

    static bool begin(direct_decoder& d, void* p, bool is_object)
    {
        if (!is_object)
            return d.mismatch("object", jkind::array);
        // A key given twice keeps its last value, objects included: start from a
        // default object, never from what an earlier copy of the key left behind.
        *static_cast<T*>(p) = T{};
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

// --- entry points (declared in detail/json_decoder.hpp) --------------------------

template <class T>
bool decode_text(std::string_view json, const codec_options& opt, std::string prefix, T& out, error& err)
{
    return decode_text_into(json, opt, std::move(prefix), &sink_for<T>::value, static_cast<void*>(&out), err);
}

template <class T>
bool decode_node(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix, T& out, error& err)
{
    return decode_node_into(t, idx, opt, std::move(prefix), &sink_for<T>::value, static_cast<void*>(&out), err);
}

} // namespace cs2market::detail

#endif
