// cs2market::skinify::quote_source: Skinify's offers for cs2market::async_quote.
// withdraw_prices with full_list=1 is Skinify's only listing of skins (one row
// per item, with the id withdraw_buy takes); extended=1 adds the float and
// include_hold=1 the items in trade hold (properties.unhold_at: hold until then).
// Skinify has no search: the whole list comes in one answer and is filtered here.
//
// Fees: none documented for buyers.
#ifndef CS2MARKET_SKINIFY_MARKET_HPP
#define CS2MARKET_SKINIFY_MARKET_HPP

#include <cs2market/market/quote.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/skinify/items.hpp>

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

} // namespace cs2market::skinify

template <>
struct cs2market::quote_source_for<cs2market::skinify::provider> {
    using type = cs2market::skinify::quote_source;
};

#endif
