// A hostile or merely unusual server: interim 1xx replies, endless chunk
// extensions and headers, a slow drip, absurd Content-Length and Retry-After, a
// TLS stream cut mid-body. Every call ends with the right answer or a typed
// error, in bounded time and memory, and the client stays usable afterwards.
#include <cs2market/csboard.hpp>
#include <cs2market/testing/https_server.hpp>

#include "support/wire_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>

using namespace cs2market;
using namespace cs2market::test;
using namespace std::chrono_literals;
using testing::recorded_request;

namespace {

std::string order_json(const std::string& id)
{
    return R"({"order_id":")" + id +
           R"(","status":"pending","currency":"USD","charged_total_usd":1.5,"item_count":0,"created_at":"2026-06-29T17:12:04Z","items":[]})";
}

std::string http_200(const std::string& body)
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// The order id a GET /v1/orders/{id} asks for.
std::string id_of(const recorded_request& rq)
{
    return rq.target.substr(rq.target.rfind('/') + 1);
}

client_options options(const https_server& s)
{
    client_options o;
    o.credential = "csb_pub_hostile_key";
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.request_timeout = 1500ms;
    o.total_timeout = 8s;
    o.rate_limiting = false;
    o.retry = retry_policy::none();
    o.idempotency.reconcile = false;
    return o;
}

} // namespace

TEST_CASE("hostile: interim 1xx replies are skipped, the next call on the connection gets its own answer", "[hostile][1xx]")
{
    https_server server([](const recorded_request& rq) {
        canned_response r;
        const std::string body = rq.method == "POST" ? R"({"data":{"purchase_id":"pur_1","custom_id":"c-1","skins":[]}})"
                                                      : order_json(id_of(rq));
        r.raw = [body](std::size_t i) -> std::optional<std::string> {
            if (i == 0)
                return std::string("HTTP/1.1 100 Continue\r\n\r\n");
            if (i == 1)
                return std::string("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            if (i == 2)
                return http_200(body);
            return std::nullopt;
        };
        return r;
    });
    csboard::client c(options(server));
    auto a = c.get_order({.id = "ord_A"});
    REQUIRE(a.has_value());
    CHECK(a->order_id == "ord_A");
    auto b = c.get_order({.id = "ord_B"}); // before the fix: the previous call's 200, left unread, came back here
    REQUIRE(b.has_value());
    CHECK(b->order_id == "ord_B");
    CHECK(server.connection_count() == 1); // kept alive across both
    // A buy answered after an interim reply is a success, not "HTTP 103".
    csboard::market_buy_params buy;
    buy.body.item_ids = {"itm_1"};
    buy.body.partner = "1";
    buy.body.token = "t";
    buy.body.custom_id = "c-1";
    auto bought = c.market_buy(buy);
    REQUIRE(bought.has_value());
    CHECK(bought->data.purchase_id == "pur_1");
}

TEST_CASE("hostile: an endless chunk-size extension ends the call with an error, not memory growth", "[hostile][memory]")
{
    std::atomic<bool> hostile{true};
    https_server server([&](const recorded_request& rq) {
        canned_response r;
        if (!hostile) {
            r.body = order_json(id_of(rq));
            return r;
        }
        const std::string junk(64 * 1024, 'x');
        r.raw = [junk](std::size_t i) -> std::optional<std::string> {
            if (i == 0)
                return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;");
            if (i > 4096) // 256 MiB: far past any limit; the client must have given up long before
                return std::nullopt;
            return junk;
        };
        return r;
    });
    csboard::client c(options(server));
    auto r = c.get_order({.id = "x"});
    REQUIRE(r.has_error());
    CHECK(r.error().kind == error_kind::transport);
    CHECK_THAT(r.error().message(), Catch::Contains("read limit"));
    // The client stopped reading at its buffer limit (plus what the kernel buffers on loopback).
    CHECK(server.raw_bytes_written() < std::size_t{32} << 20);
    hostile = false;
    auto again = c.get_order({.id = "ok"}); // the pool replaced the poisoned connection
    REQUIRE(again.has_value());
    CHECK(again->order_id == "ok");
}

TEST_CASE("hostile: endless headers end the call with an error", "[hostile][memory]")
{
    https_server server([](const recorded_request&) {
        canned_response r;
        r.raw = [](std::size_t i) -> std::optional<std::string> {
            if (i == 0)
                return std::string("HTTP/1.1 200 OK\r\n");
            if (i > 200'000)
                return std::nullopt;
            return "X-Junk-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
        };
        return r;
    });
    csboard::client c(options(server));
    auto r = c.get_order({.id = "x"});
    REQUIRE(r.has_error());
    CHECK(r.error().kind == error_kind::transport);
    CHECK(server.raw_bytes_written() < std::size_t{32} << 20);
}

TEST_CASE("hostile: a slow drip ends at the request timeout", "[hostile][timeout]")
{
    https_server server([](const recorded_request&) {
        canned_response r;
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
        r.raw = [head](std::size_t i) -> std::optional<std::string> {
            if (i < head.size())
                return std::string(1, head[i]);
            return std::string(1, ' '); // one byte every interval, forever
        };
        r.raw_interval = 50ms;
        return r;
    });
    auto o = options(server);
    o.request_timeout = 700ms;
    csboard::client c(o);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = c.get_order({.id = "x"});
    REQUIRE(r.has_error());
    CHECK(r.error().kind == error_kind::timeout);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s); // bounded by the request timeout, not by the drip
}

TEST_CASE("hostile: an absurd Content-Length is refused without allocating it", "[hostile][memory]")
{
    for (const char* length : {"99999999999999999999999", "1000000000", "-5"}) {
        INFO(length);
        https_server server([length](const recorded_request&) {
            canned_response r;
            r.raw = [length](std::size_t i) -> std::optional<std::string> {
                if (i == 0)
                    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::string(length) +
                           "\r\n\r\n{}";
                return std::nullopt;
            };
            return r;
        });
        csboard::client c(options(server));
        auto r = c.get_order({.id = "x"});
        REQUIRE(r.has_error());
        CHECK(r.error().kind == error_kind::transport);
    }
}

TEST_CASE("hostile: an absurd Retry-After on 429 or 503 is clamped and not retried at once", "[hostile][retry_after]")
{
    for (const char* retry_after : {"9999999999", "Mon, 01 Jan 2263 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"})
        for (unsigned status : {429u, 503u}) {
            INFO(retry_after << " " << status);
            https_server server([&](const recorded_request&) {
                return json(status, R"({"code":"rate_limit_exceeded","detail":"slow down"})", {{"Retry-After", retry_after}});
            });
            auto o = options(server);
            o.retry = retry_policy::recommended(); // would retry, but not after a wait this long
            csboard::client c(o);
            const auto t0 = std::chrono::steady_clock::now();
            auto r = c.get_order({.id = "x"});
            REQUIRE(r.has_error());
            CHECK(server.request_count() == 1);
            REQUIRE(r.error().retry_after.has_value());
            CHECK(*r.error().retry_after > std::chrono::hours(24));
            CHECK(std::chrono::steady_clock::now() - t0 < 5s);
        }
}

TEST_CASE("hostile: a TLS stream cut mid-body is a transport error for a read and an unknown outcome for a buy",
          "[hostile][truncated]")
{
    std::atomic<bool> hostile{true};
    https_server server([&](const recorded_request& rq) {
        canned_response r;
        if (!hostile) {
            r.body = order_json(id_of(rq));
            return r;
        }
        r.raw = [](std::size_t i) -> std::optional<std::string> {
            if (i == 0)
                return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"order_id\":");
            return std::nullopt;
        };
        r.raw_truncate = true;
        return r;
    });
    csboard::client c(options(server));
    auto read = c.get_order({.id = "x"});
    REQUIRE(read.has_error());
    CHECK(read.error().kind == error_kind::transport);
    csboard::market_buy_params buy;
    buy.body.item_ids = {"itm_1"};
    buy.body.partner = "1";
    buy.body.token = "t";
    buy.body.custom_id = "cut-1";
    auto o = options(server);
    o.idempotency.may_resend = [](const operation_facts&) -> std::optional<bool> { return false; };
    csboard::client buyer(o);
    auto b = buyer.market_buy(buy);
    REQUIRE(b.has_error());
    CHECK(b.error().kind == error_kind::outcome_unknown);
    CHECK(b.error().idempotency_id == "cut-1");
    hostile = false;
    REQUIRE(c.get_order({.id = "after"}).has_value());
}
