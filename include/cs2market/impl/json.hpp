// cs2market: the codec's public template bodies. Included at the end of <cs2market/json.hpp>.
#ifndef CS2MARKET_IMPL_JSON_HPP
#define CS2MARKET_IMPL_JSON_HPP

#include <cs2market/json.hpp>

namespace cs2market {

namespace detail {
template <class T>
constexpr codec_options default_codec_options() noexcept
{
    if constexpr (requires { cs2market_codec_options(static_cast<const T*>(nullptr)); })
        return cs2market_codec_options(static_cast<const T*>(nullptr));
    else
        return codec_options{};
}
} // namespace detail

template <class T>
result<T> from_json(std::string_view json, const codec_options& opt)
{
    error err;
    T out{};
    if (!detail::decode_text(json, opt, {}, out, err))
        return err;
    return out;
}

template <class T>
std::string to_json(const T& v)
{
    std::string out;
    detail::encode_value(out, v);
    return out;
}

template <class T>
void to_json(const T& v, std::string& out)
{
    detail::encode_value(out, v);
}

namespace io {
template <class T>
    requires detail::described_struct<T>
std::ostream& operator<<(std::ostream& os, const T& v)
{
    return os << to_json(v);
}
} // namespace io

template <class T>
std::ostream& operator<<(std::ostream& os, const boost::system::result<T, error>& r)
{
    if (!r)
        return os << "error: " << r.error().message();
    if constexpr (requires { os << *r; })
        return os << *r;
    else
        return os << to_json(*r);
}

} // namespace cs2market

#endif
