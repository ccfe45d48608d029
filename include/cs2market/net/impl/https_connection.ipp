// cs2market: bodies of detail/https_connection.hpp.
#ifndef CS2MARKET_NET_IMPL_HTTPS_CONNECTION_IPP
#define CS2MARKET_NET_IMPL_HTTPS_CONNECTION_IPP

#include <cs2market/net/detail/https_connection.hpp>
#include <cs2market/net/detail/retry_after.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>

#ifdef __linux__
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace cs2market::detail {

CS2MARKET_DECL void https_connection::close() noexcept
{
    boost::system::error_code ec;
    if (auto r = resolving.lock())
        r->cancel();
    auto& s = boost::beast::get_lowest_layer(stream);
    s.cancel();
    s.socket().close(ec);
    open = false;
}

CS2MARKET_DECL bool https_connection::healthy(std::chrono::milliseconds idle_timeout)
{
    if (!open || (idle_timeout.count() > 0 && steady_clock::now() - last_used > idle_timeout))
        return false;
    if (buffer.size() > 0)
        return false; // bytes nobody asked for: never hand them to the next call
    auto& sock = boost::beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
#ifdef __linux__
    if (used) {
        // One syscall on the hot path: nothing to read and no FIN (recv would
        // answer 0), no reset (an error): only "would block" means alive and idle.
        char c;
        const auto n = ::recv(sock.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    // A fresh connection may hold TLS 1.3 session tickets nobody read yet: the
    // TCP state says whether the peer closed (FIN leaves it in CLOSE_WAIT).
    tcp_info info{};
    socklen_t len = sizeof info;
    return ::getsockopt(sock.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_ESTABLISHED;
#else
    if (sock.available(ec) > 0 || ec)
        return false; // pending bytes: without TCP_INFO, not worth the risk
    char c;
    bool was_nb = sock.non_blocking();
    sock.non_blocking(true, ec);
    sock.receive(boost::asio::buffer(&c, 1), boost::asio::socket_base::message_peek, ec);
    boost::system::error_code ignored;
    sock.non_blocking(was_nb, ignored);
    return ec == boost::asio::error::would_block;
#endif
}

CS2MARKET_DECL boost::asio::awaitable<result<void>> async_open(https_connection& c, const endpoint_url& ep,
                                                               const client_options& opt, provider_id prov,
                                                               steady_clock::time_point deadline)
{
    auto r = co_await async_connect_tls(c.stream, ep, opt, prov, deadline, &c.resolving);
    if (!r)
        co_return r;
    c.open = true;
    c.last_used = steady_clock::now();
    c.buffer.clear();
    co_return result<void>{};
}

CS2MARKET_DECL void serialize_request(std::string& out, const http_request& rq, std::string_view host, std::string_view user_agent)
{
    out.clear();
    auto same_header = [](std::string_view a, std::string_view b) { return boost::beast::iequals(a, b); };
    auto sets = [&](std::string_view name) {
        for (const auto& h : rq.headers)
            if (same_header(h.first, name))
                return true;
        return false;
    };
    out += rq.method == http_method::get     ? "GET "
           : rq.method == http_method::post  ? "POST "
           : rq.method == http_method::put   ? "PUT "
           : rq.method == http_method::patch ? "PATCH "
                                             : "DELETE ";
    out += rq.target;
    out += " HTTP/1.1\r\n";
    auto field = [&](std::string_view k, std::string_view v) {
        out += k;
        out += ": ";
        out += v;
        out += "\r\n";
    };
    if (!sets("Host"))
        field("Host", host);
    if (!sets("User-Agent") && user_agent.find_first_of("\r\n") == std::string_view::npos) // an option, not checked elsewhere
        field("User-Agent", user_agent);
    if (!sets("Accept"))
        field("Accept", "application/json");
    for (std::size_t i = 0; i < rq.headers.size(); ++i) {
        const auto& [k, v] = rq.headers[i];
        if (same_header(k, "Content-Length") || same_header(k, "Transfer-Encoding"))
            continue; // framing is ours to say
        bool later = false; // a repeated name: the last one counts
        for (std::size_t j = i + 1; j < rq.headers.size() && !later; ++j)
            later = same_header(rq.headers[j].first, k);
        if (!later)
            field(k, v);
    }
    if (!rq.body.empty() || rq.method != http_method::get) {
        char len[24];
        const auto r = std::to_chars(len, len + sizeof len, rq.body.size());
        field("Content-Length", std::string_view(len, static_cast<std::size_t>(r.ptr - len)));
    }
    out += "\r\n";
    out += rq.body;
}

CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> async_round_trip(https_connection& c, const endpoint_url& ep,
                                                                         const http_request& rq, const client_options& opt,
                                                                         provider_id prov, steady_clock::time_point deadline,
                                                                         body_progress_fn progress)
{
    namespace net = boost::asio;
    namespace http = boost::beast::http;
    exchange_outcome out;
    serialize_request(c.request_bytes, rq, ep.host_header, opt.user_agent);

    const auto phase_deadline = std::min(steady_clock::now() + opt.request_timeout, deadline);
    const bool total = phase_deadline == deadline && deadline < steady_clock::now() + opt.request_timeout;
    auto& tcp = boost::beast::get_lowest_layer(c.stream);
    tcp.expires_at(phase_deadline);
    boost::system::error_code ec;
    out.sent = true; // from here on the provider may have acted on the request
    // One buffer, one write: no per-field allocation on the way to the wire.
    co_await net::async_write(c.stream, net::buffer(c.request_bytes), net::redirect_error(net::use_awaitable, ec));
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

    // HTTP/1.1: a client must read past interim 1xx responses (103 Early Hints,
    // 100 Continue) to the final one; leaving it unread would hand it to the next call.
    for (;;) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(opt.max_response_size);
        parser.header_limit(static_cast<std::uint32_t>(header_limit));
        // The header, then the body piece by piece only when it did not come with it
        // (what async_read does too), so that a large body can report its progress.
        std::size_t n = co_await http::async_read_header(c.stream, c.buffer, parser, net::redirect_error(net::use_awaitable, ec));
        std::uint64_t reported = 0;
        while (!ec && !parser.is_done()) {
            n += co_await http::async_read_some(c.stream, c.buffer, parser, net::redirect_error(net::use_awaitable, ec));
            if (!progress || ec)
                continue;
            const std::uint64_t got = parser.get().body().size();
            if (got - reported >= body_progress_step || (parser.is_done() && reported > 0)) {
                reported = got;
                progress(got, parser.content_length().value_or(0));
            }
        }
        out.got_bytes = out.got_bytes || n > 0 || parser.got_some();
        if (is_timeout(ec))
            co_return lost(error_kind::timeout, timeout_text(), ec);
        if (ec == net::error::operation_aborted)
            co_return lost(error_kind::transport, "cancelled", ec);
        if (ec == http::error::body_limit)
            co_return lost(error_kind::transport, "response larger than " + std::to_string(opt.max_response_size) + " bytes", ec);
        if (ec == http::error::buffer_overflow || ec == http::error::header_limit)
            co_return lost(error_kind::transport, "response header or chunk framing larger than the read limit", ec);
        if (ec)
            co_return lost(error_kind::transport, "reading the response failed: " + ec.message(), ec);

        auto res = parser.release();
        const unsigned status = res.result_int();
        if (status >= 100 && status < 200 && status != 101)
            continue;
        http_response r;
        r.status = status;
        r.body = std::move(res.body());
        if (auto it = res.find(http::field::retry_after); it != res.end())
            r.retry_after = parse_retry_after(it->value());
        if (auto it = res.find(http::field::content_type); it != res.end())
            r.content_type = std::string(it->value());
        if (auto it = res.find(http::field::content_encoding); it != res.end())
            r.content_encoding = std::string(it->value());
        if (auto it = res.find(http::field::etag); it != res.end())
            r.etag = std::string(it->value());
        if (!rq.replayed_header.empty())
            if (auto it = res.find(rq.replayed_header); it != res.end())
                r.idempotent_replayed = boost::beast::iequals(it->value(), "true");
        out.keep_alive = res.keep_alive() && status != 101;
        if (!out.keep_alive)
            c.close();
        tcp.expires_never();
        c.last_used = steady_clock::now();
        c.used = true;
        out.res = std::move(r);
        co_return out;
    }
}

} // namespace cs2market::detail

#endif
