// Async executor benchmark: requests/s over keep-alive TLS on loopback, sequential
// and 1/4/16/64 in flight, cs2market vs a minimal hand-written Beast client in the
// same run; and the executor's per-call overhead (build_request + decode_response)
// for a small response. Writes bench/results/async.md (or argv[1]).
#include <cs2market/csboard.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace cs2market;
namespace net = boost::asio;
namespace http = boost::beast::http;
using clk = std::chrono::steady_clock;

static constexpr std::string_view body = R"j({"order_id":"ord_1","status":"completed","custom_id":"c","currency":"USD",
 "charged_total_usd":1.5,"item_count":1,"created_at":"2026-06-29T17:12:04Z","items":[]})j";

/// cs2market: `total` calls of get_order, `inflight` at a time, on one io_context thread.
static double run_cs2market(const testing::https_server& s, int inflight, int total)
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
    auto t0 = clk::now();
    for (int i = 0; i < inflight; ++i)
        next();
    ioc.run();
    return total / std::chrono::duration<double>(clk::now() - t0).count();
}

/// Hand-written Beast: `inflight` coroutines, each with its own kept-alive TLS stream.
static double run_beast(const testing::https_server& s, int inflight, int total)
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
    auto t0 = clk::now();
    for (int i = 0; i < inflight; ++i)
        net::co_spawn(ioc, worker(false), net::detached);
    ioc.run();
    return total / std::chrono::duration<double>(clk::now() - t0).count();
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
    testing::https_server server([](const testing::recorded_request&) {
        testing::canned_response r;
        r.body = std::string(body);
        return r;
    });
    std::ostringstream md;
    md << "# Async executor benchmark\n\nGET /v1/orders/{id} over keep-alive TLS on loopback (test server on its own thread);"
          " client on one io_context thread. Same run, same server.\n\n"
       << "| in flight | cs2market req/s | hand-written Beast req/s | ratio |\n|---|---|---|---|\n";
    for (int inflight : {1, 4, 16, 64}) {
        int total = 4000;
        double a = run_cs2market(server, inflight, total);
        double b = run_beast(server, inflight, total);
        md << "| " << (inflight == 1 ? "1 (sequential)" : std::to_string(inflight)) << " | " << int(a) << " | " << int(b)
           << " | " << int(100 * a / b) << "% |\n";
    }
    md << "\nPer-call executor overhead (build_request + decode_response, small response): " << overhead_us() << " µs\n";
    std::string out = argc > 1 ? argv[1] : "bench/results/async.md";
    std::ofstream(out) << md.str();
    std::cout << md.str();
}
