// cs2market::csboard: the client, its operations and models (generated from
// schemas/csboard.json into csboard/generated/). Decoding only? Include
// <cs2market/csboard/models.hpp>, which needs no Beast, Asio or OpenSSL.
#ifndef CS2MARKET_CSBOARD_HPP
#define CS2MARKET_CSBOARD_HPP

#include <cs2market/csboard/generated/client.hpp>
#include <cs2market/csboard/orders.hpp> // what a journal records of its buys (record_binding)

#endif
