// cs2market internal: zlib's inflate state for gzip_decoder, opaque here so that
// only impl/bulk.ipp includes <zlib.h>.
#ifndef CS2MARKET_NET_DETAIL_GZIP_HPP
#define CS2MARKET_NET_DETAIL_GZIP_HPP

#include <cs2market/detail/config.hpp>

#include <memory>
#include <string_view>

namespace cs2market::detail {

/// A z_stream set up for gzip (RFC 1952) and its output window. Heap-allocated
/// and never moved: zlib's internal state points back at its z_stream.
struct gzip_stream;

/// Ends the zlib stream (inflateEnd) and frees it.
struct gzip_stream_deleter {
    CS2MARKET_DECL void operator()(gzip_stream* s) const noexcept;
};

using gzip_stream_ptr = std::unique_ptr<gzip_stream, gzip_stream_deleter>;

/// Receives a piece of inflated output; false stops inflating.
using gzip_sink = bool (*)(void* ctx, std::string_view plain);

} // namespace cs2market::detail

#endif
