// The SQLite journal, on a real file: durable intents, compare-and-set
// transitions, duplicate ids, migrations, reopening, and no secret stored.
#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>

#include "journal_conformance.hpp"

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

using conformance::intent;

} // namespace

TEST_CASE("journal: an intent is recorded once; the same id again is found, not recorded twice", "[journal]")
{
    const auto db = temp_db("intent");
    conformance::intent_once([&](journal_options o) { return std::shared_ptr<journal>(sqlite_journal::open(db, o).value()); });
}

TEST_CASE("journal: transitions are compare-and-set and come back in order after reopening", "[journal]")
{
    const auto db = temp_db("cas");
    conformance::compare_and_set([&](journal_options o) { return std::shared_ptr<journal>(sqlite_journal::open(db, o).value()); });
}

TEST_CASE("journal: a reversal whose refund is not known yet stays followed until it is", "[journal]")
{
    const auto db = temp_db("refund");
    conformance::refund_pending_followed([&](journal_options o) { return std::shared_ptr<journal>(sqlite_journal::open(db, o).value()); });
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
    const auto db = temp_db("lease"); // each connection: another process on the same file
    conformance::leases([&](journal_options o) { return std::shared_ptr<journal>(sqlite_journal::open(db, o).value()); });
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
