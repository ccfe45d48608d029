// cs2market: forwarding header. replay_guard.hpp moved to <cs2market/net/replay_guard.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_REPLAY_GUARD_HPP
#define CS2MARKET_REPLAY_GUARD_HPP
#include <cs2market/net/replay_guard.hpp>
#endif
