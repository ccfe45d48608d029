// cs2market market book benchmark: market_book::best lookup latency with the whole
// sandbox catalogue loaded (every name, its listings on each of the three
// providers, with their floats, seeds and paint indices), and book update
// throughput from CS2DT market pushes (decode the JSON text + apply through
// cs2dt::book_feed, and apply alone).
//
//   cs2market-book-bench [--lookups N] [--pushes N] [--copies K[,K...]] [--repeat R] [--out FILE]
//
// --copies K loads each catalogue listing K times (distinct ids): K = 1 is the
// sandbox as it is, larger K shows how the lookup scales with listings per name.
// Writes a markdown report to --out (default bench/results/book.md) and stdout.
// Built on demand, not a test; see bench/README.md.
#include <cs2market/cs2dt/book.hpp>
#include <cs2market/json.hpp>
#include <cs2market/market/market_book.hpp>
#include <cs2market/sandbox/catalogue.hpp>

#include "bench_support.hpp"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifdef __OPTIMIZE__
#define BOOK_BENCH_OPT "optimized"
#else
#define BOOK_BENCH_OPT "not optimized"
#endif
#ifdef NDEBUG
#define BOOK_BENCH_FLAGS BOOK_BENCH_OPT ", NDEBUG"
#else
#define BOOK_BENCH_FLAGS BOOK_BENCH_OPT ", assertions on"
#endif
#ifdef CS2MARKET_BENCH_BUILD_TYPE
#define BOOK_BENCH_BUILD CS2MARKET_BENCH_BUILD_TYPE " (" BOOK_BENCH_FLAGS ")"
#else
#define BOOK_BENCH_BUILD BOOK_BENCH_FLAGS
#endif

namespace {

using namespace cs2market;
namespace bench = cs2market::bench;
namespace cs2dt = cs2market::cs2dt;

constexpr provider_id csboard_id{"csboard"}; // the bench names the providers as their quotes do
constexpr provider_id skinify_id{"skinify"};

struct loaded {
    std::size_t names = 0;
    std::size_t listings = 0;
    std::vector<item_key> keys;                  // one per catalogue name
    std::vector<std::pair<std::string, std::int64_t>> dt_listings; // CS2DT productId, its type index
};

/// Loads every catalogue listing of the three providers into `book` (as snapshots would), `copies` times each.
loaded load(market_book& book, cs2dt::book_feed& feed, const sandbox::catalogue& cat, int copies)
{
    loaded out;
    out.names = cat.types.size();
    for (const auto& t : cat.types) {
        out.keys.push_back(*item_key::parse(t.market_hash_name));
        feed.learn(t.item_id, t.market_hash_name);
    }
    struct side {
        provider_id p;
        std::uint64_t seed;
        std::int64_t base;
    };
    const side sides[] = {{cs2dt::id, 11, 1252366888000000}, {csboard_id, 22, 8840000}, {skinify_id, 33, 11000}};
    for (const side& s : sides) {
        const auto listings = cat.make_listings(s.seed, s.base);
        for (int c = 0; c < copies; ++c)
            for (const auto& l : listings) {
                item_facts f;
                f.float_value = l.float_value;
                f.paint_seed = l.paint_seed;
                if (s.p != skinify_id) // Skinify states only the float
                    f.paint_index = l.paint_index;
                auto key = item_key::make(cat.types[l.type].market_hash_name, f, s.p);
                if (!key) {
                    book.count_unkeyed(key.error());
                    continue;
                }
                const std::string id = std::to_string(l.num_id + c * 10'000'000);
                quote q{s.p, id, {}, {}, true, {}, std::move(*key), now_unix_ms()};
                price_with_fee(q, l.price, fee_schedule{});
                if (l.hold)
                    q.available.what = availability::kind::hold;
                book.upsert(std::move(q));
                if (s.p == cs2dt::id)
                    out.dt_listings.emplace_back(id, cat.types[l.type].item_id);
                ++out.listings;
            }
    }
    return out;
}

/// Deterministic pseudo-random numbers (the catalogue's mixer).
struct rng {
    std::uint64_t s;
    std::uint64_t next() { return s = sandbox::catalogue::mix(s); }
};

/// The constraint mixes looked up, one per lookup in turn.
std::vector<quote_constraints> constraint_mix()
{
    std::vector<quote_constraints> m(4);
    m[1].float_max = 0.25;
    m[2].max_price = decimal::from_units(5000, 2);
    m[3].float_min = 0.1;
    m[3].float_max = 0.5;
    m[3].stattrak = false;
    return m;
}

struct latency {
    bench::percentiles ns;
    std::size_t found = 0;
    std::size_t n = 0;
};

latency time_lookups(const market_book& book, const loaded& l, std::size_t n, std::uint64_t seed)
{
    const auto mix = constraint_mix();
    rng r{seed};
    std::vector<double> ns;
    ns.reserve(n);
    latency out;
    for (std::size_t i = 0; i < n; ++i) {
        const item_key& k = l.keys[r.next() % l.keys.size()];
        const quote_constraints& c = mix[i % mix.size()];
        const auto t0 = bench::clk::now();
        auto best = book.best(k, c);
        const auto t1 = bench::clk::now();
        ns.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
        out.found += best.has_value();
    }
    out.ns = bench::of(std::move(ns));
    out.n = n;
    return out;
}

/// CS2DT pushes as the feed sends them: 70 % price updates of listings the book
/// holds, 15 % new listings of known types, 15 % removes.
std::vector<std::string> make_pushes(const loaded& l, std::size_t n)
{
    rng r{7};
    std::vector<std::string> out;
    out.reserve(n);
    std::int64_t next_new = 2000000000000000;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& [id, type] = l.dt_listings[r.next() % l.dt_listings.size()];
        const std::uint64_t roll = r.next() % 100;
        const std::string cents = std::to_string(300 + r.next() % 90000);
        const std::string price = cents.substr(0, cents.size() - 2) + "." + cents.substr(cents.size() - 2);
        std::ostringstream m;
        m << R"({"requestId":"r)" << i << R"(","roomId":"market","event":")";
        if (roll < 70)
            m << R"(update","data":{"delivery":2,"id":)" << id << R"(,"itemId":)" << type << R"(,"price":)" << price;
        else if (roll < 85)
            m << R"(new","data":{"delivery":2,"id":)" << next_new++ << R"(,"itemId":)" << type << R"(,"price":)" << price;
        else
            m << R"(remove","data":{"id":)" << id;
        m << R"(,"updateTime":1719550000000},"sendTime":1719550000123})";
        out.push_back(m.str());
    }
    return out;
}

struct throughput {
    double per_s = 0;
    double seconds = 0;
    std::size_t n = 0;
    book_stats after; // what the pushes did (the load's inserts left out)
};

throughput time_pushes(const std::vector<std::string>& pushes, const sandbox::catalogue& cat, int copies, bool decode_each)
{
    market_book book;
    cs2dt::book_feed feed(book);
    load(book, feed, cat, copies);
    const book_stats before = book.stats();
    std::vector<cs2dt::MarketPushMessage> decoded;
    if (!decode_each)
        for (const auto& p : pushes)
            decoded.push_back(*from_json<cs2dt::MarketPushMessage>(p));
    const auto t0 = bench::clk::now();
    if (decode_each) {
        for (const auto& p : pushes) {
            auto m = from_json<cs2dt::MarketPushMessage>(p);
            if (!m)
                throw std::runtime_error("push did not decode: " + p);
            feed.apply(*m, 1);
        }
    } else {
        for (const auto& m : decoded)
            feed.apply(m, 1);
    }
    const auto t1 = bench::clk::now();
    throughput out;
    out.seconds = std::chrono::duration<double>(t1 - t0).count();
    out.n = pushes.size();
    out.per_s = static_cast<double>(out.n) / out.seconds;
    out.after = book.stats();
    out.after.inserted -= before.inserted;
    out.after.changed -= before.changed;
    return out;
}

std::string thousands(double v)
{
    const std::string digits = bench::fixed(v);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            s += ',';
        s += digits[i];
    }
    return s;
}

std::vector<int> parse_list(const std::string& s)
{
    std::vector<int> out;
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, ',');)
        out.push_back(std::stoi(part));
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t lookups = 200'000;
    std::size_t pushes_n = 200'000;
    std::vector<int> copies{1, 10};
    int repeat = 3;
    std::string out_path = "bench/results/book.md";
    std::string command = "cs2market-book-bench";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        command += " " + a;
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(a + " needs a value");
            command += " " + std::string(argv[i + 1]);
            return argv[++i];
        };
        if (a == "--lookups")
            lookups = std::stoul(next());
        else if (a == "--pushes")
            pushes_n = std::stoul(next());
        else if (a == "--copies")
            copies = parse_list(next());
        else if (a == "--repeat")
            repeat = std::stoi(next());
        else if (a == "--out")
            out_path = next();
        else {
            std::cerr << "usage: cs2market-book-bench [--lookups N] [--pushes N] [--copies K[,K...]] [--repeat R] [--out FILE]\n";
            return 2;
        }
    }
    const std::string load_before = bench::load_average();
    const auto cat = sandbox::catalogue::make();

    std::ostringstream rep;
    rep << "# Market book benchmark\n\n";
    rep << "Generated by `bench/book_bench.cpp` on " << bench::utc_now() << ". Do not edit by hand; see bench/README.md.\n\n";
    rep << "- CPU: " << bench::cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads\n";
    rep << "- Compiler: " << bench::compiler() << "; build: " << BOOK_BENCH_BUILD << "\n";
    rep << "- Command: `" << command << "`\n";
    rep << "- Load average (1/5/15 min) at the start: " << load_before << "; at the end: @LOAD_END@. Other engineers' builds share these cores.\n";
    rep << "- The book holds the whole sandbox catalogue (`sandbox/include/cs2market/sandbox/catalogue.hpp`): " << cat.types.size()
        << " names, each with its 1-3 listings on each of CS2DT, CSBoard and Skinify (float, paint seed, paint index; Skinify the float only), "
           "loaded as snapshots would load them. \"copies\" repeats every listing (new ids) to show how a lookup scales with listings per name.\n";
    rep << "- A lookup is `market_book::best(key, constraints)` on a random name (fixed seed), the constraints cycling through: none; "
           "float <= 0.25; price <= 50 USD; 0.1 <= float <= 0.5 and not StatTrak. Each call is timed alone (steady_clock, about 20-30 ns of it "
           "is the clock); one thread; best run of " << repeat << " by p50.\n";
    rep << "- Updates are CS2DT market pushes (`cs2dt::MarketPushMessage`), 70 % price updates of listings the book holds, 15 % new listings "
           "of known item types, 15 % removes: \"decode + apply\" is `from_json` of the text plus `cs2dt::book_feed::apply` (one market_book "
           "write, under its unique lock); \"apply\" the same from decoded messages. Best run of " << repeat << ".\n";
    rep << "- \"with a writer\": the lookups again while another thread applies pushes in a loop (2 cores: the writer and the reader each have one).\n\n";

    rep << "## best() lookup latency\n\n";
    rep << "| copies | listings | listings per name (mean) | lookups | found | p50 ns | p90 ns | p99 ns | max ns | mean ns |\n";
    rep << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    std::vector<std::string> pushes;
    for (int k : copies) {
        market_book book(book_options{10'000'000});
        cs2dt::book_feed feed(book);
        const loaded l = load(book, feed, cat, k);
        if (pushes.empty())
            pushes = make_pushes(l, pushes_n);
        latency best_run;
        for (int rpt = 0; rpt < repeat; ++rpt) {
            auto r = time_lookups(book, l, lookups, 1000 + static_cast<std::uint64_t>(rpt));
            if (rpt == 0 || r.ns.p50 < best_run.ns.p50)
                best_run = r;
        }
        rep << "| " << k << " | " << thousands(static_cast<double>(l.listings)) << " | "
            << bench::fixed(static_cast<double>(l.listings) / static_cast<double>(l.names), 1) << " | "
            << thousands(static_cast<double>(best_run.n)) << " | " << thousands(static_cast<double>(best_run.found)) << " | "
            << bench::fixed(best_run.ns.p50) << " | " << bench::fixed(best_run.ns.p90) << " | " << bench::fixed(best_run.ns.p99)
            << " | " << bench::fixed(best_run.ns.max) << " | " << bench::fixed(best_run.ns.mean) << " |\n";

        // The same lookups while a writer applies pushes.
        std::atomic<bool> stop{false};
        std::atomic<std::size_t> applied{0};
        std::vector<cs2dt::MarketPushMessage> decoded;
        for (const auto& p : pushes)
            decoded.push_back(*from_json<cs2dt::MarketPushMessage>(p));
        std::thread writer([&] {
            while (!stop)
                for (const auto& m : decoded) {
                    if (stop)
                        break;
                    feed.apply(m, 1);
                    ++applied;
                }
        });
        auto r = time_lookups(book, l, lookups, 4242);
        stop = true;
        writer.join();
        rep << "| " << k << " with a writer (" << thousands(static_cast<double>(applied.load())) << " pushes applied meanwhile) | "
            << thousands(static_cast<double>(book.size())) << " | | " << thousands(static_cast<double>(r.n)) << " | "
            << thousands(static_cast<double>(r.found)) << " | " << bench::fixed(r.ns.p50) << " | " << bench::fixed(r.ns.p90)
            << " | " << bench::fixed(r.ns.p99) << " | " << bench::fixed(r.ns.max) << " | " << bench::fixed(r.ns.mean) << " |\n";
        std::cerr << "copies " << k << ": lookups done\n";
    }

    rep << "\n## Update throughput from CS2DT pushes\n\n";
    rep << "| path | copies | pushes | seconds | updates/s | book after: entries / inserted / changed / removed / not found |\n";
    rep << "|---|---:|---:|---:|---:|---|\n";
    for (bool decode : {true, false}) {
        throughput best_run;
        for (int rpt = 0; rpt < repeat; ++rpt) {
            auto t = time_pushes(pushes, cat, copies.front(), decode);
            if (rpt == 0 || t.per_s > best_run.per_s)
                best_run = t;
        }
        const auto& s = best_run.after;
        rep << "| " << (decode ? "decode + apply" : "apply") << " | " << copies.front() << " | " << thousands(static_cast<double>(best_run.n))
            << " | " << bench::fixed(best_run.seconds, 3) << " | " << thousands(best_run.per_s) << " | " << s.entries << " / "
            << s.inserted << " / " << s.changed << " / " << s.removed << " / " << s.not_found << " |\n";
    }

    std::string text = rep.str();
    text.replace(text.find("@LOAD_END@"), 10, bench::load_average());
    std::cout << text;
    std::ofstream f(out_path);
    f << text;
    return f.good() ? 0 : 1;
}
