// cs2market internal: header-only (the default) or separate compilation.
//
// Layout (as in Boost.JSON and Beast): a public header declares a concept's API;
// template bodies live in impl/<name>.hpp, included at the end of the public
// header; non-template bodies live in impl/<name>.ipp and are declared
// CS2MARKET_DECL. Header-only (default), every public header includes its .ipp
// files and CS2MARKET_DECL is `inline`. With CS2MARKET_SEPARATE_COMPILATION
// defined for the whole program, the .ipp files are compiled once, in the one
// translation unit that includes <cs2market/src.hpp>.
#ifndef CS2MARKET_DETAIL_CONFIG_HPP
#define CS2MARKET_DETAIL_CONFIG_HPP

#ifdef CS2MARKET_SEPARATE_COMPILATION
#define CS2MARKET_DECL
#else
#define CS2MARKET_HEADER_ONLY
#define CS2MARKET_DECL inline
#endif

#endif
