// cs2market: client-side token buckets, one per provider + credential (+ operation
// for per-operation limits). Pure bookkeeping: the executor does the (async,
// cancellable) waiting.
#ifndef CS2MARKET_RATE_LIMITER_HPP
#define CS2MARKET_RATE_LIMITER_HPP

#include <cs2market/error.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace cs2market {

/// `burst` tokens at most, refilled at `per_second`.
struct rate_limit {
    double per_second = 0; ///< 0 or less: unlimited
    double burst = 1;

    static rate_limit per_minute(double n) { return {n / 60.0, n}; }
    static rate_limit per_second_limit(double n) { return {n, n}; }
};

/// The documented limits: CSBoard 30 requests/min, Skinify 300/min, CS2DT's
/// for-sale list (sell_list) 10 QPS. Other CS2DT operations have none documented.
inline std::optional<rate_limit> default_rate_limit(provider_id p)
{
    switch (p) {
    case provider_id::csboard: return rate_limit::per_minute(30);
    case provider_id::skinify: return rate_limit::per_minute(300);
    default: return std::nullopt;
    }
}
inline std::optional<rate_limit> default_operation_rate_limit(provider_id p, std::string_view op)
{
    if (p == provider_id::cs2dt && op == "sell_list")
        return rate_limit::per_second_limit(10);
    return std::nullopt;
}

/// Token buckets keyed by (provider, credential, scope). Thread-safe; share one
/// between clients (client_options::rate_limiter) so that all clients using the
/// same key draw from the same buckets.
class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    /// Takes a token now, or reserves the next one: returns how long the caller
    /// must wait before sending (zero when a token was available). A reservation
    /// not used (the caller gave up) must be handed back with release().
    std::chrono::nanoseconds reserve(provider_id p, std::string_view credential, std::string_view scope, rate_limit lim)
    {
        if (lim.per_second <= 0)
            return std::chrono::nanoseconds{0};
        std::lock_guard<std::mutex> g(m_);
        auto& b = buckets_[key(p, credential, scope)];
        auto now = clock::now();
        if (!b.init) {
            b.init = true;
            b.tokens = lim.burst;
            b.last = now;
        }
        double dt = std::chrono::duration<double>(now - b.last).count();
        b.last = now;
        b.tokens = std::min(lim.burst, b.tokens + dt * lim.per_second);
        b.tokens -= 1;
        if (b.tokens >= 0)
            return std::chrono::nanoseconds{0};
        return std::chrono::nanoseconds{static_cast<long long>(-b.tokens / lim.per_second * 1e9)};
    }

    /// Gives back a token reserved by reserve() and not used.
    void release(provider_id p, std::string_view credential, std::string_view scope, rate_limit lim)
    {
        if (lim.per_second <= 0)
            return;
        std::lock_guard<std::mutex> g(m_);
        auto& b = buckets_[key(p, credential, scope)];
        b.tokens = std::min(lim.burst, b.tokens + 1);
    }

private:
    struct bucket {
        bool init = false;
        double tokens = 0;
        clock::time_point last{};
    };
    static std::string key(provider_id p, std::string_view credential, std::string_view scope)
    {
        // The credential is hashed, never stored.
        std::string k(to_string(p));
        k += '\x1f';
        k += std::to_string(std::hash<std::string_view>{}(credential));
        k += '\x1f';
        k += scope;
        return k;
    }
    std::mutex m_;
    std::map<std::string, bucket> buckets_;
};

} // namespace cs2market

#endif
