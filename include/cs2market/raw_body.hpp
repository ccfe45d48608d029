// cs2market: a response body that is not JSON (bulk files).
#ifndef CS2MARKET_RAW_BODY_HPP
#define CS2MARKET_RAW_BODY_HPP

#include <ostream>
#include <string>

namespace cs2market {

/// The bytes of a non-JSON response as received (still compressed when the
/// provider sends them compressed, e.g. CSBoard's gzip price snapshot), with
/// what is needed to read them and to ask again cheaply.
struct raw_body {
    std::string bytes;
    std::string content_type;
    std::string content_encoding; ///< "gzip" when the bytes are gzip-compressed
    std::string etag;             ///< send back as If-None-Match
    bool not_modified = false;    ///< HTTP 304: the caller's copy is current, `bytes` is empty
};

inline std::ostream& operator<<(std::ostream& os, const raw_body& b)
{
    os << (b.not_modified ? "304 not modified" : std::to_string(b.bytes.size()) + " bytes");
    if (!b.content_type.empty())
        os << " of " << b.content_type;
    if (!b.content_encoding.empty())
        os << " (" << b.content_encoding << ")";
    return os;
}

} // namespace cs2market

#endif
