// Self-test of the test support code: cs2market/testing/tls_identity.hpp and
// cs2market/testing/https_server.hpp. Catch2 v2; the main() lives in another TU.
#include <cs2market/testing/https_server.hpp>
#include <cs2market/testing/tls_identity.hpp>

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;
using cs2market::testing::canned_response;
using cs2market::testing::https_server;
using cs2market::testing::recorded_request;
using clock_type = std::chrono::steady_clock;

constexpr auto op_timeout = std::chrono::seconds(10);

canned_response json_ok(std::string body) {
    canned_response r;
    r.body = std::move(body);
    return r;
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A small blocking HTTPS/1.1 client over Beast. Every operation is run
// asynchronously with a deadline (tcp_stream expiry) so a broken server makes
// a test fail instead of hang.
class test_client {
public:
    enum class trust { server_ca, system_default };

    test_client(const https_server& server, trust t = trust::server_ca) : ctx_(ssl::context::tls_client) {
        ctx_.set_verify_mode(ssl::verify_peer);
        if (t == trust::server_ca)
            ctx_.load_verify_file(server.ca_file());
        else
            ctx_.set_default_verify_paths();
    }

    // TCP connect to 127.0.0.1:port, then a TLS handshake verifying the peer
    // for `verify_host` (also sent as SNI).
    error_code connect(unsigned short port, const std::string& verify_host = "127.0.0.1") {
        stream_.emplace(ioc_, ctx_);
        buffer_.clear();
        if (!SSL_set_tlsext_host_name(stream_->native_handle(), verify_host.c_str()))
            return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        stream_->set_verify_callback(ssl::host_name_verification(verify_host));

        const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        auto& lowest = beast::get_lowest_layer(*stream_);
        lowest.expires_after(op_timeout);
        error_code ec = asio::error::would_block;
        lowest.async_connect(ep, [&](error_code e) { ec = e; });
        run();
        if (ec) return ec;

        lowest.expires_after(op_timeout);
        ec = asio::error::would_block;
        stream_->async_handshake(ssl::stream_base::client, [&](error_code e) { ec = e; });
        run();
        return ec;
    }

    // Sends one request on the current connection and reads the response.
    error_code request(http::request<http::string_body> req, http::response<http::string_body>& res) {
        if (!stream_) return asio::error::not_connected;
        req.version(11);
        req.set(http::field::host, "127.0.0.1");
        req.prepare_payload();
        auto& lowest = beast::get_lowest_layer(*stream_);

        lowest.expires_after(op_timeout);
        error_code ec = asio::error::would_block;
        http::async_write(*stream_, req, [&](error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return ec;

        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        lowest.expires_after(op_timeout);
        ec = asio::error::would_block;
        http::async_read(*stream_, buffer_, parser, [&](error_code e, std::size_t) { ec = e; });
        run();
        if (!ec) res = parser.release();
        return ec;
    }

    error_code get(const std::string& target, http::response<http::string_body>& res) {
        http::request<http::string_body> req{http::verb::get, target, 11};
        return request(std::move(req), res);
    }

    // Waits for the server to close the connection: returns the read's error.
    error_code read_until_closed() {
        auto& lowest = beast::get_lowest_layer(*stream_);
        lowest.expires_after(op_timeout);
        error_code ec = asio::error::would_block;
        char byte = 0;
        stream_->async_read_some(asio::buffer(&byte, 1), [&](error_code e, std::size_t) { ec = e; });
        run();
        return ec;
    }

private:
    void run() {
        ioc_.restart();
        ioc_.run_for(op_timeout + std::chrono::seconds(5));
    }

    asio::io_context ioc_;
    ssl::context ctx_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
};

bool is_certificate_verify_failure(const error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

// Polls `pred` until true or the deadline passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

struct x509_free_t { void operator()(X509* p) const { X509_free(p); } };
struct store_free_t { void operator()(X509_STORE* p) const { X509_STORE_free(p); } };
struct store_ctx_free_t { void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); } };
struct bio_free_t { void operator()(BIO* p) const { BIO_free_all(p); } };
struct pkey_free_t { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };

std::unique_ptr<X509, x509_free_t> parse_cert(const std::string& pem) {
    std::unique_ptr<BIO, bio_free_t> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return std::unique_ptr<X509, x509_free_t>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Verifies `leaf` against `ca` (strict mode, server purpose), optionally
// checking an IP address or a DNS name. Returns the X509_V_* result.
int verify_leaf(const std::string& ca_pem, const std::string& leaf_pem, const char* ip, const char* dns) {
    auto ca = parse_cert(ca_pem);
    auto leaf = parse_cert(leaf_pem);
    REQUIRE(ca);
    REQUIRE(leaf);
    std::unique_ptr<X509_STORE, store_free_t> store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca.get()) == 1);
    std::unique_ptr<X509_STORE_CTX, store_ctx_free_t> ctx(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) == 1);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    if (ip) REQUIRE(X509_VERIFY_PARAM_set1_ip_asc(param, ip) == 1);
    if (dns) REQUIRE(X509_VERIFY_PARAM_set1_host(param, dns, 0) == 1);
    X509_verify_cert(ctx.get());
    return X509_STORE_CTX_get_error(ctx.get());
}

}  // namespace

// ---------------------------------------------------------------------------
// tls_identity
// ---------------------------------------------------------------------------

TEST_CASE("make_tls_identity: CA and leaf verify for localhost, 127.0.0.1 and ::1", "[support][tls]") {
    const auto id = cs2market::testing::make_tls_identity("selftest CA");
    REQUIRE(id.ca_cert_pem.find("-----BEGIN CERTIFICATE-----") == 0);
    REQUIRE(id.server_cert_pem.find("-----BEGIN CERTIFICATE-----") == 0);
    REQUIRE(id.server_key_pem.find("-----BEGIN PRIVATE KEY-----") == 0);

    CHECK(verify_leaf(id.ca_cert_pem, id.server_cert_pem, "127.0.0.1", nullptr) == X509_V_OK);
    CHECK(verify_leaf(id.ca_cert_pem, id.server_cert_pem, "::1", nullptr) == X509_V_OK);
    CHECK(verify_leaf(id.ca_cert_pem, id.server_cert_pem, nullptr, "localhost") == X509_V_OK);
    CHECK(verify_leaf(id.ca_cert_pem, id.server_cert_pem, "127.0.0.2", nullptr) == X509_V_ERR_IP_ADDRESS_MISMATCH);
    CHECK(verify_leaf(id.ca_cert_pem, id.server_cert_pem, nullptr, "example.com") == X509_V_ERR_HOSTNAME_MISMATCH);

    // Another identity is another CA: it must not vouch for this leaf.
    const auto other = cs2market::testing::make_tls_identity();
    CHECK(other.ca_cert_pem != id.ca_cert_pem);
    CHECK(verify_leaf(other.ca_cert_pem, id.server_cert_pem, "127.0.0.1", nullptr) != X509_V_OK);

    // CA / leaf extensions and the key pair.
    auto ca = parse_cert(id.ca_cert_pem);
    auto leaf = parse_cert(id.server_cert_pem);
    CHECK(X509_check_ca(ca.get()) >= 1);
    CHECK(X509_check_ca(leaf.get()) == 0);
    CHECK((X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN) != 0);
    CHECK((X509_get_extended_key_usage(leaf.get()) & XKU_SSL_SERVER) != 0);
    CHECK(X509_get_signature_nid(leaf.get()) == NID_ecdsa_with_SHA256);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(leaf.get())) != 0);

    std::unique_ptr<BIO, bio_free_t> bio(
        BIO_new_mem_buf(id.server_key_pem.data(), static_cast<int>(id.server_key_pem.size())));
    std::unique_ptr<EVP_PKEY, pkey_free_t> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(key);
    CHECK(X509_check_private_key(leaf.get(), key.get()) == 1);
}

TEST_CASE("write_file writes text and throws on failure", "[support][tls]") {
    std::random_device rd;
    const auto path = (std::filesystem::temp_directory_path() /
                       ("cs2market-selftest-write_file-" + std::to_string(rd()) + ".pem"))
                          .string();
    cs2market::testing::write_file(path, "hello\nworld");
    CHECK(read_text_file(path) == "hello\nworld");
    std::filesystem::remove(path);
    CHECK_THROWS_AS(cs2market::testing::write_file("/nonexistent-dir-cs2market/x.pem", "x"), std::runtime_error);
}

// ---------------------------------------------------------------------------
// https_server
// ---------------------------------------------------------------------------

TEST_CASE("https_server: basic request/response and recording", "[support][https]") {
    https_server server([](const recorded_request& r) {
        if (r.target.rfind("/v1/items", 0) == 0) {
            canned_response res = json_ok(R"({"ok":true})");
            res.headers.emplace_back("X-Test", "yes");
            return res;
        }
        canned_response res;
        res.status = 201;
        res.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
        res.body = "created:" + r.body;
        return res;
    });

    CHECK(server.port() != 0);
    CHECK(server.base_url() == "https://127.0.0.1:" + std::to_string(server.port()));
    REQUIRE(std::filesystem::exists(server.ca_file()));
    CHECK(read_text_file(server.ca_file()) == server.identity().ca_cert_pem);

    test_client client(server);
    REQUIRE(client.connect(server.port()).message() == error_code{}.message());

    {
        http::request<http::string_body> req{http::verb::get, "/v1/items?x=1&y=a%20b&empty=", 11};
        req.set("X-Api-Key", "secret-key");
        req.set(http::field::user_agent, "selftest/1");
        req.set(http::field::accept, "application/json");
        http::response<http::string_body> res;
        REQUIRE(client.request(std::move(req), res).message() == error_code{}.message());
        CHECK(res.result_int() == 200);
        CHECK(res.body() == R"({"ok":true})");
        CHECK(res[http::field::content_type] == "application/json");
        CHECK(res["X-Test"] == "yes");
        CHECK(res.keep_alive());
    }
    {
        http::request<http::string_body> req{http::verb::post, "/v1/orders", 11};
        req.set(http::field::content_type, "application/json");
        req.body() = R"({"item":"AK-47 | Redline"})";
        http::response<http::string_body> res;
        REQUIRE(client.request(std::move(req), res).message() == error_code{}.message());
        CHECK(res.result_int() == 201);
        CHECK(res[http::field::content_type] == "text/plain; charset=utf-8");
        CHECK(res.body() == R"(created:{"item":"AK-47 | Redline"})");
    }

    REQUIRE(server.request_count() == 2);
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);

    const auto& get = reqs[0];
    CHECK(get.method == "GET");
    CHECK(get.target == "/v1/items?x=1&y=a%20b&empty=");
    CHECK(get.body.empty());
    CHECK(get.header("x-api-key") == "secret-key");
    CHECK(get.header("X-API-KEY") == "secret-key");
    CHECK(get.has_header("User-Agent"));
    CHECK(get.header("user-agent") == "selftest/1");
    CHECK_FALSE(get.has_header("Authorization"));
    CHECK(get.header("Authorization").empty());
    // Headers are recorded in arrival order, names as sent.
    std::vector<std::string> names;
    for (const auto& h : get.headers) names.push_back(h.first);
    const std::vector<std::string> expected_names{"X-Api-Key", "User-Agent", "Accept", "Host"};
    CHECK(names == expected_names);

    const auto& post = reqs[1];
    CHECK(post.method == "POST");
    CHECK(post.target == "/v1/orders");
    CHECK(post.body == R"({"item":"AK-47 | Redline"})");
    CHECK(post.header("content-type") == "application/json");
    CHECK(post.header("content-length") == std::to_string(post.body.size()));
}

TEST_CASE("https_server: host name verification against localhost with SNI", "[support][https]") {
    https_server server([](const recorded_request&) { return json_ok("{}"); });
    test_client client(server);
    REQUIRE(client.connect(server.port(), "localhost").message() == error_code{}.message());
    http::response<http::string_body> res;
    REQUIRE(!client.get("/", res));
    CHECK(res.body() == "{}");

    // A name the certificate does not cover is rejected by the client.
    test_client wrong(server);
    const auto ec = wrong.connect(server.port(), "example.com");
    CHECK(is_certificate_verify_failure(ec));
}

TEST_CASE("https_server: keep-alive reuses one connection", "[support][https]") {
    https_server server([](const recorded_request& r) { return json_ok(R"({"target":")" + r.target + R"("})"); });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));
    http::response<http::string_body> res1, res2;
    REQUIRE(!client.get("/a", res1));
    REQUIRE(!client.get("/b", res2));
    CHECK(res1.body() == R"({"target":"/a"})");
    CHECK(res2.body() == R"({"target":"/b"})");
    CHECK(server.request_count() == 2);
    CHECK(server.connection_count() == 1);

    test_client second(server);
    REQUIRE(!second.connect(server.port()));
    REQUIRE(!second.get("/c", res1));
    CHECK(server.connection_count() == 2);
    CHECK(server.request_count() == 3);
}

TEST_CASE("https_server: client without the CA fails verification, server keeps serving", "[support][https]") {
    https_server server([](const recorded_request&) { return json_ok(R"({"alive":true})"); });

    test_client untrusting(server, test_client::trust::system_default);
    const auto ec = untrusting.connect(server.port());
    INFO(ec.message());
    CHECK(is_certificate_verify_failure(ec));
    CHECK(server.request_count() == 0);

    // Clients that connect and never speak TLS, or speak garbage.
    {
        asio::io_context ioc;
        tcp::socket raw(ioc);
        raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        asio::write(raw, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        raw.close();
        tcp::socket silent(ioc);
        silent.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
        silent.close();
    }

    test_client trusting(server);
    REQUIRE(!trusting.connect(server.port()));
    http::response<http::string_body> res;
    REQUIRE(!trusting.get("/after", res));
    CHECK(res.body() == R"({"alive":true})");
    CHECK(server.request_count() == 1);
    CHECK(server.connection_count() == 4);
}

TEST_CASE("https_server: handler exceptions become 500", "[support][https]") {
    https_server server([](const recorded_request& r) -> canned_response {
        if (r.target == "/throw") throw std::runtime_error("boom");
        if (r.target == "/throw-int") throw 42;
        if (r.target == "/bad-status") {
            canned_response bad;
            bad.status = 1000;  // Beast rejects it: becomes a 500
            return bad;
        }
        return json_ok("{}");
    });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));
    http::response<http::string_body> res;
    REQUIRE(!client.get("/throw", res));
    CHECK(res.result_int() == 500);
    CHECK(res.body().find("boom") != std::string::npos);
    REQUIRE(!client.get("/throw-int", res));
    CHECK(res.result_int() == 500);
    REQUIRE(!client.get("/bad-status", res));
    CHECK(res.result_int() == 500);
    REQUIRE(!client.get("/fine", res));
    CHECK(res.result_int() == 200);
    CHECK(server.connection_count() == 1);
    CHECK(server.request_count() == 4);
}

TEST_CASE("https_server: custom status codes, headers and HEAD", "[support][https]") {
    https_server server([](const recorded_request& r) {
        canned_response res;
        if (r.target == "/429") {
            res.status = 429;
            res.headers.emplace_back("Retry-After", "3");
            res.body = R"({"code":"rate_limited"})";
        } else if (r.target == "/204") {
            res.status = 204;
        } else {
            res.body = "0123456789";
        }
        return res;
    });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));
    http::response<http::string_body> res;
    REQUIRE(!client.get("/429", res));
    CHECK(res.result_int() == 429);
    CHECK(res["Retry-After"] == "3");
    CHECK(res.body() == R"({"code":"rate_limited"})");
    REQUIRE(!client.get("/204", res));
    CHECK(res.result_int() == 204);
    CHECK(res.body().empty());
    // The connection is still usable after a 204.
    REQUIRE(!client.get("/x", res));
    CHECK(res.body() == "0123456789");
}

TEST_CASE("https_server: keep_alive=false closes the connection after the response", "[support][https]") {
    https_server server([](const recorded_request&) {
        canned_response res = json_ok(R"({"bye":true})");
        res.keep_alive = false;
        return res;
    });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));
    http::response<http::string_body> res;
    REQUIRE(!client.get("/", res));
    CHECK(res.body() == R"({"bye":true})");
    CHECK_FALSE(res.keep_alive());
    CHECK(res[http::field::connection] == "close");
    const auto ec = client.read_until_closed();
    CHECK(ec);  // EOF (close_notify) or truncation, never a timeout
    CHECK(ec != beast::error::timeout);

    REQUIRE(!client.connect(server.port()));
    REQUIRE(!client.get("/", res));
    CHECK(server.connection_count() == 2);
}

TEST_CASE("https_server: close_without_response drops the connection", "[support][https]") {
    https_server server([](const recorded_request& r) {
        canned_response res = json_ok("{}");
        res.close_without_response = (r.target == "/drop");
        return res;
    });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));
    http::response<http::string_body> res;
    const auto ec = client.get("/drop", res);
    INFO(ec.message());
    CHECK(ec);
    CHECK(ec != beast::error::timeout);
    CHECK(server.request_count() == 1);
    CHECK(server.requests().at(0).target == "/drop");

    REQUIRE(!client.connect(server.port()));
    REQUIRE(!client.get("/ok", res));
    CHECK(res.result_int() == 200);
    CHECK(server.connection_count() == 2);
}

TEST_CASE("https_server: a delayed response does not block other connections", "[support][https]") {
    const auto delay = std::chrono::milliseconds(1000);
    https_server server([delay](const recorded_request& r) {
        canned_response res = json_ok(R"({"target":")" + r.target + R"("})");
        if (r.target == "/slow") res.delay_before_headers = delay;
        if (r.target == "/slow-drop") {
            res.delay_before_headers = std::chrono::milliseconds(300);
            res.close_without_response = true;
        }
        return res;
    });

    auto slow = std::async(std::launch::async, [&server] {
        test_client c(server);
        const auto start = clock_type::now();
        http::response<http::string_body> res;
        error_code ec = c.connect(server.port());
        if (!ec) ec = c.get("/slow", res);
        return std::make_tuple(ec, res.body(), clock_type::now() - start);
    });

    REQUIRE(eventually([&] { return server.request_count() == 1; }));

    test_client fast(server);
    const auto start = clock_type::now();
    REQUIRE(!fast.connect(server.port()));
    http::response<http::string_body> res;
    REQUIRE(!fast.get("/fast", res));
    const auto fast_elapsed = clock_type::now() - start;
    CHECK(res.body() == R"({"target":"/fast"})");
    CHECK(fast_elapsed < delay / 2);

    REQUIRE(slow.wait_for(std::chrono::seconds(15)) == std::future_status::ready);
    const auto [slow_ec, slow_body, slow_elapsed] = slow.get();
    CHECK(!slow_ec);
    CHECK(slow_body == R"({"target":"/slow"})");
    CHECK(slow_elapsed >= delay);

    // Delay + close: the client waits, then sees the connection drop.
    test_client dropper(server);
    REQUIRE(!dropper.connect(server.port()));
    const auto drop_start = clock_type::now();
    const auto drop_ec = dropper.get("/slow-drop", res);
    CHECK(drop_ec);
    CHECK(drop_ec != beast::error::timeout);
    CHECK(clock_type::now() - drop_start >= std::chrono::milliseconds(300));
}

TEST_CASE("https_server: concurrent connections", "[support][https]") {
    https_server server([](const recorded_request& r) { return json_ok(r.body); });
    constexpr int clients = 4;
    constexpr int per_client = 5;
    std::vector<std::future<int>> futures;
    for (int c = 0; c < clients; ++c) {
        futures.push_back(std::async(std::launch::async, [&server, c] {
            test_client client(server);
            if (client.connect(server.port())) return 0;
            int ok = 0;
            for (int i = 0; i < per_client; ++i) {
                http::request<http::string_body> req{http::verb::post, "/echo", 11};
                req.body() = std::to_string(c) + ":" + std::to_string(i);
                http::response<http::string_body> res;
                if (!client.request(std::move(req), res) && res.body() == std::to_string(c) + ":" + std::to_string(i))
                    ++ok;
            }
            return ok;
        }));
    }
    int total = 0;
    for (auto& f : futures) total += f.get();
    CHECK(total == clients * per_client);
    CHECK(server.request_count() == static_cast<std::size_t>(clients * per_client));
    CHECK(server.connection_count() == static_cast<std::size_t>(clients));
}

TEST_CASE("https_server: request bodies up to 8 MiB are accepted, larger ones refused", "[support][https]") {
    https_server server([](const recorded_request& r) { return json_ok(std::to_string(r.body.size())); });
    test_client client(server);
    REQUIRE(!client.connect(server.port()));

    http::request<http::string_body> big{http::verb::post, "/upload", 11};
    big.body().assign(8u * 1024u * 1024u, 'a');
    http::response<http::string_body> res;
    REQUIRE(!client.request(std::move(big), res));
    CHECK(res.body() == std::to_string(8u * 1024u * 1024u));

    http::request<http::string_body> too_big{http::verb::post, "/upload", 11};
    too_big.body().assign(8u * 1024u * 1024u + 1u, 'a');
    const auto ec = client.request(std::move(too_big), res);
    // Either the 413 arrives or the write fails because the server stopped reading.
    if (!ec) CHECK(res.result_int() == 413);
    CHECK(server.request_count() == 1);

    test_client again(server);
    REQUIRE(!again.connect(server.port()));
    REQUIRE(!again.get("/", res));
    CHECK(res.body() == "0");
}

TEST_CASE("https_server: stop/destruction with open and stalled connections is prompt", "[support][https]") {
    auto server = std::make_unique<https_server>([](const recorded_request&) {
        canned_response res = json_ok("{}");
        res.delay_before_headers = std::chrono::seconds(60);
        return res;
    });
    const std::string ca_path = server->ca_file();
    REQUIRE(std::filesystem::exists(ca_path));

    test_client idle(*server);  // connected, TLS done, no request: an idle keep-alive connection
    REQUIRE(!idle.connect(server->port()));

    auto stalled = std::async(std::launch::async, [&server] {
        test_client c(*server);
        error_code ec = c.connect(server->port());
        http::response<http::string_body> res;
        if (!ec) ec = c.get("/stall", res);
        return ec;
    });
    REQUIRE(eventually([&] { return server->request_count() == 1; }));

    // Half-open TCP connection that never starts the TLS handshake.
    asio::io_context ioc;
    tcp::socket raw(ioc);
    raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
    REQUIRE(eventually([&] { return server->connection_count() == 3; }));

    const auto start = clock_type::now();
    server->stop();
    server->stop();  // idempotent
    server.reset();
    CHECK(clock_type::now() - start < std::chrono::seconds(2));
    CHECK_FALSE(std::filesystem::exists(ca_path));

    REQUIRE(stalled.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    const auto ec = stalled.get();
    CHECK(ec);
    CHECK(ec != beast::error::timeout);
    const auto idle_ec = idle.read_until_closed();
    CHECK(idle_ec);
    CHECK(idle_ec != beast::error::timeout);
}
