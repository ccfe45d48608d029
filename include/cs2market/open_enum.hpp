// cs2market: enums that keep values the schema does not know yet.
#ifndef CS2MARKET_OPEN_ENUM_HPP
#define CS2MARKET_OPEN_ENUM_HPP

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace cs2market {

/// Specialized by generated code for every schema enum:
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

/// A value of schema enum `E` as it came over the wire. Known values compare
/// equal to their enumerator; unknown ones (a status a provider added after this
/// header was generated) decode fine, are kept, and encode back unchanged.
template <class E>
class open_enum {
public:
    using enum_type = E;
    using raw_type = std::conditional_t<detail::is_string_enum<E>, std::string, std::int64_t>;

    open_enum() = default;
    open_enum(E e) : raw_(raw_of(e)), known_(e) {} // NOLINT: implicit on purpose

    /// From the wire value; unknown values are kept as they are.
    static open_enum from_wire(raw_type raw)
    {
        open_enum o;
        o.known_ = detail::enum_from_wire<E>(raw);
        o.raw_ = std::move(raw);
        return o;
    }

    /// The enumerator, or empty for a value the schema does not list.
    std::optional<E> known() const noexcept { return known_; }
    bool is_known() const noexcept { return known_.has_value(); }
    const raw_type& raw() const noexcept { return raw_; }

    /// The enumerator name for known values, otherwise the raw wire value.
    std::string to_string() const
    {
        if (known_) {
            const char* name = nullptr;
            boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto D) {
                if (D.value == *known_)
                    name = D.name;
            });
            if (name)
                return name;
        }
        if constexpr (detail::is_string_enum<E>)
            return raw_;
        else
            return std::to_string(raw_);
    }

    friend bool operator==(const open_enum& a, const open_enum& b) { return a.raw_ == b.raw_; }
    friend bool operator==(const open_enum& a, E b) { return a.known_ == b; }

private:
    static raw_type raw_of(E e)
    {
        if constexpr (detail::is_string_enum<E>)
            return std::string(detail::enum_wire_name(e));
        else
            return static_cast<std::int64_t>(e);
    }

    raw_type raw_{};
    std::optional<E> known_;
};

} // namespace cs2market

#endif
