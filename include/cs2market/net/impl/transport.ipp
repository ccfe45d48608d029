// cs2market: bodies of detail/transport.hpp.
#ifndef CS2MARKET_NET_IMPL_TRANSPORT_IPP
#define CS2MARKET_NET_IMPL_TRANSPORT_IPP

#include <cs2market/net/detail/transport.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>

#include <algorithm>

namespace cs2market::detail {

CS2MARKET_DECL error transport_error(provider_id p, error_kind k, std::string what, boost::system::error_code ec)
{
    error e = make_error(k, std::move(what), p);
    e.system_code = ec;
    return e;
}

CS2MARKET_DECL bool is_timeout(boost::system::error_code ec) noexcept
{
    return ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out;
}

CS2MARKET_DECL result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& ca_file, provider_id p)
{
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (!ec)
        ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                         ec);
    if (!ec) {
        if (!ca_file.empty())
            ctx->load_verify_file(ca_file, ec);
        else
            ctx->set_default_verify_paths(ec);
    }
    if (ec)
        return transport_error(p, error_kind::invalid_argument,
                               ca_file.empty() ? "cannot load the system trust store: " + ec.message()
                                               : "cannot load CA file " + ca_file + ": " + ec.message(),
                               ec);
    return ctx;
}

CS2MARKET_DECL boost::asio::awaitable<result<void>> async_connect_tls(tls_stream& s, const endpoint_url& ep,
                                                                      const transport_options& opt, provider_id p,
                                                                      steady_clock::time_point deadline,
                                                                      std::weak_ptr<pending_resolve>* resolving)
{
    namespace net = boost::asio;
    using tcp = net::ip::tcp;
    auto& sock = boost::beast::get_lowest_layer(s);
    const std::string& where = ep.endpoint;
    if (!ep.is_ip && !SSL_set_tlsext_host_name(s.native_handle(), ep.host.c_str()))
        co_return transport_error(p, error_kind::tls, "cannot set SNI host name");
    s.set_verify_callback(net::ssl::host_name_verification(ep.host));

    const auto connect_until = std::min(steady_clock::now() + opt.connect_timeout, deadline);
    boost::system::error_code ec;
    tcp::resolver::results_type endpoints;
    if (ep.is_ip) {
        auto port = static_cast<unsigned short>(std::stoi(ep.port));
        endpoints = tcp::resolver::results_type::create(tcp::endpoint(net::ip::make_address(ep.host), port), ep.host, ep.port);
    } else {
        // The lookup has no deadline of its own: a timer cancels it. The state is
        // shared with the timer's handler, which may run after this frame is gone.
        auto r = std::make_shared<pending_resolve>(s.get_executor());
        if (resolving)
            *resolving = r;
        r->timer.expires_at(connect_until);
        r->timer.async_wait([r](boost::system::error_code tec) {
            if (!tec && !r->done) {
                r->timed_out = true;
                r->resolver.cancel();
            }
        });
        endpoints = co_await r->resolver.async_resolve(ep.host, ep.port, net::redirect_error(net::use_awaitable, ec));
        r->done = true;
        r->timer.cancel();
        if (resolving)
            resolving->reset();
        if (r->timed_out)
            co_return transport_error(p, error_kind::timeout, "resolving " + ep.host + " timed out", net::error::timed_out);
        if (ec == net::error::operation_aborted)
            co_return transport_error(p, error_kind::transport, "cancelled", ec);
        if (ec)
            co_return transport_error(p, error_kind::transport, "cannot resolve " + ep.host + ": " + ec.message(), ec);
    }
    sock.expires_at(connect_until);
    co_await sock.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
    if (is_timeout(ec))
        co_return transport_error(p, error_kind::timeout, "connecting to " + where + " timed out", ec);
    if (ec == net::error::operation_aborted)
        co_return transport_error(p, error_kind::transport, "cancelled", ec);
    if (ec)
        co_return transport_error(p, error_kind::transport, "cannot connect to " + where + ": " + ec.message(), ec);

    sock.expires_at(std::min(steady_clock::now() + opt.tls_handshake_timeout, deadline));
    co_await s.async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
    sock.expires_never();
    if (is_timeout(ec))
        co_return transport_error(p, error_kind::timeout, "TLS handshake with " + where + " timed out", ec);
    if (ec == net::error::operation_aborted)
        co_return transport_error(p, error_kind::transport, "cancelled", ec);
    if (ec == net::ssl::error::stream_truncated || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::broken_pipe) // the peer hung up: a connection failure, not a TLS verdict
        co_return transport_error(p, error_kind::transport,
                                  "TLS handshake with " + where + " failed: the connection was closed: " + ec.message(), ec);
    if (ec)
        co_return transport_error(p, error_kind::tls, "TLS handshake with " + where + " failed: " + ec.message(), ec);
    co_return result<void>{};
}

} // namespace cs2market::detail

#endif
