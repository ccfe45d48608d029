// cs2market::cs2dt::quote_source: CS2DT's offers for cs2market::async_quote.
// market_search finds the item type's itemId by its exact market hash name, then
// sell_list pages its listings cheapest first (each listing's id is the productId
// a buy takes). Float bounds go to sell_list as startWear / endWear; the market
// layer filters again, so a provider that ignores them loses nothing.
//
// Fees: CS2DT's buyer order detail has a per-order buyerFee (seed page "buyer
// order detail") but no page gives its rate, so quotes carry the listing price
// with fee_known = false: an order's buyerFee may come on top.
#ifndef CS2MARKET_CS2DT_MARKET_HPP
#define CS2MARKET_CS2DT_MARKET_HPP

#include <cs2market/cs2dt.hpp>
#include <cs2market/cs2dt/items.hpp>
#include <cs2market/market/detail/float_text.hpp>
#include <cs2market/market/buy_best.hpp>
#include <cs2market/market/quote.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::cs2dt {

/// CS2DT's buyer fee as far as its docs say: one exists (buyerFee), its rate is not documented.
inline const fee_schedule buyer_fee{decimal{}, decimal{}, std::nullopt, false};

class quote_source final : public ::cs2market::quote_source {
public:
    /// Pages of market_search read to find the item type, and of sell_list (cheapest first).
    static constexpr std::int64_t max_search_pages = 5;
    static constexpr std::int64_t max_listing_pages = 5;
    static constexpr std::int64_t cs2_app_id = 730;

    /// `c` must outlive the source.
    explicit quote_source(basic_client<cs2dt::provider>& c) : client_(c) {}

    provider_id provider() const override { return cs2dt::id; }

    /// Called with each item type (itemId, market hash name) market_search finds,
    /// on the client's executor: what a market push names only by itemId
    /// (cs2dt::book_feed::learner()). Set it before the first call.
    std::function<void(std::int64_t item_id, const std::string& market_hash_name)> on_item_type;

    void async_quotes(const item_key& item, const quote_constraints& c, handler done) override
    {
        auto st = std::make_shared<state>(state{client_, item.to_string(), c, std::move(done), {}, 0, this});
        search(st, 1);
    }

private:
    struct state {
        basic_client<cs2dt::provider>& client;
        std::string name;
        quote_constraints constraints;
        handler done;
        std::vector<quote> offers;
        std::int64_t item_id;
        quote_source* self; // alive while the call runs (async_quote holds it)
    };

    static void search(std::shared_ptr<state> st, std::int64_t page)
    {
        market_search_params p;
        p.appId = cs2_app_id;
        p.keyword = st->name;
        p.page = page;
        st->client.template async_call<ops::market_search>(std::move(p), [st, page](result<MarketSearchPage> r) {
            if (!r)
                return st->done(r.error());
            for (const auto& m : r->list.value_or(std::vector<MarketSearchItem>{}))
                if (m.marketHashName == st->name && m.itemId) {
                    st->item_id = *m.itemId;
                    if (st->self->on_item_type)
                        st->self->on_item_type(*m.itemId, *m.marketHashName);
                    return listings(st, 1);
                }
            if (page < r->pages.value_or(1) && page < max_search_pages)
                return search(st, page + 1);
            st->done(std::vector<quote>{}); // CS2DT does not sell this item type now
        });
    }

    static void listings(std::shared_ptr<state> st, std::int64_t page)
    {
        sell_list_params p;
        p.itemId = st->item_id;
        p.page = page;
        p.sort = SellListSort::price_asc;
        if (st->constraints.float_min)
            p.startWear = ::cs2market::detail::float_text(*st->constraints.float_min);
        if (st->constraints.float_max)
            p.endWear = ::cs2market::detail::float_text(*st->constraints.float_max);
        st->client.template async_call<ops::sell_list>(std::move(p), [st, page](result<SellListPage> r) {
            if (!r)
                return st->done(r.error());
            const unix_ms arrived = now_unix_ms();
            for (const auto& l : r->list.value_or(std::vector<ProductSellListDTO>{})) {
                auto key = item_key_of(l);
                if (!key)
                    st->self->count_unkeyed();
                if (!key || !l.id || !l.price)
                    continue; // a listing the key or the price cannot be read of is not offered
                quote q{cs2dt::id, std::to_string(*l.id), {}, {}, true, {}, std::move(*key), arrived};
                if (l.systemTime)
                    q.observed_at = to_unix_ms(l.systemTime->time_point());
                price_with_fee(q, *l.price, buyer_fee);
                st->offers.push_back(std::move(q));
            }
            if (page < r->pages.value_or(1) && page < max_listing_pages)
                return listings(st, page + 1);
            st->done(std::move(st->offers));
        });
    }

    basic_client<cs2dt::provider>& client_;
};

/// CS2DT as a place to buy a quoted listing: buy_item by productId, the whole
/// trade URL as tradeUrl, the route's attempt id as outTradeNo (a lost answer is
/// looked up by it), the quoted ask as maxPrice.
class buy_venue final : public ::cs2market::buy_venue {
public:
    /// `c` must outlive the venue; its client_options::journal records the buys.
    explicit buy_venue(basic_client<cs2dt::provider>& c) : client_(c), quotes_(c) {}

    provider_id provider() const override { return cs2dt::id; }
    ::cs2market::quote_source& quotes() override { return quotes_; }

    void async_buy(const quote& offer, decimal ceiling, const trade_url& to, const std::string& id, handler done) override
    {
        std::int64_t product = 0;
        const auto& s = offer.listing_id;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), product);
        if (ec != std::errc() || end != s.data() + s.size())
            return done(::cs2market::detail::make_error(error_kind::invalid_argument, "not a CS2DT product id: " + s, cs2dt::id));
        buy_item_params p;
        p.body.productId = product;
        p.body.outTradeNo = id;
        p.body.tradeUrl = to.to_string();
        p.body.maxPrice = ceiling;
        client_.template async_call<ops::buy_item>(std::move(p), [done = std::move(done)](result<BuyResultDTO> r) {
            done(r ? result<void>{} : result<void>(r.error()));
        });
    }

    bool listing_gone(const error& e) const override { return listing_gone_refusal<ops::buy_item>(e); }

private:
    basic_client<cs2dt::provider>& client_;
    quote_source quotes_;
};

} // namespace cs2market::cs2dt

template <>
struct cs2market::quote_source_for<cs2market::cs2dt::provider> {
    using type = cs2market::cs2dt::quote_source;
};

template <>
struct cs2market::buy_venue_for<cs2market::cs2dt::provider> {
    using type = cs2market::cs2dt::buy_venue;
};

#endif
