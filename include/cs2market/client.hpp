// cs2market: forwarding header. client.hpp moved to <cs2market/net/client.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_CLIENT_HPP
#define CS2MARKET_CLIENT_HPP
#include <cs2market/net/client.hpp>
#endif
