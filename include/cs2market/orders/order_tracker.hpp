// cs2market: following orders of every provider to their end, on your
// executor, with one handler called once per phase transition.
//
//   auto store = cs2market::sqlite_journal::open("orders.db").value();
//   cs2market::order_tracker tracker(ioc.get_executor(), store,
//       [](const cs2market::order& o, const cs2market::phase_change& c) { ... });
//   tracker.add_source(std::make_shared<cs2market::csboard::order_source>(board)); // one per provider
//   tracker.resume();   // every unfinished journaled order: reconciled, then followed
//   ioc.run();
//
// Sources of observations, merged into one forward-only stream per order with
// duplicates dropped: polling through each provider's lookups (batched where
// the provider can), pushes (CS2DT callbacks handed to observe(), Skinify's
// WebSocket through its source), and a resynchronisation of every unfinished
// order after a feed reconnects. Every transition is journaled before the
// handler sees it and marked handed over after the handler returns; resume()
// hands the ones a crash left unmarked to the handler again, in order: the
// delivery is at least once, deduplicated by (provider, id, phase_change::seq).
#ifndef CS2MARKET_ORDERS_ORDER_TRACKER_HPP
#define CS2MARKET_ORDERS_ORDER_TRACKER_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/orders/order.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cs2market {

namespace detail {
struct tracker_impl;
}

/// A provider's side of tracking (each provider's folder has one, e.g.
/// cs2market::csboard::order_source over its client).
class order_source {
public:
    using lookup_handler = std::function<void(result<std::vector<order_observation>>)>;
    using deliver_fn = std::function<void(order_observation)>;

    virtual ~order_source() = default;
    virtual provider_id provider() const = 0;
    /// Looks orders up (batched where the provider can): `done` gets what was
    /// seen of each, matched by idempotency id or order id, each with the time it
    /// was asked (observed_at). Only an answer the provider's docs say means
    /// "nothing under this id" proves a buy was never made (`not_found`); an order
    /// the answer does not mention is simply not seen. A failure for some orders
    /// only leaves those unseen (an error: none could be asked). Submitted and
    /// unknown orders of a provider that replays by id may be sent again with it
    /// (observation_source::replay). Runs on the tracker's executor.
    virtual void async_lookup(std::vector<order> orders, lookup_handler done) = 0;
    /// How many ids one async_lookup takes at most.
    virtual std::size_t max_batch() const { return 50; }
    using action_handler = std::function<void(result<order_observation>)>;
    /// Cancels the order where the provider lets us (CS2DT buyer_cancel_order
    /// before delivery, Skinify cancel-reservation while reserved): `done` gets
    /// what the provider then says of it.
    virtual void async_cancel(const order& o, action_handler done)
    {
        (void)o;
        done(detail::make_error(error_kind::invalid_argument, "this provider offers no cancellation", provider()));
    }
    /// Releases a held order (CSBoard claim_order once its hold has cleared).
    virtual void async_release(const order& o, action_handler done)
    {
        (void)o;
        done(detail::make_error(error_kind::invalid_argument, "this provider has no held orders to claim", provider()));
    }
    /// Push sources (feeds): deliver observations as they come; `resync` after a
    /// reconnect, so that every unfinished order is looked up again.
    virtual void start(deliver_fn deliver, std::function<void()> resync)
    {
        (void)deliver;
        (void)resync;
    }
    virtual void stop() {}
};

/// What the parts of one lookup (a request per id, or several batches) saw,
/// gathered: `done` is called once, when the last part answered, with what was
/// seen, or with an error only when no part could be asked. Make it with
/// std::make_shared, add() each part before starting any, then finish() once.
class lookup_gather {
public:
    explicit lookup_gather(order_source::lookup_handler done) : done_(std::move(done)) {}
    /// One more part to wait for.
    void add() { ++left_; }
    /// A part's answer.
    void seen(order_observation o) { seen_.push_back(std::move(o)); }
    void failed(error e)
    {
        ++failed_;
        if (!failure_)
            failure_ = std::move(e);
    }
    /// A part is done (also call it once after starting them all).
    void finish()
    {
        if (left_ > 0 && --left_ > 0)
            return;
        if (seen_.empty() && failed_ > 0)
            done_(*failure_); // none could be asked
        else
            done_(std::move(seen_));
    }

private:
    order_source::lookup_handler done_;
    std::vector<order_observation> seen_;
    std::optional<error> failure_;
    std::size_t left_ = 1; // the starter's own finish()
    std::size_t failed_ = 0;
};

/// The order_source of `Provider` (each provider's tracking.hpp specialises it).
template <class Provider>
struct order_source_for;

/// How often the tracker looks.
struct tracker_options {
    /// While an order moves (before delivered).
    std::chrono::milliseconds moving_poll{2'000};
    /// While a delivered order waits for the end of trade protection (days).
    std::chrono::milliseconds waiting_poll{10 * 60'000};
    /// A submitted or unknown order whose lookup gets the provider's documented
    /// "nothing under this id" is failed (never bought, nothing charged) only this
    /// long after it was journaled, after its send deadline (order::send_deadline:
    /// until then a rate-limit wait or a retry may still send it) and after its
    /// last answer: a buy in flight may not be recorded yet. Compared on the
    /// journal's clock (journal::now()), so a worker whose clock is off never
    /// fails another's buy early.
    std::chrono::milliseconds reconcile_grace{60'000};
    /// Steam's trade protection, counted from the acceptance where a provider's
    /// docs do not say when an order stops being reversible (CSBoard tradable_at).
    std::chrono::milliseconds trade_protection = steam_trade_protection;
    /// A delivered order settles only on an answer fetched at least this long
    /// after its end of protection (clocks differ; a reversal may show late).
    std::chrono::milliseconds settle_margin{60'000};
    /// The tracker's own clock (stamps, settlement): the system clock when empty.
    /// Times shared with other workers (grace, leases) are the journal's clock.
    std::function<unix_ms()> clock;
    /// How often due work is checked.
    std::chrono::milliseconds tick{100};

    /// Several workers sharing one journal (a fleet on PostgreSQL, or processes
    /// on one SQLite file): this worker's name, unique among them. Set, resume()
    /// follows only the orders this worker holds a lease on, renews them every
    /// `lease_renew` and claims orders whose holder stopped renewing, so the orders
    /// are split between the workers and a dead worker's orders are taken over
    /// within `lease + lease_renew` (25 s by default). Transitions are journaled
    /// compare-and-set, so even an order two workers follow is delivered once.
    std::string owner;
    std::chrono::milliseconds lease{20'000};
    std::chrono::milliseconds lease_renew{5'000};
    /// Orders one worker claims at most.
    std::size_t max_orders = 100'000;
};

/// What the tracker counted.
struct tracker_stats {
    std::size_t transitions = 0;      ///< delivered to the handler (redeliveries after a resume included)
    std::size_t ignored = 0;          ///< late, duplicate or after a final phase
    std::size_t contradictions = 0;   ///< a final order seen in another phase (a notice each; the order does not move)
    std::size_t unknown_statuses = 0; ///< status values no schema lists (kept, order not moved)
    std::size_t lookups = 0;          ///< lookup batches sent
    std::size_t lookup_errors = 0;
    std::size_t journal_conflicts = 0; ///< moved by another writer first (reloaded)
    std::size_t journal_errors = 0;
};

/// Follows orders on an executor and calls the handler for each phase
/// transition, in order, with the order (after the transition) and the
/// transition, at least once: a transition is marked handed over when the
/// handler returns, and resume() hands over again what a crash left unmarked
/// (also transitions journaled by a client, e.g. a buy's answer). Deduplicate
/// by (provider, order id, phase_change::seq). Thread-safe: every member may be
/// called from any thread; the handlers run on the tracker's strand.
class order_tracker {
public:
    using handler = std::function<void(const order&, const phase_change&)>;
    /// Something worth knowing that moves no order: an unknown status value, a
    /// final order seen in another phase (a contradiction), a journal or lookup error.
    using notice_handler = std::function<void(const order*, const std::string&)>;

    CS2MARKET_DECL order_tracker(boost::asio::any_io_executor ex, std::shared_ptr<journal> store, handler on_transition,
                                 tracker_options opts = {}, notice_handler on_notice = {});
    CS2MARKET_DECL ~order_tracker();
    order_tracker(const order_tracker&) = delete;
    order_tracker& operator=(const order_tracker&) = delete;

    /// Adds the source of one provider (replacing an earlier one of the same provider).
    CS2MARKET_DECL void add_source(std::shared_ptr<order_source> source);

    /// Loads every unfinished order from the journal and follows it: submitted
    /// and unknown ones are reconciled by their id first (a buy the lookup proves
    /// was never made ends failed, nothing charged). A journal that cannot be
    /// read (the database down) is read again every `moving_poll` (a notice
    /// each time) until it can, or until stop().
    CS2MARKET_DECL void resume();

    /// Follows one journaled order (e.g. just bought through a journaled client);
    /// read again like resume()'s when the journal cannot be read.
    CS2MARKET_DECL void follow(provider_id p, std::string id);

    /// An observation from a push (a verified CS2DT callback, say). An order not
    /// followed yet is followed from the journal when it has it (a buy of a
    /// moment ago), so pushes that outrun follow() are not lost.
    CS2MARKET_DECL void observe(order_observation obs);

    /// Looks every unfinished order up again now.
    CS2MARKET_DECL void resync();

    /// Acts on a followed order through its provider's source; the provider's
    /// answer is an observation like any other (journaled, then the handler),
    /// and `done` gets the outcome of the request (on the tracker's strand). An
    /// order journaled but not loaded yet (follow() just called, say) is read from
    /// the journal first and followed from then on.
    CS2MARKET_DECL void cancel(provider_id p, std::string id, std::function<void(result<void>)> done);
    /// Releases a held order (CSBoard claim_order).
    CS2MARKET_DECL void release(provider_id p, std::string id, std::function<void(result<void>)> done);
    [[deprecated("use release(): claim meant three things")]] void claim(provider_id p, std::string id,
                                                                           std::function<void(result<void>)> done)
    {
        release(p, std::move(id), std::move(done));
    }

    /// Stops polling and the sources; handlers are not called after it returns
    /// (unless called from a handler).
    CS2MARKET_DECL void stop();

    /// The orders followed (a snapshot; final ones included).
    CS2MARKET_DECL std::vector<order> orders() const;
    /// True when every followed order is final (and at least one was followed, or
    /// resume() found none). False while a journal read of resume(), follow() or a
    /// claim failed and waits to be done again: unread is not "nothing unfinished".
    CS2MARKET_DECL bool all_final() const;
    CS2MARKET_DECL tracker_stats stats() const;

private:
    std::shared_ptr<detail::tracker_impl> impl_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/orders/impl/order_tracker.ipp>
#endif

#endif
