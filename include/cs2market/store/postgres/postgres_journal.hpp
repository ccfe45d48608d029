// cs2market: the order journal in PostgreSQL, for fleets of processes on one or
// many machines. Link cs2market::postgres (Debian: libpq-dev). Same schema and
// migrations as the SQLite journal (detail/journal_schema.hpp); see
// postgres_store.hpp for the journal and the shared rate budgets together.
//
//   auto j = cs2market::postgres_journal::open("postgresql://bot@db/market").value();
//   opts.journal = j;   // every buy through this client is journaled first
//
// Threading: blocking libpq on the journal's own threads (journal::async_run),
// not libpq's non-blocking API driven by Asio. Every journal call is a short
// transaction of a few dependent statements (insert, read back, commit); the
// synchronous interface (the tracker's jobs, the CLI) stays as simple as
// SQLite's, and the caller's io_context never waits on a round trip either way.
//
// A pool of connections (postgres_pool_options), each with its own thread for
// buys (journal::async_run_unordered): buys in flight together run their
// transactions side by side, and the server flushes commits that arrive
// together in one WAL write. One connection made them wait for each other's
// flush (~3.6 ms each here, bench/results/postgres.md). libpq's pipeline mode
// would not: one connection's commits are still flushed one after the other.
// Connections are opened when first needed, the last one given back is taken
// first: a process with one buy at a time uses one.
//
// A lost connection is an error of the call that meets it (error_kind::journal:
// a buy is then not sent); the next call on it reconnects.
#ifndef CS2MARKET_STORE_POSTGRES_POSTGRES_JOURNAL_HPP
#define CS2MARKET_STORE_POSTGRES_POSTGRES_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/postgres/detail/pg_connection.hpp>
#include <cs2market/store/detail/sql_journal.hpp>
#include <cs2market/orders/journal.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace cs2market {

/// The connections of one postgres_journal.
struct postgres_pool_options {
    /// At most this many transactions at once. Each connection is a server
    /// process: a fleet of P processes may hold P x (this + 1 for the rate
    /// budgets) of the server's max_connections (100 by default).
    std::size_t connections = 8;
    /// A call that finds every connection busy waits this long for one, then
    /// fails (error_kind::journal; a buy is then not sent).
    std::chrono::milliseconds wait{30000};
};

class postgres_journal final : public detail::sql_journal {
public:
    /// Connects with `conninfo` (postgresql://user@host:port/db, libpq's
    /// key=value form, or "" for the PG* environment variables alone) and
    /// brings the schema up to date.
    CS2MARKET_DECL static result<std::shared_ptr<postgres_journal>> open(const std::string& conninfo, journal_options opts = {},
                                                                         postgres_pool_options pool = {});

    /// The store, without its password (postgresql://user@host:port/db).
    const std::string& where() const noexcept { return where_; }
    /// How many connections it may open.
    std::size_t connections() const noexcept { return sessions().size(); }

private:
    postgres_journal(std::vector<std::unique_ptr<detail::sql_session>> db, journal_options opts, std::chrono::milliseconds wait,
                     std::string where)
        : detail::sql_journal(std::move(db), std::move(opts), wait), where_(std::move(where))
    {
    }

    std::string where_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/postgres/impl/pg_connection.ipp>
#include <cs2market/store/postgres/impl/postgres_journal.ipp>
#endif

#endif
