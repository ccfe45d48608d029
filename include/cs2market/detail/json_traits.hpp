// cs2market internal: what the codec knows about a type: its JSON shape, and for
// Describe'd structs a compile-time table of members and wire keys.
#ifndef CS2MARKET_DETAIL_JSON_TRAITS_HPP
#define CS2MARKET_DETAIL_JSON_TRAITS_HPP

#include <cs2market/open_enum.hpp>
#include <cs2market/time.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cs2market::detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A> struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T> struct is_open_enum : std::false_type {};
template <class E> struct is_open_enum<open_enum<E>> : std::true_type {};
template <class T> struct is_unix_time : std::false_type {};
template <unix_unit U> struct is_unix_time<unix_time<U>> : std::true_type {};

template <class T>
concept described_struct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template <class T>
concept integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// ---------------------------------------------------------------------------
// Per-struct tables, computed at compile time.

template <class T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

template <class T>
struct struct_table {
    using members = members_of<T>;
    static constexpr std::size_t size = boost::mp11::mp_size<members>::value;

    /// Wire keys in member order: the member names, or T::cs2market_wire_keys when
    /// the generator had to rename a member (a keyword or a non-identifier key).
    static constexpr std::array<std::string_view, size> keys = [] {
        std::array<std::string_view, size> a{};
        if constexpr (requires { T::cs2market_wire_keys; }) {
            for (std::size_t i = 0; i < size; ++i)
                a[i] = T::cs2market_wire_keys[i];
        } else {
            std::size_t i = 0;
            boost::mp11::mp_for_each<members>([&](auto D) { a[i++] = D.name; });
        }
        return a;
    }();

    struct entry {
        std::string_view key;
        std::uint16_t index;
    };
    /// Sorted by key, for binary search.
    static constexpr std::array<entry, size> sorted = [] {
        std::array<entry, size> a{};
        for (std::size_t i = 0; i < size; ++i)
            a[i] = entry{keys[i], static_cast<std::uint16_t>(i)};
        for (std::size_t i = 1; i < size; ++i)
            for (std::size_t j = i; j > 0 && a[j].key < a[j - 1].key; --j) {
                auto t = a[j];
                a[j] = a[j - 1];
                a[j - 1] = t;
            }
        return a;
    }();

    static constexpr std::array<bool, size> required = [] {
        std::array<bool, size> a{};
        std::size_t i = 0;
        boost::mp11::mp_for_each<members>([&](auto D) {
            using M = std::remove_cvref_t<decltype(std::declval<T&>().*D.pointer)>;
            a[i++] = !is_optional<M>::value;
        });
        return a;
    }();

    /// Whether T lists keys the schema says are usually there though optional
    /// (x-cs2market-usually-present): their absence is drift, not an error.
    static constexpr bool any_usual = requires { T::cs2market_usually_present; };
    static constexpr std::array<bool, size> usual = [] {
        std::array<bool, size> a{};
        if constexpr (any_usual)
            for (std::string_view u : T::cs2market_usually_present)
                for (std::size_t i = 0; i < size; ++i)
                    if (keys[i] == u)
                        a[i] = true;
        return a;
    }();

    /// Numbers the provider's docs show as JSON strings (x-cs2market-sent-as-string):
    /// read as numbers like any other, but no drift.
    static constexpr bool any_sent_as_string = requires { T::cs2market_sent_as_string; };
    static constexpr std::array<bool, size> sent_as_string = [] {
        std::array<bool, size> a{};
        if constexpr (any_sent_as_string)
            for (std::string_view u : T::cs2market_sent_as_string)
                for (std::size_t i = 0; i < size; ++i)
                    if (keys[i] == u)
                        a[i] = true;
        return a;
    }();

    static int find(std::string_view key) noexcept
    {
        std::size_t lo = 0, hi = size;
        while (lo < hi) {
            std::size_t mid = (lo + hi) / 2;
            if (sorted[mid].key < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < size && sorted[lo].key == key ? sorted[lo].index : -1;
    }
};

} // namespace cs2market::detail

#endif
