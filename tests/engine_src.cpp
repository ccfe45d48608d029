// The HTTPS engine, compiled once for every test TU (CS2MARKET_SEPARATE_COMPILATION).
#include <cs2market/src.hpp>
