// cs2market internal: the sessions of one journal store, so that several of its
// transactions run at once (PostgreSQL: one connection each, and the server
// flushes commits arriving together in one WAL write; an SQLite file has one).
// A call takes a free session for one transaction and gives it back after; a
// call that finds none free waits, up to a bound, then fails with a typed error.
#ifndef CS2MARKET_STORE_DETAIL_SESSION_POOL_HPP
#define CS2MARKET_STORE_DETAIL_SESSION_POOL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_session.hpp>
#include <cs2market/error.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace cs2market::detail {

class session_pool {
public:
    /// `sessions` (at least one; not connected yet is fine: each connects on its
    /// first begin()); a take() waits up to `wait` for one to be free.
    CS2MARKET_DECL session_pool(std::vector<std::unique_ptr<sql_session>> sessions, std::chrono::milliseconds wait);
    session_pool(const session_pool&) = delete;
    session_pool& operator=(const session_pool&) = delete;

    /// A session held by one call; given back when destroyed.
    class lease {
    public:
        lease(lease&& o) noexcept : pool_(o.pool_), s_(o.s_) { o.pool_ = nullptr; }
        lease& operator=(lease&&) = delete;
        ~lease()
        {
            if (pool_)
                pool_->give_back(s_);
        }
        sql_session& operator*() const noexcept { return *s_; }
        sql_session* operator->() const noexcept { return s_; }

    private:
        friend class session_pool;
        lease(session_pool* p, sql_session* s) noexcept : pool_(p), s_(s) {}
        session_pool* pool_;
        sql_session* s_;
    };

    /// A free session: the one given back last (already connected, most likely),
    /// else waits up to the bound; then an error_kind::journal error.
    CS2MARKET_DECL result<lease> take();

    std::size_t size() const noexcept { return all_.size(); }
    /// Any session, for what does not touch its connection (messages).
    const sql_session& front() const noexcept { return *all_.front(); }

private:
    CS2MARKET_DECL void give_back(sql_session* s) noexcept;

    std::vector<std::unique_ptr<sql_session>> all_;
    std::chrono::milliseconds wait_;
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<sql_session*> free_; ///< a stack: the last given back is taken first
    error busy_;
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/impl/session_pool.ipp>
#endif

#endif
