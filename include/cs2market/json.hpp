// cs2market: one Describe-driven JSON codec for every generated type.
//
//   auto r = cs2market::from_json<csboard::Order>(body);   // result<Order>, never throws
//   if (!r) std::cerr << r.error().message();             // "items[1].price_usd: expected number, got string"
//   std::string s = cs2market::to_json(*r);
//
// Unknown keys are skipped at every level; missing optional keys and nulls for
// nullable members decode to std::nullopt; missing required keys, wrong types,
// malformed, truncated, too large or too deeply nested input give an error.
//
// Supported member types: bool, integers, floating point, std::string, decimal,
// iso_time, unix_time, open_enum, raw_json, std::optional, std::vector,
// std::map<std::string, T> and Describe'd structs of these.
//
// What is tolerated (unknown keys and enum values, numbers sent as strings, usual
// keys missing) is told to codec_options::drift when set (drift.hpp).
#ifndef CS2MARKET_JSON_HPP
#define CS2MARKET_JSON_HPP

#include <cs2market/decimal.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/drift.hpp>
#include <cs2market/error.hpp>
#include <cs2market/open_enum.hpp>
#include <cs2market/raw_json.hpp>
#include <cs2market/time.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <map>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cs2market {

/// Limits and leniency for decoding. Generated provider headers supply their
/// schema's defaults; callers may pass their own.
struct codec_options {
    bool numbers_from_strings = false; ///< "14.37" is accepted where a number is expected
    bool strings_from_numbers = false; ///< 1234 is accepted where a string is expected (digits kept)
    std::size_t max_depth = 64;        ///< nesting deeper than this is refused
    std::size_t max_size = std::size_t{256} << 20; ///< inputs larger than this are refused
    /// Hears of what was tolerated (unknown fields and enum values, numeric
    /// strings, usual fields missing); null: nobody listens (drift.hpp).
    drift_listener* drift = nullptr;
};

} // namespace cs2market

// The machinery; codec_options above is complete for it.
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/detail/json_traits.hpp>
#include <cs2market/detail/json_decoder.hpp>
#include <cs2market/detail/json_writer.hpp>
#include <cs2market/detail/json_sinks.hpp>

namespace cs2market {

namespace detail {
/// Default options for T: generated provider namespaces define
/// `cs2market_codec_options(const void*)`, found here through ADL on T.
template <class T>
constexpr codec_options default_codec_options() noexcept;
} // namespace detail

using detail::default_codec_options;

/// Optional compiled implementation: the decoder of a type is instantiated in
/// every translation unit that decodes it. To compile it once instead, write
///     CS2MARKET_EXTERN_DECODE(cs2market::csboard::ListingsPage)
/// in a header of yours (after the cs2market includes), and
///     CS2MARKET_INSTANTIATE_DECODE(cs2market::csboard::ListingsPage)
/// in one .cpp file. from_json<T>, decode_response and the bulk readers then
/// call the one compiled copy.
#define CS2MARKET_DETAIL_DECODE_DECLS(EXTERN, ...)                                                                            \
    EXTERN template bool ::cs2market::detail::decode_text<__VA_ARGS__>(std::string_view, const ::cs2market::codec_options&, \
                                                                       std::string, __VA_ARGS__&, ::cs2market::error&);    \
    EXTERN template bool ::cs2market::detail::decode_node<__VA_ARGS__>(const ::cs2market::detail::tape&, std::uint32_t,       \
                                                                       const ::cs2market::codec_options&, std::string,      \
                                                                       __VA_ARGS__&, ::cs2market::error&)
#define CS2MARKET_EXTERN_DECODE(...) CS2MARKET_DETAIL_DECODE_DECLS(extern, __VA_ARGS__)
#define CS2MARKET_INSTANTIATE_DECODE(...) CS2MARKET_DETAIL_DECODE_DECLS(, __VA_ARGS__)

/// Decodes `json` into a T. Never throws (except std::bad_alloc).
template <class T>
result<T> from_json(std::string_view json, const codec_options& opt = default_codec_options<T>());

/// Compact JSON for `v`. Absent optional members are omitted; decimals are plain numbers.
template <class T>
std::string to_json(const T& v);

/// Appends the JSON for `v` to `out` (reuses its capacity).
template <class T>
void to_json(const T& v, std::string& out);

/// `os << value` prints a generated type as its JSON. Generated provider
/// namespaces pull this in with a using-declaration, so ADL finds it (and so
/// test frameworks can print `result<T>`).
namespace io {
template <class T>
    requires detail::described_struct<T>
std::ostream& operator<<(std::ostream& os, const T& v);
} // namespace io

/// Prints error::message().
CS2MARKET_DECL std::ostream& operator<<(std::ostream& os, const error& e);

/// Prints a result: its value (as JSON when it has no operator<< of its own) or
/// its error. More specialized than Boost's own overload, which would not
/// compile for values without operator<< (e.g. std::optional<decimal>).
template <class T>
std::ostream& operator<<(std::ostream& os, const boost::system::result<T, error>& r);

} // namespace cs2market

#include <cs2market/impl/json.hpp>

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/json_tape.ipp>
#include <cs2market/impl/json.ipp>
#endif

#endif
