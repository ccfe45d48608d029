// cs2market: forwarding header. replay_buy.hpp moved to <cs2market/orders/replay_buy.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_REPLAY_BUY_HPP
#define CS2MARKET_REPLAY_BUY_HPP
#include <cs2market/orders/replay_buy.hpp>
#endif
