// cs2market: retry, idempotency and deadline policies of the async executor.
#ifndef CS2MARKET_RETRY_HPP
#define CS2MARKET_RETRY_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace cs2market {

/// When and how a call is attempted again. Set per client (client_options::retry)
/// and overridable per call (call_options::retry).
///
/// What is retried, whatever the policy:
///  - never: invalid arguments, TLS/certificate failures, decode errors, 4xx
///    business errors (409 price_moved, 402, 404, ...): the same request would fail again;
///  - reads (GET): connection errors, timeouts, 5xx and rate-limit answers;
///  - writes the provider makes idempotent (CSBoard market_buy with custom_id,
///    CSBoard create_order with Idempotency-Key): as reads, the provider replays
///    the original outcome instead of acting twice;
///  - other writes: only failures that provably happened before the request was
///    sent (connect/TLS), and rate-limit answers (the provider refused to act).
///    A write whose outcome is unknown is reconciled (see `reconcile`), never resent.
struct retry_policy {
    /// Attempts in total, the first included; 1 disables retries (see none()).
    unsigned max_attempts = 4;
    /// Backoff: a uniformly random wait in [0, min(max_backoff, base_backoff * 2^retry)]
    /// ("full jitter"), or the provider's Retry-After when it is longer.
    std::chrono::milliseconds base_backoff{100};
    std::chrono::milliseconds max_backoff{5'000};
    /// A Retry-After longer than this is not waited for: the rate-limit error is returned.
    std::chrono::milliseconds max_retry_after{60'000};
    /// Exactly-once buys: give buys without a caller id (CS2DT outTradeNo, Skinify
    /// custom_id, CSBoard custom_id / Idempotency-Key) a generated one, so that they
    /// can be replayed or looked up.
    bool generate_ids = true;
    /// When a buy's outcome is unknown, look it up by its id (CS2DT buyer_order_detail,
    /// Skinify withdraw_info) and return the real outcome; when the lookup cannot tell,
    /// the call fails with error_kind::outcome_unknown naming the id.
    bool reconcile = true;

    /// The default: retries on (4 attempts), ids generated, reconciliation on.
    static retry_policy recommended() { return retry_policy{}; }

    /// One attempt, no generated ids, no lookups: every failure is returned as it
    /// happened (a lost buy is still outcome_unknown, never resent).
    static retry_policy none()
    {
        retry_policy p;
        p.max_attempts = 1;
        p.generate_ids = false;
        p.reconcile = false;
        return p;
    }

    /// The wait before retry number `retry` (1 for the first retry).
    template <class URBG>
    std::chrono::milliseconds backoff(unsigned retry, std::optional<std::chrono::milliseconds> retry_after, URBG& rng) const
    {
        auto cap = base_backoff.count();
        for (unsigned i = 1; i < retry && cap < max_backoff.count(); ++i)
            cap *= 2;
        if (cap > max_backoff.count())
            cap = max_backoff.count();
        std::uniform_int_distribution<long long> d(0, cap < 0 ? 0 : cap);
        std::chrono::milliseconds w{d(rng)};
        if (retry_after && *retry_after > w)
            w = *retry_after;
        return w;
    }
};

/// Per-call overrides; empty fields take the client's settings.
struct call_options {
    std::optional<retry_policy> retry;
    /// Total deadline of the call: rate-limit waits, every attempt, backoffs and a
    /// reconciliation included. Defaults to client_options::total_timeout.
    std::optional<std::chrono::milliseconds> timeout;
};

} // namespace cs2market

#endif
