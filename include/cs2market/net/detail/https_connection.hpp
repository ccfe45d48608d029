// cs2market internal: one keep-alive HTTPS/1.1 connection (Beast over OpenSSL),
// driven by coroutines with a deadline per phase.
#ifndef CS2MARKET_NET_DETAIL_HTTPS_CONNECTION_HPP
#define CS2MARKET_NET_DETAIL_HTTPS_CONNECTION_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/net/detail/transport.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cs2market::detail {

/// Bytes read ahead of the parser at most: bounds what a peer can make us hold
/// outside the body limit (a header or a chunk-size line that never ends).
inline constexpr std::size_t read_buffer_limit = 256 * 1024;
/// The response header's size limit.
inline constexpr std::size_t header_limit = 64 * 1024;

struct https_connection {
    https_connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context& ctx)
        : stream(ex, ctx), buffer(read_buffer_limit)
    {
    }

    tls_stream stream;
    boost::beast::flat_buffer buffer;
    std::string request_bytes; ///< the request being written; its capacity is kept for the next

    steady_clock::time_point last_used{};
    bool open = false;
    bool used = false; ///< has carried an exchange (a fresh one may hold unread TLS 1.3 session tickets)
    std::weak_ptr<pending_resolve> resolving; ///< the DNS lookup while connecting

    /// Ends whatever is pending at once (a lookup, a connect, a read).
    CS2MARKET_DECL void close() noexcept;

    /// A kept-alive connection is reused only while idle briefly, while the peer
    /// has not closed its side (TCP state), and, once it has carried an exchange,
    /// with nothing unread on it (bytes nobody asked for must never become the
    /// answer to the next request). A fresh connection may hold the server's
    /// unread TLS 1.3 session tickets: those are no reason to drop it.
    CS2MARKET_DECL bool healthy(std::chrono::milliseconds idle_timeout);
};

/// What one exchange on one connection gave.
struct exchange_outcome {
    result<http_response> res = http_response{};
    bool sent = false;      ///< the request was (maybe partly) written: the provider may have acted
    bool got_bytes = false; ///< some of a response came back
    bool keep_alive = false;
};

/// Writes `rq` as HTTP/1.1 bytes into `out` (cleared first; its capacity is
/// reused): request line, Host, User-Agent and Accept unless `rq` sets them,
/// `rq`'s headers (the last of a repeated name), Content-Length when there is a
/// body or the method is not GET, then the body. `rq` was checked by
/// build_request: no line break in a target, name or value.
CS2MARKET_DECL void serialize_request(std::string& out, const http_request& rq, std::string_view host, std::string_view user_agent);

/// Opens `c` (see async_connect_tls).
CS2MARKET_DECL boost::asio::awaitable<result<void>> async_open(https_connection& c, const endpoint_url& ep,
                                                               const client_options& opt, provider_id prov,
                                                               steady_clock::time_point deadline);

/// Hears a large body's progress (bytes so far, Content-Length or 0); empty: nobody listens.
/// A pointer and a context, not a std::function: no allocation on the call's path.
struct body_progress_fn {
    void (*fn)(void* ctx, std::uint64_t bytes, std::uint64_t total) = nullptr;
    void* ctx = nullptr;
    explicit operator bool() const noexcept { return fn != nullptr; }
    void operator()(std::uint64_t bytes, std::uint64_t total) const { fn(ctx, bytes, total); }
};

/// Writes one request and reads its final response (interim 1xx responses are
/// skipped). Failures are reported with the facts the caller needs to decide
/// (sent, got_bytes); turning a lost write into outcome_unknown is the caller's decision.
/// `progress` hears the body every body_progress_step bytes and at its end (only a body
/// that did not arrive with its header in one read).
CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> async_round_trip(https_connection& c, const endpoint_url& ep,
                                                                         const http_request& rq, const client_options& opt,
                                                                         provider_id prov, steady_clock::time_point deadline,
                                                                         body_progress_fn progress = {});

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/https_connection.ipp>
#endif

#endif
