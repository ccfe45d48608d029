// The PostgreSQL store against a real PostgreSQL 15 on loopback (CTest fixture
// `postgres`, tests/pg/pg_server.sh): the journal's conformance (intents, CAS,
// duplicate ids across connections, migrations, leases), the shared rate
// budgets (never N+1 in any window across connections, pauses, releases), a
// database outage (an error, then reconnection), and no password in any error.
// Each test case works in a schema of its own (search_path in the URI).
#include "support/rate_window.hpp"
#include "support/temp_files.hpp"
#include <cs2market/csboard.hpp>
#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/store/postgres/postgres_store.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#include <cs2market/testing/https_server.hpp>

#include "journal_conformance.hpp"

#include <catch2/catch.hpp>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <functional>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace cs2market;
using namespace std::chrono_literals;
using clk = rate_limiter::clock;

namespace {

std::string read_file(const std::string& path)
{
    std::ifstream f(path);
    std::string s;
    std::getline(f, s);
    return s;
}

/// The fixture's server (CS2MARKET_PG_STATE/url).
std::string server_url()
{
    const char* st = std::getenv("CS2MARKET_PG_STATE");
    auto url = read_file(std::string(st ? st : CS2MARKET_PG_STATE_DIR) + "/url");
    INFO("run through ctest: the `postgres` fixture starts the server");
    REQUIRE(!url.empty());
    return url;
}

void admin(const std::string& url, const std::string& sql)
{
    PGconn* c = PQconnectdb(url.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* r = PQexec(c, ("SET client_min_messages = warning; " + sql).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    INFO(PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    REQUIRE(ok);
}

std::string query_one(const std::string& url, const std::string& sql)
{
    PGconn* c = PQconnectdb(url.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* r = PQexec(c, sql.c_str());
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    PQfinish(c);
    return v;
}

/// A fresh schema on `base` (the fixture's server unless given): the store's tables go there.
std::string fresh_store(const std::string& name, std::string base = {})
{
    if (base.empty())
        base = server_url();
    const std::string schema = "t_" + name + "_" + std::to_string(::getpid());
    admin(base, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
    return base + "?options=-csearch_path%3D" + schema;
}

using conformance::intent;

using cs2market::test::max_in_window;

const provider_id test_provider{"csboard"};

rate_draw budget(std::string_view key, std::string_view bucket, rate_limit lim)
{
    return {rate_key::of(test_provider, key, bucket), lim};
}

/// A private server for the outage test (it is stopped and started again).
struct private_server {
    std::string state;
    explicit private_server(const std::string& name)
        : state((std::filesystem::temp_directory_path() / ("cs2market-pgstate-" + name + "-" + std::to_string(::getpid()))).string())
    {
        REQUIRE(run("start") == 0);
    }
    ~private_server()
    {
        run("stop");
        std::filesystem::remove_all(state);
    }
    int run(const char* cmd) const
    {
        return std::system(("bash " CS2MARKET_PG_SCRIPT_PATH " " + std::string(cmd) + " " + state + " >/dev/null").c_str());
    }
    std::string url() const { return read_file(state + "/url"); }
};


/// A connection of the test's own holding the journal's orders table locked:
/// every journal statement on it waits until release().
struct table_lock {
    PGconn* c;
    explicit table_lock(const std::string& url) : c(PQconnectdb(url.c_str()))
    {
        REQUIRE(PQstatus(c) == CONNECTION_OK);
        exec("BEGIN; LOCK TABLE cs2market_orders IN ACCESS EXCLUSIVE MODE");
    }
    table_lock(const table_lock&) = delete;
    table_lock& operator=(const table_lock&) = delete;
    ~table_lock()
    {
        if (c)
            PQfinish(c);
    }
    void exec(const std::string& sql)
    {
        PGresult* r = PQexec(c, sql.c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        INFO(PQresultErrorMessage(r));
        PQclear(r);
        REQUIRE(ok);
    }
    void release()
    {
        exec("COMMIT");
        PQfinish(c);
        c = nullptr;
    }
};

/// The store's URL naming its connections `app` (pg_stat_activity tells them apart).
std::string named(const std::string& url, const std::string& app)
{
    return url + "&application_name=" + app;
}

/// How many connections named `app` the server has (only those waiting for a lock: `waiting`).
int backends(const std::string& url, const std::string& app, bool waiting)
{
    // (The asking connection has the name too: not counted.)
    return std::stoi(query_one(url, "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = '" +
                                        app + "'" + (waiting ? " AND wait_event_type = 'Lock'" : "")));
}

/// Waits (up to 20 s) until `n` connections named `app` wait for a lock.
bool until_waiting(const std::string& url, const std::string& app, int n)
{
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    while (backends(url, app, true) != n) {
        if (std::chrono::steady_clock::now() > give_up)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/// `n` buys' intents through async_run_unordered (the client's path), all at once;
/// answers each one's result once all are done.
std::vector<result<intent_record>> intents_in_flight(const std::shared_ptr<postgres_journal>& j, const std::string& prefix, int n,
                                                     const std::function<void()>& while_in_flight = {})
{
    boost::asio::io_context ioc;
    std::vector<result<intent_record>> out(static_cast<std::size_t>(n), result<intent_record>(detail::make_error(error_kind::journal, "no answer")));
    for (int i = 0; i < n; ++i)
        j->async_run_unordered<result<intent_record>>([j, id = prefix + std::to_string(i)] { return j->record_intent(intent(id), "{}"); },
                                                      boost::asio::bind_executor(ioc, [&out, i](result<intent_record> r) {
                                                          out[static_cast<std::size_t>(i)] = std::move(r);
                                                      }));
    std::thread t([&] { ioc.run(); });
    if (while_in_flight)
        while_in_flight();
    t.join();
    return out;
}
} // namespace

TEST_CASE("postgres journal: an intent is recorded once, another connection finds it and records nothing", "[postgres][journal]")
{
    const auto url = fresh_store("intent");
    conformance::intent_once(conformance::open_with<postgres_journal>(url));
    // The request is stored as given (the client strips secrets before).
    CHECK(query_one(url, "SELECT request FROM cs2market_orders WHERE id = 'buy-1'") == R"({"item_ids":["itm_1"]})");
}

TEST_CASE("postgres journal: transitions are compare-and-set and come back in order", "[postgres][journal]")
{
    const auto url = fresh_store("cas");
    conformance::compare_and_set(conformance::open_with<postgres_journal>(url));
}

TEST_CASE("postgres journal: a reversal whose refund is not known yet stays followed until it is", "[postgres][journal]")
{
    const auto url = fresh_store("refund");
    conformance::refund_pending_followed(conformance::open_with<postgres_journal>(url));
}

TEST_CASE("postgres journal: concurrent openers migrate once, to the schema SQLite has", "[postgres][journal]")
{
    const auto url = fresh_store("migrate");
    std::vector<std::thread> ts;
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i)
        ts.emplace_back([&] {
            if (postgres_store::open(url))
                ++ok;
        });
    for (auto& t : ts)
        t.join();
    CHECK(ok == 6);
    CHECK(query_one(url, "SELECT value FROM cs2market_meta WHERE key = 'schema_version'") ==
          std::to_string(detail::journal_migrations.back().version));
    CHECK(query_one(url, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'cs2market_%' "
                         "AND table_schema = current_schema()") == "4");
}

TEST_CASE("postgres journal: 8 connections journaling the same 50 ids create each exactly once", "[postgres][journal]")
{
    const auto url = fresh_store("dup");
    constexpr int workers = 8, ids = 50;
    std::vector<std::shared_ptr<postgres_journal>> js;
    for (int w = 0; w < workers; ++w)
        js.push_back(postgres_journal::open(url).value());
    std::mutex m;
    std::map<std::string, int> created;
    std::map<std::string, std::set<order_phase>> seen;
    int errors = 0;
    std::vector<std::thread> ts;
    for (int w = 0; w < workers; ++w)
        ts.emplace_back([&, w] {
            std::vector<int> order_of(ids);
            for (int i = 0; i < ids; ++i)
                order_of[static_cast<std::size_t>(i)] = i;
            std::shuffle(order_of.begin(), order_of.end(), std::mt19937(static_cast<unsigned>(w)));
            for (int i : order_of) {
                const auto id = "dup-" + std::to_string(i);
                auto r = js[static_cast<std::size_t>(w)]->record_intent(intent(id), "{}");
                std::lock_guard<std::mutex> lk(m);
                if (!r) {
                    ++errors;
                    continue;
                }
                created[id] += r->created ? 1 : 0;
                seen[id].insert(r->journaled.phase);
                CHECK(r->journaled.id == id); // the second sees the first's order
            }
        });
    for (auto& t : ts)
        t.join();
    CHECK(errors == 0);
    REQUIRE(created.size() == ids);
    for (const auto& [id, n] : created)
        CHECK(n == 1);
    CHECK(js[0]->load(false).value().size() == ids);
}

TEST_CASE("postgres journal: leases split orders between workers and hand a dead worker's over", "[postgres][journal][lease]")
{
    const auto url = fresh_store("lease");
    conformance::leases(conformance::open_with<postgres_journal>(url));
}

TEST_CASE("postgres journal: workers claiming at once never hold the same order", "[postgres][journal][lease]")
{
    const auto url = fresh_store("claimrace");
    auto seed = postgres_journal::open(url).value();
    for (int i = 0; i < 40; ++i) {
        auto o = intent("c" + std::to_string(i));
        o.created_at += i;
        REQUIRE(seed->record_intent(o, "{}").has_value());
    }
    constexpr int workers = 4;
    std::vector<std::shared_ptr<postgres_journal>> js;
    for (int w = 0; w < workers; ++w)
        js.push_back(postgres_journal::open(url).value());
    std::vector<std::vector<std::string>> held(workers);
    std::vector<std::thread> ts;
    std::atomic<int> ready{0};
    for (int w = 0; w < workers; ++w)
        ts.emplace_back([&, w] {
            ++ready;
            while (ready < workers) // all at once
                std::this_thread::yield();
            for (auto& o : js[static_cast<std::size_t>(w)]->claim_unfinished("W" + std::to_string(w), std::chrono::milliseconds(60'000), 15).value())
                held[static_cast<std::size_t>(w)].push_back(o.id);
        });
    for (auto& t : ts)
        t.join();
    std::map<std::string, std::set<int>> holders;
    for (int w = 0; w < workers; ++w)
        for (const auto& id : held[static_cast<std::size_t>(w)])
            holders[id].insert(w);
    for (const auto& [id, ws] : holders)
        CHECK(ws.size() == 1);
    // A claimer that lost the race for rows another took gets fewer (it claims
    // again at its next renewal), never more than its limit.
    for (const auto& h : held)
        CHECK(h.size() <= 15);
    CHECK(holders.size() >= 15);
    CHECK(query_one(url, "SELECT count(*) FROM cs2market_orders WHERE owner IS NOT NULL") == std::to_string(holders.size()));
}

TEST_CASE("postgres budgets: connections drawing together never put N+1 in any window", "[postgres][ratelimit]")
{
    const auto url = fresh_store("budget");
    const auto lim = rate_limit{5, 200ms};
    const std::array d{budget("csb_pub_shared", "read", lim)};
    constexpr int workers = 4, draws = 10;
    std::vector<std::shared_ptr<postgres_rate_limiter>> ls;
    for (int w = 0; w < workers; ++w)
        ls.push_back(postgres_rate_limiter::open(url).value());
    std::mutex m;
    std::vector<clk::time_point> slots;
    std::vector<std::thread> ts;
    const auto t0 = clk::now();
    for (int w = 0; w < workers; ++w)
        ts.emplace_back([&, w] {
            for (int i = 0; i < draws; ++i) {
                auto s = ls[static_cast<std::size_t>(w)]->try_reserve(d, clk::now());
                REQUIRE(s.has_value());
                std::this_thread::sleep_until(*s); // as the executor waits for its slot
                std::lock_guard<std::mutex> lk(m);
                slots.push_back(*s);
            }
        });
    for (auto& t : ts)
        t.join();
    REQUIRE(slots.size() == workers * draws);
    CHECK(max_in_window(slots, lim.window) <= lim.requests);
    // ...and the budget is used: 40 draws of 5 per (200 ms + the margin, at least
    // 250 ms) are 7 counted windows after the first. The bound on the slots is loose
    // (a thread of a loaded machine asks late, and its window starts late); a limiter
    // that wasted a window per round would need twice that.
    const auto counted = lim.window + shared_budget_options{}.min_margin;
    const auto took = *std::max_element(slots.begin(), slots.end()) - t0;
    CHECK(took >= 7 * lim.window);
    CHECK(took < 7 * counted + 7 * counted / 2);
    // Other keys and buckets are budgets of their own.
    CHECK(ls[0]->try_reserve(std::array{budget("csb_pub_other", "read", lim)}, clk::now()).value() <= clk::now() + 5ms);
    CHECK(ls[0]->try_reserve(std::array{budget("csb_pub_shared", "orders", lim)}, clk::now()).value() <= clk::now() + 5ms);
    // The key itself is never stored, only its hash.
    CHECK(query_one(url, "SELECT count(*) FROM cs2market_budgets WHERE budget LIKE '%csb_pub%'") == "0");
}

TEST_CASE("postgres budgets: a 429 pauses everyone sharing the budget, and an unused slot is handed back", "[postgres][ratelimit]")
{
    const auto url = fresh_store("pause");
    auto a = postgres_rate_limiter::open(url).value();
    auto b = postgres_rate_limiter::open(url).value();
    const std::array d{budget("k", "read", rate_limit{100, 1s})};
    a->pause(d, clk::now() + 400ms);
    // b (another process) waits too; the pause is applied before b's draw (queued
    // after it on a's connection, so give it a moment).
    std::this_thread::sleep_for(50ms);
    const auto now = clk::now();
    auto s = b->try_reserve(d, now).value();
    CHECK(s >= now + 300ms);
    CHECK(s <= now + 400ms);

    const std::array one{budget("k2", "read", rate_limit{1, 10s})};
    // (Read before the draw: as one expression, the right-hand clock could be
    // read first, and a draw slower than 5 ms on a loaded machine failed it.)
    const auto first = clk::now();
    CHECK(a->try_reserve(one, first).value() <= first + 5ms);
    auto later = a->try_reserve(one, clk::now()).value();
    CHECK(later >= clk::now() + 9s);
    a->release(one, later); // queued on a's thread, before its next draw
    auto again = a->try_reserve(one, clk::now()).value();
    CHECK(again < later + 100ms); // the handed-back slot, not one a window after it
    CHECK(b->try_reserve(one, clk::now()).value() >= again + 10s);
}

TEST_CASE("postgres store: a database outage is an error of the call, and the store reconnects", "[postgres][outage]")
{
    private_server pg("outage");
    // A password in the connection string (trust authentication ignores it) must
    // appear in no error.
    auto base = pg.url();
    base.replace(base.find("postgres@"), 9, "postgres:s3cret-pw@");
    const auto url = fresh_store("outage", base);
    auto store = postgres_store::open(url).value();
    const std::array d{budget("k", "read", rate_limit{10, 1s})};
    REQUIRE(store.journal->record_intent(intent("before"), "{}").value().created);
    REQUIRE(store.limiter->try_reserve(d, clk::now()).has_value());

    REQUIRE(pg.run("halt") == 0);
    auto down = store.journal->record_intent(intent("during"), "{}");
    REQUIRE(down.has_error());
    CHECK(down.error().kind == error_kind::journal);
    CHECK(down.error().message().find("s3cret") == std::string::npos);
    CHECK(down.error().message().find("postgres@127.0.0.1") != std::string::npos);
    auto no_budget = store.limiter->try_reserve(d, clk::now());
    REQUIRE(no_budget.has_error());
    CHECK(no_budget.error().kind == error_kind::journal);
    CHECK(no_budget.error().message().find("s3cret") == std::string::npos);
    auto fresh = postgres_store::open(url);
    REQUIRE(fresh.has_error());
    CHECK(fresh.error().message().find("s3cret") == std::string::npos);

    REQUIRE(pg.run("restart") == 0);
    auto up = store.journal->record_intent(intent("after"), "{}");
    REQUIRE(up.has_value());
    CHECK(up->created);
    CHECK_FALSE(store.journal->find(provider_id{"csboard"}, "during").value().has_value());
    CHECK(store.limiter->try_reserve(d, clk::now()).has_value());
}

TEST_CASE("postgres store: a client journals buys and draws every call from the store, and sends no buy while it is down",
          "[postgres][outage][client]")
{
    private_server pg("client");
    const auto url = fresh_store("client", pg.url());
    auto store = postgres_store::open(url).value();
    cs2market::testing::https_server provider([](const cs2market::testing::recorded_request& rq) {
        cs2market::testing::canned_response r;
        r.body = rq.target.starts_with("/v1/market/buy")
                     ? R"j({"data":{"purchase_id":"pur_1","steam_id":"7656","created_at":"2026-06-29T17:12:04Z","custom_id":"x","skins":[]}})j"
                     : R"j({"currency":"USD","balance_usd":10,"trading_enabled":true,"settled_balance_usd":10,"held_usd":0})j";
        return r;
    });
    client_options o;
    o.credential = "csb_pub_client";
    o.base_url = provider.base_url();
    o.ca_file = provider.ca_file();
    o.retry = retry_policy::none();
    store.apply(o);
    csboard::client c(o); // blocking calls: its io_context must wait for the store's answers
    auto buy = [&](std::string id) {
        csboard::market_buy_params p;
        p.body.item_ids = {"itm_1"};
        p.body.partner = "1";
        p.body.token = "t";
        p.body.custom_id = std::move(id);
        return c.call<csboard::ops::market_buy>(p);
    };
    REQUIRE(c.call<csboard::ops::get_balance>({}).has_value());
    REQUIRE(buy("x-before").has_value());
    CHECK(provider.request_count() == 2);
    // Every operation drew from the shared budgets (read and market_buy).
    CHECK(query_one(url, "SELECT count(*) FROM cs2market_budgets") == "2");
    CHECK(store.journal->find(csboard::id, "x-before").value().value().phase != order_phase::submitted);

    REQUIRE(pg.run("halt") == 0);
    auto down = buy("x-during");
    REQUIRE(down.has_error());
    CHECK(down.error().kind == error_kind::journal);
    auto read = c.call<csboard::ops::get_balance>({});
    REQUIRE(read.has_error()); // no budget to draw from: not sent either
    CHECK(read.error().kind == error_kind::journal);
    CHECK(provider.request_count() == 2); // nothing reached the provider

    REQUIRE(pg.run("restart") == 0);
    REQUIRE(buy("x-after").has_value());
    CHECK(provider.request_count() == 3);
    CHECK_FALSE(store.journal->find(csboard::id, "x-during").value().has_value());
}

TEST_CASE("postgres journal pool: buys in flight together run side by side, on no more connections than the pool has",
          "[postgres][journal][pool]")
{
    const std::string app = "cs2m_side_" + std::to_string(::getpid());
    const auto url = named(fresh_store("side"), app);
    auto j = postgres_journal::open(url, {}, postgres_pool_options{4, 30s}).value();
    CHECK(j->connections() == 4);
    table_lock lock(url + "_holder");
    bool all_four = false;
    int most = 0;
    auto done = intents_in_flight(j, "side-", 6, [&] {
        // One connection made them wait one behind the other: 1 at the server.
        all_four = until_waiting(url, app, 4);
        std::this_thread::sleep_for(300ms);
        most = backends(url, app, false);
        lock.release();
    });
    CHECK(all_four);
    CHECK(most == 4); // the other two wait for a free connection in the process
    for (const auto& r : done) {
        REQUIRE(r.has_value());
        CHECK(r->created);
    }
    CHECK(j->load(false).value().size() == 6);
    CHECK(backends(url, app, false) == 4); // kept open for the next
}

TEST_CASE("postgres journal pool: a call finding every connection busy fails after the bound, typed and without secrets",
          "[postgres][journal][pool]")
{
    const std::string app = "cs2m_busy_" + std::to_string(::getpid());
    auto base = server_url();
    base.replace(base.find("postgres@"), 9, "postgres:s3cret-pw@"); // ignored by trust authentication
    const auto url = named(fresh_store("busy", base), app);
    auto j = postgres_journal::open(url, {}, postgres_pool_options{1, 300ms}).value();
    table_lock lock(url + "_holder");
    result<intent_record> held = detail::make_error(error_kind::journal, "no answer");
    std::thread a([&] { held = j->record_intent(intent("held"), "{}"); });
    const bool waiting = until_waiting(url, app, 1);
    const auto t0 = std::chrono::steady_clock::now();
    auto busy = j->record_intent(intent("busy"), "{}");
    const auto waited = std::chrono::steady_clock::now() - t0;
    lock.release();
    a.join();
    REQUIRE(waiting);
    REQUIRE(busy.has_error());
    CHECK(busy.error().kind == error_kind::journal);
    CHECK(busy.error().message().find("no connection free") != std::string::npos);
    CHECK(busy.error().message().find("s3cret") == std::string::npos);
    CHECK(waited >= 300ms);
    CHECK(waited < 10s);
    REQUIRE(held.has_value());
    CHECK(held->created);
    // Nothing of the refused call was written; the pool goes on.
    CHECK_FALSE(j->find(provider_id{"csboard"}, "busy").value().has_value());
    CHECK(j->record_intent(intent("busy"), "{}").value().created);
}

TEST_CASE("postgres journal pool: a server restart breaks every connection, each reconnects and no call is lost",
          "[postgres][journal][pool][outage]")
{
    private_server pg("pool");
    const std::string app = "cs2m_restart_" + std::to_string(::getpid());
    const auto url = named(fresh_store("poolrestart", pg.url()), app);
    auto j = postgres_journal::open(url, {}, postgres_pool_options{3, 30s}).value();
    { // every connection opened, by three calls held at once
        table_lock lock(url + "_holder");
        bool three = false;
        auto first = intents_in_flight(j, "first-", 3, [&] {
            three = until_waiting(url, app, 3);
            lock.release();
        });
        REQUIRE(three);
        for (const auto& r : first)
            REQUIRE(r.has_value());
    }
    REQUIRE(pg.run("halt") == 0);
    REQUIRE(pg.run("restart") == 0);
    // More writers than connections, each connection found lost at its next BEGIN.
    constexpr int threads = 8, each = 4;
    std::atomic<int> failed{0}, moved{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < each; ++i) {
                auto r = j->record_intent(intent("again-" + std::to_string(t) + "-" + std::to_string(i)), "{}");
                if (!r || !r->created) {
                    ++failed;
                    continue;
                }
                order o = r->journaled;
                phase_change c{order_phase::submitted, order_phase::pending, o.created_at + 1, "processing", observation_source::buy, 1};
                o.phase = order_phase::pending;
                o.history.push_back(c);
                auto s = j->save(o, &c);
                if (s && *s)
                    ++moved;
                else
                    ++failed;
            }
        });
    for (auto& t : ts)
        t.join();
    CHECK(failed == 0);
    CHECK(moved == threads * each);
    auto last = intents_in_flight(j, "async-", 6);
    for (const auto& r : last)
        CHECK(r.has_value());
    CHECK(j->load(false).value().size() == 3 + threads * each + 6);
    CHECK(backends(url, app, false) <= 3);
}

TEST_CASE("postgres store: a malformed connection string is a typed error without its secrets", "[postgres]")
{
    auto bad = postgres_store::open("postgresql://u:pw-secret@127.0.0.1:notaport/db");
    REQUIRE(bad.has_error());
    CHECK(bad.error().kind == error_kind::journal);
    CHECK(bad.error().message().find("pw-secret") == std::string::npos);
    auto words = postgres_journal::open("host=127.0.0.1 password=pw-secret port=1 connect_timeout=2");
    REQUIRE(words.has_error());
    CHECK(words.error().message().find("pw-secret") == std::string::npos);
}

TEST_CASE("journal schema: the budget migration and statements run on SQLite too", "[postgres][journal]")
{
    const auto db = cs2market::test::temp_db("budget");
    { auto j = sqlite_journal::open(db).value(); }
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    auto run = [&](std::string_view sql, std::vector<std::string> params) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(raw, sql.data(), static_cast<int>(sql.size()), &st, nullptr) == SQLITE_OK);
        for (std::size_t i = 0; i < params.size(); ++i) // by name, as the journal binds: $2 may come before $1
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ("$" + std::to_string(i + 1)).c_str()), params[i].c_str(), -1,
                              SQLITE_TRANSIENT);
        std::vector<std::string> row;
        if (sqlite3_step(st) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(st); ++c)
                row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
        sqlite3_finalize(st);
        return row;
    };
    CHECK(run(detail::budget_lock_sql, {"b"}) == std::vector<std::string>{"", "0"});
    run(detail::budget_store_sql, {"b", "1,2,3"});
    run(detail::budget_pause_sql, {"b", "50"});
    run(detail::budget_pause_sql, {"b", "40"}); // a pause never shortens
    CHECK(run(detail::budget_lock_sql, {"b"}) == std::vector<std::string>{"1,2,3", "50"});
    sqlite3_close(raw);
    std::filesystem::remove(db);
}

TEST_CASE("budget slots: appended in order, at most N in any window, handed back", "[postgres][ratelimit]")
{
    detail::budget_slots b;
    std::vector<std::int64_t> all;
    for (int i = 0; i < 20; ++i) {
        const auto t = detail::budget_slot_for(b, 3, 100, 1000);
        detail::budget_take(b, t, 3, 100, 1000);
        all.push_back(t);
    }
    CHECK(all[2] == 1000);
    CHECK(all[3] == 1100);
    CHECK(all[19] == 1600);
    CHECK(b.slots.size() == 3); // only what can still count
    std::vector<std::int64_t> parsed;
    REQUIRE(detail::parse_budget_slots(detail::format_budget_slots(b.slots), parsed));
    CHECK(parsed == b.slots);
    CHECK_FALSE(detail::parse_budget_slots("3,2", parsed)); // not ascending: not ours
    CHECK(detail::budget_give_back(b, 1600));
    CHECK(detail::budget_slot_for(b, 3, 100, 1000) == 1600);
    b.paused_until = 5000;
    CHECK(detail::budget_slot_for(b, 3, 100, 1000) == 5000);
    // Long idle, then a burst: still N per window, not a token bucket's refill + burst.
    detail::budget_slots idle;
    for (int i = 0; i < 3; ++i)
        detail::budget_take(idle, detail::budget_slot_for(idle, 3, 100, 0), 3, 100, 0);
    CHECK(detail::budget_slot_for(idle, 3, 100, 10'000) == 10'000);
    for (int i = 0; i < 3; ++i)
        detail::budget_take(idle, detail::budget_slot_for(idle, 3, 100, 10'000), 3, 100, 10'000);
    CHECK(detail::budget_slot_for(idle, 3, 100, 10'000) == 10'100);
}
