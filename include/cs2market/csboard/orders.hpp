// cs2market::csboard: CSBoard's answers as orders, for what the schema cannot
// say: what a buy intends, and how a purchase (market_buy), an order
// (create_order, get_orders_info) and its items become an order observation.
// CSBoard has no settled status, and its docs do not say what an item's
// tradable_at means: an order settles at the later of it and the trade's
// acceptance plus Steam's protection (settles_at_inferred), with no return
// seen. Each item has its own fate: an item returned after its trade offer
// finished is a reversal of that item's price only.
#ifndef CS2MARKET_CSBOARD_ORDERS_HPP
#define CS2MARKET_CSBOARD_ORDERS_HPP

#include <cs2market/csboard/generated/operations.hpp>
#include <cs2market/orders/journaled_buy.hpp>
#include <cs2market/orders/order.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace cs2market::csboard {

/// What a buy intends: the listings and the ceiling (market_buy, create_order).
template <class P>
    requires requires(const P& p) { p.body.item_ids; p.body.max_price_usd; }
order_intent order_intent_of(const P& p)
{
    order_intent i;
    for (const auto& id : p.body.item_ids)
        i.item_name += (i.item_name.empty() ? "" : ",") + id;
    i.max_price = p.body.max_price_usd;
    return i;
}

namespace detail {
/// The least advanced phase of the items still in play; failed when all were returned.
inline order_phase items_phase(const std::vector<order_phase>& phases)
{
    std::optional<order_phase> least;
    for (auto p : phases)
        if (p != order_phase::failed && (!least || phase_rank(p) < phase_rank(*least)))
            least = p;
    return least.value_or(order_phase::failed);
}

inline std::string names_of(const std::vector<std::string>& names)
{
    if (names.empty())
        return {};
    return names.size() == 1 ? names[0] : names[0] + " +" + std::to_string(names.size() - 1);
}
} // namespace detail

/// The buy's answer (market_buy): the purchase and its skins.
inline order_observation order_observation_of(const MarketBuyResponse& r)
{
    order_observation o;
    o.provider = csboard::id;
    o.order_id = r.data.purchase_id.value_or("");
    o.id = r.data.custom_id.value_or("");
    std::vector<order_phase> phases;
    std::vector<std::string> names;
    decimal total;
    bool priced = false;
    bool known = true;
    for (const auto& s : r.data.skins.value_or(std::vector<MarketBuySkin>{})) {
        auto m = s.status ? phase_meaning_of(*s.status) : phase_meaning{order_phase::pending, {}, {}, {}};
        known = known && m.phase.has_value();
        phases.push_back(m.phase.value_or(order_phase::pending));
        if (s.name)
            names.push_back(*s.name);
        if (s.price) {
            total = total + *s.price;
            priced = true;
        }
        if (s.status && o.provider_status.empty())
            o.provider_status = s.status->raw();
    }
    o.phase = phases.empty() ? order_phase::pending : detail::items_phase(phases);
    o.known_status = known;
    if (o.phase == order_phase::failed)
        o.failed_by = fault_party::unknown; // returned: whether the price came back, the docs do not say
    o.item_name = detail::names_of(names);
    if (priced)
        o.price = total;
    if (r.data.created_at)
        o.created_at = to_unix_ms(r.data.created_at->time_point());
    o.source = observation_source::buy;
    return o;
}

/// The buy's answer (create_order).
inline order_observation order_observation_of(const CreateOrderResponse& r)
{
    order_observation o;
    o.provider = csboard::id;
    o.order_id = r.order_id;
    o.set_meaning(phase_meaning_of(r.status));
    o.provider_status = r.status.raw();
    for (const auto& it : r.items.value_or(std::vector<CreateOrderItem>{}))
        if (it.delivery && it.delivery->known() == DeliveryMode::hold && o.phase == order_phase::pending)
            o.phase = order_phase::reserved;
    o.price = r.total_charged_usd;
    if (r.created_at)
        o.created_at = to_unix_ms(r.created_at->time_point());
    o.source = observation_source::buy;
    return o;
}

/// An order (get_order, get_orders_info): the order's status, refined by its
/// items, each of which keeps its own fate. An item returned after its trade
/// offer finished is a reversal of that item (of the order when all are).
inline order_observation order_observation_of(const Order& ord)
{
    order_observation o;
    o.provider = csboard::id;
    o.id = ord.custom_id.value_or("");
    o.order_id = ord.order_id;
    o.set_meaning(phase_meaning_of(ord.status));
    o.provider_status = ord.status.raw();
    o.price = ord.charged_total_usd;
    o.created_at = to_unix_ms(ord.created_at.time_point());
    std::vector<std::string> names;
    std::vector<order_phase> in_play; // items neither returned nor unknown
    std::size_t reversed = 0;
    for (const auto& it : ord.items) {
        if (it.market_hash_name)
            names.push_back(*it.market_hash_name);
        const auto m = it.status ? phase_meaning_of(*it.status) : phase_meaning{};
        order_item item;
        item.name = it.market_hash_name.value_or("");
        item.price = it.price_usd;
        item.provider_status = it.status ? it.status->raw() : std::string();
        item.phase = m.phase.value_or(order_phase::pending);
        item.refunded = m.refunded;
        const bool returned = m.phase == order_phase::failed;
        if (returned && it.steam_trade_offer_finished_at) {
            item.phase = order_phase::reversed; // accepted, then returned: reversed during trade protection
            ++reversed;
        }
        if (returned && it.return_reason && o.failure_code.empty())
            o.failure_code = *it.return_reason;
        if (m.phase && !returned)
            in_play.push_back(*m.phase);
        if (m.phase == order_phase::delivered) {
            if (it.tradable_at)
                o.settles_at = std::max(o.settles_at.value_or(0), to_unix_ms(it.tradable_at->time_point()));
            if (it.steam_trade_offer_finished_at)
                o.delivered_at = std::max(o.delivered_at.value_or(0), to_unix_ms(it.steam_trade_offer_finished_at->time_point()));
        }
        o.items.push_back(std::move(item));
    }
    // tradable_at: the docs do not say it is the end of trade protection.
    o.settles_at_inferred = true;
    o.item_name = detail::names_of(names);
    if (reversed > 0 && reversed == ord.items.size()) {
        o.phase = order_phase::reversed;
        o.known_status = true;
        o.reversed_by = reversal_party::unknown;
        o.refunded.reset(); // not said
    } else if (!in_play.empty() && o.known_status && (!is_final(o.phase) || o.phase == order_phase::failed)) {
        // The items still in play say more than the order's status (held, out for
        // delivery, delivered while another item came back).
        const auto items = detail::items_phase(in_play);
        if (items != order_phase::failed && (is_final(o.phase) || phase_rank(items) > phase_rank(o.phase)))
            o.phase = items;
    }
    if (o.items.size() < 2)
        o.items.clear(); // one item: the order is the item
    o.source = observation_source::poll;
    return o;
}

} // namespace cs2market::csboard

namespace cs2market {

// The journal's hooks of csboard's buys (declared by the generated operations): order_intent_of and
// order_observation_of above.
template <> struct record_binding<csboard::ops::create_order> : journaled_buy<csboard::ops::create_order> {};
template <> struct record_binding<csboard::ops::market_buy> : journaled_buy<csboard::ops::market_buy> {};

} // namespace cs2market

#endif
