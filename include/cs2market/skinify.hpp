// cs2market::skinify: the client, its operations and models (generated from
// schemas/skinify.json into skinify/generated/). Decoding only? Include
// <cs2market/skinify/models.hpp>, which needs no Beast, Asio or OpenSSL.
#ifndef CS2MARKET_SKINIFY_HPP
#define CS2MARKET_SKINIFY_HPP

#include <cs2market/skinify/generated/client.hpp>
#include <cs2market/skinify/orders.hpp> // what a journal records of its buys (record_binding)

#endif
