// cs2market internal: mapping schema enums to and from their wire values.
#ifndef CS2MARKET_DETAIL_ENUM_WIRE_HPP
#define CS2MARKET_DETAIL_ENUM_WIRE_HPP

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace cs2market {

/// Specialized by generated code for every schema enum (public; see <cs2market/open_enum.hpp>):
///   static constexpr bool is_string;            // wire form: string or integer
///   static constexpr std::string_view wire[];   // string enums: wire values in Describe order
template <class E>
struct enum_traits;

namespace detail {

template <class E>
constexpr bool is_string_enum = enum_traits<E>::is_string;

/// Wire string of a known enumerator of a string enum.
template <class E>
constexpr std::string_view enum_wire_name(E e) noexcept
{
    std::string_view r;
    std::size_t i = 0;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
        if (D.value == e)
            r = enum_traits<E>::wire[i];
        ++i;
    });
    return r;
}

template <class E>
constexpr std::optional<E> enum_from_wire(std::string_view s) noexcept
{
    std::optional<E> r;
    std::size_t i = 0;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
        if (!r && enum_traits<E>::wire[i] == s)
            r = D.value;
        ++i;
    });
    return r;
}

/// The enumerator named `name` (its C++ name, e.g. "price_asc"), if any.
template <class E>
constexpr std::optional<E> enum_from_name(std::string_view name) noexcept
{
    std::optional<E> r;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
        if (!r && name == D.name)
            r = D.value;
    });
    return r;
}

template <class E>
constexpr std::optional<E> enum_from_wire(std::int64_t v) noexcept
{
    std::optional<E> r;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
        if (static_cast<std::int64_t>(D.value) == v)
            r = D.value;
    });
    return r;
}

} // namespace detail
} // namespace cs2market

#endif
