// cs2market internal: the keep-alive connections of one client to its host.
// Lives on the client's strand: no locking, every member is touched there only.
#ifndef CS2MARKET_NET_DETAIL_CONNECTION_POOL_HPP
#define CS2MARKET_NET_DETAIL_CONNECTION_POOL_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/net/detail/https_connection.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>

namespace cs2market::detail {

/// What a call in progress is doing, so that cancellation can end it at once.
struct call_state {
    bool cancelled = false;
    https_connection* conn = nullptr;            ///< the connection in use, if any
    boost::asio::steady_timer* timer = nullptr;  ///< the wait in progress, if any

    void cancel()
    {
        cancelled = true;
        if (conn)
            conn->close();
        if (timer)
            timer->cancel();
    }
};

class connection_pool {
public:
    using conn_ptr = std::unique_ptr<https_connection>;

    connection_pool(boost::asio::any_io_executor ex, const client_options& o, provider_id p) : ex_(std::move(ex)), opt_(o), prov_(p) {}

    /// The TLS context, made on first use (a bad CA file fails the call, not the constructor).
    CS2MARKET_DECL result<void> init_tls();

    /// A healthy idle connection, or a new unopened one when under the bound, or
    /// the first one released before the deadline.
    CS2MARKET_DECL boost::asio::awaitable<result<conn_ptr>> acquire(steady_clock::time_point deadline, call_state& cs);

    /// Returns a connection: kept when still usable, otherwise dropped (and its
    /// slot freed for a fresh one). Wakes one call waiting for a connection.
    CS2MARKET_DECL void release(conn_ptr c, bool reusable);

    /// A new connection taking the slot of one being replaced.
    CS2MARKET_DECL conn_ptr fresh();

    /// A connection is being opened ahead of need (keep_warm): it holds a slot.
    void begin_warm() noexcept
    {
        ++total_;
        ++warming_;
    }
    /// Done opening it: kept idle when open, the slot freed otherwise.
    CS2MARKET_DECL void end_warm(conn_ptr c, bool ok);
    /// Idle connections, and those being opened to become idle.
    std::size_t idle_or_warming() const noexcept { return idle_.size() + warming_; }
    bool can_grow() const noexcept { return total_ < std::max<std::size_t>(1, opt_.max_connections); }

    void note_opened() noexcept { ++opened_; }
    std::size_t connections_opened() const noexcept { return opened_; }
    std::size_t idle_connections() const noexcept { return idle_.size(); }
    std::size_t open_connections() const noexcept { return total_; }

private:
    boost::asio::any_io_executor ex_;
    const client_options& opt_;
    provider_id prov_;
    std::shared_ptr<boost::asio::ssl::context> ssl_;
    std::deque<conn_ptr> idle_;
    std::deque<boost::asio::steady_timer*> waiters_;
    std::size_t total_ = 0;
    std::size_t opened_ = 0;
    std::size_t warming_ = 0;
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/connection_pool.ipp>
#endif

#endif
