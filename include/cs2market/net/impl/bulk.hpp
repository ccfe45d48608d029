// cs2market: the bulk readers' template bodies. Included at the end of <cs2market/net/bulk.hpp>.
#ifndef CS2MARKET_NET_IMPL_BULK_HPP
#define CS2MARKET_NET_IMPL_BULK_HPP

#include <cs2market/net/bulk.hpp>

namespace cs2market {

// --- ndjson_reader --------------------------------------------------------------

template <class Row>
result<void> ndjson_reader<Row>::feed(std::string_view chunk)
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

template <class Row>
result<void> ndjson_reader<Row>::finish()
{
    if (this->finished_ || !this->running())
        return this->status();
    this->finished_ = true;
    if (pending_)
        line({});
    return this->status();
}

template <class Row>
bool ndjson_reader<Row>::line(std::string_view last)
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

// --- json_array_reader -------------------------------------------------------------

template <class Row>
result<void> json_array_reader<Row>::feed(std::string_view chunk)
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

template <class Row>
result<void> json_array_reader<Row>::finish()
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

// The state lives in locals while scanning, so the compiler need not reload it
// after every byte read through a char pointer.
template <class Row>
typename json_array_reader<Row>::scan_end json_array_reader<Row>::scan(const char*& p, const char* const e) noexcept
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

// --- gzip_decoder ------------------------------------------------------------------

template <class Out>
result<void> gzip_decoder::feed(std::string_view in, Out&& out)
{
    auto call = [&out](std::string_view plain) { return detail::call_continue(out, std::string_view(plain)); };
    using C = decltype(call);
    return feed_to(in, [](void* ctx, std::string_view plain) { return (*static_cast<C*>(ctx))(plain); }, &call);
}

// --- conveniences --------------------------------------------------------------------

namespace detail {

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

} // namespace detail

template <class Row, class F>
result<std::size_t> decode_ndjson(std::string_view bytes, F&& f, const bulk_options& opt)
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

template <class Row, class F>
result<std::size_t> decode_ndjson(const raw_body& body, F&& f, const bulk_options& opt)
{
    if (body.not_modified)
        return detail::make_error(error_kind::invalid_argument, "304 Not Modified: no body to decode (the stored copy is current)");
    return decode_ndjson<Row>(std::string_view(body.bytes), std::forward<F>(f), opt);
}

template <class Row, class F>
result<std::size_t> decode_ndjson_gz_file(const std::filesystem::path& path, F&& f, const bulk_options& opt)
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

template <class Row, class F>
result<std::size_t> decode_json_array_file(const std::filesystem::path& path, F&& f, const bulk_options& opt)
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
