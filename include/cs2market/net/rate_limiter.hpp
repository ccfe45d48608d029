// cs2market: client-side rate limiting with the providers' documented limits.
//
// Limits are counted the way the providers count them: at most N requests in
// any sliding window (CSBoard: rolling 60-second windows), per key and bucket.
// Which buckets exist and which operations draw from them comes from each
// provider's schema (`x-cs2market.rate_limits`, generated as `Op::rate_limits`);
// nothing here names a provider.
#ifndef CS2MARKET_NET_RATE_LIMITER_HPP
#define CS2MARKET_NET_RATE_LIMITER_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/detail/unique_function.hpp>
#include <cs2market/error.hpp>
#include <cs2market/operation.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <vector>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace cs2market {

/// At most `requests` in any sliding `window`. requests == 0: unlimited.
struct rate_limit {
    unsigned requests = 0;
    std::chrono::milliseconds window{0};

    static constexpr rate_limit per_minute(unsigned n) noexcept { return {n, std::chrono::minutes(1)}; }
    static constexpr rate_limit per_second(unsigned n) noexcept { return {n, std::chrono::seconds(1)}; }
    static constexpr rate_limit none() noexcept { return {}; }
    constexpr bool unlimited() const noexcept { return requests == 0 || window.count() <= 0; }
};

/// Which budget a request draws from: provider, key and bucket. The key is kept
/// only as a hash, never as text.
struct rate_key {
    provider_id provider;
    std::size_t key_hash = 0;
    std::string_view bucket;

    /// The key of `credential`'s budget in `bucket`.
    CS2MARKET_DECL static rate_key of(provider_id p, std::string_view credential, std::string_view bucket);
};

/// One budget a request draws from, and its limit.
struct rate_draw {
    rate_key key;
    rate_limit limit;
};

/// Sliding-window budgets keyed by rate_key. Thread-safe; share one between
/// clients (client_options::limiter) so that every client of the same key draws
/// from the same budget. Pure bookkeeping: the executor does the (async,
/// cancellable) waiting.
class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    virtual ~rate_limiter() = default;

    /// Reserves one request in every budget of `draws` (atomically): the
    /// earliest time at which all of them have room, `now` when they have it now.
    /// A reservation not used (the caller gave up) is handed back with release().
    CS2MARKET_DECL virtual clock::time_point reserve(std::span<const rate_draw> draws, clock::time_point now);

    /// The async form of reserve(), which the executor uses: the local limiter
    /// answers at once; a shared store (PostgreSQL) does its one short
    /// transaction on a thread of its own, never on the caller's io_context.
    /// `done` may run on any thread.
    virtual void async_reserve(std::vector<rate_draw> draws, clock::time_point now,
                               detail::unique_function<void(result<clock::time_point>)> done)
    {
        done(reserve(draws, now));
    }

    /// Hands back a reservation made by reserve() and not used.
    CS2MARKET_DECL virtual void release(std::span<const rate_draw> draws, clock::time_point slot);

    /// The provider said "too many requests" (429, Retry-After): no request of
    /// these budgets is sent before `until`, by any client sharing the limiter.
    CS2MARKET_DECL virtual void pause(std::span<const rate_draw> draws, clock::time_point until);

private:
    struct budget {
        std::deque<clock::time_point> sent; ///< reserved slots, oldest first, none older than a window
        clock::time_point paused_until{};
    };
    CS2MARKET_DECL static std::string key_text(const rate_key& k);

    std::mutex m_;
    std::map<std::string, budget, std::less<>> budgets_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/rate_limiter.ipp>
#endif

#endif
