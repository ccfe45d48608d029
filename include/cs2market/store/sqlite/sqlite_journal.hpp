// cs2market: the order journal in an SQLite file (WAL, durable commits).
// Link cs2market::sqlite (Debian: libsqlite3-dev). Several processes may share
// one file on one machine; fleets on many machines use the PostgreSQL store.
// The same transactions as the PostgreSQL journal (detail/sql_journal.hpp).
//
//   auto j = cs2market::sqlite_journal::open("orders.db").value();
//   opts.journal = j;   // every buy through this client is journaled first
#ifndef CS2MARKET_STORE_SQLITE_SQLITE_JOURNAL_HPP
#define CS2MARKET_STORE_SQLITE_SQLITE_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_journal.hpp>
#include <cs2market/orders/journal.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cs2market {

class sqlite_journal final : public detail::sql_journal {
public:
    /// Opens (creating it if needed) the journal at `path` and brings its schema
    /// up to date.
    CS2MARKET_DECL static result<std::shared_ptr<sqlite_journal>> open(const std::string& path, journal_options opts = {});

    const std::string& path() const noexcept { return path_; }

private:
    sqlite_journal(std::vector<std::unique_ptr<detail::sql_session>> db, journal_options opts, std::string path)
        // One session: a file takes one writer at a time. The wait is for the
        // call before (each statement waits up to 15 s for another process).
        : detail::sql_journal(std::move(db), std::move(opts), std::chrono::minutes(2)), path_(std::move(path))
    {
    }

    std::string path_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/sqlite/impl/sqlite_journal.ipp>
#endif

#endif
