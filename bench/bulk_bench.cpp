// cs2market bulk benchmark: generates bulk files like the providers' and decodes
// them streaming, reporting rows/s, MB/s and peak memory (VmHWM) against the file
// sizes, to show that memory stays flat however large the file is.
//
//   bulk_bench [ROWS] [--rows N[,N...]] [--format both|ndjson|array] [--out FILE] [--dir DIR] [--keep] [--repeat K]
//
// Formats: "ndjson" = CSBoard-like snapshot (csboard::PriceRow, NDJSON, gzip);
//          "array"  = CS2DT-like full items file (cs2dt::FullItem, one JSON array).
// Defaults: 1,000,000 rows, both formats, results in bench/results/bulk.md, one
// decode per file (--repeat K decodes each file K times and reports the fastest
// and the median, for shared or noisy machines).
// Built on demand, not a test; see bench/README.md.
#include <cs2market/net/bulk.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>

#include <boost/version.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// What the build was: CMake passes CS2MARKET_BENCH_BUILD_TYPE (e.g. "Release");
// the flags the compiler saw are detected either way.
#ifdef __OPTIMIZE__
#define CS2MARKET_BENCH_OPT "optimized"
#else
#define CS2MARKET_BENCH_OPT "not optimized"
#endif
#ifdef NDEBUG
#define CS2MARKET_BENCH_FLAGS CS2MARKET_BENCH_OPT ", NDEBUG"
#else
#define CS2MARKET_BENCH_FLAGS CS2MARKET_BENCH_OPT ", assertions on"
#endif
#ifdef CS2MARKET_BENCH_BUILD_TYPE
#define CS2MARKET_BENCH_BUILD CS2MARKET_BENCH_BUILD_TYPE " (" CS2MARKET_BENCH_FLAGS ")"
#else
#define CS2MARKET_BENCH_BUILD CS2MARKET_BENCH_FLAGS
#endif

namespace fs = std::filesystem;
namespace csboard = cs2market::csboard;
namespace cs2dt = cs2market::cs2dt;

namespace {

// ---------------------------------------------------------------------------
// Memory and machine facts.

/// A "VmHWM:" / "VmRSS:" line of /proc/self/status, in KiB (0 when unavailable).
std::uint64_t proc_status_kib(std::string_view key)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, key.size(), key) == 0)
            return std::strtoull(line.c_str() + key.size(), nullptr, 10);
    return 0;
}
std::uint64_t vm_hwm_kib() { return proc_status_kib("VmHWM:"); }
std::uint64_t vm_rss_kib() { return proc_status_kib("VmRSS:"); }

/// Resets VmHWM to the current RSS (Linux >= 4.0), so each run's peak is its own.
bool reset_hwm()
{
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

std::string cpu_model()
{
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0) {
            auto p = line.find(':');
            return p == std::string::npos ? line : line.substr(p + 2);
        }
    return "unknown CPU";
}

std::string load_average()
{
    std::ifstream f("/proc/loadavg");
    std::string one, five, fifteen;
    f >> one >> five >> fifteen;
    return one.empty() ? "unknown" : one + " / " + five + " / " + fifteen + " (1/5/15 min)";
}

std::string compiler()
{
#if defined(__clang__)
    return std::string("clang++ ") + __clang_version__;
#elif defined(__GNUC__)
    return std::string("g++ ") + __VERSION__;
#else
    return "unknown compiler";
#endif
}

// ---------------------------------------------------------------------------
// Deterministic data.

struct rng {
    std::uint64_t s;
    std::uint64_t next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
};

constexpr std::string_view weapons[] = {
    "AK-47", "AWP", "M4A1-S", "M4A4", "Desert Eagle", "USP-S", "Glock-18", "P250", "MP9", "MAC-10", "FAMAS", "Galil AR",
    "SG 553", "AUG", "SSG 08", "P90", "UMP-45", "Five-SeveN", "Tec-9", "CZ75-Auto", "Nova", "XM1014", "★ Karambit",
    "★ Butterfly Knife", "★ M9 Bayonet", "★ Sport Gloves", "Souvenir AWP", "StatTrak™ AK-47",
};
constexpr std::string_view syllables[] = {
    "red", "line", "asi", "imov", "print", "stream", "bla", "ze", "fade", "mar", "ble", "dop", "pler", "hy", "per",
    "beast", "neo", "noir", "vul", "can", "fire", "ser", "pent", "case", "hard", "ened", "slate", "ele", "ctric", "hive",
    "wild", "lotus", "\"see", "ya\"", "ice", "cap",
};

/// A made-up capitalised word of 2-4 syllables.
std::string word(rng& r)
{
    std::string w;
    const int parts = 2 + static_cast<int>(r.below(3));
    for (int i = 0; i < parts; ++i)
        w += syllables[r.below(std::size(syllables))];
    w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    return w;
}

/// A market hash name like the providers' (mostly unique names, some escapes).
std::string skin_name(rng& r)
{
    std::string name(weapons[r.below(std::size(weapons))]);
    name += " | ";
    name += word(r);
    return name;
}

constexpr std::string_view wears[] = {"Factory New", "Minimal Wear", "Field-Tested", "Well-Worn", "Battle-Scarred"};
constexpr std::string_view phases[] = {"Phase 1", "Phase 2", "Phase 3", "Phase 4", "Ruby", "Sapphire"};

void append_price(std::string& out, std::uint64_t cents)
{
    out += std::to_string(cents / 100);
    out += '.';
    out += static_cast<char>('0' + cents / 10 % 10);
    out += static_cast<char>('0' + cents % 10);
}

/// What the decoder must give back, accumulated while generating.
struct checksum {
    std::uint64_t rows = 0;
    std::uint64_t a = 0; // qty / id low bits
    std::uint64_t b = 0; // price in cents
    std::uint64_t c = 0; // name bytes
    bool operator==(const checksum&) const = default;
};

std::uint64_t cents_of(const cs2market::decimal& d)
{
    std::int64_t u = d.units();
    for (unsigned s = d.scale(); s < 2; ++s)
        u *= 10;
    for (unsigned s = d.scale(); s > 2; --s)
        u /= 10;
    return static_cast<std::uint64_t>(u);
}

/// One CSBoard-like PriceRow line (the documented shape).
void price_row(std::string& out, rng& r, checksum& sum)
{
    std::string name = r.below(10) == 0 ? "Sticker | " + word(r) + " (Holo) | Katowice 2019" : skin_name(r);
    const bool has_wear = name.rfind("Sticker", 0) != 0;
    std::string_view wear = wears[r.below(std::size(wears))];
    if (has_wear) {
        name += " (";
        name += wear;
        name += ')';
    }
    const bool doppler = name.find("★") != std::string::npos && r.below(3) == 0;
    const std::uint64_t cents = 3 + r.below(250000);
    const std::uint64_t qty = 1 + r.below(900);
    out += R"({"market_hash_name":)";
    cs2market::to_json(name, out);
    out += R"(,"wear":)";
    if (has_wear) {
        out += '"';
        out += wear;
        out += '"';
    } else {
        out += "null";
    }
    out += R"(,"doppler_phase":)";
    if (doppler) {
        out += '"';
        out += phases[r.below(std::size(phases))];
        out += '"';
    } else {
        out += "null";
    }
    out += R"(,"min_price_usd":)";
    append_price(out, cents);
    out += R"(,"qty":)";
    out += std::to_string(qty);
    out += "}\n";
    ++sum.rows;
    sum.a += qty;
    sum.b += cents;
    sum.c += name.size();
}

/// One CS2DT-like FullItem (the documented shape: 64-bit ids, USD price).
void full_item(std::string& out, rng& r, std::uint64_t i, checksum& sum)
{
    std::string name = skin_name(r);
    name += " (";
    name += wears[r.below(std::size(wears))];
    name += ')';
    const std::uint64_t id = 1252366888418574300ULL + i;
    const std::uint64_t cents = 3 + r.below(250000);
    out += R"({"id":)";
    out += std::to_string(id);
    out += R"(,"price":)";
    append_price(out, cents);
    out += R"(,"steamId":)";
    out += std::to_string(76561197960265728ULL + r.below(1u << 30));
    out += R"(,"assetId":)";
    out += std::to_string(30000000000ULL + r.below(9000000000ULL));
    out += R"(,"classId":)";
    out += std::to_string(300000000ULL + r.below(5000000000ULL));
    out += R"(,"instanceId":)";
    out += std::to_string(r.below(400000000));
    out += R"(,"steamMarketHashName":)";
    cs2market::to_json(name, out);
    out += '}';
    ++sum.rows;
    sum.a += id & 0xffffffff;
    sum.b += cents;
    sum.c += name.size();
}

/// Streams bytes to a file, optionally through gzip (zlib, default level).
class sink {
public:
    sink(const fs::path& p, bool gzip) : f_(std::fopen(p.c_str(), "wb")), gzip_(gzip)
    {
        if (!f_)
            throw std::runtime_error("cannot write " + p.string());
        if (gzip_ && deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("deflateInit2 failed");
        out_.resize(1 << 16);
    }
    ~sink()
    {
        if (gzip_)
            deflateEnd(&z_);
        if (f_)
            std::fclose(f_);
    }
    sink(const sink&) = delete;
    sink& operator=(const sink&) = delete;

    void write(std::string_view s, bool last = false)
    {
        raw_ += s.size();
        if (!gzip_) {
            put(s.data(), s.size());
            return;
        }
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
        z_.avail_in = static_cast<uInt>(s.size());
        int rc;
        do {
            z_.next_out = reinterpret_cast<Bytef*>(out_.data());
            z_.avail_out = static_cast<uInt>(out_.size());
            rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
            put(out_.data(), out_.size() - z_.avail_out);
        } while (z_.avail_out == 0 || (last && rc != Z_STREAM_END));
    }
    std::uint64_t raw_bytes() const { return raw_; }

private:
    void put(const char* p, std::size_t n)
    {
        if (n && std::fwrite(p, 1, n, f_) != n)
            throw std::runtime_error("write failed");
    }
    std::FILE* f_;
    bool gzip_;
    z_stream z_{};
    std::string out_;
    std::uint64_t raw_ = 0;
};

// ---------------------------------------------------------------------------

struct run_result {
    std::string format;
    std::uint64_t rows = 0;
    std::uint64_t file_bytes = 0;
    std::uint64_t json_bytes = 0;
    double gen_s = 0;
    double decode_s = 0;        // fastest of the repeats
    double decode_median_s = 0; // median of the repeats
    double gunzip_s = 0;        // ndjson only: inflating alone (fastest)
    std::uint64_t hwm_before_gen = 0;
    std::uint64_t hwm_after_gen = 0;
    std::uint64_t hwm_after_decode = 0;
    std::uint64_t rss_after_decode = 0;
    bool ok = false;
    std::string note;
};

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

run_result run(const std::string& format, std::uint64_t n, const fs::path& dir, bool keep, int repeat)
{
    run_result res;
    res.format = format;
    res.rows = n;
    const bool nd = format == "ndjson";
    const fs::path file = dir / (nd ? "snapshot.ndjson.gz" : "full_items.json");

    reset_hwm();
    res.hwm_before_gen = vm_hwm_kib();

    // Generate, streaming in 1 MiB pieces.
    checksum want;
    auto t0 = std::chrono::steady_clock::now();
    {
        sink out(file, nd);
        rng r{0x9e3779b97f4a7c15ULL ^ n};
        std::string buf;
        buf.reserve((1 << 20) + 4096);
        if (!nd)
            buf += '[';
        for (std::uint64_t i = 0; i < n; ++i) {
            if (nd) {
                price_row(buf, r, want);
            } else {
                if (i)
                    buf += ',';
                full_item(buf, r, i, want);
            }
            if (buf.size() >= (1 << 20)) {
                out.write(buf);
                buf.clear();
            }
        }
        if (!nd)
            buf += "]\n";
        out.write(buf, true);
        res.json_bytes = out.raw_bytes();
    }
    res.gen_s = seconds_since(t0);
    res.file_bytes = fs::file_size(file);
    res.hwm_after_gen = vm_hwm_kib();

    std::vector<double> times;
    res.ok = true;
    for (int k = 0; k < repeat; ++k) {
        // Gunzip alone (ndjson), for the split of the cost.
        if (nd) {
            cs2market::gzip_decoder gz;
            std::uint64_t out_bytes = 0;
            t0 = std::chrono::steady_clock::now();
            auto rd = cs2market::detail::read_file_chunks(file, [&](std::string_view chunk) {
                return static_cast<bool>(gz.feed(chunk, [&](std::string_view s) { out_bytes += s.size(); }));
            });
            bool ok = rd && gz.finish();
            const double t = seconds_since(t0);
            res.gunzip_s = k == 0 ? t : std::min(res.gunzip_s, t);
            if (!ok || out_bytes != res.json_bytes) {
                res.note += "gunzip-only pass failed; ";
                res.ok = false;
            }
        }

        // Decode, streaming.
        checksum got;
        t0 = std::chrono::steady_clock::now();
        cs2market::result<std::size_t> count = 0;
        if (nd) {
            count = cs2market::decode_ndjson_gz_file<csboard::PriceRow>(file, [&](csboard::PriceRow&& row) {
                ++got.rows;
                got.a += static_cast<std::uint64_t>(row.qty);
                got.b += cents_of(row.min_price_usd);
                got.c += row.market_hash_name.size();
            });
        } else {
            count = cs2market::decode_json_array_file<cs2dt::FullItem>(file, [&](cs2dt::FullItem&& row) {
                ++got.rows;
                got.a += static_cast<std::uint64_t>(*row.id) & 0xffffffff;
                got.b += cents_of(*row.price);
                got.c += row.steamMarketHashName->size();
            });
        }
        times.push_back(seconds_since(t0));
        if (!count) {
            res.note += "decode failed: " + count.error().message() + "; ";
            res.ok = false;
        } else if (*count != n || !(got == want)) {
            res.note += "checksum mismatch; ";
            res.ok = false;
        }
    }
    res.hwm_after_decode = vm_hwm_kib();
    res.rss_after_decode = vm_rss_kib();
    std::sort(times.begin(), times.end());
    res.decode_s = times.front();
    res.decode_median_s = times[times.size() / 2];
    if (!keep)
        fs::remove(file);
    return res;
}

std::string fixed(double v, int prec)
{
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", prec, v);
    return b;
}
std::string mib(std::uint64_t bytes) { return fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1); }
std::string with_commas(std::uint64_t v)
{
    const std::string d = std::to_string(v);
    std::string s;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i != 0 && (d.size() - i) % 3 == 0)
            s += ',';
        s += d[i];
    }
    return s;
}

[[noreturn]] void usage(int code)
{
    std::cerr << "usage: bulk_bench [ROWS] [--rows N[,N...]] [--format both|ndjson|array] [--out FILE] [--dir DIR] [--keep] [--repeat K]\n";
    std::exit(code);
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::uint64_t> counts;
    std::string format = "both";
    fs::path out = "bench/results/bulk.md";
    fs::path base = fs::temp_directory_path();
    bool keep = false;
    int repeat = 1;
    std::string command = "bulk_bench";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        command += " " + a;
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(2);
            command += " " + std::string(argv[i + 1]);
            return argv[++i];
        };
        auto parse_counts = [&](const std::string& list) {
            std::stringstream ss(list);
            std::string item;
            while (std::getline(ss, item, ','))
                counts.push_back(std::stoull(item));
        };
        if (a == "--rows")
            parse_counts(value());
        else if (a == "--format")
            format = value();
        else if (a == "--out")
            out = value();
        else if (a == "--dir")
            base = value();
        else if (a == "--repeat")
            repeat = std::max(1, std::stoi(value()));
        else if (a == "--keep")
            keep = true;
        else if (a == "-h" || a == "--help")
            usage(0);
        else if (!a.empty() && a[0] != '-')
            parse_counts(a);
        else
            usage(2);
    }
    if (counts.empty())
        counts.push_back(1000000);
    if (format != "both" && format != "ndjson" && format != "array")
        usage(2);

    const fs::path dir = base / ("cs2market-bulk-bench-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    const bool hwm_resettable = reset_hwm();

    std::vector<run_result> results;
    for (auto n : counts)
        for (std::string f : {"ndjson", "array"})
            if (format == "both" || format == f) {
                std::cerr << "bulk_bench: " << f << ", " << with_commas(n) << " rows ... " << std::flush;
                results.push_back(run(f, n, dir, keep, repeat));
                const auto& r = results.back();
                std::cerr << (r.ok ? "ok" : "FAILED: " + r.note) << ", decode " << fixed(r.decode_s, 2) << " s, "
                          << fixed(static_cast<double>(r.rows) / r.decode_s, 0) << " rows/s, VmHWM " << r.hwm_after_decode / 1024
                          << " MiB\n";
            }
    if (!keep)
        fs::remove_all(dir);

    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));

    std::ostringstream md;
    md << "# cs2market bulk decoding benchmark\n\n";
    md << "Generated by `bench/bulk_bench.cpp` (see bench/README.md) on " << date << ".\n\n";
    md << "- Machine: " << std::thread::hardware_concurrency() << " hardware threads (nproc), " << cpu_model() << "\n";
    md << "- Compiler: " << compiler() << "; build: " << CS2MARKET_BENCH_BUILD << "\n";
    md << "- Boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << ", zlib " << ZLIB_VERSION << "\n";
    md << "- Command: `" << command << "`\n";
    md << "- Files are generated, then decoded from the (warm) page cache in 64 KiB reads, one thread. "
          "Every row is decoded into the generated struct and checked against a checksum taken while generating. "
          "Each file is decoded "
       << repeat << (repeat == 1 ? " time" : " times; rows/s and MB/s are from the fastest decode, \"median s\" is the median")
       << "; the load average was " << load_average() << " when the run ended (other processes share the machine).\n";
    md << "- `ndjson` = CSBoard-like price snapshot: `csboard::PriceRow` per line, gzip (zlib default level), "
          "`decode_ndjson_gz_file`. `array` = CS2DT-like full items file: one JSON array of `cs2dt::FullItem`, "
          "`decode_json_array_file`.\n";
    md << "- MB = 10^6 bytes; memory in MiB. VmHWM (peak RSS) is read from /proc/self/status; "
       << (hwm_resettable ? "it is reset (`/proc/self/clear_refs` = 5) before each run, so each run's peak is its own"
                          : "it could NOT be reset between runs, so later peaks include earlier runs")
       << ". \"Before\" is read before generating, \"after\" after decoding.\n\n";

    md << "| format | rows | file MiB | JSON MiB | decode s | median s | rows/s | MB/s file | MB/s JSON | VmHWM before MiB | "
          "VmHWM after MiB | peak growth MiB | JSON / peak | ok |\n";
    md << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
    for (const auto& r : results) {
        const double rows_s = static_cast<double>(r.rows) / r.decode_s;
        const double peak_b = static_cast<double>(r.hwm_after_decode) * 1024.0;
        md << "| " << r.format << " | " << with_commas(r.rows) << " | " << mib(r.file_bytes) << " | " << mib(r.json_bytes) << " | "
           << fixed(r.decode_s, 2) << " | " << fixed(r.decode_median_s, 2) << " | " << with_commas(static_cast<std::uint64_t>(rows_s)) << " | "
           << fixed(static_cast<double>(r.file_bytes) / r.decode_s / 1e6, 1) << " | "
           << fixed(static_cast<double>(r.json_bytes) / r.decode_s / 1e6, 1) << " | " << fixed(static_cast<double>(r.hwm_before_gen) / 1024.0, 1)
           << " | " << fixed(peak_b / (1024.0 * 1024.0), 1) << " | "
           << fixed((static_cast<double>(r.hwm_after_decode) - static_cast<double>(r.hwm_before_gen)) / 1024.0, 1) << " | "
           << fixed(static_cast<double>(r.json_bytes) / peak_b, 0) << "x | " << (r.ok ? "yes" : "NO: " + r.note) << " |\n";
    }
    bool any_gz = false;
    for (const auto& r : results)
        if (r.format == "ndjson") {
            if (!any_gz)
                md << "\nGunzip alone (inflate + 64 KiB reads, no JSON), for the split of the ndjson cost:\n\n"
                      "| rows | gunzip s | MB/s JSON out | share of decode time |\n|---:|---:|---:|---:|\n";
            any_gz = true;
            md << "| " << with_commas(r.rows) << " | " << fixed(r.gunzip_s, 2) << " | "
               << fixed(static_cast<double>(r.json_bytes) / r.gunzip_s / 1e6, 1) << " | " << fixed(100.0 * r.gunzip_s / r.decode_s, 0)
               << "% |\n";
        }

    if (!out.parent_path().empty())
        fs::create_directories(out.parent_path());
    std::ofstream f(out);
    f << md.str();
    if (!f) {
        std::cerr << "bulk_bench: cannot write " << out << "\n";
        return 1;
    }
    std::cout << md.str();
    for (const auto& r : results)
        if (!r.ok)
            return 1;
    return 0;
}
