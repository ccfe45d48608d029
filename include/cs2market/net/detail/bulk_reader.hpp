// cs2market internal: row_reader_base, the half shared by ndjson_reader and
// json_array_reader. Part of <cs2market/net/bulk.hpp>, which defines bulk_options
// before including this header and derives the readers from this class.
#ifndef CS2MARKET_NET_DETAIL_BULK_READER_HPP
#define CS2MARKET_NET_DETAIL_BULK_READER_HPP

namespace cs2market::detail {
template <class Row>
class row_reader_base; // the readers in bulk.hpp derive from it before it is defined here
} // namespace cs2market::detail

#include <cs2market/net/bulk.hpp> // bulk_options

#include <cs2market/net/detail/bulk_common.hpp>
#include <cs2market/error.hpp>
#include <cs2market/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cs2market::detail {

/// The half shared by both readers: the row buffer with its limit, decoding with
/// the codec, delivery to the callback, the bad-row policy and the counters.
template <class Row>
class row_reader_base {
public:
    row_reader_base(const row_reader_base&) = delete;
    row_reader_base& operator=(const row_reader_base&) = delete;
    row_reader_base(row_reader_base&&) = default;
    row_reader_base& operator=(row_reader_base&&) = default;

    /// Rows decoded and handed to the callback.
    std::size_t rows() const noexcept { return rows_; }
    /// Rows that failed to decode (skipped, or handed over as errors).
    std::size_t bad_rows() const noexcept { return bad_; }
    /// The first bad row's error (kept in every mode).
    const std::optional<error>& first_bad_row() const noexcept { return first_bad_; }
    /// Bytes fed so far.
    std::uint64_t bytes() const noexcept { return consumed_; }
    /// The callback returned false; later feeds are ignored.
    bool stopped() const noexcept { return stopped_; }
    /// finish() was called.
    bool finished() const noexcept { return finished_; }
    /// The sticky fatal error, or success.
    result<void> status() const
    {
        if (failed_)
            return *failed_;
        return {};
    }

protected:
    template <class F>
    row_reader_base(F&& f, const bulk_options& opt, bool lines)
        : opt_(opt), codec_(opt.codec.value_or(default_codec_options<Row>())), lines_(lines)
    {
        static_assert(takes_result<Row, F> || takes_row<Row, F>,
                      "cs2market bulk reader: the callback must accept Row&& or result<Row>&&");
        takes_result_ = takes_result<Row, F>;
        sink_ = std::make_unique<sink_impl<std::decay_t<F>>>(std::forward<F>(f));
    }
    ~row_reader_base() = default;

    bool running() const noexcept { return !stopped_ && !failed_; }

    void fail(error e)
    {
        if (!failed_)
            failed_ = std::move(e);
    }
    result<void> fatal(std::string what)
    {
        fail(make_error(error_kind::invalid_json, std::move(what)));
        return *failed_;
    }

    /// Gathers a piece of the current row that ends a chunk.
    void add_part(std::string_view part)
    {
        row_bytes_ += part.size();
        if (oversized_)
            return;
        if (row_bytes_ > opt_.max_row_size) {
            oversized_ = true;
            buf_.clear();
            return;
        }
        buf_.append(part.data(), part.size());
    }

    /// The whole current row, its last piece being `last`: a view of the chunk
    /// when the row did not straddle chunks, else the buffer. Empty optional
    /// when the row is over the limit.
    std::optional<std::string_view> assemble(std::string_view last)
    {
        if (row_bytes_ == 0) {
            row_bytes_ = last.size();
            if (row_bytes_ > opt_.max_row_size) {
                oversized_ = true;
                return std::nullopt;
            }
            return last;
        }
        add_part(last);
        if (oversized_)
            return std::nullopt;
        return std::string_view(buf_);
    }
    void reset_row() noexcept
    {
        buf_.clear();
        row_bytes_ = 0;
        oversized_ = false;
    }

    /// Decodes and delivers row `where` (0-based element or 1-based line), or
    /// reports it too large. False when reading must stop (callback or fatal error).
    bool emit(std::optional<std::string_view> text, std::uint64_t where)
    {
        result<Row> r = text ? decode(*text, where) : result<Row>(too_large(where));
        if (!r) {
            ++bad_;
            if (!first_bad_)
                first_bad_ = r.error();
            if (!takes_result_) {
                if (opt_.bad_rows == bad_row_policy::skip)
                    return true;
                fail(std::move(r).error());
                return false;
            }
        } else {
            ++rows_;
        }
        if (!(*sink_)(std::move(r))) {
            stopped_ = true;
            return false;
        }
        return true;
    }

    std::string locator(std::uint64_t where) const
    {
        return lines_ ? "line " + std::to_string(where) : "[" + std::to_string(where) + "]";
    }

    bulk_options opt_;
    codec_options codec_;
    std::uint64_t consumed_ = 0;
    bool finished_ = false;

private:
    result<Row> decode(std::string_view text, std::uint64_t where)
    {
        error err;
        Row row{};
        if (!decode_text(text, codec_, {}, row, err)) {
            if (err.kind != error_kind::decode) {
                err.json_path = locator(where);
                return err;
            }
            std::string inner = std::move(err.json_path);
            err.json_path = locator(where);
            if (!inner.empty()) {
                if (lines_)
                    err.json_path += ": ";
                else if (inner.front() != '[')
                    err.json_path += '.';
                err.json_path += inner;
            }
            return err;
        }
        return row;
    }
    error too_large(std::uint64_t where) const
    {
        error e = make_error(error_kind::invalid_json,
                             "row of " + std::to_string(row_bytes_) + " bytes is larger than the limit of " +
                                 std::to_string(opt_.max_row_size) + " (bulk_options::max_row_size)");
        e.json_path = locator(where);
        return e;
    }

    // The callback, type-erased without std::function (which would require it to be copyable).
    struct sink_base {
        virtual ~sink_base() = default;
        virtual bool operator()(result<Row>&& r) = 0;
    };
    template <class Fn>
    struct sink_impl final : sink_base {
        template <class A>
        explicit sink_impl(A&& a) : fn(std::forward<A>(a))
        {
        }
        bool operator()(result<Row>&& r) override
        {
            if constexpr (std::is_invocable_v<Fn&, result<Row>&&>)
                return call_continue(fn, std::move(r));
            else
                return call_continue(fn, std::move(*r)); // only good rows get here
        }
        Fn fn;
    };

    std::unique_ptr<sink_base> sink_;
    bool takes_result_ = false;
    bool lines_;
    std::string buf_;
    std::uint64_t row_bytes_ = 0;
    bool oversized_ = false;
    bool stopped_ = false;
    std::optional<error> failed_;
    std::optional<error> first_bad_;
    std::size_t rows_ = 0;
    std::size_t bad_ = 0;
};

} // namespace cs2market::detail

#endif
