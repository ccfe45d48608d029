// cs2market internal: the one way a TLS connection is opened, shared by the
// HTTP executor and the WebSocket client: one TLS context set-up (peer and
// host-name verification, system store or a CA file), DNS resolution bounded by
// connect_timeout and cancellable, TCP connect, SNI, TLS handshake.
#ifndef CS2MARKET_NET_DETAIL_TRANSPORT_HPP
#define CS2MARKET_NET_DETAIL_TRANSPORT_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/net/detail/url.hpp>
#include <cs2market/error.hpp>
#include <cs2market/net/transport_options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace cs2market::detail {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using steady_clock = std::chrono::steady_clock;

CS2MARKET_DECL error transport_error(provider_id p, error_kind k, std::string what, boost::system::error_code ec = {});
CS2MARKET_DECL bool is_timeout(boost::system::error_code ec) noexcept;

/// A TLS client context: peer verification on; the CAs of `ca_file`, or the
/// system trust store when it is empty.
CS2MARKET_DECL result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& ca_file, provider_id p);

/// A DNS lookup in progress, so that a call's cancellation can end it at once
/// (asio's resolver runs getaddrinfo on a thread of its own; cancel() completes
/// the wait with operation_aborted at once).
struct pending_resolve {
    explicit pending_resolve(const boost::asio::any_io_executor& ex) : resolver(ex), timer(ex) {}
    boost::asio::ip::tcp::resolver resolver;
    boost::asio::steady_timer timer;
    bool done = false;
    bool timed_out = false;
    void cancel() { resolver.cancel(); }
};

/// Opens `s` to `ep`: DNS resolution and TCP connect within connect_timeout,
/// SNI (host names only) and host-name verification, the TLS handshake within
/// tls_handshake_timeout; never past `deadline`. `resolving`, when given, points
/// at the lookup while it runs (for cancellation).
CS2MARKET_DECL boost::asio::awaitable<result<void>> async_connect_tls(tls_stream& s, const endpoint_url& ep,
                                                                      const transport_options& opt, provider_id p,
                                                                      steady_clock::time_point deadline,
                                                                      std::weak_ptr<pending_resolve>* resolving = nullptr);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/transport.ipp>
#endif

#endif
