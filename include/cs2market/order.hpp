// cs2market: forwarding header. order.hpp moved to <cs2market/orders/order.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_ORDER_HPP
#define CS2MARKET_ORDER_HPP
#include <cs2market/orders/order.hpp>
#endif
