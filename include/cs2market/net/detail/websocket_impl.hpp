// cs2market internal: the state machine behind websocket_client.
#ifndef CS2MARKET_NET_DETAIL_WEBSOCKET_IMPL_HPP
#define CS2MARKET_NET_DETAIL_WEBSOCKET_IMPL_HPP

#include <cs2market/net/detail/transport.hpp>
#include <cs2market/net/websocket.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <limits>
#include <mutex>
#include <random>

namespace cs2market::detail {

/// One connection attempt and, if it opens, the connection.
struct websocket_session {
    using stream_type = boost::beast::websocket::stream<tls_stream>;

    websocket_session(boost::asio::strand<boost::asio::io_context::executor_type> ex, boost::asio::ssl::context& ctx,
                      std::size_t max_message)
        : ws(ex, ctx), watchdog(ex), buffer(max_message > 0 ? max_message : (std::numeric_limits<std::size_t>::max)())
    {
    }

    stream_type ws;
    std::weak_ptr<pending_resolve> resolving; ///< the DNS lookup while connecting
    boost::asio::steady_timer watchdog;       ///< upgrade deadline, then the close deadline
    boost::beast::flat_buffer buffer;
    boost::beast::websocket::response_type response;
    endpoint_url url;
    std::chrono::steady_clock::time_point url_at{};
    std::chrono::steady_clock::time_point opened_at{};
    bool open = false;
    bool closing = false;
    bool timed_out = false;

    /// Closes the TCP socket at once (cancels whatever is pending, a DNS lookup included).
    CS2MARKET_DECL void abort();
};

struct websocket_impl : std::enable_shared_from_this<websocket_impl> {
    using session_ptr = std::shared_ptr<websocket_session>;
    using clock = std::chrono::steady_clock;
    using url_provider = websocket_client::url_provider;
    using message_handler = websocket_client::message_handler;
    using status_handler = websocket_client::status_handler;

    boost::asio::io_context& ioc;
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    url_provider urls;
    message_handler on_message;
    status_handler on_status;
    websocket_options opts;
    std::shared_ptr<boost::asio::ssl::context> ssl;
    boost::asio::steady_timer retry_timer;
    boost::asio::steady_timer age_timer;
    std::minstd_rand rng;

    // Strand only.
    session_ptr cur;
    bool running = false;
    unsigned epoch = 0;    ///< bumped by every start and stop: stale timer handlers see it
    unsigned failures = 0; ///< consecutive failed attempts and early drops
    unsigned attempt = 0;  ///< attempts since the last successful connect

    // Any thread. Held while a user handler runs, so stop() waits for a running one.
    std::recursive_mutex cb_mutex;
    bool callbacks = false;
    mutable std::mutex fatal_mutex;
    std::optional<error> fatal;

    CS2MARKET_DECL websocket_impl(boost::asio::io_context& c, url_provider u, message_handler m, websocket_options o, status_handler s);

    CS2MARKET_DECL void enable_callbacks(bool on);

    CS2MARKET_DECL error fail_error(error_kind k, std::string what, boost::system::error_code ec = {}) const;

    CS2MARKET_DECL void emit(websocket_status st);

    CS2MARKET_DECL void emit(websocket_state state, const std::string& endpoint, std::optional<error> reason = {});

    CS2MARKET_DECL std::chrono::milliseconds backoff(unsigned n);

    /// The TLS context, made on first use (a bad CA file stops the client).
    CS2MARKET_DECL result<void> init_tls();

    CS2MARKET_DECL void do_start();

    CS2MARKET_DECL void do_stop();

    CS2MARKET_DECL void do_fail(error reason);

    /// Ends a session that is no longer current: a close frame if open, else abort.
    CS2MARKET_DECL void finish(const session_ptr& s, boost::beast::websocket::close_code code);

    CS2MARKET_DECL void connect_attempt();

    CS2MARKET_DECL void arm_watchdog(const session_ptr& s, std::chrono::milliseconds d);

    /// The transport is up (TCP and TLS, detail/transport.hpp) or failed: upgrade, or count the failure.
    CS2MARKET_DECL void on_connected(const session_ptr& s, result<void> r);

    CS2MARKET_DECL void on_upgrade(const session_ptr& s, boost::system::error_code ec);

    CS2MARKET_DECL void read(const session_ptr& s);

    CS2MARKET_DECL void on_read(const session_ptr& s, boost::system::error_code ec);

    /// max_session_age reached: close this connection, reconnect at once with a fresh URL.
    CS2MARKET_DECL void refresh(const session_ptr& s);

    CS2MARKET_DECL void session_failed(const session_ptr& s, error why);

    CS2MARKET_DECL void attempt_failed(error why, const std::string& endpoint, std::chrono::milliseconds connected_for);
};

} // namespace cs2market::detail

#endif
