// cs2market: replay_guard's bodies. Compiled in every TU that includes
// <cs2market/net/replay_guard.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_NET_IMPL_REPLAY_GUARD_IPP
#define CS2MARKET_NET_IMPL_REPLAY_GUARD_IPP

#include <cs2market/net/replay_guard.hpp>

namespace cs2market {

replay_guard::replay_guard(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

bool replay_guard::remember(std::string_view id)
{
    std::lock_guard lock(m_);
    if (ids_.find(id) != ids_.end())
        return false;
    const std::uint64_t serial = ++serial_;
    ids_.emplace(std::string(id), serial);
    order_.emplace_back(std::string(id), serial);
    while (ids_.size() > capacity_ && !order_.empty()) {
        auto& [old, s] = order_.front();
        if (auto it = ids_.find(old); it != ids_.end() && it->second == s)
            ids_.erase(it);
        order_.pop_front();
    }
    // Entries of forgotten ids linger in the queue; drop them before they outgrow it.
    if (order_.size() > 2 * capacity_ + 16) {
        std::deque<std::pair<std::string, std::uint64_t>> live;
        for (auto& e : order_)
            if (auto it = ids_.find(e.first); it != ids_.end() && it->second == e.second)
                live.push_back(std::move(e));
        order_.swap(live);
    }
    return true;
}

bool replay_guard::seen(std::string_view id) const
{
    std::lock_guard lock(m_);
    return ids_.find(id) != ids_.end();
}

void replay_guard::forget(std::string_view id)
{
    std::lock_guard lock(m_);
    if (auto it = ids_.find(id); it != ids_.end())
        ids_.erase(it);
}

std::size_t replay_guard::size() const
{
    std::lock_guard lock(m_);
    return ids_.size();
}

} // namespace cs2market

#endif
