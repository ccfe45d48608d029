// cs2market: the live market book. Every offer the feeds and snapshots have
// told of, per item, kept current by updates, so that "what is the cheapest
// offer for this item that meets these constraints" is answered from memory in
// microseconds, with no network call. Names no provider: each provider maps its
// feed's messages to upsert / update / remove in its folder
// (<cs2market/cs2dt/book.hpp>, <cs2market/skinify/book.hpp>), and any provider's
// quote_source gives snapshots (async_refresh).
//
//   cs2market::market_book book;                   // book_options: the cap on entries
//   book.upsert(q);                                // a listing, new or changed
//   book.remove(cs2market::cs2dt::id, "1252366888000003");
//   book.replace_all(cs2market::skinify::id, key, snapshot);   // that item's listings now
//   if (auto best = book.best(key, c))             // cheapest admitted offer
//       std::cout << best->price << " seen " << best->age_ms(cs2market::now_unix_ms()) << " ms ago\n";
//
// Threads: every member may be called from any thread. Writers take a unique
// lock for one update (O(log n): one listing re-indexed) or one snapshot (its
// listings); readers take a shared lock, walk one item's offers cheapest first
// and copy out what they answer, so a reader waits at most for one update or one
// item's snapshot, never for I/O: the book does none.
//
// Memory: at most book_options::max_entries offers. A new listing arriving when
// the book is full evicts the least recently written one (the entry whose data
// is oldest in the book, whatever its item), counted in book_stats::evicted.
// Names and facts are bounded by item_key's limits.
#ifndef CS2MARKET_MARKET_MARKET_BOOK_HPP
#define CS2MARKET_MARKET_MARKET_BOOK_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/market/quote.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cs2market {

struct book_options {
    /// Offers kept at most (all providers, all items); at least 1.
    std::size_t max_entries = 500'000;
};

/// What one update did to the book (upsert, and the providers' feeds' apply).
enum class book_change : std::uint8_t {
    inserted,  ///< a listing the book did not hold was added
    changed,   ///< a listing the book holds was written again
    removed,   ///< a listing was taken out
    not_found, ///< a remove or a change of a listing the book does not hold
    refused,   ///< a quote without provider or listing id
    unkeyed,   ///< a listing whose item key could not be built (counted in book_stats::unkeyed)
    ignored,   ///< a message that tells of no listing's change (another event, a balance)
};

/// "inserted", "changed", ...
CS2MARKET_DECL std::string_view to_string(book_change c) noexcept;

/// What the book did since it was built. Read with market_book::stats().
struct book_stats {
    std::size_t entries = 0;       ///< offers in the book now
    std::uint64_t inserted = 0;    ///< listings added (upsert of a new listing, or from a snapshot)
    std::uint64_t changed = 0;     ///< listings already there written again (upsert, update, snapshot)
    std::uint64_t removed = 0;     ///< listings taken out by remove() or because a snapshot no longer had them
    std::uint64_t not_found = 0;   ///< remove() or update() of a listing the book does not hold
    std::uint64_t snapshots = 0;   ///< replace_all calls applied
    std::uint64_t evicted = 0;     ///< offers dropped by the cap (max_entries), least recently written first
    std::uint64_t unkeyed = 0;     ///< listings a feed or snapshot told of whose item key could not be built
    std::uint64_t refused = 0;     ///< quotes refused: no provider or listing id (see upsert)
};

/// The book. See the top of this header for threads and memory.
class market_book {
public:
    CS2MARKET_DECL explicit market_book(book_options o = {});
    market_book(const market_book&) = delete;
    market_book& operator=(const market_book&) = delete;
    CS2MARKET_DECL ~market_book();

    // --- updates ---------------------------------------------------------

    /// Adds the listing (provider, listing_id) or replaces what the book had of
    /// it (price, key, availability, observed_at: all of `q`): `inserted` or
    /// `changed`. `refused` (counted) when q has no provider or no listing id.
    CS2MARKET_DECL book_change upsert(quote q);

    /// Changes a listing the book holds, in place: `change` gets its quote (a
    /// price update keeps the facts a feed does not repeat). False, and counted in
    /// `not_found`, when the book does not hold it. The provider and listing id
    /// `change` leaves are kept as they were.
    CS2MARKET_DECL bool update(provider_id p, std::string_view listing_id, const std::function<void(quote&)>& change);

    /// Takes the listing out. False, and counted in `not_found`, when the book does not hold it.
    CS2MARKET_DECL bool remove(provider_id p, std::string_view listing_id);

    /// A periodic snapshot of everything provider `p` sells: what the book held of
    /// `p` and the snapshot does not have is removed; the snapshot's listings are
    /// upserted. Quotes of another provider in `snapshot` are refused.
    CS2MARKET_DECL void replace_all(provider_id p, std::vector<quote> snapshot);

    /// A snapshot of one item on provider `p` (a quote_source's answer for it):
    /// the same, within `item`'s market hash name (and its phase, when `item` has
    /// one). Listings of another name in `snapshot` are ignored: a source's
    /// answer for one item says nothing of the others.
    CS2MARKET_DECL void replace_all(provider_id p, const item_key& item, std::vector<quote> snapshot);

    /// A listing was told of whose item key could not be built (`why` says so):
    /// counted in `unkeyed`, the last such error kept (last_unkeyed()).
    CS2MARKET_DECL void count_unkeyed(error why);

    // --- reads -----------------------------------------------------------

    /// The cheapest offer of `item`'s market hash name (and its phase, when it has
    /// one) that `c` admits (quote_constraints::admits: a constraint on a fact the
    /// listing does not state is not met). Ties: provider, then listing id.
    CS2MARKET_DECL std::optional<quote> best(const item_key& item, const quote_constraints& c = {}) const;

    /// Up to `n` such offers, cheapest first.
    CS2MARKET_DECL std::vector<quote> offers(const item_key& item, const quote_constraints& c = {},
                                             std::size_t n = static_cast<std::size_t>(-1)) const;

    /// One listing, when the book holds it.
    CS2MARKET_DECL std::optional<quote> find(provider_id p, std::string_view listing_id) const;

    CS2MARKET_DECL book_stats stats() const;
    CS2MARKET_DECL std::size_t size() const;
    /// The error of the last count_unkeyed, if any.
    CS2MARKET_DECL std::optional<error> last_unkeyed() const;

private:
    struct entry;
    struct cheaper {
        bool operator()(const entry* a, const entry* b) const noexcept;
    };
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using group = std::set<entry*, cheaper>;
    using by_name = std::unordered_map<std::string, group, string_hash, std::equal_to<>>;
    using by_listing = std::unordered_map<std::string, std::unique_ptr<entry>, string_hash, std::equal_to<>>;

    book_change upsert_locked(quote q);
    void erase_locked(by_listing::iterator it);
    void index_locked(entry& e);
    void unindex_locked(entry& e);
    void touch_locked(entry& e);
    void rewrite_locked(entry& e, quote q);
    template <class Visit>
    void walk_locked(const item_key& item, const quote_constraints& c, Visit&& visit) const;

    book_options opts_;
    mutable std::shared_mutex mu_;
    by_listing listings_;           // "provider\n" + listing id -> entry (owns it)
    by_name names_;                 // market hash name -> its offers, cheapest first
    std::list<entry*> written_;     // least recently written first: the cap's order
    book_stats stats_;
    std::optional<error> last_unkeyed_;
};

/// Asks `source` for every listing of `item` (no constraints: a snapshot must
/// hold every listing, or replace_all would remove the ones left out) and
/// applies the answer with replace_all(source.provider(), item, ...). `done`
/// (may be empty) gets the number of offers the snapshot had, or the source's
/// error; on an error the book is left as it was. The source's client must run
/// on an executor that is running; `book` and `source` must outlive the call.
CS2MARKET_DECL void async_refresh(market_book& book, quote_source& source, const item_key& item,
                                  std::function<void(result<std::size_t>)> done = {});

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/market/impl/market_book.ipp>
#endif

#endif
