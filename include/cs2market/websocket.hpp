// cs2market: one reconnecting TLS WebSocket client (Beast over OpenSSL) behind
// every provider's push feed (cs2dt::market_feed, skinify::realtime_feed).
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
// Certificates and host names are always verified (SNI is sent); `ca_file`
// replaces the system trust store. The URL's path and query never appear in an
// error or a status: they may carry a token or a signature.
#ifndef CS2MARKET_WEBSOCKET_HPP
#define CS2MARKET_WEBSOCKET_HPP

#include <cs2market/error.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace cs2market {

/// Settings of a websocket_client (and of the feeds built on it).
struct websocket_options {
    /// PEM file of CAs to trust instead of the system store (certificates are always verified).
    std::string ca_file;
    std::chrono::milliseconds connect_timeout{10'000};   ///< resolve + TCP connect + TLS handshake
    std::chrono::milliseconds handshake_timeout{10'000}; ///< the WebSocket upgrade; also bounds a closing handshake
    /// Nothing received for this long ends the connection (then it is reopened); 0 = never.
    /// With keep_alive_pings a ping goes out after half of it, and the pong counts as traffic.
    std::chrono::milliseconds idle_timeout{30'000};
    bool keep_alive_pings = true;
    /// Reconnect delay after the n-th consecutive failure: min * 2^(n-1), at most max,
    /// then shortened by a random fraction in [0, jitter). n restarts from 1 once a
    /// connection has stayed open for reconnect_max, so a server that accepts and
    /// drops at once is retried with growing delays too.
    std::chrono::milliseconds reconnect_min{1'000};
    std::chrono::milliseconds reconnect_max{30'000};
    double reconnect_jitter = 0.25;
    /// Reconnect with a fresh URL this long after the URL was obtained, before it
    /// expires (CS2DT addresses are valid 30 minutes); 0 = never.
    std::chrono::milliseconds max_session_age{0};
    /// A larger message ends the connection (then it is reopened); 0 = no limit.
    std::size_t max_message_size = std::size_t{4} << 20;
    std::string user_agent = "cs2market/0.1";
    /// Tags every error and status (cs2dt::market_feed and skinify::realtime_feed set it).
    provider_id provider = provider_id::none;
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
inline std::string to_string(const websocket_status& s)
{
    std::string m{to_string(s.state)};
    if (!s.endpoint.empty() && s.state != websocket_state::reconnecting && s.state != websocket_state::message_error)
        m += (s.state == websocket_state::disconnected ? " from " : s.state == websocket_state::stopped ? " at " : " to ") +
             s.endpoint;
    if (s.state == websocket_state::reconnecting)
        m += " in " + std::to_string(s.delay.count()) + " ms";
    if ((s.state == websocket_state::connecting || s.state == websocket_state::reconnecting) && s.attempt > 0)
        m += " (attempt " + std::to_string(s.attempt) + ")";
    if (s.reason) {
        m += ": ";
        m += s.reason->message();
    }
    return m;
}

namespace detail::ws {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

struct wss_url {
    std::string host;        ///< without brackets for IPv6
    std::string port;        ///< "443" unless given
    bool is_ip = false;      ///< no SNI for IP literals; certificate checked against the IP
    std::string host_header; ///< Host header value ("host" or "host:port")
    std::string target;      ///< path + query, at least "/"
    std::string endpoint;    ///< "host:port" for errors and statuses
};

/// "wss://host[:port][/path][?query]". Errors never repeat the URL: its path,
/// query or user info may carry a secret.
inline result<wss_url> parse_wss_url(std::string_view url, provider_id p)
{
    auto bad = [&](std::string why) { return make_error(error_kind::invalid_argument, "WebSocket URL: " + why, p); };
    constexpr std::string_view scheme = "wss://";
    if (url.size() < scheme.size() || !beast::iequals(url.substr(0, scheme.size()), scheme)) {
        if (url.size() >= 5 && beast::iequals(url.substr(0, 5), "ws://"))
            return bad("plain ws:// is refused; only wss:// (TLS) is used");
        return bad("must start with wss://");
    }
    url.remove_prefix(scheme.size());
    auto end = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
    if (authority.find('@') != std::string_view::npos)
        return bad("user info (user:password@) is not allowed");
    std::string_view host = authority, port = "443";
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return bad("unterminated IPv6 literal");
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return bad("junk after IPv6 literal");
            port = after.substr(1);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty())
        return bad("missing host");
    for (char c : host)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '[' || c == ']' || c == '\\')
            return bad("invalid character in the host");
    unsigned pn = 0;
    for (char c : port)
        if (c < '0' || c > '9' || (pn = pn * 10 + static_cast<unsigned>(c - '0')) > 65535)
            return bad("bad port");
    if (port.empty() || pn == 0)
        return bad("bad port");
    if (auto hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    for (char c : rest)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return bad("space or control character in the path or query");

    wss_url u;
    u.host.assign(host);
    u.port.assign(port);
    boost::system::error_code ec;
    boost::asio::ip::make_address(u.host, ec);
    u.is_ip = !ec;
    std::string bracketed = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    u.host_header = port == "443" ? bracketed : bracketed + ":" + u.port;
    u.endpoint = bracketed + ":" + u.port;
    u.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
    return u;
}

} // namespace detail::ws

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

    websocket_client(boost::asio::io_context& ioc, url_provider urls, message_handler on_message,
                     websocket_options opts = {}, status_handler on_status = {})
        : impl_(std::make_shared<impl>(ioc, std::move(urls), std::move(on_message), std::move(opts), std::move(on_status)))
    {
    }

    /// Uses an io_context of its own: drive it with run() or run_for().
    explicit websocket_client(url_provider urls, message_handler on_message, websocket_options opts = {},
                              status_handler on_status = {})
        : own_ioc_(std::make_unique<boost::asio::io_context>(1)),
          impl_(std::make_shared<impl>(*own_ioc_, std::move(urls), std::move(on_message), std::move(opts),
                                       std::move(on_status)))
    {
    }

    websocket_client(const websocket_client&) = delete;
    websocket_client& operator=(const websocket_client&) = delete;

    ~websocket_client() { stop(); }

    /// Starts connecting (asynchronously; returns at once). Thread-safe; no-op while running.
    void start()
    {
        impl_->enable_callbacks(true);
        boost::asio::post(impl_->strand, [self = impl_] { self->do_start(); });
    }

    /// Stops: cancels a pending attempt or timer and closes the connection with a
    /// close frame (bounded by handshake_timeout). Thread-safe, may be called from
    /// a handler; when it returns, no handler of this client runs any more.
    void stop()
    {
        impl_->enable_callbacks(false);
        boost::asio::dispatch(impl_->strand, [self = impl_] { self->do_stop(); });
    }

    /// Stops for good because of `reason`: reported as a `stopped` status and kept
    /// in fatal_error(). For layers on top (e.g. Skinify's auth_failed). Thread-safe.
    void fail(error reason)
    {
        boost::asio::dispatch(impl_->strand, [self = impl_, r = std::move(reason)]() mutable { self->do_fail(std::move(r)); });
    }

    /// Reports a `message_error` status (for layers that decode messages). Thread-safe.
    void report_message_error(error reason)
    {
        websocket_status st;
        st.state = websocket_state::message_error;
        st.reason = std::move(reason);
        impl_->emit(std::move(st));
    }

    /// Why the client stopped for good (fail()), if it did.
    std::optional<error> fatal_error() const
    {
        std::lock_guard<std::mutex> lock(impl_->fatal_mutex);
        return impl_->fatal;
    }

    boost::asio::io_context& context() noexcept { return impl_->ioc; }

    /// Blocking convenience: start(), run the io_context on this thread for `d`
    /// (less if the client stops for good, e.g. Skinify auth_failed), then stop()
    /// and let the close finish (bounded). Only when no other thread runs the io_context.
    void run_for(std::chrono::steady_clock::duration d)
    {
        auto& ioc = impl_->ioc;
        start();
        ioc.restart();
        try {
            ioc.run_for(d);
        } catch (...) {
            stop();
            drain();
            throw;
        }
        stop();
        drain();
    }

    /// Blocking convenience: start() and run the io_context on this thread until
    /// the client stops (stop() from a handler or another thread, or fail()).
    /// Only when nothing else keeps the io_context busy.
    void run()
    {
        start();
        impl_->ioc.restart();
        impl_->ioc.run();
    }

private:
    using clock = std::chrono::steady_clock;
    using stream_type = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    void drain()
    {
        auto& ioc = impl_->ioc;
        ioc.restart();
        ioc.run_for(impl_->opts.handshake_timeout + std::chrono::milliseconds(500));
    }

    /// One connection attempt and, if it opens, the connection.
    struct session {
        stream_type ws;
        boost::asio::ip::tcp::resolver resolver;
        boost::asio::steady_timer watchdog; ///< connect / upgrade deadline, then the close deadline
        boost::beast::flat_buffer buffer;
        boost::beast::websocket::response_type response;
        detail::ws::wss_url url;
        clock::time_point url_at{};
        clock::time_point opened_at{};
        bool open = false;
        bool closing = false;
        bool timed_out = false;

        session(boost::asio::strand<boost::asio::io_context::executor_type> ex, boost::asio::ssl::context& ctx,
                std::size_t max_message)
            : ws(ex, ctx), resolver(ex), watchdog(ex),
              buffer(max_message > 0 ? max_message : (std::numeric_limits<std::size_t>::max)())
        {
        }

        /// Closes the TCP socket at once (cancels whatever is pending).
        void abort()
        {
            boost::system::error_code ec;
            resolver.cancel();
            watchdog.cancel();
            boost::beast::get_lowest_layer(ws).socket().close(ec);
        }
    };

    struct impl : std::enable_shared_from_this<impl> {
        using session_ptr = std::shared_ptr<session>;

        boost::asio::io_context& ioc;
        boost::asio::strand<boost::asio::io_context::executor_type> strand;
        url_provider urls;
        message_handler on_message;
        status_handler on_status;
        websocket_options opts;
        boost::asio::ssl::context ssl{boost::asio::ssl::context::tls_client};
        bool tls_ready = false;
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

        impl(boost::asio::io_context& c, url_provider u, message_handler m, websocket_options o, status_handler s)
            : ioc(c), strand(boost::asio::make_strand(c)), urls(std::move(u)), on_message(std::move(m)),
              on_status(std::move(s)), opts(std::move(o)), retry_timer(strand), age_timer(strand),
              rng(std::random_device{}())
        {
            if (!urls || !on_message)
                throw std::invalid_argument("cs2market::websocket_client: empty url_provider or message_handler");
        }

        void enable_callbacks(bool on)
        {
            std::lock_guard<std::recursive_mutex> lock(cb_mutex);
            callbacks = on;
        }

        error fail_error(error_kind k, std::string what, boost::system::error_code ec = {}) const
        {
            error e = detail::make_error(k, std::move(what), opts.provider);
            e.system_code = ec;
            return e;
        }

        void emit(websocket_status st)
        {
            if (!on_status)
                return;
            boost::asio::post(strand, [self = this->shared_from_this(), st = std::move(st)] {
                std::lock_guard<std::recursive_mutex> lock(self->cb_mutex);
                if (self->callbacks)
                    self->on_status(st);
            });
        }

        void emit(websocket_state state, const std::string& endpoint, std::optional<error> reason = {})
        {
            websocket_status st;
            st.state = state;
            st.endpoint = endpoint;
            st.reason = std::move(reason);
            emit(std::move(st));
        }

        std::chrono::milliseconds backoff(unsigned n)
        {
            double lo = static_cast<double>(std::max<std::int64_t>(opts.reconnect_min.count(), 0));
            double hi = std::max(lo, static_cast<double>(opts.reconnect_max.count()));
            double d = lo;
            for (unsigned i = 1; i < n && d < hi; ++i)
                d *= 2;
            d = std::min(d, hi);
            double j = std::clamp(opts.reconnect_jitter, 0.0, 1.0);
            d *= 1.0 - j * std::uniform_real_distribution<double>(0.0, 1.0)(rng);
            return std::chrono::milliseconds(std::llround(d));
        }

        result<void> init_tls()
        {
            if (tls_ready)
                return {};
            boost::system::error_code ec;
            ssl.set_verify_mode(boost::asio::ssl::verify_peer, ec);
            if (!opts.ca_file.empty())
                ssl.load_verify_file(opts.ca_file, ec);
            else
                ssl.set_default_verify_paths(ec);
            if (ec)
                return fail_error(error_kind::invalid_argument,
                                  opts.ca_file.empty() ? "cannot load the system trust store: " + ec.message()
                                                       : "cannot load CA file " + opts.ca_file + ": " + ec.message(),
                                  ec);
            tls_ready = true;
            return {};
        }

        void do_start()
        {
            if (running)
                return;
            running = true;
            ++epoch;
            failures = 0;
            attempt = 0;
            {
                std::lock_guard<std::mutex> lock(fatal_mutex);
                fatal.reset();
            }
            connect_attempt();
        }

        void do_stop()
        {
            if (!running)
                return;
            running = false;
            ++epoch;
            retry_timer.cancel();
            age_timer.cancel();
            if (auto s = std::exchange(cur, nullptr))
                finish(s, boost::beast::websocket::close_code::normal);
        }

        void do_fail(error reason)
        {
            if (!running)
                return;
            {
                std::lock_guard<std::mutex> lock(fatal_mutex);
                fatal = reason;
            }
            std::string endpoint = cur ? cur->url.endpoint : std::string();
            do_stop();
            emit(websocket_state::stopped, endpoint, std::move(reason));
        }

        /// Ends a session that is no longer current: a close frame if open, else abort.
        void finish(const session_ptr& s, boost::beast::websocket::close_code code)
        {
            if (!s->open || s->closing) {
                s->abort();
                return;
            }
            s->closing = true;
            s->watchdog.expires_after(opts.handshake_timeout + std::chrono::milliseconds(500));
            s->watchdog.async_wait([s](boost::system::error_code ec) {
                if (!ec)
                    s->abort(); // the peer did not complete the closing handshake in time
            });
            s->ws.async_close(code, [s](boost::system::error_code) { s->abort(); });
        }

        void connect_attempt()
        {
            if (!running || cur)
                return;
            ++attempt;
            if (auto t = init_tls(); !t)
                return do_fail(t.error());
            std::optional<result<std::string>> url;
            {
                // Like a handler: never called once stop() has returned.
                std::lock_guard<std::recursive_mutex> lock(cb_mutex);
                if (!callbacks)
                    return; // stop() was called; its do_stop is queued
                try {
                    url.emplace(urls());
                } catch (const std::exception& e) {
                    url.emplace(fail_error(error_kind::transport, std::string("the URL provider threw: ") + e.what()));
                } catch (...) {
                    url.emplace(fail_error(error_kind::transport, "the URL provider threw"));
                }
            }
            if (!running || cur)
                return; // the provider stopped us
            if (!*url)
                return attempt_failed(url->error(), {}, {});
            auto parsed = detail::ws::parse_wss_url(**url, opts.provider);
            if (!parsed)
                return attempt_failed(parsed.error(), {}, {});

            auto s = std::make_shared<session>(strand, ssl, opts.max_message_size);
            s->url = std::move(*parsed);
            s->url_at = clock::now();
            cur = s;
            websocket_status st;
            st.state = websocket_state::connecting;
            st.endpoint = s->url.endpoint;
            st.attempt = attempt;
            emit(std::move(st));

            if (!s->url.is_ip && !SSL_set_tlsext_host_name(s->ws.next_layer().native_handle(), s->url.host.c_str()))
                return session_failed(s, fail_error(error_kind::tls, "cannot set SNI host name"));
            s->ws.next_layer().set_verify_callback(boost::asio::ssl::host_name_verification(s->url.host));

            arm_watchdog(s, opts.connect_timeout);
            s->resolver.async_resolve(
                s->url.host, s->url.port,
                [self = this->shared_from_this(), s](boost::system::error_code ec,
                                                      boost::asio::ip::tcp::resolver::results_type r) {
                    self->on_resolved(s, ec, std::move(r));
                });
        }

        void arm_watchdog(const session_ptr& s, std::chrono::milliseconds d)
        {
            s->watchdog.expires_after(d);
            s->watchdog.async_wait([s](boost::system::error_code ec) {
                if (ec || s->open || s->closing)
                    return;
                s->timed_out = true;
                s->abort();
            });
        }

        void on_resolved(const session_ptr& s, boost::system::error_code ec, boost::asio::ip::tcp::resolver::results_type r)
        {
            if (s != cur)
                return;
            const std::string& host = s->url.host;
            if (s->timed_out)
                return session_failed(s, fail_error(error_kind::timeout, "resolving " + host + " timed out", ec));
            if (ec)
                return session_failed(s, fail_error(error_kind::transport, "cannot resolve " + host + ": " + ec.message(), ec));
            boost::beast::get_lowest_layer(s->ws).async_connect(
                r, [self = this->shared_from_this(), s](boost::system::error_code e, const auto&) { self->on_tcp(s, e); });
        }

        void on_tcp(const session_ptr& s, boost::system::error_code ec)
        {
            if (s != cur)
                return;
            const std::string& where = s->url.endpoint;
            if (s->timed_out)
                return session_failed(s, fail_error(error_kind::timeout, "connecting to " + where + " timed out", ec));
            if (ec)
                return session_failed(s, fail_error(error_kind::transport, "cannot connect to " + where + ": " + ec.message(), ec));
            s->ws.next_layer().async_handshake(boost::asio::ssl::stream_base::client,
                                               [self = this->shared_from_this(), s](boost::system::error_code e) {
                                                   self->on_tls(s, e);
                                               });
        }

        void on_tls(const session_ptr& s, boost::system::error_code ec)
        {
            namespace websocket = boost::beast::websocket;
            if (s != cur)
                return;
            const std::string& where = s->url.endpoint;
            if (s->timed_out)
                return session_failed(s, fail_error(error_kind::timeout, "TLS handshake with " + where + " timed out", ec));
            if (ec)
                return session_failed(s, fail_error(error_kind::tls, "TLS handshake with " + where + " failed: " + ec.message(), ec));

            websocket::stream_base::timeout t{};
            t.handshake_timeout = opts.handshake_timeout;
            t.idle_timeout = opts.idle_timeout.count() > 0 ? websocket::stream_base::duration(opts.idle_timeout)
                                                           : websocket::stream_base::none();
            t.keep_alive_pings = opts.keep_alive_pings && opts.idle_timeout.count() > 0;
            s->ws.set_option(t);
            s->ws.set_option(websocket::stream_base::decorator(
                [ua = opts.user_agent](websocket::request_type& req) { req.set(boost::beast::http::field::user_agent, ua); }));
            // The size limit is the read buffer's: exceeding it fails the read with
            // buffer_overflow and nothing else (Beast's own limit would start a closing
            // handshake whose outcome then hides the cause).
            s->ws.read_message_max(0);
            arm_watchdog(s, opts.handshake_timeout + std::chrono::milliseconds(500));
            s->ws.async_handshake(s->response, s->url.host_header, s->url.target,
                                  [self = this->shared_from_this(), s](boost::system::error_code e) { self->on_upgrade(s, e); });
        }

        void on_upgrade(const session_ptr& s, boost::system::error_code ec)
        {
            namespace websocket = boost::beast::websocket;
            if (s != cur)
                return;
            s->watchdog.cancel();
            const std::string& where = s->url.endpoint;
            if (s->timed_out || ec == boost::beast::error::timeout)
                return session_failed(s, fail_error(error_kind::timeout, "WebSocket upgrade with " + where + " timed out", ec));
            if (ec == websocket::error::upgrade_declined) {
                error e = fail_error(error_kind::http_status,
                                     "the server refused the WebSocket upgrade (HTTP " +
                                         std::to_string(s->response.result_int()) + ")",
                                     ec);
                e.http_status = s->response.result_int();
                return session_failed(s, std::move(e));
            }
            if (ec)
                return session_failed(s, fail_error(error_kind::transport, "WebSocket upgrade with " + where + " failed: " + ec.message(), ec));

            s->open = true;
            s->opened_at = clock::now();
            attempt = 0;
            emit(websocket_state::connected, where);
            if (opts.max_session_age.count() > 0) {
                age_timer.expires_at(s->url_at + opts.max_session_age);
                age_timer.async_wait([self = this->shared_from_this(), s, e = epoch](boost::system::error_code tec) {
                    if (!tec && e == self->epoch && s == self->cur && self->running)
                        self->refresh(s);
                });
            }
            read(s);
        }

        void read(const session_ptr& s)
        {
            s->ws.async_read(s->buffer, [self = this->shared_from_this(), s](boost::system::error_code ec, std::size_t) {
                self->on_read(s, ec);
            });
        }

        void on_read(const session_ptr& s, boost::system::error_code ec)
        {
            namespace websocket = boost::beast::websocket;
            if (s != cur || !running)
                return;
            if (ec) {
                const std::string& where = s->url.endpoint;
                if (ec == boost::beast::error::timeout)
                    return session_failed(
                        s, fail_error(error_kind::timeout,
                                      "nothing received from " + where + " for " + std::to_string(opts.idle_timeout.count()) +
                                          " ms" + (opts.keep_alive_pings ? " (pings unanswered)" : ""),
                                      ec));
                if (ec == websocket::error::closed) {
                    const auto& r = s->ws.reason();
                    std::string why = "closed by the server (code " + std::to_string(static_cast<unsigned>(r.code));
                    if (!r.reason.empty())
                        why += ": " + std::string(r.reason.data(), r.reason.size());
                    return session_failed(s, fail_error(error_kind::transport, why + ")", ec));
                }
                if (ec == websocket::error::buffer_overflow || ec == websocket::error::message_too_big)
                    return session_failed(s, fail_error(error_kind::transport,
                                                        "a message exceeded " + std::to_string(opts.max_message_size) +
                                                            " bytes",
                                                        ec));
                if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated ||
                    ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe)
                    return session_failed(s, fail_error(error_kind::transport,
                                                        "connection dropped by " + where + " (" + ec.message() + ")", ec));
                return session_failed(s, fail_error(error_kind::transport, "reading from " + where + " failed: " + ec.message(), ec));
            }
            auto data = s->buffer.data();
            std::string_view text(static_cast<const char*>(data.data()), data.size());
            {
                std::lock_guard<std::recursive_mutex> lock(cb_mutex);
                if (callbacks) {
                    try {
                        on_message(text);
                    } catch (...) {
                        s->buffer.consume(s->buffer.size());
                        if (s == cur && running)
                            read(s); // keep reading; the exception leaves through io_context::run()
                        throw;
                    }
                }
            }
            s->buffer.consume(s->buffer.size());
            if (s == cur && running) // the handler may have stopped us
                read(s);
        }

        /// max_session_age reached: close this connection, reconnect at once with a fresh URL.
        void refresh(const session_ptr& s)
        {
            std::string where = s->url.endpoint;
            emit(websocket_state::refreshing, where);
            cur.reset();
            auto up = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - s->opened_at);
            finish(s, boost::beast::websocket::close_code::going_away);
            websocket_status d;
            d.state = websocket_state::disconnected;
            d.endpoint = where;
            d.connected_for = up;
            emit(std::move(d));
            websocket_status r;
            r.state = websocket_state::reconnecting;
            r.endpoint = where;
            emit(std::move(r));
            boost::asio::post(strand, [self = this->shared_from_this(), e = epoch] {
                if (e == self->epoch)
                    self->connect_attempt();
            });
        }

        void session_failed(const session_ptr& s, error why)
        {
            if (s != cur)
                return;
            cur.reset();
            age_timer.cancel();
            s->abort();
            auto up = s->open ? std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - s->opened_at)
                              : std::chrono::milliseconds(0);
            if (s->open && up >= opts.reconnect_max)
                failures = 0; // it was a healthy connection: start the backoff over
            attempt_failed(std::move(why), s->url.endpoint, up);
        }

        void attempt_failed(error why, const std::string& endpoint, std::chrono::milliseconds connected_for)
        {
            if (!running)
                return;
            ++failures;
            auto delay = backoff(failures);
            websocket_status d;
            d.state = websocket_state::disconnected;
            d.endpoint = endpoint;
            d.attempt = failures;
            d.connected_for = connected_for;
            d.reason = std::move(why);
            emit(std::move(d));
            websocket_status r;
            r.state = websocket_state::reconnecting;
            r.endpoint = endpoint;
            r.attempt = failures;
            r.delay = delay;
            emit(std::move(r));
            retry_timer.expires_after(delay);
            retry_timer.async_wait([self = this->shared_from_this(), e = epoch](boost::system::error_code ec) {
                if (!ec && e == self->epoch)
                    self->connect_attempt();
            });
        }
    };

    std::unique_ptr<boost::asio::io_context> own_ioc_; // before impl_: outlives it
    std::shared_ptr<impl> impl_;
};

} // namespace cs2market

#endif
