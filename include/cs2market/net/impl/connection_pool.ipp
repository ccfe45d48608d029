// cs2market: bodies of detail/connection_pool.hpp.
#ifndef CS2MARKET_NET_IMPL_CONNECTION_POOL_IPP
#define CS2MARKET_NET_IMPL_CONNECTION_POOL_IPP

#include <cs2market/net/detail/connection_pool.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace cs2market::detail {

CS2MARKET_DECL result<void> connection_pool::init_tls()
{
    if (ssl_)
        return {};
    auto ctx = make_tls_context(opt_.ca_file, prov_);
    if (!ctx)
        return ctx.error();
    ssl_ = std::move(*ctx);
    return {};
}

CS2MARKET_DECL boost::asio::awaitable<result<connection_pool::conn_ptr>> connection_pool::acquire(steady_clock::time_point deadline,
                                                                                                    call_state& cs)
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
            co_return fresh();
        }
        if (cs.cancelled)
            co_return transport_error(prov_, error_kind::transport, "cancelled", boost::asio::error::operation_aborted);
        if (steady_clock::now() >= deadline)
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

CS2MARKET_DECL void connection_pool::release(conn_ptr c, bool reusable)
{
    if (reusable && c->open) {
        c->last_used = steady_clock::now();
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

CS2MARKET_DECL void connection_pool::end_warm(conn_ptr c, bool ok)
{
    --warming_;
    release(std::move(c), ok);
}

CS2MARKET_DECL connection_pool::conn_ptr connection_pool::fresh()
{
    return std::make_unique<https_connection>(ex_, *ssl_);
}

} // namespace cs2market::detail

#endif
