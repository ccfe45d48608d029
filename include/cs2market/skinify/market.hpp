// cs2market::skinify::quote_source: Skinify's offers for cs2market::async_quote.
// withdraw_prices with full_list=1 is Skinify's only listing of skins (one row
// per item, with the id withdraw_buy takes); extended=1 adds the float and
// include_hold=1 the items in trade hold (properties.unhold_at: hold until then).
// Skinify has no search: the whole list comes in one answer and is filtered here.
//
// Fees: none documented for buyers.
#ifndef CS2MARKET_SKINIFY_MARKET_HPP
#define CS2MARKET_SKINIFY_MARKET_HPP

#include <cs2market/market/buy_best.hpp>
#include <cs2market/market/quote.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/skinify/items.hpp>

#include <array>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::skinify {

/// Skinify's buyer fee: none documented.
inline const fee_schedule buyer_fee{};

class quote_source final : public ::cs2market::quote_source {
public:
    /// `c` must outlive the source.
    explicit quote_source(basic_client<skinify::provider>& c) : client_(c) {}

    provider_id provider() const override { return skinify::id; }

    void async_quotes(const item_key& item, const quote_constraints&, handler done) override
    {
        withdraw_prices_params p;
        p.game = Game::csgo;
        p.full_list = 1;
        p.extended = 1;
        p.include_hold = 1;
        client_.template async_call<ops::withdraw_prices>(
            std::move(p), [this, name = item.to_string(), done = std::move(done)](result<WithdrawPricesResponse> r) {
                if (!r)
                    return done(r.error());
                const unix_ms arrived = now_unix_ms();
                std::vector<quote> offers;
                for (const auto& s : r->skins) {
                    if (s.name != name || !s.id)
                        continue;
                    auto key = item_key_of(s);
                    if (!key) {
                        count_unkeyed(); // `this` is alive while the call runs (async_quote holds it)
                        continue; // a skin whose float cannot be read is not offered
                    }
                    quote q{skinify::id, *s.id, {}, {}, true, {}, std::move(*key), arrived};
                    if (s.properties.unhold_at) {
                        q.available.what = availability::kind::hold;
                        q.available.until = to_unix_ms(s.properties.unhold_at->time_point());
                    }
                    price_with_fee(q, s.price, buyer_fee);
                    offers.push_back(std::move(q));
                }
                done(std::move(offers));
            });
    }

private:
    basic_client<skinify::provider>& client_;
};

/// Skinify as a place to buy a quoted skin: withdraw_buy by skin id, the trade
/// URL's partner + token, the route's attempt id as custom_id (a lost answer is
/// looked up by it), the quoted ask as max_price.
class buy_venue final : public ::cs2market::buy_venue {
public:
    /// `c` must outlive the venue; its client_options::journal records the buys.
    explicit buy_venue(basic_client<skinify::provider>& c) : client_(c), quotes_(c) {}

    provider_id provider() const override { return skinify::id; }
    ::cs2market::quote_source& quotes() override { return quotes_; }

    void async_buy(const quote& offer, decimal ceiling, const trade_url& to, const std::string& id, handler done) override
    {
        withdraw_buy_params p;
        p.body.id = offer.listing_id;
        p.body.partner = to.partner;
        p.body.token = to.token;
        p.body.max_price = ceiling;
        p.body.custom_id = id;
        client_.template async_call<ops::withdraw_buy>(std::move(p), [done = std::move(done)](auto r) {
            done(r ? result<void>{} : result<void>(r.error()));
        });
    }

    /// Skinify documents no withdraw_buy error for a sold or repriced skin (its full
    /// error list was not retrievable), so its schema marks none: a route stops here.
    bool listing_gone(const error& e) const override { return listing_gone_refusal<ops::withdraw_buy>(e); }

private:
    basic_client<skinify::provider>& client_;
    quote_source quotes_;
};

} // namespace cs2market::skinify

template <>
struct cs2market::quote_source_for<cs2market::skinify::provider> {
    using type = cs2market::skinify::quote_source;
};

template <>
struct cs2market::buy_venue_for<cs2market::skinify::provider> {
    using type = cs2market::skinify::buy_venue;
};

#endif
