// cs2market: bodies of sqlite_journal.hpp.
#ifndef CS2MARKET_STORE_SQLITE_IMPL_SQLITE_JOURNAL_IPP
#define CS2MARKET_STORE_SQLITE_IMPL_SQLITE_JOURNAL_IPP

#include <cs2market/store/sqlite/detail/sqlite_session.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>

namespace cs2market {

CS2MARKET_DECL result<std::shared_ptr<sqlite_journal>> sqlite_journal::open(const std::string& path, journal_options opts)
{
    auto db = detail::sqlite_session::open(path);
    if (!db)
        return db.error();
    if (auto r = detail::migrate_journal(**db); !r)
        return r.error();
    std::vector<std::unique_ptr<detail::sql_session>> sessions;
    sessions.push_back(std::move(*db));
    return std::shared_ptr<sqlite_journal>(new sqlite_journal(std::move(sessions), std::move(opts), path));
}

} // namespace cs2market

#endif
