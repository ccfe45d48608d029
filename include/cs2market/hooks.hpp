// cs2market: forwarding header. hooks.hpp moved to <cs2market/net/hooks.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_HOOKS_HPP
#define CS2MARKET_HOOKS_HPP
#include <cs2market/net/hooks.hpp>
#endif
