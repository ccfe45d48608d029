// cs2market: bodies of postgres_journal.hpp.
#ifndef CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_JOURNAL_IPP
#define CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_JOURNAL_IPP

#include <cs2market/store/postgres/postgres_journal.hpp>

namespace cs2market {

CS2MARKET_DECL result<std::shared_ptr<postgres_journal>> postgres_journal::open(const std::string& conninfo, journal_options opts)
{
    auto db = detail::pg_connection::make(conninfo, "journal");
    if (!db)
        return db.error();
    if (auto r = (*db)->ensure(); !r)
        return (*db)->failure("cannot open", r.error().detail);
    if (auto r = detail::migrate_journal(**db); !r)
        return r.error();
    return std::shared_ptr<postgres_journal>(new postgres_journal(std::move(*db), std::move(opts)));
}

CS2MARKET_DECL std::string postgres_journal::where() const
{
    return with_session([](detail::sql_session& s) { return static_cast<detail::pg_connection&>(s).where(); });
}

} // namespace cs2market

#endif
