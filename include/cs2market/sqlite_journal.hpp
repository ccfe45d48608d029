// cs2market: forwarding header. sqlite_journal.hpp moved to <cs2market/store/sqlite/sqlite_journal.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_SQLITE_JOURNAL_HPP
#define CS2MARKET_SQLITE_JOURNAL_HPP
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#endif
