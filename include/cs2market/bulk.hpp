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
// fatal whatever the policy. Error kinds: invalid_json for rows that are not JSON
// or too large, for a broken array structure and for corrupt gzip ("gzip: ..."),
// decode for rows that do not match Row, invalid_argument for files that cannot
// be opened or read (system_code holds errno).
//
// No Beast/Asio here; needs zlib (link ZLIB::ZLIB / -lz).
#ifndef CS2MARKET_BULK_HPP
#define CS2MARKET_BULK_HPP

#include <cs2market/error.hpp>
#include <cs2market/json.hpp>
#include <cs2market/raw_body.hpp>

#include <zlib.h>

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

namespace detail {

inline constexpr std::size_t bulk_read_chunk = std::size_t{64} << 10;

inline bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Bytes that end a run inside a JSON string: '"' and '\\'.
inline constexpr auto string_stop = [] {
    std::array<bool, 256> t{};
    t['"'] = t['\\'] = true;
    return t;
}();
/// Bytes that matter to the array splitter outside strings.
inline constexpr auto structural = [] {
    std::array<bool, 256> t{};
    for (char c : std::string_view("\"{}[], \t\n\r"))
        t[static_cast<unsigned char>(c)] = true;
    return t;
}();

/// Calls f and maps its return value to "keep going": void means yes.
template <class F, class A>
bool call_continue(F& f, A&& a)
{
    if constexpr (std::is_void_v<std::invoke_result_t<F&, A&&>>) {
        std::invoke(f, std::forward<A>(a));
        return true;
    } else {
        return static_cast<bool>(std::invoke(f, std::forward<A>(a)));
    }
}

template <class Row, class F>
inline constexpr bool takes_result = std::is_invocable_v<std::decay_t<F>&, result<Row>&&>;
template <class Row, class F>
inline constexpr bool takes_row = std::is_invocable_v<std::decay_t<F>&, Row&&>;

/// The half shared by both readers: the row buffer with its limit, decoding with
/// the codec, delivery to the callback, the bad-row policy and the counters.
template <class Row>
class row_reader_base {
public:
    row_reader_base(const row_reader_base&) = delete;
    row_reader_base& operator=(const row_reader_base&) = delete;
    row_reader_base(row_reader_base&&) = default;
    row_reader_base& operator=(row_reader_base&&) = default;

    /// Rows decoded and handed to the callback.
    std::size_t rows() const noexcept { return rows_; }
    /// Rows that failed to decode (skipped, or handed over as errors).
    std::size_t bad_rows() const noexcept { return bad_; }
    /// The first bad row's error (kept in every mode).
    const std::optional<error>& first_bad_row() const noexcept { return first_bad_; }
    /// Bytes fed so far.
    std::uint64_t bytes() const noexcept { return consumed_; }
    /// The callback returned false; later feeds are ignored.
    bool stopped() const noexcept { return stopped_; }
    /// finish() was called.
    bool finished() const noexcept { return finished_; }
    /// The sticky fatal error, or success.
    result<void> status() const
    {
        if (failed_)
            return *failed_;
        return {};
    }

protected:
    template <class F>
    row_reader_base(F&& f, const bulk_options& opt, bool lines)
        : opt_(opt), codec_(opt.codec.value_or(default_codec_options<Row>())), lines_(lines)
    {
        static_assert(takes_result<Row, F> || takes_row<Row, F>,
                      "cs2market bulk reader: the callback must accept Row&& or result<Row>&&");
        takes_result_ = takes_result<Row, F>;
        sink_ = std::make_unique<sink_impl<std::decay_t<F>>>(std::forward<F>(f));
    }
    ~row_reader_base() = default;

    bool running() const noexcept { return !stopped_ && !failed_; }

    void fail(error e)
    {
        if (!failed_)
            failed_ = std::move(e);
    }
    result<void> fatal(std::string what)
    {
        fail(make_error(error_kind::invalid_json, std::move(what)));
        return *failed_;
    }

    /// Gathers a piece of the current row that ends a chunk.
    void add_part(std::string_view part)
    {
        row_bytes_ += part.size();
        if (oversized_)
            return;
        if (row_bytes_ > opt_.max_row_size) {
            oversized_ = true;
            buf_.clear();
            return;
        }
        buf_.append(part.data(), part.size());
    }

    /// The whole current row, its last piece being `last`: a view of the chunk
    /// when the row did not straddle chunks, else the buffer. Empty optional
    /// when the row is over the limit.
    std::optional<std::string_view> assemble(std::string_view last)
    {
        if (row_bytes_ == 0) {
            row_bytes_ = last.size();
            if (row_bytes_ > opt_.max_row_size) {
                oversized_ = true;
                return std::nullopt;
            }
            return last;
        }
        add_part(last);
        if (oversized_)
            return std::nullopt;
        return std::string_view(buf_);
    }
    void reset_row() noexcept
    {
        buf_.clear();
        row_bytes_ = 0;
        oversized_ = false;
    }

    /// Decodes and delivers row `where` (0-based element or 1-based line), or
    /// reports it too large. False when reading must stop (callback or fatal error).
    bool emit(std::optional<std::string_view> text, std::uint64_t where)
    {
        result<Row> r = text ? decode(*text, where) : result<Row>(too_large(where));
        if (!r) {
            ++bad_;
            if (!first_bad_)
                first_bad_ = r.error();
            if (!takes_result_) {
                if (opt_.bad_rows == bad_row_policy::skip)
                    return true;
                fail(std::move(r).error());
                return false;
            }
        } else {
            ++rows_;
        }
        if (!(*sink_)(std::move(r))) {
            stopped_ = true;
            return false;
        }
        return true;
    }

    std::string locator(std::uint64_t where) const
    {
        return lines_ ? "line " + std::to_string(where) : "[" + std::to_string(where) + "]";
    }

    bulk_options opt_;
    codec_options codec_;
    std::uint64_t consumed_ = 0;
    bool finished_ = false;

private:
    result<Row> decode(std::string_view text, std::uint64_t where)
    {
        error err;
        Row row{};
        if (!decode_text(text, codec_, {}, row, err)) {
            if (err.kind != error_kind::decode) {
                err.json_path = locator(where);
                return err;
            }
            std::string inner = std::move(err.json_path);
            err.json_path = locator(where);
            if (!inner.empty()) {
                if (lines_)
                    err.json_path += ": ";
                else if (inner.front() != '[')
                    err.json_path += '.';
                err.json_path += inner;
            }
            return err;
        }
        return row;
    }
    error too_large(std::uint64_t where) const
    {
        error e = make_error(error_kind::invalid_json,
                             "row of " + std::to_string(row_bytes_) + " bytes is larger than the limit of " +
                                 std::to_string(opt_.max_row_size) + " (bulk_options::max_row_size)");
        e.json_path = locator(where);
        return e;
    }

    // The callback, type-erased without std::function (which would require it to be copyable).
    struct sink_base {
        virtual ~sink_base() = default;
        virtual bool operator()(result<Row>&& r) = 0;
    };
    template <class Fn>
    struct sink_impl final : sink_base {
        template <class A>
        explicit sink_impl(A&& a) : fn(std::forward<A>(a))
        {
        }
        bool operator()(result<Row>&& r) override
        {
            if constexpr (std::is_invocable_v<Fn&, result<Row>&&>)
                return call_continue(fn, std::move(r));
            else
                return call_continue(fn, std::move(*r)); // only good rows get here
        }
        Fn fn;
    };

    std::unique_ptr<sink_base> sink_;
    bool takes_result_ = false;
    bool lines_;
    std::string buf_;
    std::uint64_t row_bytes_ = 0;
    bool oversized_ = false;
    bool stopped_ = false;
    std::optional<error> failed_;
    std::optional<error> first_bad_;
    std::size_t rows_ = 0;
    std::size_t bad_ = 0;
};

} // namespace detail

// ---------------------------------------------------------------------------

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
    result<void> feed(std::string_view chunk)
    {
        if (this->finished_)
            this->fail(detail::make_error(error_kind::invalid_argument, "feed() after finish()"));
        if (!this->running())
            return this->status();
        this->consumed_ += chunk.size();
        while (!chunk.empty()) {
            const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
            if (!nl) {
                this->add_part(chunk);
                pending_ = true;
                break;
            }
            std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data());
            if (!line(chunk.substr(0, n)))
                break;
            chunk.remove_prefix(n + 1);
        }
        return this->status();
    }

    /// Ends the input: decodes a last line that had no newline.
    result<void> finish()
    {
        if (this->finished_ || !this->running())
            return this->status();
        this->finished_ = true;
        if (pending_)
            line({});
        return this->status();
    }

    /// Lines seen so far (including blank ones).
    std::uint64_t lines() const noexcept { return line_no_; }

private:
    bool line(std::string_view last)
    {
        pending_ = false;
        ++line_no_;
        auto text = this->assemble(last);
        bool ok = true;
        if (text) {
            std::string_view s = *text;
            if (line_no_ == 1 && s.substr(0, 3) == "\xEF\xBB\xBF")
                s.remove_prefix(3);
            std::size_t i = 0;
            while (i < s.size() && detail::is_json_space(s[i]))
                ++i;
            if (i != s.size()) // blank lines are skipped
                ok = this->emit(s, line_no_);
        } else {
            ok = this->emit(std::nullopt, line_no_);
        }
        this->reset_row();
        return ok;
    }

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
    result<void> feed(std::string_view chunk)
    {
        if (this->finished_)
            this->fail(detail::make_error(error_kind::invalid_argument, "feed() after finish()"));
        if (!this->running())
            return this->status();
        const char* const b = chunk.data();
        const char* p = b;
        const char* const e = b + chunk.size();
        const std::uint64_t base_off = this->consumed_;
        this->consumed_ += chunk.size();
        auto at = [&](const char* q) { return std::to_string(base_off + static_cast<std::uint64_t>(q - b)); };

        while (p < e) {
            switch (st_) {
            case state::element: {
                const char* start = p;
                const scan_end r = scan(p, e);
                if (r == scan_end::stray_brace)
                    return this->fatal("unexpected '}' in element [" + std::to_string(index_) + "] at byte " + at(p));
                if (r == scan_end::more) {
                    this->add_part(std::string_view(start, static_cast<std::size_t>(p - start)));
                    return this->status();
                }
                st_ = state::after;
                auto text = this->assemble(std::string_view(start, static_cast<std::size_t>(p - start)));
                bool ok = this->emit(text, index_++);
                this->reset_row();
                if (!ok)
                    return this->status();
                break;
            }
            case state::before:
                for (; p < e && st_ == state::before; ++p) {
                    const char c = *p;
                    std::uint64_t off = base_off + static_cast<std::uint64_t>(p - b);
                    if (c == '[')
                        st_ = state::first;
                    else if (off < 3 && static_cast<unsigned char>(c) == static_cast<unsigned char>("\xEF\xBB\xBF"[off]))
                        continue; // byte order mark
                    else if (!detail::is_json_space(c))
                        return this->fatal("expected '[' (the file must be a JSON array) at byte " + at(p));
                }
                break;
            case state::first:
            case state::value:
                while (p < e && detail::is_json_space(*p))
                    ++p;
                if (p == e)
                    break;
                if (*p == ']') {
                    if (st_ == state::value)
                        return this->fatal("expected a value after ',' at byte " + at(p));
                    st_ = state::done;
                    ++p;
                    break;
                }
                if (*p == ',')
                    return this->fatal("expected a value, got ',' at byte " + at(p));
                st_ = state::element;
                depth_ = 0;
                in_str_ = esc_ = false;
                break;
            case state::after:
                while (p < e && detail::is_json_space(*p))
                    ++p;
                if (p == e)
                    break;
                if (*p == ',')
                    st_ = state::value;
                else if (*p == ']')
                    st_ = state::done;
                else
                    return this->fatal("expected ',' or ']' after element [" + std::to_string(index_ - 1) + "] at byte " +
                                       at(p));
                ++p;
                break;
            case state::done:
                while (p < e && detail::is_json_space(*p))
                    ++p;
                if (p != e)
                    return this->fatal("unexpected data after the array at byte " + at(p));
                break;
            }
        }
        return this->status();
    }

    /// Ends the input: an error unless the array was closed.
    result<void> finish()
    {
        if (this->finished_ || !this->running())
            return this->status();
        this->finished_ = true;
        switch (st_) {
        case state::done: break;
        case state::before:
            return this->fatal(this->consumed_ == 0 ? "empty input (expected a JSON array)"
                                                    : "input ended before '[' (expected a JSON array)");
        case state::element:
            return this->fatal("input ended inside element [" + std::to_string(index_) + "] (truncated array)");
        default:
            return this->fatal("input ended after " + std::to_string(index_) + " elements, before ']' (truncated array)");
        }
        return this->status();
    }

    /// Top-level elements seen so far (good and bad).
    std::uint64_t elements() const noexcept { return index_; }

private:
    enum class scan_end : std::uint8_t { more, done, stray_brace };

    /// Advances `p` through the current element: to its end (done; for numbers and
    /// literals the delimiter is not part of it), to `e` (more), or to a '}' that
    /// closes nothing (stray_brace). The state lives in locals while scanning, so
    /// the compiler need not reload it after every byte read through a char pointer.
    scan_end scan(const char*& p, const char* const e) noexcept
    {
        std::uint64_t depth = depth_;
        bool in_str = in_str_;
        bool esc = esc_;
        scan_end r = scan_end::more;
        const char* q = p;
        while (q < e) {
            if (in_str) {
                if (esc) {
                    esc = false;
                    ++q;
                    continue;
                }
                while (q < e && !detail::string_stop[static_cast<unsigned char>(*q)])
                    ++q;
                if (q == e)
                    break;
                ++q;
                if (q[-1] == '\\') {
                    esc = true;
                    continue;
                }
                in_str = false;
                if (depth == 0) { // a string element ends here
                    r = scan_end::done;
                    break;
                }
                continue;
            }
            while (q < e && !detail::structural[static_cast<unsigned char>(*q)])
                ++q;
            if (q == e)
                break;
            const char c = *q;
            if (c == '"') {
                in_str = true;
                ++q;
            } else if (c == '{' || c == '[') {
                ++depth;
                ++q;
            } else if (c == '}' || c == ']') {
                if (depth == 0) { // ends a number/literal element; ']' also ends the array
                    r = c == '}' ? scan_end::stray_brace : scan_end::done;
                    break;
                }
                ++q;
                if (--depth == 0) {
                    r = scan_end::done;
                    break;
                }
            } else { // ',' or whitespace: ends a number/literal element at depth 0
                if (depth == 0) {
                    r = scan_end::done;
                    break;
                }
                ++q;
            }
        }
        depth_ = depth;
        in_str_ = in_str;
        esc_ = esc;
        p = q;
        return r;
    }

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
/// through concatenated members. Never throws.
class gzip_decoder {
public:
    gzip_decoder() : zs_(new z_stream{}), out_(new unsigned char[out_size])
    {
        if (inflateInit2(zs_.get(), 16 + MAX_WBITS) != Z_OK) {
            zs_.reset();
            failed_ = make("cannot initialise zlib");
        }
    }
    gzip_decoder(gzip_decoder&&) noexcept = default;
    gzip_decoder& operator=(gzip_decoder&&) noexcept = default;

    /// Inflates `in` and hands every piece of output to `out(std::string_view)`,
    /// which may return bool (false: stop; later feeds are ignored).
    template <class Out>
    result<void> feed(std::string_view in, Out&& out)
    {
        if (finished_ && !failed_)
            failed_ = detail::make_error(error_kind::invalid_argument, "feed() after finish()");
        if (failed_)
            return *failed_;
        if (stopped_)
            return {};
        while (!in.empty()) {
            std::size_t n = std::min<std::size_t>(in.size(), std::numeric_limits<uInt>::max() / 2);
            if (!inflate_some(in.substr(0, n), out))
                break;
            in.remove_prefix(n);
        }
        if (failed_)
            return *failed_;
        return {};
    }

    /// Ends the input: an error if it ended inside a member (or held none).
    result<void> finish()
    {
        if (failed_)
            return *failed_;
        if (!finished_ && !stopped_) {
            finished_ = true;
            if (!member_done_) {
                failed_ = make(in_total_ == 0 ? "empty input"
                                              : "truncated: input ended inside member " + std::to_string(members_ + 1) +
                                                    " after " + std::to_string(in_total_) + " compressed bytes");
                return *failed_;
            }
        }
        return {};
    }

    /// The sticky error (corrupt or truncated data), or success.
    result<void> status() const
    {
        if (failed_)
            return *failed_;
        return {};
    }
    /// Complete members so far.
    std::size_t members() const noexcept { return members_; }
    std::uint64_t bytes_in() const noexcept { return in_total_; }
    std::uint64_t bytes_out() const noexcept { return out_total_; }
    bool stopped() const noexcept { return stopped_; }

    /// True when `bytes` start with the gzip magic number 1f 8b.
    static bool is_gzip(std::string_view bytes) noexcept
    {
        return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
               static_cast<unsigned char>(bytes[1]) == 0x8b;
    }

private:
    static constexpr std::size_t out_size = std::size_t{64} << 10;

    struct end_stream {
        void operator()(z_stream* s) const noexcept
        {
            inflateEnd(s);
            delete s;
        }
    };

    static error make(std::string what) { return detail::make_error(error_kind::invalid_json, "gzip: " + std::move(what)); }

    template <class Out>
    bool inflate_some(std::string_view in, Out& out)
    {
        z_stream& z = *zs_;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z.avail_in = static_cast<uInt>(in.size());
        while (z.avail_in > 0 || z.avail_out == 0) {
            if (member_done_) { // more bytes after a complete member: the next member
                if (inflateReset(&z) != Z_OK) {
                    failed_ = make("cannot reset zlib");
                    return false;
                }
                member_done_ = false;
            }
            z.next_out = out_.get();
            z.avail_out = static_cast<uInt>(out_size);
            const uInt before = z.avail_in;
            int rc = inflate(&z, Z_NO_FLUSH);
            in_total_ += before - z.avail_in;
            const std::size_t produced = out_size - z.avail_out;
            out_total_ += produced;
            if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR) {
                std::string msg = z.msg ? z.msg : (rc == Z_NEED_DICT ? "needs a preset dictionary" : "zlib error " + std::to_string(rc));
                failed_ = make(msg + " in member " + std::to_string(members_ + 1) + " (near compressed byte " +
                               std::to_string(in_total_) + ")");
                return false;
            }
            if (produced != 0 && !detail::call_continue(out, std::string_view(reinterpret_cast<const char*>(out_.get()), produced))) {
                stopped_ = true;
                return false;
            }
            if (rc == Z_STREAM_END) {
                member_done_ = true;
                ++members_;
                z.avail_out = 1; // the member is fully flushed
            } else if (rc == Z_BUF_ERROR) {
                break; // no progress possible: needs more input
            }
        }
        return true;
    }

    std::unique_ptr<z_stream, end_stream> zs_;
    std::unique_ptr<unsigned char[]> out_;
    std::optional<error> failed_;
    std::uint64_t in_total_ = 0;
    std::uint64_t out_total_ = 0;
    std::size_t members_ = 0;
    bool member_done_ = false;
    bool finished_ = false;
    bool stopped_ = false;
};

// ---------------------------------------------------------------------------
// Conveniences. All return the number of rows delivered to `f` (good rows), or
// the first fatal error. A callback returning false ends reading early (success).

namespace detail {

/// Reads `path` in 64 KiB chunks; `on_chunk(std::string_view)` returns false to stop.
template <class OnChunk>
result<void> read_file_chunks(const std::filesystem::path& path, OnChunk&& on_chunk)
{
    std::FILE* fp = std::fopen(path.c_str(), "rb");
    if (!fp) {
        int ec = errno;
        error e = make_error(error_kind::invalid_argument, "cannot open " + path.string() + ": " + std::strerror(ec));
        e.system_code = boost::system::error_code(ec, boost::system::generic_category());
        return e;
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(fp, &std::fclose);
    std::setvbuf(fp, nullptr, _IONBF, 0); // we read in large blocks ourselves
    std::unique_ptr<char[]> buf(new char[bulk_read_chunk]);
    for (;;) {
        std::size_t n = std::fread(buf.get(), 1, bulk_read_chunk, fp);
        if (n > 0 && !on_chunk(std::string_view(buf.get(), n)))
            return {};
        if (n < bulk_read_chunk) {
            if (std::ferror(fp)) {
                int ec = errno;
                error e = make_error(error_kind::invalid_argument, "cannot read " + path.string() + ": " + std::strerror(ec));
                e.system_code = boost::system::error_code(ec, boost::system::generic_category());
                return e;
            }
            if (std::feof(fp))
                return {};
        }
    }
}

/// Feeds gzip bytes through `gz` into `reader`. False when reading should end
/// (an error, recorded in gz or reader, or the callback stopped).
template <class Reader>
bool gunzip_into(gzip_decoder& gz, Reader& reader, std::string_view in)
{
    auto r = gz.feed(in, [&](std::string_view plain) { return static_cast<bool>(reader.feed(plain)) && !reader.stopped(); });
    return r && reader.status() && !reader.stopped();
}

template <class Reader>
result<std::size_t> rows_or_error(const Reader& reader)
{
    if (auto s = reader.status(); !s)
        return s.error();
    return reader.rows();
}

/// The first error of the gunzip + reader pair, else the rows delivered.
template <class Reader>
result<std::size_t> rows_or_error(const gzip_decoder& gz, const Reader& reader)
{
    if (auto s = reader.status(); !s)
        return s.error(); // the reader's error came first: it stopped the inflating
    if (auto s = gz.status(); !s)
        return s.error();
    return reader.rows();
}

/// Passes `f` by reference (the reader would otherwise store a copy).
template <class F>
auto by_ref(F& f) noexcept
{
    return std::ref(f);
}

} // namespace detail

/// Decodes NDJSON from memory, gunzipping first when `bytes` start with the gzip
/// magic (e.g. `raw_body::bytes` of csboard::ops::get_price_snapshot).
template <class Row, class F>
result<std::size_t> decode_ndjson(std::string_view bytes, F&& f, const bulk_options& opt = {})
{
    ndjson_reader<Row> reader(detail::by_ref(f), opt);
    if (gzip_decoder::is_gzip(bytes)) {
        gzip_decoder gz;
        if (!detail::gunzip_into(gz, reader, bytes))
            return detail::rows_or_error(gz, reader);
        if (auto s = gz.finish(); !s)
            return s.error();
    } else {
        reader.feed(bytes);
    }
    reader.finish();
    return detail::rows_or_error(reader);
}

/// Decodes a response of csboard::ops::get_price_snapshot. A 304 Not Modified
/// (no body) is an invalid_argument error, not an empty catalogue.
template <class Row, class F>
result<std::size_t> decode_ndjson(const raw_body& body, F&& f, const bulk_options& opt = {})
{
    if (body.not_modified)
        return detail::make_error(error_kind::invalid_argument, "304 Not Modified: no body to decode (the stored copy is current)");
    return decode_ndjson<Row>(std::string_view(body.bytes), std::forward<F>(f), opt);
}

/// Decodes a gzip-compressed NDJSON file (e.g. a saved CSBoard price snapshot),
/// reading it in 64 KiB chunks.
template <class Row, class F>
result<std::size_t> decode_ndjson_gz_file(const std::filesystem::path& path, F&& f, const bulk_options& opt = {})
{
    ndjson_reader<Row> reader(detail::by_ref(f), opt);
    gzip_decoder gz;
    bool more = true;
    auto rd = detail::read_file_chunks(path, [&](std::string_view chunk) { return more = detail::gunzip_into(gz, reader, chunk); });
    if (!rd)
        return rd.error();
    if (!more)
        return detail::rows_or_error(gz, reader);
    if (auto s = gz.finish(); !s)
        return s.error();
    reader.finish();
    return detail::rows_or_error(reader);
}

/// Decodes a file holding one JSON array of Row (e.g. CS2DT's full items file),
/// reading it in 64 KiB chunks.
template <class Row, class F>
result<std::size_t> decode_json_array_file(const std::filesystem::path& path, F&& f, const bulk_options& opt = {})
{
    json_array_reader<Row> reader(detail::by_ref(f), opt);
    auto rd = detail::read_file_chunks(path, [&](std::string_view chunk) {
        return static_cast<bool>(reader.feed(chunk)) && !reader.stopped();
    });
    if (!rd)
        return rd.error();
    if (!reader.stopped())
        reader.finish();
    return detail::rows_or_error(reader);
}

} // namespace cs2market

#endif
