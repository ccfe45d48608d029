// cs2market: the three policies of the executor, each overridable per client
// (client_options) and per call (call_options):
//  - retry_policy:       which failures are attempted again;
//  - backoff_policy:     how long to wait before the next attempt (also used by
//                        the WebSocket client between reconnects);
//  - idempotency_policy: which requests may be sent again after they may have
//                        reached the provider, ids for buys, and lookups of lost buys.
#ifndef CS2MARKET_NET_POLICIES_HPP
#define CS2MARKET_NET_POLICIES_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>
#include <cs2market/operation.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string_view>

namespace cs2market {

/// How one attempt of a call ended, as the policies see it.
struct attempt_result {
    unsigned attempt = 1;            ///< 1-based
    error_kind kind = error_kind::none;
    unsigned http_status = 0;        ///< 0 when no complete response was read
    bool sent = false;               ///< the request was (maybe partly) written: the provider may have acted
    bool answered = false;           ///< a complete HTTP response was read
    bool resendable = false;         ///< the idempotency policy allows sending this request again
    bool response_too_large = false; ///< the answer exceeded max_response_size (resending would not help)
    /// A buy answered with an error: what the answer proves (the schema's
    /// x-cs2market-errors outcome). unfinished / unknown are never given up as a
    /// refusal: resent with the id where the provider replays, else reconciled.
    buy_outcome outcome = buy_outcome::unclassified;
    std::optional<std::chrono::milliseconds> retry_after; ///< the provider's Retry-After, if any
};

/// Which failures are attempted again.
///
/// Default rules (should_retry):
///  - never: invalid arguments, TLS/certificate failures, decode errors, 4xx
///    business errors (409 price_moved, 402, 404, ...): the same request would fail again;
///  - rate-limit answers (429, Skinify's in-body request_limit_exceeded): always,
///    the provider refused to act; unless Retry-After exceeds max_retry_after;
///  - 5xx answers: when the request is resendable, unless Retry-After exceeds max_retry_after;
///  - no answer, request not sent (connect, TLS hang-up): always;
///  - no answer after the request was sent: when resendable; a write that is not
///    resendable is reconciled instead (idempotency_policy), never resent.
struct retry_policy {
    /// Attempts in total, the first included; 1 disables retries (see none()).
    unsigned max_attempts = 4;
    /// A Retry-After longer than this is not waited for: the error is returned.
    std::chrono::milliseconds max_retry_after{60'000};
    /// Optional override, asked first: true retries, false gives up, nullopt
    /// leaves the decision to the default rules. max_attempts and the call's
    /// deadline still bound the retries.
    std::function<std::optional<bool>(const attempt_result&)> decide;

    /// The decision for a failed attempt (not counting max_attempts or deadlines).
    CS2MARKET_DECL bool should_retry(const attempt_result& a) const;

    /// The default: 4 attempts.
    static retry_policy recommended() { return retry_policy{}; }
    /// One attempt: every failure is returned as it happened.
    static retry_policy none()
    {
        retry_policy p;
        p.max_attempts = 1;
        return p;
    }
};

/// How long to wait before attempt n+1 after n consecutive failures:
/// `cap = min(max, initial * 2^(n-1))`, shortened by a random fraction in
/// [0, jitter) of itself; never shorter than the provider's Retry-After.
/// jitter 1 is "full jitter" (uniform in [0, cap]), the executor's default;
/// the WebSocket client uses 0.25.
struct backoff_policy {
    std::chrono::milliseconds initial{100};
    std::chrono::milliseconds max{5'000};
    double jitter = 1.0;

    /// The wait after `failures` consecutive failures (1 for the first).
    template <class URBG>
    std::chrono::milliseconds delay(unsigned failures, std::optional<std::chrono::milliseconds> retry_after, URBG& rng) const
    {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        auto w = delay_for(failures, u(rng));
        if (retry_after && *retry_after > w)
            w = *retry_after;
        return w;
    }

    /// The wait for a given random draw `r` in [0, 1): deterministic, for tests.
    CS2MARKET_DECL std::chrono::milliseconds delay_for(unsigned failures, double r) const;
};

/// What the idempotency policy knows about an operation.
struct operation_facts {
    provider_id provider;
    std::string_view operation;
    http_method method = http_method::get;
    bool is_buy = false;           ///< has an idempotency id (exactly_once_traits)
    bool provider_replays = false; ///< the provider answers a repeated id with the original outcome
    bool has_id = false;           ///< this call carries an id (the caller's or a generated one)
};

/// Which requests may be sent again after they may have reached the provider,
/// and how buys are made exactly once.
struct idempotency_policy {
    /// Give buys without a caller id (CS2DT outTradeNo, Skinify custom_id,
    /// CSBoard custom_id / Idempotency-Key) a generated one, so that they can be
    /// replayed or looked up.
    bool generate_ids = true;
    /// When a buy's outcome is unknown, look it up by its id and return the real
    /// outcome; when the lookup cannot tell, the call fails with
    /// error_kind::outcome_unknown and error::idempotency_id set.
    bool reconcile = true;
    /// Optional override, asked first: true lets the request be resent, false
    /// forbids it, nullopt leaves it to the default (GET requests, and buys the
    /// provider replays by id when they carry one).
    std::function<std::optional<bool>(const operation_facts&)> may_resend;

    CS2MARKET_DECL bool resendable(const operation_facts& op) const;
};

/// Per-call overrides; empty fields take the client's settings.
struct call_options {
    std::optional<retry_policy> retry;
    std::optional<backoff_policy> backoff;
    std::optional<idempotency_policy> idempotency;
    /// Total deadline of the call: rate-limit waits, every attempt, backoffs and a
    /// reconciliation included. Defaults to client_options::total_timeout.
    std::optional<std::chrono::milliseconds> timeout;
    /// false: a buy is not journaled by this call even with client_options::journal
    /// set (a journaled buy sent again by its order's follower: its intent is there).
    bool journal = true;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/policies.ipp>
#endif

#endif
