// The crash test's child (tests/crash/crash_test.cpp starts it): buys through a
// journaled client on every provider against a sandbox, or resumes a journal,
// and kills itself with SIGKILL at the point its --kill names.
//
//   crash_child buy    --journal J --base-url U --ca CA --run R [--buys K] [--kill SPEC]
//                      [--request-timeout-ms T] [--total-timeout-ms T] [--follow-ms F] [--skinify-rate-wait-ms W]
//                      [--hold SPEC[,SPEC...] --hold-dir D]
//   crash_child resume --journal J --base-url U --ca CA [--grace-ms G] [--timeout-ms T] [--kill SPEC]
//                      [--hold SPEC[,SPEC...] --hold-dir D]
//
// J is an SQLite file, or a postgresql:// (postgres://) URI: the PostgreSQL journal.
//
// SPEC is `none`, `random:MS` (a timer started before the first buy, or at the
// start of a resume), or `POINT:N`: die at the N-th event of
//   buy:    intent (the buy's intent is on disk, before any request), send (a buy
//           attempt is about to be written), answered (an answer arrived, not yet
//           journaled), recorded (the answer is on disk), lost (an attempt ended
//           without an answer), reconcile (the lost buy is about to be looked up),
//           reconcile_lookup (that lookup's request is about to be written),
//           track (inside the tracker's handler, after a journaled transition)
//   resume: lookup (a tracker lookup is about to be written: reconciliation),
//           track (inside the tracker's handler), load (resume() is about to read the journal)
// --hold stops the child instead, at each POINT:N of its list (the same points,
// and buy:N, before the N-th buy call starts): it creates D/held-I (I: the
// spec's place in the list, from 1) and waits for D/go-I, so that the parent can
// stop or restart the database exactly there. Meanwhile nothing of the child
// runs: a hold in the client's hook holds its io_context.
// Buy ids are "r<R>-<provider>-<k>", with the sandbox's accounts named below, so
// that the parent can match the sandbox's records to the journal.
#include <cs2market/cs2dt/tracking.hpp>
#include <cs2market/csboard/tracking.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/skinify/tracking.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#ifdef CS2MARKET_WITH_POSTGRES
#include <cs2market/store/postgres/postgres_store.hpp>
#endif

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace cm = cs2market;

namespace {

[[noreturn]] void die_now(const std::string& why)
{
    std::cout << "KILL " << why << std::endl;
    std::raise(SIGKILL);
    std::_Exit(99); // not reached
}

struct args {
    std::string mode, journal, base_url, ca, kill = "none", hold, hold_dir;
    long run = 0, buys = 1, request_timeout_ms = 600, total_timeout_ms = 2500, follow_ms = 4000, grace_ms = 500, timeout_ms = 15000;
    long skinify_rate_wait_ms = 0; ///< Skinify's client paced at 1 request per this: its buy waits after its intent
};

/// Where to die: the N-th event of kind `point` (or a timer).
class killer {
public:
    explicit killer(const std::string& spec)
    {
        auto colon = spec.find(':');
        point_ = spec.substr(0, colon);
        n_ = colon == std::string::npos ? 0 : std::stol(spec.substr(colon + 1));
    }
    /// Starts the clock of a `random:MS` kill (buy: once the listings are read,
    /// so that the time falls among the buys and the tracking).
    void arm()
    {
        if (point_ == "random")
            std::thread([ms = n_] {
                std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                die_now("random:" + std::to_string(ms));
            }).detach();
    }
    /// Counts one event of `point`; dies when it is the chosen one.
    void at(const std::string& point, const std::string& what)
    {
        std::lock_guard lk(m_);
        if (point != point_)
            return;
        if (++seen_ == n_)
            die_now(point_ + ":" + std::to_string(n_) + " " + what);
    }

private:
    std::mutex m_;
    std::string point_;
    long n_ = 0, seen_ = 0;
};

/// Where to wait for the parent: the N-th event of each POINT:N of a list.
class holder {
public:
    holder(const std::string& specs, std::string dir) : dir_(std::move(dir))
    {
        std::size_t from = 0;
        while (from < specs.size()) {
            auto comma = specs.find(',', from);
            if (comma == std::string::npos)
                comma = specs.size();
            const auto spec = specs.substr(from, comma - from);
            const auto colon = spec.find(':');
            if (colon == std::string::npos)
                throw std::invalid_argument("--hold " + spec + ": POINT:N");
            holds_.push_back({spec.substr(0, colon), std::stol(spec.substr(colon + 1))});
            from = comma + 1;
        }
        if (!holds_.empty() && dir_.empty())
            throw std::invalid_argument("--hold needs --hold-dir");
    }
    /// Counts one event of `point`; when a hold names it, waits for the parent.
    void at(const std::string& point, const std::string& what)
    {
        std::size_t which = 0;
        long n = 0;
        {
            std::lock_guard lk(m_);
            n = ++seen_[point];
            for (std::size_t i = 0; i < holds_.size() && which == 0; ++i)
                if (holds_[i].first == point && holds_[i].second == n)
                    which = i + 1;
        }
        if (which == 0)
            return;
        const auto tag = std::to_string(which);
        std::cout << "HOLD " << point << ":" << n << " " << what << std::endl;
        std::ofstream(std::filesystem::path(dir_) / ("held-" + tag)).put('\n');
        const auto until = std::chrono::steady_clock::now() + 60s;
        while (!std::filesystem::exists(std::filesystem::path(dir_) / ("go-" + tag))) {
            if (std::chrono::steady_clock::now() > until) {
                std::cout << "hold " << tag << ": the parent never said go" << std::endl;
                std::_Exit(2);
            }
            std::this_thread::sleep_for(5ms);
        }
        std::cout << "GO " << point << std::endl;
    }

private:
    std::mutex m_;
    std::string dir_;
    std::vector<std::pair<std::string, long>> holds_;
    std::map<std::string, long> seen_;
};

/// Both: every event is counted for the kill and for the holds.
struct points {
    killer& k;
    holder& h;
    void at(const std::string& point, const std::string& what)
    {
        h.at(point, what);
        k.at(point, what);
    }
};

bool is_buy(std::string_view op)
{
    return op == "buy_item" || op == "quick_buy_item" || op == "market_buy" || op == "create_order" || op == "withdraw_buy";
}

/// The hook: classifies the client's events into kill points.
cm::call_hook hook_for(points& k, bool resume)
{
    auto journaled = std::make_shared<std::map<std::string, int>>();
    auto m = std::make_shared<std::mutex>();
    return [&k, resume, journaled, m](const cm::call_event& ev) {
        using t = cm::call_event::type;
        const std::string what = std::string(ev.provider.name()) + " " + std::string(ev.operation) + " " + std::string(ev.id);
        if (resume) {
            if (ev.kind == t::request_start && !is_buy(ev.operation))
                k.at("lookup", what);
            return;
        }
        switch (ev.kind) {
        case t::journaled: {
            int n = 0;
            {
                std::lock_guard lk(*m);
                n = ++(*journaled)[std::string(ev.id)];
            }
            k.at(n == 1 ? "intent" : "recorded", what);
            break;
        }
        case t::request_start:
            if (is_buy(ev.operation))
                k.at("send", what);
            else if (!ev.id.empty())
                k.at("reconcile_lookup", what);
            break;
        case t::request_end:
            if (is_buy(ev.operation))
                k.at(ev.http_status != 0 ? "answered" : "lost", what);
            break;
        case t::reconcile: k.at("reconcile", what); break;
        default: break;
        }
    };
}

/// The SQLite journal in a file, or the PostgreSQL journal at a postgresql:// URI.
std::shared_ptr<cm::journal> open_journal(const std::string& spec)
{
    auto opened = [](auto j) -> std::shared_ptr<cm::journal> {
        if (!j) {
            std::cout << "journal: " << j.error().message() << std::endl;
            std::_Exit(2);
        }
        return std::move(*j);
    };
#ifdef CS2MARKET_WITH_POSTGRES
    if (cm::is_postgres_conninfo(spec))
        return opened(cm::postgres_journal::open(spec));
#else
    if (spec.starts_with("postgresql://") || spec.starts_with("postgres://")) {
        std::cout << "journal: built without PostgreSQL (cs2market::postgres)" << std::endl;
        std::_Exit(2);
    }
#endif
    return opened(cm::sqlite_journal::open(spec));
}

struct world {
    boost::asio::io_context ioc;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{ioc.get_executor()};
    std::thread thread;
    std::shared_ptr<cm::journal> journal;
    std::unique_ptr<cm::cs2dt::client> cs2dt;
    std::unique_ptr<cm::csboard::client> csboard;
    std::unique_ptr<cm::skinify::client> skinify;

    world(const args& a, points& k, bool journaled)
    {
        journal = open_journal(a.journal);
        auto opts = [&](const char* key) {
            cm::client_options o;
            o.credential = key;
            o.base_url = a.base_url;
            o.ca_file = a.ca;
            o.rate_limiting = false;
            o.request_timeout = std::chrono::milliseconds(a.request_timeout_ms);
            // Short: a resume elsewhere fails a buy it cannot find only after this
            // deadline (plus the grace), since until then the buy could still be sent.
            o.total_timeout = std::chrono::milliseconds(a.total_timeout_ms);
            if (journaled)
                o.journal = journal;
            o.hook = hook_for(k, !journaled);
            return o;
        };
        cs2dt = std::make_unique<cm::cs2dt::client>(ioc.get_executor(), opts("crashcs2dtkey"));
        csboard = std::make_unique<cm::csboard::client>(ioc.get_executor(), opts("csb_pub_crash"));
        auto sk = opts("skinifycrash");
        if (a.skinify_rate_wait_ms > 0) {
            sk.rate_limiting = true;
            sk.rate_limits["all"] = cm::rate_limit{1, std::chrono::milliseconds(a.skinify_rate_wait_ms)};
        }
        skinify = std::make_unique<cm::skinify::client>(ioc.get_executor(), sk);
        thread = std::thread([this] { ioc.run(); });
    }

    cm::tracker_options tracking(const args& a) const
    {
        cm::tracker_options t;
        t.moving_poll = 100ms;
        t.waiting_poll = 200ms;
        t.tick = 20ms;
        t.reconcile_grace = std::chrono::milliseconds(a.grace_ms);
        t.trade_protection = 0ms; // the sandbox's accelerated end-of-protection times decide
        t.settle_margin = 20ms;
        return t;
    }

    void add_sources(cm::order_tracker& tr)
    {
        tr.add_source(std::make_shared<cm::cs2dt::order_source>(*cs2dt));
        tr.add_source(std::make_shared<cm::csboard::order_source>(*csboard));
        tr.add_source(std::make_shared<cm::skinify::order_source>(*skinify));
    }

    /// Ends the process without unwinding (the journal is durable per call; what
    /// is in flight is as after a crash, which resume() handles).
    [[noreturn]] void leave(int code)
    {
        std::cout.flush();
        work.reset();
        ioc.stop();
        thread.join();
        std::_Exit(code);
    }
};

const std::string trade_url = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";

template <class R>
void report(const std::string& id, const R& res)
{
    if (res)
        std::cout << "bought " << id << std::endl;
    else
        std::cout << "not bought " << id << ": " << res.error().message() << std::endl;
}

int buy(const args& a)
{
    killer dies(a.kill);
    holder hold(a.hold, a.hold_dir);
    points k{dies, hold};
    world w(a, k, true);
    // Listings to buy (reads: no kill point counts them).
    cm::cs2dt::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = cm::decimal::from_string("8");
    sp.limit = 100;
    auto types = w.cs2dt->market_search(sp);
    cm::csboard::list_listings_params lp;
    lp.max_price = cm::decimal::from_string("8");
    lp.limit = 100;
    auto listings = w.csboard->list_listings(lp);
    cm::skinify::withdraw_prices_params pp;
    pp.game = cm::skinify::Game::csgo;
    pp.full_list = 1;
    pp.extended = 1;
    auto skins = w.skinify->withdraw_prices(pp);
    if (!types || !types->list || !listings || !skins) {
        std::cerr << "listing the sandbox failed\n";
        w.leave(2);
    }
    std::vector<cm::csboard::Listing> tradable;
    for (auto& l : listings->items)
        if (l.tradable.value_or(true))
            tradable.push_back(l);
    std::vector<cm::skinify::SkinPriceEntry> cheap;
    for (auto& s : skins->skins)
        if (s.id && s.price <= cm::decimal::from_string("8") && !s.properties.unhold_at)
            cheap.push_back(s);
    if (types->list->empty() || tradable.empty() || cheap.empty()) {
        std::cerr << "the sandbox has nothing left to buy\n";
        w.leave(2);
    }

    std::vector<std::pair<cm::provider_id, std::string>> ids;
    // Followed below: every buy but one whose intent could not be journaled (not
    // sent, so unknown to the journal).
    auto bought = [&](cm::provider_id p, const std::string& id, const auto& res) {
        report(id, res);
        if (res || res.error().kind != cm::error_kind::journal)
            ids.emplace_back(p, id);
    };
    dies.arm();
    for (long n = 1; n <= a.buys; ++n) {
        const auto pick = static_cast<std::size_t>(a.run * 7 + n);
        const std::string suffix = "-" + std::to_string(n);
        const std::string r = "r" + std::to_string(a.run) + "-";
        {
            cm::cs2dt::quick_buy_item_params q;
            q.body.itemId = (*types->list)[pick % types->list->size()].itemId;
            q.body.outTradeNo = r + "cs2dt" + suffix;
            q.body.tradeUrl = trade_url;
            q.body.maxPrice = cm::decimal::from_string("10");
            k.at("buy", *q.body.outTradeNo);
            bought(cm::cs2dt::id, *q.body.outTradeNo, w.cs2dt->quick_buy_item(q));
        }
        {
            const auto& l = tradable[pick % tradable.size()];
            cm::csboard::market_buy_params m;
            m.body.item_ids = {l.id};
            m.body.partner = "447383001";
            m.body.token = "Ab3xZ9Qp";
            m.body.max_price_usd = l.price_usd;
            m.body.custom_id = r + "csboard" + suffix;
            k.at("buy", *m.body.custom_id);
            bought(cm::csboard::id, *m.body.custom_id, w.csboard->market_buy(m));
        }
        {
            const auto& s = cheap[pick % cheap.size()];
            cm::skinify::withdraw_buy_params b;
            b.body.partner = "447383001";
            b.body.token = "Ab3xZ9Qp";
            b.body.id = s.id;
            b.body.max_price = s.price;
            b.body.custom_id = r + "skinify" + suffix;
            k.at("buy", *b.body.custom_id);
            bought(cm::skinify::id, *b.body.custom_id, w.skinify->withdraw_buy(b));
        }
    }

    // Follow what was bought until it is final (or for --follow-ms).
    cm::order_tracker tracker(
        w.ioc.get_executor(), w.journal,
        [&k](const cm::order& o, const cm::phase_change& c) {
            std::cout << "track " << o.id << " " << to_string(c.from) << " > " << to_string(c.to) << std::endl;
            k.at("track", o.id);
        },
        w.tracking(a));
    w.add_sources(tracker);
    for (auto& [p, id] : ids)
        tracker.follow(p, id);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(a.follow_ms);
    while (std::chrono::steady_clock::now() < until &&
           !(tracker.all_final() && tracker.orders().size() == ids.size()))
        std::this_thread::sleep_for(20ms);
    tracker.stop();
    std::cout << "followed " << tracker.orders().size() << " orders, all final: " << tracker.all_final() << std::endl;
    w.leave(0);
}

int resume(const args& a)
{
    killer dies(a.kill);
    holder hold(a.hold, a.hold_dir);
    points k{dies, hold};
    dies.arm();
    world w(a, k, false);
    cm::order_tracker tracker(
        w.ioc.get_executor(), w.journal,
        [&k](const cm::order& o, const cm::phase_change& c) {
            std::cout << "resume " << o.provider.name() << " " << o.id << " " << to_string(c.from) << " > " << to_string(c.to)
                      << " (" << to_string(c.source) << ")" << std::endl;
            k.at("track", o.id);
        },
        w.tracking(a), [](const cm::order*, const std::string& what) { std::cout << "note: " << what << std::endl; });
    w.add_sources(tracker);
    k.at("load", "the journal");
    tracker.resume();
    const auto started = std::chrono::steady_clock::now();
    const auto until = started + std::chrono::milliseconds(a.timeout_ms);
    // A Skinify buy its lookups cannot find stays unknown for good (Skinify's docs
    // do not say what absence means): once only such buys are left, after a few
    // lookups past the grace, this resume has done what it can.
    auto only_unprovable = [&] {
        if (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(a.grace_ms) + 1500ms)
            return false;
        for (const auto& o : tracker.orders())
            if (!cm::is_final(o.phase) &&
                !((o.phase == cm::order_phase::submitted || o.phase == cm::order_phase::unknown) && o.provider == cm::skinify::id))
                return false;
        return !tracker.orders().empty();
    };
    while (std::chrono::steady_clock::now() < until && !tracker.all_final() && !only_unprovable())
        std::this_thread::sleep_for(20ms);
    tracker.stop();
    int open = 0;
    for (const auto& o : tracker.orders())
        if (o.phase == cm::order_phase::submitted || o.phase == cm::order_phase::unknown) {
            std::cout << "unresolved " << o.provider.name() << " " << o.id << " " << to_string(o.phase) << std::endl;
            if (o.provider != cm::skinify::id) // the others prove one way or the other
                ++open;
        }
    const auto st = tracker.stats();
    std::cout << "resumed " << tracker.orders().size() << " orders, all final: " << tracker.all_final()
              << ", transitions " << st.transitions << ", lookups " << st.lookups << ", lookup errors " << st.lookup_errors
              << std::endl;
    // Nothing followed and not all final: the journal was never read.
    const bool unread = tracker.orders().empty() && !tracker.all_final();
    if (unread)
        std::cout << "the journal's unfinished orders were never read" << std::endl;
    w.leave(open == 0 && !unread ? 0 : 3);
}

} // namespace

int main(int argc, char** argv)
{
    args a;
    if (argc < 2)
        return 2;
    a.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--journal") a.journal = v;
        else if (k == "--base-url") a.base_url = v;
        else if (k == "--ca") a.ca = v;
        else if (k == "--kill") a.kill = v;
        else if (k == "--run") a.run = std::stol(v);
        else if (k == "--buys") a.buys = std::stol(v);
        else if (k == "--request-timeout-ms") a.request_timeout_ms = std::stol(v);
        else if (k == "--total-timeout-ms") a.total_timeout_ms = std::stol(v);
        else if (k == "--follow-ms") a.follow_ms = std::stol(v);
        else if (k == "--grace-ms") a.grace_ms = std::stol(v);
        else if (k == "--timeout-ms") a.timeout_ms = std::stol(v);
        else if (k == "--skinify-rate-wait-ms") a.skinify_rate_wait_ms = std::stol(v);
        else if (k == "--hold") a.hold = v;
        else if (k == "--hold-dir") a.hold_dir = v;
        else {
            std::cerr << "unknown option " << k << "\n";
            return 2;
        }
    }
    if (a.mode == "buy")
        return buy(a);
    if (a.mode == "resume")
        return resume(a);
    std::cerr << "usage: crash_child buy|resume --journal J --base-url U --ca CA ...\n";
    return 2;
}
