// cs2market: the order journal. A client with a journal records every buy
// (provider, operation, idempotency id, the request without any secret, the
// price ceiling) durably before the request leaves the process, and every
// answer, reconciliation and phase transition after; order_tracker::resume()
// picks up whatever a crash left unfinished. One implementation
// (detail/sql_journal.hpp, with the schema and migrations of
// detail/journal_schema.hpp) runs over an SQL session of either store:
// sqlite_journal and, for fleets of processes, postgres_journal.
//
// The journal never stores a key or a token.
#ifndef CS2MARKET_ORDERS_JOURNAL_HPP
#define CS2MARKET_ORDERS_JOURNAL_HPP

#include <cs2market/net/call_recorder.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/detail/complete_from_thread.hpp>
#include <cs2market/detail/serial_worker.hpp>
#include <cs2market/detail/unique_function.hpp>
#include <cs2market/error.hpp>
#include <cs2market/orders/order.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace cs2market {

namespace detail {
using journal_job = unique_function<void()>;
} // namespace detail

/// What record_intent found: the order as journaled, and whether this call
/// created it (false: the id was journaled before, by this or another process;
/// the buy must not be sent again).
struct intent_record {
    order journaled;
    bool created = false;
};

/// The old name: "claim" also named a lease and CSBoard's held-order claim.
using journal_claim [[deprecated("use intent_record")]] = intent_record;

/// Settings of a journal store.
struct journal_options {
    /// The clock every time the journal stamps or compares is read from
    /// (intents' created_at and send deadlines, leases). Empty, the default: the
    /// database's own (the server's for PostgreSQL, the machine's for an SQLite
    /// file), so that every process sharing the journal compares times on one
    /// clock whatever its own says. Set it only to control time in tests (a
    /// store with several connections calls it from several threads).
    std::function<unix_ms()> clock;
};

/// The journal interface. Every call is one durable transaction. The
/// synchronous calls block on the database; the async_ forms run them on the
/// journal's own thread, so a journal write never blocks the caller's io_context.
///
/// Times that several processes compare (created_at, send_deadline, leases)
/// are the journal's clock (journal_options::clock), never the caller's.
///
/// As a client's recorder (client_options::journal) it journals each buy as an
/// order through the buy's record_binding (journaled_buy.hpp).
class journal : public call_recorder {
public:
    CS2MARKET_DECL journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;
    CS2MARKET_DECL virtual ~journal();

    /// Records a buy about to be sent (phase submitted); durable when it returns.
    /// `request_json` is the request body with every secret removed. The order's
    /// created_at becomes the journal's now, and its send_deadline keeps its
    /// distance from created_at (the caller's clock sets only the window).
    virtual result<intent_record> record_intent(const order& o, std::string_view request_json) = 0;

    /// Stores `o`'s facts; with `change`, only when the journaled phase is still
    /// `change->from` (compare and set: false when another writer moved it first,
    /// then nothing is stored) and the transition is appended to its history as
    /// the next seq (a `change->seq` that is set and is not the next: false too).
    virtual result<bool> save(const order& o, const phase_change* change) = 0;

    /// Records that the transitions of (p, id) up to `seq` were handed to a
    /// handler that returned: resume() hands over only those after it.
    virtual result<void> mark_delivered(provider_id p, std::string_view id, std::uint64_t seq) = 0;

    /// The order journaled under (provider, id).
    virtual result<std::optional<order>> find(provider_id p, std::string_view id) = 0;

    /// The order whose provider order id is `order_id` (a push that names only it).
    virtual result<std::optional<order>> find_by_order_id(provider_id p, std::string_view order_id) = 0;

    /// Every order, oldest first; with `unfinished_only`, the orders a tracker
    /// follows: not final, reversed with the refund not known yet, or with
    /// transitions not handed to a handler yet.
    virtual result<std::vector<order>> load(bool unfinished_only) = 0;

    // Leases, for several workers following one shared journal: each followed
    // order is followed by the one worker holding its lease; a worker that dies
    // stops renewing, and another claims its orders once the lease has run out.
    // Lease times are the journal's clock: workers whose clocks differ agree.

    /// Claims for `owner`, for `lease` from the journal's now, up to `limit`
    /// followed orders: those it holds, those nobody holds, and those whose lease
    /// ran out. Answers the orders it now holds (with their history).
    virtual result<std::vector<order>> claim_unfinished(std::string_view owner, std::chrono::milliseconds lease, std::size_t limit) = 0;
    /// Extends `owner`'s leases to `lease` from the journal's now; answers
    /// (provider, id) of the orders it still holds.
    virtual result<std::vector<std::pair<std::string, std::string>>> renew(std::string_view owner, std::chrono::milliseconds lease) = 0;
    /// Gives up `owner`'s leases (a clean stop).
    virtual result<void> release(std::string_view owner) = 0;

    /// The journal's clock (journal_options::clock), milliseconds since the Unix epoch.
    virtual result<unix_ms> now() = 0;

    /// A buy known only by what the executor knows of it is not sent: the journal
    /// records orders, which it learns of through the buy's record_binding.
    CS2MARKET_DECL std::shared_ptr<call_record> record(const recorded_buy& buy) override;

    /// Runs `fn` on the journal's thread and completes `token` with its result
    /// on the token's executor.
    template <class R, class Fn, class Token>
    auto async_run(Fn fn, Token&& token);

    /// async_run for a job that needs no order with the others (one buy's intent
    /// or answer: the buy awaits each of its own steps): a store with several
    /// connections (postgres_journal) runs it beside the others, so that buys in
    /// flight together do not wait for each other's commits; otherwise as async_run.
    template <class R, class Fn, class Token>
    auto async_run_unordered(Fn fn, Token&& token);

    /// Runs `fn` on the journal's thread; nobody waits for it and no executor is
    /// touched afterwards (the thread may finish it after main returned, so
    /// nothing of a caller's io_context, nor a system executor, may be involved).
    void run_detached(detail::journal_job fn) { post_work(std::move(fn)); }

protected:
    /// Stops the journal's thread; derived destructors call it before closing their database.
    CS2MARKET_DECL void stop_worker() noexcept;
    /// Where async_run_unordered's jobs run: the journal's thread unless a store has more.
    CS2MARKET_DECL virtual void post_unordered(detail::journal_job job);

private:
    CS2MARKET_DECL void post_work(detail::journal_job job);
    template <class R, class Fn, class Token>
    auto initiate(bool unordered, Fn fn, Token&& token);

    detail::serial_worker worker_;
};

/// The names providers are stored under, kept for the process's life so that a
/// provider_id read back from a journal stays valid.
CS2MARKET_DECL provider_id intern_provider_id(std::string_view name);

template <class R, class Fn, class Token>
auto journal::async_run(Fn fn, Token&& token)
{
    return initiate<R>(false, std::move(fn), std::forward<Token>(token));
}

template <class R, class Fn, class Token>
auto journal::async_run_unordered(Fn fn, Token&& token)
{
    return initiate<R>(true, std::move(fn), std::forward<Token>(token));
}

template <class R, class Fn, class Token>
auto journal::initiate(bool unordered, Fn fn, Token&& token)
{
    return boost::asio::async_initiate<Token, void(R)>(
        [this, unordered](auto handler, Fn f) {
            auto work = detail::keep_busy(handler);
            detail::journal_job job([h = std::move(handler), f = std::move(f), w = std::move(work)]() mutable {
                // The job's captures (often the journal itself) go before the
                // caller hears back: the caller may then drop the last reference.
                R r = [fn = std::move(f)]() mutable { return fn(); }();
                detail::complete_from_thread(std::move(h), std::move(w), std::move(r));
            });
            if (unordered)
                post_unordered(std::move(job));
            else
                post_work(std::move(job));
        },
        token, std::move(fn));
}

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/orders/impl/journal.ipp>
#endif

#endif
