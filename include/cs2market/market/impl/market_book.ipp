// cs2market: the live market book (non-template bodies).
#ifndef CS2MARKET_MARKET_IMPL_MARKET_BOOK_IPP
#define CS2MARKET_MARKET_IMPL_MARKET_BOOK_IPP

#include <cs2market/market/market_book.hpp>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace cs2market {

struct market_book::entry {
    quote q;
    std::string name; // q.key.to_string(): the group it is indexed in
    std::string ref;  // its key in listings_
    std::list<entry*>::iterator written;
    group* grp = nullptr; // names_[name]: values stay where they are when names_ rehashes
    group::iterator pos;  // its place in *grp, so a rewrite never searches the group
};

namespace {

// Provider names hold no '\n' (they are identifiers), so this is unambiguous.
inline std::string listing_ref(provider_id p, std::string_view listing_id)
{
    std::string r;
    r.reserve(p.name().size() + 1 + listing_id.size());
    r += p.name();
    r += '\n';
    r += listing_id;
    return r;
}

} // namespace

CS2MARKET_DECL bool market_book::cheaper::operator()(const entry* a, const entry* b) const noexcept
{
    return std::forward_as_tuple(a->q.price, a->q.provider.name(), a->q.listing_id) <
           std::forward_as_tuple(b->q.price, b->q.provider.name(), b->q.listing_id);
}

CS2MARKET_DECL std::string_view to_string(book_change c) noexcept
{
    switch (c) {
    case book_change::inserted: return "inserted";
    case book_change::changed: return "changed";
    case book_change::removed: return "removed";
    case book_change::not_found: return "not_found";
    case book_change::refused: return "refused";
    case book_change::unkeyed: return "unkeyed";
    case book_change::ignored: return "ignored";
    }
    return "unknown";
}

CS2MARKET_DECL market_book::market_book(book_options o) : opts_(o)
{
    if (opts_.max_entries == 0)
        opts_.max_entries = 1;
}

CS2MARKET_DECL market_book::~market_book() = default;

CS2MARKET_DECL void market_book::index_locked(entry& e)
{
    e.grp = &names_[e.name];
    e.pos = e.grp->insert(&e).first;
}

CS2MARKET_DECL void market_book::unindex_locked(entry& e)
{
    e.grp->erase(e.pos);
    if (e.grp->empty())
        names_.erase(names_.find(std::string_view(e.name)));
    e.grp = nullptr;
}

CS2MARKET_DECL void market_book::rewrite_locked(entry& e, quote q)
{
    if (q.key == e.q.key) { // the same item (a price or time update): a new place in its group
        e.grp->erase(e.pos);
        e.q = std::move(q);
        e.pos = e.grp->insert(&e).first;
    } else {
        std::string name = q.key.to_string();
        unindex_locked(e); // before the quote changes: the group is ordered by it
        e.q = std::move(q);
        e.name = std::move(name);
        index_locked(e);
    }
    touch_locked(e);
    ++stats_.changed;
}

CS2MARKET_DECL void market_book::touch_locked(entry& e) { written_.splice(written_.end(), written_, e.written); }

CS2MARKET_DECL void market_book::erase_locked(by_listing::iterator it)
{
    entry& e = *it->second;
    unindex_locked(e);
    written_.erase(e.written);
    listings_.erase(it);
}

CS2MARKET_DECL book_change market_book::upsert_locked(quote q)
{
    if (q.provider.empty() || q.listing_id.empty()) {
        ++stats_.refused;
        return book_change::refused;
    }
    std::string ref = listing_ref(q.provider, q.listing_id);
    if (auto it = listings_.find(std::string_view(ref)); it != listings_.end()) {
        rewrite_locked(*it->second, std::move(q));
        return book_change::changed;
    }
    if (listings_.size() >= opts_.max_entries) { // full: the least recently written goes
        erase_locked(listings_.find(std::string_view(written_.front()->ref)));
        ++stats_.evicted;
    }
    std::string name = q.key.to_string();
    auto e = std::make_unique<entry>(entry{std::move(q), std::move(name), ref, {}, nullptr, {}});
    e->written = written_.insert(written_.end(), e.get());
    entry& added = *e;
    listings_.emplace(std::move(ref), std::move(e));
    index_locked(added);
    ++stats_.inserted;
    return book_change::inserted;
}

CS2MARKET_DECL book_change market_book::upsert(quote q)
{
    std::unique_lock<std::shared_mutex> lock(mu_);
    return upsert_locked(std::move(q));
}

CS2MARKET_DECL bool market_book::update(provider_id p, std::string_view listing_id,
                                        const std::function<void(quote&)>& change)
{
    const std::string ref = listing_ref(p, listing_id);
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto it = listings_.find(std::string_view(ref));
    if (it == listings_.end()) {
        ++stats_.not_found;
        return false;
    }
    entry& e = *it->second;
    quote next = e.q; // a change that throws leaves the entry as it was
    change(next);
    next.provider = e.q.provider;
    next.listing_id = e.q.listing_id;
    rewrite_locked(e, std::move(next));
    return true;
}

CS2MARKET_DECL bool market_book::remove(provider_id p, std::string_view listing_id)
{
    const std::string ref = listing_ref(p, listing_id);
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto it = listings_.find(std::string_view(ref));
    if (it == listings_.end()) {
        ++stats_.not_found;
        return false;
    }
    erase_locked(it);
    ++stats_.removed;
    return true;
}

CS2MARKET_DECL void market_book::replace_all(provider_id p, std::vector<quote> snapshot)
{
    std::unordered_set<std::string> keep;
    for (const quote& q : snapshot)
        if (q.provider == p)
            keep.insert(q.listing_id);
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (auto it = listings_.begin(); it != listings_.end();) {
        const quote& q = it->second->q;
        if (q.provider == p && !keep.count(q.listing_id)) {
            auto gone = it++;
            erase_locked(gone);
            ++stats_.removed;
        } else {
            ++it;
        }
    }
    for (quote& q : snapshot) {
        if (q.provider == p)
            upsert_locked(std::move(q));
        else
            ++stats_.refused;
    }
    ++stats_.snapshots;
}

CS2MARKET_DECL void market_book::replace_all(provider_id p, const item_key& item, std::vector<quote> snapshot)
{
    const std::string name = item.to_string();
    const auto phase = item.phase();
    auto in_scope = [&](const quote& q) { return q.key.to_string() == name && (!phase || q.key.phase() == phase); };
    std::unordered_set<std::string> keep;
    for (const quote& q : snapshot)
        if (q.provider == p && in_scope(q))
            keep.insert(q.listing_id);
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (auto g = names_.find(std::string_view(name)); g != names_.end()) {
        std::vector<std::string> gone;
        for (const entry* e : g->second)
            if (e->q.provider == p && (!phase || e->q.key.phase() == phase) && !keep.count(e->q.listing_id))
                gone.push_back(e->ref);
        for (const std::string& ref : gone) {
            erase_locked(listings_.find(std::string_view(ref)));
            ++stats_.removed;
        }
    }
    for (quote& q : snapshot) {
        if (q.provider != p)
            ++stats_.refused;
        else if (in_scope(q))
            upsert_locked(std::move(q));
    }
    ++stats_.snapshots;
}

CS2MARKET_DECL void market_book::count_unkeyed(error why)
{
    std::unique_lock<std::shared_mutex> lock(mu_);
    ++stats_.unkeyed;
    last_unkeyed_ = std::move(why);
}

template <class Visit>
CS2MARKET_DECL void market_book::walk_locked(const item_key& item, const quote_constraints& c, Visit&& visit) const
{
    auto g = names_.find(std::string_view(item.to_string()));
    if (g == names_.end())
        return;
    const auto phase = item.phase();
    for (const entry* e : g->second) {
        if (phase && e->q.key.phase() != phase)
            continue;
        if (c.max_price && e->q.price > *c.max_price)
            return; // cheapest first: nothing further is admitted
        if (!c.admits(e->q))
            continue;
        if (!visit(e->q))
            return;
    }
}

CS2MARKET_DECL std::optional<quote> market_book::best(const item_key& item, const quote_constraints& c) const
{
    std::optional<quote> out;
    std::shared_lock<std::shared_mutex> lock(mu_);
    walk_locked(item, c, [&](const quote& q) {
        out = q;
        return false;
    });
    return out;
}

CS2MARKET_DECL std::vector<quote> market_book::offers(const item_key& item, const quote_constraints& c,
                                                      std::size_t n) const
{
    std::vector<quote> out;
    if (n == 0)
        return out;
    std::shared_lock<std::shared_mutex> lock(mu_);
    walk_locked(item, c, [&](const quote& q) {
        out.push_back(q);
        return out.size() < n;
    });
    return out;
}

CS2MARKET_DECL std::optional<quote> market_book::find(provider_id p, std::string_view listing_id) const
{
    const std::string ref = listing_ref(p, listing_id);
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = listings_.find(std::string_view(ref));
    if (it == listings_.end())
        return std::nullopt;
    return it->second->q;
}

CS2MARKET_DECL book_stats market_book::stats() const
{
    std::shared_lock<std::shared_mutex> lock(mu_);
    book_stats s = stats_;
    s.entries = listings_.size();
    return s;
}

CS2MARKET_DECL std::size_t market_book::size() const
{
    std::shared_lock<std::shared_mutex> lock(mu_);
    return listings_.size();
}

CS2MARKET_DECL std::optional<error> market_book::last_unkeyed() const
{
    std::shared_lock<std::shared_mutex> lock(mu_);
    return last_unkeyed_;
}

CS2MARKET_DECL void async_refresh(market_book& book, quote_source& source, const item_key& item,
                                  std::function<void(result<std::size_t>)> done)
{
    source.async_quotes(item, quote_constraints{},
                        [&book, p = source.provider(), item, done = std::move(done)](result<std::vector<quote>> r) {
                            if (!r) {
                                if (done)
                                    done(r.error());
                                return;
                            }
                            const std::size_t n = r->size();
                            book.replace_all(p, item, std::move(*r));
                            if (done)
                                done(n);
                        });
}

} // namespace cs2market

#endif
