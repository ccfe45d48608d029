// cs2market: where the money is, per provider, from the orders (e.g. a journal's).
//
//   auto orders = store->load(false).value();
//   for (const auto& e : cs2market::exposure_of(orders)) std::cout << e << "\n";
#ifndef CS2MARKET_ORDERS_EXPOSURE_HPP
#define CS2MARKET_ORDERS_EXPOSURE_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/orders/order.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace cs2market {

/// The money of one provider's orders, counted conservatively: an order counts
/// at what was charged (order::amount(): the most any answer said, else its
/// ceiling while the provider has not said), per item for orders of several
/// items, and money is refunded only where the provider said so.
struct provider_exposure {
    provider_id provider;
    decimal spent;            ///< charged or maybe charged, and not proven refunded
    decimal in_flight;        ///< charged or maybe charged, not delivered yet (submitted, unknown, pending, reserved, delivering)
    decimal reversible;       ///< delivered, not settled: can still come back
    std::optional<unix_ms> reversible_until; ///< when the last of those settles, if known
    decimal settled;          ///< delivered and no longer reversible
    decimal reversed;         ///< delivered, then reversed
    decimal refunded;         ///< charged, then given back (the provider said so)
    /// Part of `spent` whose fate is unknown: buys whose answer was lost
    /// (submitted, unknown), and failed, cancelled or reversed money whose refund
    /// the provider has not confirmed.
    decimal at_risk;
    std::size_t orders = 0;
    std::size_t unfinished = 0;
};

/// Per provider: every provider named in `providers` (zero or not), then any
/// other provider the orders name, in order.
CS2MARKET_DECL std::vector<provider_exposure> exposure_of(const std::vector<order>& orders,
                                                          std::span<const provider_id> providers = {});

/// One line: "csboard spent 12.5 in_flight 0 reversible 3 until 2026-07-06T12:00:00Z settled 9.5 reversed 0 refunded 1 orders 4 unfinished 1"
/// (the CLI's `orders exposure` format, which tools parse: at_risk is in the JSON form only).
CS2MARKET_DECL std::string to_string(const provider_exposure& e);
inline std::ostream& operator<<(std::ostream& os, const provider_exposure& e)
{
    return os << to_string(e);
}

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/orders/impl/exposure.ipp>
#endif

#endif
