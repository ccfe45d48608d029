// cs2market: forwarding header. postgres_journal.hpp moved to <cs2market/store/postgres/postgres_journal.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_POSTGRES_JOURNAL_HPP
#define CS2MARKET_POSTGRES_JOURNAL_HPP
#include <cs2market/store/postgres/postgres_journal.hpp>
#endif
