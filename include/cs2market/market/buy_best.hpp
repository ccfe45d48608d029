// cs2market: best-price buying across markets. One route: quote the item on
// every configured market, buy the cheapest admitted offer at or under a price
// ceiling (fees included), and when that market answers with its documented
// "listing gone" or "price moved" refusal, the next offer, never above the
// ceiling. Each attempt is an ordinary journaled buy (its intent on disk before
// its request leaves) under the idempotency id "<route id>-<attempt>", so the
// journal tells which orders are one route's attempts. The route buys at most
// once: an attempt whose outcome is not a proven refusal (a lost answer the
// executor could not reconcile by its id, an "unfinished" answer) stops the
// route with that order at risk; no other market is tried. Names no provider:
// each provider implements buy_venue in its folder (<cs2market/<p>/market.hpp>).
//
//   auto to = cs2market::trade_url::parse(url);
//   cs2market::async_buy_best(ioc.get_executor(), venues, journal, key, constraints,
//                             max_price, *to, {}, [](cs2market::route_result r) {
//       if (r.what == cs2market::route_result::outcome::bought) /* r.bought: the journaled order */;
//   });
#ifndef CS2MARKET_MARKET_BUY_BEST_HPP
#define CS2MARKET_MARKET_BUY_BEST_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/operation.hpp>
#include <cs2market/market/quote.hpp>
#include <cs2market/market/trade_url.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/orders/order.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

/// One provider as a place to buy a quoted listing. Implemented in each
/// provider's folder (<cs2market/<p>/market.hpp>: `<p>::buy_venue`, on a client
/// whose client_options::journal is the route's journal).
class buy_venue {
public:
    using handler = std::function<void(result<void>)>;

    virtual ~buy_venue() = default;
    virtual provider_id provider() const = 0;
    /// The provider's offers (the same client).
    virtual quote_source& quotes() = 0;
    /// Buys `offer`'s listing for `to` as a journaled buy under idempotency id `id`,
    /// refused by the provider above `ceiling` (the ask, without the fee). `done`
    /// once, on the client's executor: success when the provider answered the buy,
    /// else the executor's error (a refusal, or an outcome it could not prove).
    virtual void async_buy(const quote& offer, decimal ceiling, const trade_url& to, const std::string& id, handler done) = 0;
    /// Whether a refusal is one of the provider's documented "this listing is sold or
    /// gone" / "its price moved" answers: then the next offer may be tried. Each
    /// provider lists its codes in its folder.
    virtual bool listing_gone(const error& refusal) const = 0;
};

/// Whether `e` is `Op`'s documented refusal saying the listing is sold, gone or
/// repriced: an error row of its schema marked `means: listing_gone` (always
/// outcome refused). A provider's buy_venue::listing_gone asks this of its buy.
template <class Op>
bool listing_gone_refusal(const error& e)
{
    const documented_error* d = documented(e, Op::errors);
    return e.kind == error_kind::provider && d != nullptr && d->listing_gone;
}

/// The buy_venue of `Provider` (each provider's market.hpp specialises it).
template <class Provider>
struct buy_venue_for;

struct buy_best_options {
    /// The route's id: 1 to 64 of [A-Za-z0-9_]. Empty: a new random one. A given id
    /// whose attempts the journal holds already is refused (the route ran before).
    std::string route_id;
    /// Offers whose buyer fee the provider does not document (quote::fee_known false)
    /// are not bought by default: their price cannot be held to the ceiling.
    bool accept_undocumented_fee = false;
    /// At most this many buys are sent in one route.
    unsigned max_attempts = 5;
};

/// How a route ended.
struct route_result {
    enum class outcome : std::uint8_t {
        bought,   ///< `bought` is the journaled order, `offer` what it bought
        no_offer, ///< no offer met the constraints at or under the ceiling (or every one went): nothing bought
        stopped,  ///< a refusal or a local error (`error`) ended the route: nothing bought
        at_risk,  ///< an attempt's outcome is not known (`bought`: that order, followed by the tracker): nothing else tried
    } what = outcome::stopped;
    std::string route_id;
    unsigned attempts = 0;             ///< buys sent (journaled intents)
    std::optional<quote> offer;        ///< the last offer tried
    std::optional<order> bought;       ///< bought / at_risk / stopped after an answer: the journaled order
    std::optional<cs2market::error> reason; ///< why not bought
    std::vector<cs2market::error> quote_errors; ///< providers that could not quote
};

CS2MARKET_DECL std::string_view to_string(route_result::outcome o) noexcept;

/// The idempotency id of attempt `n` (from 1) of `route_id`.
CS2MARKET_DECL std::string route_attempt_id(std::string_view route_id, unsigned n);
/// The route id of a journaled order's id, when it is a route attempt's.
CS2MARKET_DECL std::optional<std::string> route_of(std::string_view order_id);

/// Runs one route (see the top of this file). `max_price` is inclusive, fees
/// included; quote_constraints::max_price, when set, tightens it. Everything runs
/// on `ex`; the venues' clients must run on executors that are running. Bad input
/// (a negative ceiling, constraints `check` refuses, no venue, no journal) ends
/// the route `stopped` before anything is sent. Completion signature:
/// void(route_result).
template <class CompletionToken>
auto async_buy_best(boost::asio::any_io_executor ex, std::vector<std::shared_ptr<buy_venue>> venues,
                    std::shared_ptr<journal> store, item_key item, quote_constraints c, decimal max_price, trade_url to,
                    buy_best_options o, CompletionToken&& token);

namespace detail {
/// The route itself, types erased (async_buy_best wraps its completion).
CS2MARKET_DECL void run_route(boost::asio::any_io_executor ex, std::vector<std::shared_ptr<buy_venue>> venues,
                              std::shared_ptr<journal> store, item_key item, quote_constraints c, decimal max_price, trade_url to,
                              buy_best_options o, std::function<void(route_result)> done);
} // namespace detail

} // namespace cs2market

#include <cs2market/market/impl/buy_best.hpp>
#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/market/impl/buy_best.ipp>
#endif

#endif
