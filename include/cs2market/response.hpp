// cs2market: the typed answer of one call, with the transport facts a caller may need.
#ifndef CS2MARKET_RESPONSE_HPP
#define CS2MARKET_RESPONSE_HPP

#include <cs2market/json.hpp>

#include <ostream>

namespace cs2market {

/// The decoded payload of one call plus its HTTP status and whether the
/// provider said it is a replay (a buy answered from the provider's record of an
/// earlier request with the same id: the response header its schema names,
/// x-cs2market-exactly-once `replayed_header`).
template <class T>
struct response {
    T value;
    unsigned http_status = 200;
    bool idempotent_replayed = false;
};

/// Prints "HTTP 200 <value as JSON>".
template <class T>
std::ostream& operator<<(std::ostream& os, const response<T>& r)
{
    os << "HTTP " << r.http_status << " ";
    if constexpr (requires { os << r.value; })
        return os << r.value;
    else
        return os << to_json(r.value);
}

} // namespace cs2market

#endif
