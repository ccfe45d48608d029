// cs2market internal: the state behind order_tracker, on one strand.
#ifndef CS2MARKET_ORDERS_DETAIL_TRACKER_IMPL_HPP
#define CS2MARKET_ORDERS_DETAIL_TRACKER_IMPL_HPP

#include <cs2market/orders/order_tracker.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

namespace cs2market::detail {

struct tracker_impl : std::enable_shared_from_this<tracker_impl> {
    using clock = std::chrono::steady_clock;
    using key = std::pair<std::string, std::string>; ///< (provider, idempotency id)

    struct tracked {
        order o;
        clock::time_point next_poll{};
        bool saving = false;    ///< a transition is being journaled: later observations wait
        bool in_lookup = false; ///< a lookup batch names it
        unsigned misses = 0;    ///< lookups in a row that did not see it (polled less often)
        std::deque<order_observation> queued;
    };
    /// What the tracker does to a followed order through its provider's source.
    enum class action : std::uint8_t { cancel, release };

    CS2MARKET_DECL tracker_impl(boost::asio::any_io_executor ex, std::shared_ptr<journal> j, order_tracker::handler h,
                                tracker_options o, order_tracker::notice_handler n);

    boost::asio::strand<boost::asio::any_io_executor> strand;
    std::shared_ptr<journal> store;
    order_tracker::handler on_transition;
    order_tracker::notice_handler on_notice;
    tracker_options opts;
    boost::asio::steady_timer timer;
    boost::asio::steady_timer lease_timer;

    // Strand only.
    std::map<key, tracked> orders;
    std::map<key, key> by_order_id; ///< (provider, order id) -> key
    std::map<std::string, std::shared_ptr<order_source>, std::less<>> sources;
    /// Observations of orders not followed yet, waiting for the journal to say
    /// whether it has them (keyed by provider and "id:..." or "order:...").
    std::map<key, std::deque<order_observation>> awaiting;
    bool running = true;
    // Journal reads that failed (the database down, say): not "nothing to
    // follow"; read again from tick() every moving_poll, all_final() false meanwhile.
    bool resume_unread = false;                                      ///< resume()'s load of the unfinished orders
    bool claim_failed = false;                                       ///< the last claim (with an owner) failed
    std::vector<std::pair<provider_id, std::string>> follows_unread; ///< follow()s whose read failed
    std::size_t rereads = 0;                                         ///< reads failed and not done since
    clock::time_point reread_at{};

    // Read from any thread (orders(), stats(), all_final()).
    mutable std::mutex snapshot_m;
    std::vector<order> snapshot;
    tracker_stats counts;
    bool loaded = false;        ///< resume() or follow() has run
    std::size_t unread = 0;     ///< rereads (and a failed claim), as of the last publish()

    CS2MARKET_DECL void start();
    /// With an owner: renew the leases held, drop the orders lost, claim free ones.
    CS2MARKET_DECL void lease_tick();
    CS2MARKET_DECL void claim();
    /// resume() without an owner: every unfinished order (`again`: a failed read done again).
    CS2MARKET_DECL void read_unfinished(bool again);
    /// follow(): one order.
    CS2MARKET_DECL void read_one(provider_id p, std::string id, bool again);
    /// A read failed: done again from tick() in moving_poll.
    CS2MARKET_DECL void read_failed(const std::string& what);
    CS2MARKET_DECL void tick();
    CS2MARKET_DECL void add(order o);
    CS2MARKET_DECL void route(order_observation obs);
    /// An observation of an order not followed: follow it if the journal has it.
    CS2MARKET_DECL void adopt(order_observation obs);
    CS2MARKET_DECL void process(const key& k, order_observation obs);
    CS2MARKET_DECL void saved(const key& k, order next, phase_change change, result<bool> r);
    CS2MARKET_DECL void drain(const key& k);
    CS2MARKET_DECL void looked_up(const std::string& provider, std::vector<std::string> ids, result<std::vector<order_observation>> r);
    /// Lookups that found nothing under an id: concluded on the journal's clock, after the grace.
    CS2MARKET_DECL void conclude_not_found(const std::string& provider, std::vector<order_observation> nf);
    /// Hands the transitions of `t` the handler has not seen (after a crash, or
    /// journaled by a client) to it, in order, and marks them handed over.
    CS2MARKET_DECL void hand_over(tracked& t);
    /// The handler saw `o`'s transitions up to `seq`.
    CS2MARKET_DECL void mark_handed_over(const order& o, std::uint64_t seq);
    /// Still followed: not final, or a reversal whose refund is not known yet.
    static bool followed(const order& o) { return !is_final(o.phase) || refund_pending(o.phase, o.refunded); }
    unix_ms now_ms() const { return opts.clock ? opts.clock() : now_unix_ms(); }
    /// Our clock corrected to the journal's (the fleet's one clock), measured every
    /// few seconds: settlement and stamps never run ahead on a worker whose clock does.
    unix_ms fleet_now() const { return now_ms() + clock_offset; }
    CS2MARKET_DECL void measure_clock();
    std::int64_t clock_offset = 0;
    clock::time_point clock_measured{};
    CS2MARKET_DECL void schedule(tracked& t);
    CS2MARKET_DECL void notice(const order* o, std::string what);
    /// cancel() and release(): the source's action on a followed order (one not loaded
    /// yet is read from the journal first, unless `journal_read`).
    CS2MARKET_DECL void act(provider_id p, const std::string& id, action what, std::function<void(result<void>)> done,
                            bool journal_read = false);
    CS2MARKET_DECL void publish(); ///< refreshes the snapshot read by other threads
};

} // namespace cs2market::detail

#endif
