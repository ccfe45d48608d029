// cs2market: bodies of order.hpp.
#ifndef CS2MARKET_IMPL_ORDER_IPP
#define CS2MARKET_IMPL_ORDER_IPP

#include <cs2market/order.hpp>

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

CS2MARKET_DECL std::optional<phase_change> apply_observation(order& o, const order_observation& obs, unix_ms now)
{
    if (is_final(o.phase))
        return std::nullopt; // late or duplicate: a final order never moves
    // Facts learned without a transition (a poll of a delivered order gives its settlement time).
    if (o.order_id.empty() && !obs.order_id.empty())
        o.order_id = obs.order_id;
    if (o.item_name.empty() && !obs.item_name.empty())
        o.item_name = obs.item_name;
    if (obs.price)
        o.price = obs.price;
    if (obs.settles_at)
        o.settles_at = obs.settles_at;
    if (obs.delivered_at && !o.delivered_at)
        o.delivered_at = obs.delivered_at;

    order_phase target = obs.phase;
    if (obs.not_found) {
        // A lookup by the buy's id proves it was never made: nothing was charged.
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

} // namespace cs2market

#endif
