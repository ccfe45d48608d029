// cs2market: one reconnecting TLS WebSocket client (Beast over OpenSSL) behind
// every provider's push feed.
//
//   boost::asio::io_context ioc;
//   cs2market::websocket_client ws(ioc,
//       [] { return cs2market::result<std::string>("wss://example.com/feed?token=..."); }, // before every (re)connect
//       [](std::string_view text) { std::cout << text << "\n"; },
//       opts,
//       [](const cs2market::websocket_status& s) { std::cerr << to_string(s) << "\n"; });
//   ws.start();
//   ioc.run();
//
// It opens connections the way the HTTP executor does (detail/transport.hpp:
// one TLS set-up, the same timeouts), and waits between attempts with the same
// backoff_policy. Certificates and host names are always verified (SNI is
// sent). The URL's path and query never appear in an error or a status: they
// may carry a token or a signature.
#ifndef CS2MARKET_NET_WEBSOCKET_HPP
#define CS2MARKET_NET_WEBSOCKET_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>
#include <cs2market/net/policies.hpp>
#include <cs2market/net/transport_options.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cs2market {

namespace detail {
struct websocket_impl;
}

/// Settings of a websocket_client (and of the feeds built on it). The transport
/// part (ca_file, connect_timeout, tls_handshake_timeout, idle_timeout,
/// user_agent) means what it means for client_options; idle_timeout: nothing
/// received for this long ends the connection (then it is reopened). With
/// keep_alive_pings a ping goes out after half of it, and the pong counts as traffic.
struct websocket_options : transport_options {
    /// The WebSocket upgrade (the HTTP Upgrade request and its 101 answer); also
    /// bounds a closing handshake.
    std::chrono::milliseconds upgrade_timeout{10'000};
    bool keep_alive_pings = true;
    /// The wait before reconnecting after the n-th consecutive failure (see
    /// backoff_policy). n restarts from 1 once a connection has stayed open for
    /// `reconnect.max`, so a server that accepts and drops at once is retried with
    /// growing delays too.
    backoff_policy reconnect{std::chrono::milliseconds{1'000}, std::chrono::milliseconds{30'000}, 0.25};
    /// Reconnect with a fresh URL this long after the URL was obtained, before it
    /// expires (CS2DT addresses are valid 30 minutes); 0 = never.
    std::chrono::milliseconds max_session_age{0};
    /// A larger message ends the connection (then it is reopened); 0 = no limit.
    std::size_t max_message_size = std::size_t{4} << 20;
    /// Tags every error and status (the provider feeds set it).
    provider_id provider{};
};

/// What a websocket_client reports through its status handler.
enum class websocket_state : std::uint8_t {
    connecting,    ///< a connection attempt starts (URL obtained, about to resolve)
    connected,     ///< the WebSocket upgrade succeeded; messages flow
    message_error, ///< one message could not be used (reason says why); the connection stays up
    refreshing,    ///< max_session_age reached: closing to reconnect at once with a fresh URL
    disconnected,  ///< an attempt failed or a connection ended (reason: why; empty when planned)
    reconnecting,  ///< the next attempt starts after `delay`
    stopped,       ///< stopped for good because of `reason` (e.g. Skinify auth_failed)
};

inline constexpr std::string_view to_string(websocket_state s) noexcept
{
    switch (s) {
    case websocket_state::connecting: return "connecting";
    case websocket_state::connected: return "connected";
    case websocket_state::message_error: return "message error";
    case websocket_state::refreshing: return "refreshing";
    case websocket_state::disconnected: return "disconnected";
    case websocket_state::reconnecting: return "reconnecting";
    case websocket_state::stopped: return "stopped";
    }
    return "unknown";
}

struct websocket_status {
    websocket_state state = websocket_state::connecting;
    /// "host:port" of the URL in use; never its path or query (they may carry secrets).
    std::string endpoint;
    /// connecting: attempt number since the last successful connect (1 = first);
    /// disconnected / reconnecting: consecutive failures so far (0 for a planned reconnect).
    unsigned attempt = 0;
    std::chrono::milliseconds delay{0};         ///< reconnecting: wait before the next attempt
    std::chrono::milliseconds connected_for{0}; ///< disconnected: how long the connection was open (0: never)
    std::optional<error> reason;                ///< disconnected / message_error / stopped
};

/// One line, e.g. "reconnecting in 950 ms (attempt 2)" or
/// "disconnected from host:443: cs2dt: transport error: connection dropped by the server".
CS2MARKET_DECL std::string to_string(const websocket_status& s);

/// A TLS WebSocket client that stays connected: before every (re)connect it asks
/// `url_provider` for the URL, delivers every message to `message_handler`, and
/// after a drop or a failed attempt reconnects with exponential backoff and
/// jitter; it also reconnects on its own before `max_session_age` runs out.
///
/// Runs on the io_context it is given (or on one of its own). All handlers run
/// on one strand of it, one at a time; the url_provider is called there too and
/// may block (the CS2DT one makes an HTTPS request bounded by its client's
/// timeouts). An exception thrown by the message handler propagates out of
/// io_context::run() (the client keeps reading); the status handler is called
/// through a post, so an exception from it propagates the same way.
///
/// Destroy the client before its io_context. After stop() (or the destructor)
/// returns, none of the handlers or the url_provider is running or will run
/// again (stop() waits for one that is running, e.g. a URL fetch).
class websocket_client {
public:
    using url_provider = std::function<result<std::string>()>;
    using message_handler = std::function<void(std::string_view)>;
    using status_handler = std::function<void(const websocket_status&)>;

    CS2MARKET_DECL websocket_client(boost::asio::io_context& ioc, url_provider urls, message_handler on_message,
                                    websocket_options opts = {}, status_handler on_status = {});
    /// Uses an io_context of its own: drive it with run() or run_for().
    CS2MARKET_DECL explicit websocket_client(url_provider urls, message_handler on_message, websocket_options opts = {},
                                             status_handler on_status = {});
    websocket_client(const websocket_client&) = delete;
    websocket_client& operator=(const websocket_client&) = delete;
    CS2MARKET_DECL ~websocket_client();

    /// Starts connecting (asynchronously; returns at once). Thread-safe; no-op while running.
    CS2MARKET_DECL void start();

    /// Stops: cancels a pending attempt or timer and closes the connection with a
    /// close frame (bounded by upgrade_timeout). Thread-safe, may be called from
    /// a handler; when it returns, no handler of this client runs any more.
    CS2MARKET_DECL void stop();

    /// Stops for good because of `reason`: reported as a `stopped` status and kept
    /// in fatal_error(). For layers on top (e.g. Skinify's auth_failed). Thread-safe.
    CS2MARKET_DECL void fail(error reason);

    /// Reports a `message_error` status (for layers that decode messages). Thread-safe.
    CS2MARKET_DECL void report_message_error(error reason);

    /// Why the client stopped for good (fail()), if it did.
    CS2MARKET_DECL std::optional<error> fatal_error() const;

    CS2MARKET_DECL boost::asio::io_context& context() noexcept;

    /// Blocking convenience: start(), run the io_context on this thread for `d`
    /// (less if the client stops for good, e.g. Skinify auth_failed), then stop()
    /// and let the close finish (bounded). Only when no other thread runs the io_context.
    CS2MARKET_DECL void run_for(std::chrono::steady_clock::duration d);

    /// Blocking convenience: start() and run the io_context on this thread until
    /// the client stops (stop() from a handler or another thread, or fail()).
    /// Only when nothing else keeps the io_context busy.
    CS2MARKET_DECL void run();

private:
    CS2MARKET_DECL void drain();

    std::unique_ptr<boost::asio::io_context> own_ioc_; // before impl_: outlives it
    std::shared_ptr<detail::websocket_impl> impl_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/websocket.ipp>
#endif

#endif
