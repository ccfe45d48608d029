// cs2market: bodies of order.hpp.
#ifndef CS2MARKET_ORDERS_IMPL_ORDER_IPP
#define CS2MARKET_ORDERS_IMPL_ORDER_IPP

#include <cs2market/orders/order.hpp>

#include <array>
#include <chrono>

namespace cs2market {

CS2MARKET_DECL std::string_view to_string(order_phase p) noexcept
{
    switch (p) {
    case order_phase::submitted: return "submitted";
    case order_phase::unknown: return "unknown";
    case order_phase::pending: return "pending";
    case order_phase::reserved: return "reserved";
    case order_phase::delivering: return "delivering";
    case order_phase::delivered: return "delivered";
    case order_phase::settled: return "settled";
    case order_phase::reversed: return "reversed";
    case order_phase::failed: return "failed";
    case order_phase::cancelled: return "cancelled";
    }
    return "unknown";
}

CS2MARKET_DECL std::string_view to_string(reversal_party p) noexcept
{
    switch (p) {
    case reversal_party::buyer: return "buyer";
    case reversal_party::seller: return "seller";
    default: return "unknown";
    }
}

CS2MARKET_DECL std::string_view to_string(fault_party p) noexcept
{
    switch (p) {
    case fault_party::recipient: return "recipient";
    case fault_party::provider: return "provider";
    case fault_party::caller: return "caller";
    default: return "unknown";
    }
}

CS2MARKET_DECL std::string_view to_string(observation_source s) noexcept
{
    switch (s) {
    case observation_source::buy: return "buy";
    case observation_source::poll: return "poll";
    case observation_source::lookup: return "lookup";
    case observation_source::callback: return "callback";
    case observation_source::feed: return "feed";
    case observation_source::settlement: return "settlement";
    case observation_source::resume: return "resume";
    case observation_source::cancel: return "cancel";
    case observation_source::release: return "release";
    case observation_source::replay: return "replay";
    }
    return "poll";
}

CS2MARKET_DECL std::optional<observation_source> observation_source_from_string(std::string_view s) noexcept
{
    for (int i = 0; i <= static_cast<int>(observation_source::replay); ++i)
        if (to_string(static_cast<observation_source>(i)) == s)
            return static_cast<observation_source>(i);
    if (s == "claim") // journals written before the release source had its name
        return observation_source::release;
    return std::nullopt;
}

CS2MARKET_DECL std::optional<order_phase> order_phase_from_string(std::string_view s) noexcept
{
    for (int i = 0; i <= static_cast<int>(order_phase::cancelled); ++i)
        if (to_string(static_cast<order_phase>(i)) == s)
            return static_cast<order_phase>(i);
    return std::nullopt;
}

CS2MARKET_DECL std::optional<reversal_party> reversal_party_from_string(std::string_view s) noexcept
{
    for (auto p : {reversal_party::unknown, reversal_party::buyer, reversal_party::seller})
        if (to_string(p) == s)
            return p;
    return std::nullopt;
}

CS2MARKET_DECL std::optional<fault_party> fault_party_from_string(std::string_view s) noexcept
{
    for (auto p : {fault_party::unknown, fault_party::recipient, fault_party::provider, fault_party::caller})
        if (to_string(p) == s)
            return p;
    return std::nullopt;
}

CS2MARKET_DECL unix_ms now_unix_ms() noexcept
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace detail {
/// An item's phase moves forward only, like its order's.
inline void merge_items(std::vector<order_item>& have, const std::vector<order_item>& seen)
{
    if (seen.empty())
        return;
    if (have.size() != seen.size()) {
        have = seen;
        return;
    }
    for (std::size_t i = 0; i < seen.size(); ++i) {
        auto& h = have[i];
        const auto& s = seen[i];
        if (!is_final(h.phase) && phase_rank(s.phase) >= phase_rank(h.phase)) {
            h.phase = s.phase;
            h.provider_status = s.provider_status;
        }
        if (!h.refunded && s.refunded && h.phase == s.phase)
            h.refunded = s.refunded;
        if (h.name.empty())
            h.name = s.name;
        if (s.price && (!h.price || *h.price < *s.price))
            h.price = s.price;
    }
}
} // namespace detail

CS2MARKET_DECL std::optional<phase_change> apply_observation(order& o, const order_observation& obs, unix_ms now)
{
    // Facts, whatever the phase: an amount charged is never lowered by a later
    // answer (a poll after a partial refund may show less).
    if (obs.price && (!o.charged || *o.charged < *obs.price))
        o.charged = obs.price;
    if (is_final(o.phase)) {
        // Late or duplicate: a final order never moves. What it still learns is
        // how its money ended (a refund confirmed after a reversal).
        if (obs.phase == o.phase && !o.refunded && obs.refunded)
            o.refunded = obs.refunded;
        detail::merge_items(o.items, obs.items);
        return std::nullopt;
    }
    // Facts learned without a transition (a poll of a delivered order gives its settlement time).
    // The id the provider's order API answers with is the order's (CSBoard's market_buy
    // answers with a purchase id, its orders with an order id).
    if (!obs.order_id.empty() && (o.order_id.empty() || obs.source != observation_source::buy))
        o.order_id = obs.order_id;
    if (o.item_name.empty() && !obs.item_name.empty())
        o.item_name = obs.item_name;
    if (obs.price)
        o.price = obs.price;
    if (obs.settles_at)
        o.settles_at = obs.settles_at;
    if (obs.delivered_at && !o.delivered_at)
        o.delivered_at = obs.delivered_at;
    detail::merge_items(o.items, obs.items);

    order_phase target = obs.phase;
    if (obs.not_found) {
        // The provider's documented "nothing under this id": the buy was never
        // made, nothing was charged.
        if (o.phase != order_phase::submitted && o.phase != order_phase::unknown)
            return std::nullopt;
        target = order_phase::failed;
    }
    const bool was_delivered = o.phase == order_phase::delivered || o.delivered_at.has_value();
    if (target == order_phase::failed && was_delivered && !obs.not_found)
        target = order_phase::reversed; // a return after delivery is a reversal, never a plain failure
    if (phase_rank(target) <= phase_rank(o.phase)) {
        if (target == o.phase && !obs.provider_status.empty())
            o.provider_status = obs.provider_status; // e.g. 1 -> 2 within pending
        return std::nullopt;
    }

    phase_change ch;
    ch.from = o.phase;
    ch.to = target;
    ch.at = now;
    ch.provider_status = obs.provider_status;
    ch.source = obs.source;
    ch.seq = o.history.size() + 1;
    o.phase = target;
    if (!obs.provider_status.empty())
        o.provider_status = obs.provider_status;
    if (!obs.failure_code.empty())
        o.failure_code = obs.failure_code;
    switch (target) {
    case order_phase::delivered:
        if (!o.delivered_at)
            o.delivered_at = now;
        break;
    case order_phase::reversed:
        o.reversed_by = obs.reversed_by.value_or(reversal_party::unknown);
        o.refunded = obs.refunded;
        break;
    case order_phase::failed:
        if (obs.not_found) {
            o.failed_by = fault_party::unknown;
            o.refunded = true; // never charged
            if (o.failure_code.empty())
                o.failure_code = "not_found";
        } else {
            o.failed_by = obs.failed_by.value_or(fault_party::unknown);
            o.refunded = obs.refunded;
        }
        break;
    case order_phase::cancelled: o.refunded = obs.refunded; break;
    default: break;
    }
    if (is_final(target))
        o.finished_at = now;
    o.history.push_back(ch);
    return ch;
}

CS2MARKET_DECL bool contradicts(const order& o, const order_observation& obs) noexcept
{
    if (!is_final(o.phase) || !obs.known_status)
        return false;
    if (obs.not_found) // "never bought" about an order the provider had answered for
        return o.phase != order_phase::failed;
    order_phase seen = obs.phase;
    if (seen == order_phase::failed && o.delivered_at)
        seen = order_phase::reversed; // as apply_observation reads it
    if (seen == o.phase)
        return false;
    return !(o.phase == order_phase::settled && seen == order_phase::delivered);
}

CS2MARKET_DECL void prove_settlement(order_observation& obs, const order& o, std::chrono::milliseconds protection,
                                     unix_ms now) noexcept
{
    if (!obs.settles_at_inferred)
        return;
    if (obs.phase != order_phase::delivered) {
        obs.settles_at.reset(); // a time of unknown meaning proves nothing before the trade is accepted
        return;
    }
    const unix_ms accepted = obs.delivered_at ? *obs.delivered_at : o.delivered_at ? *o.delivered_at : now;
    const unix_ms floor = accepted + protection.count();
    obs.settles_at = std::max(obs.settles_at.value_or(floor), floor);
    obs.settles_at_inferred = false;
}

CS2MARKET_DECL bool settles_on(const order& o, const order_observation& obs, std::chrono::milliseconds margin, unix_ms now) noexcept
{
    if (obs.phase != order_phase::delivered || obs.not_found || !obs.known_status)
        return false;
    if (obs.unprotected)
        return true;
    const auto end = obs.settles_at ? obs.settles_at : o.settles_at;
    if (!end)
        return false;
    return obs.observed_at.value_or(now) >= *end + margin.count();
}

} // namespace cs2market

#endif
