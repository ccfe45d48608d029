// cs2market: the connection settings HTTP clients and WebSocket feeds share,
// with the same names and meanings in both.
#ifndef CS2MARKET_NET_TRANSPORT_OPTIONS_HPP
#define CS2MARKET_NET_TRANSPORT_OPTIONS_HPP

#include <chrono>
#include <string>

namespace cs2market {

/// How a connection is opened and kept. Certificates and host names are always
/// verified, and SNI is sent for host names.
struct transport_options {
    /// PEM file of CAs to trust instead of the system store.
    std::string ca_file;
    /// DNS resolution and TCP connect, together, per connection attempt.
    std::chrono::milliseconds connect_timeout{10'000};
    /// The TLS handshake, after the TCP connect.
    std::chrono::milliseconds tls_handshake_timeout{10'000};
    /// A connection with no traffic for this long is closed: an idle kept-alive
    /// HTTP connection is not reused (a new one is opened); a WebSocket that
    /// received nothing is reconnected (see websocket_options::keep_alive_pings).
    /// 0: never.
    std::chrono::milliseconds idle_timeout{30'000};
    /// User-Agent header of every request and WebSocket upgrade.
    std::string user_agent = "cs2market/0.1";
};

} // namespace cs2market

#endif
