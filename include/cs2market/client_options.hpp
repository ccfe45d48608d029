// cs2market: forwarding header. client_options.hpp moved to <cs2market/net/client_options.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_CLIENT_OPTIONS_HPP
#define CS2MARKET_CLIENT_OPTIONS_HPP
#include <cs2market/net/client_options.hpp>
#endif
