// cs2market: the vocabulary generated operations are written in. No I/O here.
#ifndef CS2MARKET_OPERATION_HPP
#define CS2MARKET_OPERATION_HPP

#include <cs2market/error.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace cs2market {

enum class http_method : std::uint8_t { get, post, put, patch, delete_ };

inline constexpr std::string_view to_string(http_method m) noexcept
{
    switch (m) {
    case http_method::get: return "GET";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::patch: return "PATCH";
    case http_method::delete_: return "DELETE";
    }
    return "GET";
}

/// Where a parameter travels.
enum class param_in : std::uint8_t { path, query, header, body };

/// One entry per member of an operation's params struct, in member order.
struct param_info {
    std::string_view name; ///< wire name
    param_in in;
    bool required;
};

/// Where the credential goes (from the schema's securitySchemes).
struct auth_placement {
    enum class location : std::uint8_t { query, header } in;
    std::string_view name;   ///< "app-key", "Authorization", "Token"
    std::string_view prefix; ///< "Bearer " for bearer schemes
};

/// A JSON scalar in an envelope rule.
struct json_scalar {
    enum class kind : std::uint8_t { null, boolean, integer, string } type;
    bool b = false;
    std::int64_t i = 0;
    std::string_view s{};
};

/// `field == one of values` (or, with `negate`, `field not in values`) marks an error body.
struct envelope_rule {
    std::string_view field;
    bool negate;
    std::span<const json_scalar> values;
};

/// Any set member matches: an HTTP status, a provider code, or a non-JSON body prefix.
struct rate_limit_rule {
    unsigned status = 0;
    std::string_view code{};
    std::string_view body_prefix{};
};

/// A documented rate limit: at most `requests` in any sliding `window`, counted
/// per key and bucket (`x-cs2market.rate_limits` in the schema). Operations name
/// the buckets they draw from (`Op::rate_limits`).
struct rate_bucket {
    std::string_view name;
    unsigned requests;
    std::chrono::milliseconds window;
};

/// Provider-wide facts from the schema's `x-cs2market` block.
struct provider_info {
    provider_id id;
    std::string_view name;
    std::string_view default_base_url;
    std::string_view credential_env;
    std::string_view data_field; ///< payload key inside the envelope, empty when the body is the payload
    std::span<const envelope_rule> error_if;
    std::string_view code_field;
    std::string_view message_field;
    std::span<const rate_limit_rule> rate_limited_if;
    std::span<const std::pair<std::string_view, std::string_view>> default_headers;
};

/// Whose fault a documented error is (x-cs2market-errors `fault`; every buy error has one).
enum class error_fault : std::uint8_t {
    unclassified,
    recipient, ///< the recipient's trade URL, inventory or account
    provider,  ///< the marketplace or the seller
    caller,    ///< the request (price ceiling, balance, a bad id, a key)
    retryable, ///< try again (rate limits, the provider's own hiccups)
};

/// What a buy's answer proves (x-cs2market-errors `outcome`; every documented
/// buy error has one, the generator refuses a buy error without it).
enum class buy_outcome : std::uint8_t {
    unclassified, ///< not a buy's error
    refused,      ///< nothing was done: not charged, safe to record as failed
    unfinished,   ///< the provider is still working on it or timed out: send it again with its id where the provider replays, else follow it by id
    unknown,      ///< the answer does not say whether it was bought: reconcile by id
};

/// An error the provider documents for an operation.
struct documented_error {
    unsigned status; ///< 0 for in-body errors
    std::string_view code;
    std::string_view description;
    error_fault fault = error_fault::unclassified;
    bool not_found = false; ///< means "nothing under this id" (x-cs2market-errors `means: not_found`)
    buy_outcome outcome = buy_outcome::unclassified;
    /// A buy's refusal that says the listing is sold, gone or repriced
    /// (x-cs2market-errors `means: listing_gone`): a best-price route may try the
    /// next offer. Always with outcome refused.
    bool listing_gone = false;
};

/// The documented error `e` is among `errors`, or nullptr.
inline const documented_error* documented(const error& e, std::span<const documented_error> errors) noexcept
{
    if (e.kind != error_kind::provider && e.kind != error_kind::http_status && e.kind != error_kind::rate_limited)
        return nullptr;
    for (const auto& d : errors)
        if (d.code == e.provider_code && (d.status == 0 || d.status == e.http_status))
            return &d;
    return nullptr;
}

/// What a buy's failure `e` proves, `sent` saying whether the request may have
/// reached the provider. Never sent, or a rate-limit refusal: refused. After it
/// was sent: what the schema documents for the error; anything else (a lost or
/// unreadable answer, a 5xx, an error the schema does not list) is unknown,
/// never refused.
inline buy_outcome classify_buy_failure(const error& e, bool sent, std::span<const documented_error> errors) noexcept
{
    if (!sent || e.kind == error_kind::rate_limited)
        return buy_outcome::refused;
    if (e.kind == error_kind::outcome_unknown)
        return buy_outcome::unknown;
    if (const auto* d = documented(e, errors); d && d->outcome != buy_outcome::unclassified)
        return d->outcome;
    if (e.kind == error_kind::invalid_argument || e.kind == error_kind::duplicate_id || e.kind == error_kind::journal)
        return buy_outcome::refused; // refused by us before anything reached the provider
    return buy_outcome::unknown;
}

/// Whether `e` is the provider's documented "nothing under this id" among `errors`.
inline bool is_not_found(const error& e, std::span<const documented_error> errors) noexcept
{
    const auto* d = documented(e, errors);
    return d && d->not_found;
}

/// Every operation of `Provider` (a boost::mp11::mp_list of operation types);
/// each provider's generated operations header specialises it.
template <class Provider>
struct provider_operations;

} // namespace cs2market

#endif
