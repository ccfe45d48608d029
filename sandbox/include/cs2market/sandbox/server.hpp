// cs2market::sandbox — a stateful local marketplace speaking the documented HTTP
// APIs of every provider in schemas/ over HTTPS on loopback. Embed it in tests:
//
//   cs2market::sandbox::server sb;                     // free port, fresh CA
//   cs2market::csboard::client c({"csb_pub_me", sb.base_url(), sb.ca_file()});
//   sb.set_next_outcome(cs2market::csboard::id, cs2market::sandbox::outcome::decline);
//
// The server owns the listeners (HTTPS, and WSS on a second port with the same
// certificate), the market (market.hpp), the router (router.hpp) with one front
// end per provider (providers/<p>.hpp, listed by the CMake-written registry),
// the clock's ticker thread and the callback pusher's thread.
#pragma once

#include <cs2market/sandbox/admin.hpp>
#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/router.hpp>
#include <cs2market/sandbox/scenario.hpp>
#include <cs2market/sandbox/state.hpp>

#include <cs2market_registry/sandbox_providers.hpp>

#include <cs2market/testing/https_server.hpp>
#include <cs2market/testing/tls_identity.hpp>
#include <cs2market/testing/wss_server.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cs2market::sandbox {

/// The router over every provider of the build (schemas/*.json).
using router = basic_router<registry::frontends>;

class server {
public:
    explicit server(options o = {}, const std::string& scenario_json = {})
    {
        scenario sc;
        if (!scenario_json.empty())
            sc = parse_scenario(scenario_json, o); // adjusts the options first (seed, clock, ...)
        m_ = std::make_unique<market>(std::move(o));
        router_ = std::make_unique<router>(*m_);
        if (m_->opts.default_rate_limits)
            for (const auto& r : router::documented_limits())
                m_->limits.set(r);
        apply_locked(sc);
        m_->callbacks.set_retry_unit(m_->opts.callback_retry_unit_ms);

        auto identity = testing::make_tls_identity("cs2market sandbox CA");
        ws_ = std::make_unique<testing::wss_server>(identity);
        ws_->on_open([this](const std::string& target) { return router_->ws_open(target); });
        m_->ws_base_url = ws_->base_url();
        http_ = std::make_unique<testing::https_server>(
            [this](const request& r) {
                if (auto a = admin_answer(*m_, r)) // the sandbox's own records: no key, no faults, no limits
                    return *a;
                return router_->handle(r);
            },
            std::move(identity), m_->opts.port);
        {
            std::lock_guard lk(m_->mu);
            m_->base_url = http_->base_url();
        }
        running_ = true;
        m_->callbacks.start();
        ticker_ = std::thread([this] { tick_loop(); });
    }

    ~server() { stop(); }
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void stop()
    {
        if (!running_.exchange(false))
            return;
        if (ticker_.joinable())
            ticker_.join();
        m_->callbacks.stop();
        http_->stop();
        ws_->stop();
    }

    unsigned short port() const { return http_->port(); }
    std::string base_url() const { return http_->base_url(); }
    /// Temp file holding the sandbox CA (removed with the server).
    std::string ca_file() const { return http_->ca_file(); }
    const std::string& ca_pem() const { return http_->identity().ca_cert_pem; }
    void write_ca(const std::string& path) const { testing::write_file(path, ca_pem()); }
    const options& opts() const { return m_->opts; }
    /// "wss://127.0.0.1:P2": the WebSocket feeds (CS2DT market push at /ws/cs2dt,
    /// Skinify real-time at /ws/?project_id=&signature=, any project id).
    std::string ws_base_url() const { return ws_->base_url(); }

    /// Every route: each provider's documented operations (and extra ones), served or 501.
    std::vector<route_info> routes() const { return router_->routes(); }

    // ---- test and scenario hooks (thread-safe) ----

    void load_scenario(const std::string& json)
    {
        std::lock_guard lk(m_->mu);
        options o = m_->opts;
        scenario sc = parse_scenario(json, o);
        m_->opts = o;
        m_->callbacks.set_retry_unit(o.callback_retry_unit_ms);
        apply_locked(sc);
    }
    /// The next purchase on `p` (any account) gets `o`; a partial return returns its item `item` (0-based).
    void set_next_outcome(::cs2market::provider_id p, outcome o, std::size_t item = 0)
    {
        std::lock_guard lk(m_->mu);
        m_->at(p);
        outcome_rule r;
        r.p = p;
        r.out = o;
        r.item_index = item;
        r.remaining = 1;
        m_->rules.insert(m_->rules.begin(), r);
    }
    void add_outcome_rule(const outcome_rule& r)
    {
        std::lock_guard lk(m_->mu);
        m_->rules.push_back(r);
    }
    void inject_fault(const fault& f)
    {
        std::lock_guard lk(m_->mu);
        m_->faults.add(f);
    }
    /// Drops every injected fault (used up or not).
    void clear_faults()
    {
        std::lock_guard lk(m_->mu);
        m_->faults.clear();
    }
    /// The sandbox's own record of one purchase (an order it created and charged): provider,
    /// account, order id, ref, price, charged, refunded, stage, outcome, items.
    using purchase = purchase_record;
    /// Every purchase made so far, oldest first (of `p` only, unless `p` is empty).
    std::vector<purchase> purchases(::cs2market::provider_id p = {})
    {
        std::lock_guard lk(m_->mu);
        m_->advance();
        return m_->purchase_records(p);
    }
    /// Requests per documented window for one bucket of `p` (the schema's names: CSBoard
    /// read / orders / market_buy / snapshot, Skinify all, CS2DT sell_list; "all" limits
    /// every authenticated request); 0 lifts the limit.
    void set_rate_limit(::cs2market::provider_id p, const std::string& bucket, int limit)
    {
        std::lock_guard lk(m_->mu);
        set_rate_limit_locked(p, bucket, limit);
    }
    void set_callback_url(const std::string& url)
    {
        std::lock_guard lk(m_->mu);
        m_->opts.cs2dt_callback_url = url;
    }
    /// Creates (or tops up) an account.
    void fund(::cs2market::provider_id p, const std::string& key, ::cs2market::decimal amount,
              ::cs2market::decimal held = {}, std::int64_t held_clears_after_ms = 0)
    {
        std::lock_guard lk(m_->mu);
        account a;
        a.key = key;
        a.settled = amount;
        a.held = held;
        a.held_clears_at_ms = m_->now_ms() + held_clears_after_ms;
        m_->add_account(p, a);
    }
    std::optional<::cs2market::decimal> balance(::cs2market::provider_id p, const std::string& key)
    {
        std::lock_guard lk(m_->mu);
        m_->advance();
        const auto& accounts = m_->at(p).accounts;
        auto it = accounts.find(key);
        if (it == accounts.end())
            return std::nullopt;
        return it->second.settled + it->second.held;
    }
    money_audit audit(::cs2market::provider_id p)
    {
        std::lock_guard lk(m_->mu);
        m_->advance();
        return m_->audit(p);
    }
    /// Stage names an order went through (provider-neutral); empty if unknown.
    std::vector<std::string> stages(::cs2market::provider_id p, const std::string& order_id)
    {
        std::lock_guard lk(m_->mu);
        m_->advance();
        std::vector<std::string> out;
        for (auto& o : m_->orders)
            if (o.p == p && o.id == order_id)
                for (auto s : o.history)
                    out.push_back(stage_name(s));
        return out;
    }
    /// Sets the asking price of a listing (by its wire id) — to provoke price ceilings. A
    /// listing still on sale is announced on the provider's feed (CS2DT: an `update` market push).
    bool set_price(::cs2market::provider_id p, const std::string& listing_id, ::cs2market::decimal price)
    {
        std::lock_guard lk(m_->mu);
        auto li = m_->find_listing(p, listing_id);
        if (!li)
            return false;
        return m_->reprice(p, *li, price);
    }
    /// Puts a new listing of catalogue type `type` (below type_count()) up for sale on `p` at
    /// `price` and returns its wire id. It is announced on the provider's feed (CS2DT: a `new`
    /// market push, sent by the ticker within a few milliseconds).
    std::string list_item(::cs2market::provider_id p, std::size_t type, ::cs2market::decimal price)
    {
        std::lock_guard lk(m_->mu);
        return m_->wire_listing_id(p, m_->add_listing(p, type, price));
    }
    std::vector<callback_attempt> callback_log() const { return m_->callbacks.log(); }
    /// True once every order is final and every callback was delivered or given up.
    bool idle()
    {
        {
            std::lock_guard lk(m_->mu);
            m_->advance();
            if (!m_->all_final())
                return false;
        }
        return m_->callbacks.idle();
    }
    std::size_t listing_count(::cs2market::provider_id p) const
    {
        std::lock_guard lk(m_->mu);
        return m_->at(p).listings.size();
    }
    std::size_t type_count() const { return m_->cat.types.size(); }

    static std::string stage_name(stage s) { return ::cs2market::sandbox::stage_name(s); }

private:
    void apply_locked(const scenario& sc)
    {
        apply_scenario(*m_, sc, [this](::cs2market::provider_id p, const std::string& bucket, int limit) {
            set_rate_limit_locked(p, bucket, limit);
        });
    }

    void set_rate_limit_locked(::cs2market::provider_id p, const std::string& bucket, int limit)
    {
        rate_limit_rule r{p, router_->canonical_bucket(p, bucket), limit, 0};
        for (const auto& d : router::documented_limits())
            if ((p.empty() || d.p == p) && d.bucket == r.bucket)
                r.documented_window_ms = d.documented_window_ms;
        m_->limits.set(r);
    }

    /// Advances the clock's consequences and sends the queued feed messages (outside the lock:
    /// sending waits on the WebSocket server's thread).
    void tick_loop()
    {
        while (running_) {
            std::vector<feed_message> out;
            std::int64_t step_ms = 0;
            {
                std::lock_guard lk(m_->mu);
                m_->advance();
                out = m_->feeds.take();
                step_ms = m_->opts.step_ms;
            }
            for (auto& msg : out)
                ws_->push_if(msg.to, std::move(msg.text));
            std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp<std::int64_t>(step_ms / 5, 2, 20)));
        }
    }

    std::unique_ptr<market> m_;
    std::unique_ptr<router> router_;
    std::atomic<bool> running_{false};
    std::thread ticker_;
    std::unique_ptr<testing::wss_server> ws_; // before http_: its handlers use ws_
    std::unique_ptr<testing::https_server> http_;
};

} // namespace cs2market::sandbox
