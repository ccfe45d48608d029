// cs2market: building an operation's HTTP request and reading its response,
// separate from any I/O so the blocking and async executors share them.
#ifndef CS2MARKET_REQUEST_HPP
#define CS2MARKET_REQUEST_HPP

#include <cs2market/detail/params.hpp>
#include <cs2market/json.hpp>
#include <cs2market/operation.hpp>
#include <cs2market/raw_body.hpp>
#include <cs2market/response.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs2market {

/// A request ready for the wire. `target` may hold a credential (CS2DT's
/// `app-key` query parameter); log `redacted_target` instead.
struct http_request {
    http_method method = http_method::get;
    std::string target;
    std::string redacted_target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body; ///< JSON, empty when the operation has none
    bool idempotent = true;
    /// The response header whose value `true` says the answer is a replay of an
    /// earlier request with the same id (exactly_once_traits::replayed_header; "": none).
    std::string_view replayed_header;
};

/// What the executor read back.
struct http_response {
    unsigned status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
    bool idempotent_replayed = false; ///< the request's replayed_header said `true`
    std::string content_type;
    std::string content_encoding;
    std::string etag;
};

/// Builds the request of operation `Op`. Refuses (never sends) empty required
/// path segments, missing credentials and header values with line breaks.
template <class Op>
result<http_request> build_request(const typename Op::params& params, std::string_view credential);

/// Interprets a response of operation `Op`: the provider's envelope and error
/// conventions, then the typed payload. `secret` is scrubbed from anything kept.
/// `drift`, when given, hears of what the payload's decoding tolerated.
template <class Op>
result<response<typename Op::response_type>> decode_response(const http_response& r, std::string_view secret,
                                                              drift_listener* drift = nullptr);

} // namespace cs2market

#include <cs2market/impl/request.hpp>

#endif
