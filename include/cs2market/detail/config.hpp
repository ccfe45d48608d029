// cs2market internal: header-only (default) or separate compilation.
//
// Header-only: every function is inline and defined in the headers. With
// CS2MARKET_SEPARATE_COMPILATION defined for the whole program, the I/O engine
// (the HTTPS connection, the pool and the retry loop: the Beast/Asio-heavy,
// non-template part) is only declared in the headers and compiled once, in the
// one translation unit that includes <cs2market/src.hpp>. Every other TU then
// compiles like a TU that only includes the Boost headers.
#ifndef CS2MARKET_DETAIL_CONFIG_HPP
#define CS2MARKET_DETAIL_CONFIG_HPP

#ifdef CS2MARKET_SEPARATE_COMPILATION
#define CS2MARKET_DECL
#else
#define CS2MARKET_DECL inline
#endif

#endif
