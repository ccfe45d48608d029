// cs2market::skinify: Skinify's answers as orders, for what the schema cannot
// say: how a lost buy's lookup (withdraw_info by custom_id) becomes the buy's
// answer, what a buy intends, and how a purchase (from a buy, withdraw_info or
// the real-time feed) becomes an order observation. The phase of each
// purchase_status value is in the schema (generated phase_meaning_of()).
#ifndef CS2MARKET_SKINIFY_ORDERS_HPP
#define CS2MARKET_SKINIFY_ORDERS_HPP

#include <cs2market/orders/journaled_buy.hpp>
#include <cs2market/orders/order.hpp>
#include <cs2market/skinify/generated/operations.hpp>

#include <optional>
#include <string>

namespace cs2market::skinify {

/// The purchase recorded under `id`, told as the buy's answer; nullopt when none is (yet).
inline std::optional<result<response<WithdrawBuyResponse>>> buy_answer_from_withdraw_info(const WithdrawInfoResponse& info,
                                                                                        const std::string& id)
{
    for (const auto& it : info.items)
        if (it.custom_id && *it.custom_id == id) {
            response<WithdrawBuyResponse> r{};
            r.value.status = "success";
            r.value.skin = it.skin;
            r.value.purchase_id = it.purchase_id;
            r.value.purchase_status = it.purchase_status;
            r.value.date = it.date;
            r.value.balance_debited_amount = it.balance_debited_amount;
            r.value.custom_id = it.custom_id;
            r.value.reserved_until = it.reserved_until;
            return r;
        }
    return std::nullopt;
}

/// What a buy intends: the skin and the ceiling.
template <class P>
    requires requires(const P& p) { p.body.max_price; p.body.partner; }
order_intent order_intent_of(const P& p)
{
    order_intent i;
    i.item_name = p.body.name ? *p.body.name : p.body.id ? "skin " + *p.body.id : std::string();
    i.max_price = p.body.max_price;
    return i;
}

namespace detail {
template <class Purchase>
order_observation purchase_observation(const Purchase& p, observation_source source)
{
    order_observation o;
    o.provider = skinify::id;
    o.order_id = p.purchase_id;
    if constexpr (requires { p.custom_id; })
        o.id = p.custom_id.value_or("");
    o.set_meaning(phase_meaning_of(p.purchase_status));
    o.provider_status = p.purchase_status.raw();
    if (p.skin.name)
        o.item_name = *p.skin.name;
    if constexpr (requires { p.balance_debited_amount; })
        o.price = p.balance_debited_amount;
    if constexpr (requires { p.date; })
        o.created_at = to_unix_ms(p.date.time_point());
    if constexpr (requires { p.settlement; }) {
        if (p.settlement)
            o.settles_at = to_unix_ms(p.settlement->time_point());
        // "not null only for Steam-protected games after the trade has been
        // accepted": accepted with no settlement is a trade without protection.
        // Only types that carry the field say so (the feed's events do not).
        o.unprotected = o.phase == order_phase::delivered && !p.settlement;
    }
    o.source = source;
    return o;
}
} // namespace detail

/// The buy's answer (withdraw_buy).
inline order_observation order_observation_of(const WithdrawBuyResponse& r)
{
    return detail::purchase_observation(r, observation_source::buy);
}
/// A purchase from withdraw_info.
inline order_observation order_observation_of(const PurchaseItem& p)
{
    return detail::purchase_observation(p, observation_source::poll);
}
/// The real-time feed's skin_purchase and skin_purchase_status_change events.
inline order_observation order_observation_of(const SkinPurchaseEvent& e)
{
    return detail::purchase_observation(e, observation_source::feed);
}
inline order_observation order_observation_of(const SkinPurchaseStatusChangeEvent& e)
{
    return detail::purchase_observation(e, observation_source::feed);
}

} // namespace cs2market::skinify

namespace cs2market {

// The journal's hooks of skinify's buys (declared by the generated operations): order_intent_of and
// order_observation_of above.
template <> struct record_binding<skinify::ops::withdraw_buy> : journaled_buy<skinify::ops::withdraw_buy> {};

} // namespace cs2market

#endif
