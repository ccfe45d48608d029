// cs2market: gzip_decoder's bodies, the zlib part of the bulk readers. Compiled
// in every TU that includes <cs2market/net/bulk.hpp> (header-only), or once in
// <cs2market/src.hpp>. The only file that includes <zlib.h>.
#ifndef CS2MARKET_NET_IMPL_BULK_IPP
#define CS2MARKET_NET_IMPL_BULK_IPP

#include <cs2market/net/bulk.hpp>

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace cs2market {

namespace detail {

struct gzip_stream {
    z_stream z{};
    std::unique_ptr<unsigned char[]> out; // the output window, gzip_decoder::out_size bytes
};

void gzip_stream_deleter::operator()(gzip_stream* s) const noexcept
{
    inflateEnd(&s->z);
    delete s;
}

} // namespace detail

gzip_decoder::gzip_decoder() : zs_(new detail::gzip_stream{})
{
    zs_->out.reset(new unsigned char[out_size]);
    if (inflateInit2(&zs_->z, 16 + MAX_WBITS) != Z_OK) {
        zs_.reset();
        failed_ = make("cannot initialise zlib");
    }
}

result<void> gzip_decoder::feed_to(std::string_view in, detail::gzip_sink out, void* ctx)
{
    if (finished_ && !failed_)
        failed_ = detail::make_error(error_kind::invalid_argument, "feed() after finish()");
    if (failed_)
        return *failed_;
    if (stopped_)
        return {};
    while (!in.empty()) {
        std::size_t n = std::min<std::size_t>(in.size(), std::numeric_limits<uInt>::max() / 2);
        if (!inflate_some(in.substr(0, n), out, ctx))
            break;
        in.remove_prefix(n);
    }
    if (failed_)
        return *failed_;
    return {};
}

result<void> gzip_decoder::finish()
{
    if (failed_)
        return *failed_;
    if (!finished_ && !stopped_) {
        finished_ = true;
        if (!member_done_) {
            failed_ = make(in_total_ == 0 ? "empty input"
                                          : "truncated: input ended inside member " + std::to_string(members_ + 1) +
                                                " after " + std::to_string(in_total_) + " compressed bytes");
            return *failed_;
        }
    }
    return {};
}

result<void> gzip_decoder::status() const
{
    if (failed_)
        return *failed_;
    return {};
}

bool gzip_decoder::is_gzip(std::string_view bytes) noexcept
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
           static_cast<unsigned char>(bytes[1]) == 0x8b;
}

error gzip_decoder::make(std::string what)
{
    return detail::make_error(error_kind::invalid_json, "gzip: " + std::move(what));
}

bool gzip_decoder::inflate_some(std::string_view in, detail::gzip_sink out, void* ctx)
{
    z_stream& z = zs_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    while (z.avail_in > 0 || z.avail_out == 0) {
        if (member_done_) { // more bytes after a complete member: padding, or the next member
            if (z.avail_in == 0)
                break;
            if (padding_ || *z.next_in == 0) {
                while (z.avail_in > 0 && *z.next_in == 0) {
                    ++z.next_in;
                    --z.avail_in;
                    ++in_total_;
                }
                padding_ = true;
                if (z.avail_in == 0)
                    break;
                failed_ = make("a non-zero byte after the zero padding that follows member " + std::to_string(members_) +
                               " (compressed byte " + std::to_string(in_total_ + 1) + ")");
                return false;
            }
            if (inflateReset(&z) != Z_OK) {
                failed_ = make("cannot reset zlib");
                return false;
            }
            member_done_ = false;
        }
        z.next_out = zs_->out.get();
        z.avail_out = static_cast<uInt>(out_size);
        const uInt before = z.avail_in;
        int rc = inflate(&z, Z_NO_FLUSH);
        in_total_ += before - z.avail_in;
        const std::size_t produced = out_size - z.avail_out;
        out_total_ += produced;
        if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR) {
            std::string msg = z.msg ? z.msg : (rc == Z_NEED_DICT ? "needs a preset dictionary" : "zlib error " + std::to_string(rc));
            failed_ = make(msg + " in member " + std::to_string(members_ + 1) + " (near compressed byte " +
                           std::to_string(in_total_) + ")");
            return false;
        }
        if (produced != 0 && !out(ctx, std::string_view(reinterpret_cast<const char*>(zs_->out.get()), produced))) {
            stopped_ = true;
            return false;
        }
        if (rc == Z_STREAM_END) {
            member_done_ = true;
            ++members_;
            z.avail_out = 1; // the member is fully flushed
        } else if (rc == Z_BUF_ERROR) {
            break; // no progress possible: needs more input
        }
    }
    return true;
}

} // namespace cs2market

#endif
