// cs2market: logging and metrics hooks. Events never carry a credential: the
// target is the redacted one (CS2DT's app-key shows as <redacted>), headers and
// bodies are not included, and error details are redacted before they get here.
#ifndef CS2MARKET_NET_HOOKS_HPP
#define CS2MARKET_NET_HOOKS_HPP

#include <cs2market/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace cs2market {

struct call_event {
    enum class type : std::uint8_t {
        request_start,   ///< an attempt is about to be sent (after any rate-limit wait)
        request_end,     ///< an attempt ended (status or error set)
        retry,           ///< a retry is scheduled after `wait`
        rate_limit_wait, ///< the client-side limiter delays the call by `wait`
        reconcile,       ///< a buy's unknown outcome is being looked up by `id`
        journaled,       ///< a journaled buy: its intent is on disk (before the first request_start),
                         ///< then its answer (after the last request_end; `error` journal if that failed)
        body_progress,   ///< a large response body is arriving: `bytes` of `total` so far (between
                         ///< request_start and request_end; every body_progress_step bytes, and once at its end)
    } kind;
    provider_id provider;
    std::string_view operation;       ///< Op::name
    std::string_view method;          ///< "GET", "POST", ...
    std::string_view redacted_target; ///< path and query, secrets replaced by <redacted>
    unsigned attempt = 0;             ///< 1-based
    unsigned http_status = 0;         ///< request_end with a response
    error_kind error = error_kind::none;
    std::chrono::microseconds elapsed{0};   ///< request_end: duration of the attempt
    std::chrono::milliseconds wait{0};      ///< retry / rate_limit_wait
    std::string_view id;              ///< caller/generated id of a buy, when any
    std::uint64_t bytes = 0;          ///< body_progress: body bytes received so far
    std::uint64_t total = 0;          ///< body_progress: the Content-Length, 0 when the provider sent none
};

/// How often body_progress is reported: a body shorter than this reports nothing.
inline constexpr std::uint64_t body_progress_step = 64 * 1024;

/// One callback for every event; invoked on the client's strand. Keep it short.
using call_hook = std::function<void(const call_event&)>;

} // namespace cs2market

#endif
