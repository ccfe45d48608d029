// cs2market: bodies of exposure.hpp.
#ifndef CS2MARKET_IMPL_EXPOSURE_IPP
#define CS2MARKET_IMPL_EXPOSURE_IPP

#include <cs2market/exposure.hpp>
#include <cs2market/time.hpp>

#include <algorithm>

namespace cs2market {

namespace detail {
/// Whether the provider took the money at some point: it accepted the order.
CS2MARKET_DECL bool was_charged(const order& o)
{
    if (o.phase >= order_phase::pending && o.phase <= order_phase::reversed)
        return true;
    return std::any_of(o.history.begin(), o.history.end(), [](const phase_change& c) {
        return c.to >= order_phase::pending && c.to <= order_phase::delivered;
    });
}
} // namespace detail

CS2MARKET_DECL std::vector<provider_exposure> exposure_of(const std::vector<order>& orders, std::span<const provider_id> providers)
{
    std::vector<provider_exposure> out;
    auto slot = [&](provider_id p) -> provider_exposure& {
        for (auto& e : out)
            if (e.provider == p)
                return e;
        out.push_back({});
        out.back().provider = p;
        return out.back();
    };
    for (auto p : providers)
        slot(p);
    for (const auto& o : orders) {
        auto& e = slot(o.provider);
        const decimal price = o.price ? *o.price : o.max_price.value_or(decimal{});
        ++e.orders;
        if (!is_final(o.phase))
            ++e.unfinished;
        switch (o.phase) {
        case order_phase::submitted:
        case order_phase::unknown:
        case order_phase::pending:
        case order_phase::reserved:
        case order_phase::delivering:
            e.in_flight += price;
            e.spent += price;
            break;
        case order_phase::delivered:
            e.reversible += price;
            e.spent += price;
            if (o.settles_at)
                e.reversible_until = std::max(e.reversible_until.value_or(*o.settles_at), *o.settles_at);
            break;
        case order_phase::settled:
            e.settled += price;
            e.spent += price;
            break;
        case order_phase::reversed:
            e.reversed += price;
            if (o.refunded.value_or(false))
                e.refunded += price;
            else
                e.spent += price;
            break;
        case order_phase::failed:
        case order_phase::cancelled:
            if (detail::was_charged(o)) {
                if (o.refunded.value_or(true)) // a failed delivery is refunded unless the provider says otherwise
                    e.refunded += price;
                else
                    e.spent += price;
            }
            break;
        }
    }
    return out;
}

CS2MARKET_DECL std::string to_string(const provider_exposure& e)
{
    std::string s(to_string(e.provider));
    s += " spent " + e.spent.to_string();
    s += " in_flight " + e.in_flight.to_string();
    s += " reversible " + e.reversible.to_string();
    if (e.reversible_until) {
        const iso_time t(sys_nanoseconds(std::chrono::milliseconds(*e.reversible_until)));
        s += " until " + t.to_string();
    }
    s += " settled " + e.settled.to_string();
    s += " reversed " + e.reversed.to_string();
    s += " refunded " + e.refunded.to_string();
    s += " orders " + std::to_string(e.orders);
    s += " unfinished " + std::to_string(e.unfinished);
    return s;
}

} // namespace cs2market

#endif
