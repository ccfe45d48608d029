// cs2market: open_enum's template bodies. Included at the end of <cs2market/open_enum.hpp>.
#ifndef CS2MARKET_IMPL_OPEN_ENUM_HPP
#define CS2MARKET_IMPL_OPEN_ENUM_HPP

#include <cs2market/open_enum.hpp>

namespace cs2market {

template <class E>
open_enum<E> open_enum<E>::from_wire(raw_type raw)
{
    open_enum o;
    o.known_ = detail::enum_from_wire<E>(raw);
    o.raw_ = std::move(raw);
    return o;
}

template <class E>
std::string open_enum<E>::to_string() const
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

template <class E>
typename open_enum<E>::raw_type open_enum<E>::raw_of(E e)
{
    if constexpr (detail::is_string_enum<E>)
        return std::string(detail::enum_wire_name(e));
    else
        return static_cast<std::int64_t>(e);
}

} // namespace cs2market

#endif
