// cs2market::sandbox — the CSBoard front end: `Authorization: Bearer csb_pub_…`
// (or `api_key=`), ApiError bodies with real HTTP statuses, cursor pages,
// settled and held balances, held orders to claim, idempotent create_order
// (Idempotency-Key) and market_buy (custom_id), the gzipped price snapshot.
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/router.hpp>

#include <cs2market/csboard/generated/operations.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/json.hpp>

#include <cs2market/testing/gzip.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::sandbox {

class csboard_frontend {
public:
    using provider = csboard::provider;
    using operations = csboard::ops::all;
    using dec = ::cs2market::decimal;

    static constexpr book_traits traits{101, 8841000, "itm_", 11000,
                                        [](std::int64_t seq) { return "ord_01J9Z" + std::to_string(100000 + seq); }};
    /// Bucket names the sandbox used before they came from the schema.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 1> bucket_aliases{{{"get", "read"}}};

    explicit csboard_frontend(market& m) : m_(m), b_(m.add_book(provider::id, traits)) {}

    // ------------------------------------------------------------ protocol
    static response err(unsigned status, const csboard::ApiError& e) { return json_response(status, ::cs2market::to_json(e)); }
    static response err(unsigned status, const std::string& code, const std::string& detail)
    {
        csboard::ApiError e;
        e.code = code;
        e.detail = detail;
        return err(status, e);
    }

    std::optional<response> authenticate(call& c)
    {
        std::string k;
        std::string h = c.header("Authorization");
        if (h.rfind("Bearer ", 0) == 0)
            k = h.substr(7);
        else if (auto q = c.t.get("api_key"))
            k = *q;
        if (k.rfind("csb_pub_", 0) != 0 || k.size() < 9 || !key_chars_ok(k))
            return err(401, "missing_api_key", "API key missing or not a csb_pub_ key");
        if (!m_.account_for(provider::id, k))
            return err(401, "invalid_api_key", "Unknown or revoked API key");
        c.key = k;
        return std::nullopt;
    }

    static response rate_limited(const call&, const rate_refusal& r)
    {
        response res = err(429, r.bucket == "snapshot" ? "snapshot_rate_limited" : "rate_limit_exceeded",
                           "Rate limit exceeded. Retry after " + std::to_string(r.retry_after_s) + " seconds.");
        res.headers.emplace_back("Retry-After", std::to_string(r.retry_after_s));
        return res;
    }

    /// Bad query parameters (numbers, limits out of range) are 422s.
    static std::optional<response> map_exception(const std::exception& e)
    {
        if (dynamic_cast<const std::out_of_range*>(&e) || dynamic_cast<const std::invalid_argument*>(&e))
            return err(422, "invalid_request", "bad query parameter");
        return std::nullopt;
    }

    // ------------------------------------------------------------- catalogue
    response on(csboard::ops::get_health, call&)
    {
        csboard::Health h;
        h.status = "ok";
        h.version = "v1";
        h.groups = static_cast<std::int64_t>(m_.cat.types.size());
        h.price_list_age_seconds = 3;
        h.server_now = iso(market::wall_ms());
        return json_response(200, ::cs2market::to_json(h));
    }

    response on(csboard::ops::list_listings, call& c)
    {
        const auto& t = c.t;
        std::vector<std::size_t> idxs;
        for (std::size_t i = 0; i < b_.listings.size(); ++i) {
            const listing& l = b_.listings[i];
            const item_type& ty = m_.type_of(l);
            if (l.sold)
                continue;
            if (auto s = t.get("search"); s && !matches_search(ty.market_hash_name, *s))
                continue;
            if (auto s = t.get("category"); s && lower(*s) != lower(ty.category))
                continue;
            if (auto s = t.get("rarity"); s && lower(*s) != lower(ty.rarity))
                continue;
            if (auto s = t.get("wear"); s && *s != wear_names[ty.wear])
                continue;
            if (auto s = t.get("min_price"); s && l.price < dec::from_string(*s))
                continue;
            if (auto s = t.get("max_price"); s && l.price > dec::from_string(*s))
                continue;
            if (auto s = t.get("min_float"); s && l.float_value < std::stod(*s))
                continue;
            if (auto s = t.get("max_float"); s && l.float_value > std::stod(*s))
                continue;
            if (auto s = t.get("stat_trak"); s && ((*s == "only") != ty.stattrak))
                continue;
            if (auto s = t.get("souvenir"); s && *s == "only")
                continue; // the sandbox lists no souvenirs
            idxs.push_back(i);
        }
        auto sort = t.get("sort").value_or("id");
        std::stable_sort(idxs.begin(), idxs.end(), [&](std::size_t x, std::size_t y) {
            const auto &a2 = b_.listings[x], &b2 = b_.listings[y];
            if (sort == "price_asc")
                return a2.price < b2.price;
            if (sort == "price_desc")
                return a2.price > b2.price;
            if (sort == "newest")
                return a2.num_id > b2.num_id;
            return a2.num_id < b2.num_id;
        });
        std::vector<csboard::Listing> rows;
        auto [page, next] = cursor_page(idxs, t, 50, 200);
        for (auto i : page)
            rows.push_back(listing_of(i));
        csboard::ListingsPage p;
        p.items = std::move(rows);
        p.next_cursor = next;
        return json_response(200, ::cs2market::to_json(p));
    }

    response on(csboard::ops::get_listings_availability, call& c)
    {
        auto ids = c.t.list("ids");
        if (ids.empty() || ids.size() > 100)
            return err(422, "invalid_request", "ids: 1 to 100 listing ids");
        csboard::AvailabilityResponse r;
        for (auto& id : ids) {
            auto li = m_.find_listing(provider::id, id);
            if (li && !b_.listings[*li].sold)
                r.data.available[id] = 1;
            else
                r.data.unavailable_ids.push_back(id);
        }
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(csboard::ops::list_prices, call& c)
    {
        auto rows = price_rows(&c.t);
        auto [page, next] = cursor_page(rows, c.t, 100, 500);
        csboard::PricesPage p;
        p.items = std::move(page);
        p.next_cursor = next;
        return json_response(200, ::cs2market::to_json(p));
    }

    response on(csboard::ops::get_price_snapshot, call& c)
    {
        std::string etag = "\"snap-" + std::to_string(m_.catalogue_version) + "\"";
        if (c.header("If-None-Match") == etag) {
            response r;
            r.status = 304;
            r.headers.emplace_back("ETag", etag);
            r.headers.emplace_back("Content-Type", "application/x-ndjson");
            return r;
        }
        std::string nd;
        for (auto& row : price_rows(nullptr))
            nd += ::cs2market::to_json(row) + "\n";
        response r;
        r.status = 200;
        r.body = cs2market::testing::gzip(nd);
        r.headers.emplace_back("Content-Type", "application/x-ndjson");
        r.headers.emplace_back("Content-Encoding", "gzip");
        r.headers.emplace_back("ETag", etag);
        return r;
    }

    response on(csboard::ops::get_currency, call&)
    {
        csboard::Currency c;
        c.base = "USD";
        c.rates = {{"USD", dec::from_units(1, 0)}, {"EUR", dec::from_string("0.92")}, {"RUB", dec::from_string("78.4")},
                   {"GBP", dec::from_string("0.79")}, {"CNY", dec::from_string("7.1043")}};
        c.updated_at = iso(market::wall_ms() - 60000);
        c.rub_source = "cbr";
        c.base_source = "openexchangerates";
        return json_response(200, ::cs2market::to_json(c));
    }

    response on(csboard::ops::get_balance, call& c)
    {
        const auto& acc = m_.account_of(provider::id, c.key);
        csboard::Balance b;
        b.currency = "USD";
        b.balance_usd = acc.settled + acc.held;
        b.trading_enabled = acc.trading_enabled;
        b.settled_balance_usd = acc.settled;
        b.held_usd = acc.held;
        if (acc.held.units() != 0)
            b.held_until = iso(market::wall_ms() + std::max<std::int64_t>(0, acc.held_clears_at_ms - m_.now_ms()));
        return json_response(200, ::cs2market::to_json(b));
    }

    // ---------------------------------------------------------------- orders
    response on(csboard::ops::list_orders, call& c)
    {
        const auto& t = c.t;
        std::vector<csboard::Order> rows;
        auto st = t.get("status");
        auto from = t.num("start_unix_time"), to = t.num("end_unix_time");
        for (auto it = m_.orders.rbegin(); it != m_.orders.rend(); ++it) {
            if (it->p != provider::id || it->key != c.key)
                continue;
            auto o = order_of(*it);
            if (st && o.status.raw() != *st)
                continue;
            if (from && it->created_unix_ms / 1000 < *from)
                continue;
            if (to && it->created_unix_ms / 1000 > *to)
                continue;
            rows.push_back(std::move(o));
        }
        auto [page, next] = cursor_page(rows, t, 50, 100);
        csboard::OrdersPage p;
        p.data = std::move(page);
        p.meta.next_cursor = next;
        p.meta.per_page = t.num("limit").value_or(50);
        return json_response(200, ::cs2market::to_json(p));
    }

    response on(csboard::ops::get_orders_info, call& c)
    {
        auto cids = c.t.list("custom_ids");
        auto oids = c.t.list("order_ids");
        if ((cids.empty() && oids.empty()) || cids.size() + oids.size() > 200)
            return err(422, "invalid_request", "give custom_ids and/or order_ids (at most 200)");
        csboard::OrdersInfoResponse r;
        for (auto& o : m_.orders)
            if (o.p == provider::id && o.key == c.key &&
                (std::find(oids.begin(), oids.end(), o.id) != oids.end() ||
                 (!o.ref.empty() && std::find(cids.begin(), cids.end(), o.ref) != cids.end())))
                r.data.push_back(order_of(o));
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(csboard::ops::get_order, call& c)
    {
        order* o = m_.find_order(provider::id, c.key, c.path_param("id"));
        if (!o)
            return err(404, "order_not_found", "Order not found");
        return json_response(200, ::cs2market::to_json(order_of(*o)));
    }

    response on(csboard::ops::claim_order, call& c)
    {
        order* o = m_.find_order(provider::id, c.key, c.path_param("id"));
        if (!o)
            return err(404, "order_not_found", "Order not found");
        csboard::ClaimResponse cr;
        cr.order_id = o->id;
        if (o->cur != stage::hold) {
            if (o->cur == stage::created || o->cur == stage::offer_sent) {
                cr.status = status_of(*o);
                cr.claimed = false; // delivers by itself
                return json_response(200, ::cs2market::to_json(cr));
            }
            return err(409, "not_claimable", "Order is not in a held state");
        }
        if (market::wall_ms() < o->hold_until_unix_ms) {
            csboard::ApiError e;
            e.code = "hold_not_cleared";
            e.detail = "The hold window is not over yet";
            e.hold_until = iso(o->hold_until_unix_ms);
            return err(425, e);
        }
        // release now: send the offer (the rest of the lifecycle follows)
        release_hold(*o, m_.now_ms(), m_.opts.step_ms);
        m_.enter_stage(*o, stage::offer_sent);
        cr.status = status_of(*o);
        cr.claimed = true;
        cr.steam_trade_offer_id = o->trade_offer_id;
        return json_response(200, ::cs2market::to_json(cr));
    }

    response on(csboard::ops::create_order, call& c)
    {
        auto body = ::cs2market::from_json<csboard::CreateOrderRequest>(c.req.body);
        if (!body)
            return err(422, "invalid_request", "malformed body: " + body.error().message());
        auto& acc = m_.account_of(provider::id, c.key);
        std::string idem = c.header("Idempotency-Key");
        if (idem.empty())
            idem = body->idempotency_key.value_or("");
        if (!idem.empty())
            for (auto& o : m_.orders)
                if (o.p == provider::id && o.key == c.key && o.idempotency_key == idem)
                    return replay(o);
        std::set<std::string> uniq(body->item_ids.begin(), body->item_ids.end());
        if (body->item_ids.empty() || body->item_ids.size() > 10 || uniq.size() != body->item_ids.size())
            return err(422, "invalid_request", "item_ids: 1 to 10 unique listing ids");
        if (!acc.trading_enabled)
            return err(403, "trading_not_enabled", "This key cannot buy");
        std::vector<std::string> unavailable;
        auto lis = resolve(body->item_ids, unavailable);
        if (!unavailable.empty())
            return unavailable_error(unavailable, "Some listings are no longer available");
        dec total = total_of(lis);
        if (body->max_price_usd && total > *body->max_price_usd)
            return price_moved(total, *body->max_price_usd);
        if (acc.settled + acc.held < total)
            return err(402, "insufficient_balance", "Balance is below the order total");
        outcome_choice out = m_.choose_outcome(provider::id, c.key, idem, lis.front());
        order& o = m_.new_order(provider::id, c.key, lis, total, "", out, any_hold(lis), m_.opts.holds_wait_for_claim);
        o.idempotency_key = idem;
        csboard::CreateOrderResponse r;
        r.order_id = o.id;
        r.status = csboard::CreateOrderStatus::processing;
        std::vector<csboard::CreateOrderItem> items;
        for (auto li : lis) {
            csboard::CreateOrderItem it;
            it.item_id = "itm_" + std::to_string(b_.listings[li].num_id);
            it.charged_usd = b_.listings[li].price;
            it.delivery = b_.listings[li].hold ? csboard::DeliveryMode::hold : csboard::DeliveryMode::instant;
            items.push_back(it);
        }
        r.items = items;
        r.total_charged_usd = total;
        r.balance_after_usd = acc.settled + acc.held;
        r.created_at = iso(o.created_unix_ms);
        o.first_response = ::cs2market::to_json(r);
        return json_response(200, o.first_response);
    }

    response on(csboard::ops::market_buy, call& c)
    {
        auto body = ::cs2market::from_json<csboard::MarketBuyRequest>(c.req.body);
        if (!body)
            return err(400, "invalid_request", "malformed body: " + body.error().message());
        auto& acc = m_.account_of(provider::id, c.key);
        const std::string cid = body->custom_id.value_or("");
        if (auto* prev = m_.find_order_by_ref(provider::id, c.key, cid); prev && prev->market_buy)
            return replay(*prev);
        if (body->item_ids.empty() || body->item_ids.size() > 100)
            return err(400, "invalid_request", "item_ids: 1 to 100 listing ids");
        auto digits = [](const std::string& s) {
            return !s.empty() && s.size() <= 32 &&
                   std::all_of(s.begin(), s.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
        };
        if (!digits(body->partner) || body->token.empty() || body->token.size() > 32 || !key_chars_ok(body->token))
            return err(400, "invalid_trade_url", "partner + token do not form a valid trade URL");
        if (!acc.trading_enabled)
            return err(403, "trading_not_enabled", "This key cannot buy");
        std::vector<std::string> unavailable;
        auto lis = resolve(body->item_ids, unavailable);
        if (!unavailable.empty() && !body->skip_unavailable.value_or(false))
            return unavailable_error(unavailable, "Some listings are no longer available");
        if (lis.empty())
            return unavailable_error(unavailable, "None of the listings is available");
        dec total = total_of(lis);
        if (body->max_price_usd && total > *body->max_price_usd)
            return price_moved(total, *body->max_price_usd);
        if (acc.settled < total) {
            csboard::ApiError e;
            e.code = "insufficient_settled_balance";
            e.detail = "Settled balance is below the total";
            e.required_usd = total;
            e.settled_usd = acc.settled;
            return err(402, e);
        }
        outcome_choice out = m_.choose_outcome(provider::id, c.key, cid, lis.front());
        order& o = m_.new_order(provider::id, c.key, lis, total, cid, out, any_hold(lis), m_.opts.holds_wait_for_claim);
        o.market_buy = true;
        o.partner = body->partner;
        o.token = body->token;
        csboard::MarketBuyResponse r;
        r.data.purchase_id = "pur_" + o.id.substr(4);
        r.data.steam_id = std::to_string(76561197960265728LL + std::stoll(body->partner));
        r.data.created_at = iso(o.created_unix_ms);
        if (!cid.empty())
            r.data.custom_id = cid;
        std::vector<csboard::MarketBuySkin> skins;
        for (auto li : lis) {
            csboard::MarketBuySkin s;
            s.name = m_.type_of(b_.listings[li]).market_hash_name;
            s.price = b_.listings[li].price;
            s.status = item_status_of(o);
            skins.push_back(s);
        }
        r.data.skins = skins;
        o.first_response = ::cs2market::to_json(r);
        return json_response(200, o.first_response);
    }

private:
    static response replay(const order& o)
    {
        response r = json_response(200, o.first_response);
        r.headers.emplace_back("Idempotent-Replayed", "true");
        return r;
    }
    /// 409 item_unavailable naming the listings that are gone (create_order and market_buy).
    static response unavailable_error(const std::vector<std::string>& ids, const std::string& detail)
    {
        csboard::ApiError e;
        e.code = "item_unavailable";
        e.detail = detail;
        e.unavailable_ids = ids;
        return err(409, e);
    }
    /// 409 price_moved: the live total is above the caller's ceiling; nothing charged.
    static response price_moved(const dec& total, const dec& ceiling)
    {
        csboard::ApiError e;
        e.code = "price_moved";
        e.detail = "The live total is above max_price_usd; nothing was charged";
        e.current_total_usd = total;
        e.quoted_max_usd = ceiling;
        return err(409, e);
    }

    /// Listing indexes of the ids that are still on sale; the others go to `unavailable`.
    std::vector<std::size_t> resolve(const std::vector<std::string>& ids, std::vector<std::string>& unavailable) const
    {
        std::vector<std::size_t> out;
        for (auto& id : ids) {
            auto li = m_.find_listing(provider::id, id);
            if (!li || b_.listings[*li].sold)
                unavailable.push_back(id);
            else
                out.push_back(*li);
        }
        return out;
    }
    dec total_of(const std::vector<std::size_t>& lis) const
    {
        dec total;
        for (auto li : lis)
            total += b_.listings[li].price;
        return total;
    }
    bool any_hold(const std::vector<std::size_t>& lis) const
    {
        return std::any_of(lis.begin(), lis.end(), [&](std::size_t li) { return b_.listings[li].hold; });
    }

    // cursor = "c" + offset
    template <class Row>
    static std::pair<std::vector<Row>, std::optional<std::string>> cursor_page(const std::vector<Row>& rows, const query_t& t,
                                                                               std::int64_t def, std::int64_t max)
    {
        std::int64_t limit = t.num("limit").value_or(def);
        if (limit < 1 || limit > max)
            throw std::out_of_range("limit");
        std::int64_t off = 0;
        if (auto c = t.get("cursor"); c && c->size() > 1 && (*c)[0] == 'c')
            off = std::stoll(c->substr(1));
        std::vector<Row> out;
        for (std::int64_t i = off; i < std::min<std::int64_t>(static_cast<std::int64_t>(rows.size()), off + limit); ++i)
            out.push_back(rows[static_cast<std::size_t>(i)]);
        std::optional<std::string> next;
        if (off + limit < static_cast<std::int64_t>(rows.size()))
            next = "c" + std::to_string(off + limit);
        return {std::move(out), next};
    }

    std::vector<csboard::PriceRow> price_rows(const query_t* t) const
    {
        std::map<std::size_t, std::pair<dec, std::int64_t>> agg;
        for (auto& l : b_.listings) {
            if (l.sold)
                continue;
            auto& e = agg[l.type];
            if (e.second == 0 || l.price < e.first)
                e.first = l.price;
            ++e.second;
        }
        std::vector<csboard::PriceRow> rows;
        for (auto& [ti, e] : agg) {
            const item_type& ty = m_.cat.types[ti];
            if (t) {
                if (auto s = t->get("search"); s && !matches_search(ty.market_hash_name, *s))
                    continue;
                if (auto s = t->get("category"); s && lower(*s) != lower(ty.category))
                    continue;
                if (auto s = t->get("rarity"); s && lower(*s) != lower(ty.rarity))
                    continue;
                if (auto s = t->get("wear"); s && *s != wear_names[ty.wear])
                    continue;
                if (auto s = t->get("min_price"); s && e.first < dec::from_string(*s))
                    continue;
                if (auto s = t->get("max_price"); s && e.first > dec::from_string(*s))
                    continue;
            }
            csboard::PriceRow r;
            r.market_hash_name = ty.market_hash_name;
            r.wear = static_cast<csboard::Wear>(ty.wear);
            r.min_price_usd = e.first;
            r.qty = e.second;
            rows.push_back(r);
        }
        return rows;
    }

    csboard::Listing listing_of(std::size_t li) const
    {
        const listing& l = b_.listings[li];
        const item_type& t = m_.type_of(l);
        csboard::Listing r;
        r.id = "itm_" + std::to_string(l.num_id);
        r.market_hash_name = t.market_hash_name;
        r.wear = static_cast<csboard::Wear>(t.wear);
        r.float_value = l.float_value;
        r.paint_seed = l.paint_seed;
        if (auto ph = ::cs2market::doppler_phase_of(t.skin, l.paint_index)) // "Phase 2", "Ruby": Steam's names
            r.doppler_phase = std::string(::cs2market::to_string(*ph));
        std::vector<csboard::Sticker> st;
        for (std::size_t i = 0; i < l.stickers.size(); ++i) {
            csboard::Sticker s;
            s.name = l.stickers[i];
            s.slot = static_cast<std::int64_t>(i);
            s.wear = 0.0;
            st.push_back(s);
        }
        r.stickers = st;
        r.price_usd = l.price;
        r.category = t.category;
        r.rarity = t.rarity;
        r.image = "https://img.sandbox.invalid/" + std::to_string(t.classid) + ".png";
        r.inspect_link = "steam://rungame/730/76561202255233023/+csgo_econ_action_preview%20A" + std::to_string(l.asset_id);
        r.tradable = !l.hold;
        if (l.hold)
            r.tradable_at = iso(market::wall_ms() + 3 * m_.opts.step_ms);
        r.delivery = l.hold ? csboard::DeliveryMode::hold : csboard::DeliveryMode::instant;
        return r;
    }

    static csboard::OrderStatus status_of(const order& o)
    {
        using S = csboard::OrderStatus;
        switch (o.cur) {
        case stage::created: return S::pending;
        case stage::hold: return S::hold;
        case stage::offer_sent: return S::delivering;
        case stage::accepted: case stage::settled: return S::completed;
        case stage::reversed_buyer: case stage::reversed_seller: case stage::recalled: return S::failed;
        default: return S::cancelled;
        }
    }
    static csboard::OrderItemStatus item_status_of(const order& o, const order_item* it = nullptr)
    {
        using S = csboard::OrderItemStatus;
        if (it && it->returned)
            return S::returned;
        switch (o.cur) {
        case stage::hold: return S::hold;
        case stage::created: // instant delivery: out for delivery at once (the docs' market_buy example)
        case stage::offer_sent: return S::delivering;
        case stage::accepted: case stage::settled: return S::delivered;
        default: return S::returned;
        }
    }
    static std::optional<std::string> return_reason(stage s)
    {
        switch (s) {
        case stage::declined: return "trade_declined";
        case stage::timed_out: return "trade_not_accepted_in_time";
        case stage::reversed_buyer: return "trade_reversed_by_buyer";
        case stage::reversed_seller: return "trade_reversed_by_seller";
        case stage::recalled: return "recalled_by_seller";
        case stage::cancelled: return "cancelled";
        default: return std::nullopt;
        }
    }

    /// Why one item was returned on its own while its order went on (partial_return_*).
    static std::string item_return_reason(outcome out)
    {
        return out == outcome::partial_return_after_delivery ? "trade_reversed_by_buyer" : "not_delivered";
    }

    csboard::Order order_of(const order& o) const
    {
        csboard::Order r;
        r.order_id = o.id;
        r.steam_id = "76561198000000000";
        r.status = status_of(o);
        if (!o.ref.empty())
            r.custom_id = o.ref;
        r.currency = "USD";
        r.charged_total_usd = o.price;
        r.item_count = static_cast<std::int64_t>(o.items.size());
        if (o.cur == stage::hold)
            r.hold_until = iso(o.hold_until_unix_ms);
        r.created_at = iso(o.created_unix_ms);
        r.updated_at = iso(o.updated_unix_ms);
        // The trade finished (accepted) before any reversal: the time stays.
        const bool was_accepted = std::find(o.history.begin(), o.history.end(), stage::accepted) != o.history.end();
        for (const auto& item : o.items) {
            // An item returned before delivery was never in the trade offer.
            const bool left_out = item.returned && o.out == outcome::partial_return_before_delivery;
            csboard::OrderItem it;
            it.market_hash_name = m_.type_of(b_.listings[item.listing]).market_hash_name;
            it.price_usd = item.price;
            it.status = item_status_of(o, &item);
            it.return_reason = item.returned ? item_return_reason(o.out) : return_reason(o.cur);
            if (!o.trade_offer_id.empty() && !left_out)
                it.steam_trade_offer_id = o.trade_offer_id;
            if (was_accepted && !left_out)
                it.steam_trade_offer_finished_at = iso(o.accepted_unix_ms ? o.accepted_unix_ms : o.updated_unix_ms);
            if (was_accepted && !left_out && o.settle_unix_ms)
                it.tradable_at = iso(o.settle_unix_ms); // end of trade protection
            r.items.push_back(it);
        }
        return r;
    }

    market& m_;
    book& b_;
};

} // namespace cs2market::sandbox
