// cs2market::sandbox — a stateful local marketplace speaking the CS2DT, CSBoard
// and Skinify HTTP APIs over HTTPS on loopback. Embed it in tests:
//
//   cs2market::sandbox::server sb;                     // free port, fresh CA
//   cs2market::csboard::client c({"csb_pub_me", sb.base_url(), sb.ca_file()});
//
// Responses are the generated DTO types of include/cs2market/<provider>/models.hpp,
// encoded with cs2market::to_json, so the sandbox and the schema cannot drift.
// Behaviour (balances, listings, order lifecycles, errors, limits) is hand-written.
#pragma once

#include <cs2market/sandbox/catalogue.hpp>
#include <cs2market/testing/https_server.hpp>
#include <cs2market/testing/wss_server.hpp>
#include <cs2market/detail/md5.hpp>
#include <cs2market/sandbox/state.hpp>

#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/csboard/models.hpp>
#include <cs2market/json.hpp>
#include <cs2market/skinify/models.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace cs2market::sandbox {

struct options {
    unsigned short port = 0;                 ///< 0: the OS picks a free port
    std::uint64_t seed = 1;                  ///< catalogue, prices, ids
    std::int64_t step_ms = 200;              ///< sandbox time between two lifecycle stages
    std::int64_t delivery_steps = 1;         ///< steps from payment until the trade offer is sent
    std::int64_t rate_window_ms = 1000;      ///< documented per-minute windows, accelerated 60x
    bool accept_any_key = true;              ///< any well-formed key is its own funded account
    ::cs2market::decimal default_balance = ::cs2market::decimal::from_units(100000, 2); ///< 1000.00 USD
    std::string cs2dt_callback_url;          ///< CS2DT pushes go here ("" = none); http:// or https://
    std::string cs2dt_app_secret = "sandbox-app-secret";
    std::int64_t callback_retry_unit_ms = 100; ///< one "minute" of CS2DT's 1/2/5/10/30-minute retry schedule
    bool default_rate_limits = true;         ///< CSBoard 30/min GETs, 30/min orders, 1/min snapshot; Skinify 300/min
};

/// One attempted CS2DT callback delivery, for tests.
struct callback_attempt {
    std::string url;
    std::string body;
    int attempt = 0;
    bool delivered = false;
};

class server {
public:
    explicit server(options o = {}, const std::string& scenario_json = {})
        : opts_(std::move(o))
    {
        if (!scenario_json.empty())
            load_scenario_locked(scenario_json); // adjusts opts_ first
        cat_ = catalogue::make();
        for (int p = 0; p < 3; ++p)
            listings_[p] = cat_.make_listings(opts_.seed + static_cast<std::uint64_t>(p) * 101, listing_base(static_cast<provider>(p)));
        if (opts_.default_rate_limits) {
            limits_.push_back({provider::csboard, "get", 30});
            limits_.push_back({provider::csboard, "orders", 30});
            limits_.push_back({provider::csboard, "market_buy", 30});
            limits_.push_back({provider::csboard, "snapshot", 1});
            limits_.push_back({provider::skinify, "all", 300});
        }
        for (auto& r : pending_limits_)
            set_rate_limit_locked(r);
        for (auto& a : pending_accounts_)
            add_account_locked(a.first, a.second);
        pending_accounts_.clear();
        t0_ = std::chrono::steady_clock::now();
        auto identity = testing::make_tls_identity("cs2market sandbox CA");
        // The WebSocket feeds run on a second port with the same certificate (one CA file for both).
        ws_ = std::make_unique<testing::wss_server>(identity);
        ws_->on_open([this](const std::string& target) { return on_ws_open(target); });
        http_ = std::make_unique<testing::https_server>([this](const testing::recorded_request& r) { return handle(r); },
                                                    std::move(identity), opts_.port);
        running_ = true;
        ticker_ = std::thread([this] { tick_loop(); });
        pusher_ = std::thread([this] { push_loop(); });
    }

    ~server() { stop(); }
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void stop()
    {
        if (!running_.exchange(false))
            return;
        push_cv_.notify_all();
        if (ticker_.joinable())
            ticker_.join();
        if (pusher_.joinable())
            pusher_.join();
        http_->stop();
        ws_->stop();
    }

    unsigned short port() const { return http_->port(); }
    std::string base_url() const { return http_->base_url(); }
    /// Temp file holding the sandbox CA (removed with the server).
    std::string ca_file() const { return http_->ca_file(); }
    const std::string& ca_pem() const { return http_->identity().ca_cert_pem; }
    void write_ca(const std::string& path) const { testing::write_file(path, ca_pem()); }
    const options& opts() const { return opts_; }
    /// "wss://127.0.0.1:P2": the WebSocket feeds (CS2DT market push at /ws/cs2dt,
    /// Skinify real-time at /ws/?project_id=&signature=, any project id).
    std::string ws_base_url() const { return ws_->base_url(); }

    // ---- test and scenario hooks (thread-safe) ----

    void load_scenario(const std::string& json)
    {
        std::lock_guard lk(mu_);
        load_scenario_locked(json);
        for (auto& r : pending_limits_)
            set_rate_limit_locked(r);
        pending_limits_.clear();
        for (auto& a : pending_accounts_)
            add_account_locked(a.first, a.second);
        pending_accounts_.clear();
    }
    /// The next purchase on `p` (any account) gets `o`.
    void set_next_outcome(provider p, outcome o)
    {
        std::lock_guard lk(mu_);
        outcome_rule r;
        r.p = p;
        r.out = o;
        r.remaining = 1;
        rules_.insert(rules_.begin(), r);
    }
    void add_outcome_rule(const outcome_rule& r)
    {
        std::lock_guard lk(mu_);
        rules_.push_back(r);
    }
    void inject_fault(const fault& f)
    {
        std::lock_guard lk(mu_);
        faults_.push_back(f);
    }
    void set_rate_limit(provider p, const std::string& bucket, int limit)
    {
        std::lock_guard lk(mu_);
        set_rate_limit_locked({p, bucket, limit});
    }
    void set_callback_url(const std::string& url)
    {
        std::lock_guard lk(mu_);
        opts_.cs2dt_callback_url = url;
    }
    /// Creates (or tops up) an account.
    void fund(provider p, const std::string& key, ::cs2market::decimal amount, ::cs2market::decimal held = {},
              std::int64_t held_clears_after_ms = 0)
    {
        std::lock_guard lk(mu_);
        account a;
        a.key = key;
        a.settled = amount;
        a.held = held;
        a.held_clears_at_ms = now_ms() + held_clears_after_ms;
        add_account_locked(p, a);
    }
    std::optional<::cs2market::decimal> balance(provider p, const std::string& key)
    {
        std::lock_guard lk(mu_);
        advance_locked();
        auto it = accounts_[idx(p)].find(key);
        if (it == accounts_[idx(p)].end())
            return std::nullopt;
        return it->second.settled + it->second.held;
    }
    money_audit audit(provider p)
    {
        std::lock_guard lk(mu_);
        advance_locked();
        money_audit a;
        a.minted = ledger_[idx(p)].minted;
        a.seller_proceeds = ledger_[idx(p)].seller_proceeds;
        for (auto& [k, acc] : accounts_[idx(p)])
            a.balances += acc.settled + acc.held;
        return a;
    }
    /// Stage names an order went through (provider-neutral), "" if unknown.
    std::vector<std::string> stages(provider p, const std::string& order_id)
    {
        std::lock_guard lk(mu_);
        advance_locked();
        std::vector<std::string> out;
        for (auto& o : orders_)
            if (o.p == p && o.id == order_id)
                for (auto s : o.history)
                    out.push_back(stage_name(s));
        return out;
    }
    /// Sets the asking price of a listing (by its wire id) — to provoke price ceilings.
    bool set_price(provider p, const std::string& listing_id, ::cs2market::decimal price)
    {
        std::lock_guard lk(mu_);
        auto li = find_listing(p, listing_id);
        if (!li)
            return false;
        listings_[idx(p)][*li].price = price;
        return true;
    }
    std::vector<callback_attempt> callback_log() const
    {
        std::lock_guard lk(push_mu_);
        return push_log_;
    }
    /// True once every order is final and every callback was delivered or given up.
    bool idle()
    {
        {
            std::lock_guard lk(mu_);
            advance_locked();
            for (auto& o : orders_)
                if (!is_final(o.cur))
                    return false;
        }
        std::lock_guard lk(push_mu_);
        return push_queue_.empty() && !push_busy_;
    }
    std::size_t listing_count(provider p) const { return listings_[idx(p)].size(); }
    std::size_t type_count() const { return cat_.types.size(); }

    static std::string stage_name(stage s)
    {
        static constexpr const char* n[] = {"created", "hold", "offer_sent", "accepted", "settled", "declined",
                                            "timed_out", "reversed_by_buyer", "reversed_by_seller", "recalled", "cancelled"};
        return n[static_cast<int>(s)];
    }

private:
    using dec = ::cs2market::decimal;
    using response = testing::canned_response;
    using request = testing::recorded_request;

    static int idx(provider p) { return static_cast<int>(p); }
    static std::int64_t listing_base(provider p)
    {
        switch (p) {
        case provider::cs2dt: return 1252366888000000LL;
        case provider::csboard: return 8841000;
        default: return 11000;
        }
    }

    // ------------------------------------------------------------------ clock
    std::int64_t now_ms() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
    }
    static std::int64_t wall_ms()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static ::cs2market::iso_time iso(std::int64_t unix_ms)
    {
        return ::cs2market::iso_time(::cs2market::sys_nanoseconds(std::chrono::milliseconds(unix_ms)));
    }
    static ::cs2market::unix_seconds unix_s(std::int64_t unix_ms)
    {
        return ::cs2market::unix_seconds(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)));
    }
    static ::cs2market::unix_auto unix_ms_auto(std::int64_t unix_ms)
    {
        return *::cs2market::unix_auto::from_raw(unix_ms);
    }

    // --------------------------------------------------------------- scenario
    static dec to_dec(const boost::json::value& v)
    {
        if (v.is_string())
            return dec::from_string(std::string(v.as_string()));
        if (v.is_int64())
            return dec::from_units(v.as_int64(), 0);
        if (v.is_uint64())
            return dec::from_units(static_cast<std::int64_t>(v.as_uint64()), 0);
        if (v.is_double()) {
            std::ostringstream s;
            s.precision(12);
            s << v.as_double();
            return dec::from_string(s.str());
        }
        throw std::invalid_argument("sandbox scenario: expected a number");
    }
    static std::string str_of(const boost::json::object& o, const char* k)
    {
        auto it = o.find(k);
        return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
    }
    static std::int64_t int_of(const boost::json::object& o, const char* k, std::int64_t def)
    {
        auto it = o.find(k);
        if (it == o.end())
            return def;
        if (it->value().is_int64())
            return it->value().as_int64();
        if (it->value().is_uint64())
            return static_cast<std::int64_t>(it->value().as_uint64());
        if (it->value().is_double())
            return static_cast<std::int64_t>(it->value().as_double());
        return def;
    }
    static std::optional<provider> prov_of(const boost::json::object& o)
    {
        auto s = str_of(o, "provider");
        if (s.empty())
            return std::nullopt;
        auto p = provider_from_string(s);
        if (!p)
            throw std::invalid_argument("sandbox scenario: unknown provider '" + s + "'");
        return p;
    }

    void load_scenario_locked(const std::string& text)
    {
        boost::system::error_code ec;
        auto jv = boost::json::parse(text, ec);
        if (ec || !jv.is_object())
            throw std::invalid_argument("sandbox scenario: not a JSON object");
        const auto& o = jv.as_object();
        opts_.seed = static_cast<std::uint64_t>(int_of(o, "seed", static_cast<std::int64_t>(opts_.seed)));
        opts_.step_ms = int_of(o, "step_ms", opts_.step_ms);
        opts_.delivery_steps = std::max<std::int64_t>(1, int_of(o, "delivery_steps", opts_.delivery_steps));
        opts_.rate_window_ms = int_of(o, "rate_window_ms", opts_.rate_window_ms);
        opts_.callback_retry_unit_ms = int_of(o, "callback_retry_unit_ms", opts_.callback_retry_unit_ms);
        if (auto it = o.find("accept_any_key"); it != o.end() && it->value().is_bool())
            opts_.accept_any_key = it->value().as_bool();
        if (auto it = o.find("default_rate_limits"); it != o.end() && it->value().is_bool())
            opts_.default_rate_limits = it->value().as_bool();
        if (auto it = o.find("default_balance"); it != o.end())
            opts_.default_balance = to_dec(it->value());
        if (auto s = str_of(o, "cs2dt_callback_url"); !s.empty())
            opts_.cs2dt_callback_url = s;
        if (auto s = str_of(o, "cs2dt_app_secret"); !s.empty())
            opts_.cs2dt_app_secret = s;
        if (auto it = o.find("accounts"); it != o.end() && it->value().is_array())
            for (const auto& a : it->value().as_array()) {
                const auto& ao = a.as_object();
                auto p = prov_of(ao);
                if (!p)
                    throw std::invalid_argument("sandbox scenario: account without provider");
                account acc;
                acc.key = str_of(ao, "key");
                if (auto b = ao.find("balance"); b != ao.end())
                    acc.settled = to_dec(b->value());
                else
                    acc.settled = opts_.default_balance;
                if (auto h = ao.find("held"); h != ao.end())
                    acc.held = to_dec(h->value());
                acc.held_clears_at_ms = int_of(ao, "held_clears_after_ms", 5000);
                if (auto t = ao.find("trading_enabled"); t != ao.end() && t->value().is_bool())
                    acc.trading_enabled = t->value().as_bool();
                acc.callback_url = str_of(ao, "callback_url");
                pending_accounts_.emplace_back(*p, acc);
            }
        if (auto it = o.find("outcomes"); it != o.end() && it->value().is_array())
            for (const auto& r : it->value().as_array()) {
                const auto& ro = r.as_object();
                outcome_rule rule;
                rule.p = prov_of(ro);
                rule.key = str_of(ro, "key");
                rule.ref = str_of(ro, "ref");
                rule.item = str_of(ro, "item");
                rule.nth = int_of(ro, "nth", 0);
                auto on = str_of(ro, "outcome");
                auto oc = outcome_from_string(on);
                if (!oc)
                    throw std::invalid_argument("sandbox scenario: unknown outcome '" + on + "'");
                rule.out = *oc;
                rule.remaining = static_cast<int>(int_of(ro, "count", -1));
                rules_.push_back(rule);
            }
        if (auto it = o.find("rate_limits"); it != o.end() && it->value().is_array())
            for (const auto& r : it->value().as_array()) {
                const auto& ro = r.as_object();
                pending_limits_.push_back({prov_of(ro), str_of(ro, "bucket"), static_cast<int>(int_of(ro, "limit", 0))});
            }
        if (auto it = o.find("faults"); it != o.end() && it->value().is_array())
            for (const auto& r : it->value().as_array()) {
                const auto& ro = r.as_object();
                fault f;
                f.provider = str_of(ro, "provider");
                f.path = str_of(ro, "path");
                if (auto k = str_of(ro, "kind"); !k.empty())
                    f.kind = k;
                f.status = static_cast<unsigned>(int_of(ro, "status", 500));
                if (auto b = str_of(ro, "body"); !b.empty())
                    f.body = b;
                f.delay_ms = int_of(ro, "delay_ms", 0);
                f.remaining = static_cast<int>(int_of(ro, "count", 1));
                faults_.push_back(f);
            }
    }

    void set_rate_limit_locked(const rate_limit_rule& r)
    {
        for (auto& l : limits_)
            if (l.p == r.p && l.bucket == r.bucket) {
                l.limit = r.limit;
                return;
            }
        limits_.push_back(r);
    }

    account& add_account_locked(provider p, account a)
    {
        auto& m = accounts_[idx(p)];
        auto it = m.find(a.key);
        if (it != m.end()) {
            it->second.settled += a.settled;
            it->second.held += a.held;
            ledger_[idx(p)].minted += a.settled + a.held;
            return it->second;
        }
        a.user_id = 10000 + static_cast<std::int64_t>(m.size()) + 1000 * idx(p);
        if (a.held_clears_at_ms == 0)
            a.held_clears_at_ms = now_ms() + 5000;
        ledger_[idx(p)].minted += a.settled + a.held;
        return m.emplace(a.key, a).first->second;
    }

    // ------------------------------------------------------------- lifecycle
    outcome choose_outcome(provider p, const std::string& key, const std::string& ref, std::size_t listing_idx)
    {
        std::int64_t nth = static_cast<std::int64_t>(++purchases_[idx(p)]);
        const std::string& name = cat_.types[listings_[idx(p)][listing_idx].type].market_hash_name;
        for (auto& r : rules_) {
            if (r.remaining == 0)
                continue;
            if (r.p && *r.p != p)
                continue;
            if (!r.key.empty() && r.key != key)
                continue;
            if (!r.ref.empty() && r.ref != ref)
                continue;
            if (!r.item.empty() && name.find(r.item) == std::string::npos)
                continue;
            if (r.nth != 0 && r.nth != nth)
                continue;
            if (r.remaining > 0)
                --r.remaining;
            return r.out;
        }
        return outcome::success;
    }

    void plan_order(order& o, bool hold)
    {
        const std::int64_t s = opts_.step_ms;
        std::int64_t base = o.created_ms;
        o.plan.clear();
        if (hold) {
            o.cur = stage::hold;
            base += 3 * s;
            o.hold_until_unix_ms = o.created_unix_ms + 3 * s;
        } else {
            o.cur = stage::created;
        }
        o.history = {o.cur};
        if (hold)
            o.plan.push_back({base, stage::created});
        base += (std::max<std::int64_t>(1, opts_.delivery_steps) - 1) * s;
        auto add = [&](std::int64_t k, stage st) { o.plan.push_back({base + k * s, st}); };
        add(1, stage::offer_sent);
        switch (o.out) {
        case outcome::success: add(2, stage::accepted); add(4, stage::settled); break;
        case outcome::decline: add(2, stage::declined); break;
        case outcome::timeout: add(3, stage::timed_out); break;
        case outcome::reversed_by_buyer: add(2, stage::accepted); add(3, stage::reversed_buyer); break;
        case outcome::reversed_by_seller: add(2, stage::accepted); add(3, stage::reversed_seller); break;
        case outcome::seller_recalled: add(2, stage::accepted); add(3, stage::recalled); break;
        }
        o.settle_unix_ms = o.created_unix_ms + (base - o.created_ms) + 4 * s;
    }

    void refund_locked(order& o)
    {
        if (o.refunded)
            return;
        o.refunded = true;
        auto& acc = accounts_[idx(o.p)][o.key];
        acc.settled += o.price;
        ledger_[idx(o.p)].seller_proceeds -= o.price;
    }

    void enter_stage_locked(order& o, stage s)
    {
        o.cur = s;
        o.history.push_back(s);
        o.updated_unix_ms = wall_ms();
        if (s == stage::offer_sent && o.trade_offer_id.empty())
            o.trade_offer_id = std::to_string(5512345678LL + static_cast<std::int64_t>(++offer_seq_));
        if (is_refunding(s))
            refund_locked(o);
        if (o.p == provider::cs2dt)
            queue_callback_locked(o);
        if (o.p == provider::skinify)
            queue_skinify_event_locked(o, false);
    }

    void advance_locked()
    {
        const std::int64_t now = now_ms();
        for (auto& o : orders_)
            while (o.next < o.plan.size() && o.plan[o.next].at_ms <= now) {
                stage s = o.plan[o.next++].s;
                enter_stage_locked(o, s);
            }
        for (auto& d : deposits_)
            if (d.status == "pending" && d.complete_at_ms >= 0 && d.complete_at_ms <= now && d.amount) {
                d.status = "success";
                accounts_[2][d.key].settled += *d.amount; // the user's items became project balance
                ledger_[2].minted += *d.amount;
            }
        for (int p = 0; p < 3; ++p)
            for (auto& [k, a] : accounts_[p])
                if (a.held.units() != 0 && a.held_clears_at_ms <= now) {
                    a.settled += a.held;
                    a.held = dec{};
                }
    }

    void tick_loop()
    {
        while (running_) {
            std::vector<ws_message> out;
            {
                std::lock_guard lk(mu_);
                advance_locked();
                out.swap(ws_outbox_);
            }
            flush_ws(out);
            std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp<std::int64_t>(opts_.step_ms / 5, 2, 20)));
        }
    }

    // ------------------------------------------------------- WebSocket feeds
    // Messages are queued under mu_ and sent by the ticker thread outside it
    // (sending waits on the WebSocket server's thread).
    struct ws_message {
        std::string skinify_key; ///< "": CS2DT market push (every /ws/cs2dt connection)
        std::string text;
    };

    /// project_id and signature of a Skinify upgrade target, when both are there.
    static std::optional<std::pair<std::string, std::string>> skinify_ws_auth(const std::string& target)
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
    static bool skinify_signed_by(const std::pair<std::string, std::string>& auth, const std::string& key)
    {
        return ::cs2market::detail::constant_time_equal(::cs2market::detail::md5_hex(auth.first + key), auth.second);
    }

    /// Skinify: auth_success when md5(project_id + token) matches a known token
    /// (any project id: the sandbox has no project ids of its own), else auth_failed.
    std::vector<std::string> on_ws_open(const std::string& target)
    {
        if (target.rfind("/ws/cs2dt", 0) == 0)
            return {};
        auto auth = skinify_ws_auth(target);
        std::lock_guard lk(mu_);
        if (auth)
            for (const auto& [key, acc] : accounts_[2])
                if (skinify_signed_by(*auth, key))
                    return {R"({"event":"auth_success","data":{"project_id":)" + ::cs2market::to_json(auth->first) + "}}"};
        return {R"({"event":"auth_failed"})"};
    }

    void queue_skinify_event_locked(const order& o, bool created)
    {
        namespace sk = ::cs2market::skinify;
        const listing& l = listings_[2][order_items_.count(o.id) ? order_items_[o.id].front() : o.listing];
        std::string data;
        if (created) {
            sk::SkinPurchaseEvent e;
            e.skin.id = std::to_string(l.num_id);
            e.purchase_id = o.id;
            e.purchase_status = sk_status(o.cur);
            e.date = unix_s(o.created_unix_ms);
            e.balance_debited_sum = o.price;
            if (!o.ref.empty())
                e.custom_id = o.ref;
            data = R"({"event":"skin_purchase","data":)" + ::cs2market::to_json(e) + "}";
        } else {
            sk::SkinPurchaseStatusChangeEvent e;
            e.skin.id = std::to_string(l.num_id);
            e.purchase_id = o.id;
            e.purchase_status = sk_status(o.cur);
            if (!o.trade_offer_id.empty())
                e.trade_offer_id = o.trade_offer_id;
            data = R"({"event":"skin_purchase_status_change","data":)" + ::cs2market::to_json(e) + "}";
        }
        ws_outbox_.push_back({o.key, std::move(data)});
        if (created || o.refunded) {
            sk::BalanceChangeEvent b;
            b.balance_value = accounts_[2][o.key].settled;
            ws_outbox_.push_back({o.key, R"({"event":"balance_change","data":)" + ::cs2market::to_json(b) + "}"});
        }
    }

    void queue_market_remove_locked(const listing& l)
    {
        ::cs2market::cs2dt::MarketPushMessage m;
        m.requestId = std::to_string(++ws_seq_);
        m.event = ::cs2market::cs2dt::MarketPushEvent::remove;
        ::cs2market::cs2dt::MarketPushListing d;
        d.id = l.num_id;
        d.itemId = static_cast<std::int64_t>(cat_.types[l.type].classid);
        d.price = l.price;
        m.data = d;
        ws_outbox_.push_back({{}, ::cs2market::to_json(m)});
    }

    void flush_ws(std::vector<ws_message>& out)
    {
        for (auto& m : out) {
            if (m.skinify_key.empty()) {
                ws_->push_if([](const std::string& t) { return t.rfind("/ws/cs2dt", 0) == 0; }, std::move(m.text));
            } else {
                const std::string key = m.skinify_key;
                ws_->push_if(
                    [&key](const std::string& t) {
                        auto auth = skinify_ws_auth(t);
                        return auth && skinify_signed_by(*auth, key);
                    },
                    std::move(m.text));
            }
        }
        out.clear();
    }

    // ------------------------------------------------------- CS2DT callbacks
    struct push_item {
        std::string url, body;
        int attempt = 0;
        std::int64_t due_ms = 0;
    };

    static std::int64_t cs2dt_status(stage s)
    {
        switch (s) {
        case stage::created: case stage::hold: return 1;
        case stage::offer_sent: return 3;
        case stage::accepted: return 10;
        case stage::settled: return 200;
        case stage::reversed_buyer: case stage::reversed_seller: return 220;
        case stage::recalled: return 221;
        default: return 11;
        }
    }
    static const char* cs2dt_status_name(stage s)
    {
        switch (cs2dt_status(s)) {
        case 1: return "waiting for delivery";
        case 3: return "waiting for receipt";
        case 10: return "success";
        case 200: return "settled";
        case 220: return "reversed";
        case 221: return "recalled by seller, refunded";
        default: return "failed";
        }
    }
    static std::optional<::cs2market::cs2dt::FailedCode> cs2dt_failed_code(stage s)
    {
        using F = ::cs2market::cs2dt::FailedCode;
        switch (s) {
        case stage::declined: return F::ORDER_FAILED_OF_BUYER_DECLINE;
        case stage::timed_out: return F::ORDER_FAILED_OF_AUTO_DELIVER_ORDER_CANCEL_OF_BUYER_NOT_ACCEPT;
        case stage::reversed_buyer: return F::ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK;
        case stage::reversed_seller: return F::ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK;
        case stage::cancelled: return F::ORDER_FAILED_OF_CHANNEL_BUYER_CANCEL;
        default: return std::nullopt;
        }
    }

    void queue_callback_locked(const order& o)
    {
        std::string url = accounts_[idx(o.p)][o.key].callback_url;
        if (url.empty())
            url = opts_.cs2dt_callback_url;
        if (url.empty())
            return;
        ::cs2market::cs2dt::OrderStatusCallback cb;
        cb.orderId = std::stoll(o.id);
        cb.outTradeNo = o.ref;
        cb.status = ::cs2market::open_enum<::cs2market::cs2dt::OrderStatus>::from_wire(cs2dt_status(o.cur));
        cb.statusName = cs2dt_status_name(o.cur);
        if (o.cur == stage::offer_sent)
            cb.offerId = "of" + o.trade_offer_id;
        if (!o.trade_offer_id.empty())
            cb.tradeOfferId = o.trade_offer_id;
        cb.type = 0;
        cb.typeName = "BUYER_ORDER_STATUS";
        if (auto f = cs2dt_failed_code(o.cur))
            cb.failedCode = *f;
        auto body = ::cs2market::cs2dt::signed_callback_body(cb, opts_.cs2dt_app_secret);
        if (!body)
            return;
        std::lock_guard lk(push_mu_);
        push_queue_.push_back({url, *body, 0, now_ms()});
        push_cv_.notify_all();
    }

    // POSTs `body` to an http:// or https:// URL; true on HTTP 200 with body "success".
    static bool post_callback(const std::string& url, const std::string& body)
    {
        namespace beast = boost::beast;
        namespace http = beast::http;
        namespace asio = boost::asio;
        try {
            bool tls = url.rfind("https://", 0) == 0;
            std::string rest = url.substr(tls ? 8 : 7);
            std::string hostport = rest.substr(0, rest.find('/'));
            std::string target = rest.find('/') == std::string::npos ? "/" : rest.substr(rest.find('/'));
            std::string host = hostport, port = tls ? "443" : "80";
            if (auto c = hostport.rfind(':'); c != std::string::npos) {
                host = hostport.substr(0, c);
                port = hostport.substr(c + 1);
            }
            asio::io_context ioc;
            asio::ip::tcp::resolver res(ioc);
            auto eps = res.resolve(host, port);
            http::request<http::string_body> req{http::verb::post, target, 11};
            req.set(http::field::host, hostport);
            req.set(http::field::content_type, "application/json");
            req.set(http::field::user_agent, "cs2market-sandbox");
            req.body() = body;
            req.prepare_payload();
            beast::flat_buffer buf;
            http::response<http::string_body> resp;
            if (tls) {
                asio::ssl::context ctx(asio::ssl::context::tls_client);
                ctx.set_verify_mode(asio::ssl::verify_none); // loopback test receivers use throwaway CAs
                beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
                beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
                beast::get_lowest_layer(s).connect(eps);
                SSL_set_tlsext_host_name(s.native_handle(), host.c_str());
                s.handshake(asio::ssl::stream_base::client);
                http::write(s, req);
                http::read(s, buf, resp);
                beast::error_code ec;
                beast::get_lowest_layer(s).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
            } else {
                beast::tcp_stream s(ioc);
                s.expires_after(std::chrono::seconds(5));
                s.connect(eps);
                http::write(s, req);
                http::read(s, buf, resp);
                beast::error_code ec;
                s.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
            }
            std::string b = resp.body();
            while (!b.empty() && std::isspace(static_cast<unsigned char>(b.back())))
                b.pop_back();
            return resp.result_int() == 200 && b == "success";
        } catch (...) {
            return false;
        }
    }

    void push_loop()
    {
        static constexpr int schedule[] = {1, 2, 5, 10, 30}; // minutes, accelerated
        std::unique_lock lk(push_mu_);
        while (running_) {
            if (push_queue_.empty()) {
                push_cv_.wait_for(lk, std::chrono::milliseconds(20));
                continue;
            }
            // earliest due item; FIFO among equals keeps per-order status order
            auto it = std::min_element(push_queue_.begin(), push_queue_.end(),
                                       [](const push_item& a, const push_item& b) { return a.due_ms < b.due_ms; });
            if (it->due_ms > now_ms()) {
                push_cv_.wait_for(lk, std::chrono::milliseconds(std::min<std::int64_t>(20, it->due_ms - now_ms())));
                continue;
            }
            push_item item = *it;
            push_queue_.erase(it);
            push_busy_ = true;
            lk.unlock();
            bool ok = post_callback(item.url, item.body);
            lk.lock();
            push_busy_ = false;
            push_log_.push_back({item.url, item.body, item.attempt, ok});
            if (!ok && item.attempt < 5) {
                item.due_ms = now_ms() + schedule[item.attempt] * opts_.callback_retry_unit_ms;
                ++item.attempt;
                push_queue_.push_back(item);
            }
        }
    }

    // ------------------------------------------------------------ utilities
    struct query_t {
        std::string path;
        std::multimap<std::string, std::string> q;
        std::optional<std::string> get(const std::string& k) const
        {
            auto it = q.find(k);
            if (it == q.end())
                return std::nullopt;
            return it->second;
        }
        std::vector<std::string> list(const std::string& k) const
        {
            std::vector<std::string> out;
            auto [b, e] = q.equal_range(k);
            for (auto it = b; it != e; ++it) {
                std::string v = it->second;
                std::size_t pos = 0;
                while (pos <= v.size()) {
                    auto c = v.find(',', pos);
                    std::string part = v.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
                    if (!part.empty())
                        out.push_back(part);
                    if (c == std::string::npos)
                        break;
                    pos = c + 1;
                }
            }
            // also accept name[]=a&name[]=b
            if (k.size() < 2 || k.substr(k.size() - 2) != "[]") {
                auto more = list(k + "[]");
                out.insert(out.end(), more.begin(), more.end());
            }
            return out;
        }
        std::optional<std::int64_t> num(const std::string& k) const
        {
            auto v = get(k);
            if (!v || v->empty())
                return std::nullopt;
            try {
                return std::stoll(*v);
            } catch (...) {
                return std::nullopt;
            }
        }
    };

    static std::string pct_decode(std::string_view s)
    {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size() + 0 + 1 && i + 2 <= s.size() - 1 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
                out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
                i += 2;
            } else if (s[i] == '+') {
                out += ' ';
            } else {
                out += s[i];
            }
        }
        return out;
    }

    static query_t parse_target(const std::string& target)
    {
        query_t r;
        auto q = target.find('?');
        r.path = target.substr(0, q);
        if (q == std::string::npos)
            return r;
        std::string_view qs(target);
        qs.remove_prefix(q + 1);
        while (!qs.empty()) {
            auto amp = qs.find('&');
            auto part = qs.substr(0, amp);
            auto eq = part.find('=');
            std::string k = pct_decode(part.substr(0, eq));
            std::string v = eq == std::string_view::npos ? std::string() : pct_decode(part.substr(eq + 1));
            r.q.emplace(k, v);
            if (amp == std::string_view::npos)
                break;
            qs.remove_prefix(amp + 1);
        }
        return r;
    }

    static std::string lower(std::string s)
    {
        for (auto& c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    static bool matches_search(const std::string& name, const std::string& search)
    {
        std::string n = lower(name);
        std::istringstream in(lower(search));
        std::string tok;
        while (in >> tok)
            if (n.find(tok) == std::string::npos)
                return false;
        return true;
    }
    static bool key_chars_ok(std::string_view k)
    {
        for (char c : k)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
                return false;
        return true;
    }

    static response json_response(unsigned status, std::string body)
    {
        response r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }

    std::optional<std::size_t> find_listing(provider p, const std::string& wire_id) const
    {
        std::string digits = wire_id;
        if (p == provider::csboard) {
            if (digits.rfind("itm_", 0) != 0)
                return std::nullopt;
            digits = digits.substr(4);
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
        std::int64_t off = n - listing_base(p);
        if (off < 0 || off >= static_cast<std::int64_t>(listings_[idx(p)].size()))
            return std::nullopt;
        return static_cast<std::size_t>(off);
    }

    const item_type& type_of(provider p, std::size_t li) const { return cat_.types[listings_[idx(p)][li].type]; }

    order* find_order(provider p, const std::string& key, const std::string& id)
    {
        for (auto& o : orders_)
            if (o.p == p && o.key == key && o.id == id)
                return &o;
        return nullptr;
    }
    order* find_order_by_ref(provider p, const std::string& key, const std::string& ref)
    {
        if (ref.empty())
            return nullptr;
        for (auto& o : orders_)
            if (o.p == p && o.key == key && o.ref == ref)
                return &o;
        return nullptr;
    }

    order& new_order(provider p, const std::string& key, std::vector<std::size_t> lis, dec total, const std::string& ref,
                     outcome out, bool hold)
    {
        order o;
        o.p = p;
        o.key = key;
        ++order_seq_;
        switch (p) {
        case provider::cs2dt: o.id = std::to_string(753955645187293184LL + order_seq_); break;
        case provider::csboard: o.id = "ord_01J9Z" + std::to_string(100000 + order_seq_); break;
        case provider::skinify: o.id = std::to_string(1000 + order_seq_); break;
        }
        o.listing = lis.front();
        o.price = total;
        o.ref = ref;
        o.out = out;
        o.created_ms = now_ms();
        o.created_unix_ms = wall_ms();
        o.updated_unix_ms = o.created_unix_ms;
        auto& acc = accounts_[idx(p)][key];
        // debit: settled first, then held (CSBoard create_order may use the whole balance)
        if (acc.settled >= total) {
            acc.settled -= total;
        } else {
            dec rest = total - acc.settled;
            acc.settled = dec{};
            acc.held -= rest;
        }
        ++acc.purchases;
        ledger_[idx(p)].seller_proceeds += total;
        for (auto li : lis) {
            listings_[idx(p)][li].sold = true;
            if (p == provider::cs2dt)
                queue_market_remove_locked(listings_[0][li]);
        }
        ++catalogue_version_;
        plan_order(o, hold);
        orders_.push_back(std::move(o));
        order_items_[orders_.back().id] = std::move(lis);
        if (p == provider::cs2dt)
            queue_callback_locked(orders_.back());
        if (p == provider::skinify)
            queue_skinify_event_locked(orders_.back(), true);
        return orders_.back();
    }

    // ------------------------------------------------------------ dispatch
    struct auth_result {
        std::string key;
        std::optional<response> fail;
    };

    std::optional<response> check_fault(const std::string& prov, const std::string& path)
    {
        for (auto& f : faults_) {
            if (f.remaining == 0)
                continue;
            if (!f.provider.empty() && f.provider != prov)
                continue;
            if (!f.path.empty() && path.rfind(f.path, 0) != 0)
                continue;
            if (f.remaining > 0)
                --f.remaining;
            response r;
            if (f.kind == "close") {
                r.close_without_response = true;
            } else if (f.kind == "delay") {
                r.delay_before_headers = std::chrono::milliseconds(f.delay_ms);
                return std::nullopt; // handled by caller? keep simple: delay then normal response
            } else {
                r.status = f.status;
                r.body = f.body;
            }
            return r;
        }
        return std::nullopt;
    }
    std::int64_t pending_delay(const std::string& prov, const std::string& path)
    {
        for (auto& f : faults_)
            if (f.kind == "delay" && f.remaining != 0 && (f.provider.empty() || f.provider == prov) &&
                (f.path.empty() || path.rfind(f.path, 0) == 0))
                return f.delay_ms;
        return 0;
    }

    // Sliding-window limiter. Returns retry-after seconds when over the limit.
    std::optional<std::int64_t> rate_check(provider p, const std::string& key, const std::string& bucket)
    {
        int limit = 0;
        for (auto& l : limits_)
            if ((!l.p || *l.p == p) && l.bucket == bucket)
                limit = l.limit;
        if (limit <= 0)
            return std::nullopt;
        auto& q = rate_hits_[provider_names[idx(p)] + std::string("|") + key + "|" + bucket];
        const std::int64_t now = now_ms();
        while (!q.empty() && q.front() <= now - opts_.rate_window_ms)
            q.pop_front();
        if (static_cast<int>(q.size()) >= limit) {
            std::int64_t wait_ms = q.front() + opts_.rate_window_ms - now;
            return std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
        }
        q.push_back(now);
        return std::nullopt;
    }

    response handle(const request& req)
    {
        query_t t = parse_target(req.target);
        const std::string& path = t.path;
        std::string prov;
        if (path.rfind("/api/", 0) == 0)
            prov = "skinify";
        else if (path == "/v1/health" || path.rfind("/v1/listings", 0) == 0 || path.rfind("/v1/prices", 0) == 0 ||
                 path == "/v1/currency" || path == "/v1/balance" || path == "/v1/orders" || path.rfind("/v1/orders/", 0) == 0 ||
                 path == "/v1/market/buy")
            prov = "csboard";
        else if (path.rfind("/v1/", 0) == 0 || path.rfind("/sandbox/cs2dt/", 0) == 0)
            prov = "cs2dt";
        std::unique_lock lk(mu_);
        advance_locked();
        if (auto f = check_fault(prov, path))
            return *f;
        std::int64_t delay = pending_delay(prov, path);
        if (delay > 0)
            for (auto& f : faults_)
                if (f.kind == "delay" && f.remaining != 0 && (f.provider.empty() || f.provider == prov) &&
                    (f.path.empty() || path.rfind(f.path, 0) == 0)) {
                    if (f.remaining > 0)
                        --f.remaining;
                    break;
                }
        response r;
        try {
            if (prov == "skinify")
                r = skinify(req, t);
            else if (prov == "csboard")
                r = csboard(req, t);
            else if (prov == "cs2dt")
                r = cs2dt(req, t);
            else
                r = json_response(404, R"({"code":"not_found","detail":"no such sandbox endpoint"})");
        } catch (const std::exception& e) {
            r = json_response(500, std::string(R"({"code":"sandbox_error","detail":)") + ::cs2market::to_json(std::string(e.what())) + "}");
        }
        if (delay > 0)
            r.delay_before_headers = std::chrono::milliseconds(delay);
        return r;
    }

    // ================================================================ CS2DT
    static response cs2dt_ok(const std::string& data_json)
    {
        return json_response(200, R"({"success":true,"data":)" + data_json + R"(,"errorCode":0,"errorMsg":null})");
    }
    static response cs2dt_err(std::int64_t code, const std::string& msg)
    {
        return json_response(200, R"({"success":false,"data":null,"errorCode":)" + std::to_string(code) +
                                      R"(,"errorMsg":)" + ::cs2market::to_json(msg) + "}");
    }

    ::cs2market::cs2dt::ProductSellListDTO cs2dt_product(std::size_t li) const
    {
        namespace d = ::cs2market::cs2dt;
        const listing& l = listings_[0][li];
        const item_type& t = cat_.types[l.type];
        d::ProductSellListDTO p;
        p.id = l.num_id;
        d::SellerUserInfoVO s;
        s.userId = 500000 + l.num_id % 997;
        s.nickname = "seller" + std::to_string(l.num_id % 997);
        p.sellerInfo = s;
        p.systemTime = unix_ms_auto(wall_ms());
        p.appId = 730;
        p.appName = "CS2";
        p.itemId = t.item_id;
        p.itemName = t.market_hash_name;
        p.imageUrl = "https://img.sandbox.invalid/" + std::to_string(t.item_id) + ".png";
        p.currencyId = 1;
        p.price = l.price;
        p.sellerPrice = l.price;
        p.cnyPrice = dec::from_units(l.price.units() * 71 / 10, l.price.scale());
        p.marketHashName = t.market_hash_name;
        p.delivery = ::cs2market::cs2dt::DeliverType::auto_;
        p.acceptBargain = 0;
        d::ItemInfoVO info;
        info.exterior = wear_names[t.wear];
        info.exteriorName = wear_names[t.wear];
        info.weapon = t.weapon;
        info.weaponName = t.weapon;
        info.rarity = t.rarity;
        info.rarityName = t.rarity;
        info.type = t.category;
        info.typeName = t.category;
        info.quality = t.stattrak ? "strange" : "normal";
        info.qualityName = t.stattrak ? "StatTrak™" : "Normal";
        p.itemInfo = info;
        d::ItemAssetInfoVO a;
        a.assetId = l.asset_id;
        a.classId = cat_.types[l.type].classid;
        a.wear = l.float_value;
        a.paintSeed = l.paint_seed;
        a.paintIndex = l.paint_index;
        std::vector<d::ItemStickerVO> st;
        for (std::size_t i = 0; i < l.stickers.size(); ++i) {
            d::ItemStickerVO v;
            v.name = l.stickers[i];
            v.slot = static_cast<std::int64_t>(i);
            v.wear = 0.0;
            st.push_back(v);
        }
        a.stickers = st;
        p.assetInfo = a;
        return p;
    }

    ::cs2market::cs2dt::OrderDetailDTO cs2dt_detail(const order& o) const
    {
        namespace d = ::cs2market::cs2dt;
        d::OrderDetailDTO r;
        const listing& l = listings_[0][o.listing];
        const item_type& t = cat_.types[l.type];
        r.orderId = o.id;
        r.productId = std::to_string(l.num_id);
        r.price = o.price;
        r.buyerFee = dec::from_units(0, 2);
        r.statusName = cs2dt_status_name(o.cur);
        r.status = ::cs2market::open_enum<d::OrderStatus>::from_wire(cs2dt_status(o.cur));
        r.deliverType = d::DeliverType::auto_;
        r.receiveSteamId = "76561198000000000";
        d::OpenItemInfo oi;
        oi.itemId = std::to_string(t.item_id);
        oi.appId = 730;
        oi.name = t.market_hash_name;
        oi.marketHashName = t.market_hash_name;
        r.openItemInfo = oi;
        r.assetInfo = cs2dt_product(o.listing).assetInfo;
        if (!o.trade_offer_id.empty()) {
            d::OfferInfoDTO of;
            of.transferId = std::stoll(o.trade_offer_id) + 1;
            of.tradeOfferId = std::stoll(o.trade_offer_id);
            r.offerInfoDTO = of;
        }
        if (auto f = cs2dt_failed_code(o.cur)) {
            r.failedCode = *f;
            r.failedDesc = ::cs2market::open_enum<d::FailedCode>(*f).to_string();
        }
        r.createTime = unix_ms_auto(o.created_unix_ms);
        return r;
    }

    std::vector<const order*> cs2dt_filtered_orders(const std::string& key, const query_t& t) const
    {
        std::vector<const order*> v;
        auto status = t.num("status");
        auto ids = t.list("orderIdList");
        auto refs = t.list("outTradeNos");
        for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
            const order& o = *it;
            if (o.p != provider::cs2dt || o.key != key)
                continue;
            if (status && cs2dt_status(o.cur) != *status)
                continue;
            if (!ids.empty() && std::find(ids.begin(), ids.end(), o.id) == ids.end())
                continue;
            if (!refs.empty() && std::find(refs.begin(), refs.end(), o.ref) == refs.end())
                continue;
            v.push_back(&o);
        }
        return v;
    }

    response cs2dt_buy(const std::string& key, std::optional<std::size_t> li, const std::string& out_trade_no,
                       const std::string& trade_url, std::optional<dec> max_price, std::optional<dec> buy_price)
    {
        namespace d = ::cs2market::cs2dt;
        if (out_trade_no.empty())
            return cs2dt_err(140001, "parameter error: outTradeNo is required");
        if (trade_url.find("partner=") == std::string::npos || trade_url.find("token=") == std::string::npos)
            return cs2dt_err(140005, "trade URL error");
        if (find_order_by_ref(provider::cs2dt, key, out_trade_no))
            return cs2dt_err(140014, "merchant order number already exists");
        if (!li || listings_[0][*li].sold)
            return cs2dt_err(1207, "the item's price was changed by the seller or it was bought by someone else");
        const listing& l = listings_[0][*li];
        if (buy_price && *buy_price != l.price)
            return cs2dt_err(1403, "price changed, retry");
        if (max_price && l.price > *max_price)
            return cs2dt_err(1454, "item price is above the maximum purchase price");
        auto& acc = accounts_[0][key];
        if (acc.settled < l.price)
            return cs2dt_err(70001, "insufficient balance");
        outcome out = choose_outcome(provider::cs2dt, key, out_trade_no, *li);
        order& o = new_order(provider::cs2dt, key, {*li}, l.price, out_trade_no, out, false);
        o.trade_url = trade_url;
        d::BuyResultDTO r;
        r.orderId = o.id;
        r.buyPrice = o.price;
        r.delivery = d::DeliverType::auto_;
        r.actualPay = o.price;
        r.orderAssetId = std::stoll(o.id);
        r.payStatus = 1;
        r.orderStatus = 1;
        r.requestId = "req-" + o.id;
        return cs2dt_ok(::cs2market::to_json(r));
    }

    auth_result cs2dt_auth(const query_t& t)
    {
        auth_result a;
        auto k = t.get("app-key");
        if (!k || k->empty()) {
            a.fail = cs2dt_err(140020, "request needs parameter app-key");
            return a;
        }
        if (k->size() < 8 || k->size() > 64 || !key_chars_ok(*k)) {
            a.fail = cs2dt_err(100002, "no permission to use this interface");
            return a;
        }
        if (!accounts_[0].count(*k)) {
            if (!opts_.accept_any_key) {
                a.fail = cs2dt_err(140006, "user does not exist");
                return a;
            }
            account acc;
            acc.key = *k;
            acc.settled = opts_.default_balance;
            add_account_locked(provider::cs2dt, acc);
        }
        a.key = *k;
        return a;
    }

    response cs2dt(const request& req, const query_t& t)
    {
        namespace d = ::cs2market::cs2dt;
        const std::string& path = t.path;
        if (path == "/sandbox/cs2dt/full/730.json") { // the bulk file linked by get_full_items (no auth: a signed link)
            std::vector<d::FullItem> rows;
            for (auto& l : listings_[0])
                if (!l.sold) {
                    d::FullItem f;
                    f.id = l.num_id;
                    rows.push_back(f);
                }
            (void)rows;
            std::string out = "[";
            bool first = true;
            for (auto& l : listings_[0])
                if (!l.sold) {
                    const item_type& ty = cat_.types[l.type];
                    if (!first)
                        out += ",";
                    first = false;
                    out += R"({"id":)" + std::to_string(l.num_id) + R"(,"itemId":)" + std::to_string(ty.item_id) +
                           R"(,"marketHashName":)" + ::cs2market::to_json(ty.market_hash_name) + R"(,"price":)" +
                           l.price.to_string() + "}";
                }
            return json_response(200, out + "]");
        }
        auto a = cs2dt_auth(t);
        if (a.fail)
            return *a.fail;
        const std::string& key = a.key;
        if (auto ra = rate_check(provider::cs2dt, key, "all")) {
            response r = json_response(429, "Too Many Requests");
            r.headers.emplace_back("Content-Type", "text/plain");
            r.headers.emplace_back("Retry-After", std::to_string(*ra));
            return r;
        }
        auto body_or = [&](auto tag) -> std::optional<decltype(tag)> {
            auto v = ::cs2market::from_json<decltype(tag)>(req.body);
            if (!v)
                return std::nullopt;
            return *v;
        };

        if (path == "/v1/user/v1/t-coin/balance") {
            auto& acc = accounts_[0][key];
            d::UserAccountOpenDTO r;
            r.userId = acc.user_id;
            r.name = "sandbox-" + std::to_string(acc.user_id);
            r.data = acc.settled;
            return cs2dt_ok(::cs2market::to_json(r));
        }
        if (path == "/v1/user/steam-check/create")
            return cs2dt_ok(R"({"checkId":)" + std::to_string(++order_seq_) + "}");
        if (path == "/v1/user/steam-info") {
            d::SteamAccountStatusDTO r;
            r.checkStatus = d::SteamCheckStatus::normal;
            d::SteamAccountInfo si;
            si.steamId = "76561198000000000";
            si.nickName = "sandbox-buyer";
            r.steamInfo = si;
            r.statusList = std::vector<::cs2market::raw_json>{};
            return cs2dt_ok(::cs2market::to_json(r));
        }
        if (path.rfind("/v1/product/v1/full/link/", 0) == 0)
            return cs2dt_ok(::cs2market::to_json(base_url() + "/sandbox/cs2dt/full/730.json"));
        if (path == "/v1/product/v2/search") {
            auto app = t.num("appId");
            if (!app)
                return cs2dt_err(140001, "parameter error: appId");
            auto kw = t.get("keyword").value_or("");
            auto minp = t.get("minPrice"), maxp = t.get("maxPrice");
            std::vector<d::MarketSearchItem> items;
            std::map<std::size_t, std::pair<dec, std::int64_t>> agg;
            for (auto& l : listings_[0]) {
                if (l.sold)
                    continue;
                auto& e = agg[l.type];
                if (e.second == 0 || l.price < e.first)
                    e.first = l.price;
                ++e.second;
            }
            for (auto& [ti, e] : agg) {
                const item_type& ty = cat_.types[ti];
                if (!kw.empty() && !matches_search(ty.market_hash_name, kw))
                    continue;
                if (minp && !minp->empty() && e.first < dec::from_string(*minp))
                    continue;
                if (maxp && !maxp->empty() && e.first > dec::from_string(*maxp))
                    continue;
                d::MarketSearchItem it;
                it.itemId = ty.item_id;
                it.itemName = ty.market_hash_name;
                it.marketHashName = ty.market_hash_name;
                d::MarketPriceInfo pi;
                pi.price = e.first;
                pi.quantity = e.second;
                pi.autoDeliverPrice = e.first;
                pi.autoDeliverQuantity = e.second;
                it.priceInfo = pi;
                items.push_back(it);
            }
            auto ob = t.num("orderBy").value_or(0);
            if (ob == 1 || ob == 2)
                std::stable_sort(items.begin(), items.end(), [ob](const auto& x, const auto& y) {
                    const ::cs2market::decimal px = *x.priceInfo->price, py = *y.priceInfo->price;
                    return ob == 1 ? (px < py) : (px > py);
                });
            return cs2dt_ok(::cs2market::to_json(page_of<d::MarketSearchPage>(items, t, 20)));
        }
        if (path == "/v1/product/price/info") {
            auto b = body_or(d::ItemPriceQueryRequest{});
            if (!b)
                return cs2dt_err(140001, "parameter error");
            std::vector<d::ItemPriceInfo> out;
            for (auto& name : b->marketHashNameList) {
                d::ItemPriceInfo pi;
                pi.marketHashName = name;
                std::int64_t q = 0;
                std::optional<dec> mn;
                for (auto& l : listings_[0])
                    if (!l.sold && cat_.types[l.type].market_hash_name == name) {
                        ++q;
                        if (!mn || l.price < *mn)
                            mn = l.price;
                    }
                pi.quantity = q;
                if (mn) {
                    pi.price = *mn;
                    pi.autoDeliverPrice = *mn;
                }
                out.push_back(pi);
            }
            return cs2dt_ok(::cs2market::to_json(out));
        }
        if (path == "/v1/product/v1/filters") {
            d::ItemSearchFilterDTO f;
            f.appId = 730;
            f.appName = "CS2";
            f.list = std::vector<::cs2market::raw_json>{
                {R"({"name":"Exterior","key":"exterior","list":[{"name":"Factory New","searchKey":"WearCategory0"},{"name":"Minimal Wear","searchKey":"WearCategory1"},{"name":"Field-Tested","searchKey":"WearCategory2"},{"name":"Well-Worn","searchKey":"WearCategory3"},{"name":"Battle-Scarred","searchKey":"WearCategory4"}]})"}};
            return cs2dt_ok(::cs2market::to_json(f));
        }
        if (path == "/v1/product/v1/sell/list") {
            auto item = t.num("itemId");
            if (!item)
                return cs2dt_err(140001, "parameter error: itemId");
            std::vector<d::ProductSellListDTO> rows;
            std::vector<std::size_t> idxs;
            for (std::size_t i = 0; i < listings_[0].size(); ++i)
                if (!listings_[0][i].sold && cat_.types[listings_[0][i].type].item_id == *item)
                    idxs.push_back(i);
            auto sort = t.num("sort").value_or(2);
            std::stable_sort(idxs.begin(), idxs.end(), [&](std::size_t x, std::size_t y) {
                const auto &a2 = listings_[0][x], &b2 = listings_[0][y];
                switch (sort) {
                case 3: return a2.price > b2.price;
                case 4: return a2.float_value < b2.float_value;
                case 5: return a2.float_value > b2.float_value;
                case 1: return a2.num_id > b2.num_id;
                default: return a2.price < b2.price;
                }
            });
            for (auto i : idxs)
                rows.push_back(cs2dt_product(i));
            return cs2dt_ok(::cs2market::to_json(page_of<d::SellListPage>(rows, t, 20)));
        }
        if (path == "/v1/product/v1/info") {
            auto b = body_or(d::ProductSalesStatusRequest{});
            if (!b)
                return cs2dt_err(140001, "parameter error");
            d::ProductSalesStatusDTO r;
            std::vector<d::ProductInfoDTO> v;
            for (auto id : b->productIdList)
                if (auto li = find_listing(provider::cs2dt, std::to_string(id)); li && !listings_[0][*li].sold) {
                    d::ProductInfoDTO pi;
                    pi.id = id;
                    pi.price = listings_[0][*li].price;
                    v.push_back(pi);
                }
            r.totalCount = static_cast<std::int64_t>(v.size());
            r.productInfoDTOList = v;
            return cs2dt_ok(::cs2market::to_json(r));
        }
        if (path == "/v1/product/v2/list/ids") {
            auto b = body_or(d::ProductIdsRequest{});
            if (!b)
                return cs2dt_err(140001, "parameter error");
            std::vector<d::ProductSellListDTO> v;
            for (auto id : b->productIds)
                if (auto li = find_listing(provider::cs2dt, std::to_string(id)); li && !listings_[0][*li].sold)
                    v.push_back(cs2dt_product(*li));
            return cs2dt_ok(::cs2market::to_json(v));
        }
        if (path == "/v1/product/v1/sell/product") {
            auto li = find_listing(provider::cs2dt, t.get("productId").value_or(""));
            if (!li || listings_[0][*li].sold)
                return cs2dt_err(1317, "no listing matches the conditions");
            return cs2dt_ok(::cs2market::to_json(cs2dt_product(*li)));
        }
        if (path == "/v1/trade/v2/buy") {
            auto b = body_or(d::BuyItemRequest{});
            if (!b || !b->productId)
                return cs2dt_err(140001, "parameter error: productId is required");
            return cs2dt_buy(key, find_listing(provider::cs2dt, std::to_string(*b->productId)), b->outTradeNo.value_or(""),
                             b->tradeUrl.value_or(""), b->maxPrice, b->buyPrice);
        }
        if (path == "/v1/trade/v2/quick-buy") {
            auto b = body_or(d::QuickBuyItemRequest{});
            if (!b || (!b->itemId && !b->marketHashName))
                return cs2dt_err(140001, "parameter error: itemId or marketHashName is required");
            std::optional<std::size_t> best;
            bool any = false;
            for (std::size_t i = 0; i < listings_[0].size(); ++i) {
                const auto& l = listings_[0][i];
                const auto& ty = cat_.types[l.type];
                if (l.sold || (b->itemId && ty.item_id != *b->itemId) || (b->marketHashName && ty.market_hash_name != *b->marketHashName))
                    continue;
                any = true;
                if (b->maxPrice && l.price > *b->maxPrice)
                    continue;
                if (!best || l.price < listings_[0][*best].price)
                    best = i;
            }
            if (!best)
                return any ? cs2dt_err(1454, "item price is above the maximum purchase price")
                           : cs2dt_err(1317, "no listing matches the conditions");
            return cs2dt_buy(key, best, b->outTradeNo.value_or(""), b->tradeUrl.value_or(""), b->maxPrice, std::nullopt);
        }
        if (path == "/v1/order/buyer/v2/list") {
            std::vector<d::BuyerOrderV2DTO> rows;
            for (auto* o : cs2dt_filtered_orders(key, t)) {
                auto det = cs2dt_detail(*o);
                d::BuyerOrderV2DTO r;
                r.orderId = det.orderId;
                r.productId = det.productId;
                r.price = det.price;
                r.buyerFee = det.buyerFee;
                r.statusName = det.statusName;
                r.status = det.status;
                r.deliverType = det.deliverType;
                r.receiveSteamId = det.receiveSteamId;
                r.createTime = det.createTime;
                r.type = 1;
                if (!o->trade_offer_id.empty())
                    r.tradeOfferId = o->trade_offer_id;
                r.name = det.openItemInfo->name;
                rows.push_back(r);
            }
            return cs2dt_ok(::cs2market::to_json(page_of<d::BuyerOrderListV2Page>(rows, t, 20)));
        }
        if (path == "/v1/order/buyer/list") {
            std::vector<d::SearcherOrderAssetListDTO> rows;
            for (auto* o : cs2dt_filtered_orders(key, t)) {
                auto det = cs2dt_detail(*o);
                d::SearcherOrderAssetListDTO r;
                r.orderAssetId = std::stoll(o->id);
                r.orderId = det.orderId;
                r.productId = det.productId;
                r.price = det.price;
                r.buyerFee = det.buyerFee;
                r.statusName = det.statusName;
                r.status = det.status;
                r.deliverType = det.deliverType;
                r.receiveSteamId = det.receiveSteamId;
                r.createTime = det.createTime;
                if (!o->trade_offer_id.empty())
                    r.tradeOfferId = o->trade_offer_id;
                rows.push_back(r);
            }
            return cs2dt_ok(::cs2market::to_json(page_of<d::PageListSearcherOrderAssetListDTO>(rows, t, 20)));
        }
        if (path == "/v1/order/v2/buy/detail") {
            const order* o = nullptr;
            if (auto id = t.get("orderId"); id && !id->empty())
                o = find_order(provider::cs2dt, key, *id);
            else if (auto ref = t.get("outTradeNo"); ref && !ref->empty())
                o = find_order_by_ref(provider::cs2dt, key, *ref);
            else
                return cs2dt_err(140001, "parameter error: orderId or outTradeNo is required");
            if (!o)
                return cs2dt_err(140015, "purchase with this merchant order number failed; no order was created");
            return cs2dt_ok(::cs2market::to_json(cs2dt_detail(*o)));
        }
        if (path == "/v1/order/buyer-cancel") {
            auto b = body_or(d::BuyerCancelOrderRequest{});
            if (!b)
                return cs2dt_err(140001, "parameter error");
            order* o = find_order(provider::cs2dt, key, b->orderId);
            if (!o)
                return cs2dt_err(140002, "operation failed: no such order");
            if (o->cur != stage::created)
                return cs2dt_err(140002, "operation failed: the order can no longer be cancelled");
            o->plan.resize(o->next);
            enter_stage_locked(*o, stage::cancelled);
            return cs2dt_ok(::cs2market::to_json(std::string("success")));
        }
        if (path == "/v1/currency/rate/usd-cny")
            return cs2dt_ok("7.1043");
        if (path == "/v1/user/v1/wss")
            return cs2dt_ok(::cs2market::to_json(ws_->url("/ws/cs2dt")));
        return cs2dt_err(140001, "no such endpoint: " + path);
    }

    template <class Page, class Row>
    static Page page_of(const std::vector<Row>& rows, const query_t& t, std::int64_t def_limit)
    {
        Page p;
        std::int64_t limit = std::clamp<std::int64_t>(t.num("limit").value_or(def_limit), 1, 200);
        std::int64_t page = std::max<std::int64_t>(1, t.num("page").value_or(1));
        std::int64_t total = static_cast<std::int64_t>(rows.size());
        p.total = total;
        p.pages = (total + limit - 1) / limit;
        p.page = page;
        p.limit = limit;
        std::vector<Row> out;
        for (std::int64_t i = (page - 1) * limit; i < std::min(total, page * limit); ++i)
            out.push_back(rows[static_cast<std::size_t>(i)]);
        p.list = std::move(out);
        return p;
    }

    // =============================================================== CSBoard
    static response csb_err(unsigned status, ::cs2market::csboard::ApiError e)
    {
        return json_response(status, ::cs2market::to_json(e));
    }
    /// 409 item_unavailable naming the listings that are gone (create_order and market_buy).
    static response csb_unavailable(const std::vector<std::string>& ids, const std::string& detail)
    {
        ::cs2market::csboard::ApiError e;
        e.code = "item_unavailable";
        e.detail = detail;
        e.unavailable_ids = ids;
        return csb_err(409, e);
    }
    /// 409 price_moved: the live total is above the caller's ceiling; nothing charged.
    static response csb_price_moved(const dec& total, const dec& ceiling)
    {
        ::cs2market::csboard::ApiError e;
        e.code = "price_moved";
        e.detail = "The live total is above max_price_usd; nothing was charged";
        e.current_total_usd = total;
        e.quoted_max_usd = ceiling;
        return csb_err(409, e);
    }
    static response csb_err(unsigned status, const std::string& code, const std::string& detail)
    {
        ::cs2market::csboard::ApiError e;
        e.code = code;
        e.detail = detail;
        return csb_err(status, e);
    }

    ::cs2market::csboard::Listing csb_listing(std::size_t li) const
    {
        namespace d = ::cs2market::csboard;
        const listing& l = listings_[1][li];
        const item_type& t = cat_.types[l.type];
        d::Listing r;
        r.id = "itm_" + std::to_string(l.num_id);
        r.market_hash_name = t.market_hash_name;
        r.wear = static_cast<d::Wear>(t.wear);
        r.float_value = l.float_value;
        r.paint_seed = l.paint_seed;
        std::vector<d::Sticker> st;
        for (std::size_t i = 0; i < l.stickers.size(); ++i) {
            d::Sticker s;
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
            r.tradable_at = iso(wall_ms() + 3 * opts_.step_ms);
        r.delivery = l.hold ? d::DeliveryMode::hold : d::DeliveryMode::instant;
        return r;
    }

    ::cs2market::csboard::OrderStatus csb_status(const order& o) const
    {
        using S = ::cs2market::csboard::OrderStatus;
        switch (o.cur) {
        case stage::created: return S::pending;
        case stage::hold: return S::hold;
        case stage::offer_sent: return S::delivering;
        case stage::accepted: case stage::settled: return S::completed;
        case stage::reversed_buyer: case stage::reversed_seller: case stage::recalled: return S::failed;
        default: return S::cancelled;
        }
    }
    ::cs2market::csboard::OrderItemStatus csb_item_status(const order& o) const
    {
        using S = ::cs2market::csboard::OrderItemStatus;
        switch (o.cur) {
        case stage::created: case stage::hold: return S::hold;
        case stage::offer_sent: return S::delivering;
        case stage::accepted: case stage::settled: return S::delivered;
        default: return S::returned;
        }
    }
    static std::optional<std::string> csb_return_reason(stage s)
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

    ::cs2market::csboard::Order csb_order(const order& o) const
    {
        namespace d = ::cs2market::csboard;
        d::Order r;
        r.order_id = o.id;
        r.steam_id = "76561198000000000";
        r.status = csb_status(o);
        if (!o.ref.empty())
            r.custom_id = o.ref;
        r.currency = "USD";
        r.charged_total_usd = o.price;
        const auto& items = order_items_.at(o.id);
        r.item_count = static_cast<std::int64_t>(items.size());
        if (o.cur == stage::hold)
            r.hold_until = iso(o.hold_until_unix_ms);
        r.created_at = iso(o.created_unix_ms);
        r.updated_at = iso(o.updated_unix_ms);
        for (auto li : items) {
            d::OrderItem it;
            it.market_hash_name = type_of(provider::csboard, li).market_hash_name;
            it.price_usd = listings_[1][li].price;
            it.status = csb_item_status(o);
            it.return_reason = csb_return_reason(o.cur);
            if (!o.trade_offer_id.empty())
                it.steam_trade_offer_id = o.trade_offer_id;
            if (o.cur == stage::accepted || o.cur == stage::settled)
                it.steam_trade_offer_finished_at = iso(o.updated_unix_ms);
            r.items.push_back(it);
        }
        return r;
    }

    auth_result csb_auth(const request& req, const query_t& t)
    {
        auth_result a;
        std::string k;
        std::string h = req.header("Authorization");
        if (h.rfind("Bearer ", 0) == 0)
            k = h.substr(7);
        else if (auto q = t.get("api_key"))
            k = *q;
        if (k.rfind("csb_pub_", 0) != 0 || k.size() < 9 || !key_chars_ok(k)) {
            a.fail = csb_err(401, "missing_api_key", "API key missing or not a csb_pub_ key");
            return a;
        }
        if (!accounts_[1].count(k)) {
            if (!opts_.accept_any_key) {
                a.fail = csb_err(401, "invalid_api_key", "Unknown or revoked API key");
                return a;
            }
            account acc;
            acc.key = k;
            acc.settled = opts_.default_balance;
            add_account_locked(provider::csboard, acc);
        }
        a.key = k;
        return a;
    }

    response csb_rate_limited(std::int64_t retry, bool snapshot)
    {
        response r = csb_err(429, snapshot ? "snapshot_rate_limited" : "rate_limit_exceeded",
                             "Rate limit exceeded. Retry after " + std::to_string(retry) + " seconds.");
        r.headers.emplace_back("Retry-After", std::to_string(retry));
        return r;
    }

    static std::string gzip(const std::string& in)
    {
        z_stream zs{};
        deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
        std::string out;
        out.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        zs.avail_in = static_cast<uInt>(in.size());
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        deflate(&zs, Z_FINISH);
        out.resize(zs.total_out);
        deflateEnd(&zs);
        return out;
    }

    std::vector<::cs2market::csboard::PriceRow> csb_price_rows(const query_t* t) const
    {
        namespace d = ::cs2market::csboard;
        std::map<std::size_t, std::pair<dec, std::int64_t>> agg;
        for (auto& l : listings_[1]) {
            if (l.sold)
                continue;
            auto& e = agg[l.type];
            if (e.second == 0 || l.price < e.first)
                e.first = l.price;
            ++e.second;
        }
        std::vector<d::PriceRow> rows;
        for (auto& [ti, e] : agg) {
            const item_type& ty = cat_.types[ti];
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
            d::PriceRow r;
            r.market_hash_name = ty.market_hash_name;
            r.wear = static_cast<d::Wear>(ty.wear);
            r.min_price_usd = e.first;
            r.qty = e.second;
            rows.push_back(r);
        }
        return rows;
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

    response csboard(const request& req, const query_t& t)
    {
        namespace d = ::cs2market::csboard;
        const std::string& path = t.path;
        if (path == "/v1/health") {
            d::Health h;
            h.status = "ok";
            h.version = "v1";
            h.groups = static_cast<std::int64_t>(cat_.types.size());
            h.price_list_age_seconds = 3;
            h.server_now = iso(wall_ms());
            return json_response(200, ::cs2market::to_json(h));
        }
        auto a = csb_auth(req, t);
        if (a.fail)
            return *a.fail;
        const std::string& key = a.key;
        std::string bucket = req.method == "GET" ? "get" : (path == "/v1/market/buy" ? "market_buy" : "orders");
        if (path == "/v1/prices/snapshot.ndjson.gz")
            bucket = "snapshot";
        if (auto ra = rate_check(provider::csboard, key, bucket))
            return csb_rate_limited(*ra, bucket == "snapshot");
        auto& acc = accounts_[1][key];
        try {
            if (path == "/v1/listings") {
                std::vector<std::size_t> idxs;
                for (std::size_t i = 0; i < listings_[1].size(); ++i) {
                    const listing& l = listings_[1][i];
                    const item_type& ty = cat_.types[l.type];
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
                    const auto &a2 = listings_[1][x], &b2 = listings_[1][y];
                    if (sort == "price_asc")
                        return a2.price < b2.price;
                    if (sort == "price_desc")
                        return a2.price > b2.price;
                    if (sort == "newest")
                        return a2.num_id > b2.num_id;
                    return a2.num_id < b2.num_id;
                });
                std::vector<d::Listing> rows;
                auto [page, next] = cursor_page(idxs, t, 50, 200);
                for (auto i : page)
                    rows.push_back(csb_listing(i));
                d::ListingsPage p;
                p.items = std::move(rows);
                p.next_cursor = next;
                return json_response(200, ::cs2market::to_json(p));
            }
            if (path == "/v1/listings/availability") {
                auto ids = t.list("ids");
                if (ids.empty() || ids.size() > 100)
                    return csb_err(422, "invalid_request", "ids: 1 to 100 listing ids");
                d::AvailabilityResponse r;
                for (auto& id : ids) {
                    auto li = find_listing(provider::csboard, id);
                    if (li && !listings_[1][*li].sold)
                        r.data.available[id] = 1;
                    else
                        r.data.unavailable_ids.push_back(id);
                }
                return json_response(200, ::cs2market::to_json(r));
            }
            if (path == "/v1/prices") {
                auto rows = csb_price_rows(&t);
                auto [page, next] = cursor_page(rows, t, 100, 500);
                d::PricesPage p;
                p.items = std::move(page);
                p.next_cursor = next;
                return json_response(200, ::cs2market::to_json(p));
            }
            if (path == "/v1/prices/snapshot.ndjson.gz") {
                std::string etag = "\"snap-" + std::to_string(catalogue_version_) + "\"";
                if (req.header("If-None-Match") == etag) {
                    response r;
                    r.status = 304;
                    r.headers.emplace_back("ETag", etag);
                    r.headers.emplace_back("Content-Type", "application/x-ndjson");
                    return r;
                }
                std::string nd;
                for (auto& row : csb_price_rows(nullptr))
                    nd += ::cs2market::to_json(row) + "\n";
                response r;
                r.status = 200;
                r.body = gzip(nd);
                r.headers.emplace_back("Content-Type", "application/x-ndjson");
                r.headers.emplace_back("Content-Encoding", "gzip");
                r.headers.emplace_back("ETag", etag);
                return r;
            }
            if (path == "/v1/currency") {
                d::Currency c;
                c.base = "USD";
                c.rates = {{"USD", dec::from_units(1, 0)}, {"EUR", dec::from_string("0.92")}, {"RUB", dec::from_string("78.4")},
                           {"GBP", dec::from_string("0.79")}, {"CNY", dec::from_string("7.1043")}};
                c.updated_at = iso(wall_ms() - 60000);
                c.rub_source = "cbr";
                c.base_source = "openexchangerates";
                return json_response(200, ::cs2market::to_json(c));
            }
            if (path == "/v1/balance") {
                d::Balance b;
                b.currency = "USD";
                b.balance_usd = acc.settled + acc.held;
                b.trading_enabled = acc.trading_enabled;
                b.settled_balance_usd = acc.settled;
                b.held_usd = acc.held;
                if (acc.held.units() != 0) {
                    b.held_until = iso(wall_ms() + std::max<std::int64_t>(0, acc.held_clears_at_ms - now_ms()));
                }
                return json_response(200, ::cs2market::to_json(b));
            }
            if (path == "/v1/orders" && req.method == "GET") {
                std::vector<d::Order> rows;
                auto st = t.get("status");
                auto from = t.num("start_unix_time"), to = t.num("end_unix_time");
                for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
                    if (it->p != provider::csboard || it->key != key)
                        continue;
                    auto o = csb_order(*it);
                    if (st && o.status.raw() != *st)
                        continue;
                    if (from && it->created_unix_ms / 1000 < *from)
                        continue;
                    if (to && it->created_unix_ms / 1000 > *to)
                        continue;
                    rows.push_back(std::move(o));
                }
                auto [page, next] = cursor_page(rows, t, 50, 100);
                d::OrdersPage p;
                p.data = std::move(page);
                p.meta.next_cursor = next;
                p.meta.per_page = t.num("limit").value_or(50);
                return json_response(200, ::cs2market::to_json(p));
            }
            if (path == "/v1/orders" && req.method == "POST")
                return csb_create_order(req, key, acc);
            if (path == "/v1/orders/info") {
                auto cids = t.list("custom_ids");
                auto oids = t.list("order_ids");
                if ((cids.empty() && oids.empty()) || cids.size() + oids.size() > 200)
                    return csb_err(422, "invalid_request", "give custom_ids and/or order_ids (at most 200)");
                d::OrdersInfoResponse r;
                for (auto& o : orders_)
                    if (o.p == provider::csboard && o.key == key &&
                        (std::find(oids.begin(), oids.end(), o.id) != oids.end() ||
                         (!o.ref.empty() && std::find(cids.begin(), cids.end(), o.ref) != cids.end())))
                        r.data.push_back(csb_order(o));
                return json_response(200, ::cs2market::to_json(r));
            }
            if (path.rfind("/v1/orders/", 0) == 0) {
                std::string rest = path.substr(std::string("/v1/orders/").size());
                bool claim = false;
                if (rest.size() > 6 && rest.substr(rest.size() - 6) == "/claim") {
                    claim = true;
                    rest = rest.substr(0, rest.size() - 6);
                }
                rest = pct_decode(rest);
                order* o = find_order(provider::csboard, key, rest);
                if (!o)
                    return csb_err(404, "order_not_found", "Order not found");
                if (!claim)
                    return json_response(200, ::cs2market::to_json(csb_order(*o)));
                if (req.method != "POST")
                    return csb_err(405, "method_not_allowed", "POST only");
                d::ClaimResponse c;
                c.order_id = o->id;
                if (o->cur != stage::hold) {
                    if (o->cur == stage::created || o->cur == stage::offer_sent) {
                        c.status = csb_status(*o);
                        c.claimed = false; // delivers by itself
                        return json_response(200, ::cs2market::to_json(c));
                    }
                    return csb_err(409, "not_claimable", "Order is not in a held state");
                }
                if (wall_ms() < o->hold_until_unix_ms) {
                    d::ApiError e;
                    e.code = "hold_not_cleared";
                    e.detail = "The hold window is not over yet";
                    e.hold_until = iso(o->hold_until_unix_ms);
                    return csb_err(425, e);
                }
                // release now: drop the pending 'created' stage and send the offer
                while (o->next < o->plan.size() && o->plan[o->next].s == stage::created)
                    ++o->next;
                if (o->next < o->plan.size() && o->plan[o->next].s == stage::offer_sent)
                    ++o->next;
                enter_stage_locked(*o, stage::offer_sent);
                c.status = csb_status(*o);
                c.claimed = true;
                c.steam_trade_offer_id = o->trade_offer_id;
                return json_response(200, ::cs2market::to_json(c));
            }
            if (path == "/v1/market/buy")
                return csb_market_buy(req, key, acc);
        } catch (const std::out_of_range&) {
            return csb_err(422, "invalid_request", "bad query parameter");
        } catch (const std::invalid_argument&) {
            return csb_err(422, "invalid_request", "bad query parameter");
        }
        return csb_err(404, "not_found", "no such endpoint");
    }

    // Resolves item ids; fills unavailable ones.
    std::vector<std::size_t> csb_resolve(const std::vector<std::string>& ids, std::vector<std::string>& unavailable)
    {
        std::vector<std::size_t> out;
        for (auto& id : ids) {
            auto li = find_listing(provider::csboard, id);
            if (!li || listings_[1][*li].sold)
                unavailable.push_back(id);
            else
                out.push_back(*li);
        }
        return out;
    }

    response csb_create_order(const request& req, const std::string& key, account& acc)
    {
        namespace d = ::cs2market::csboard;
        auto body = ::cs2market::from_json<d::CreateOrderRequest>(req.body);
        if (!body)
            return csb_err(422, "invalid_request", "malformed body: " + body.error().message());
        std::string idem = req.header("Idempotency-Key");
        if (idem.empty())
            idem = body->idempotency_key.value_or("");
        if (!idem.empty())
            for (auto& o : orders_)
                if (o.p == provider::csboard && o.key == key && o.idempotency_key == idem) {
                    response r = json_response(200, o.first_response);
                    r.headers.emplace_back("Idempotent-Replayed", "true");
                    return r;
                }
        std::set<std::string> uniq(body->item_ids.begin(), body->item_ids.end());
        if (body->item_ids.empty() || body->item_ids.size() > 10 || uniq.size() != body->item_ids.size())
            return csb_err(422, "invalid_request", "item_ids: 1 to 10 unique listing ids");
        if (!acc.trading_enabled)
            return csb_err(403, "trading_not_enabled", "This key cannot buy");
        std::vector<std::string> unavailable;
        auto lis = csb_resolve(body->item_ids, unavailable);
        if (!unavailable.empty()) {
            return csb_unavailable(unavailable, "Some listings are no longer available");
        }
        dec total;
        for (auto li : lis)
            total += listings_[1][li].price;
        if (body->max_price_usd && total > *body->max_price_usd)
            return csb_price_moved(total, *body->max_price_usd);
        if (acc.settled + acc.held < total)
            return csb_err(402, "insufficient_balance", "Balance is below the order total");
        bool hold = false;
        for (auto li : lis)
            hold = hold || listings_[1][li].hold;
        outcome out = choose_outcome(provider::csboard, key, idem, lis.front());
        order& o = new_order(provider::csboard, key, lis, total, "", out, hold);
        o.idempotency_key = idem;
        d::CreateOrderResponse r;
        r.order_id = o.id;
        r.status = d::CreateOrderStatus::processing;
        std::vector<d::CreateOrderItem> items;
        for (auto li : lis) {
            d::CreateOrderItem it;
            it.item_id = "itm_" + std::to_string(listings_[1][li].num_id);
            it.charged_usd = listings_[1][li].price;
            it.delivery = listings_[1][li].hold ? d::DeliveryMode::hold : d::DeliveryMode::instant;
            items.push_back(it);
        }
        r.items = items;
        r.total_charged_usd = total;
        r.balance_after_usd = acc.settled + acc.held;
        r.created_at = iso(o.created_unix_ms);
        o.first_response = ::cs2market::to_json(r);
        return json_response(200, o.first_response);
    }

    response csb_market_buy(const request& req, const std::string& key, account& acc)
    {
        namespace d = ::cs2market::csboard;
        auto body = ::cs2market::from_json<d::MarketBuyRequest>(req.body);
        if (!body)
            return csb_err(400, "invalid_request", "malformed body: " + body.error().message());
        const std::string cid = body->custom_id.value_or("");
        if (auto* prev = find_order_by_ref(provider::csboard, key, cid); prev && prev->market_buy) {
            response r = json_response(200, prev->first_response);
            r.headers.emplace_back("Idempotent-Replayed", "true");
            return r;
        }
        if (body->item_ids.empty() || body->item_ids.size() > 100)
            return csb_err(400, "invalid_request", "item_ids: 1 to 100 listing ids");
        auto digits = [](const std::string& s) {
            return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        };
        if (!digits(body->partner) || body->token.empty() || body->token.size() > 32 || !key_chars_ok(body->token))
            return csb_err(400, "invalid_trade_url", "partner + token do not form a valid trade URL");
        if (!acc.trading_enabled)
            return csb_err(403, "trading_not_enabled", "This key cannot buy");
        std::vector<std::string> unavailable;
        auto lis = csb_resolve(body->item_ids, unavailable);
        if (!unavailable.empty() && !body->skip_unavailable.value_or(false)) {
            return csb_unavailable(unavailable, "Some listings are no longer available");
        }
        if (lis.empty()) {
            return csb_unavailable(unavailable, "None of the listings is available");
        }
        dec total;
        for (auto li : lis)
            total += listings_[1][li].price;
        if (body->max_price_usd && total > *body->max_price_usd)
            return csb_price_moved(total, *body->max_price_usd);
        if (acc.settled < total) {
            d::ApiError e;
            e.code = "insufficient_settled_balance";
            e.detail = "Settled balance is below the total";
            e.required_usd = total;
            e.settled_usd = acc.settled;
            return csb_err(402, e);
        }
        bool hold = false;
        for (auto li : lis)
            hold = hold || listings_[1][li].hold;
        outcome out = choose_outcome(provider::csboard, key, cid, lis.front());
        order& o = new_order(provider::csboard, key, lis, total, cid, out, hold);
        o.market_buy = true;
        o.partner = body->partner;
        o.token = body->token;
        d::MarketBuyResponse r;
        r.data.purchase_id = "pur_" + o.id.substr(4);
        r.data.steam_id = std::to_string(76561197960265728LL + std::stoll(body->partner));
        r.data.created_at = iso(o.created_unix_ms);
        if (!cid.empty())
            r.data.custom_id = cid;
        std::vector<d::MarketBuySkin> skins;
        for (auto li : lis) {
            d::MarketBuySkin s;
            s.name = type_of(provider::csboard, li).market_hash_name;
            s.price = listings_[1][li].price;
            s.status = csb_item_status(o);
            skins.push_back(s);
        }
        r.data.skins = skins;
        o.first_response = ::cs2market::to_json(r);
        return json_response(200, o.first_response);
    }

    // =============================================================== Skinify
    static response sk_err(const std::string& code)
    {
        return json_response(200, R"({"status":"error","error_message":)" + ::cs2market::to_json(code) + "}");
    }

    ::cs2market::skinify::PurchaseStatus sk_status(stage s) const
    {
        using S = ::cs2market::skinify::PurchaseStatus;
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

    ::cs2market::skinify::SkinProperties sk_props(std::size_t li, bool extended) const
    {
        ::cs2market::skinify::SkinProperties p;
        const listing& l = listings_[2][li];
        p.classid = std::to_string(cat_.types[l.type].classid);
        if (extended) {
            p.assetid = std::to_string(l.asset_id);
            p.instanceid = "0";
            p.steamid = "76561199022064770";
            p.link = "steam://rungame/730/76561202255233023/+csgo_econ_action_preview%20S76561199022064770A" +
                     std::to_string(l.asset_id);
            p.floatvalue = l.float_value;
        }
        if (l.hold)
            p.unhold_at = unix_s(wall_ms() + 3 * opts_.step_ms);
        return p;
    }

    ::cs2market::skinify::PurchaseItem sk_item(const order& o) const
    {
        namespace d = ::cs2market::skinify;
        d::PurchaseItem it;
        it.skin.id = std::to_string(listings_[2][o.listing].num_id);
        it.skin.name = type_of(provider::skinify, o.listing).market_hash_name;
        it.skin.price = o.price;
        it.skin.properties = sk_props(o.listing, false);
        it.purchase_id = o.id;
        it.purchase_status = sk_status(o.cur);
        it.date = unix_s(o.created_unix_ms);
        it.balance_debited_amount = o.price;
        if (!o.ref.empty())
            it.custom_id = o.ref;
        it.steam_id = std::to_string(76561197960265728LL + std::stoll(o.partner.empty() ? "0" : o.partner));
        if (!o.trade_offer_id.empty())
            it.trade_offer_id = o.trade_offer_id;
        if (o.cur == stage::accepted || o.cur == stage::settled || o.cur == stage::reversed_buyer || o.cur == stage::reversed_seller)
            it.settlement = unix_s(o.settle_unix_ms);
        if (o.cur == stage::hold)
            it.reserved_until = unix_s(o.hold_until_unix_ms);
        return it;
    }

    auth_result sk_auth(const request& req, const query_t& t)
    {
        auth_result a;
        std::string k = req.header("Token");
        if (k.empty())
            k = t.get("token").value_or("");
        if (k.size() < 8 || k.size() > 128 || !key_chars_ok(k)) {
            a.fail = sk_err("invalid_token");
            return a;
        }
        if (!accounts_[2].count(k)) {
            if (!opts_.accept_any_key) {
                a.fail = sk_err("invalid_token");
                return a;
            }
            account acc;
            acc.key = k;
            acc.settled = opts_.default_balance;
            add_account_locked(provider::skinify, acc);
        }
        a.key = k;
        return a;
    }

    response skinify(const request& req, const query_t& t)
    {
        namespace d = ::cs2market::skinify;
        const std::string& path = t.path;
        auto a = sk_auth(req, t);
        if (a.fail)
            return *a.fail;
        const std::string& key = a.key;
        if (rate_check(provider::skinify, key, "all"))
            return sk_err("request_limit_exceeded");
        auto& acc = accounts_[2][key];
        if (path == "/api/withdraw/prices") {
            if (t.get("game").value_or("") != "csgo")
                return sk_err("invalid_game");
            bool full = t.num("full_list").value_or(0) == 1;
            bool ext = t.num("extended").value_or(0) == 1;
            bool hold = t.num("include_hold").value_or(0) == 1 && full;
            d::WithdrawPricesResponse r;
            r.status = "success";
            if (full) {
                for (std::size_t i = 0; i < listings_[2].size(); ++i) {
                    const listing& l = listings_[2][i];
                    if (l.sold || (l.hold && !hold))
                        continue;
                    d::SkinPriceEntry e;
                    e.id = std::to_string(l.num_id);
                    e.name = cat_.types[l.type].market_hash_name;
                    e.price = l.price;
                    e.properties = sk_props(i, ext);
                    r.skins.push_back(e);
                }
            } else {
                std::map<std::size_t, std::pair<std::size_t, std::int64_t>> agg; // type -> (cheapest listing, count)
                for (std::size_t i = 0; i < listings_[2].size(); ++i) {
                    const listing& l = listings_[2][i];
                    if (l.sold || l.hold)
                        continue;
                    auto it = agg.find(l.type);
                    if (it == agg.end())
                        agg[l.type] = {i, 1};
                    else {
                        ++it->second.second;
                        if (l.price < listings_[2][it->second.first].price)
                            it->second.first = i;
                    }
                }
                for (auto& [ti, e] : agg) {
                    d::SkinPriceEntry s;
                    s.name = cat_.types[ti].market_hash_name;
                    s.price = listings_[2][e.first].price;
                    s.count = e.second;
                    s.properties = sk_props(e.first, ext);
                    r.skins.push_back(s);
                }
            }
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/withdraw/price") {
            auto li = find_listing(provider::skinify, t.get("id").value_or(""));
            bool hold = t.num("include_hold").value_or(0) == 1;
            if (!li || listings_[2][*li].sold || (listings_[2][*li].hold && !hold))
                return sk_err("skin_not_found");
            d::WithdrawPriceResponse r;
            r.status = "success";
            r.skin.name = type_of(provider::skinify, *li).market_hash_name;
            r.skin.price = listings_[2][*li].price;
            r.skin.count = 1;
            r.skin.properties = sk_props(*li, t.num("extended").value_or(0) == 1);
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/withdraw/buy") {
            auto b = ::cs2market::from_json<d::WithdrawBuyRequest>(req.body);
            if (!b)
                return sk_err("required_params_missing");
            const std::string cid = b->custom_id.value_or("");
            if (auto* prev = find_order_by_ref(provider::skinify, key, cid))
                return json_response(200, prev->first_response);
            if (!b->id && !b->name)
                return sk_err("missing_skin_parameters");
            if (!b->id && b->name->size() < 3)
                return sk_err("name_too_short");
            if (!b->id && !b->game)
                return sk_err("missing_skin_parameters");
            if (b->partner.empty() || b->token.empty())
                return sk_err("invalid_tradeurl");
            std::optional<std::size_t> li;
            if (b->id) {
                li = find_listing(provider::skinify, *b->id);
                if (li && listings_[2][*li].sold)
                    li.reset();
            } else {
                for (std::size_t i = 0; i < listings_[2].size(); ++i) {
                    const listing& l = listings_[2][i];
                    if (!l.sold && cat_.types[l.type].market_hash_name == *b->name &&
                        (!li || l.price < listings_[2][*li].price))
                        li = i;
                }
            }
            if (!li)
                return sk_err("item_unavailable");
            const listing& l = listings_[2][*li];
            if (b->max_price && l.price > *b->max_price)
                return sk_err("max_price_exceeded");
            if (acc.settled < l.price)
                return sk_err("insufficient_balance");
            outcome out = choose_outcome(provider::skinify, key, cid, *li);
            order& o = new_order(provider::skinify, key, {*li}, l.price, cid, out, l.hold);
            o.partner = b->partner;
            o.token = b->token;
            d::WithdrawBuyResponse r;
            r.status = "success";
            r.skin.id = std::to_string(l.num_id);
            r.skin.name = cat_.types[l.type].market_hash_name;
            r.skin.price = l.price;
            r.skin.properties = sk_props(*li, false);
            r.purchase_id = o.id;
            r.purchase_status = sk_status(o.cur);
            r.date = unix_s(o.created_unix_ms);
            r.balance_debited_amount = o.price;
            if (!cid.empty())
                r.custom_id = cid;
            if (o.cur == stage::hold)
                r.reserved_until = unix_s(o.hold_until_unix_ms);
            o.first_response = ::cs2market::to_json(r);
            return json_response(200, o.first_response);
        }
        if (path == "/api/withdraw/info") {
            auto pids = t.list("purchase_ids");
            auto cids = t.list("custom_ids");
            d::WithdrawInfoResponse r;
            r.status = "success";
            for (auto& o : orders_)
                if (o.p == provider::skinify && o.key == key &&
                    (std::find(pids.begin(), pids.end(), o.id) != pids.end() ||
                     (!o.ref.empty() && std::find(cids.begin(), cids.end(), o.ref) != cids.end())))
                    r.items.push_back(sk_item(o));
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/withdraw/history") {
            auto from = t.num("start_date"), to = t.num("end_date");
            if (!from || !to)
                return sk_err("missing_start_or_end_date");
            auto sts = t.list("purchase_statuses");
            std::vector<d::PurchaseItem> rows;
            for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
                if (it->p != provider::skinify || it->key != key)
                    continue;
                std::int64_t s = it->created_unix_ms / 1000;
                if (s < *from || s > *to)
                    continue;
                auto item = sk_item(*it);
                if (!sts.empty() && std::find(sts.begin(), sts.end(), item.purchase_status.raw()) == sts.end())
                    continue;
                rows.push_back(std::move(item));
            }
            const std::int64_t page = 50;
            std::int64_t off = std::max<std::int64_t>(0, t.num("start_from").value_or(0));
            d::WithdrawHistoryResponse r;
            r.status = "success";
            for (std::int64_t i = off; i < std::min<std::int64_t>(off + page, static_cast<std::int64_t>(rows.size())); ++i)
                r.items.push_back(rows[static_cast<std::size_t>(i)]);
            r.total_count = static_cast<std::int64_t>(rows.size());
            r.has_more = off + page < static_cast<std::int64_t>(rows.size());
            if (*r.has_more)
                r.start_from = off + page;
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/project-balance") {
            d::ProjectBalanceResponse r;
            r.status = "success";
            r.balance = acc.settled;
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/failed-ipn") {
            d::FailedIpnResponse r;
            r.status = "success";
            return json_response(200, ::cs2market::to_json(r));
        }
        if (path == "/api/create-deposit" || path == "/api/steam-inventory" || path == "/api/create-steam-offer" ||
            path == "/api/deposit-status" || path == "/api/get-deposits")
            return sk_deposits(req, t, key, acc);
        return sk_err("unknown_method");
    }

    // --------------------------------------------------------- Skinify deposits
    struct deposit_rec {
        std::string key, deposit_id, transaction_id, steam_id, trade_token;
        std::string status = "pending"; // pending -> success (credited) | failed
        std::int64_t created_unix_ms = 0;
        std::int64_t complete_at_ms = -1; // sandbox clock; -1 = no offer yet
        std::optional<dec> amount;
        std::string trade_offer_id;
    };

    std::vector<::cs2market::skinify::InventoryItem> sk_inventory(const std::string& steam_id) const
    {
        std::vector<::cs2market::skinify::InventoryItem> inv;
        std::uint64_t h = catalogue::mix(std::hash<std::string>{}(steam_id));
        for (int i = 0; i < 5; ++i) {
            std::size_t ti = static_cast<std::size_t>((h >> (i * 8)) % cat_.types.size());
            ::cs2market::skinify::InventoryItem it;
            it.id = std::to_string(40000000000LL + static_cast<std::int64_t>(ti) * 10 + i);
            it.name = cat_.types[ti].market_hash_name;
            it.type = cat_.types[ti].category;
            it.tradable = 1;
            it.disabled = 0;
            it.price = dec::from_units(cat_.base_cents(ti) * 85 / 100, 2);
            inv.push_back(it);
        }
        return inv;
    }

    ::cs2market::skinify::DepositInfo sk_deposit(const deposit_rec& r) const
    {
        ::cs2market::skinify::DepositInfo d;
        d.status = ::cs2market::open_enum<::cs2market::skinify::DepositStatus>::from_wire(r.status);
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

    response sk_deposits(const request& req, const query_t& t, const std::string& key, account& acc)
    {
        namespace d = ::cs2market::skinify;
        const std::string& path = t.path;
        if (path == "/api/create-deposit") {
            auto b = ::cs2market::from_json<d::CreateDepositRequest>(req.body);
            if (!b || b->deposit_id.empty())
                return sk_err("invalid_deposit_id");
            for (auto& r : deposits_)
                if (r.key == key && r.deposit_id == b->deposit_id)
                    return sk_err("deposit_id_already_exists");
            if (b->steam_id && (b->steam_id->size() != 17 || b->steam_id->rfind("7656", 0) != 0))
                return sk_err("invalid_steam_id");
            deposit_rec r;
            r.key = key;
            r.deposit_id = b->deposit_id;
            r.transaction_id = std::to_string(900000 + static_cast<std::int64_t>(deposits_.size()) + 1);
            r.steam_id = b->steam_id.value_or("");
            r.trade_token = b->trade_url_token.value_or("");
            r.created_unix_ms = wall_ms();
            deposits_.push_back(r);
            d::CreateDepositResponse out;
            out.status = "success";
            out.url = base_url() + "/sandbox/skinify/deposit/" + r.transaction_id;
            out.transaction_id = r.transaction_id;
            return json_response(200, ::cs2market::to_json(out));
        }
        if (path == "/api/steam-inventory") {
            auto b = ::cs2market::from_json<d::SteamInventoryRequest>(req.body);
            if (!b)
                return sk_err("required_params_missing");
            if (b->game != d::Game::csgo)
                return sk_err("invalid_game");
            if (b->steam_id.empty())
                return sk_err("steam_id_missing");
            if (b->trade_token.empty())
                return sk_err("trade_token_missing");
            d::SteamInventoryResponse out;
            out.success = true;
            out.status = "success";
            out.currency = "USD";
            out.inventory = sk_inventory(b->steam_id);
            return json_response(200, ::cs2market::to_json(out));
        }
        auto find_dep = [&](const std::optional<std::string>& did, const std::optional<std::string>& tid) -> deposit_rec* {
            for (auto& r : deposits_)
                if (r.key == key && ((did && r.deposit_id == *did) || (tid && r.transaction_id == *tid)))
                    return &r;
            return nullptr;
        };
        if (path == "/api/create-steam-offer") {
            auto b = ::cs2market::from_json<d::CreateSteamOfferRequest>(req.body);
            if (!b)
                return sk_err("required_params_missing");
            if (!b->deposit_id && !b->transaction_id)
                return sk_err("deposit_id_or_transaction_id_missing");
            deposit_rec* r = find_dep(b->deposit_id, b->transaction_id);
            if (!r)
                return sk_err("deposit_not_found");
            if (r->steam_id.empty() || r->trade_token.empty())
                return sk_err("request_deposit_inventory");
            if (r->status != "pending" || r->complete_at_ms >= 0)
                return sk_err("order_changed_state");
            if (b->items.empty())
                return sk_err("nothing_things_selected");
            dec total;
            auto inv = sk_inventory(r->steam_id);
            for (auto& id : b->items) {
                auto it = std::find_if(inv.begin(), inv.end(), [&](const auto& x) { return x.id == id; });
                if (it == inv.end())
                    return sk_err("inventory_updated");
                total += it->price;
            }
            r->amount = total;
            r->trade_offer_id = std::to_string(6612345678LL + static_cast<std::int64_t>(++offer_seq_));
            r->complete_at_ms = now_ms() + 2 * opts_.step_ms;
            d::CreateSteamOfferResponse out;
            out.success = true;
            out.status = "success";
            out.currency = "USD";
            out.tradeofferid = r->trade_offer_id;
            out.botid = "76561199022064770";
            return json_response(200, ::cs2market::to_json(out));
        }
        if (path == "/api/deposit-status") {
            auto did = t.get("deposit_id"), tid = t.get("transaction_id");
            if (!did && !tid)
                return sk_err("deposit_id_or_transaction_id_missing");
            deposit_rec* r = find_dep(did, tid);
            if (!r)
                return sk_err("deposit_not_found");
            d::DepositStatusResponse out;
            out.status = "success";
            out.deposit = sk_deposit(*r);
            return json_response(200, ::cs2market::to_json(out));
        }
        if (path == "/api/get-deposits") {
            auto from = t.num("starting"), to = t.num("ending");
            if (!from || !to)
                return sk_err("missing_starting_or_ending");
            std::vector<d::DepositInfo> rows;
            for (auto& r : deposits_)
                if (r.key == key && r.created_unix_ms / 1000 >= *from && r.created_unix_ms / 1000 <= *to)
                    rows.push_back(sk_deposit(r));
            const std::int64_t page = 50;
            std::int64_t off = std::max<std::int64_t>(0, t.num("start_from").value_or(0));
            d::GetDepositsResponse out;
            out.status = "success";
            for (std::int64_t i = off; i < std::min<std::int64_t>(off + page, static_cast<std::int64_t>(rows.size())); ++i)
                out.deposits.push_back(rows[static_cast<std::size_t>(i)]);
            out.has_more = off + page < static_cast<std::int64_t>(rows.size());
            if (*out.has_more)
                out.start_from = off + page;
            return json_response(200, ::cs2market::to_json(out));
        }
        (void)acc;
        return sk_err("unknown_method");
    }

    // ----------------------------------------------------------------- state
    std::vector<deposit_rec> deposits_;
    options opts_;
    catalogue cat_;
    std::vector<listing> listings_[3];
    std::map<std::string, account> accounts_[3];
    ledger ledger_[3];
    std::deque<order> orders_; // deque: stable references
    std::map<std::string, std::vector<std::size_t>> order_items_;
    std::vector<outcome_rule> rules_;
    std::vector<fault> faults_;
    std::vector<rate_limit_rule> limits_;
    std::vector<rate_limit_rule> pending_limits_;
    std::vector<std::pair<provider, account>> pending_accounts_;
    std::map<std::string, std::deque<std::int64_t>> rate_hits_;
    std::size_t purchases_[3] = {0, 0, 0};
    std::int64_t order_seq_ = 0;
    std::int64_t offer_seq_ = 0;
    std::int64_t catalogue_version_ = 0;
    std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
    mutable std::mutex mu_;

    mutable std::mutex push_mu_;
    std::condition_variable push_cv_;
    std::vector<push_item> push_queue_;
    std::vector<callback_attempt> push_log_;
    bool push_busy_ = false;

    std::atomic<bool> running_{false};
    std::thread ticker_, pusher_;
    std::vector<ws_message> ws_outbox_;
    std::int64_t ws_seq_ = 0;
    std::unique_ptr<testing::wss_server> ws_; // before http_: its handlers use ws_
    std::unique_ptr<testing::https_server> http_;
};

} // namespace cs2market::sandbox
