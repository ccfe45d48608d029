// cs2market: forwarding header. policies.hpp moved to <cs2market/net/policies.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_POLICIES_HPP
#define CS2MARKET_POLICIES_HPP
#include <cs2market/net/policies.hpp>
#endif
