// Journal benchmark (issue 11): buys per second against the embedded sandbox with
// the order journal off and on (sequential and several in flight), and the cost
// of one durable commit on this disk: record_intent (a new order) and save (a
// phase transition, compare-and-set). SQLite in WAL mode with synchronous=FULL:
// every commit is fsync'ed before it returns.
//
//   cs2market-journal-bench [--buys N] [--inflight K] [--commits N] [--repeat R] [--dir DIR] [--out FILE]
//
// Writes a markdown report to --out (default bench/results/journal.md) and stdout.
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/sqlite_journal.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef CS2MARKET_BENCH_BUILD_TYPE
#define CS2MARKET_BENCH_BUILD_TYPE "unknown"
#endif

namespace cm = cs2market;
namespace sb = cs2market::sandbox;
namespace net = boost::asio;
using clk = std::chrono::steady_clock;

namespace {

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string cpu_model()
{
    std::istringstream in(read_file("/proc/cpuinfo"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown";
}

std::string load_average()
{
    std::istringstream in(read_file("/proc/loadavg"));
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " / " + b + " / " + c;
}

/// The mount (device, type) holding `path`.
std::string filesystem_of(const std::filesystem::path& path)
{
    const auto p = std::filesystem::weakly_canonical(path).string();
    std::istringstream in(read_file("/proc/mounts"));
    std::string best_dir, best;
    for (std::string dev, dir, type, rest; in >> dev >> dir >> type && std::getline(in, rest);)
        if (p.rfind(dir, 0) == 0 && dir.size() >= best_dir.size())
            best_dir = dir, best = type + " on " + dev + " (mounted at " + dir + ")";
    return best.empty() ? "unknown" : best;
}

struct percentiles {
    double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

percentiles of(std::vector<double> us)
{
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(us.size())))]; };
    percentiles p;
    p.p50 = at(0.50);
    p.p90 = at(0.90);
    p.p99 = at(0.99);
    p.max = us.back();
    double sum = 0;
    for (double v : us)
        sum += v;
    p.mean = sum / static_cast<double>(us.size());
    return p;
}

/// record_intent and save (a submitted -> pending transition), one durable commit each.
std::pair<percentiles, percentiles> commit_costs(const std::filesystem::path& dir, int n)
{
    const auto path = (dir / "commits.db").string();
    auto j = cm::sqlite_journal::open(path).value();
    std::vector<cm::order> orders;
    std::vector<double> intent_us, save_us;
    const std::string request = R"({"partner":"447383001","token":"<redacted>","id":"123456","custom_id":"bench"})";
    for (int i = 0; i < n; ++i) {
        cm::order o;
        o.provider = cm::skinify::id;
        o.id = "bench-" + std::to_string(i);
        o.operation = "withdraw_buy";
        o.item_name = "AK-47 | Redline (Field-Tested)";
        o.max_price = cm::decimal::from_string("12.34");
        o.price = o.max_price;
        o.created_at = cm::now_unix_ms();
        const auto t0 = clk::now();
        auto claim = j->record_intent(o, request);
        intent_us.push_back(std::chrono::duration<double, std::micro>(clk::now() - t0).count());
        if (!claim || !claim->created)
            throw std::runtime_error("record_intent failed");
        orders.push_back(claim->journaled);
    }
    for (auto& o : orders) {
        cm::order_observation obs;
        obs.provider = o.provider;
        obs.id = o.id;
        obs.order_id = "9" + o.id.substr(6);
        obs.phase = cm::order_phase::pending;
        obs.provider_status = "processing";
        obs.source = "buy";
        auto change = cm::apply_observation(o, obs, cm::now_unix_ms());
        const auto t0 = clk::now();
        auto saved = j->save(o, &*change);
        save_us.push_back(std::chrono::duration<double, std::micro>(clk::now() - t0).count());
        if (!saved || !*saved)
            throw std::runtime_error("save failed");
    }
    return {of(intent_us), of(save_us)};
}

struct buy_run {
    double buys_per_s = 0;
    percentiles latency_ms;
    int failed = 0;
};

/// `total` Skinify withdraw_buy calls, `inflight` at a time, on one io_context thread,
/// against a fresh sandbox; through a journaled client when `journal_path` is set.
buy_run buys(int total, int inflight, const std::string& journal_path)
{
    sb::options so;
    so.default_rate_limits = false;
    so.step_ms = 60'000; // orders stay put: the sandbox's clock does no work during the run
    sb::server s(so);
    const std::string key = "skinifybench";
    s.fund(cm::skinify::id, key, cm::decimal::from_string("1000000"));
    cm::client_options o;
    o.credential = key;
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.rate_limiting = false;
    o.max_connections = static_cast<std::size_t>(inflight);
    std::vector<std::string> ids;
    {
        cm::skinify::client c(o);
        cm::skinify::withdraw_prices_params pp;
        pp.game = cm::skinify::Game::csgo;
        pp.full_list = 1;
        auto skins = c.withdraw_prices(pp).value().skins;
        for (auto& e : skins)
            if (e.id)
                ids.push_back(*e.id);
    }
    const int warm = inflight * 2;
    if (static_cast<int>(ids.size()) < total + warm)
        throw std::runtime_error("the sandbox has " + std::to_string(ids.size()) + " listings; ask for fewer buys");
    if (!journal_path.empty()) {
        std::filesystem::remove(journal_path);
        std::filesystem::remove(journal_path + "-wal");
        std::filesystem::remove(journal_path + "-shm");
        o.journal = cm::sqlite_journal::open(journal_path).value();
    }
    net::io_context ioc;
    cm::skinify::client c(ioc.get_executor(), o);
    int started = 0, limit = 0, failed = 0;
    std::size_t next_id = 0;
    std::vector<double> lat;
    std::function<void()> next = [&] {
        if (started >= limit)
            return;
        ++started;
        cm::skinify::withdraw_buy_params b;
        b.body.partner = "447383001";
        b.body.token = "Ab3xZ9Qp";
        b.body.id = ids[next_id];
        b.body.custom_id = "bench-" + std::to_string(next_id++);
        const auto t0 = clk::now();
        c.async_call<cm::skinify::ops::withdraw_buy>(std::move(b), [&, t0](cm::result<cm::skinify::WithdrawBuyResponse> r) {
            lat.push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
            if (!r) {
                ++failed;
                std::cerr << "buy failed: " << r.error().message() << "\n";
            }
            next();
        });
    };
    auto pass = [&](int n) {
        started = 0;
        limit = n;
        lat.clear();
        for (int i = 0; i < inflight && i < n; ++i)
            next();
        ioc.run();
        ioc.restart();
    };
    pass(warm); // opens the connections (and the journal's file pages)
    failed = 0;
    const auto t0 = clk::now();
    pass(total);
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    // Every call was a purchase in the sandbox's own records.
    const auto made = s.purchases(cm::skinify::id).size();
    if (made != static_cast<std::size_t>(warm + total))
        throw std::runtime_error("the sandbox made " + std::to_string(made) + " purchases, not " + std::to_string(warm + total));
    return {total / secs, of(lat), failed};
}

std::string fixed(double v, int digits = 0)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

} // namespace

int main(int argc, char** argv)
{
    int total = 300, inflight = 8, commits = 1000, repeat = 3;
    std::string out = "bench/results/journal.md";
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::string command = "cs2market-journal-bench";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        command += " " + a;
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(a + " takes a value");
            command += std::string(" ") + argv[i + 1];
            return argv[++i];
        };
        if (a == "--buys")
            total = std::stoi(value());
        else if (a == "--inflight")
            inflight = std::stoi(value());
        else if (a == "--commits")
            commits = std::stoi(value());
        else if (a == "--repeat")
            repeat = std::max(1, std::stoi(value()));
        else if (a == "--dir")
            dir = value();
        else if (a == "--out")
            out = value();
        else {
            std::cerr << "usage: cs2market-journal-bench [--buys N] [--inflight K] [--commits N] [--repeat R] [--dir DIR] [--out FILE]\n";
            return 2;
        }
    }
    dir /= "cs2market-journal-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::string load_before = load_average();

    const auto [intent, save] = commit_costs(dir, commits);
    const std::string journal = (dir / "buys.db").string();
    struct row {
        std::string journal;
        int inflight;
        std::vector<buy_run> runs; ///< sorted by buys/s
    };
    std::vector<row> rows;
    for (int k : {1, inflight})
        for (bool on : {false, true})
            rows.push_back({on ? "on" : "off", k, {}});
    for (int rep = 0; rep < repeat; ++rep) // interleaved, so that a burst of load elsewhere hits every row alike
        for (auto& r : rows)
            r.runs.push_back(buys(total, r.inflight, r.journal == "on" ? journal : std::string()));
    for (auto& r : rows)
        std::sort(r.runs.begin(), r.runs.end(), [](const buy_run& a, const buy_run& b) { return a.buys_per_s < b.buys_per_s; });
    const std::string load_after = load_average();
    std::filesystem::remove_all(dir);

    char when[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::ostringstream md;
    md << "# Order journal benchmark\n\n"
       << "Generated by `bench/journal_bench.cpp` on " << when << ".\n\n"
       << "- Machine: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads (nproc)\n"
       << "- Compiler: g++ " << __VERSION__ << "; build: " << CS2MARKET_BENCH_BUILD_TYPE << "; SQLite " << sqlite3_libversion() << "\n"
       << "- Journal: `sqlite_journal` (WAL, synchronous=FULL: every commit fsync'ed), files in " << dir.parent_path().string()
       << ", " << filesystem_of(dir.parent_path()) << "\n"
       << "- Load average (1/5/15 min): " << load_before << " before, " << load_after
       << " after the run (other processes share the machine)\n"
       << "- Command: `" << command << "`\n\n"
       << "## One durable commit\n\n"
       << commits << " commits of each kind, one after the other, on one thread (µs):\n\n"
       << "| call | p50 | p90 | p99 | max | mean |\n|---|---:|---:|---:|---:|---:|\n";
    auto prow = [&](const char* name, const percentiles& p) {
        md << "| " << name << " | " << fixed(p.p50) << " | " << fixed(p.p90) << " | " << fixed(p.p99) << " | " << fixed(p.max)
           << " | " << fixed(p.mean) << " |\n";
    };
    prow("`record_intent` (new order, insert)", intent);
    prow("`save` (phase transition, compare-and-set + history row)", save);
    md << "\n## Buys per second against the sandbox\n\n"
       << total << " Skinify `withdraw_buy` calls (each a new purchase), after " << "a warm-up of 2 × in-flight buys, "
       << "through one client on one io_context thread, to the embedded sandbox (HTTPS on loopback, its own thread; "
       << "sandbox rate limits off, client `rate_limiting = false`). A journaled buy is two durable commits on the "
       << "journal's thread: the intent before the request, the answer after it.\n\n"
       << "Each row ran " << repeat << " times (interleaved with the other rows); buys/s is the median run's, with the "
       << "slowest and fastest run's; p50 / p99 are the call latencies (start to completion) of the median run.\n\n"
       << "| in flight | journal | buys/s (median) | slowest – fastest | p50 ms | p99 ms | failed |\n"
       << "|---:|---|---:|---:|---:|---:|---:|\n";
    for (const auto& r : rows) {
        const auto& m = r.runs[r.runs.size() / 2];
        int failed = 0;
        for (const auto& x : r.runs)
            failed += x.failed;
        md << "| " << r.inflight << " | " << r.journal << " | " << fixed(m.buys_per_s) << " | " << fixed(r.runs.front().buys_per_s)
           << " – " << fixed(r.runs.back().buys_per_s) << " | " << fixed(m.latency_ms.p50, 2) << " | "
           << fixed(m.latency_ms.p99, 2) << " | " << failed << " |\n";
    }
    auto median = [&](std::size_t i) { return rows[i].runs[rows[i].runs.size() / 2].buys_per_s; };
    md << "\nReading: the journal costs a sequential buy " << fixed(median(0) / median(1)) << "x (" << fixed(median(0))
       << " -> " << fixed(median(1)) << " buys/s): it waits for two fsync'ed commits. The journal's one thread (one "
       << "SQLite connection) makes every commit one after the other, so " << inflight << " buys in flight gain only "
       << fixed(median(3) / median(1), 1) << "x. A commit's time is the disk's fsync, which on a shared virtual disk "
       << "varies widely from run to run with the I/O of other processes.\n";
    std::cout << md.str();
    if (!out.empty()) {
        std::ofstream f(out);
        f << md.str();
    }
    for (const auto& r : rows)
        for (const auto& x : r.runs)
            if (x.failed)
                return 1;
    return 0;
}
