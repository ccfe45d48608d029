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

#include "journal_workload.hpp"

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

using namespace cs2market::bench;

namespace {

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

/// The commit costs on this disk, in a fresh SQLite file.
std::pair<percentiles, percentiles> commit_costs(const std::filesystem::path& dir, int n)
{
    const auto path = (dir / "commits.db").string();
    auto j = cm::sqlite_journal::open(path).value();
    return cs2market::bench::commit_costs(*j, n);
}

/// Journaled buys through a fresh SQLite file at `journal_path` ("": no journal).
buy_run buys(int total, int inflight, const std::string& journal_path)
{
    std::shared_ptr<cm::journal> j;
    if (!journal_path.empty()) {
        for (const char* ext : {"", "-wal", "-shm"})
            std::filesystem::remove(journal_path + ext);
        j = cm::sqlite_journal::open(journal_path).value();
    }
    return cs2market::bench::buys(total, inflight, std::move(j));
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
