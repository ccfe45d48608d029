// cs2market: bodies of detail/session_pool.hpp.
#ifndef CS2MARKET_STORE_IMPL_SESSION_POOL_IPP
#define CS2MARKET_STORE_IMPL_SESSION_POOL_IPP

#include <cs2market/store/detail/session_pool.hpp>

#include <string>

namespace cs2market::detail {

CS2MARKET_DECL session_pool::session_pool(std::vector<std::unique_ptr<sql_session>> sessions, std::chrono::milliseconds wait)
    : all_(std::move(sessions)), wait_(wait)
{
    for (auto it = all_.rbegin(); it != all_.rend(); ++it)
        free_.push_back(it->get()); // the first (connected by open) on top
    // Made now: failure() reads what a session learnt on connecting, which
    // another thread may be changing when a take() fails.
    busy_ = all_.front()->failure("no connection free", "all " + std::to_string(all_.size()) + " busy for " +
                                                            std::to_string(wait_.count()) + " ms");
}

CS2MARKET_DECL result<session_pool::lease> session_pool::take()
{
    std::unique_lock<std::mutex> lk(m_);
    if (!cv_.wait_for(lk, wait_, [&] { return !free_.empty(); }))
        return busy_;
    sql_session* s = free_.back();
    free_.pop_back();
    return lease(this, s);
}

CS2MARKET_DECL void session_pool::give_back(sql_session* s) noexcept
{
    {
        std::lock_guard<std::mutex> lk(m_);
        free_.push_back(s);
    }
    cv_.notify_one();
}

} // namespace cs2market::detail

#endif
