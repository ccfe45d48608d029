// cs2market: bodies of order_phase.hpp.
#ifndef CS2MARKET_IMPL_ORDER_PHASE_IPP
#define CS2MARKET_IMPL_ORDER_PHASE_IPP

#include <cs2market/order_phase.hpp>

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

} // namespace cs2market

#endif
