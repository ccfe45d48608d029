// cs2market::cs2dt::book_feed: CS2DT's market push (market_feed) kept in a
// cs2market::market_book.
//
//   cs2market::market_book book;
//   cs2market::cs2dt::book_feed to_book(book);
//   cs2market::cs2dt::quote_source src(rest);
//   src.on_item_type = to_book.learner();            // item types met by quotes / snapshots
//   cs2market::cs2dt::market_feed feed(ioc, rest, to_book.handler());
//
// A push names its listing by `data.id` (the productId a buy takes), its price
// (USD, CS2DT's buyer fee undocumented as in its quotes) and its item type only
// by `data.itemId`: the market hash name comes from item types this feed has
// learned (learn(): market_search, sell_list, or the quote_source's hook). A
// `new` for an item type not learned is counted in the book's `unkeyed`, never
// guessed. The push states no float, seed, phase or stickers: a listing it adds
// has none (a float constraint then does not admit it), while an `update` of a
// listing the book holds keeps the facts its snapshot gave. The time is the
// push's `data.updateTime` (the listing changed), else `sendTime`, else arrival.
#ifndef CS2MARKET_CS2DT_BOOK_HPP
#define CS2MARKET_CS2DT_BOOK_HPP

#include <cs2market/cs2dt/items.hpp>
#include <cs2market/cs2dt/market.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/market/market_book.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace cs2market::cs2dt {

class book_feed {
public:
    /// Item types remembered at most (CS2 has some tens of thousands); past it no
    /// new one is learned (their pushes count as unkeyed): bounded memory.
    static constexpr std::size_t max_item_types = 200'000;

    /// `book` must outlive the feed.
    explicit book_feed(market_book& book) : book_(book) {}

    /// Item type `item_id` is `market_hash_name`. A name item_key refuses is not learned.
    void learn(std::int64_t item_id, std::string_view market_hash_name)
    {
        auto key = item_key::parse(market_hash_name, id);
        if (!key)
            return;
        std::lock_guard<std::mutex> lock(mu_);
        if (types_.size() < max_item_types || types_.count(item_id))
            types_.insert_or_assign(item_id, std::move(*key));
    }
    void learn(const MarketSearchPage& page)
    {
        for (const auto& m : page.list.value_or(std::vector<MarketSearchItem>{}))
            if (m.itemId && m.marketHashName)
                learn(*m.itemId, *m.marketHashName);
    }
    void learn(const SellListPage& page)
    {
        for (const auto& l : page.list.value_or(std::vector<ProductSellListDTO>{}))
            if (l.itemId && l.marketHashName)
                learn(*l.itemId, *l.marketHashName);
    }

    /// For quote_source::on_item_type.
    std::function<void(std::int64_t, const std::string&)> learner()
    {
        return [this](std::int64_t item_id, const std::string& name) { learn(item_id, name); };
    }

    /// Applies one push: new -> upsert, update -> the price of the listing the
    /// book holds (upsert when it holds none), remove -> remove. Other events,
    /// and messages without a listing id, change nothing (`ignored`).
    book_change apply(const MarketPushMessage& m, unix_ms arrived = now_unix_ms())
    {
        if (!m.event || !m.data || !m.data->id)
            return book_change::ignored;
        const auto ev = m.event->known();
        if (!ev)
            return book_change::ignored;
        const MarketPushListing& d = *m.data;
        const std::string listing = std::to_string(*d.id);
        if (*ev == MarketPushEvent::remove)
            return book_.remove(id, listing) ? book_change::removed : book_change::not_found;
        const unix_ms at = d.updateTime ? to_unix_ms(d.updateTime->time_point())
                           : m.sendTime ? to_unix_ms(m.sendTime->time_point())
                                        : arrived;
        if (*ev == MarketPushEvent::update && book_.update(id, listing, [&](quote& q) {
                if (d.price)
                    price_with_fee(q, *d.price, buyer_fee);
                q.observed_at = at;
            }))
            return book_change::changed;
        if (!d.price)
            return book_change::ignored; // a listing without a price is not an offer
        auto key = key_of(d.itemId);
        if (!key) {
            book_.count_unkeyed(std::move(key.error()));
            return book_change::unkeyed;
        }
        quote q{id, listing, {}, {}, true, {}, std::move(*key), at};
        price_with_fee(q, *d.price, buyer_fee);
        return book_.upsert(std::move(q));
    }

    /// A market_feed message handler applying every push.
    std::function<void(const MarketPushMessage&)> handler()
    {
        return [this](const MarketPushMessage& m) { apply(m); };
    }

private:
    result<item_key> key_of(const std::optional<std::int64_t>& item_id) const
    {
        if (item_id) {
            std::lock_guard<std::mutex> lock(mu_);
            if (auto it = types_.find(*item_id); it != types_.end())
                return it->second;
        }
        error e = ::cs2market::detail::make_error(
            error_kind::decode,
            item_id ? "market push: item type " + std::to_string(*item_id) + " is not known (no market hash name learned for it)"
                    : std::string("market push: no itemId"),
            id);
        e.json_path = "data.itemId";
        return e;
    }

    market_book& book_;
    mutable std::mutex mu_; // learn() runs on the quote clients' threads, apply() on the feed's
    std::unordered_map<std::int64_t, item_key> types_;
};

} // namespace cs2market::cs2dt

#endif
