// cs2market: enums that keep values the schema does not know yet.
#ifndef CS2MARKET_OPEN_ENUM_HPP
#define CS2MARKET_OPEN_ENUM_HPP

#include <cs2market/detail/enum_wire.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace cs2market {

// enum_traits<E>, specialized by generated code for every schema enum (its wire
// form and values), is declared with the wire mapping in detail/enum_wire.hpp.

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
    static open_enum from_wire(raw_type raw);

    /// The enumerator, or empty for a value the schema does not list.
    std::optional<E> known() const noexcept { return known_; }
    bool is_known() const noexcept { return known_.has_value(); }
    const raw_type& raw() const noexcept { return raw_; }

    /// The enumerator name for known values, otherwise the raw wire value.
    std::string to_string() const;

    friend bool operator==(const open_enum& a, const open_enum& b) { return a.raw_ == b.raw_; }
    friend bool operator==(const open_enum& a, E b) { return a.known_ == b; }

private:
    static raw_type raw_of(E e);

    raw_type raw_{};
    std::optional<E> known_;
};

} // namespace cs2market

#include <cs2market/impl/open_enum.hpp>

#endif
