// cs2market: streaming decoders for the providers' bulk files, in flat memory.
//
//   CSBoard GET /v1/prices/snapshot.ndjson.gz  -> gzip, then one PriceRow per line (NDJSON)
//   CS2DT   full items file (link from get_full_items) -> one JSON array of FullItem
//
//   auto snap = client.call<csboard::ops::get_price_snapshot>({.If_None_Match = etag});   // raw_body
//   if (snap && !snap->not_modified) {
//       auto n = cs2market::decode_ndjson<csboard::PriceRow>(*snap, [&](csboard::PriceRow&& row) {
//           db.upsert(row.market_hash_name, row.min_price_usd, row.qty);
//       });
//       if (!n) std::cerr << n.error().message() << '\n';   // e.g. line 3: qty: expected integer, got string "x"
//   }
//   cs2market::decode_json_array_file<cs2dt::FullItem>("full.json", [&](cs2dt::FullItem&& it) { ... });
//
// Both formats go through one mechanism: a byte-level splitter finds where each
// row ends (a newline; or, for arrays, the end of a top-level element, found by a
// depth / in-string / escape state machine), the row's bytes are gathered in one
// reused buffer only when they straddle two chunks, and each row is decoded once
// with the library's codec (decode_text, straight from the parser, with Row's default codec
// options). Memory is bounded by the largest row (at most max_row_size), never by
// the file.
//
// Callbacks: `f(Row&&)` receives good rows; a bad row then stops the reader with
// its error (bad_row_policy::stop, the default) or is counted and skipped
// (bad_row_policy::skip). `f(result<Row>&&)` receives every row, good or bad, and
// decides itself. Either may return bool: false stops reading (not an error).
// Bad rows' errors name the row: json_path is "[41].price" (array element 41,
// 0-based) or "line 3: qty" (NDJSON line 3, 1-based, blank lines counted).
// Errors of the file as a whole (not a JSON array, truncated, corrupt gzip) are
// fatal whatever the policy; rows delivered before the error was seen stay
// delivered (e.g. those of a gzip file with garbage after its last member).
// Error kinds: invalid_json for rows that are not JSON or too large, for a
// broken array structure and for corrupt gzip ("gzip: ..."), decode for rows
// that do not match Row, invalid_argument for files that cannot be opened or
// read (system_code holds errno).
//
// No Beast/Asio here; needs zlib (link ZLIB::ZLIB / -lz). Only impl/bulk.ipp includes
// <zlib.h>.
#ifndef CS2MARKET_NET_BULK_HPP
#define CS2MARKET_NET_BULK_HPP

#include <cs2market/net/detail/bulk_common.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/net/detail/gzip.hpp>
#include <cs2market/error.hpp>
#include <cs2market/json.hpp>
#include <cs2market/raw_body.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cs2market {

/// What an `f(Row&&)` callback's reader does with a row that does not decode.
enum class bad_row_policy : std::uint8_t {
    stop, ///< feed()/finish() return the row's error; nothing after it is read
    skip, ///< the row is counted (bad_rows(), first_bad_row()) and reading goes on
};

/// Options of the bulk readers.
struct bulk_options {
    /// A row (NDJSON line or array element) longer than this is refused with an
    /// invalid_json error for that row instead of being buffered.
    std::size_t max_row_size = std::size_t{16} << 20;
    /// For `f(Row&&)` callbacks; `f(result<Row>&&)` callbacks see bad rows themselves.
    bad_row_policy bad_rows = bad_row_policy::stop;
    /// Codec options; empty means Row's defaults (`default_codec_options<Row>()`).
    std::optional<codec_options> codec;
};

} // namespace cs2market

#include <cs2market/net/detail/bulk_reader.hpp> // row_reader_base, the readers' common half

namespace cs2market {

/// NDJSON: one Row per line ("\n" or "\r\n"). Blank lines are skipped (but
/// counted in line numbers); a last line without a newline is decoded at finish();
/// a UTF-8 byte order mark before the first line is ignored.
template <class Row>
class ndjson_reader : public detail::row_reader_base<Row> {
    using base = detail::row_reader_base<Row>;

public:
    /// `f` accepts `Row&&` or `result<Row>&&` and returns void or bool (false: stop).
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, ndjson_reader>)
    explicit ndjson_reader(F&& f, bulk_options opt = {}) : base(std::forward<F>(f), opt, true)
    {
    }

    /// Feeds the next bytes (any size, any split). Returns the fatal error, if any.
    result<void> feed(std::string_view chunk);

    /// Ends the input: decodes a last line that had no newline.
    result<void> finish();

    /// Lines seen so far (including blank ones).
    std::uint64_t lines() const noexcept { return line_no_; }

private:
    bool line(std::string_view last);

    std::uint64_t line_no_ = 0;
    bool pending_ = false; // bytes of a line without its newline yet
};

/// A JSON array of Row, streamed element by element: `[ row, row, ... ]`.
/// Structural errors (no '[' first, a missing ',', data after ']', input ending
/// before ']') are fatal; an element that does not decode is a bad row.
template <class Row>
class json_array_reader : public detail::row_reader_base<Row> {
    using base = detail::row_reader_base<Row>;

public:
    /// `f` accepts `Row&&` or `result<Row>&&` and returns void or bool (false: stop).
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, json_array_reader>)
    explicit json_array_reader(F&& f, bulk_options opt = {}) : base(std::forward<F>(f), opt, false)
    {
    }

    /// Feeds the next bytes (any size, any split). Returns the fatal error, if any.
    result<void> feed(std::string_view chunk);

    /// Ends the input: an error unless the array was closed.
    result<void> finish();

    /// Top-level elements seen so far (good and bad).
    std::uint64_t elements() const noexcept { return index_; }

private:
    enum class scan_end : std::uint8_t { more, done, stray_brace };

    /// Advances `p` through the current element: to its end (done; for numbers and
    /// literals the delimiter is not part of it), to `e` (more), or to a '}' that
    /// closes nothing (stray_brace).
    scan_end scan(const char*& p, const char* const e) noexcept;

    enum class state : std::uint8_t {
        before,  // expecting '['
        first,   // after '[': an element or ']'
        value,   // after ',': an element
        element, // inside an element
        after,   // after an element: ',' or ']'
        done,    // after ']': whitespace only
    };
    state st_ = state::before;
    std::uint64_t depth_ = 0;
    bool in_str_ = false;
    bool esc_ = false;
    std::uint64_t index_ = 0;
};

// ---------------------------------------------------------------------------

/// Streaming gunzip (RFC 1952) with zlib: inflates chunk by chunk into a 64 KiB
/// window, verifies each member's CRC-32 and length trailer, and continues
/// through concatenated members. Zero bytes after the last member are padding
/// and ignored, as gzip(1) does (a member starts with 1f 8b, never 00); any other
/// byte after them is an error. Output is handed over as it is inflated, so rows
/// of complete members come before such an error. Never throws.
class gzip_decoder {
public:
    CS2MARKET_DECL gzip_decoder();
    gzip_decoder(gzip_decoder&&) noexcept = default;
    gzip_decoder& operator=(gzip_decoder&&) noexcept = default;

    /// Inflates `in` and hands every piece of output to `out(std::string_view)`,
    /// which may return bool (false: stop; later feeds are ignored).
    template <class Out>
    result<void> feed(std::string_view in, Out&& out);

    /// Ends the input: an error if it ended inside a member (or held none).
    CS2MARKET_DECL result<void> finish();

    /// The sticky error (corrupt or truncated data), or success.
    CS2MARKET_DECL result<void> status() const;
    /// Complete members so far.
    std::size_t members() const noexcept { return members_; }
    std::uint64_t bytes_in() const noexcept { return in_total_; }
    std::uint64_t bytes_out() const noexcept { return out_total_; }
    bool stopped() const noexcept { return stopped_; }

    /// True when `bytes` start with the gzip magic number 1f 8b.
    CS2MARKET_DECL static bool is_gzip(std::string_view bytes) noexcept;

private:
    static constexpr std::size_t out_size = std::size_t{64} << 10;

    /// feed() with `out` type-erased, so that the zlib part is compiled once.
    CS2MARKET_DECL result<void> feed_to(std::string_view in, detail::gzip_sink out, void* ctx);
    CS2MARKET_DECL bool inflate_some(std::string_view in, detail::gzip_sink out, void* ctx);
    CS2MARKET_DECL static error make(std::string what);

    detail::gzip_stream_ptr zs_;
    std::optional<error> failed_;
    std::uint64_t in_total_ = 0;
    std::uint64_t out_total_ = 0;
    std::size_t members_ = 0;
    bool member_done_ = false;
    bool padding_ = false; // zero bytes seen after the last complete member
    bool finished_ = false;
    bool stopped_ = false;
};

// ---------------------------------------------------------------------------
// Conveniences. All return the number of rows delivered to `f` (good rows), or
// the first fatal error. A callback returning false ends reading early (success).

/// Decodes NDJSON from memory, gunzipping first when `bytes` start with the gzip
/// magic (e.g. `raw_body::bytes` of csboard::ops::get_price_snapshot).
template <class Row, class F>
result<std::size_t> decode_ndjson(std::string_view bytes, F&& f, const bulk_options& opt = {});

/// Decodes a response of csboard::ops::get_price_snapshot. A 304 Not Modified
/// (no body) is an invalid_argument error, not an empty catalogue.
template <class Row, class F>
result<std::size_t> decode_ndjson(const raw_body& body, F&& f, const bulk_options& opt = {});

/// Decodes a gzip-compressed NDJSON file (e.g. a saved CSBoard price snapshot),
/// reading it in 64 KiB chunks.
template <class Row, class F>
result<std::size_t> decode_ndjson_gz_file(const std::filesystem::path& path, F&& f, const bulk_options& opt = {});

/// Decodes a file holding one JSON array of Row (e.g. CS2DT's full items file),
/// reading it in 64 KiB chunks.
template <class Row, class F>
result<std::size_t> decode_json_array_file(const std::filesystem::path& path, F&& f, const bulk_options& opt = {});

} // namespace cs2market

#include <cs2market/net/impl/bulk.hpp>

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/bulk.ipp>
#endif

#endif
