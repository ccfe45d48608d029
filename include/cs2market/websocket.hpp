// cs2market: forwarding header. websocket.hpp moved to <cs2market/net/websocket.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_WEBSOCKET_HPP
#define CS2MARKET_WEBSOCKET_HPP
#include <cs2market/net/websocket.hpp>
#endif
