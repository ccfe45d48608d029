// cs2market::cs2dt: how a lost CS2DT buy is told from its order. The schema
// (x-cs2market-exactly-once on buy_item and quick_buy_item) says the id is
// `outTradeNo` and the lookup is buyer_order_detail(outTradeNo); this says how
// the order it finds becomes the buy's answer, which is not expressible there.
#ifndef CS2MARKET_CS2DT_EXACTLY_ONCE_HPP
#define CS2MARKET_CS2DT_EXACTLY_ONCE_HPP

#include <cs2market/cs2dt/generated/models.hpp>
#include <cs2market/exactly_once.hpp>

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

} // namespace cs2market::cs2dt

#endif
