// cs2market: forwarding header. order_tracker.hpp moved to <cs2market/orders/order_tracker.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_ORDER_TRACKER_HPP
#define CS2MARKET_ORDER_TRACKER_HPP
#include <cs2market/orders/order_tracker.hpp>
#endif
