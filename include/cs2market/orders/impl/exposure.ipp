// cs2market: bodies of exposure.hpp.
#ifndef CS2MARKET_ORDERS_IMPL_EXPOSURE_IPP
#define CS2MARKET_ORDERS_IMPL_EXPOSURE_IPP

#include <cs2market/orders/exposure.hpp>
#include <cs2market/time.hpp>

#include <algorithm>

namespace cs2market {

namespace detail {
/// Whether the provider took the money at some point: it accepted the order
/// (it gave an order id, or the order was seen pending or later).
CS2MARKET_DECL bool was_charged(const order& o)
{
    if (!o.order_id.empty() || o.charged)
        return true;
    if (o.phase >= order_phase::pending && o.phase <= order_phase::reversed)
        return true;
    return std::any_of(o.history.begin(), o.history.end(), [](const phase_change& c) {
        return c.to >= order_phase::pending && c.to <= order_phase::delivered;
    });
}

/// Adds `amount` of money in `phase` (an order's, or one item's of it) to `e`.
CS2MARKET_DECL void count_money(provider_exposure& e, order_phase phase, const std::optional<bool>& refunded, bool charged,
                                const decimal& amount, const std::optional<unix_ms>& settles_at)
{
    switch (phase) {
    case order_phase::submitted:
    case order_phase::unknown:
        // Maybe charged, maybe not: spent until the provider says, and at risk.
        e.in_flight += amount;
        e.spent += amount;
        e.at_risk += amount;
        break;
    case order_phase::pending:
    case order_phase::reserved:
    case order_phase::delivering:
        e.in_flight += amount;
        e.spent += amount;
        break;
    case order_phase::delivered:
        e.reversible += amount;
        e.spent += amount;
        if (settles_at)
            e.reversible_until = std::max(e.reversible_until.value_or(*settles_at), *settles_at);
        break;
    case order_phase::settled:
        e.settled += amount;
        e.spent += amount;
        break;
    case order_phase::reversed:
    case order_phase::failed:
    case order_phase::cancelled:
        if (phase == order_phase::reversed)
            e.reversed += amount;
        else if (!charged)
            break; // refused, or proven never made: nothing was charged
        if (refunded.value_or(false)) {
            e.refunded += amount;
        } else {
            e.spent += amount;
            if (!refunded) // the refund is not confirmed: counted as spent, and at risk
                e.at_risk += amount;
        }
        break;
    }
}
} // namespace detail

CS2MARKET_DECL std::vector<provider_exposure> exposure_of(const std::vector<order>& orders, std::span<const provider_id> providers)
{
    std::vector<provider_exposure> out;
    auto slot = [&](provider_id p) -> provider_exposure& {
        for (auto& e : out)
            if (e.provider == p)
                return e;
        out.push_back({});
        out.back().provider = p;
        return out.back();
    };
    for (auto p : providers)
        slot(p);
    for (const auto& o : orders) {
        auto& e = slot(o.provider);
        ++e.orders;
        if (!is_final(o.phase))
            ++e.unfinished;
        const bool charged = detail::was_charged(o);
        const decimal amount = o.amount();
        const bool per_item = !o.items.empty() && std::all_of(o.items.begin(), o.items.end(), [](const order_item& i) {
            return i.price.has_value();
        });
        if (!per_item) {
            detail::count_money(e, o.phase, o.refunded, charged, amount, o.settles_at);
            continue;
        }
        // Each item its own fate (one returned of three is a reversal of that
        // item's price only); items still in play follow the order's phase.
        decimal items_total;
        for (const auto& it : o.items) {
            items_total += *it.price;
            const bool item_ended = is_final(it.phase) && it.phase != order_phase::settled;
            const auto phase = item_ended ? it.phase : o.phase;
            detail::count_money(e, phase, item_ended ? it.refunded : o.refunded, charged, *it.price, o.settles_at);
        }
        if (items_total < amount) // fees beyond the items' prices go with the order
            detail::count_money(e, o.phase, o.refunded, charged, amount - items_total, o.settles_at);
    }
    return out;
}

CS2MARKET_DECL std::string to_string(const provider_exposure& e)
{
    std::string s(to_string(e.provider));
    s += " spent " + e.spent.to_string();
    s += " in_flight " + e.in_flight.to_string();
    s += " reversible " + e.reversible.to_string();
    if (e.reversible_until) {
        const iso_time t(sys_nanoseconds(std::chrono::milliseconds(*e.reversible_until)));
        s += " until " + t.to_string();
    }
    s += " settled " + e.settled.to_string();
    s += " reversed " + e.reversed.to_string();
    s += " refunded " + e.refunded.to_string();
    s += " orders " + std::to_string(e.orders);
    s += " unfinished " + std::to_string(e.unfinished);
    return s;
}

} // namespace cs2market

#endif
