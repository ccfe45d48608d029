// cs2market: quotes across markets. What one item costs right now on every
// configured provider, each offer as exact USD including the buyer's fees the
// provider documents, merged, filtered by the caller's constraints and sorted
// cheapest first. Names no provider: each provider implements quote_source in
// its folder (<cs2market/<p>/market.hpp>).
//
//   auto key = cs2market::item_key::parse("AK-47 | Redline (Field-Tested)");
//   cs2market::quote_constraints c;
//   c.float_max = 0.25;
//   cs2market::async_quote(sources, *key, c, [](cs2market::quotes q) {
//       for (auto& o : q.offers)  /* cheapest first */;
//       for (auto& e : q.errors)  /* one per provider that failed: its offers are missing */;
//   });
#ifndef CS2MARKET_MARKET_QUOTE_HPP
#define CS2MARKET_MARKET_QUOTE_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/orders/order.hpp> // unix_ms

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

/// When a bought item can be delivered.
struct availability {
    enum class kind : std::uint8_t {
        instant, ///< delivered after the purchase (no trade hold)
        hold,    ///< under a trade hold: reserved now, delivered when it ends
    };
    availability::kind what = kind::instant;
    std::optional<unix_ms> until; ///< hold: when it ends, when the provider says

    friend bool operator==(const availability&, const availability&) = default;
};

/// "instant", "hold", or "hold:2026-07-06T12:00:00Z" (one word: the CLI's columns are
/// separated by spaces).
CS2MARKET_DECL std::string to_string(const availability& a);

/// A buyer's fee as a provider documents it: `rate` of the price, at least
/// `min`, at most `max` (when set), rounded up to the cent. `documented` is
/// false where the provider's docs say a fee exists without saying how much:
/// the price then cannot include it, and quote::fee_known says so.
struct fee_schedule {
    decimal rate;                 ///< 0.02 for 2 %
    decimal min;                  ///< a floor, when rate > 0
    std::optional<decimal> max;   ///< a ceiling
    bool documented = true;

    /// The fee on `price`: rate * price rounded up to 0.01, then clamped to [min, max];
    /// zero when rate is zero. Never less than the exact fee (no under-quote).
    CS2MARKET_DECL decimal fee_on(decimal price) const;
};

/// One offer: one listing the provider sells, at what price, how delivered.
struct quote {
    provider_id provider;
    /// What that provider buys by: CS2DT productId, CSBoard item id, Skinify skin id.
    std::string listing_id;
    /// USD the buyer pays: the ask plus `fee`.
    decimal price;
    /// The part of `price` that is the provider's documented buyer fee.
    decimal fee;
    /// False when the provider charges a fee it does not document (see fee_schedule).
    bool fee_known = true;
    availability available;
    /// The one item: name and facts (phase, float, seed, stickers as the provider tells them).
    item_key key;
    /// When the data was true: the provider's own timestamp when it sends one,
    /// else when its answer arrived.
    unix_ms observed_at = 0;

    /// now - observed_at, never negative.
    std::int64_t age_ms(unix_ms now) const noexcept { return now > observed_at ? now - observed_at : 0; }
};

/// Sets q.price to `ask` plus f's fee on it, q.fee and q.fee_known: how every
/// source prices an offer.
CS2MARKET_DECL void price_with_fee(quote& q, decimal ask, const fee_schedule& f);

/// What a caller accepts. Empty members accept anything.
struct quote_constraints {
    std::optional<doppler_phase> phase;
    std::optional<double> float_min; ///< inclusive
    std::optional<double> float_max; ///< inclusive
    std::optional<std::int64_t> paint_seed;
    std::optional<bool> stattrak;
    std::optional<decimal> max_price; ///< inclusive, fees included

    /// Refused (error_kind::invalid_argument): a float bound outside 0..1 or not
    /// finite, float_min > float_max, a seed outside 0..item_key::max_paint_seed,
    /// a negative max_price, a phase the item's finish does not have.
    CS2MARKET_DECL result<void> check(const item_key& item) const;

    /// Whether `q` meets every constraint. A constraint on a fact the listing does
    /// not tell (a float, a seed, a phase) is not met: never a guess.
    CS2MARKET_DECL bool admits(const quote& q) const;
};

/// What async_quote gathered: the offers that meet the constraints, cheapest
/// first (then provider, then listing id: a stable order), and one error per
/// provider that could not answer (its offers are missing, the others' are not).
struct quotes {
    std::vector<quote> offers;
    std::vector<error> errors;
};

/// Merges per-provider answers into `quotes`: keeps the admitted offers of the
/// wanted item (same market hash name; the phase too when `item` has one), sorts them.
CS2MARKET_DECL quotes merge_quotes(const item_key& item, const quote_constraints& c,
                                   std::vector<result<std::vector<quote>>> answers);

/// One provider's offers. Implemented in each provider's folder
/// (<cs2market/<p>/market.hpp>: `<p>::quote_source`, built on that provider's client).
class quote_source {
public:
    using handler = std::function<void(result<std::vector<quote>>)>;

    virtual ~quote_source() = default;
    virtual provider_id provider() const = 0;
    /// The provider's listings of `item`'s market hash name (every listing, or
    /// those `c` lets it ask for server-side: the caller filters again). Within
    /// the provider's rate budget (the client's limiter). `done` is called once,
    /// on the client's executor.
    virtual void async_quotes(const item_key& item, const quote_constraints& c, handler done) = 0;

    /// Listings this source read whose item key could not be built (so not
    /// offered), since it was made: none is dropped unseen.
    std::uint64_t unkeyed() const noexcept { return unkeyed_.load(std::memory_order_relaxed); }

protected:
    void count_unkeyed() noexcept { unkeyed_.fetch_add(1, std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> unkeyed_{0};
};

/// The quote_source of `Provider` (each provider's market.hpp specialises it).
template <class Provider>
struct quote_source_for;

/// Asks every source at once and completes with the merged, filtered, sorted
/// offers and the per-provider errors. Constraints `check` refuses complete at
/// once with that error in `errors` and no request sent. Completion signature:
/// void(quotes). The sources' clients must run on executors that are running.
template <class CompletionToken>
auto async_quote(std::vector<std::shared_ptr<quote_source>> sources, item_key item, quote_constraints c,
                 CompletionToken&& token);

} // namespace cs2market

#include <cs2market/market/impl/quote.hpp>
#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/market/impl/quote.ipp>
#endif

#endif
