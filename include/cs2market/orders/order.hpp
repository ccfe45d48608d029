// cs2market: one order lifecycle across the providers. A buy becomes an order
// whose phase moves forward only, from `submitted` to one final phase; each
// provider's status values say their phase in its schema
// (x-cs2market-order-phases), so the core names no provider's status.
//
//   submitted ─▶ unknown ─▶ pending ─▶ reserved ─▶ delivering ─▶ delivered ─▶ settled
//        │          │          │          │            │              └──▶ reversed
//        └──────────┴──────────┴──────────┴────────────┴──▶ failed / cancelled
#ifndef CS2MARKET_ORDERS_ORDER_HPP
#define CS2MARKET_ORDERS_ORDER_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

/// Where an order is. The last four are final: an order never leaves them.
enum class order_phase : std::uint8_t {
    submitted,  ///< journaled, no answer yet
    unknown,    ///< the answer was lost; being reconciled by the buy's idempotency id
    pending,    ///< accepted by the provider, not yet sent
    reserved,   ///< waiting for a trade hold to lift
    delivering, ///< trade offer sent, waiting for the recipient
    delivered,  ///< accepted by the recipient; reversible until `settles_at`
    settled,    ///< final: delivered and no longer reversible
    reversed,   ///< final: delivered, then reversed during trade protection (see reversed_by)
    failed,     ///< final: never delivered (see failed_by)
    cancelled,  ///< final: cancelled by us
};

/// Who reversed a delivered trade.
enum class reversal_party : std::uint8_t { unknown, buyer, seller };
/// Whose fault an undelivered order is.
enum class fault_party : std::uint8_t { unknown, recipient, provider, caller };

/// Where an observation of an order came from (journaled with each transition).
enum class observation_source : std::uint8_t {
    buy,        ///< the buy's own answer (or its failure)
    poll,       ///< a lookup of a followed order
    lookup,     ///< a lookup by the buy's id that found nothing
    callback,   ///< a provider's signed push (CS2DT callbacks)
    feed,       ///< a provider's WebSocket feed (Skinify)
    settlement, ///< the end of trade protection passed with no reversal seen
    resume,     ///< read back from the journal
    cancel,     ///< the provider's answer to our cancellation
    release,    ///< the provider's answer to our release of a held order (CSBoard claim_order)
    replay,     ///< the provider's answer to the buy sent again with its id (providers that replay)
};

CS2MARKET_DECL std::string_view to_string(order_phase p) noexcept;
CS2MARKET_DECL std::string_view to_string(reversal_party p) noexcept;
CS2MARKET_DECL std::string_view to_string(fault_party p) noexcept;
CS2MARKET_DECL std::string_view to_string(observation_source s) noexcept;
CS2MARKET_DECL std::optional<order_phase> order_phase_from_string(std::string_view s) noexcept;
CS2MARKET_DECL std::optional<reversal_party> reversal_party_from_string(std::string_view s) noexcept;
CS2MARKET_DECL std::optional<fault_party> fault_party_from_string(std::string_view s) noexcept;
CS2MARKET_DECL std::optional<observation_source> observation_source_from_string(std::string_view s) noexcept;

/// settled, reversed, failed or cancelled.
constexpr bool is_final(order_phase p) noexcept { return p >= order_phase::settled; }

/// The order of the phases for moving forward only: an observation of a phase
/// with a lower rank than the order's is late and ignored. All final phases rank alike.
constexpr int phase_rank(order_phase p) noexcept
{
    return is_final(p) ? static_cast<int>(order_phase::settled) : static_cast<int>(p);
}

/// Milliseconds since the Unix epoch (UTC): what orders and the journal store.
using unix_ms = std::int64_t;
CS2MARKET_DECL unix_ms now_unix_ms() noexcept;

/// What a provider's status value means for an order (generated from the
/// schema's x-cs2market-order-phases): a phase, or for a failure or reversal
/// code only who and whether we were refunded.
struct phase_meaning {
    std::optional<order_phase> phase;
    std::optional<reversal_party> reversed_by;
    std::optional<fault_party> failed_by;
    std::optional<bool> refunded;
};

/// A status's meaning refined by a failure or reversal code's (CS2DT's status 11
/// or 220 with its failedCode): the code says who, and may turn a failure into a
/// cancellation of ours.
constexpr phase_meaning refine(phase_meaning status, const phase_meaning& code) noexcept
{
    const bool ending = status.phase && is_final(*status.phase) && *status.phase != order_phase::settled;
    if (ending && code.phase)
        status.phase = code.phase;
    if (code.reversed_by)
        status.reversed_by = code.reversed_by;
    if (code.failed_by)
        status.failed_by = code.failed_by;
    if (code.refunded)
        status.refunded = code.refunded;
    return status;
}

/// Milliseconds since the Unix epoch of any system-clock time point.
template <class Duration>
constexpr std::int64_t to_unix_ms(std::chrono::sys_time<Duration> t) noexcept
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// Steam's trade protection: for this long after a trade is accepted it can be
/// reversed (Steam's "Trade Protection", 7 days). Where a provider's docs do not
/// say when an order stops being reversible, the tracker counts this from the
/// acceptance (tracker_options::trade_protection overrides it).
inline constexpr std::chrono::milliseconds steam_trade_protection{7LL * 24 * 3600 * 1000};

/// One item of a multi-item order (CSBoard orders carry several): each item's
/// own fate, so that one item returned is a reversal of that item's price only.
struct order_item {
    std::string name;
    std::optional<decimal> price;
    order_phase phase = order_phase::pending;
    std::string provider_status;
    std::optional<bool> refunded; ///< a reversed or failed item: was its price given back (unknown: empty)

    friend bool operator==(const order_item&, const order_item&) = default;
};

/// One look at an order from any source (the buy's answer, a poll, a callback,
/// a feed): what the provider said about it.
struct order_observation {
    provider_id provider;
    std::string id;        ///< the buy's idempotency id, when the source names it
    std::string order_id;  ///< the provider's order / purchase id, when known
    bool not_found = false; ///< a lookup by id got the provider's documented "nothing under this id"
    order_phase phase = order_phase::pending;
    bool known_status = true;        ///< false: a status value the schema does not list (kept, reported)
    std::string provider_status;     ///< the raw status ("10", "waiting_accept", "delivered")
    std::string failure_code;        ///< the raw failure / return code, if any
    std::optional<reversal_party> reversed_by;
    std::optional<fault_party> failed_by;
    std::optional<bool> refunded;
    std::string item_name;
    std::optional<decimal> price;    ///< what the provider says was charged (fees included)
    std::optional<unix_ms> created_at;
    std::optional<unix_ms> delivered_at; ///< when the trade was accepted
    std::optional<unix_ms> settles_at;   ///< end of trade protection
    /// settles_at is a provider time whose meaning its docs do not state (CSBoard
    /// tradable_at): the order settles at the later of it and delivered_at plus
    /// Steam's trade protection.
    bool settles_at_inferred = false;
    /// The provider said the trade has no protection period (Skinify: settlement
    /// null after acceptance, for games without Steam Trade Protection): it
    /// settles when it is delivered.
    bool unprotected = false;
    /// When the provider was asked (the observer's clock), for settling only on
    /// answers fetched after the end of protection. Empty: at the tracker's now.
    std::optional<unix_ms> observed_at;
    std::vector<order_item> items; ///< per item, for orders of several items
    observation_source source = observation_source::poll;

    /// Sets phase and parties from what a status value means (`known`: the
    /// schema lists the value; an unknown value keeps `fallback`, a phase that
    /// is never final, and is reported by the tracker).
    void set_meaning(const phase_meaning& m, order_phase fallback = order_phase::pending)
    {
        known_status = m.phase.has_value();
        phase = m.phase.value_or(fallback);
        reversed_by = m.reversed_by;
        failed_by = m.failed_by;
        refunded = m.refunded;
    }

    /// A lookup by `id` answered with the provider's documented "nothing under
    /// this id" (e.g. CS2DT 140015): the one way a buy is proven never made.
    static order_observation nothing_under(provider_id p, std::string id)
    {
        order_observation o;
        o.provider = p;
        o.id = std::move(id);
        o.not_found = true;
        o.source = observation_source::lookup;
        return o;
    }
};

/// One phase transition of an order. `seq` numbers an order's transitions from
/// 1: a handler that may see a transition twice (the delivery is at least once)
/// drops the repeat by (provider, order id, seq).
struct phase_change {
    order_phase from = order_phase::submitted;
    order_phase to = order_phase::submitted;
    unix_ms at = 0;
    std::string provider_status;
    observation_source source = observation_source::poll;
    std::uint64_t seq = 0;
};

/// An order: a buy followed to its end.
struct order {
    provider_id provider;
    std::string id;           ///< the buy's idempotency id (unique per provider)
    std::string operation;    ///< the buy operation ("market_buy")
    std::string order_id;     ///< the provider's order id, as its order API answers (until then the buy answer's id; "" until known)
    std::string item_name;
    std::optional<decimal> price;     ///< what was paid as last reported (the ceiling until the provider says)
    std::optional<decimal> max_price; ///< the price ceiling sent with the buy
    /// The most any answer said was charged for it (the buy's answer, fees
    /// included): a later answer may add to it, never lower it.
    std::optional<decimal> charged;
    order_phase phase = order_phase::submitted;
    std::string provider_status;
    std::string failure_code;
    std::optional<reversal_party> reversed_by; ///< phase reversed
    std::optional<fault_party> failed_by;      ///< phase failed
    std::optional<bool> refunded;              ///< reversed / failed / cancelled: were we refunded (unknown: empty)
    unix_ms created_at = 0;
    std::optional<unix_ms> delivered_at;
    std::optional<unix_ms> settles_at;
    std::optional<unix_ms> finished_at;
    /// A journaled buy: the last moment its request may still leave the process
    /// (the call's deadline; no attempt is sent after it). A lookup that does not
    /// find the buy fails it only reconcile_grace after this, never while a retry
    /// or a rate-limit wait could still send it.
    std::optional<unix_ms> send_deadline;
    std::vector<order_item> items; ///< per item, for orders of several items (empty otherwise)
    /// The journaled request body, without any secret: what a provider that
    /// replays by id is sent again when the buy's answer was lost.
    std::string request;
    /// Transitions up to this seq have been handed to a tracker's handler (and it returned).
    std::uint64_t delivered_seq = 0;
    std::vector<phase_change> history;

    /// The amount at stake: what was charged, else what was paid as last
    /// reported, else the ceiling (the most it can have cost).
    decimal amount() const { return charged ? *charged : price ? *price : max_price.value_or(decimal{}); }
};
/// The intent of a buy, journaled before the request leaves the process.
struct order_intent {
    std::string item_name;            ///< what is bought (market hash name or listing ids)
    std::optional<decimal> max_price; ///< the price ceiling
};

/// The transition that `obs` makes of `o`, applied to `o`, or nullopt when it
/// makes none (a duplicate, a late event, anything after a final phase). Forward
/// only; a failure seen after `delivered` is a reversal, never a plain failure.
/// Facts learned without a transition are applied too (an order id, a refund
/// learned after a reversal). `now` decides nothing but stamps the change.
CS2MARKET_DECL std::optional<phase_change> apply_observation(order& o, const order_observation& obs, unix_ms now);

/// Whether `obs` says something a final order `o` cannot be: another final
/// phase, or alive again after failed / cancelled (a settled order seen
/// delivered is consistent: settled is derived from delivered). Statuses the
/// schema does not list never contradict (they are reported apart).
CS2MARKET_DECL bool contradicts(const order& o, const order_observation& obs) noexcept;

/// Makes `obs.settles_at` only what the provider has proven: where its docs do
/// not say what the time means (settles_at_inferred), the later of it and the
/// trade's acceptance (the observation's, else the order's, else `now`) plus
/// `protection`.
CS2MARKET_DECL void prove_settlement(order_observation& obs, const order& o, std::chrono::milliseconds protection,
                                     unix_ms now) noexcept;

/// Whether a delivered order settles on `obs`: the provider says the trade has
/// no protection (unprotected), or `obs` was fetched (observed_at, else `now`)
/// at least `margin` after the end of protection and says delivered.
CS2MARKET_DECL bool settles_on(const order& o, const order_observation& obs, std::chrono::milliseconds margin, unix_ms now) noexcept;

/// Whether a reversed order's refund is still unknown: followed until it is.
constexpr bool refund_pending(order_phase p, const std::optional<bool>& refunded) noexcept
{
    return p == order_phase::reversed && !refunded.has_value();
}

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/orders/impl/order.ipp>
#endif

#endif
