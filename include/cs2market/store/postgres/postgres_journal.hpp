// cs2market: the order journal in PostgreSQL, for fleets of processes on one or
// many machines. Link cs2market::postgres (Debian: libpq-dev). Same schema and
// migrations as the SQLite journal (detail/journal_schema.hpp); see
// postgres_store.hpp for the journal and the shared rate budgets together.
//
//   auto j = cs2market::postgres_journal::open("postgresql://bot@db/market").value();
//   opts.journal = j;   // every buy through this client is journaled first
//
// Threading: blocking libpq on the journal's own thread (journal::async_run),
// not libpq's non-blocking API driven by Asio. Every journal call is a short
// transaction of a few dependent statements (insert, read back, commit) that
// one connection runs one at a time anyway; the synchronous interface (the
// tracker's jobs, the CLI) stays as simple as SQLite's, and the caller's
// io_context never waits on a round trip either way.
//
// A lost connection is an error of the call that meets it (error_kind::journal:
// a buy is then not sent); the next call reconnects.
#ifndef CS2MARKET_STORE_POSTGRES_POSTGRES_JOURNAL_HPP
#define CS2MARKET_STORE_POSTGRES_POSTGRES_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/postgres/detail/pg_connection.hpp>
#include <cs2market/store/detail/sql_journal.hpp>
#include <cs2market/orders/journal.hpp>

#include <memory>
#include <string>

namespace cs2market {

class postgres_journal final : public detail::sql_journal {
public:
    /// Connects with `conninfo` (postgresql://user@host:port/db, libpq's
    /// key=value form, or "" for the PG* environment variables alone) and
    /// brings the schema up to date.
    CS2MARKET_DECL static result<std::shared_ptr<postgres_journal>> open(const std::string& conninfo, journal_options opts = {});

    /// The store, without its password (postgresql://user@host:port/db).
    CS2MARKET_DECL std::string where() const;

private:
    postgres_journal(std::unique_ptr<detail::pg_connection> db, journal_options opts)
        : detail::sql_journal(std::move(db), std::move(opts))
    {
    }
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/postgres/impl/pg_connection.ipp>
#include <cs2market/store/postgres/impl/postgres_journal.ipp>
#endif

#endif
