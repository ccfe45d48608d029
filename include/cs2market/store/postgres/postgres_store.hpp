// cs2market: one PostgreSQL database for a fleet of processes: the order
// journal (exactly-once buys, leases on the orders each worker follows) and
// the rate budgets every process draws from. Link cs2market::postgres
// (Debian: libpq-dev).
//
//   auto store = cs2market::postgres_store::open("postgresql://bot@db/market").value();
//   cs2market::client_options opts{key};
//   store.apply(opts);   // opts.journal = store.journal; opts.limiter = store.limiter;
//
// The connection string is libpq's: a postgresql:// URI or key=value words,
// with whatever it leaves out taken from PGHOST, PGPORT, PGUSER, PGPASSWORD,
// PGDATABASE, ~/.pgpass and the rest, as psql does. Errors name the store
// without its password.
#ifndef CS2MARKET_STORE_POSTGRES_POSTGRES_STORE_HPP
#define CS2MARKET_STORE_POSTGRES_POSTGRES_STORE_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/store/postgres/postgres_journal.hpp>
#include <cs2market/store/postgres/postgres_rate_limiter.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace cs2market {

struct postgres_store {
    std::shared_ptr<postgres_journal> journal;
    std::shared_ptr<postgres_rate_limiter> limiter;

    /// Opens both on `conninfo` (the journal's pool of connections, each with
    /// its own thread, and the budgets' one).
    CS2MARKET_DECL static result<postgres_store> open(const std::string& conninfo, shared_budget_options budgets = {},
                                                      postgres_pool_options pool = {});

    /// Journals `opts`' buys here and draws its rate budget from here.
    void apply(client_options& opts) const
    {
        opts.journal = journal;
        opts.limiter = limiter;
    }
};

/// Whether `spec` names a PostgreSQL store (postgresql:// or postgres://) rather than a file.
inline bool is_postgres_conninfo(std::string_view spec) noexcept
{
    return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/postgres/impl/postgres_store.ipp>
#endif

#endif
