// cs2market: forwarding header. bulk.hpp moved to <cs2market/net/bulk.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_BULK_HPP
#define CS2MARKET_BULK_HPP
#include <cs2market/net/bulk.hpp>
#endif
