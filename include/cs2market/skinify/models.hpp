// cs2market::skinify data types (generated from schemas/skinify.json), for programs that
// only decode: no Beast, Asio or OpenSSL. Link cs2market::models.
#ifndef CS2MARKET_SKINIFY_MODELS_HPP
#define CS2MARKET_SKINIFY_MODELS_HPP

#include <cs2market/skinify/generated/models.hpp>

#endif
