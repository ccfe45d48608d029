// cs2market: forwarding header. exposure.hpp moved to <cs2market/orders/exposure.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_EXPOSURE_HPP
#define CS2MARKET_EXPOSURE_HPP
#include <cs2market/orders/exposure.hpp>
#endif
