// cs2market::cs2dt: CS2DT's answers as orders, for what the schema cannot say:
// how a lost buy's lookup (buyer_order_detail by outTradeNo) becomes the buy's
// answer, what a buy intends, and how an answer, an order detail or a callback
// becomes an order observation. The phases of each status and failedCode value
// are in the schema (x-cs2market-order-phases, generated phase_meaning_of()).
#ifndef CS2MARKET_CS2DT_ORDERS_HPP
#define CS2MARKET_CS2DT_ORDERS_HPP

#include <cs2market/cs2dt/generated/operations.hpp>
#include <cs2market/orders/journaled_buy.hpp>
#include <cs2market/orders/order.hpp>

#include <optional>
#include <string>

namespace cs2market::cs2dt {

/// A CS2DT order looked up by outTradeNo, told as the buy's answer; nullopt when
/// nothing is recorded under the id (yet).
inline std::optional<result<response<BuyResultDTO>>> buy_answer_from_order_detail(const OrderDetailDTO& d, const std::string&)
{
    if (!d.orderId)
        return std::nullopt;
    response<BuyResultDTO> r{};
    r.value.orderId = d.orderId;
    r.value.buyPrice = d.price;
    r.value.delivery = d.deliverType;
    if (d.offerInfoDTO && d.offerInfoDTO->tradeOfferId)
        r.value.offerId = std::to_string(*d.offerInfoDTO->tradeOfferId);
    if (d.status)
        r.value.orderStatus = d.status->raw();
    return r;
}

namespace detail {
/// status refined by failedCode, as an observation's phase and parties.
inline void set_status(order_observation& o, const std::optional<open_enum<OrderStatus>>& status,
                       const std::optional<open_enum<FailedCode>>& failed)
{
    if (!status)
        return;
    phase_meaning m = phase_meaning_of(*status);
    if (failed)
        m = refine(m, phase_meaning_of(*failed));
    o.set_meaning(m);
    o.provider_status = std::to_string(status->raw());
    if (failed)
        o.failure_code = failed->raw();
}
} // namespace detail

/// What a buy intends: the listing (or item) and the ceiling.
template <class P>
    requires requires(const P& p) { p.body.maxPrice; }
order_intent order_intent_of(const P& p)
{
    order_intent i;
    if constexpr (requires { p.body.productId; }) {
        if (p.body.productId)
            i.item_name = "product " + std::to_string(*p.body.productId);
    }
    if constexpr (requires { p.body.itemId; }) {
        if (p.body.itemId) // quick_buy_item by item: the cheapest listing of it
            i.item_name = "item " + std::to_string(*p.body.itemId);
    }
    if constexpr (requires { p.body.marketHashName; }) {
        if (p.body.marketHashName)
            i.item_name = *p.body.marketHashName;
    }
    i.max_price = p.body.maxPrice;
    return i;
}

/// The buy's answer (buy_item, quick_buy_item).
inline order_observation order_observation_of(const BuyResultDTO& r)
{
    order_observation o;
    o.provider = cs2dt::id;
    o.order_id = r.orderId.value_or("");
    o.price = r.actualPay ? r.actualPay : r.buyPrice;
    if (r.orderStatus)
        detail::set_status(o, open_enum<OrderStatus>::from_wire(*r.orderStatus), std::nullopt);
    else
        o.phase = order_phase::pending; // accepted: the order exists
    o.source = observation_source::buy;
    return o;
}

/// An order detail (buyer_order_detail) that names an order, for the buy under `id`.
inline order_observation order_observation_of(const OrderDetailDTO& d, const std::string& id)
{
    order_observation o;
    o.provider = cs2dt::id;
    o.id = id;
    o.order_id = d.orderId.value_or("");
    detail::set_status(o, d.status, d.failedCode);
    if (d.openItemInfo && d.openItemInfo->marketHashName)
        o.item_name = *d.openItemInfo->marketHashName;
    // What was spent: the price and the buyer's fee (charged on top of it).
    if (d.price)
        o.price = d.buyerFee ? *d.price + *d.buyerFee : *d.price;
    if (d.createTime)
        o.created_at = to_unix_ms(d.createTime->time_point());
    o.source = observation_source::poll;
    return o;
}

/// A verified order-status callback (cs2dt::verify_callback).
inline order_observation order_observation_of(const OrderStatusCallback& cb)
{
    order_observation o;
    o.provider = cs2dt::id;
    o.id = cb.outTradeNo.value_or("");
    if (cb.orderId)
        o.order_id = std::to_string(*cb.orderId);
    detail::set_status(o, cb.status, cb.failedCode);
    o.source = observation_source::callback;
    return o;
}

} // namespace cs2market::cs2dt

namespace cs2market {

// The journal's hooks of cs2dt's buys (declared by the generated operations): order_intent_of and
// order_observation_of above.
template <> struct record_binding<cs2dt::ops::buy_item> : journaled_buy<cs2dt::ops::buy_item> {};
template <> struct record_binding<cs2dt::ops::quick_buy_item> : journaled_buy<cs2dt::ops::quick_buy_item> {};

} // namespace cs2market

#endif
