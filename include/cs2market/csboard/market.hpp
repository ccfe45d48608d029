// cs2market::csboard::quote_source: CSBoard's offers for cs2market::async_quote.
// list_listings (search by the name, cheapest first, keyset pages) gives every
// physical item with its float, seed, phase and stickers; its id (itm_...) is
// what create_order / market_buy take. Float and price bounds and StatTrak go
// to CSBoard as its documented filters; the market layer filters again.
// A listing with delivery "hold" (or not tradable) is held until tradable_at.
//
// Fees: none documented for buyers (the order examples charge the listing's
// price_usd: charged_usd 14.37 for price_usd 14.37).
#ifndef CS2MARKET_CSBOARD_MARKET_HPP
#define CS2MARKET_CSBOARD_MARKET_HPP

#include <cs2market/csboard.hpp>
#include <cs2market/csboard/items.hpp>
#include <cs2market/market/detail/float_text.hpp>
#include <cs2market/market/buy_best.hpp>
#include <cs2market/market/quote.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::csboard {

/// CSBoard's buyer fee: none documented.
inline const fee_schedule buyer_fee{};

class quote_source final : public ::cs2market::quote_source {
public:
    /// Pages of list_listings read (cheapest first), and their size.
    static constexpr int max_pages = 5;
    static constexpr std::int64_t page_size = 100;

    /// `c` must outlive the source.
    explicit quote_source(basic_client<csboard::provider>& c) : client_(c) {}

    provider_id provider() const override { return csboard::id; }

    void async_quotes(const item_key& item, const quote_constraints& c, handler done) override
    {
        list_listings_params p;
        p.search = item.to_string();
        p.sort = ListingSort::price_asc;
        p.limit = page_size;
        p.stat_trak = item.stattrak() ? FlagFilter::only : FlagFilter::exclude;
        if (c.float_min)
            p.min_float = ::cs2market::detail::float_decimal(*c.float_min);
        if (c.float_max)
            p.max_float = ::cs2market::detail::float_decimal(*c.float_max);
        if (c.max_price) // the ask is at most the price with fees
            p.max_price = c.max_price;
        page(std::make_shared<state>(state{client_, item.to_string(), std::move(p), std::move(done), {}, 1, this}));
    }

private:
    struct state {
        basic_client<csboard::provider>& client;
        std::string name;
        list_listings_params params;
        handler done;
        std::vector<quote> offers;
        int page;
        quote_source* self; // alive while the call runs (async_quote holds it)
    };

    static void page(std::shared_ptr<state> st)
    {
        st->client.template async_call<ops::list_listings>(st->params, [st](result<ListingsPage> r) {
            if (!r)
                return st->done(r.error());
            const unix_ms arrived = now_unix_ms();
            for (const auto& l : r->items) {
                if (l.market_hash_name != st->name)
                    continue; // search is a full-text match: "StatTrak™ ..." and others come too
                auto key = item_key_of(l);
                if (!key) {
                    st->self->count_unkeyed();
                    continue; // a listing whose facts cannot be read is not offered
                }
                quote q{csboard::id, l.id, {}, {}, true, {}, std::move(*key), arrived};
                const bool held = (l.delivery && l.delivery->known() == DeliveryMode::hold) ||
                                  (l.tradable && !*l.tradable);
                if (held) {
                    q.available.what = availability::kind::hold;
                    if (l.tradable_at)
                        q.available.until = to_unix_ms(l.tradable_at->time_point());
                }
                price_with_fee(q, l.price_usd, buyer_fee);
                st->offers.push_back(std::move(q));
            }
            if (r->next_cursor && !r->next_cursor->empty() && st->page < max_pages) {
                ++st->page;
                st->params.cursor = *r->next_cursor;
                return page(st);
            }
            st->done(std::move(st->offers));
        });
    }

    basic_client<csboard::provider>& client_;
};

/// CSBoard as a place to buy a quoted listing: market_buy (delivers to any trade
/// URL: partner + token) of the one item id, the route's attempt id as custom_id
/// (CSBoard replays a repeated one), the quoted ask as max_price_usd.
class buy_venue final : public ::cs2market::buy_venue {
public:
    /// `c` must outlive the venue; its client_options::journal records the buys.
    explicit buy_venue(basic_client<csboard::provider>& c) : client_(c), quotes_(c) {}

    provider_id provider() const override { return csboard::id; }
    ::cs2market::quote_source& quotes() override { return quotes_; }

    void async_buy(const quote& offer, decimal ceiling, const trade_url& to, const std::string& id, handler done) override
    {
        market_buy_params p;
        p.body.item_ids = {offer.listing_id};
        p.body.partner = to.partner;
        p.body.token = to.token;
        p.body.max_price_usd = ceiling;
        p.body.custom_id = id;
        client_.template async_call<ops::market_buy>(std::move(p), [done = std::move(done)](auto r) {
            done(r ? result<void>{} : result<void>(r.error()));
        });
    }

    bool listing_gone(const error& e) const override { return listing_gone_refusal<ops::market_buy>(e); }

private:
    basic_client<csboard::provider>& client_;
    quote_source quotes_;
};

} // namespace cs2market::csboard

template <>
struct cs2market::quote_source_for<cs2market::csboard::provider> {
    using type = cs2market::csboard::quote_source;
};

template <>
struct cs2market::buy_venue_for<cs2market::csboard::provider> {
    using type = cs2market::csboard::buy_venue;
};

#endif
