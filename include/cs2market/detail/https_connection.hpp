// cs2market internal: one keep-alive HTTPS/1.1 connection (Beast over OpenSSL),
// used blocking through its own io_context with a deadline per phase.
#ifndef CS2MARKET_DETAIL_HTTPS_CONNECTION_HPP
#define CS2MARKET_DETAIL_HTTPS_CONNECTION_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

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

class https_connection {
public:
    https_connection(provider_id p, const client_options& o) : prov_(p), opt_(o), ssl_(boost::asio::ssl::context::tls_client) {}

    /// Sends one request and reads its response. Reuses the connection when it
    /// is still healthy; an idempotent request whose reused connection turned
    /// out dead is sent once more on a fresh one.
    result<http_response> exchange(const endpoint_url& ep, const http_request& rq)
    {
        if (auto init = init_tls(); !init)
            return init.error();
        bool reused = stream_ && healthy(ep);
        if (!reused) {
            if (auto c = connect(ep); !c)
                return c.error();
        }
        bool got_bytes = false;
        auto r = round_trip(ep, rq, got_bytes);
        if (!r && reused && !got_bytes && rq.idempotent && r.error().kind != error_kind::timeout) {
            close();
            if (auto c = connect(ep); !c)
                return c.error();
            r = round_trip(ep, rq, got_bytes);
        }
        return r;
    }

    void close() noexcept
    {
        if (stream_) {
            boost::system::error_code ec;
            boost::beast::get_lowest_layer(*stream_).socket().close(ec);
            stream_.reset();
        }
    }

    std::size_t connections_opened() const noexcept { return opened_; }

private:
    using stream_t = boost::beast::ssl_stream<boost::beast::tcp_stream>;
    using clock = std::chrono::steady_clock;

    error fail(error_kind k, std::string what, boost::system::error_code ec = {})
    {
        error e = make_error(k, std::move(what), prov_);
        e.system_code = ec;
        return e;
    }

    result<void> init_tls()
    {
        if (tls_ready_)
            return {};
        boost::system::error_code ec;
        ssl_.set_verify_mode(boost::asio::ssl::verify_peer, ec);
        if (!opt_.ca_file.empty())
            ssl_.load_verify_file(opt_.ca_file, ec);
        else
            ssl_.set_default_verify_paths(ec);
        if (ec)
            return fail(error_kind::invalid_argument,
                        opt_.ca_file.empty() ? "cannot load the system trust store: " + ec.message()
                                             : "cannot load CA file " + opt_.ca_file + ": " + ec.message(),
                        ec);
        tls_ready_ = true;
        return {};
    }

    /// Runs queued work until done or the deadline; on timeout cancels and drains.
    bool run_until(clock::time_point deadline)
    {
        ioc_.restart();
        ioc_.run_until(deadline);
        if (ioc_.stopped())
            return true;
        close(); // cancels the pending operation
        ioc_.restart();
        ioc_.run();
        return false;
    }

    /// A kept-alive connection is reused only while idle briefly and with nothing
    /// unread on it (a peer that closed leaves EOF or a TLS close_notify behind).
    bool healthy(const endpoint_url& ep)
    {
        if (ep.host != host_ || ep.port != port_ || clock::now() - last_used_ > opt_.idle_timeout) {
            close();
            return false;
        }
        auto& sock = boost::beast::get_lowest_layer(*stream_).socket();
        boost::system::error_code ec;
        if (sock.available(ec) > 0 || ec) {
            close();
            return false;
        }
        char c;
        sock.non_blocking(true, ec);
        sock.receive(boost::asio::buffer(&c, 1), boost::asio::socket_base::message_peek, ec);
        boost::system::error_code ignored;
        sock.non_blocking(false, ignored);
        if (ec != boost::asio::error::would_block) {
            close();
            return false;
        }
        return true;
    }

    result<void> connect(const endpoint_url& ep)
    {
        close();
        namespace net = boost::asio;
        auto deadline = clock::now() + opt_.connect_timeout;
        stream_.emplace(ioc_, ssl_);
        ++opened_;
        if (!ep.is_ip && !SSL_set_tlsext_host_name(stream_->native_handle(), ep.host.c_str()))
            return fail(error_kind::tls, "cannot set SNI host name");
        stream_->set_verify_callback(net::ssl::host_name_verification(ep.host));

        boost::system::error_code ec;
        net::ip::tcp::resolver resolver(ioc_);
        net::ip::tcp::resolver::results_type endpoints;
        bool done = false;
        resolver.async_resolve(ep.host, ep.port, [&](boost::system::error_code e, net::ip::tcp::resolver::results_type r) {
            ec = e;
            endpoints = std::move(r);
            done = true;
        });
        if (!run_until(deadline) || !done) {
            resolver.cancel();
            return fail(error_kind::timeout, "resolving " + ep.host + " timed out");
        }
        if (ec)
            return fail(error_kind::transport, "cannot resolve " + ep.host + ": " + ec.message(), ec);

        done = false;
        boost::beast::get_lowest_layer(*stream_).async_connect(endpoints, [&](boost::system::error_code e, auto) {
            ec = e;
            done = true;
        });
        if (!run_until(deadline) || !done)
            return fail(error_kind::timeout, "connecting to " + ep.host + ":" + ep.port + " timed out");
        if (ec)
            return fail(error_kind::transport, "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message(), ec);

        done = false;
        stream_->async_handshake(net::ssl::stream_base::client, [&](boost::system::error_code e) {
            ec = e;
            done = true;
        });
        if (!run_until(deadline) || !done)
            return fail(error_kind::timeout, "TLS handshake with " + ep.host + ":" + ep.port + " timed out");
        if (ec) {
            close();
            return fail(error_kind::tls, "TLS handshake with " + ep.host + ":" + ep.port + " failed: " + ec.message(), ec);
        }
        host_ = ep.host;
        port_ = ep.port;
        last_used_ = clock::now();
        return {};
    }

    result<http_response> round_trip(const endpoint_url& ep, const http_request& rq, bool& got_bytes)
    {
        namespace http = boost::beast::http;
        http::request<http::string_body> req;
        req.method(rq.method == http_method::get    ? http::verb::get
                   : rq.method == http_method::post ? http::verb::post
                   : rq.method == http_method::put  ? http::verb::put
                   : rq.method == http_method::patch ? http::verb::patch
                                                      : http::verb::delete_);
        req.target(rq.target);
        req.version(11);
        req.set(http::field::host, ep.host_header);
        req.set(http::field::user_agent, opt_.user_agent);
        req.set(http::field::accept, "application/json");
        for (const auto& [k, v] : rq.headers)
            req.set(k, v);
        if (!rq.body.empty() || rq.method != http_method::get)
            req.body() = rq.body;
        req.keep_alive(true);
        req.prepare_payload();

        auto deadline = clock::now() + opt_.request_timeout;
        boost::system::error_code ec;
        bool done = false;
        http::async_write(*stream_, req, [&](boost::system::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        bool in_time = run_until(deadline) && done;
        // From here on the provider may have acted on the request.
        auto lost = [&](error_kind k, std::string what, boost::system::error_code c) {
            close();
            if (!rq.idempotent)
                return fail(error_kind::outcome_unknown,
                            what + "; the request may have been processed, look the outcome up before retrying", c);
            return fail(k, std::move(what), c);
        };
        if (!in_time)
            return lost(error_kind::timeout, "sending the request timed out", boost::asio::error::timed_out);
        if (ec)
            return lost(error_kind::transport, "sending the request failed: " + ec.message(), ec);

        http::response_parser<http::string_body> parser;
        parser.body_limit(opt_.max_response_size);
        parser.header_limit(64 * 1024);
        done = false;
        std::size_t read_bytes = 0;
        http::async_read(*stream_, buffer_, parser, [&](boost::system::error_code e, std::size_t n) {
            ec = e;
            read_bytes = n;
            done = true;
        });
        in_time = run_until(deadline) && done;
        got_bytes = read_bytes > 0 || parser.got_some();
        if (!in_time)
            return lost(error_kind::timeout, "no response within " + std::to_string(opt_.request_timeout.count()) + " ms",
                        boost::asio::error::timed_out);
        if (ec == http::error::body_limit)
            return lost(error_kind::transport, "response larger than " + std::to_string(opt_.max_response_size) + " bytes", ec);
        if (ec)
            return lost(error_kind::transport, "reading the response failed: " + ec.message(), ec);

        auto res = parser.release();
        http_response out;
        out.status = res.result_int();
        out.body = std::move(res.body());
        if (auto it = res.find(http::field::retry_after); it != res.end())
            out.retry_after = parse_retry_after(it->value());
        if (auto it = res.find(http::field::content_type); it != res.end())
            out.content_type = std::string(it->value());
        if (auto it = res.find(http::field::content_encoding); it != res.end())
            out.content_encoding = std::string(it->value());
        if (auto it = res.find(http::field::etag); it != res.end())
            out.etag = std::string(it->value());
        if (auto it = res.find("Idempotent-Replayed"); it != res.end())
            out.idempotent_replayed = boost::beast::iequals(it->value(), "true");
        if (!res.keep_alive())
            close();
        last_used_ = clock::now();
        return out;
    }

    provider_id prov_;
    const client_options& opt_;
    boost::asio::io_context ioc_{1};
    boost::asio::ssl::context ssl_;
    bool tls_ready_ = false;
    std::optional<stream_t> stream_;
    boost::beast::flat_buffer buffer_;
    std::string host_, port_;
    clock::time_point last_used_{};
    std::size_t opened_ = 0;
};

} // namespace cs2market::detail

#endif
