// cs2market::sandbox — the Skinify front end: `Token` header (or `token=`),
// {"status":"error","error_message":…} bodies (HTTP 200), withdrawals with
// max_price and custom_id replay, deposits completing on the accelerated
// clock, and the real-time WebSocket feed (/ws/?project_id=&signature=).
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/router.hpp>

#include <cs2market/detail/md5.hpp>
#include <cs2market/json.hpp>
#include <cs2market/skinify/generated/operations.hpp>
#include <cs2market/skinify/models.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cs2market::sandbox {

class skinify_frontend {
public:
    using provider = skinify::provider;
    using operations = skinify::ops::all;
    using dec = ::cs2market::decimal;

    static constexpr std::string_view ws_path = "/ws";
    static constexpr book_traits traits{202, 11000, "", 12000, [](std::int64_t seq) { return std::to_string(1000 + seq); }};

    explicit skinify_frontend(market& m) : m_(m), b_(m.add_book(provider::id, traits))
    {
        b_.on_order = [this](const order& o, bool created) { queue_event(o, created); };
        m_.tickers.push_back([this](std::int64_t now) { complete_deposits(now); });
    }

    // ------------------------------------------------------------ protocol
    static response err(const std::string& code)
    {
        return json_response(200, R"({"status":"error","error_message":)" + ::cs2market::to_json(code) + "}");
    }

    std::optional<response> authenticate(call& c)
    {
        std::string k = c.header("Token");
        if (k.empty())
            k = c.t.get("token").value_or("");
        if (k.size() < 8 || k.size() > 128 || !key_chars_ok(k) || !m_.account_for(provider::id, k))
            return err("invalid_token");
        c.key = k;
        return std::nullopt;
    }

    static response rate_limited(const call&, const rate_refusal&) { return err("request_limit_exceeded"); }

    // ------------------------------------------------------------ withdrawals
    response on(skinify::ops::withdraw_prices, call& c)
    {
        const auto& t = c.t;
        if (t.get("game").value_or("") != "csgo")
            return err("invalid_game");
        bool full = t.num("full_list").value_or(0) == 1;
        bool ext = t.num("extended").value_or(0) == 1;
        bool hold = t.num("include_hold").value_or(0) == 1 && full;
        skinify::WithdrawPricesResponse r;
        r.status = "success";
        if (full) {
            for (std::size_t i = 0; i < b_.listings.size(); ++i) {
                const listing& l = b_.listings[i];
                if (l.sold || (l.hold && !hold))
                    continue;
                skinify::SkinPriceEntry e;
                e.id = std::to_string(l.num_id);
                e.name = m_.type_of(l).market_hash_name;
                e.price = l.price;
                e.properties = props(i, ext);
                r.skins.push_back(e);
            }
        } else {
            std::map<std::size_t, std::pair<std::size_t, std::int64_t>> agg; // type -> (cheapest listing, count)
            for (std::size_t i = 0; i < b_.listings.size(); ++i) {
                const listing& l = b_.listings[i];
                if (l.sold || l.hold)
                    continue;
                auto it = agg.find(l.type);
                if (it == agg.end()) {
                    agg[l.type] = {i, 1};
                } else {
                    ++it->second.second;
                    if (l.price < b_.listings[it->second.first].price)
                        it->second.first = i;
                }
            }
            for (auto& [ti, e] : agg) {
                skinify::SkinPriceEntry s;
                s.name = m_.cat.types[ti].market_hash_name;
                s.price = b_.listings[e.first].price;
                s.count = e.second;
                s.properties = props(e.first, ext);
                r.skins.push_back(s);
            }
        }
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(skinify::ops::withdraw_price, call& c)
    {
        auto li = m_.find_listing(provider::id, c.t.get("id").value_or(""));
        bool hold = c.t.num("include_hold").value_or(0) == 1;
        if (!li || b_.listings[*li].sold || (b_.listings[*li].hold && !hold))
            return err("skin_not_found");
        skinify::WithdrawPriceResponse r;
        r.status = "success";
        r.skin.name = m_.type_of(b_.listings[*li]).market_hash_name;
        r.skin.price = b_.listings[*li].price;
        r.skin.count = 1;
        r.skin.properties = props(*li, c.t.num("extended").value_or(0) == 1);
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(skinify::ops::withdraw_buy, call& c)
    {
        auto b = ::cs2market::from_json<skinify::WithdrawBuyRequest>(c.req.body);
        if (!b)
            return err("required_params_missing");
        const std::string cid = b->custom_id.value_or("");
        if (auto* prev = m_.find_order_by_ref(provider::id, c.key, cid))
            return json_response(200, prev->first_response);
        if (!b->id && !b->name)
            return err("missing_skin_parameters");
        if (!b->id && b->name->size() < 3)
            return err("name_too_short");
        if (!b->id && !b->game)
            return err("missing_skin_parameters");
        if (b->partner.empty() || b->token.empty())
            return err("invalid_tradeurl");
        std::optional<std::size_t> li;
        if (b->id) {
            li = m_.find_listing(provider::id, *b->id);
            if (li && b_.listings[*li].sold)
                li.reset();
        } else {
            for (std::size_t i = 0; i < b_.listings.size(); ++i) {
                const listing& l = b_.listings[i];
                if (!l.sold && m_.type_of(l).market_hash_name == *b->name && (!li || l.price < b_.listings[*li].price))
                    li = i;
            }
        }
        if (!li)
            return err("item_unavailable");
        const listing& l = b_.listings[*li];
        if (b->max_price && l.price > *b->max_price)
            return err("max_price_exceeded");
        if (m_.account_of(provider::id, c.key).settled < l.price)
            return err("insufficient_balance");
        outcome_choice out = m_.choose_outcome(provider::id, c.key, cid, *li);
        order& o = m_.new_order(provider::id, c.key, {*li}, l.price, cid, out, l.hold);
        o.partner = b->partner;
        o.token = b->token;
        skinify::WithdrawBuyResponse r;
        r.status = "success";
        r.skin.id = std::to_string(l.num_id);
        r.skin.name = m_.type_of(l).market_hash_name;
        r.skin.price = l.price;
        r.skin.properties = props(*li, false);
        r.purchase_id = o.id;
        r.purchase_status = status_of(o.cur);
        r.date = unix_s(o.created_unix_ms);
        r.balance_debited_amount = o.price;
        if (!cid.empty())
            r.custom_id = cid;
        if (o.cur == stage::hold)
            r.reserved_until = unix_s(o.hold_until_unix_ms);
        o.first_response = ::cs2market::to_json(r);
        return json_response(200, o.first_response);
    }

    /// Cancels a reserved purchase (by purchase_id or custom_id): refunded in full.
    response on(skinify::ops::withdraw_cancel_reservation, call& c)
    {
        auto b = ::cs2market::from_json<skinify::CancelReservationRequest>(c.req.body);
        if (!b || (!b->purchase_id && !b->custom_id))
            return err("missing_one_of_required_params");
        order* o = b->purchase_id ? m_.find_order(provider::id, c.key, *b->purchase_id)
                                  : m_.find_order_by_ref(provider::id, c.key, *b->custom_id);
        if (!o || o->cur != stage::hold)
            return err("reservation_not_found");
        stop_plan(*o);
        m_.enter_stage(*o, stage::cancelled);
        skinify::CancelReservationResponse r;
        r.status = "success";
        r.skin = ::cs2market::raw_json{R"({"id":")" + std::to_string(b_.listings[o->listing].num_id) + R"("})"};
        r.purchase_id = o->id;
        r.purchase_status = status_of(o->cur);
        return json_response(200, ::cs2market::to_json(r));
    }

    /// The user's new trade URL for their reserved purchases.
    response on(skinify::ops::withdraw_update_trade_token, call& c)
    {
        auto b = ::cs2market::from_json<skinify::UpdateTradeTokenRequest>(c.req.body);
        if (!b || b->partner.empty() || b->token.empty())
            return err("missing_partner_or_token");
        if (b->token.size() < 6 || b->token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
                                       std::string::npos)
            return err("invalid_trade_token");
        for (auto& o : m_.orders)
            if (o.p == provider::id && o.key == c.key && o.partner == b->partner && o.cur == stage::hold)
                o.token = b->token;
        skinify::StatusResponse r;
        r.status = "success";
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(skinify::ops::withdraw_info, call& c)
    {
        auto pids = c.t.list("purchase_ids");
        auto cids = c.t.list("custom_ids");
        skinify::WithdrawInfoResponse r;
        r.status = "success";
        for (auto& o : m_.orders)
            if (o.p == provider::id && o.key == c.key &&
                (std::find(pids.begin(), pids.end(), o.id) != pids.end() ||
                 (!o.ref.empty() && std::find(cids.begin(), cids.end(), o.ref) != cids.end())))
                r.items.push_back(item_of(o));
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(skinify::ops::withdraw_history, call& c)
    {
        auto from = c.t.num("start_date"), to = c.t.num("end_date");
        if (!from || !to)
            return err("missing_start_or_end_date");
        auto sts = c.t.list("purchase_statuses");
        std::vector<skinify::PurchaseItem> rows;
        for (auto it = m_.orders.rbegin(); it != m_.orders.rend(); ++it) {
            if (it->p != provider::id || it->key != c.key)
                continue;
            std::int64_t s = it->created_unix_ms / 1000;
            if (s < *from || s > *to)
                continue;
            auto item = item_of(*it);
            if (!sts.empty() && std::find(sts.begin(), sts.end(), item.purchase_status.raw()) == sts.end())
                continue;
            rows.push_back(std::move(item));
        }
        skinify::WithdrawHistoryResponse r;
        r.status = "success";
        auto [off, more] = page_window(c.t, rows.size());
        for (std::int64_t i = off; i < std::min<std::int64_t>(off + page, static_cast<std::int64_t>(rows.size())); ++i)
            r.items.push_back(rows[static_cast<std::size_t>(i)]);
        r.total_count = static_cast<std::int64_t>(rows.size());
        r.has_more = more;
        if (more)
            r.start_from = off + page;
        return json_response(200, ::cs2market::to_json(r));
    }

    response on(skinify::ops::project_balance, call& c)
    {
        skinify::ProjectBalanceResponse r;
        r.status = "success";
        r.balance = m_.account_of(provider::id, c.key).settled;
        return json_response(200, ::cs2market::to_json(r));
    }

    /// The sandbox sends no IPNs, so none ever failed.
    response on(skinify::ops::failed_ipn, call&)
    {
        skinify::FailedIpnResponse r;
        r.status = "success";
        return json_response(200, ::cs2market::to_json(r));
    }

    // --------------------------------------------------------------- deposits
    response on(skinify::ops::create_deposit, call& c)
    {
        auto b = ::cs2market::from_json<skinify::CreateDepositRequest>(c.req.body);
        if (!b || b->deposit_id.empty())
            return err("invalid_deposit_id");
        for (auto& r : deposits_)
            if (r.key == c.key && r.deposit_id == b->deposit_id)
                return err("deposit_id_already_exists");
        if (b->steam_id && (b->steam_id->size() != 17 || b->steam_id->rfind("7656", 0) != 0))
            return err("invalid_steam_id");
        deposit r;
        r.key = c.key;
        r.deposit_id = b->deposit_id;
        r.transaction_id = std::to_string(900000 + static_cast<std::int64_t>(deposits_.size()) + 1);
        r.steam_id = b->steam_id.value_or("");
        r.trade_token = b->trade_url_token.value_or("");
        r.created_unix_ms = market::wall_ms();
        deposits_.push_back(r);
        skinify::CreateDepositResponse out;
        out.status = "success";
        out.url = m_.base_url + "/sandbox/skinify/deposit/" + r.transaction_id;
        out.transaction_id = r.transaction_id;
        return json_response(200, ::cs2market::to_json(out));
    }

    response on(skinify::ops::steam_inventory, call& c)
    {
        auto b = ::cs2market::from_json<skinify::SteamInventoryRequest>(c.req.body);
        if (!b)
            return err("required_params_missing");
        if (b->game != skinify::Game::csgo)
            return err("invalid_game");
        if (b->steam_id.empty())
            return err("steam_id_missing");
        if (b->trade_token.empty())
            return err("trade_token_missing");
        skinify::SteamInventoryResponse out;
        out.success = true;
        out.status = "success";
        out.currency = "USD";
        out.inventory = inventory(b->steam_id);
        return json_response(200, ::cs2market::to_json(out));
    }

    response on(skinify::ops::create_steam_offer, call& c)
    {
        auto b = ::cs2market::from_json<skinify::CreateSteamOfferRequest>(c.req.body);
        if (!b)
            return err("required_params_missing");
        if (!b->deposit_id && !b->transaction_id)
            return err("deposit_id_or_transaction_id_missing");
        deposit* r = find_deposit(c.key, b->deposit_id, b->transaction_id);
        if (!r)
            return err("deposit_not_found");
        if (r->steam_id.empty() || r->trade_token.empty())
            return err("request_deposit_inventory");
        if (r->status != "pending" || r->complete_at_ms >= 0)
            return err("order_changed_state");
        if (b->items.empty())
            return err("nothing_things_selected");
        dec total;
        auto inv = inventory(r->steam_id);
        for (auto& id : b->items) {
            auto it = std::find_if(inv.begin(), inv.end(), [&](const auto& x) { return x.id == id; });
            if (it == inv.end())
                return err("inventory_updated");
            total += it->price;
        }
        r->amount = total;
        r->trade_offer_id = std::to_string(6612345678LL + ++m_.offer_seq);
        r->complete_at_ms = m_.now_ms() + 2 * m_.opts.step_ms;
        skinify::CreateSteamOfferResponse out;
        out.success = true;
        out.status = "success";
        out.currency = "USD";
        out.tradeofferid = r->trade_offer_id;
        out.botid = "76561199022064770";
        return json_response(200, ::cs2market::to_json(out));
    }

    response on(skinify::ops::deposit_status, call& c)
    {
        auto did = c.t.get("deposit_id"), tid = c.t.get("transaction_id");
        if (!did && !tid)
            return err("deposit_id_or_transaction_id_missing");
        deposit* r = find_deposit(c.key, did, tid);
        if (!r)
            return err("deposit_not_found");
        skinify::DepositStatusResponse out;
        out.status = "success";
        out.deposit = deposit_info(*r);
        return json_response(200, ::cs2market::to_json(out));
    }

    response on(skinify::ops::get_deposits, call& c)
    {
        auto from = c.t.num("starting"), to = c.t.num("ending");
        if (!from || !to)
            return err("missing_starting_or_ending");
        std::vector<skinify::DepositInfo> rows;
        for (auto& r : deposits_)
            if (r.key == c.key && r.created_unix_ms / 1000 >= *from && r.created_unix_ms / 1000 <= *to)
                rows.push_back(deposit_info(r));
        skinify::GetDepositsResponse out;
        out.status = "success";
        auto [off, more] = page_window(c.t, rows.size());
        for (std::int64_t i = off; i < std::min<std::int64_t>(off + page, static_cast<std::int64_t>(rows.size())); ++i)
            out.deposits.push_back(rows[static_cast<std::size_t>(i)]);
        out.has_more = more;
        if (more)
            out.start_from = off + page;
        return json_response(200, ::cs2market::to_json(out));
    }

    // ------------------------------------------------------------- real time
    /// auth_success when md5(project_id + token) matches a known token (any project id:
    /// the sandbox has none of its own), else auth_failed.
    std::vector<std::string> ws_open(const std::string& target)
    {
        if (auto auth = ws_auth(target))
            for (const auto& [key, acc] : b_.accounts)
                if (signed_by(*auth, key))
                    return {R"({"event":"auth_success","data":{"project_id":)" + ::cs2market::to_json(auth->first) + "}}"};
        return {R"({"event":"auth_failed"})"};
    }

    static skinify::PurchaseStatus status_of(stage s)
    {
        using S = skinify::PurchaseStatus;
        switch (s) {
        case stage::created: return S::processing;
        case stage::hold: return S::reserved;
        case stage::offer_sent: return S::waiting_accept;
        case stage::accepted: case stage::settled: return S::accepted;
        case stage::declined: return S::canceled;
        case stage::timed_out: return S::timeout;
        case stage::reversed_buyer: return S::rollback_user;
        case stage::reversed_seller: case stage::recalled: return S::rollback_provider;
        default: return S::reservation_canceled;
        }
    }

private:
    static constexpr std::int64_t page = 50;

    struct deposit {
        std::string key, deposit_id, transaction_id, steam_id, trade_token;
        std::string status = "pending"; // pending -> success (credited) | failed
        std::int64_t created_unix_ms = 0;
        std::int64_t complete_at_ms = -1; // sandbox clock; -1 = no offer yet
        std::optional<dec> amount;
        std::string trade_offer_id;
    };

    /// (offset, has_more) of a `start_from` page of 50.
    static std::pair<std::int64_t, bool> page_window(const query_t& t, std::size_t total)
    {
        std::int64_t off = std::max<std::int64_t>(0, t.num("start_from").value_or(0));
        return {off, off + page < static_cast<std::int64_t>(total)};
    }

    skinify::SkinProperties props(std::size_t li, bool extended) const
    {
        skinify::SkinProperties p;
        const listing& l = b_.listings[li];
        p.classid = std::to_string(m_.type_of(l).classid);
        if (extended) {
            p.assetid = std::to_string(l.asset_id);
            p.instanceid = "0";
            p.steamid = "76561199022064770";
            p.link = "steam://rungame/730/76561202255233023/+csgo_econ_action_preview%20S76561199022064770A" +
                     std::to_string(l.asset_id);
            p.floatvalue = l.float_value;
        }
        if (l.hold)
            p.unhold_at = unix_s(market::wall_ms() + 3 * m_.opts.step_ms);
        return p;
    }

    skinify::PurchaseItem item_of(const order& o) const
    {
        skinify::PurchaseItem it;
        const listing& l = b_.listings[o.listing];
        it.skin.id = std::to_string(l.num_id);
        it.skin.name = m_.type_of(l).market_hash_name;
        it.skin.price = o.price;
        it.skin.properties = props(o.listing, false);
        it.purchase_id = o.id;
        it.purchase_status = status_of(o.cur);
        it.date = unix_s(o.created_unix_ms);
        it.balance_debited_amount = o.price;
        if (!o.ref.empty())
            it.custom_id = o.ref;
        it.steam_id = std::to_string(76561197960265728LL + std::stoll(o.partner.empty() ? "0" : o.partner));
        if (!o.trade_offer_id.empty())
            it.trade_offer_id = o.trade_offer_id;
        if (o.cur == stage::accepted || o.cur == stage::settled || o.cur == stage::reversed_buyer || o.cur == stage::reversed_seller)
            it.settlement = unix_s((o.settle_unix_ms + 999) / 1000 * 1000); // whole seconds, never before the sandbox settles it
        if (o.cur == stage::hold)
            it.reserved_until = unix_s(o.hold_until_unix_ms);
        return it;
    }

    std::vector<skinify::InventoryItem> inventory(const std::string& steam_id) const
    {
        std::vector<skinify::InventoryItem> inv;
        std::uint64_t h = catalogue::mix(std::hash<std::string>{}(steam_id));
        for (int i = 0; i < 5; ++i) {
            std::size_t ti = static_cast<std::size_t>((h >> (i * 8)) % m_.cat.types.size());
            skinify::InventoryItem it;
            it.id = std::to_string(40000000000LL + static_cast<std::int64_t>(ti) * 10 + i);
            it.name = m_.cat.types[ti].market_hash_name;
            it.type = m_.cat.types[ti].category;
            it.tradable = 1;
            it.disabled = 0;
            it.price = dec::from_units(m_.cat.base_cents(ti) * 85 / 100, 2);
            inv.push_back(it);
        }
        return inv;
    }

    deposit* find_deposit(const std::string& key, const std::optional<std::string>& did, const std::optional<std::string>& tid)
    {
        for (auto& r : deposits_)
            if (r.key == key && ((did && r.deposit_id == *did) || (tid && r.transaction_id == *tid)))
                return &r;
        return nullptr;
    }

    skinify::DepositInfo deposit_info(const deposit& r) const
    {
        skinify::DepositInfo d;
        d.status = ::cs2market::open_enum<skinify::DepositStatus>::from_wire(r.status);
        d.transaction_id = r.transaction_id;
        d.deposit_id = r.deposit_id;
        if (!r.steam_id.empty())
            d.steam_id = r.steam_id;
        d.date = unix_s(r.created_unix_ms);
        if (r.amount) {
            d.amount = *r.amount;
            d.amount_currency = "USD";
        }
        if (!r.trade_offer_id.empty())
            d.trade_offer_id = r.trade_offer_id;
        return d;
    }

    /// A deposit's trade offer accepted: the user's items became project balance.
    void complete_deposits(std::int64_t now)
    {
        for (auto& d : deposits_)
            if (d.status == "pending" && d.complete_at_ms >= 0 && d.complete_at_ms <= now && d.amount) {
                d.status = "success";
                b_.accounts[d.key].settled += *d.amount;
                b_.money.minted += *d.amount;
            }
    }

    /// project_id and signature of an upgrade target, when both are there.
    static std::optional<std::pair<std::string, std::string>> ws_auth(const std::string& target)
    {
        if (target.rfind("/ws/?", 0) != 0 && target.rfind("/ws?", 0) != 0)
            return std::nullopt;
        query_t q = parse_target(target);
        auto pid = q.get("project_id");
        auto sig = q.get("signature");
        if (!pid || !sig || pid->empty())
            return std::nullopt;
        return std::make_pair(*pid, *sig);
    }
    static bool signed_by(const std::pair<std::string, std::string>& auth, const std::string& key)
    {
        return ::cs2market::detail::constant_time_equal(::cs2market::detail::md5_hex(auth.first + key), auth.second);
    }

    /// skin_purchase (created) or skin_purchase_status_change, and balance_change on
    /// purchases and refunds, to that account's connections only.
    void queue_event(const order& o, bool created)
    {
        const listing& l = b_.listings[o.items.front().listing];
        std::string data;
        if (created) {
            skinify::SkinPurchaseEvent e;
            e.skin.id = std::to_string(l.num_id);
            e.purchase_id = o.id;
            e.purchase_status = status_of(o.cur);
            e.date = unix_s(o.created_unix_ms);
            e.balance_debited_sum = o.price;
            if (!o.ref.empty())
                e.custom_id = o.ref;
            data = R"({"event":"skin_purchase","data":)" + ::cs2market::to_json(e) + "}";
        } else {
            skinify::SkinPurchaseStatusChangeEvent e;
            e.skin.id = std::to_string(l.num_id);
            e.purchase_id = o.id;
            e.purchase_status = status_of(o.cur);
            if (!o.trade_offer_id.empty())
                e.trade_offer_id = o.trade_offer_id;
            data = R"({"event":"skin_purchase_status_change","data":)" + ::cs2market::to_json(e) + "}";
        }
        auto to = [key = o.key](const std::string& t) {
            auto auth = ws_auth(t);
            return auth && signed_by(*auth, key);
        };
        m_.feeds.push(to, std::move(data));
        if (created || o.refunded) {
            skinify::BalanceChangeEvent b;
            b.balance_value = b_.accounts[o.key].settled;
            m_.feeds.push(to, R"({"event":"balance_change","data":)" + ::cs2market::to_json(b) + "}");
        }
    }

    market& m_;
    book& b_;
    std::vector<deposit> deposits_;
};

} // namespace cs2market::sandbox
