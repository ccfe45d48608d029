// cs2market: forwarding header. postgres_store.hpp moved to <cs2market/store/postgres/postgres_store.hpp> (layer folders);
// this name keeps working. New code includes the new path.
#ifndef CS2MARKET_POSTGRES_STORE_HPP
#define CS2MARKET_POSTGRES_STORE_HPP
#include <cs2market/store/postgres/postgres_store.hpp>
#endif
