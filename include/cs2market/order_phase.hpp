// cs2market: the phases of an order and what a provider's status value means
// for one: the vocabulary the generated models name (order_phase_of /
// phase_meaning_of, from each schema's x-cs2market-order-phases), apart from the
// order layer (order.hpp: orders, observations, transitions) so that generated
// code depends only on the core.
#ifndef CS2MARKET_ORDER_PHASE_HPP
#define CS2MARKET_ORDER_PHASE_HPP

#include <cs2market/detail/config.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace cs2market {

/// Where an order is. The last four are final: an order never leaves them.
enum class order_phase : std::uint8_t {
    submitted,  ///< journaled, no answer yet
    unknown,    ///< the answer was lost; being reconciled by the buy's idempotency id
    pending,    ///< accepted by the provider, not yet sent
    reserved,   ///< waiting for a trade hold to lift
    delivering, ///< trade offer sent, waiting for the recipient
    delivered,  ///< accepted by the recipient; reversible until `settles_at`
    settled,    ///< final: delivered and no longer reversible
    reversed,   ///< final: delivered, then reversed during trade protection (see reversed_by)
    failed,     ///< final: never delivered (see failed_by)
    cancelled,  ///< final: cancelled by us
};

/// Who reversed a delivered trade.
enum class reversal_party : std::uint8_t { unknown, buyer, seller };
/// Whose fault an undelivered order is.
enum class fault_party : std::uint8_t { unknown, recipient, provider, caller };

CS2MARKET_DECL std::string_view to_string(order_phase p) noexcept;
CS2MARKET_DECL std::string_view to_string(reversal_party p) noexcept;
CS2MARKET_DECL std::string_view to_string(fault_party p) noexcept;
CS2MARKET_DECL std::optional<order_phase> order_phase_from_string(std::string_view s) noexcept;
CS2MARKET_DECL std::optional<reversal_party> reversal_party_from_string(std::string_view s) noexcept;
CS2MARKET_DECL std::optional<fault_party> fault_party_from_string(std::string_view s) noexcept;

/// settled, reversed, failed or cancelled.
constexpr bool is_final(order_phase p) noexcept { return p >= order_phase::settled; }

/// The order of the phases for moving forward only: an observation of a phase
/// with a lower rank than the order's is late and ignored. All final phases rank alike.
constexpr int phase_rank(order_phase p) noexcept
{
    return is_final(p) ? static_cast<int>(order_phase::settled) : static_cast<int>(p);
}

/// What a provider's status value means for an order (generated from the
/// schema's x-cs2market-order-phases): a phase, or for a failure or reversal
/// code only who and whether we were refunded.
struct phase_meaning {
    std::optional<order_phase> phase;
    std::optional<reversal_party> reversed_by;
    std::optional<fault_party> failed_by;
    std::optional<bool> refunded;
};

/// A status's meaning refined by a failure or reversal code's (CS2DT's status 11
/// or 220 with its failedCode): the code says who, and may turn a failure into a
/// cancellation of ours.
constexpr phase_meaning refine(phase_meaning status, const phase_meaning& code) noexcept
{
    const bool ending = status.phase && is_final(*status.phase) && *status.phase != order_phase::settled;
    if (ending && code.phase)
        status.phase = code.phase;
    if (code.reversed_by)
        status.reversed_by = code.reversed_by;
    if (code.failed_by)
        status.failed_by = code.failed_by;
    if (code.refunded)
        status.refunded = code.refunded;
    return status;
}

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/order_phase.ipp>
#endif

#endif
