// cs2market internal: the typed decoder's parser handler.
//
// Decoding goes straight from boost::json::basic_parser events into the target.
// There is no DOM and no tape in between. The handler keeps a stack of frames,
// one per open container; each frame knows the object it fills and the "slot"
// the next value goes to (a member of a struct, a new vector element, a map
// entry), as a pointer plus a per-type table of functions (value_sink, made by
// detail/json_sinks.hpp). Keys are looked up with struct_table::find. A value
// whose key is unknown is skipped by counting nesting. The first decode error is
// recorded and the rest of the input is still parsed (so malformed JSON after a
// type error is reported as invalid_json, as before), but nothing more is decoded.
//
// A tape (detail/json_tape.hpp) can feed the same handler (replay_tape), so
// decode_node() on a tape and from_json() on text share one typed decoder.
//
// The handler and the parser loop are not templates: their bodies are in
// impl/json.ipp; only the sinks depend on the target type.
#ifndef CS2MARKET_DETAIL_JSON_DECODER_HPP
#define CS2MARKET_DETAIL_JSON_DECODER_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/drift.hpp>
#include <cs2market/error.hpp>

#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market::detail {

/// Parses an integer, also from "1.0" or "1e3" when exact. The grammar is
/// decimal::parse's (JSON numbers): no leading zeros ("022"), no '+', no blanks;
/// "-0" is 0, as for decimals.
template <class I>
bool integer_from_text(std::string_view s, I& out)
{
    const std::size_t lead = !s.empty() && s[0] == '-' ? 1 : 0;
    if (s.size() > lead + 1 && s[lead] == '0' && s[lead + 1] >= '0' && s[lead + 1] <= '9')
        return false;
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

/// Parses a finite double (all of `s`, locale-independent).
CS2MARKET_DECL bool double_from_text(std::string_view s, double& out);

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
    const bool* sent_as_string = nullptr; ///< structs: per member, numbers documented as strings (drift only)
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

/// The value_sink of T (detail/json_sinks.hpp).
template <class T>
struct sink_for;

/// The basic_parser handler: routes each event to the sink of the open frame.
class direct_decoder {
public:
    // basic_parser limits: refuse absurd sizes early.
    static constexpr std::size_t max_object_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_array_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_key_size = std::numeric_limits<std::uint32_t>::max() / 4;
    static constexpr std::size_t max_string_size = std::numeric_limits<std::uint32_t>::max() / 4;

    /// Decodes into `out`, whose sink is `root`.
    CS2MARKET_DECL direct_decoder(const codec_options& o, const value_sink* root, void* out);

    const codec_options& opt;
    error err;
    std::string prefix;
    std::vector<std::uint64_t> seen_words;

    bool failed() const noexcept { return failed_; }

    // --- used by the sinks -------------------------------------------------
    CS2MARKET_DECL decode_frame& push(frame_kind k, const frame_ops* ops, void* obj);
    CS2MARKET_DECL bool fail(std::string what);
    CS2MARKET_DECL bool mismatch(std::string_view expected, jkind got);
    CS2MARKET_DECL std::string path() const;
    /// Tells opt.drift (set) of `value` at the current path.
    CS2MARKET_DECL void drift(drift_kind k, std::string_view value);
    /// Tells opt.drift (set) of key `key` of the innermost object.
    CS2MARKET_DECL void drift_key(drift_kind k, std::string_view key);

    // --- basic_parser handler ----------------------------------------------
    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code&) { return begin(true); }
    bool on_object_end(std::size_t, boost::json::error_code&) { return end(true); }
    bool on_array_begin(boost::json::error_code&) { return begin(false); }
    bool on_array_end(std::size_t, boost::json::error_code&) { return end(false); }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    CS2MARKET_DECL bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&);
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) { return part(s); }
    CS2MARKET_DECL bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&);
    bool on_number_part(boost::json::string_view s, boost::json::error_code&) { return part(s); }
    CS2MARKET_DECL bool on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_double(double v, boost::json::string_view s, boost::json::error_code&);
    CS2MARKET_DECL bool on_bool(bool b, boost::json::error_code&);
    CS2MARKET_DECL bool on_null(boost::json::error_code&);
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    bool quiet() const noexcept { return skip_ != 0 || failed_; }
    CS2MARKET_DECL bool part(boost::json::string_view s);
    CS2MARKET_DECL std::string_view text(boost::json::string_view s);
    CS2MARKET_DECL bool scalar(const scalar_event& e);
    CS2MARKET_DECL bool begin(bool is_object);
    CS2MARKET_DECL bool end(bool is_object);

    std::vector<decode_frame> frames_;
    std::string pending_;
    std::size_t skip_ = 0;
    bool failed_ = false;
};

/// Feeds the value at `idx` of a built tape to `h`, as the parser would.
CS2MARKET_DECL void replay_tape(const tape& t, std::uint32_t idx, direct_decoder& h);

/// decode_text and decode_node for the value whose sink is `root`, stored at `out`.
CS2MARKET_DECL bool decode_text_into(std::string_view json, const codec_options& opt, std::string prefix, const value_sink* root,
                                     void* out, error& err);
CS2MARKET_DECL bool decode_node_into(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix,
                                     const value_sink* root, void* out, error& err);

/// Parses `json` and decodes it into `out`: invalid JSON (or too large, too deep)
/// gives an invalid_json error naming the byte offset; otherwise the first decode
/// error, its JSON path starting with `prefix`. Defined in detail/json_sinks.hpp.
template <class T>
bool decode_text(std::string_view json, const codec_options& opt, std::string prefix, T& out, error& err);

/// Decodes the value at `idx` of a built tape; `prefix` starts the JSON path of errors.
/// The tape is replayed as parser events into the same decoder as decode_text.
template <class T>
bool decode_node(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix, T& out, error& err);

} // namespace cs2market::detail

#endif
