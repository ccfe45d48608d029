// cs2market: the compiled part, for programs built with CS2MARKET_SEPARATE_COMPILATION.
//
// Define CS2MARKET_SEPARATE_COMPILATION for every translation unit of the program
// (e.g. target_compile_definitions(app PRIVATE CS2MARKET_SEPARATE_COMPILATION)),
// and include this header in exactly one .cpp file, before anything else:
//
//   // cs2market_src.cpp
//   #include <cs2market/src.hpp>
//
// The other TUs then see the HTTPS engine only as declarations and compile in
// about the time of the Boost headers alone (see bench/results/compile_time.md).
#ifndef CS2MARKET_SRC_HPP
#define CS2MARKET_SRC_HPP

#ifndef CS2MARKET_SEPARATE_COMPILATION
#error "cs2market/src.hpp is for programs built with CS2MARKET_SEPARATE_COMPILATION defined"
#endif
#if defined(CS2MARKET_DETAIL_CONFIG_HPP)
#error "include cs2market/src.hpp first in its translation unit"
#endif

#define CS2MARKET_SOURCE
#if defined(__GNUC__) && !defined(__clang__)
// The coroutine frames hold small lambdas; g++ warns about those for functions
// defined in an included file with external linkage. Harmless here: one TU.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
#include <cs2market/detail/call_engine.hpp>
#include <cs2market/detail/connection_pool.hpp>
#include <cs2market/detail/https_connection.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// The models, the codec and the bulk readers (no Beast, Asio or OpenSSL).
#include <cs2market/impl/decimal.ipp>
#include <cs2market/impl/time.ipp>
#include <cs2market/impl/json_tape.ipp>
#include <cs2market/impl/json.ipp>
#include <cs2market/impl/bulk.ipp>

#endif
