// cs2market: forwarding header. journal.hpp moved to <cs2market/orders/journal.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_JOURNAL_HPP
#define CS2MARKET_JOURNAL_HPP
#include <cs2market/orders/journal.hpp>
#endif
