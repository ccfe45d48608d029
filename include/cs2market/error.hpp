// cs2market: the one error type and result alias used by every call.
#ifndef CS2MARKET_ERROR_HPP
#define CS2MARKET_ERROR_HPP

#include <cs2market/detail/config.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cs2market {

/// Which marketplace a call, an error or an order belongs to: the provider's
/// name as its schema gives it (`x-cs2market.provider`: "cs2dt", "csboard",
/// "skinify", ...). The core knows no provider by name; each provider's generated
/// header defines its id as `<provider>::provider::id`. Default-constructed: none.
/// The name must have static storage (a string literal or a generated constant).
class provider_id {
public:
    constexpr provider_id() noexcept = default;
    constexpr explicit provider_id(std::string_view name) noexcept : name_(name) {}

    constexpr std::string_view name() const noexcept { return name_; }
    constexpr bool empty() const noexcept { return name_.empty(); }
    friend constexpr bool operator==(provider_id a, provider_id b) noexcept { return a.name_ == b.name_; }

private:
    std::string_view name_;
};

/// The provider's name, or "cs2market" for none.
inline constexpr std::string_view to_string(provider_id p) noexcept
{
    return p.empty() ? std::string_view("cs2market") : p.name();
}

/// What went wrong, coarse enough to branch on.
enum class error_kind : std::uint8_t {
    none,
    invalid_argument, ///< the caller's input was refused before anything was sent
    invalid_json,     ///< a body that is not well-formed JSON (or is too large / too deep)
    decode,           ///< well-formed JSON that does not match the schema (see json_path)
    provider,         ///< the provider answered with a business error (see provider_code)
    http_status,      ///< an HTTP error status without a recognisable provider error body
    rate_limited,     ///< the provider's rate limit (see retry_after)
    transport,        ///< resolve / connect / write / read failed before the request was sent
    tls,              ///< TLS handshake or certificate verification failed
    timeout,          ///< a connect or read deadline passed
    outcome_unknown,  ///< the request may have reached the provider but no answer came back
    journal,          ///< the order journal could not record (a buy is then not sent) or read
    duplicate_id,     ///< a buy whose idempotency id is journaled already: not sent again (see idempotency_id)
};

inline constexpr std::string_view to_string(error_kind k) noexcept
{
    switch (k) {
    case error_kind::none: return "none";
    case error_kind::invalid_argument: return "invalid argument";
    case error_kind::invalid_json: return "invalid JSON";
    case error_kind::decode: return "decode error";
    case error_kind::provider: return "provider error";
    case error_kind::http_status: return "HTTP error";
    case error_kind::rate_limited: return "rate limited";
    case error_kind::transport: return "transport error";
    case error_kind::tls: return "TLS error";
    case error_kind::timeout: return "timeout";
    case error_kind::outcome_unknown: return "outcome unknown";
    case error_kind::journal: return "journal error";
    case error_kind::duplicate_id: return "duplicate idempotency id";
    }
    return "unknown";
}

/// The error of every fallible cs2market operation. Never holds a secret:
/// bodies and messages that echo a credential are redacted before they get here.
struct error {
    error_kind kind = error_kind::none;
    provider_id provider{};
    unsigned http_status = 0;         ///< 0 when no HTTP response was read
    std::string provider_code;        ///< CS2DT errorCode, CSBoard code, Skinify error_message
    std::string detail;               ///< human-readable text (the provider's message or ours)
    std::string json_path;            ///< for decode errors: where, e.g. "items[1].price_usd"
    std::optional<std::chrono::seconds> retry_after; ///< from Retry-After when present
    std::string body;                 ///< response body for diagnostics (truncated, redacted)
    boost::system::error_code system_code; ///< the underlying asio / OpenSSL error, if any
    /// The buy's idempotency id (caller's or generated: CS2DT outTradeNo, CSBoard
    /// custom_id / Idempotency-Key, Skinify custom_id) once a buy was sent: look
    /// the buy up by it before buying again (always set for outcome_unknown).
    std::string idempotency_id;

    /// One line: "items[1].price_usd: expected number" for decode errors,
    /// "csboard: HTTP 404, code order_not_found: Order not found" for API errors.
    CS2MARKET_DECL std::string message() const;

    explicit operator bool() const noexcept { return kind != error_kind::none; }
};

/// Thrown by the throwing conveniences (`result::value()`, `*_or_throw`).
class exception : public std::runtime_error {
public:
    explicit exception(cs2market::error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
    const cs2market::error& error() const noexcept { return error_; }

private:
    cs2market::error error_;
};

/// Found by boost::system::result::value() through ADL.
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location&)
{
    throw exception(e);
}

/// `result<T>`: a value or an `error`; `operator bool`, `*`, `->`, `.value()` (throws
/// `cs2market::exception`), `.error()`.
template <class T>
using result = boost::system::result<T, error>;

namespace detail {
inline error make_error(error_kind k, std::string detail, provider_id p = {})
{
    error e;
    e.kind = k;
    e.provider = p;
    e.detail = std::move(detail);
    return e;
}
} // namespace detail

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/error.ipp>
#endif

#endif
