// cs2market::sandbox — the market the front ends share: one book per provider
// (listings, accounts, money), the orders and their lifecycles on the
// accelerated clock, outcome rules, rate limits, faults and the push queues.
// Everything is guarded by `mu`, which the router holds while a front end runs;
// nothing here knows a provider by name (front ends register their books and
// their push hooks).
#pragma once

#include <cs2market/sandbox/catalogue.hpp>
#include <cs2market/sandbox/lifecycle.hpp>
#include <cs2market/sandbox/limits.hpp>
#include <cs2market/sandbox/pushes.hpp>
#include <cs2market/sandbox/state.hpp>

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs2market::sandbox {

class market {
public:
    using dec = ::cs2market::decimal;

    explicit market(options o) : opts(std::move(o)), cat(catalogue::make()) {}
    market(const market&) = delete;
    market& operator=(const market&) = delete;

    options opts;
    catalogue cat;
    sandbox_clock clock;
    mutable std::mutex mu;

    std::string base_url;    ///< "https://127.0.0.1:P" (set by the server once listening)
    std::string ws_base_url; ///< "wss://127.0.0.1:P2"

    std::deque<order> orders; // deque: stable references
    std::vector<outcome_rule> rules;
    rate_limiter limits;
    fault_list faults;
    callback_pusher callbacks; // own lock
    feed_outbox feeds;         // under mu
    std::vector<std::function<void(std::int64_t now_ms)>> tickers; // front ends' own timed work
    std::int64_t order_seq = 0;
    std::int64_t offer_seq = 0;
    std::int64_t catalogue_version = 0;

    std::int64_t now_ms() const { return clock.now_ms(); }
    static std::int64_t wall_ms() { return sandbox_clock::wall_ms(); }

    // ------------------------------------------------------------- books
    /// Adds a provider's book and its listings (from the seed and the provider's salt).
    book& add_book(::cs2market::provider_id id, const book_traits& traits)
    {
        if (find_book(id))
            throw std::logic_error("sandbox: two front ends for provider " + std::string(id.name()));
        book& b = books_.emplace_back();
        b.id = id;
        b.traits = traits;
        b.listings = cat.make_listings(opts.seed + traits.seed_salt, traits.listing_base);
        return b;
    }
    book* find_book(::cs2market::provider_id id)
    {
        for (auto& b : books_)
            if (b.id == id)
                return &b;
        return nullptr;
    }
    book& at(::cs2market::provider_id id)
    {
        if (auto* b = find_book(id))
            return *b;
        throw std::invalid_argument("sandbox: no provider '" + std::string(::cs2market::to_string(id)) + "'");
    }
    const book& at(::cs2market::provider_id id) const { return const_cast<market*>(this)->at(id); }
    const std::deque<book>& books() const { return books_; }
    /// The provider of that name (with the name's static storage), if the sandbox serves it.
    std::optional<::cs2market::provider_id> provider_named(std::string_view name) const
    {
        for (const auto& b : books_)
            if (b.id.name() == name)
                return b.id;
        return std::nullopt;
    }

    // ---------------------------------------------------------- accounts
    /// Creates an account, or tops it up; the money counts as minted.
    account& add_account(::cs2market::provider_id p, account a)
    {
        book& b = at(p);
        auto it = b.accounts.find(a.key);
        b.money.minted += a.settled + a.held;
        if (it != b.accounts.end()) {
            it->second.settled += a.settled;
            it->second.held += a.held;
            return it->second;
        }
        a.user_id = b.traits.user_id_base + static_cast<std::int64_t>(b.accounts.size());
        if (a.held_clears_at_ms == 0)
            a.held_clears_at_ms = now_ms() + 5000;
        return b.accounts.emplace(a.key, a).first->second;
    }
    /// The account of a well-formed key: known, or (with accept_any_key) new with the
    /// default balance; nullptr when unknown and keys are strict.
    account* account_for(::cs2market::provider_id p, const std::string& key)
    {
        book& b = at(p);
        if (auto it = b.accounts.find(key); it != b.accounts.end())
            return &it->second;
        if (!opts.accept_any_key)
            return nullptr;
        account a;
        a.key = key;
        a.settled = opts.default_balance;
        return &add_account(p, a);
    }
    account& account_of(::cs2market::provider_id p, const std::string& key) { return at(p).accounts[key]; }

    // ---------------------------------------------------------- listings
    /// Index of the listing with that wire id (prefix + number), if it exists (sold or not).
    std::optional<std::size_t> find_listing(::cs2market::provider_id p, const std::string& wire_id) const
    {
        const book& b = at(p);
        std::string digits = wire_id;
        if (!b.traits.listing_prefix.empty()) {
            if (digits.rfind(b.traits.listing_prefix, 0) != 0)
                return std::nullopt;
            digits = digits.substr(b.traits.listing_prefix.size());
        }
        std::int64_t n = 0;
        try {
            std::size_t used = 0;
            n = std::stoll(digits, &used);
            if (used != digits.size())
                return std::nullopt;
        } catch (...) {
            return std::nullopt;
        }
        std::int64_t off = n - b.traits.listing_base;
        if (off < 0 || off >= static_cast<std::int64_t>(b.listings.size()))
            return std::nullopt;
        return static_cast<std::size_t>(off);
    }
    const item_type& type_of(const listing& l) const { return cat.types[l.type]; }

    /// Wire id of listing `li` of `p` (prefix + number).
    std::string wire_listing_id(::cs2market::provider_id p, std::size_t li) const
    {
        const book& b = at(p);
        return std::string(b.traits.listing_prefix) + std::to_string(b.listings.at(li).num_id);
    }

    /// Puts a new listing of catalogue type `type` up for sale on `p` at `price` (its id
    /// follows the book's last one) and tells the provider's push hook. Returns its index.
    std::size_t add_listing(::cs2market::provider_id p, std::size_t type, dec price)
    {
        if (type >= cat.types.size())
            throw std::out_of_range("sandbox: no catalogue type " + std::to_string(type));
        book& b = at(p);
        listing l;
        l.type = type;
        l.num_id = b.traits.listing_base + static_cast<std::int64_t>(b.listings.size());
        const int w = cat.types[type].wear;
        const auto u = static_cast<double>(catalogue::mix(opts.seed + static_cast<std::uint64_t>(l.num_id)) % 1000000) / 1e6;
        l.float_value = static_cast<double>(static_cast<std::int64_t>((wear_lo[w] + (wear_hi[w] - wear_lo[w]) * u) * 1e8)) / 1e8;
        l.paint_seed = l.num_id % 1001;
        l.paint_index = cat.paint_index_of(type, catalogue::mix(static_cast<std::uint64_t>(l.num_id)));
        l.asset_id = 31247084400 + l.num_id % 1000000000;
        l.price = price;
        b.listings.push_back(std::move(l));
        ++catalogue_version;
        if (b.on_listing)
            b.on_listing(b.listings.back(), listing_change::listed);
        return b.listings.size() - 1;
    }

    /// Sets the asking price of listing `li` of `p`; a listing still on sale is announced
    /// through the provider's push hook (a sold one only changes). False when `li` is unknown.
    bool reprice(::cs2market::provider_id p, std::size_t li, dec price)
    {
        book& b = at(p);
        if (li >= b.listings.size())
            return false;
        listing& l = b.listings[li];
        l.price = price;
        ++catalogue_version;
        if (!l.sold && b.on_listing)
            b.on_listing(l, listing_change::repriced);
        return true;
    }

    /// A market move (the sell_out / set_price faults): listing `wire_id` of `p` is sold to
    /// someone outside the sandbox's books (no purchase, no money moves), or repriced to
    /// `price`. An unknown listing or price moves nothing.
    void move_listing(::cs2market::provider_id p, const std::string& wire_id, bool sell_out, const std::string& price)
    {
        auto li = find_listing(p, wire_id);
        if (!li)
            return;
        if (!sell_out) {
            if (auto d = dec::parse(price))
                reprice(p, *li, *d);
            return;
        }
        at(p).listings[*li].sold = true;
        ++catalogue_version;
    }

    // ------------------------------------------------------------ orders
    order* find_order(::cs2market::provider_id p, const std::string& key, const std::string& id)
    {
        for (auto& o : orders)
            if (o.p == p && o.key == key && o.id == id)
                return &o;
        return nullptr;
    }
    order* find_order_by_ref(::cs2market::provider_id p, const std::string& key, const std::string& ref)
    {
        if (ref.empty())
            return nullptr;
        for (auto& o : orders)
            if (o.p == p && o.key == key && o.ref == ref)
                return &o;
        return nullptr;
    }

    /// The outcome of the next purchase of listing `li` on `p` (counts the purchase).
    outcome_choice choose_outcome(::cs2market::provider_id p, const std::string& key, const std::string& ref, std::size_t li)
    {
        book& b = at(p);
        const auto nth = static_cast<std::int64_t>(++b.purchases);
        return ::cs2market::sandbox::choose_outcome(rules, p, key, ref, type_of(b.listings[li]).market_hash_name, nth);
    }

    /// A paid order: debits the buyer (settled first, then held), marks the listings
    /// sold, plans the lifecycle and tells the provider's push hook. A hold that
    /// `waits_for_claim` stays until the front end releases it (release_hold).
    order& new_order(::cs2market::provider_id p, const std::string& key, const std::vector<std::size_t>& lis, dec total,
                     const std::string& ref, outcome_choice out, bool hold, bool waits_for_claim = false)
    {
        book& b = at(p);
        order o;
        o.p = p;
        o.key = key;
        o.id = b.traits.order_id(++order_seq);
        o.listing = lis.front();
        o.price = total;
        for (auto li : lis)
            o.items.push_back({li, b.listings[li].price, dec{}});
        o.ref = ref;
        o.out = out.out;
        o.returned_item = out.item;
        o.created_ms = now_ms();
        o.created_unix_ms = wall_ms();
        o.updated_unix_ms = o.created_unix_ms;
        auto& acc = b.accounts[key];
        if (acc.settled >= total) {
            acc.settled -= total;
        } else {
            dec rest = total - acc.settled;
            acc.settled = dec{};
            acc.held -= rest;
        }
        ++acc.purchases;
        b.money.seller_proceeds += total;
        b.money.charged += total;
        for (auto li : lis)
            b.listings[li].sold = true;
        ++catalogue_version;
        plan_order(o, hold, opts.step_ms, opts.delivery_steps, waits_for_claim);
        orders.push_back(std::move(o));
        if (b.on_order)
            b.on_order(orders.back(), true);
        return orders.back();
    }

    /// The listing indexes of the order's items.
    static std::vector<std::size_t> items_of(const order& o)
    {
        std::vector<std::size_t> out;
        for (const auto& it : o.items)
            out.push_back(it.listing);
        return out;
    }

    void enter_stage(order& o, stage s)
    {
        o.cur = s;
        o.history.push_back(s);
        o.updated_unix_ms = wall_ms();
        if (s == stage::accepted)
            o.accepted_unix_ms = o.updated_unix_ms;
        if (s == stage::offer_sent && o.trade_offer_id.empty())
            o.trade_offer_id = std::to_string(5512345678LL + ++offer_seq);
        if (is_refunding(s))
            refund(o);
        book& b = at(o.p);
        if (b.on_order)
            b.on_order(o, false);
    }

    /// Every bad outcome gives the full price back to the buyer (once): what each item has
    /// not had back yet.
    void refund(order& o)
    {
        if (o.refunded)
            return;
        o.refunded = true;
        for (auto& it : o.items)
            refund_item(o, it);
    }

    /// A partial return: that item alone is returned and its price given back; the order goes on.
    void return_item(order& o)
    {
        o.item_return_at_ms.reset();
        order_item& it = o.items.at(o.returned_item);
        it.returned = true;
        it.returned_unix_ms = wall_ms();
        o.updated_unix_ms = it.returned_unix_ms;
        refund_item(o, it);
        book& b = at(o.p);
        if (b.on_order)
            b.on_order(o, false);
    }

    /// What the order's items were refunded so far.
    static dec refunded_of(const order& o)
    {
        dec sum;
        for (const auto& it : o.items)
            sum += it.refunded;
        return sum;
    }

    /// The sandbox's record of every purchase, oldest first (of `p` only, unless `p` is empty).
    std::vector<purchase_record> purchase_records(::cs2market::provider_id p = {}) const
    {
        std::vector<purchase_record> out;
        for (const auto& o : orders) {
            if (!p.empty() && o.p != p)
                continue;
            const book& b = at(o.p);
            purchase_record r;
            r.provider = o.p;
            r.key = o.key;
            if (auto acc = b.accounts.find(o.key); acc != b.accounts.end())
                r.account = acc->second.user_id;
            r.order_id = o.id;
            r.ref = o.ref;
            r.idempotency_key = o.idempotency_key;
            r.price = o.price;
            r.charged = o.price; // the sandbox charges no fees
            r.refunded = refunded_of(o);
            r.stage = stage_name(o.cur);
            r.outcome = outcome_names[static_cast<int>(o.out)];
            for (const auto& it : o.items) {
                const listing& l = b.listings[it.listing];
                std::string st = stage_name(o.cur);
                if (it.returned)
                    st = o.out == outcome::partial_return_after_delivery ? "returned_after_delivery" : "returned_before_delivery";
                r.items.push_back({wire_listing_id(o.p, it.listing), type_of(l).market_hash_name, it.price, it.refunded, st});
            }
            out.push_back(std::move(r));
        }
        return out;
    }

    /// Moves the clock's consequences forward: due stages and item returns (in time order), the
    /// front ends' timed work, held money clearing.
    void advance()
    {
        const std::int64_t now = now_ms();
        for (auto& o : orders)
            while (true) {
                const bool stage_due = o.next < o.plan.size() && o.plan[o.next].at_ms <= now;
                const bool item_due = o.item_return_at_ms && *o.item_return_at_ms <= now;
                if (item_due && (!stage_due || *o.item_return_at_ms <= o.plan[o.next].at_ms)) {
                    return_item(o);
                } else if (stage_due) {
                    stage s = o.plan[o.next++].s;
                    enter_stage(o, s);
                } else {
                    break;
                }
            }
        for (auto& t : tickers)
            t(now);
        for (auto& b : books_)
            for (auto& [k, a] : b.accounts)
                if (a.held.units() != 0 && a.held_clears_at_ms <= now) {
                    a.settled += a.held;
                    a.held = dec{};
                }
    }

    bool all_final() const
    {
        for (const auto& o : orders)
            if (!is_final(o.cur) || o.item_return_at_ms)
                return false;
        return true;
    }

    money_audit audit(::cs2market::provider_id p) const
    {
        const book& b = at(p);
        money_audit a;
        a.minted = b.money.minted;
        a.seller_proceeds = b.money.seller_proceeds;
        a.charged = b.money.charged;
        a.refunded = b.money.refunded;
        for (const auto& [k, acc] : b.accounts)
            a.balances += acc.settled + acc.held;
        return a;
    }

private:
    /// Gives the buyer back what the item has not had back yet.
    void refund_item(order& o, order_item& it)
    {
        const dec amount = it.price - it.refunded;
        if (amount == dec{})
            return;
        it.refunded = it.price;
        book& b = at(o.p);
        b.accounts[o.key].settled += amount;
        b.money.seller_proceeds -= amount;
        b.money.refunded += amount;
    }

    std::deque<book> books_; // deque: stable references for the front ends
};

} // namespace cs2market::sandbox
