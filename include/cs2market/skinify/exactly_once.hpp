// cs2market::skinify: how a lost Skinify buy is told from withdraw_info. The
// schema (x-cs2market-exactly-once on withdraw_buy) says the id is `custom_id`
// and the lookup is withdraw_info(custom_ids=id); this says how the purchase it
// finds becomes the buy's answer.
#ifndef CS2MARKET_SKINIFY_EXACTLY_ONCE_HPP
#define CS2MARKET_SKINIFY_EXACTLY_ONCE_HPP

#include <cs2market/exactly_once.hpp>
#include <cs2market/skinify/generated/models.hpp>

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

} // namespace cs2market::skinify

#endif
