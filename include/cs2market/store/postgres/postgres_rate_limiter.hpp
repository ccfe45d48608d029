// cs2market: rate budgets shared through PostgreSQL. Every process whose
// clients use the same store draws from one budget per provider, key and
// bucket, so that N processes together never send more than the documented
// N requests in any window, and a provider's 429 / Retry-After pauses the
// budget for all of them. Link cs2market::postgres.
//
//   auto lim = cs2market::postgres_rate_limiter::open("postgresql://bot@db/market").value();
//   opts.limiter = lim;   // or postgres_store::open(...) for the journal too
//
// A draw is one short transaction on the limiter's own connection and thread
// (never on the caller's io_context): the budget rows are locked in key
// order, the slot is computed as the local limiter does (at most N slots in
// any sliding window: the N-th last slot plus the window), stored, committed.
// Slots are wall-clock milliseconds: processes on several machines need
// synchronised clocks (NTP), and the margin below covers what is left.
#ifndef CS2MARKET_STORE_POSTGRES_POSTGRES_RATE_LIMITER_HPP
#define CS2MARKET_STORE_POSTGRES_POSTGRES_RATE_LIMITER_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/postgres/detail/pg_connection.hpp>
#include <cs2market/detail/serial_worker.hpp>
#include <cs2market/net/rate_limiter.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cs2market {

/// How the shared budgets count.
struct shared_budget_options {
    /// Every window is counted this much longer (a fraction of it). A request
    /// sent exactly one window after another can reach the provider a little
    /// earlier than that (connection set-up, scheduling, network jitter): then
    /// the provider would count N + 1. 3 % of a window keeps that from happening
    /// and still leaves ~97 % of the budget usable.
    double margin = 0.03;
    /// ...and never less than this: a process's connection set-up on a loaded
    /// machine takes a few hundred milliseconds, whatever the window (3 % of an
    /// accelerated 4 s window, 120 ms, let two requests of one window land in
    /// one: the fleet budget test saw it).
    std::chrono::milliseconds min_margin{250};
};

class postgres_rate_limiter final : public rate_limiter {
public:
    /// Connects with `conninfo` (see postgres_journal::open) and brings the
    /// schema up to date.
    CS2MARKET_DECL static result<std::shared_ptr<postgres_rate_limiter>> open(const std::string& conninfo,
                                                                              shared_budget_options opts = {});
    CS2MARKET_DECL ~postgres_rate_limiter() override;

    /// The slot as async_reserve() finds it, waiting for the store; when the
    /// store cannot be reached, the answer of a local limiter (this interface
    /// has no error to give: the executor uses async_reserve, which does).
    CS2MARKET_DECL clock::time_point reserve(std::span<const rate_draw> draws, clock::time_point now) override;
    /// One transaction on the limiter's thread; an unreachable store is an
    /// error (error_kind::journal) and the call is not sent.
    CS2MARKET_DECL void async_reserve(std::vector<rate_draw> draws, clock::time_point now,
                                      detail::unique_function<void(result<clock::time_point>)> done) override;
    /// Queued on the limiter's thread (the caller never waits for the store).
    CS2MARKET_DECL void release(std::span<const rate_draw> draws, clock::time_point slot) override;
    CS2MARKET_DECL void pause(std::span<const rate_draw> draws, clock::time_point until) override;

    /// reserve() with the store's error, waiting for it (tests, tools).
    CS2MARKET_DECL result<clock::time_point> try_reserve(std::span<const rate_draw> draws, clock::time_point now);

    /// The store, without its password.
    CS2MARKET_DECL std::string where() const;

private:
    postgres_rate_limiter(std::unique_ptr<detail::pg_connection> db, shared_budget_options o) : db_(std::move(db)), opts_(o) {}
    struct budget_ref {
        std::string name;
        unsigned requests = 0;
        std::int64_t window_ms = 0;
    };
    CS2MARKET_DECL std::vector<budget_ref> budgets_of(std::span<const rate_draw> draws) const;
    // On the limiter's thread:
    CS2MARKET_DECL result<clock::time_point> draw(const std::vector<budget_ref>& budgets, clock::time_point now);
    CS2MARKET_DECL void give_back(const std::vector<budget_ref>& budgets, std::int64_t slot);
    CS2MARKET_DECL void hold(const std::vector<budget_ref>& budgets, std::int64_t until);

    std::unique_ptr<detail::pg_connection> db_; ///< used on the worker's thread only
    shared_budget_options opts_;
    mutable std::mutex m_;
    std::map<clock::time_point, std::int64_t> wall_of_; ///< slots handed out -> their wall-clock ms, for release()
    std::string where_;
    detail::serial_worker worker_; ///< last: stopped (queue drained) before the rest goes
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/postgres/impl/pg_connection.ipp>
#include <cs2market/store/postgres/impl/postgres_rate_limiter.ipp>
#endif

#endif
