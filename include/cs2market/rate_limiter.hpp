// cs2market: forwarding header. rate_limiter.hpp moved to <cs2market/net/rate_limiter.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_RATE_LIMITER_HPP
#define CS2MARKET_RATE_LIMITER_HPP
#include <cs2market/net/rate_limiter.hpp>
#endif
