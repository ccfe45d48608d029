// cs2market internal: a flat, exact token tape built from boost::json::basic_parser events.
// Numbers keep their source text (so money and 64-bit ids never pass through double),
// strings point into the input when they need no unescaping, and every container
// knows where it ends, so unknown values are skipped in O(1).
//
// Part of <cs2market/json.hpp>, which compiles the bodies (impl/json_tape.ipp:
// they need its codec_options); include json.hpp too when using the tape.
#ifndef CS2MARKET_DETAIL_JSON_TAPE_HPP
#define CS2MARKET_DETAIL_JSON_TAPE_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

struct codec_options; // <cs2market/json.hpp>

namespace detail {

enum class jkind : std::uint8_t { object, array, string, number, boolean, null, key };
enum class jnum : std::uint8_t { int64, uint64, dbl };

/// "object", "array", ... for error messages.
CS2MARKET_DECL std::string_view kind_name(jkind k) noexcept;

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

    /// Finds `key` among the members of the object at `obj`: the value index of
    /// its last occurrence (the one the decoder keeps), or 0.
    CS2MARKET_DECL std::uint32_t find(std::uint32_t obj, std::string_view key) const noexcept;
};

/// The basic_parser handler that fills a tape (see build_tape).
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
    CS2MARKET_DECL bool on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_double(double v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_bool(bool b, boost::json::error_code&);
    CS2MARKET_DECL bool on_null(boost::json::error_code&);
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    CS2MARKET_DECL jnode& push(jkind k);
    CS2MARKET_DECL bool open(jkind k);
    CS2MARKET_DECL bool close(std::size_t n);
    CS2MARKET_DECL bool part(boost::json::string_view s);
    CS2MARKET_DECL bool text(jkind k, boost::json::string_view s);

    tape& t_;
    std::vector<std::uint32_t> stack_;
    std::string pending_;
};

/// Parses `json` into `t`. On failure returns an invalid_json error naming the byte offset.
CS2MARKET_DECL bool build_tape(std::string_view json, tape& t, const codec_options& opt, error& err);

} // namespace detail
} // namespace cs2market

#endif
