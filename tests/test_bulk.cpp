// Bulk-file tests: streaming NDJSON / JSON-array row decoders and the gunzip
// stage, against the documented CSBoard snapshot line and CS2DT full-items
// array, arbitrary chunking, corrupt and hostile input. No Beast.
// Catch2 v2; main() is in catch_main.cpp.
#include <cs2market/net/bulk.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>

#include <catch2/catch.hpp>

#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace cs2dt = cs2market::cs2dt;
namespace csboard = cs2market::csboard;
using cs2market::bad_row_policy;
using cs2market::bulk_options;
using cs2market::decimal;
using cs2market::error_kind;
using cs2market::result;
using cs2market::to_json;
using Catch::Matchers::Contains;

// The documented examples, verbatim (csboard.md §2.5, cs2dt.md §2.4).
constexpr std::string_view csboard_doc_line =
    R"~({"market_hash_name":"AK-47 | Redline (Field-Tested)","wear":"Field-Tested","doppler_phase":null,"min_price_usd":11.92,"qty":73})~";
constexpr std::string_view cs2dt_doc_array =
    R"~([{"id":1252366888418574300,"price":0.15,"steamId":76561199022064770,"assetId":31247084400,
  "classId":4859151687,"instanceId":188530139,"steamMarketHashName":"Souvenir SG 553 | Bleached (Field-Tested)"}])~";

/// gzip (RFC 1952) of `data`, one member, compressed by zlib here.
std::string gzip(std::string_view data, int level = 6)
{
    z_stream z{};
    REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    REQUIRE(rc == Z_STREAM_END);
    out.resize(z.total_out);
    return out;
}

/// Feeds `data` to `reader` in pieces of `size` bytes, then finishes.
template <class Reader>
result<void> feed_chunks(Reader& reader, std::string_view data, std::size_t size)
{
    for (std::size_t i = 0; i < data.size(); i += size)
        if (auto r = reader.feed(data.substr(i, size)); !r)
            return r;
    return reader.finish();
}

/// Every row of `data` as JSON (or "ERR <path>: <detail>"), reading in pieces of `size`.
template <class Row, template <class> class Reader>
std::vector<std::string> rows_as_json(std::string_view data, std::size_t size)
{
    std::vector<std::string> out;
    Reader<Row> reader([&](result<Row>&& r) { out.push_back(r ? to_json(*r) : "ERR " + r.error().message()); });
    auto st = feed_chunks(reader, data, size);
    if (!st)
        FAIL("chunk size " << size << ": " << st.error().message());
    return out;
}

/// A file in the temp directory, removed at scope exit.
struct temp_file {
    std::filesystem::path path;
    explicit temp_file(std::string_view content, std::string_view name)
    {
        static const unsigned run = std::random_device{}();
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("cs2market-test-bulk-" + std::to_string(run) + "-" + std::to_string(counter++) + "-" + std::string(name));
        std::ofstream f(path, std::ios::binary);
        f.write(content.data(), static_cast<std::streamsize>(content.size()));
        REQUIRE(f.good());
    }
    ~temp_file()
    {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

/// A CSBoard-like snapshot of n rows, with names that stress the splitters.
std::string price_rows(std::size_t n)
{
    static const char* const names[] = {
        R"(AK-47 | Redline (Field-Tested))",
        R"(Sticker | ]} {[ , \"quoted\" \\ back\\slash)",
        R"(ends with a backslash \\)",
        R"(\\\"escaped quote after escaped backslash\\\\\")",
        R"(\u005d unicode bracket \u0022 \u005c)",
        R"(★ Karambit | Doppler (Factory New) 战队)",
    };
    static const char* const wears[] = {R"("Field-Tested")", "null", R"("Factory New")", R"("Brand New Wear")"};
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += R"({"market_hash_name":")";
        s += names[i % 6];
        s += R"(","wear":)";
        s += wears[i % 4];
        s += R"(,"doppler_phase":)";
        s += i % 5 == 0 ? R"("Phase 2")" : "null";
        s += R"(,"min_price_usd":)";
        s += std::to_string(i) + "." + std::to_string(10 + i % 90);
        s += R"(,"qty":)" + std::to_string(i * 7);
        s += "}\n";
    }
    return s;
}

/// A CS2DT-like full-items array of n rows, with whitespace and unknown nested members.
std::string full_items(std::size_t n)
{
    std::string s = " \n[\n";
    for (std::size_t i = 0; i < n; ++i) {
        if (i)
            s += i % 3 == 0 ? " ,\r\n\t" : ",";
        s += R"({"id":)" + std::to_string(1252366888418574300ULL + i);
        s += R"(, "price" : )" + std::to_string(i % 1000) + ".0" + std::to_string(1 + i % 9);
        s += R"(,"steamId":76561199022064770,"assetId":31247084400,"classId":"4859151687","instanceId":188530139,)";
        s += R"("extra":{"nested":[1,{"s":"]]}}\"{["},[[]]],"e":"\\"},)";
        s += R"("steamMarketHashName":"Item \")" + std::to_string(i) + R"(\" [x] {y} \\")";
        s += "}";
    }
    s += "\n]\n";
    return s;
}

} // namespace

// ===========================================================================
// Documented examples
// ===========================================================================

TEST_CASE("bulk: documented CSBoard snapshot line decodes exactly, plain and gzip", "[bulk][csboard]")
{
    auto check = [](const csboard::PriceRow& row) {
        CHECK(row.market_hash_name == "AK-47 | Redline (Field-Tested)");
        REQUIRE(row.wear.has_value());
        CHECK(row.wear->known() == csboard::Wear::Field_Tested);
        CHECK(row.wear->raw() == "Field-Tested");
        CHECK_FALSE(row.doppler_phase.has_value());
        CHECK(row.min_price_usd == decimal::from_units(1192, 2));
        CHECK(row.min_price_usd.to_string() == "11.92");
        CHECK(row.qty == 73);
    };
    const std::string plain = std::string(csboard_doc_line) + "\n";
    std::vector<csboard::PriceRow> got;
    auto collect = [&](csboard::PriceRow&& r) { got.push_back(std::move(r)); };

    auto n = cs2market::decode_ndjson<csboard::PriceRow>(plain, collect);
    REQUIRE(n);
    CHECK(*n == 1);
    auto n2 = cs2market::decode_ndjson<csboard::PriceRow>(gzip(plain), collect);
    REQUIRE(n2);
    CHECK(*n2 == 1);
    // As a raw_body of get_price_snapshot (gzip bytes, ETag).
    cs2market::raw_body body;
    body.bytes = gzip(plain);
    body.content_encoding = "gzip";
    body.etag = "\"v1\"";
    auto n3 = cs2market::decode_ndjson<csboard::PriceRow>(body, collect);
    REQUIRE(n3);
    CHECK(*n3 == 1);
    REQUIRE(got.size() == 3);
    for (const auto& r : got)
        check(r);
    CHECK(to_json(got[0]) == to_json(got[1]));
}

TEST_CASE("bulk: a 304 raw_body is an error, not an empty catalogue", "[bulk][csboard]")
{
    cs2market::raw_body body;
    body.not_modified = true;
    int calls = 0;
    auto n = cs2market::decode_ndjson<csboard::PriceRow>(body, [&](csboard::PriceRow&&) { ++calls; });
    REQUIRE_FALSE(n);
    CHECK(n.error().kind == error_kind::invalid_argument);
    CHECK_THAT(n.error().message(), Contains("304"));
    CHECK(calls == 0);
}

TEST_CASE("bulk: documented CS2DT full-items array keeps 64-bit ids and prices exact", "[bulk][cs2dt]")
{
    std::vector<cs2dt::FullItem> got;
    cs2market::json_array_reader<cs2dt::FullItem> reader([&](cs2dt::FullItem&& r) { got.push_back(std::move(r)); });
    REQUIRE(reader.feed(cs2dt_doc_array));
    REQUIRE(reader.finish());
    REQUIRE(got.size() == 1);
    const auto& it = got[0];
    CHECK(it.id == std::optional<std::int64_t>{1252366888418574300});
    CHECK(it.price == std::optional<decimal>{decimal::from_units(15, 2)});
    CHECK(it.steamId == std::optional<std::int64_t>{76561199022064770});
    CHECK(it.assetId == std::optional<std::int64_t>{31247084400});
    CHECK(it.classId == std::optional<std::int64_t>{4859151687});
    CHECK(it.instanceId == std::optional<std::int64_t>{188530139});
    CHECK(it.steamMarketHashName == std::optional<std::string>{"Souvenir SG 553 | Bleached (Field-Tested)"});
    CHECK(reader.rows() == 1);
    CHECK(reader.elements() == 1);
    CHECK(reader.bad_rows() == 0);

    // The same from a file.
    temp_file f(cs2dt_doc_array, "full.json");
    std::vector<cs2dt::FullItem> from_file;
    auto n = cs2market::decode_json_array_file<cs2dt::FullItem>(f.path, [&](cs2dt::FullItem&& r) { from_file.push_back(std::move(r)); });
    REQUIRE(n);
    CHECK(*n == 1);
    REQUIRE(from_file.size() == 1);
    CHECK(to_json(from_file[0]) == to_json(it));
    CHECK(to_json(it) == R"({"id":1252366888418574300,"price":0.15,"steamId":76561199022064770,"assetId":31247084400,)"
                         R"~("classId":4859151687,"instanceId":188530139,"steamMarketHashName":"Souvenir SG 553 | Bleached (Field-Tested)"})~");
}

// ===========================================================================
// Chunking, splitting, gzip
// ===========================================================================

TEST_CASE("bulk: every chunk size gives the same NDJSON rows", "[bulk][ndjson]")
{
    // CRLF, blank lines (also whitespace-only) and a last line without a newline.
    std::string data = price_rows(40);
    data.insert(0, "\n   \n");
    data.insert(data.find('\n', 300) + 1, "\r\n\t \r\n");
    data.pop_back(); // no final newline
    for (std::size_t p = data.find('\n', 1000); p != std::string::npos && p < 3000; p = data.find('\n', p + 200)) {
        data.insert(p, "\r");
        ++p;
    }

    const auto whole = rows_as_json<csboard::PriceRow, cs2market::ndjson_reader>(data, data.size());
    REQUIRE(whole.size() == 40);
    for (const auto& r : whole)
        CHECK_FALSE(r.rfind("ERR", 0) == 0);
    for (std::size_t size : {1, 2, 3, 7, 4096}) {
        INFO("chunk size " << size);
        CHECK(rows_as_json<csboard::PriceRow, cs2market::ndjson_reader>(data, size) == whole);
    }
    // And through gzip, in the same chunk sizes.
    const std::string gz = gzip(data);
    for (std::size_t size : {1, 2, 3, 7, 4096}) {
        INFO("gzip chunk size " << size);
        std::vector<std::string> got;
        cs2market::ndjson_reader<csboard::PriceRow> reader([&](csboard::PriceRow&& r) { got.push_back(to_json(r)); });
        cs2market::gzip_decoder dec;
        for (std::size_t i = 0; i < gz.size(); i += size)
            REQUIRE(dec.feed(std::string_view(gz).substr(i, size), [&](std::string_view s) { REQUIRE(reader.feed(s)); }));
        REQUIRE(dec.finish());
        REQUIRE(reader.finish());
        CHECK(got == whole);
        CHECK(dec.members() == 1);
        CHECK(dec.bytes_in() == gz.size());
        CHECK(dec.bytes_out() == data.size());
    }
}

TEST_CASE("bulk: every chunk size gives the same array elements", "[bulk][array]")
{
    const std::string data = full_items(30);
    const auto whole = rows_as_json<cs2dt::FullItem, cs2market::json_array_reader>(data, data.size());
    REQUIRE(whole.size() == 30);
    CHECK(whole[0] == R"({"id":1252366888418574300,"price":0.01,"steamId":76561199022064770,"assetId":31247084400,)"
                      R"("classId":4859151687,"instanceId":188530139,"steamMarketHashName":"Item \"0\" [x] {y} \\"})");
    CHECK(whole[29] == R"({"id":1252366888418574329,"price":29.03,"steamId":76561199022064770,"assetId":31247084400,)"
                       R"("classId":4859151687,"instanceId":188530139,"steamMarketHashName":"Item \"29\" [x] {y} \\"})");
    for (std::size_t size : {1, 2, 3, 7, 4096}) {
        INFO("chunk size " << size);
        CHECK(rows_as_json<cs2dt::FullItem, cs2market::json_array_reader>(data, size) == whole);
    }
}

TEST_CASE("bulk: brackets, braces, escaped quotes and backslashes in strings do not confuse the splitters", "[bulk]")
{
    // Each name, after JSON unescaping.
    const std::vector<std::string> names = {
        "]",  "}",  "[{",  "\"]\"", "\\", "a\\\"],[{\"b", "\\\\\"", "x\\", ",", "\\u005d",
    };
    std::string arr = "[";
    std::string nd;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string enc = to_json(names[i]);
        arr += (i ? "," : "") + std::string(R"({"steamMarketHashName":)") + enc + "}";
        nd += R"({"market_hash_name":)" + enc + R"(,"min_price_usd":1,"qty":1})" + "\n";
    }
    arr += ",{\"steamMarketHashName\":\"\\u005d\\u007d\\\"\"}]"; // escapes written as \uXXXX
    for (std::size_t size : {1, 2, 3, 7, 4096}) {
        INFO("chunk size " << size);
        std::vector<std::string> got;
        cs2market::json_array_reader<cs2dt::FullItem> a([&](cs2dt::FullItem&& r) { got.push_back(r.steamMarketHashName.value_or("?")); });
        REQUIRE(feed_chunks(a, arr, size));
        REQUIRE(got.size() == names.size() + 1);
        for (std::size_t i = 0; i < names.size(); ++i)
            CHECK(got[i] == names[i]);
        CHECK(got.back() == "]}\"");

        std::vector<std::string> got2;
        cs2market::ndjson_reader<csboard::PriceRow> n([&](csboard::PriceRow&& r) { got2.push_back(r.market_hash_name); });
        REQUIRE(feed_chunks(n, nd, size));
        CHECK(got2 == names);
    }
}

TEST_CASE("bulk: gzip round trip, also two concatenated members split mid-line", "[bulk][gzip]")
{
    const std::string data = price_rows(500);
    const std::size_t cut = data.size() / 2 + 17; // inside a line
    REQUIRE(data[cut - 1] != '\n');
    const std::string two = gzip(data.substr(0, cut), 9) + gzip(data.substr(cut), 1);

    std::vector<std::string> expected;
    REQUIRE(cs2market::decode_ndjson<csboard::PriceRow>(data, [&](csboard::PriceRow&& r) { expected.push_back(to_json(r)); }));
    REQUIRE(expected.size() == 500);

    for (std::size_t size : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, two.size()}) {
        INFO("chunk size " << size);
        std::vector<std::string> got;
        cs2market::ndjson_reader<csboard::PriceRow> reader([&](csboard::PriceRow&& r) { got.push_back(to_json(r)); });
        cs2market::gzip_decoder dec;
        for (std::size_t i = 0; i < two.size(); i += size)
            REQUIRE(dec.feed(std::string_view(two).substr(i, size), [&](std::string_view s) { return static_cast<bool>(reader.feed(s)); }));
        REQUIRE(dec.finish());
        REQUIRE(reader.finish());
        CHECK(dec.members() == 2);
        CHECK(got == expected);
    }

    // Whole-buffer and file conveniences.
    std::size_t count = 0;
    auto n = cs2market::decode_ndjson<csboard::PriceRow>(two, [&](csboard::PriceRow&&) { ++count; });
    REQUIRE(n);
    CHECK(*n == 500);
    CHECK(count == 500);

    temp_file f(two, "snapshot.ndjson.gz");
    std::vector<std::string> from_file;
    auto nf = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(f.path, [&](csboard::PriceRow&& r) { from_file.push_back(to_json(r)); });
    REQUIRE(nf);
    CHECK(*nf == 500);
    CHECK(from_file == expected);

    // gzip of nothing is a valid, empty snapshot.
    temp_file empty_gz(gzip(""), "empty.ndjson.gz");
    auto ne = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(empty_gz.path, [](csboard::PriceRow&&) { FAIL("no rows expected"); });
    REQUIRE(ne);
    CHECK(*ne == 0);
}

TEST_CASE("bulk: files larger than one read chunk", "[bulk][file]")
{
    const std::string data = price_rows(6000); // about 700 KiB: many 64 KiB reads, lines across them
    REQUIRE(data.size() > 10 * 65536);
    temp_file gz(gzip(data), "big.ndjson.gz");
    std::int64_t qty_sum = 0;
    auto n = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(gz.path, [&](csboard::PriceRow&& r) { qty_sum += r.qty; });
    REQUIRE(n);
    CHECK(*n == 6000);
    CHECK(qty_sum == 7 * (5999 * 6000 / 2));

    const std::string arr = full_items(5000);
    REQUIRE(arr.size() > 10 * 65536);
    temp_file af(arr, "big.json");
    std::int64_t id_sum = 0;
    auto m = cs2market::decode_json_array_file<cs2dt::FullItem>(af.path, [&](cs2dt::FullItem&& r) { id_sum += *r.id - 1252366888418574300; });
    REQUIRE(m);
    CHECK(*m == 5000);
    CHECK(id_sum == 4999 * 5000 / 2);
}

TEST_CASE("bulk: corrupt or truncated gzip is an error", "[bulk][gzip]")
{
    const std::string data = price_rows(300);
    const std::string gz = gzip(data);
    // Rows garbled by the corruption are skipped, so the gzip error is what surfaces.
    bulk_options skip;
    skip.bad_rows = bad_row_policy::skip;
    auto decode = [&](const std::string& bytes) {
        return cs2market::decode_ndjson<csboard::PriceRow>(bytes, [](csboard::PriceRow&&) {}, skip);
    };
    REQUIRE(decode(gz));

    SECTION("a flipped byte in the compressed data")
    {
        std::string bad = gz;
        bad[gz.size() / 2] = static_cast<char>(bad[gz.size() / 2] ^ 0x5a);
        auto r = decode(bad);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Contains("gzip"));
    }
    SECTION("a flipped byte in the CRC-32 trailer")
    {
        std::string bad = gz;
        bad[gz.size() - 6] = static_cast<char>(bad[gz.size() - 6] ^ 0x01);
        auto r = decode(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::invalid_json);
        CHECK_THAT(r.error().message(), Contains("gzip") && Contains("check"));
    }
    SECTION("a wrong length in the trailer")
    {
        std::string bad = gz;
        bad[gz.size() - 1] = static_cast<char>(bad[gz.size() - 1] ^ 0x10);
        auto r = decode(bad);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Contains("gzip"));
    }
    SECTION("truncated: trailer cut, half cut, header only")
    {
        for (std::size_t keep : {gz.size() - 4, gz.size() - 1, gz.size() / 2, std::size_t{10}, std::size_t{2}}) {
            INFO("kept " << keep << " of " << gz.size());
            auto r = decode(gz.substr(0, keep));
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error().message(), Contains("gzip"));
        }
    }
    SECTION("garbage after a complete member")
    {
        auto r = decode(gz + "not gzip");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Contains("gzip") && Contains("member 2"));
    }
    SECTION("a file that is empty or not gzip at all")
    {
        temp_file empty("", "empty.gz");
        auto r = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(empty.path, [](csboard::PriceRow&&) {});
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Contains("gzip: empty input"));
        temp_file plain(data, "plain.ndjson.gz");
        auto r2 = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(plain.path, [](csboard::PriceRow&&) {});
        REQUIRE_FALSE(r2);
        CHECK_THAT(r2.error().message(), Contains("gzip"));
    }
    SECTION("the decoder itself: truncated stream, then feed after finish")
    {
        cs2market::gzip_decoder dec;
        std::string out;
        REQUIRE(dec.feed(std::string_view(gz).substr(0, gz.size() - 3), [&](std::string_view s) { out += s; }));
        CHECK(data.rfind(out, 0) == 0); // what came out is a prefix of the data
        auto f = dec.finish();
        REQUIRE_FALSE(f);
        CHECK_THAT(f.error().message(), Contains("truncated"));
        CHECK_FALSE(dec.feed("x", [](std::string_view) {}));
    }
}

TEST_CASE("bulk: zero padding after the last gzip member is accepted; other trailing bytes are an error after the rows",
          "[bulk][gzip]")
{
    // gzip(1) ignores trailing zero bytes (tape blocks, padded downloads); they cannot
    // start a member (the magic is 1f 8b), so reading them as padding is unambiguous.
    const std::string data = price_rows(300);
    const std::string gz = gzip(data);
    auto rows_of = [](const std::string& bytes, std::size_t chunk, std::size_t& rows) {
        rows = 0;
        cs2market::ndjson_reader<csboard::PriceRow> reader([&](csboard::PriceRow&&) { ++rows; });
        cs2market::gzip_decoder dec;
        for (std::size_t i = 0; i < bytes.size(); i += chunk)
            if (auto r = dec.feed(std::string_view(bytes).substr(i, chunk), [&](std::string_view s) { return static_cast<bool>(reader.feed(s)); }); !r)
                return r;
        if (auto r = dec.finish(); !r)
            return r;
        return reader.finish();
    };
    for (std::size_t pad : {std::size_t{1}, std::size_t{8}, std::size_t{512}, std::size_t{70000}}) {
        const std::string padded = gz + std::string(pad, '\0');
        for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{4096}, padded.size()}) {
            if (chunk == 1 && pad > 512)
                continue;
            INFO("padding " << pad << ", chunk " << chunk);
            std::size_t rows = 0;
            auto r = rows_of(padded, chunk, rows);
            REQUIRE(r);
            CHECK(rows == 300);
        }
        std::size_t count = 0;
        auto n = cs2market::decode_ndjson<csboard::PriceRow>(padded, [&](csboard::PriceRow&&) { ++count; });
        REQUIRE(n);
        CHECK(*n == 300);
        temp_file f(padded, "padded.ndjson.gz");
        auto nf = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(f.path, [](csboard::PriceRow&&) {});
        REQUIRE(nf);
        CHECK(*nf == 300);
    }
    SECTION("two members, then padding")
    {
        std::size_t rows = 0;
        REQUIRE(rows_of(gzip(data.substr(0, 1000)) + gzip(data.substr(1000)) + std::string(100, '\0'), 7, rows));
        CHECK(rows == 300);
    }
    SECTION("anything but zeros after the padding is an error, reported after the rows already delivered")
    {
        for (const std::string& tail : {std::string(10, '\0') + "x", std::string(1, '\0') + gz, std::string(3, '\0') + "\x1f\x8b"}) {
            for (std::size_t chunk : {std::size_t{1}, std::size_t{4096}}) {
                INFO("tail of " << tail.size() << ", chunk " << chunk);
                std::size_t rows = 0;
                auto r = rows_of(gz + tail, chunk, rows);
                REQUIRE_FALSE(r);
                CHECK(r.error().kind == error_kind::invalid_json);
                CHECK_THAT(r.error().message(), Contains("gzip") && Contains("after the zero padding"));
                CHECK(rows == 300); // a streaming reader cannot take rows back: the error follows them
            }
        }
        std::size_t count = 0;
        auto n = cs2market::decode_ndjson<csboard::PriceRow>(gz + std::string(5, '\0') + "junk", [&](csboard::PriceRow&&) { ++count; });
        REQUIRE_FALSE(n);
        CHECK(count == 300);
    }
    SECTION("zeros alone are not a gzip file")
    {
        std::size_t rows = 0;
        CHECK_FALSE(rows_of(std::string(64, '\0'), 64, rows));
    }
}

// ===========================================================================
// Bad rows
// ===========================================================================

TEST_CASE("bulk: a bad NDJSON row names its line and JSON path; stop, skip or see it", "[bulk][ndjson]")
{
    const std::string data = std::string(csboard_doc_line) + "\n" +                       // line 1
                             R"({"market_hash_name":"x","min_price_usd":1)" + "\n" +       // line 2: not JSON
                             "\n" +                                                        // line 3: blank
                             R"({"market_hash_name":"y","min_price_usd":1,"qty":"many"})" + "\n" + // line 4
                             R"({"market_hash_name":"z","min_price_usd":2.5,"qty":4})" + "\n" +   // line 5
                             R"({"market_hash_name":"w","qty":4})";                                // line 6, no newline

    SECTION("Row&& callback, stop policy (default): the first bad row ends reading")
    {
        for (std::size_t size : {1, 3, 4096}) {
            std::vector<std::string> got;
            cs2market::ndjson_reader<csboard::PriceRow> r([&](csboard::PriceRow&& row) { got.push_back(row.market_hash_name); });
            auto st = feed_chunks(r, data, size);
            REQUIRE_FALSE(st);
            CHECK(st.error().kind == error_kind::invalid_json);
            CHECK(st.error().json_path == "line 2");
            CHECK_THAT(st.error().message(), Contains("line 2: "));
            CHECK(got == std::vector<std::string>{"AK-47 | Redline (Field-Tested)"});
            CHECK(r.rows() == 1);
            CHECK(r.bad_rows() == 1);
            CHECK_FALSE(r.feed("{}\n")); // sticky
        }
        auto n = cs2market::decode_ndjson<csboard::PriceRow>(data.substr(data.find('\n', 150) + 1), [](csboard::PriceRow&&) {});
        REQUIRE_FALSE(n);
        CHECK(n.error().kind == error_kind::decode);
        CHECK(n.error().json_path == "line 2: qty"); // line numbers count from the start of what is decoded
        CHECK(n.error().message() == "line 2: qty: expected integer, got string \"many\"");
    }
    SECTION("Row&& callback, skip policy: bad rows are counted, good ones delivered")
    {
        bulk_options opt;
        opt.bad_rows = bad_row_policy::skip;
        std::vector<std::string> got;
        cs2market::ndjson_reader<csboard::PriceRow> r([&](csboard::PriceRow&& row) { got.push_back(row.market_hash_name); }, opt);
        REQUIRE(feed_chunks(r, data, 5));
        CHECK(got == std::vector<std::string>{"AK-47 | Redline (Field-Tested)", "z"});
        CHECK(r.rows() == 2);
        CHECK(r.bad_rows() == 3);
        CHECK(r.lines() == 6);
        REQUIRE(r.first_bad_row());
        CHECK(r.first_bad_row()->json_path == "line 2");
        auto n = cs2market::decode_ndjson<csboard::PriceRow>(gzip(data), [](csboard::PriceRow&&) {}, opt);
        REQUIRE(n);
        CHECK(*n == 2);
    }
    SECTION("result<Row> callback: every row, with its error")
    {
        std::vector<std::string> got;
        cs2market::ndjson_reader<csboard::PriceRow> r([&](result<csboard::PriceRow>&& row) {
            got.push_back(row ? row->market_hash_name : row.error().json_path + " | " + row.error().detail);
        });
        REQUIRE(feed_chunks(r, data, 2));
        REQUIRE(got.size() == 5);
        CHECK(got[0] == "AK-47 | Redline (Field-Tested)");
        CHECK_THAT(got[1], Contains("line 2 | ") && Contains("at byte"));
        CHECK(got[2] == "line 4: qty | expected integer, got string \"many\"");
        CHECK(got[3] == "z");
        CHECK(got[4] == "line 6: min_price_usd | missing required key");
    }
    SECTION("a callback returning false stops early, without error")
    {
        int calls = 0;
        auto n = cs2market::decode_ndjson<csboard::PriceRow>(price_rows(50), [&](csboard::PriceRow&&) { return ++calls < 3; });
        REQUIRE(n);
        CHECK(*n == 3);
        CHECK(calls == 3);
        calls = 0;
        temp_file f(gzip(price_rows(5000)), "stop.ndjson.gz");
        auto nf = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(f.path, [&](csboard::PriceRow&&) { return ++calls < 10; });
        REQUIRE(nf);
        CHECK(*nf == 10);
        CHECK(calls == 10);
    }
}

TEST_CASE("bulk: a bad array element names its index and JSON path", "[bulk][array]")
{
    const std::string data = R"([{"id":1,"price":1.5},
        {"id":2,"price":"cheap"},
        {"id":,"price":1},
        17,
        {"id":4,"classId":[1]},
        {"id":5}])";
    std::vector<std::string> got;
    cs2market::json_array_reader<cs2dt::FullItem> r([&](result<cs2dt::FullItem>&& row) {
        got.push_back(row ? std::to_string(*row->id) : row.error().message());
    });
    REQUIRE(feed_chunks(r, data, 3));
    REQUIRE(got.size() == 6);
    CHECK(got[0] == "1");
    CHECK_THAT(got[1], Contains("[1].price: ") && Contains("cheap"));
    CHECK_THAT(got[2], Contains("[2]: ") && Contains("at byte"));
    CHECK(got[3] == "[3]: expected object, got number");
    CHECK(got[4] == "[4].classId: expected integer, got array");
    CHECK(got[5] == "5");
    CHECK(r.rows() == 2);
    CHECK(r.bad_rows() == 4);

    // Stop policy: the error of element 1, nothing after it.
    std::vector<std::int64_t> ids;
    cs2market::json_array_reader<cs2dt::FullItem> s([&](cs2dt::FullItem&& row) { ids.push_back(*row.id); });
    auto st = feed_chunks(s, data, 4096);
    REQUIRE_FALSE(st);
    CHECK(st.error().kind == error_kind::decode);
    CHECK(st.error().json_path == "[1].price");
    CHECK(ids == std::vector<std::int64_t>{1});

    temp_file f(data, "bad.json");
    auto n = cs2market::decode_json_array_file<cs2dt::FullItem>(f.path, [](cs2dt::FullItem&&) {});
    REQUIRE_FALSE(n);
    CHECK(n.error().json_path == "[1].price");
}

TEST_CASE("bulk: a malformed array is a fatal error whatever the policy, never a hang", "[bulk][array]")
{
    struct bad_case {
        std::string_view input;
        std::string_view message;
    };
    const bad_case cases[] = {
        {R"([{"id":1} {"id":2}])", "expected ',' or ']' after element [0]"},
        {R"([{"id":1},])", "expected a value after ','"},
        {R"([,{"id":1}])", "expected a value, got ','"},
        {R"({"id":1})", "expected '['"},
        {R"(x[])", "expected '['"},
        {R"([{"id":1}] [])", "unexpected data after the array"},
        {R"([{"id":1})", "before ']'"},
        {R"([{"id":1},{"id":)", "inside element [1]"},
        {R"([{"id":"1)", "inside element [0]"},
        {R"([)", "before ']'"},
        {R"([1}])", "unexpected '}'"},
        {"   \n ", "before '['"},
        {"", "empty input"},
    };
    bulk_options opt;
    opt.bad_rows = bad_row_policy::skip;
    for (const auto& c : cases) {
        for (std::size_t size : {1, 4096}) {
            INFO(c.input << " in chunks of " << size);
            cs2market::json_array_reader<cs2dt::FullItem> r([](cs2dt::FullItem&&) {}, opt);
            auto st = feed_chunks(r, c.input, size);
            REQUIRE_FALSE(st);
            CHECK(st.error().kind == error_kind::invalid_json);
            CHECK_THAT(st.error().message(), Contains(std::string(c.message)));
        }
    }
    temp_file empty("", "empty.json");
    auto n = cs2market::decode_json_array_file<cs2dt::FullItem>(empty.path, [](cs2dt::FullItem&&) {});
    REQUIRE_FALSE(n);
    CHECK_THAT(n.error().message(), Contains("empty input"));
    auto missing = cs2market::decode_json_array_file<cs2dt::FullItem>("/nonexistent/cs2market/full.json", [](cs2dt::FullItem&&) {});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == error_kind::invalid_argument);
    CHECK(missing.error().system_code == boost::system::errc::no_such_file_or_directory);
}

TEST_CASE("bulk: a row over max_row_size is refused with an error, and can be skipped", "[bulk]")
{
    bulk_options opt;
    opt.max_row_size = 100;
    const std::string big(500, 'x');
    const std::string nd = R"({"market_hash_name":"a","min_price_usd":1,"qty":1})" "\n" R"({"market_hash_name":")" + big +
                           R"(","min_price_usd":1,"qty":2})" "\n" R"({"market_hash_name":"c","min_price_usd":1,"qty":3})";
    const std::string big_element = R"({"steamMarketHashName":")" + big + R"(","extra":[[[{}]]]})";
    const std::string arr = R"([{"id":1},)" + big_element + R"(,{"id":3}])";

    for (std::size_t size : {1, 7, 4096}) {
        INFO("chunk size " << size);
        cs2market::ndjson_reader<csboard::PriceRow> stop([](csboard::PriceRow&&) {}, opt);
        auto st = feed_chunks(stop, nd, size);
        REQUIRE_FALSE(st);
        CHECK(st.error().kind == error_kind::invalid_json);
        CHECK(st.error().json_path == "line 2");
        CHECK_THAT(st.error().detail, Contains("larger than the limit of 100"));

        cs2market::json_array_reader<cs2dt::FullItem> astop([](cs2dt::FullItem&&) {}, opt);
        auto ast = feed_chunks(astop, arr, size);
        REQUIRE_FALSE(ast);
        CHECK(ast.error().json_path == "[1]");
        CHECK_THAT(ast.error().detail, Contains("row of " + std::to_string(big_element.size()) + " bytes"));

        bulk_options skip = opt;
        skip.bad_rows = bad_row_policy::skip;
        std::vector<std::int64_t> q;
        cs2market::ndjson_reader<csboard::PriceRow> ns([&](csboard::PriceRow&& r) { q.push_back(r.qty); }, skip);
        REQUIRE(feed_chunks(ns, nd, size));
        CHECK(q == std::vector<std::int64_t>{1, 3});
        std::vector<std::int64_t> ids;
        cs2market::json_array_reader<cs2dt::FullItem> as([&](cs2dt::FullItem&& r) { ids.push_back(r.id.value_or(-1)); }, skip);
        REQUIRE(feed_chunks(as, arr, size));
        CHECK(ids == std::vector<std::int64_t>{1, 3});
        CHECK(as.bad_rows() == 1);
    }

    // A gigantic line without a newline is refused without buffering it.
    cs2market::ndjson_reader<csboard::PriceRow> r([](csboard::PriceRow&&) {}, opt);
    const std::string chunk(1 << 16, 'y');
    for (int i = 0; i < 64; ++i)
        REQUIRE(r.feed(chunk)); // 4 MiB, all of one line
    auto st = r.finish();
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().detail, Contains("row of 4194304 bytes"));
}

// ===========================================================================
// Empty input and whitespace
// ===========================================================================

TEST_CASE("bulk: empty input and whitespace between rows", "[bulk]")
{
    auto nd = [](std::string_view s) {
        return cs2market::decode_ndjson<csboard::PriceRow>(s, [](csboard::PriceRow&&) {});
    };
    REQUIRE(nd(""));
    CHECK(*nd("") == 0);
    CHECK(*nd("\n\n  \r\n\t\n") == 0);
    CHECK(*nd("\xEF\xBB\xBF" + std::string(csboard_doc_line)) == 1); // UTF-8 byte order mark
    CHECK(*nd("\n\n" + std::string(csboard_doc_line) + "\n\n\n") == 1);

    for (std::string_view a : {"[]", " [ ] ", "\n[\n\t\r\n]\n", "\xEF\xBB\xBF[]"}) {
        INFO(a);
        cs2market::json_array_reader<cs2dt::FullItem> r([](cs2dt::FullItem&&) { FAIL("no rows expected"); });
        REQUIRE(feed_chunks(r, a, 1));
        CHECK(r.elements() == 0);
    }
    const std::string spaced = "\t[ \n" + std::string(cs2dt_doc_array.substr(1, cs2dt_doc_array.size() - 2)) + " \r\n ,\n\n" +
                               std::string(cs2dt_doc_array.substr(1, cs2dt_doc_array.size() - 2)) + "\n\t]\n\n";
    for (std::size_t size : {1, 2, 3, 7, 4096}) {
        std::vector<std::int64_t> ids;
        cs2market::json_array_reader<cs2dt::FullItem> r([&](cs2dt::FullItem&& it) { ids.push_back(*it.id); });
        REQUIRE(feed_chunks(r, spaced, size));
        CHECK(ids == std::vector<std::int64_t>{1252366888418574300, 1252366888418574300});
    }
}

TEST_CASE("bulk: feed after finish is an error", "[bulk]")
{
    cs2market::ndjson_reader<csboard::PriceRow> n([](csboard::PriceRow&&) {});
    REQUIRE(n.finish());
    auto st = n.feed("{}\n");
    REQUIRE_FALSE(st);
    CHECK(st.error().kind == error_kind::invalid_argument);
    cs2market::json_array_reader<cs2dt::FullItem> a([](cs2dt::FullItem&&) {});
    REQUIRE(a.feed("[]"));
    REQUIRE(a.finish());
    CHECK_FALSE(a.feed("[]"));
}

TEST_CASE("bulk: callbacks may be move-only, stateful, take the row by value or const&", "[bulk]")
{
    const std::string data = price_rows(10);
    // Move-only (std::function could not hold it).
    auto owned = std::make_unique<std::int64_t>(0);
    std::int64_t* total = owned.get();
    cs2market::ndjson_reader<csboard::PriceRow> r([p = std::move(owned)](csboard::PriceRow row) { *p += row.qty; });
    REQUIRE(feed_chunks(r, data, 64));
    CHECK(*total == 7 * 45);

    // A stateful functor passed as an lvalue to a convenience is used in place, not copied.
    struct counter {
        int rows = 0;
        void operator()(const csboard::PriceRow&) { ++rows; }
    } c;
    auto n = cs2market::decode_ndjson<csboard::PriceRow>(data, c);
    REQUIRE(n);
    CHECK(*n == 10);
    CHECK(c.rows == 10);

    // result<Row> by const& sees bad rows too (it must not be taken for a Row callback).
    int bad = 0;
    auto m = cs2market::decode_ndjson<csboard::PriceRow>("{}\n" + data, [&](const result<csboard::PriceRow>& row) { bad += !row; });
    REQUIRE(m);
    CHECK(*m == 10);
    CHECK(bad == 1);
}
