// cs2market internal: 128-bit integers for exact decimal intermediates.
#ifndef CS2MARKET_DETAIL_INT128_HPP
#define CS2MARKET_DETAIL_INT128_HPP

namespace cs2market::detail {

// 128-bit intermediates keep every sum and comparison of two decimals exact.
// __extension__ keeps -Wpedantic quiet about the GCC/Clang builtin type.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

} // namespace cs2market::detail

#endif
