// cs2market: forwarding header. transport_options.hpp moved to <cs2market/net/transport_options.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_TRANSPORT_OPTIONS_HPP
#define CS2MARKET_TRANSPORT_OPTIONS_HPP
#include <cs2market/net/transport_options.hpp>
#endif
