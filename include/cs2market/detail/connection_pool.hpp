// cs2market internal: the keep-alive connections of one client to its host.
// Lives on the client's strand: no locking, every member is touched there only.
#ifndef CS2MARKET_DETAIL_CONNECTION_POOL_HPP
#define CS2MARKET_DETAIL_CONNECTION_POOL_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/detail/https_connection.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <deque>
#include <memory>

namespace cs2market::detail {

/// What a call in progress is doing, so that cancellation can end it at once.
struct call_state {
    bool cancelled = false;
    https_connection* conn = nullptr;        ///< the connection in use, if any
    boost::asio::steady_timer* timer = nullptr; ///< the wait in progress, if any

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
    using clock = std::chrono::steady_clock;
    using conn_ptr = std::unique_ptr<https_connection>;

    connection_pool(boost::asio::any_io_executor ex, const client_options& o, provider_id p)
        : ex_(std::move(ex)), opt_(o), prov_(p), ssl_(boost::asio::ssl::context::tls_client)
    {
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
            return transport_error(prov_, error_kind::invalid_argument,
                                   opt_.ca_file.empty() ? "cannot load the system trust store: " + ec.message()
                                                        : "cannot load CA file " + opt_.ca_file + ": " + ec.message(),
                                   ec);
        tls_ready_ = true;
        return {};
    }

    /// A healthy idle connection, or a new unopened one when under the bound, or
    /// the first one released before the deadline.
    boost::asio::awaitable<result<conn_ptr>> acquire(clock::time_point deadline, call_state& cs);

    /// Returns a connection: kept when still usable, otherwise dropped (and its
    /// slot freed for a fresh one). Wakes one call waiting for a connection.
    void release(conn_ptr c, bool reusable)
    {
        if (reusable && c->open) {
            c->last_used = clock::now();
            idle_.push_back(std::move(c));
        } else {
            c->close();
            --total_;
        }
        if (!waiters_.empty()) {
            waiters_.front()->cancel();
            waiters_.pop_front();
        }
    }

    /// A new connection taking the slot of one being replaced.
    conn_ptr fresh() { return std::make_unique<https_connection>(ex_, ssl_); }

    void note_opened() noexcept { ++opened_; }
    std::size_t connections_opened() const noexcept { return opened_; }
    std::size_t idle_connections() const noexcept { return idle_.size(); }
    std::size_t open_connections() const noexcept { return total_; }

private:
    boost::asio::any_io_executor ex_;
    const client_options& opt_;
    provider_id prov_;
    boost::asio::ssl::context ssl_;
    bool tls_ready_ = false;
    std::deque<conn_ptr> idle_;
    std::deque<boost::asio::steady_timer*> waiters_;
    std::size_t total_ = 0;
    std::size_t opened_ = 0;
};

#if !defined(CS2MARKET_SEPARATE_COMPILATION) || defined(CS2MARKET_SOURCE)
CS2MARKET_DECL boost::asio::awaitable<result<connection_pool::conn_ptr>> connection_pool::acquire(clock::time_point deadline, call_state& cs)
{
    for (;;) {
        while (!idle_.empty()) {
            conn_ptr c = std::move(idle_.back());
            idle_.pop_back();
            if (c->healthy(opt_.idle_timeout))
                co_return c;
            c->close(); // expired or closed by the peer: replaced
            --total_;
        }
        if (total_ < std::max<std::size_t>(1, opt_.max_connections)) {
            ++total_;
            co_return std::make_unique<https_connection>(ex_, ssl_);
        }
        if (cs.cancelled)
            co_return transport_error(prov_, error_kind::transport, "cancelled", boost::asio::error::operation_aborted);
        if (clock::now() >= deadline)
            co_return transport_error(prov_, error_kind::timeout, "no free connection before the call's deadline",
                                      boost::asio::error::timed_out);
        boost::asio::steady_timer t(ex_, deadline);
        waiters_.push_back(&t);
        cs.timer = &t;
        boost::system::error_code ec;
        co_await t.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        cs.timer = nullptr;
        waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), &t), waiters_.end());
    }
}
#endif // definitions

} // namespace cs2market::detail

#endif
