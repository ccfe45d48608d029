// cs2market internal: one keep-alive HTTPS/1.1 connection (Beast over OpenSSL),
// driven by coroutines with a deadline per phase; base URL and Retry-After parsing.
#ifndef CS2MARKET_DETAIL_HTTPS_CONNECTION_HPP
#define CS2MARKET_DETAIL_HTTPS_CONNECTION_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace cs2market::detail {

struct endpoint_url {
    std::string host; ///< without brackets for IPv6
    std::string port;
    bool is_ip = false;
    std::string host_header; ///< Host header value
};

/// "https://host[:port][/]": scheme, host and port only. Paths are refused, so
/// a base URL override can never change the documented request path.
inline result<endpoint_url> parse_base_url(std::string_view url, provider_id p)
{
    auto bad = [&](std::string why) { return make_error(error_kind::invalid_argument, "base URL: " + why, p); };
    constexpr std::string_view scheme = "https://";
    if (url.substr(0, scheme.size()) != scheme)
        return bad("must start with https://");
    url.remove_prefix(scheme.size());
    if (!url.empty() && url.back() == '/')
        url.remove_suffix(1);
    if (url.find_first_of("/?#@ ") != std::string_view::npos)
        return bad("only scheme, host and port may be given");
    endpoint_url e;
    std::string_view host = url, port = "443";
    if (!url.empty() && url.front() == '[') {
        auto close = url.find(']');
        if (close == std::string_view::npos)
            return bad("unterminated IPv6 literal");
        host = url.substr(1, close - 1);
        auto rest = url.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return bad("junk after IPv6 literal");
            port = rest.substr(1);
        }
    } else if (auto colon = url.rfind(':'); colon != std::string_view::npos) {
        host = url.substr(0, colon);
        port = url.substr(colon + 1);
    }
    if (host.empty())
        return bad("missing host");
    unsigned pn = 0;
    for (char c : port) {
        if (c < '0' || c > '9' || (pn = pn * 10 + static_cast<unsigned>(c - '0')) > 65535)
            return bad("bad port");
    }
    if (port.empty() || pn == 0)
        return bad("bad port");
    e.host.assign(host);
    e.port.assign(port);
    boost::system::error_code ec;
    boost::asio::ip::make_address(e.host, ec);
    e.is_ip = !ec;
    bool v6 = e.host.find(':') != std::string::npos;
    e.host_header = v6 ? "[" + e.host + "]" : e.host;
    if (port != "443")
        e.host_header += ":" + e.port;
    return e;
}

/// Retry-After: delta-seconds or an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
inline std::optional<std::chrono::seconds> parse_retry_after(std::string_view v)
{
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ')
        v.remove_suffix(1);
    if (v.empty())
        return std::nullopt;
    long long n = 0;
    bool digits = true;
    for (char c : v) {
        if (c < '0' || c > '9') {
            digits = false;
            break;
        }
        if (n < 1'000'000'000)
            n = n * 10 + (c - '0');
    }
    if (digits)
        return std::chrono::seconds{n};
    std::tm tm{};
    std::string s(v);
    if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto d = std::chrono::duration_cast<std::chrono::seconds>(when - std::chrono::system_clock::now());
    return d.count() > 0 ? d : std::chrono::seconds{0};
}

/// One keep-alive HTTPS/1.1 connection (Beast over OpenSSL) driven by coroutines
/// on the client's strand. Every phase runs against a deadline (Beast's
/// tcp_stream timeout), and cancel() ends whatever is pending at once.
struct https_connection {
    using stream_t = boost::beast::ssl_stream<boost::beast::tcp_stream>;
    using clock = std::chrono::steady_clock;

    https_connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context& ctx) : stream(ex, ctx) {}

    stream_t stream;
    boost::beast::flat_buffer buffer;
    clock::time_point last_used{};
    bool open = false;

    void close() noexcept
    {
        boost::system::error_code ec;
        auto& s = boost::beast::get_lowest_layer(stream);
        s.cancel();
        s.socket().close(ec);
        open = false;
    }

    /// A kept-alive connection is reused only while idle briefly and with nothing
    /// unread on it (a peer that closed leaves EOF or a TLS close_notify behind).
    bool healthy(std::chrono::steady_clock::duration idle_timeout)
    {
        if (!open || clock::now() - last_used > idle_timeout)
            return false;
        auto& sock = boost::beast::get_lowest_layer(stream).socket();
        boost::system::error_code ec;
        if (sock.available(ec) > 0 || ec)
            return false;
        char c;
        bool was_nb = sock.non_blocking();
        sock.non_blocking(true, ec);
        sock.receive(boost::asio::buffer(&c, 1), boost::asio::socket_base::message_peek, ec);
        boost::system::error_code ignored;
        sock.non_blocking(was_nb, ignored);
        return ec == boost::asio::error::would_block;
    }
};

/// What one exchange on one connection gave.
struct exchange_outcome {
    result<http_response> res = http_response{};
    bool sent = false;      ///< the request was (maybe partly) written: the provider may have acted
    bool got_bytes = false; ///< some of a response came back
    bool keep_alive = false;
};

inline error transport_error(provider_id p, error_kind k, std::string what, boost::system::error_code ec = {})
{
    error e = make_error(k, std::move(what), p);
    e.system_code = ec;
    return e;
}

inline bool is_timeout(boost::system::error_code ec)
{
    return ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out;
}

/// Resolve (names only), TCP connect, SNI + host-name verification, TLS handshake.
CS2MARKET_DECL boost::asio::awaitable<result<void>> async_open(https_connection& c, const endpoint_url& ep, const client_options& opt,
                                                                provider_id prov, std::chrono::steady_clock::time_point deadline);

/// Writes one request and reads its response. Failures are reported with the
/// facts the caller needs to decide (sent, got_bytes); turning a lost write into
/// outcome_unknown is the caller's decision.
CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> async_round_trip(https_connection& c, const endpoint_url& ep,
                                                                          const http_request& rq, const client_options& opt,
                                                                          provider_id prov,
                                                                          std::chrono::steady_clock::time_point deadline);

#if !defined(CS2MARKET_SEPARATE_COMPILATION) || defined(CS2MARKET_SOURCE)
/// Resolve (names only), TCP connect, SNI + host-name verification, TLS handshake.
CS2MARKET_DECL boost::asio::awaitable<result<void>> async_open(https_connection& c, const endpoint_url& ep, const client_options& opt,
                                                        provider_id prov, std::chrono::steady_clock::time_point deadline)
{
    namespace net = boost::asio;
    using clock = std::chrono::steady_clock;
    auto& tcp = boost::beast::get_lowest_layer(c.stream);
    if (!ep.is_ip && !SSL_set_tlsext_host_name(c.stream.native_handle(), ep.host.c_str()))
        co_return transport_error(prov, error_kind::tls, "cannot set SNI host name");
    c.stream.set_verify_callback(net::ssl::host_name_verification(ep.host));

    boost::system::error_code ec;
    net::ip::tcp::resolver::results_type endpoints;
    if (ep.is_ip) {
        endpoints = net::ip::tcp::resolver::results_type::create(
            net::ip::tcp::endpoint(net::ip::make_address(ep.host), static_cast<unsigned short>(std::stoi(ep.port))), ep.host, ep.port);
    } else {
        net::ip::tcp::resolver resolver(c.stream.get_executor());
        endpoints = co_await resolver.async_resolve(ep.host, ep.port, net::redirect_error(net::use_awaitable, ec));
        if (ec)
            co_return transport_error(prov, error_kind::transport, "cannot resolve " + ep.host + ": " + ec.message(), ec);
    }
    tcp.expires_at(std::min(clock::now() + opt.connect_timeout, deadline));
    co_await tcp.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
    if (is_timeout(ec))
        co_return transport_error(prov, error_kind::timeout, "connecting to " + ep.host + ":" + ep.port + " timed out", ec);
    if (ec)
        co_return transport_error(prov, error_kind::transport, "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message(), ec);

    tcp.expires_at(std::min(clock::now() + opt.tls_handshake_timeout, deadline));
    co_await c.stream.async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
    if (is_timeout(ec))
        co_return transport_error(prov, error_kind::timeout, "TLS handshake with " + ep.host + ":" + ep.port + " timed out", ec);
    if (ec == net::error::operation_aborted)
        co_return transport_error(prov, error_kind::transport, "cancelled", ec);
    if (ec == net::ssl::error::stream_truncated || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::broken_pipe) // the peer hung up: a connection failure, not a TLS verdict
        co_return transport_error(prov, error_kind::transport, "TLS handshake with " + ep.host + ":" + ep.port +
                                      " failed: the connection was closed: " + ec.message(), ec);
    if (ec)
        co_return transport_error(prov, error_kind::tls, "TLS handshake with " + ep.host + ":" + ep.port + " failed: " + ec.message(), ec);
    c.open = true;
    c.last_used = clock::now();
    c.buffer.clear();
    co_return result<void>{};
}

/// Writes one request and reads its response. Failures are reported with the
/// facts the caller needs to decide (sent, got_bytes); turning a lost write into
/// outcome_unknown is the caller's decision.
CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> async_round_trip(https_connection& c, const endpoint_url& ep, const http_request& rq,
                                                                  const client_options& opt, provider_id prov,
                                                                  std::chrono::steady_clock::time_point deadline)
{
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    using clock = std::chrono::steady_clock;
    exchange_outcome out;
    http::request<http::string_body> req;
    req.method(rq.method == http_method::get     ? http::verb::get
               : rq.method == http_method::post  ? http::verb::post
               : rq.method == http_method::put   ? http::verb::put
               : rq.method == http_method::patch ? http::verb::patch
                                                 : http::verb::delete_);
    req.target(rq.target);
    req.version(11);
    req.set(http::field::host, ep.host_header);
    req.set(http::field::user_agent, opt.user_agent);
    req.set(http::field::accept, "application/json");
    for (const auto& [k, v] : rq.headers)
        req.set(k, v);
    if (!rq.body.empty() || rq.method != http_method::get)
        req.body() = rq.body;
    req.keep_alive(true);
    req.prepare_payload();

    auto phase_deadline = std::min(clock::now() + opt.request_timeout, deadline);
    bool total = phase_deadline == deadline && deadline < clock::now() + opt.request_timeout;
    auto& tcp = boost::beast::get_lowest_layer(c.stream);
    tcp.expires_at(phase_deadline);
    boost::system::error_code ec;
    out.sent = true; // from here on the provider may have acted on the request
    co_await http::async_write(c.stream, req, net::redirect_error(net::use_awaitable, ec));
    auto lost = [&](error_kind k, std::string what, boost::system::error_code code) {
        c.close();
        out.res = transport_error(prov, k, std::move(what), code);
        return out;
    };
    auto timeout_text = [&] {
        return total ? std::string("the call's deadline passed")
                     : "no response within " + std::to_string(opt.request_timeout.count()) + " ms";
    };
    if (is_timeout(ec))
        co_return lost(error_kind::timeout, "sending the request timed out; " + timeout_text(), ec);
    if (ec == net::error::operation_aborted)
        co_return lost(error_kind::transport, "cancelled", ec);
    if (ec)
        co_return lost(error_kind::transport, "sending the request failed: " + ec.message(), ec);

    http::response_parser<http::string_body> parser;
    parser.body_limit(opt.max_response_size);
    parser.header_limit(64 * 1024);
    std::size_t n = co_await http::async_read(c.stream, c.buffer, parser, net::redirect_error(net::use_awaitable, ec));
    out.got_bytes = n > 0 || parser.got_some();
    if (is_timeout(ec))
        co_return lost(error_kind::timeout, timeout_text(), ec);
    if (ec == net::error::operation_aborted)
        co_return lost(error_kind::transport, "cancelled", ec);
    if (ec == http::error::body_limit)
        co_return lost(error_kind::transport, "response larger than " + std::to_string(opt.max_response_size) + " bytes", ec);
    if (ec)
        co_return lost(error_kind::transport, "reading the response failed: " + ec.message(), ec);

    auto res = parser.release();
    http_response r;
    r.status = res.result_int();
    r.body = std::move(res.body());
    if (auto it = res.find(http::field::retry_after); it != res.end())
        r.retry_after = parse_retry_after(it->value());
    if (auto it = res.find(http::field::content_type); it != res.end())
        r.content_type = std::string(it->value());
    if (auto it = res.find(http::field::content_encoding); it != res.end())
        r.content_encoding = std::string(it->value());
    if (auto it = res.find(http::field::etag); it != res.end())
        r.etag = std::string(it->value());
    if (auto it = res.find("Idempotent-Replayed"); it != res.end())
        r.idempotent_replayed = boost::beast::iequals(it->value(), "true");
    out.keep_alive = res.keep_alive();
    if (!out.keep_alive)
        c.close();
    c.last_used = clock::now();
    out.res = std::move(r);
    co_return out;
}

#endif // definitions

} // namespace cs2market::detail

#endif
