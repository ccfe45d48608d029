// cs2market::skinify::book_feed: Skinify's real-time feed (realtime_feed) kept
// in a cs2market::market_book.
//
//   cs2market::market_book book;
//   cs2market::skinify::book_feed to_book(book);
//   cs2market::skinify::realtime_feed feed(ioc, project_id, token, to_book.handler());
//   // and snapshots: cs2market::async_refresh(book, skinify_source, key) every so often
//
// Skinify's WebSocket carries no market listings: it tells this project's own
// purchases (skin_purchase, skin_purchase_status_change) and its balance. What it
// does tell the book is that a skin is gone: a skin_purchase names the skin id
// bought (the id withdraw_buy took, the book's listing id), and a status change
// to error_item_unavailable says the skin can no longer be bought. Both remove
// that skin. Nothing here adds or reprices a listing (the feed states none): the
// Skinify side of the book comes from snapshots (withdraw_prices through its
// quote_source), and a purchase that later fails does not bring a skin back
// (whether it is on sale again is not stated; the next snapshot says).
#ifndef CS2MARKET_SKINIFY_BOOK_HPP
#define CS2MARKET_SKINIFY_BOOK_HPP

#include <cs2market/market/market_book.hpp>
#include <cs2market/skinify/models.hpp>
#include <cs2market/skinify/realtime.hpp>

#include <functional>
#include <variant>

namespace cs2market::skinify {

class book_feed {
public:
    /// `book` must outlive the feed.
    explicit book_feed(market_book& book) : book_(book) {}

    /// skin_purchase -> remove the skin; skin_purchase_status_change to
    /// error_item_unavailable -> remove the skin; anything else `ignored`.
    book_change apply(const realtime_event& ev)
    {
        if (const auto* buy = std::get_if<SkinPurchaseEvent>(&ev))
            return remove(buy->skin.id);
        if (const auto* change = std::get_if<SkinPurchaseStatusChangeEvent>(&ev))
            if (change->purchase_status.known() == PurchaseStatus::error_item_unavailable)
                return remove(change->skin.id);
        return book_change::ignored;
    }

    /// A realtime_feed event handler applying every event.
    std::function<void(const realtime_event&)> handler()
    {
        return [this](const realtime_event& ev) { apply(ev); };
    }

private:
    book_change remove(const std::string& skin_id)
    {
        if (skin_id.empty())
            return book_change::ignored;
        return book_.remove(id, skin_id) ? book_change::removed : book_change::not_found;
    }

    market_book& book_;
};

} // namespace cs2market::skinify

#endif
