// cs2market internal: a flat, exact token tape built from boost::json::basic_parser events.
// Numbers keep their source text (so money and 64-bit ids never pass through double),
// strings point into the input when they need no unescaping, and every container
// knows where it ends, so unknown values are skipped in O(1).
#ifndef CS2MARKET_DETAIL_JSON_TAPE_HPP
#define CS2MARKET_DETAIL_JSON_TAPE_HPP

#include <cs2market/error.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

/// Limits and leniency for decoding. Generated provider headers supply their
/// schema's defaults; callers may pass their own.
struct codec_options {
    bool numbers_from_strings = false; ///< "14.37" is accepted where a number is expected
    bool strings_from_numbers = false; ///< 1234 is accepted where a string is expected (digits kept)
    std::size_t max_depth = 64;        ///< nesting deeper than this is refused
    std::size_t max_size = std::size_t{256} << 20; ///< inputs larger than this are refused
};

namespace detail {

enum class jkind : std::uint8_t { object, array, string, number, boolean, null, key };
enum class jnum : std::uint8_t { int64, uint64, dbl };

inline std::string_view kind_name(jkind k) noexcept
{
    switch (k) {
    case jkind::object: return "object";
    case jkind::array: return "array";
    case jkind::string: return "string";
    case jkind::number: return "number";
    case jkind::boolean: return "boolean";
    case jkind::null: return "null";
    case jkind::key: return "key";
    }
    return "?";
}

struct jnode {
    jkind kind;
    jnum num = jnum::int64;  // numbers: which of i/u/d Boost parsed
    bool in_arena = false;   // text lives in the tape's arena, not in the input
    bool flag = false;       // booleans: the value
    std::uint32_t off = 0;   // strings/keys/numbers: text offset
    std::uint32_t len = 0;   // strings/keys/numbers: text length; containers: element count
    std::uint32_t end = 0;   // index one past this value (for containers: past its subtree)
    union {
        std::int64_t i;
        std::uint64_t u;
        double d;
    };
    jnode() : i(0) {}
};

class tape {
public:
    std::vector<jnode> nodes;
    std::string_view input;
    std::string arena;

    std::string_view text(const jnode& n) const noexcept
    {
        return n.in_arena ? std::string_view(arena).substr(n.off, n.len) : input.substr(n.off, n.len);
    }
    std::string_view text(std::uint32_t i) const noexcept { return text(nodes[i]); }

    /// Finds `key` among the members of the object at `obj`; returns the value index or 0.
    std::uint32_t find(std::uint32_t obj, std::string_view key) const noexcept
    {
        if (nodes[obj].kind != jkind::object)
            return 0;
        for (std::uint32_t i = obj + 1; i < nodes[obj].end;) {
            std::uint32_t v = i + 1;
            if (text(i) == key)
                return v;
            i = nodes[v].end;
        }
        return 0;
    }
};

class tape_builder {
public:
    // basic_parser limits: refuse absurd sizes early, before allocating for them.
    static constexpr std::size_t max_object_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_array_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_key_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_string_size = std::numeric_limits<std::uint32_t>::max() / 4;

    explicit tape_builder(tape& t) : t_(t) {}

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code&) { return open(jkind::object); }
    bool on_object_end(std::size_t n, boost::json::error_code&) { return close(n); }
    bool on_array_begin(boost::json::error_code&) { return open(jkind::array); }
    bool on_array_end(std::size_t n, boost::json::error_code&) { return close(n); }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) { return text(jkind::key, s); }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) { return text(jkind::string, s); }
    bool on_number_part(boost::json::string_view s, boost::json::error_code&) { return part(s); }
    bool on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&)
    {
        text(jkind::number, s);
        t_.nodes.back().num = jnum::int64;
        t_.nodes.back().i = v;
        return true;
    }
    bool on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&)
    {
        text(jkind::number, s);
        t_.nodes.back().num = jnum::uint64;
        t_.nodes.back().u = v;
        return true;
    }
    bool on_double(double v, boost::json::string_view s, boost::json::error_code&)
    {
        text(jkind::number, s);
        t_.nodes.back().num = jnum::dbl;
        t_.nodes.back().d = v;
        return true;
    }
    bool on_bool(bool b, boost::json::error_code&)
    {
        auto& n = push(jkind::boolean);
        n.flag = b;
        return true;
    }
    bool on_null(boost::json::error_code&)
    {
        push(jkind::null);
        return true;
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    jnode& push(jkind k)
    {
        auto& n = t_.nodes.emplace_back();
        n.kind = k;
        n.end = static_cast<std::uint32_t>(t_.nodes.size());
        return n;
    }
    bool open(jkind k)
    {
        stack_.push_back(static_cast<std::uint32_t>(t_.nodes.size()));
        push(k);
        return true;
    }
    bool close(std::size_t n)
    {
        auto idx = stack_.back();
        stack_.pop_back();
        t_.nodes[idx].end = static_cast<std::uint32_t>(t_.nodes.size());
        t_.nodes[idx].len = static_cast<std::uint32_t>(n);
        return true;
    }
    bool part(boost::json::string_view s)
    {
        pending_.append(s.data(), s.size());
        return true;
    }
    bool text(jkind k, boost::json::string_view s)
    {
        auto& n = push(k);
        const char* b = t_.input.data();
        const char* e = b + t_.input.size();
        // A view into the caller's buffer stays valid; anything else (unescaped
        // text in the parser's scratch space, or split parts) is copied.
        if (pending_.empty() && std::less_equal<const char*>()(b, s.data()) &&
            std::less_equal<const char*>()(s.data() + s.size(), e)) {
            n.off = static_cast<std::uint32_t>(s.data() - b);
            n.len = static_cast<std::uint32_t>(s.size());
        } else {
            pending_.append(s.data(), s.size());
            n.in_arena = true;
            n.off = static_cast<std::uint32_t>(t_.arena.size());
            n.len = static_cast<std::uint32_t>(pending_.size());
            t_.arena += pending_;
            pending_.clear();
        }
        return true;
    }

    tape& t_;
    std::vector<std::uint32_t> stack_;
    std::string pending_;
};

/// Parses `json` into `t`. On failure returns an invalid_json error naming the byte offset.
inline bool build_tape(std::string_view json, tape& t, const codec_options& opt, error& err)
{
    t.nodes.clear();
    t.arena.clear();
    t.input = json;
    if (json.size() > opt.max_size || json.size() >= std::numeric_limits<std::uint32_t>::max()) {
        err = make_error(error_kind::invalid_json, "input of " + std::to_string(json.size()) + " bytes is larger than the limit of " +
                                                      std::to_string(opt.max_size));
        return false;
    }
    t.nodes.reserve(json.size() / 8 + 4);
    boost::json::parse_options po;
    po.max_depth = opt.max_depth;
    boost::json::basic_parser<tape_builder> p(po, t);
    boost::json::error_code ec;
    std::size_t used = p.write_some(false, json.data(), json.size(), ec);
    if (!ec && used != json.size())
        ec = boost::json::error::extra_data;
    if (ec) {
        std::string what = ec == boost::json::error::too_deep
                               ? "nesting deeper than " + std::to_string(opt.max_depth) + " levels"
                               : ec.message();
        err = make_error(error_kind::invalid_json, what + " at byte " + std::to_string(used));
        t.nodes.clear();
        return false;
    }
    return true;
}

} // namespace detail
} // namespace cs2market

#endif
