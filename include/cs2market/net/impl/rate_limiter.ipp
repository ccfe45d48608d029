// cs2market: bodies of rate_limiter.hpp.
#ifndef CS2MARKET_NET_IMPL_RATE_LIMITER_IPP
#define CS2MARKET_NET_IMPL_RATE_LIMITER_IPP

#include <cs2market/net/rate_limiter.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>

namespace cs2market {

CS2MARKET_DECL rate_key rate_key::of(provider_id p, std::string_view credential, std::string_view bucket)
{
    // FNV-1a rather than std::hash: processes built by other compilers or
    // standard libraries that share a store (PostgreSQL) must name the same budget.
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : credential) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return {p, static_cast<std::size_t>(h), bucket};
}

CS2MARKET_DECL std::string rate_limiter::key_text(const rate_key& k)
{
    std::string s(k.provider.name());
    s += '\x1f';
    s += std::to_string(k.key_hash);
    s += '\x1f';
    s += k.bucket;
    return s;
}

CS2MARKET_DECL rate_limiter::clock::time_point rate_limiter::reserve(std::span<const rate_draw> draws, clock::time_point now)
{
    std::lock_guard<std::mutex> g(m_);
    // The n-th request may go one window after the (n - requests)-th: with the
    // last `requests` slots of a budget kept in order, its oldest one plus the window.
    auto t = now;
    for (const auto& d : draws) {
        if (d.limit.unlimited())
            continue;
        auto& b = budgets_[key_text(d.key)];
        t = std::max(t, b.paused_until);
        if (b.sent.size() >= d.limit.requests)
            t = std::max(t, b.sent[b.sent.size() - d.limit.requests] + d.limit.window);
    }
    for (const auto& d : draws) {
        if (d.limit.unlimited())
            continue;
        auto& s = budgets_[key_text(d.key)].sent;
        s.insert(std::upper_bound(s.begin(), s.end(), t), t); // at the end unless a slot was released
        // Slots a whole window old no longer count for any request from now on.
        while (!s.empty() && s.front() + d.limit.window <= now)
            s.pop_front();
    }
    return t;
}

CS2MARKET_DECL void rate_limiter::release(std::span<const rate_draw> draws, clock::time_point slot)
{
    std::lock_guard<std::mutex> g(m_);
    for (const auto& d : draws) {
        auto it = budgets_.find(key_text(d.key));
        if (it == budgets_.end())
            continue;
        auto& s = it->second.sent;
        if (auto p = std::find(s.begin(), s.end(), slot); p != s.end())
            s.erase(p);
    }
}

CS2MARKET_DECL void rate_limiter::pause(std::span<const rate_draw> draws, clock::time_point until)
{
    std::lock_guard<std::mutex> g(m_);
    for (const auto& d : draws) {
        auto& b = budgets_[key_text(d.key)];
        b.paused_until = std::max(b.paused_until, until);
    }
}

} // namespace cs2market

#endif
