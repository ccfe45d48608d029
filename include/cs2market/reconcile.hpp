// cs2market: exactly-once metadata of the buy operations — where the caller's id
// lives, whether the provider replays a retried request with the same id, and how
// to look an unknown outcome up by that id. Hand-written (not generated) because
// the mapping from a lookup answer to the buy's answer is per operation.
#ifndef CS2MARKET_RECONCILE_HPP
#define CS2MARKET_RECONCILE_HPP

#include <cs2market/cs2dt/operations.hpp>
#include <cs2market/csboard/operations.hpp>
#include <cs2market/request.hpp>
#include <cs2market/skinify/operations.hpp>

#include <optional>
#include <string>

namespace cs2market {

/// Primary template: not a buy.
template <class Op>
struct exactly_once_traits {
    static constexpr bool enabled = false;
};

/// CSBoard POST /v1/market/buy: `custom_id` is an idempotency key; a retry replays.
template <>
struct exactly_once_traits<csboard::ops::market_buy> {
    static constexpr bool enabled = true;
    static constexpr bool provider_idempotent = true;
    static constexpr bool has_lookup = false;
    static constexpr std::string_view id_name = "custom_id";
    static std::optional<std::string>& id(csboard::market_buy_params& p) { return p.body.custom_id; }
};

/// CSBoard POST /v1/orders: `Idempotency-Key`; a retry replays.
template <>
struct exactly_once_traits<csboard::ops::create_order> {
    static constexpr bool enabled = true;
    static constexpr bool provider_idempotent = true;
    static constexpr bool has_lookup = false;
    static constexpr std::string_view id_name = "Idempotency-Key";
    static std::optional<std::string>& id(csboard::create_order_params& p) { return p.Idempotency_Key; }
};

namespace detail {
/// A CS2DT order looked up by outTradeNo, told as the buy's answer.
inline std::optional<result<response<cs2dt::BuyResultDTO>>> cs2dt_from_detail(const cs2dt::OrderDetailDTO& d)
{
    if (!d.orderId)
        return std::nullopt; // nothing recorded under this outTradeNo (yet)
    response<cs2dt::BuyResultDTO> r{};
    r.value.orderId = d.orderId;
    r.value.buyPrice = d.price;
    r.value.delivery = d.deliverType;
    if (d.offerInfoDTO && d.offerInfoDTO->tradeOfferId)
        r.value.offerId = std::to_string(*d.offerInfoDTO->tradeOfferId);
    if (d.status)
        r.value.orderStatus = d.status->raw();
    return r;
}
} // namespace detail

/// CS2DT buys: `outTradeNo`, looked up with buyer_order_detail.
template <class BuyOp>
struct cs2dt_buy_traits {
    static constexpr bool enabled = true;
    static constexpr bool provider_idempotent = false;
    static constexpr bool has_lookup = true;
    static constexpr std::string_view id_name = "outTradeNo";
    using lookup = cs2dt::ops::buyer_order_detail;
    static std::optional<std::string>& id(typename BuyOp::params& p) { return p.body.outTradeNo; }
    static lookup::params lookup_params(const std::string& id)
    {
        lookup::params q;
        q.outTradeNo = id;
        return q;
    }
    static std::optional<result<response<cs2dt::BuyResultDTO>>> from_lookup(const lookup::response_type& d, const std::string&)
    {
        return detail::cs2dt_from_detail(d);
    }
};
template <>
struct exactly_once_traits<cs2dt::ops::buy_item> : cs2dt_buy_traits<cs2dt::ops::buy_item> {};
template <>
struct exactly_once_traits<cs2dt::ops::quick_buy_item> : cs2dt_buy_traits<cs2dt::ops::quick_buy_item> {};

/// Skinify POST /api/withdraw/buy: `custom_id`, looked up with withdraw_info.
template <>
struct exactly_once_traits<skinify::ops::withdraw_buy> {
    static constexpr bool enabled = true;
    static constexpr bool provider_idempotent = false;
    static constexpr bool has_lookup = true;
    static constexpr std::string_view id_name = "custom_id";
    using lookup = skinify::ops::withdraw_info;
    static std::optional<std::string>& id(skinify::withdraw_buy_params& p) { return p.body.custom_id; }
    static lookup::params lookup_params(const std::string& id)
    {
        lookup::params q;
        q.custom_ids = std::vector<std::string>{id};
        return q;
    }
    static std::optional<result<response<skinify::WithdrawBuyResponse>>> from_lookup(const lookup::response_type& info,
                                                                                    const std::string& id)
    {
        for (const auto& it : info.items)
            if (it.custom_id && *it.custom_id == id) {
                response<skinify::WithdrawBuyResponse> r{};
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
};

/// The id an error of kind outcome_unknown names ("... [id=abc]"), to look the buy up later.
inline std::optional<std::string> outcome_id(const error& e)
{
    auto p = e.detail.rfind("[id=");
    if (p == std::string::npos)
        return std::nullopt;
    auto q = e.detail.find(']', p);
    if (q == std::string::npos)
        return std::nullopt;
    return e.detail.substr(p + 4, q - p - 4);
}

} // namespace cs2market

#endif
