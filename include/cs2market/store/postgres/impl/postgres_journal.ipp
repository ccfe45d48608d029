// cs2market: bodies of postgres_journal.hpp.
#ifndef CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_JOURNAL_IPP
#define CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_JOURNAL_IPP

#include <cs2market/store/postgres/postgres_journal.hpp>

namespace cs2market {

CS2MARKET_DECL result<std::shared_ptr<postgres_journal>> postgres_journal::open(const std::string& conninfo, journal_options opts,
                                                                                postgres_pool_options pool)
{
    auto db = detail::pg_connection::make(conninfo, "journal");
    if (!db)
        return db.error();
    if (pool.connections == 0)
        return (*db)->failure("cannot open", "a pool of 0 connections");
    if (auto r = (*db)->ensure(); !r)
        return (*db)->failure("cannot open", r.error().detail);
    if (auto r = detail::migrate_journal(**db); !r)
        return r.error();
    std::string where = (*db)->where();
    std::vector<std::unique_ptr<detail::sql_session>> sessions;
    sessions.push_back(std::move(*db));
    while (sessions.size() < pool.connections) {
        auto more = detail::pg_connection::make(conninfo, "journal"); // connects on its first transaction
        if (!more)
            return more.error();
        sessions.push_back(std::move(*more));
    }
    return std::shared_ptr<postgres_journal>(new postgres_journal(std::move(sessions), std::move(opts), pool.wait, std::move(where)));
}

} // namespace cs2market

#endif
