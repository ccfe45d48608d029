// cs2market: bodies of policies.hpp.
#ifndef CS2MARKET_NET_IMPL_POLICIES_IPP
#define CS2MARKET_NET_IMPL_POLICIES_IPP

#include <cs2market/net/policies.hpp>

#include <algorithm>
#include <cmath>

namespace cs2market {

CS2MARKET_DECL bool retry_policy::should_retry(const attempt_result& a) const
{
    if (decide)
        if (auto d = decide(a))
            return *d;
    const bool too_long = a.retry_after && *a.retry_after > max_retry_after;
    if (a.kind == error_kind::rate_limited)
        return !too_long; // the provider refused to act: safe for any request
    if (a.answered) {
        const unsigned s = a.http_status;
        const bool server_error = s == 502 || s == 503 || s == 504 || (s >= 500 && a.kind == error_kind::http_status);
        return server_error && a.resendable && !too_long;
    }
    switch (a.kind) {
    case error_kind::tls:
    case error_kind::invalid_argument:
    case error_kind::decode:
    case error_kind::invalid_json:
        return false;
    default: break;
    }
    if (!a.sent)
        return true; // nothing reached the provider
    return a.resendable && !a.response_too_large;
}

CS2MARKET_DECL std::chrono::milliseconds backoff_policy::delay_for(unsigned failures, double r) const
{
    using ms = std::chrono::milliseconds;
    const auto hi = std::max<ms::rep>(0, max.count());
    auto cap = std::clamp<ms::rep>(initial.count(), 0, hi);
    for (unsigned i = 1; i < failures && cap < hi; ++i)
        cap = cap > hi / 2 ? hi : cap * 2;
    const double j = std::clamp(jitter, 0.0, 1.0);
    const double f = std::clamp(r, 0.0, 1.0) * j;
    return ms{static_cast<ms::rep>(std::llround(static_cast<double>(cap) * (1.0 - f)))};
}

CS2MARKET_DECL bool idempotency_policy::resendable(const operation_facts& op) const
{
    if (may_resend)
        if (auto d = may_resend(op))
            return *d;
    if (op.method == http_method::get)
        return true;
    return op.is_buy && op.provider_replays && op.has_id;
}

} // namespace cs2market

#endif
