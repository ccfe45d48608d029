// cs2market::cs2dt: the client, its operations and models (generated from
// schemas/cs2dt.json into cs2dt/generated/). Decoding only? Include
// <cs2market/cs2dt/models.hpp>, which needs no Beast, Asio or OpenSSL.
#ifndef CS2MARKET_CS2DT_HPP
#define CS2MARKET_CS2DT_HPP

#include <cs2market/cs2dt/generated/client.hpp>
#include <cs2market/cs2dt/orders.hpp> // what a journal records of its buys (record_binding)

#endif
