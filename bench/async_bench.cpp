// Async executor benchmark (issue 13): requests/s over keep-alive TLS on loopback,
// 1/4/16/64 in flight, cs2market vs a minimal hand-written Beast client in the
// same run against the same server, each configuration repeated (interleaved)
// and the median kept; heap allocations per call on each side (a counting
// operator new); and the executor's per-call overhead (build_request +
// decode_response) for a small response.
//
//   cs2market-async-bench [--repeat R] [--calls N] [--out FILE]   (default bench/results/async.md)
#include <cs2market/csboard.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alloc_sites.hpp"
#include "bench_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

using namespace cs2market;
namespace net = boost::asio;
namespace http = boost::beast::http;
using clk = std::chrono::steady_clock;

// Every heap allocation of the process, counted (the server's thread included:
// it serves both clients alike, and its share is measured alone below).
static std::atomic<std::uint64_t> g_allocations{0};
static thread_local std::uint64_t t_allocations = 0; // this thread's (the client's)
void* operator new(std::size_t n)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    ++t_allocations;
    bench::alloc_sites::note(n);
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

struct run_result {
    double per_s = 0;
    double allocs_per_call = 0;
    double client_allocs_per_call = 0; ///< on the client's thread only
};

static constexpr std::string_view body = R"j({"order_id":"ord_1","status":"completed","custom_id":"c","currency":"USD",
 "charged_total_usd":1.5,"item_count":1,"created_at":"2026-06-29T17:12:04Z","items":[]})j";

/// cs2market: `total` calls of get_order, `inflight` at a time, on one io_context thread.
static run_result run_cs2market(const testing::https_server& s, int inflight, int total, bool sites = false)
{
    net::io_context ioc;
    client_options o;
    o.credential = "csb_pub_bench";
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.max_connections = static_cast<std::size_t>(inflight);
    o.rate_limiting = false;
    csboard::client c(ioc.get_executor(), o);
    int started = 0, done = 0;
    std::function<void()> next = [&] {
        if (started >= total)
            return;
        ++started;
        c.async_call<csboard::ops::get_order>({.id = "ord_1"}, [&](result<csboard::Order> r) {
            if (!r)
                std::abort();
            ++done;
            next();
        });
    };
    for (int i = 0; i < inflight * 2 && i < total; ++i) // warm-up pass opens the connections
        next();
    ioc.run();
    ioc.restart();
    started = done = 0;
    const auto a0 = g_allocations.load();
    const auto c0 = t_allocations;
    bench::alloc_sites::recording = sites;
    auto t0 = clk::now();
    for (int i = 0; i < inflight; ++i)
        next();
    ioc.run();
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    bench::alloc_sites::recording = false;
    return {total / secs, double(g_allocations.load() - a0) / total, double(t_allocations - c0) / total};
}

/// Hand-written Beast: `inflight` coroutines, each with its own kept-alive TLS stream.
static run_result run_beast(const testing::https_server& s, int inflight, int total, bool sites = false)
{
    net::io_context ioc;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.load_verify_file(s.ca_file());
    ctx.set_verify_mode(net::ssl::verify_peer);
    int remaining = total;
    auto worker = [&](bool warm) -> net::awaitable<void> {
        boost::beast::ssl_stream<boost::beast::tcp_stream> st(ioc, ctx);
        co_await boost::beast::get_lowest_layer(st).async_connect(
            net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port()), net::use_awaitable);
        co_await st.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
        boost::beast::flat_buffer buf;
        for (int n = 0; warm ? n < 2 : remaining-- > 0; ++n) {
            http::request<http::string_body> req{http::verb::get, "/v1/orders/ord_1", 11};
            req.set(http::field::host, "127.0.0.1");
            req.set(http::field::authorization, "Bearer csb_pub_bench");
            req.keep_alive(true);
            co_await http::async_write(st, req, net::use_awaitable);
            http::response<http::string_body> res;
            co_await http::async_read(st, buf, res, net::use_awaitable);
            auto v = boost::json::parse(res.body()); // a fair share of decoding
            (void)v;
        }
    };
    for (int i = 0; i < inflight; ++i)
        net::co_spawn(ioc, worker(true), net::detached);
    ioc.run();
    ioc.restart();
    const auto a0 = g_allocations.load();
    const auto c0 = t_allocations;
    bench::alloc_sites::recording = sites;
    auto t0 = clk::now();
    for (int i = 0; i < inflight; ++i)
        net::co_spawn(ioc, worker(false), net::detached);
    ioc.run();
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    bench::alloc_sites::recording = false;
    return {total / secs, double(g_allocations.load() - a0) / total, double(t_allocations - c0) / total};
}

static double overhead_us()
{
    http_response r;
    r.status = 200;
    r.body = std::string(body);
    csboard::get_order_params p{.id = "ord_1"};
    const int n = 200000;
    std::size_t sink = 0;
    auto t0 = clk::now();
    for (int i = 0; i < n; ++i) {
        auto rq = build_request<csboard::ops::get_order>(p, "csb_pub_bench");
        auto d = decode_response<csboard::ops::get_order>(r, "csb_pub_bench");
        sink += rq->target.size() + d->value.order_id.size();
    }
    auto us = std::chrono::duration<double, std::micro>(clk::now() - t0).count() / n;
    if (sink == 0)
        std::abort();
    return us;
}

int main(int argc, char** argv)
{
    int repeat = 5, calls = 4000, sites = 0;
    std::string out = "bench/results/async.md";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--repeat")
            repeat = std::atoi(argv[i + 1]);
        else if (a == "--calls")
            calls = std::atoi(argv[i + 1]);
        else if (a == "--out")
            out = argv[i + 1];
        else if (a == "--sites") // the allocation breakdown by call stack at this many in flight, then exit
            sites = std::atoi(argv[i + 1]);
    }
    testing::https_server server([](const testing::recorded_request&) {
        testing::canned_response r;
        r.body = std::string(body);
        return r;
    });
    if (sites > 0) {
        bench::alloc_sites::prime();
        for (bool cs : {true, false}) {
            bench::alloc_sites::reset();
            const auto r = cs ? run_cs2market(server, sites, calls, true) : run_beast(server, sites, calls, true);
            std::printf("\n######## %s, %d in flight: %.1f allocations per call in the process, %.1f on the client's thread\n",
                        cs ? "cs2market" : "hand-written Beast", sites, r.allocs_per_call, r.client_allocs_per_call);
            bench::alloc_sites::report(stdout, calls);
        }
        return 0;
    }
    const auto load_before = bench::load_average();
    struct row {
        int inflight;
        std::vector<double> cs, bst, ratio;
        double cs_allocs = 0, bst_allocs = 0, cs_client_allocs = 0, bst_client_allocs = 0;
    };
    std::vector<row> rows;
    for (int inflight : {1, 4, 16, 64})
        rows.push_back({inflight, {}, {}, {}});
    // Interleaved: every repetition runs every configuration once, so that a
    // change of load on this shared machine hits both clients alike.
    for (int r = 0; r < repeat; ++r)
        for (auto& w : rows) {
            const bool cs_first = r % 2 == 0;
            run_result a, b;
            if (cs_first) {
                a = run_cs2market(server, w.inflight, calls);
                b = run_beast(server, w.inflight, calls);
            } else {
                b = run_beast(server, w.inflight, calls);
                a = run_cs2market(server, w.inflight, calls);
            }
            w.cs.push_back(a.per_s);
            w.bst.push_back(b.per_s);
            w.ratio.push_back(a.per_s / b.per_s);
            w.cs_allocs = a.allocs_per_call;
            w.bst_allocs = b.allocs_per_call;
            w.cs_client_allocs = a.client_allocs_per_call;
            w.bst_client_allocs = b.client_allocs_per_call;
        }
    const double overhead = overhead_us();
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    auto range = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return bench::fixed(100 * v.front()) + "-" + bench::fixed(100 * v.back()) + "%";
    };
    std::ostringstream md;
    md << "# Async executor benchmark\n\nGenerated by `bench/async_bench.cpp` (`cs2market-async-bench --repeat " << repeat
       << " --calls " << calls << "`). GET /v1/orders/{id} over keep-alive TLS on loopback (test server on its own thread);"
          " client on one io_context thread; same run, same server. Each row: the median of "
       << repeat << " interleaved repetitions of " << calls << " calls (ratio: median of the per-repetition ratios, and their range).\n\n"
       << "- Machine: " << bench::cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads\n"
       << "- Compiler: " << bench::compiler() << "; build: " << CS2MARKET_BENCH_BUILD_TYPE << "\n"
       << "- Load average (1/5/15 min): " << load_before << " before, " << bench::load_average()
       << " after (other processes share the machine)\n"
       << "- Allocations per call: every operator new in the process during the measured pass, divided by the calls;"
          " the server's share is in both columns alike (goal, issue 20: <= 45); in brackets those on the client's"
          " thread alone. `--sites N` names each by its call stack.\n\n"
       << "| in flight | cs2market req/s | hand-written Beast req/s | ratio (median) | range | goal >= 0.95 | allocations/call cs2market | Beast |\n"
          "|---:|---:|---:|---:|---|---|---:|---:|\n";
    for (auto& w : rows) {
        const double rt = median(w.ratio);
        md << "| " << w.inflight << " | " << bench::fixed(median(w.cs)) << " | " << bench::fixed(median(w.bst)) << " | "
           << bench::fixed(rt, 2) << " | " << range(w.ratio) << " | " << (rt >= 0.95 ? "met" : "NOT met") << " | "
           << bench::fixed(w.cs_allocs, 1) << " (" << bench::fixed(w.cs_client_allocs, 1) << ") | " << bench::fixed(w.bst_allocs, 1)
           << " (" << bench::fixed(w.bst_client_allocs, 1) << ") |\n";
    }
    md << "\nPer-call executor overhead (build_request + decode_response, small response): " << bench::fixed(overhead, 2)
       << " µs (goal <= 1.6 µs: " << (overhead <= 1.6 ? "met" : "NOT met") << ")\n";
    std::ofstream(out) << md.str();
    std::cout << md.str();
}
