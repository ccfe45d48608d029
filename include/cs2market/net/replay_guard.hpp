// cs2market: remembering which pushed messages (CS2DT callbacks, Skinify IPNs)
// were accepted already, so that a captured genuine message cannot be replayed.
//
//   cs2market::replay_guard seen(100'000);        // shared by every request handler
//   cs2market::cs2dt::callback_limits lim;
//   lim.replay = &seen;
//   auto cb = cs2market::cs2dt::verify_callback(req, app_secret, lim);
//   // a replay: error_kind::duplicate_id ("replayed: ...")
//
// Memory is bounded: at most `capacity` ids, the oldest forgotten first. Pair it
// with a freshness window where the message carries a time (ipn_limits::max_age),
// so that an id old enough to have been evicted is refused for its age instead.
// Thread-safe: one guard may serve every thread of a server.
#ifndef CS2MARKET_NET_REPLAY_GUARD_HPP
#define CS2MARKET_NET_REPLAY_GUARD_HPP

#include <cs2market/detail/config.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace cs2market {

class replay_guard {
public:
    /// Remembers at most `capacity` ids (at least 1).
    CS2MARKET_DECL explicit replay_guard(std::size_t capacity = 100'000);

    /// Records `id`: true when it was not remembered (the message is new), false
    /// when it was (a replay). The oldest id is forgotten once the guard is full.
    CS2MARKET_DECL bool remember(std::string_view id);
    /// Whether `id` is remembered.
    CS2MARKET_DECL bool seen(std::string_view id) const;
    /// Forgets `id`, e.g. when handling an accepted message failed and the
    /// provider's retry of it must be accepted again.
    CS2MARKET_DECL void forget(std::string_view id);

    CS2MARKET_DECL std::size_t size() const;
    std::size_t capacity() const noexcept { return capacity_; }

private:
    // Ids in arrival order with a serial each; an id forgotten and remembered
    // again gets a new serial, so its stale queue entry evicts nothing.
    mutable std::mutex m_;
    std::size_t capacity_;
    std::uint64_t serial_ = 0;
    std::map<std::string, std::uint64_t, std::less<>> ids_;
    std::deque<std::pair<std::string, std::uint64_t>> order_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/replay_guard.ipp>
#endif

#endif
