// cs2market::csboard data types (generated from schemas/csboard.json), for programs that
// only decode: no Beast, Asio or OpenSSL. Link cs2market::models.
#ifndef CS2MARKET_CSBOARD_MODELS_HPP
#define CS2MARKET_CSBOARD_MODELS_HPP

#include <cs2market/csboard/generated/models.hpp>

#endif
