// cs2market::testing: a gzip (RFC 1952) encoder through zlib, for what serves or
// feeds gzip files: the sandbox's price snapshot, the bulk tests and fuzzers, the
// bulk benchmark. The library itself only inflates (detail/gzip.hpp).
#ifndef CS2MARKET_TESTING_GZIP_HPP
#define CS2MARKET_TESTING_GZIP_HPP

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace cs2market::testing {

/// One gzip member, compressed piece by piece (a benchmark's file of gigabytes
/// never sits in memory). Throws std::runtime_error when zlib fails.
class gzip_encoder {
public:
    explicit gzip_encoder(int level = Z_DEFAULT_COMPRESSION)
    {
        // 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
        if (deflateInit2(&z_, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("gzip: deflateInit2 failed");
    }
    ~gzip_encoder() { deflateEnd(&z_); }
    gzip_encoder(const gzip_encoder&) = delete;
    gzip_encoder& operator=(const gzip_encoder&) = delete;

    /// Compresses `in` and appends what zlib has ready to `out`; `last` ends the
    /// member (the trailer with its CRC and length).
    void write(std::string_view in, std::string& out, bool last = false)
    {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        char buf[1 << 14];
        int rc;
        do {
            z_.next_out = reinterpret_cast<Bytef*>(buf);
            z_.avail_out = sizeof buf;
            rc = deflate(&z_, last ? Z_FINISH : Z_NO_FLUSH);
            if (rc == Z_STREAM_ERROR)
                throw std::runtime_error("gzip: deflate failed");
            out.append(buf, sizeof buf - z_.avail_out);
        } while (z_.avail_out == 0 || (last && rc != Z_STREAM_END));
    }

private:
    z_stream z_{};
};

/// `data` as one gzip member.
inline std::string gzip(std::string_view data, int level = Z_DEFAULT_COMPRESSION)
{
    gzip_encoder e(level);
    std::string out;
    e.write(data, out, true);
    return out;
}

} // namespace cs2market::testing

#endif
