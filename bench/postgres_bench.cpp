// PostgreSQL store benchmark (issues 12, 20): journaled buys per second against
// the embedded sandbox with the journal off, in SQLite and in PostgreSQL (one
// connection, and the journal's pool; each with the server's commit flush on
// and, to show what the flush costs, off); the cost of one durable commit
// (record_intent, save) in each; and shared-budget draws per second from one
// and from several connections (one budget shared by all, or one each),
// beside the in-process limiter. Buy runs are interleaved `--repeat` times;
// each row is the run with the median buys/s.
//
//   cs2market-postgres-bench --pg postgresql://... [--buys N] [--inflight K] [--pool P] [--repeat R] [--commits N]
//                            [--draws N] [--threads T] [--dir DIR] [--out FILE]
//
// The server is the caller's (e.g. `bash tests/pg/pg_server.sh start /tmp/pgb`:
// PostgreSQL 15 with its default durability, fsync and synchronous_commit on).
// Writes a markdown report to --out (default bench/results/postgres.md) and stdout.
#include <cs2market/store/postgres/postgres_store.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>

#include "journal_workload.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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

/// A fresh schema on the server: each run starts from empty tables. `flush`
/// false: the store's sessions commit without waiting for the WAL flush.
std::string fresh_schema(const std::string& url, const std::string& name, bool flush = true)
{
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(c));
    const std::string schema = "bench_" + name + "_" + std::to_string(getpid());
    PQclear(PQexec(c, ("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema).c_str()));
    PQfinish(c);
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema +
           (flush ? "" : "%20-csynchronous_commit%3Doff");
}

std::string server_version(const std::string& url)
{
    PGconn* c = PQconnectdb(url.c_str());
    std::string v = PQstatus(c) == CONNECTION_OK ? std::to_string(PQserverVersion(c)) : "?";
    PQfinish(c);
    return v.size() == 6 ? v.substr(0, 2) + "." + std::to_string(std::stoi(v.substr(2))) : v;
}

/// record_intent and save (a submitted -> pending transition), one durable commit each.
struct draw_run {
    double draws_per_s = 0;
    percentiles latency_us;
};

/// `threads` threads, each with its own limiter (PostgreSQL: its own connection),
/// `per_thread` draws each, from one budget shared by all or one budget each.
/// CSBoard's `read` (30 per 60 s): most slots are in the future; what is measured
/// is the cost of a draw, not the budget.
draw_run draws(const std::function<std::shared_ptr<cm::rate_limiter>()>& make, int threads, int per_thread, bool shared)
{
    std::vector<std::shared_ptr<cm::rate_limiter>> ls;
    for (int t = 0; t < threads; ++t)
        ls.push_back(make());
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
    std::atomic<int> failed{0};
    const auto t0 = clk::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            const std::string key = shared ? "csb_pub_bench" : "csb_pub_bench_" + std::to_string(t);
            const std::array d{cm::rate_draw{cm::rate_key::of(cm::provider_id{"csboard"}, key, "read"), cm::rate_limit::per_minute(30)}};
            auto& l = *ls[static_cast<std::size_t>(t)];
            auto* pg = dynamic_cast<cm::postgres_rate_limiter*>(&l);
            for (int i = 0; i < per_thread; ++i) {
                const auto a = clk::now();
                if (pg) {
                    if (!pg->try_reserve(d, a))
                        ++failed;
                } else {
                    (void)l.reserve(d, a);
                }
                lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::micro>(clk::now() - a).count());
            }
        });
    for (auto& t : ts)
        t.join();
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    if (failed)
        throw std::runtime_error("draws failed");
    std::vector<double> all;
    for (auto& v : lat)
        all.insert(all.end(), v.begin(), v.end());
    return {threads * per_thread / secs, of(all)};
}

} // namespace

int main(int argc, char** argv)
{
    int total = 300, inflight = 8, commits = 1000, per_thread = 2000, threads = 4, repeat = 3;
    std::size_t pool = cm::postgres_pool_options{}.connections;
    std::string pg, out = "bench/results/postgres.md";
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::string command = "cs2market-postgres-bench";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(a + " takes a value");
            return argv[++i];
        };
        if (a == "--pg") {
            pg = value();
            command += " --pg postgresql://...";
            continue;
        }
        if (a == "--buys")
            total = std::stoi(value());
        else if (a == "--inflight")
            inflight = std::stoi(value());
        else if (a == "--pool")
            pool = static_cast<std::size_t>(std::stoi(value()));
        else if (a == "--repeat")
            repeat = std::max(1, std::stoi(value()));
        else if (a == "--commits")
            commits = std::stoi(value());
        else if (a == "--draws")
            per_thread = std::stoi(value());
        else if (a == "--threads")
            threads = std::stoi(value());
        else if (a == "--dir")
            dir = value();
        else if (a == "--out")
            out = value();
        else {
            std::cerr << "usage: cs2market-postgres-bench --pg URL [--buys N] [--inflight K] [--pool P] [--repeat R] "
                         "[--commits N] [--draws N] [--threads T] [--dir DIR] [--out FILE]\n";
            return 2;
        }
        command += " " + a + " " + argv[i];
    }
    if (pg.empty()) {
        std::cerr << "cs2market-postgres-bench: --pg postgresql://... is required\n";
        return 2;
    }
    dir /= "cs2market-postgres-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::string load_before = load_average();

    auto sqlite_at = [&](const char* name) {
        return std::shared_ptr<cm::journal>(cm::sqlite_journal::open((dir / name).string()).value());
    };
    auto pg_at = [&](const std::string& name, std::size_t connections = 1, bool flush = true) {
        return std::shared_ptr<cm::journal>(
            cm::postgres_journal::open(fresh_schema(pg, name, flush), {}, cm::postgres_pool_options{connections}).value());
    };
    const auto sqlite_commits = commit_costs(*sqlite_at("commits.db"), commits);
    const auto pg_commits = commit_costs(*pg_at("commits"), commits);

    // One journal configuration of the buy runs.
    struct setup {
        std::string journal;
        std::function<std::shared_ptr<cm::journal>(const std::string&)> open; ///< nullptr: no journal
    };
    const std::string pool_name = "PostgreSQL, pool of " + std::to_string(pool);
    const std::vector<setup> setups{
        {"off", nullptr},
        {"SQLite", [&](const std::string& n) { return sqlite_at((n + ".db").c_str()); }},
        {"PostgreSQL, 1 connection", [&](const std::string& n) { return pg_at(n); }},
        {pool_name, [&](const std::string& n) { return pg_at(n, pool); }},
        {"PostgreSQL, 1 connection, no flush wait", [&](const std::string& n) { return pg_at(n, 1, false); }},
        {pool_name + ", no flush wait", [&](const std::string& n) { return pg_at(n, pool, false); }},
    };
    struct buy_row {
        std::string journal;
        int inflight;
        buy_run r;
    };
    std::vector<buy_row> buy_rows;
    for (int k : {1, inflight}) {
        // Interleaved: a load change on the machine touches every setup alike.
        std::vector<std::vector<buy_run>> runs(setups.size());
        for (int rep = 0; rep < repeat; ++rep)
            for (std::size_t i = 0; i < setups.size(); ++i) {
                const std::string name = "buys" + std::to_string(k) + "_" + std::to_string(i) + "_" + std::to_string(rep);
                runs[i].push_back(buys(total, k, setups[i].open ? setups[i].open(name) : nullptr));
            }
        for (std::size_t i = 0; i < setups.size(); ++i) {
            auto& rs = runs[i];
            std::sort(rs.begin(), rs.end(), [](const buy_run& a, const buy_run& b) { return a.buys_per_s < b.buys_per_s; });
            buy_rows.push_back({setups[i].journal, k, rs[rs.size() / 2]});
        }
    }

    struct draw_row {
        std::string limiter;
        int threads;
        bool shared;
        draw_run r;
    };
    std::vector<draw_row> draw_rows;
    const auto budgets = fresh_schema(pg, "draws");
    auto make_pg = [&] { return std::shared_ptr<cm::rate_limiter>(cm::postgres_rate_limiter::open(budgets).value()); };
    auto make_local = [] { return std::make_shared<cm::rate_limiter>(); };
    auto shared_local = std::make_shared<cm::rate_limiter>();
    draw_rows.push_back({"in-process (`rate_limiter`)", 1, true, draws(make_local, 1, per_thread * 10, true)});
    draw_rows.push_back({"in-process, one limiter shared by the threads", threads, true,
                         draws([&] { return shared_local; }, threads, per_thread * 10, true)});
    draw_rows.push_back({"PostgreSQL", 1, true, draws(make_pg, 1, per_thread, true)});
    draw_rows.push_back({"PostgreSQL", threads, true, draws(make_pg, threads, per_thread / threads * 2, true)});
    draw_rows.push_back({"PostgreSQL", threads, false, draws(make_pg, threads, per_thread / threads * 2, false)});
    const std::string load_after = load_average();
    std::filesystem::remove_all(dir);

    const std::string when = utc_now();
    std::ostringstream md;
    md << "# PostgreSQL store benchmark\n\n"
       << "Generated by `bench/postgres_bench.cpp` on " << when << ".\n\n"
       << "- Machine: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads (nproc)\n"
       << "- Compiler: g++ " << __VERSION__ << "; build: " << CS2MARKET_BENCH_BUILD_TYPE << "; SQLite " << sqlite3_libversion()
       << "; libpq " << PQlibVersion() << "; PostgreSQL server " << server_version(pg) << "\n"
       << "- PostgreSQL: a local server on loopback TCP (`tests/pg/pg_server.sh start`: initdb defaults, fsync and "
       << "synchronous_commit on, shared_buffers 32 MB), same disk as the SQLite files (" << dir.parent_path().string() << ")\n"
       << "- Load average (1/5/15 min): " << load_before << " before, " << load_after
       << " after the run (other processes share the machine)\n"
       << "- Command: `" << command << "`\n\n"
       << "## One durable commit\n\n"
       << commits << " commits of each kind, one after the other, on one thread (µs). SQLite: WAL, synchronous=FULL. "
       << "PostgreSQL: one transaction (BEGIN, statements, COMMIT) on one connection, prepared statements.\n\n"
       << "| call | store | p50 | p99 | mean |\n|---|---|---:|---:|---:|\n";
    auto prow = [&](const char* name, const char* store, const percentiles& p) {
        md << "| " << name << " | " << store << " | " << fixed(p.p50) << " | " << fixed(p.p99) << " | " << fixed(p.mean) << " |\n";
    };
    prow("`record_intent` (new order)", "SQLite", sqlite_commits.first);
    prow("`record_intent` (new order)", "PostgreSQL", pg_commits.first);
    prow("`save` (transition, compare-and-set)", "SQLite", sqlite_commits.second);
    prow("`save` (transition, compare-and-set)", "PostgreSQL", pg_commits.second);
    md << "\n## Journaled buys per second against the sandbox\n\n"
       << total << " Skinify `withdraw_buy` calls (each a new purchase) after a warm-up, through one client on one "
       << "io_context thread, to the embedded sandbox (HTTPS on loopback; sandbox rate limits off, client "
       << "`rate_limiting = false`). A journaled buy is two durable commits: the intent before the request, the "
       << "answer after it. PostgreSQL with 1 connection: every commit on the journal's one connection and thread, "
       << "one after the other (the store before issue 20); with a pool: each buy's commits on a free connection of "
       << "the pool, beside the others'. \"no flush wait\": the same with synchronous_commit off (a commit does not "
       << "wait for its WAL flush; not durable, shown only to measure the flush). Each row: the median of " << repeat
       << " interleaved runs by buys/s.\n\n"
       << "| in flight | journal | buys/s | p50 ms | p99 ms | failed |\n|---:|---|---:|---:|---:|---:|\n";
    for (const auto& r : buy_rows)
        md << "| " << r.inflight << " | " << r.journal << " | " << fixed(r.r.buys_per_s) << " | " << fixed(r.r.latency_ms.p50, 2)
           << " | " << fixed(r.r.latency_ms.p99, 2) << " | " << r.r.failed << " |\n";
    {
        double one = 0, many = 0;
        for (const auto& r : buy_rows)
            if (r.inflight == inflight && r.journal == "PostgreSQL, 1 connection")
                one = r.r.buys_per_s;
            else if (r.inflight == inflight && r.journal == pool_name)
                many = r.r.buys_per_s;
        md << "\nIssue 20's goal, PostgreSQL-journaled buys/s with " << inflight << " in flight from one process, >= 750: "
           << fixed(one) << " with 1 connection, " << fixed(many) << " with the pool of " << pool << " ("
           << fixed(one > 0 ? many / one : 0, 1) << "x): " << (many >= 750 ? "met" : "not met") << ".\n";
    }
    md << "\n## Rate-budget draws per second\n\n"
       << "Draws of CSBoard's `read` budget (30 per 60 s; the slots soon lie in the future, so this measures the cost of a "
       << "draw, not the budget). PostgreSQL: one short transaction per draw (lock the budget row, compute the slot, store "
       << "it, commit; synchronous_commit off for budgets), each thread with its own limiter and connection. One budget "
       << "shared by all threads contends for one row lock; one budget each does not.\n\n"
       << "| limiter | threads | budget | draws/s | p50 µs | p99 µs |\n|---|---:|---|---:|---:|---:|\n";
    for (const auto& r : draw_rows)
        md << "| " << r.limiter << " | " << r.threads << " | " << (r.shared ? "one, shared" : "one per thread") << " | "
           << fixed(r.r.draws_per_s) << " | " << fixed(r.r.latency_us.p50, 1) << " | " << fixed(r.r.latency_us.p99, 1) << " |\n";
    std::cout << md.str();
    if (!out.empty()) {
        std::ofstream f(out);
        f << md.str();
    }
    for (const auto& r : buy_rows)
        if (r.r.failed)
            return 1;
    return 0;
}
