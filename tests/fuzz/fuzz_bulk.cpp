// Fuzz target: the streaming bulk readers (NDJSON, JSON arrays, gzip).
//
// Input: two control bytes (mode, chunk size), then the file's bytes.
// Properties: nothing crashes; reading the bytes whole and in chunks gives the
// same rows (as JSON, or the same errors) and the same outcome; gzip of the
// bytes decodes to the same rows as the bytes themselves; raw bytes fed to the
// gunzip whole and in chunks give the same outcome (and output, when it succeeds).
#include <cs2market/net/bulk.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>

#include "fuzz_support.hpp"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct outcome {
    std::vector<std::string> rows; // each row as JSON, or "ERR <message>"
    std::string end;               // "" or the error ending the read

    bool operator==(const outcome&) const = default;
    std::string show() const
    {
        std::string s;
        for (const auto& r : rows)
            s += r + "\n";
        return s + "END " + end;
    }
};

template <class Row>
auto collector(outcome& o)
{
    return [&o](cs2market::result<Row>&& r) { o.rows.push_back(r ? cs2market::to_json(*r) : "ERR " + r.error().message()); };
}

template <class Reader, class Row>
outcome read(std::string_view bytes, std::size_t chunk)
{
    outcome o;
    cs2market::bulk_options opt;
    opt.max_row_size = 4096; // small, so that the size limit is exercised too
    Reader reader(collector<Row>(o), opt);
    for (std::size_t i = 0; i < bytes.size(); i += chunk)
        if (auto r = reader.feed(bytes.substr(i, chunk)); !r) {
            o.end = r.error().message();
            return o;
        }
    if (auto r = reader.finish(); !r)
        o.end = r.error().message();
    return o;
}

std::string gzip(std::string_view data)
{
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        fuzz::fail("deflateInit2");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    fuzz::check(rc == Z_STREAM_END, "deflate");
    out.resize(z.total_out);
    return out;
}

/// Gunzips `bytes` in chunks: the output and the outcome.
std::pair<std::string, std::string> gunzip(std::string_view bytes, std::size_t chunk)
{
    std::string out;
    cs2market::gzip_decoder dec;
    for (std::size_t i = 0; i < bytes.size(); i += chunk)
        if (auto r = dec.feed(bytes.substr(i, chunk), [&](std::string_view s) { out += s; }); !r)
            return {out, r.error().message()};
    auto r = dec.finish();
    return {out, r ? std::string() : r.error().message()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2 || size > 64 * 1024)
        return 0;
    const int mode = data[0] % 4;
    const std::size_t chunk = 1 + data[1] % 97;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
    using ndjson = cs2market::ndjson_reader<cs2market::csboard::PriceRow>;
    using array = cs2market::json_array_reader<cs2market::cs2dt::FullItem>;
    if (mode == 0) {
        const auto whole = read<ndjson, cs2market::csboard::PriceRow>(bytes, bytes.size() + 1);
        const auto parts = read<ndjson, cs2market::csboard::PriceRow>(bytes, chunk);
        fuzz::check(whole == parts, "NDJSON: whole and chunked differ", whole.show() + "\n----\n" + parts.show());
    } else if (mode == 1) {
        const auto whole = read<array, cs2market::cs2dt::FullItem>(bytes, bytes.size() + 1);
        const auto parts = read<array, cs2market::cs2dt::FullItem>(bytes, chunk);
        fuzz::check(whole == parts, "array: whole and chunked differ", whole.show() + "\n----\n" + parts.show());
    } else if (mode == 2) {
        // gzip, then gunzip in chunks into the NDJSON reader: the same rows as the plain bytes.
        const std::string gz = gzip(bytes);
        const auto [plain, end] = gunzip(gz, chunk);
        fuzz::check(end.empty() && plain == bytes, "gzip round trip", end);
        outcome o;
        cs2market::bulk_options opt;
        opt.max_row_size = 4096;
        auto n = cs2market::decode_ndjson<cs2market::csboard::PriceRow>(gz, collector<cs2market::csboard::PriceRow>(o), opt);
        if (!n)
            o.end = n.error().message();
        const auto direct = read<ndjson, cs2market::csboard::PriceRow>(bytes, bytes.size() + 1);
        fuzz::check(o == direct, "gzip NDJSON differs from plain NDJSON", o.show() + "\n----\n" + direct.show());
    } else {
        // Arbitrary bytes as gzip: whole and chunked agree on the outcome, and on
        // the output when it succeeds (where zlib notices corruption may depend on
        // how much input it was given).
        const auto whole = gunzip(bytes, bytes.size() + 1);
        const auto parts = gunzip(bytes, chunk);
        fuzz::check(whole.second.empty() == parts.second.empty(), "gunzip: whole and chunked disagree", whole.second + " / " + parts.second);
        fuzz::check(!whole.second.empty() || whole.first == parts.first, "gunzip: whole and chunked output differ");
    }
    return 0;
}
