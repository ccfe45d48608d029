// cs2market::cs2dt data types (generated from schemas/cs2dt.json), for programs that
// only decode: no Beast, Asio or OpenSSL. Link cs2market::models.
#ifndef CS2MARKET_CS2DT_MODELS_HPP
#define CS2MARKET_CS2DT_MODELS_HPP

#include <cs2market/cs2dt/generated/models.hpp>

#endif
