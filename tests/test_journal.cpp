// The SQLite journal, on a real file: durable intents, compare-and-set
// transitions, duplicate ids, migrations, reopening, and no secret stored.
#include <cs2market/detail/journal_schema.hpp>
#include <cs2market/sqlite_journal.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

using namespace cs2market;

namespace {

std::string temp_db(const std::string& name)
{
    auto p = std::filesystem::temp_directory_path() / ("cs2market-" + name + "-" + std::to_string(::getpid()) + ".db");
    for (auto ext : {"", "-wal", "-shm"})
        std::filesystem::remove(p.string() + ext);
    return p.string();
}

order intent(std::string id)
{
    order o;
    o.provider = provider_id{"csboard"};
    o.id = std::move(id);
    o.operation = "market_buy";
    o.item_name = "AK-47 | Redline (Field-Tested)";
    o.max_price = decimal::from_string("12.345");
    o.price = o.max_price;
    o.created_at = 1'780'000'000'000;
    return o;
}

std::string file_text(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace

TEST_CASE("journal: an intent is recorded once; the same id again is found, not recorded twice", "[journal]")
{
    const auto db = temp_db("intent");
    auto j = sqlite_journal::open(db).value();
    auto first = j->record_intent(intent("buy-1"), R"({"item_ids":["itm_1"]})").value();
    CHECK(first.created);
    CHECK(first.journaled.phase == order_phase::submitted);
    CHECK(first.journaled.max_price == decimal::from_string("12.345"));
    auto again = j->record_intent(intent("buy-1"), "{}").value();
    CHECK_FALSE(again.created);
    CHECK(again.journaled.id == "buy-1");
    CHECK(j->load(false).value().size() == 1);
    // Another connection to the same file (another process would do the same) sees it.
    auto other = sqlite_journal::open(db).value();
    CHECK_FALSE(other->record_intent(intent("buy-1"), "{}").value().created);
    CHECK(other->find(provider_id{"csboard"}, "buy-1").value().has_value());
}

TEST_CASE("journal: transitions are compare-and-set and come back in order after reopening", "[journal]")
{
    const auto db = temp_db("cas");
    {
        auto j = sqlite_journal::open(db).value();
        REQUIRE(j->record_intent(intent("b"), "{}").has_value());
        auto o = intent("b");
        phase_change c1{order_phase::submitted, order_phase::pending, 10, "processing", "buy"};
        o.phase = order_phase::pending;
        o.order_id = "ord_1";
        CHECK(j->save(o, &c1).value());
        // A second writer that still thinks the order is submitted loses.
        CHECK_FALSE(j->save(o, &c1).value());
        phase_change c2{order_phase::pending, order_phase::delivered, 20, "delivered", "poll"};
        o.phase = order_phase::delivered;
        o.settles_at = 1'790'000'000'000;
        CHECK(j->save(o, &c2).value());
        phase_change c3{order_phase::delivered, order_phase::reversed, 30, "returned", "poll"};
        o.phase = order_phase::reversed;
        o.reversed_by = reversal_party::buyer;
        o.refunded = false;
        o.finished_at = 30;
        CHECK(j->save(o, &c3).value());
    }
    auto j = sqlite_journal::open(db).value(); // reopened: migrations are not re-applied, data is there
    auto o = j->find(provider_id{"csboard"}, "b").value();
    REQUIRE(o);
    CHECK(o->phase == order_phase::reversed);
    CHECK(o->order_id == "ord_1");
    CHECK(o->reversed_by == reversal_party::buyer);
    CHECK(o->refunded == false);
    CHECK(o->settles_at == 1'790'000'000'000);
    REQUIRE(o->history.size() == 3);
    CHECK(o->history[0].to == order_phase::pending);
    CHECK(o->history[2].source == "poll");
    CHECK(j->load(true).value().empty()); // nothing unfinished
    CHECK(o->provider.name() == "csboard");
}

TEST_CASE("journal: the schema version is recorded and migrations are kept in one place", "[journal]")
{
    const auto db = temp_db("schema");
    { auto j = sqlite_journal::open(db).value(); }
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "SELECT value FROM cs2market_meta WHERE key = 'schema_version'", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) ==
          std::to_string(detail::journal_migrations.back().version));
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

TEST_CASE("journal: a file that is not a journal, or cannot be opened, is a typed error", "[journal]")
{
    const auto db = temp_db("garbage");
    { std::ofstream(db) << "this is not an SQLite database, not at all"; }
    auto j = sqlite_journal::open(db);
    REQUIRE(j.has_error());
    CHECK(j.error().kind == error_kind::journal);
    auto missing = sqlite_journal::open("/nonexistent-dir/x/y.db");
    REQUIRE(missing.has_error());
    CHECK(missing.error().kind == error_kind::journal);
}

TEST_CASE("journal: the async form runs on the journal's thread and completes on the caller's executor", "[journal]")
{
    const auto db = temp_db("async");
    auto j = sqlite_journal::open(db).value();
    boost::asio::io_context ioc;
    std::thread::id ran_on, completed_on;
    std::optional<result<journal_claim>> got;
    j->async_run<result<journal_claim>>(
        [&, j] {
            ran_on = std::this_thread::get_id();
            return j->record_intent(intent("async-1"), "{}");
        },
        boost::asio::bind_executor(ioc, [&](result<journal_claim> r) {
            completed_on = std::this_thread::get_id();
            got = std::move(r);
        }));
    ioc.run(); // the pending completion keeps it running until the write is done
    REQUIRE(got);
    CHECK(got->value().created);
    CHECK(ran_on != std::this_thread::get_id());
    CHECK(completed_on == std::this_thread::get_id());
}

TEST_CASE("journal: leases split unfinished orders between workers and hand a dead worker's over", "[journal][lease]")
{
    const auto db = temp_db("lease");
    auto a = sqlite_journal::open(db).value();
    auto b = sqlite_journal::open(db).value(); // another process on the same file
    for (int i = 0; i < 6; ++i)
        REQUIRE(a->record_intent(intent("o" + std::to_string(i)), "{}").has_value());
    const unix_ms t0 = 1'000'000;
    // A claims four, B the rest; neither takes what the other holds.
    CHECK(a->claim_unfinished("A", t0, t0 + 20'000, 4).value().size() == 4);
    auto bs = b->claim_unfinished("B", t0, t0 + 20'000, 100).value();
    CHECK(bs.size() == 2);
    CHECK(b->claim_unfinished("B", t0 + 1'000, t0 + 21'000, 100).value().size() == 2); // its own again, no more
    CHECK(a->renew("A", t0 + 25'000).value().size() == 4);
    // A finishes one; a finished order is never claimed again.
    auto o = a->find(provider_id{"csboard"}, "o0").value().value();
    phase_change c{order_phase::submitted, order_phase::failed, t0, "x", "test"};
    o.phase = order_phase::failed;
    REQUIRE(a->save(o, &c).value());
    CHECK(a->renew("A", t0 + 25'000).value().size() == 3);
    // A dies: it stops renewing. Before its lease runs out B takes nothing of it...
    CHECK(b->claim_unfinished("B", t0 + 24'000, t0 + 44'000, 100).value().size() == 2);
    // ...after, B takes everything unfinished, and A's renewal finds it holds nothing.
    CHECK(b->claim_unfinished("B", t0 + 26'000, t0 + 46'000, 100).value().size() == 5);
    CHECK(a->renew("A", t0 + 27'000).value().empty());
    // A clean stop frees the orders at once.
    REQUIRE(b->release("B").has_value());
    CHECK(a->claim_unfinished("A", t0 + 27'000, t0 + 47'000, 100).value().size() == 5);
}

TEST_CASE("journal: a journal whose last reference a job held is destroyed on its own thread, cleanly", "[journal]")
{
    // A journaled client's last write holds the store (the job's function
    // captures it); when the caller lets go of the client and the journal before
    // the journal's thread has dropped that job, the journal is destroyed on its
    // own thread. It used to call std::terminate there (a joinable std::thread
    // destroyed: a thread cannot join itself).
    const auto db = temp_db("last-reference");
    boost::asio::io_context ioc;
    std::weak_ptr<sqlite_journal> watch;
    std::atomic<bool> release{false};
    std::optional<result<journal_claim>> got;
    {
        auto j = sqlite_journal::open(db).value();
        watch = j;
        j->async_run<result<journal_claim>>(
            [j, &release] {
                auto r = j->record_intent(intent("last-ref-1"), "{}");
                while (!release) // the caller has let go by the time this job is dropped
                    std::this_thread::yield();
                return r;
            },
            boost::asio::bind_executor(ioc, [&](result<journal_claim> r) { got = std::move(r); }));
    } // the job now holds the only reference
    release = true;
    ioc.run();
    REQUIRE(got);
    CHECK(got->value().created);
    for (int i = 0; i < 500 && !watch.expired(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(watch.expired());
    CHECK(sqlite_journal::open(db).value()->find(provider_id{"csboard"}, "last-ref-1").value());
}
