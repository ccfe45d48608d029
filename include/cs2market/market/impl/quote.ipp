// cs2market: quotes (non-template bodies).
#ifndef CS2MARKET_MARKET_IMPL_QUOTE_IPP
#define CS2MARKET_MARKET_IMPL_QUOTE_IPP

#include <cs2market/detail/int128.hpp>
#include <cs2market/market/quote.hpp>
#include <cs2market/time.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <tuple>

namespace cs2market {

CS2MARKET_DECL std::string to_string(const availability& a)
{
    if (a.what == availability::kind::instant)
        return "instant";
    if (!a.until)
        return "hold";
    return "hold:" + iso_time(sys_nanoseconds(std::chrono::milliseconds(*a.until))).to_string();
}

CS2MARKET_DECL decimal fee_schedule::fee_on(decimal price) const
{
    if (rate == decimal{})
        return {};
    // price * rate exactly (scale up to 36: 10^36 still fits 128 bits), then up to the cent.
    detail::int128 v = static_cast<detail::int128>(price.units()) * rate.units();
    unsigned scale = price.scale() + rate.scale();
    for (; scale < 2; ++scale)
        v *= 10;
    if (scale > 2) {
        detail::int128 div = 1;
        for (unsigned i = 2; i < scale; ++i)
            div *= 10;
        const detail::int128 q = v / div;
        v = q * div < v ? q + 1 : q; // the ceiling: the fee is never under-quoted
    }
    if (v > INT64_MAX || v < INT64_MIN)
        throw std::overflow_error("cs2market: fee out of range");
    decimal fee = decimal::from_units(static_cast<std::int64_t>(v), 2);
    fee = std::max(fee, min);
    if (max)
        fee = std::min(fee, *max);
    return fee;
}

CS2MARKET_DECL void price_with_fee(quote& q, decimal ask, const fee_schedule& f)
{
    q.fee = f.fee_on(ask);
    q.price = ask + q.fee;
    q.fee_known = f.documented;
}

namespace {

error constraint_error(std::string what)
{
    return detail::make_error(error_kind::invalid_argument, "quote: " + std::move(what));
}

bool unit_interval(double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; }

} // namespace

CS2MARKET_DECL result<void> quote_constraints::check(const item_key& item) const
{
    if (float_min && !unit_interval(*float_min))
        return constraint_error("float minimum must be a number from 0 to 1");
    if (float_max && !unit_interval(*float_max))
        return constraint_error("float maximum must be a number from 0 to 1");
    if (float_min && float_max && *float_min > *float_max)
        return constraint_error("float minimum is above the float maximum");
    if (paint_seed && (*paint_seed < 0 || *paint_seed > item_key::max_paint_seed))
        return constraint_error("paint seed must be from 0 to " + std::to_string(item_key::max_paint_seed));
    if (max_price && *max_price < decimal{})
        return constraint_error("max price must not be negative");
    if (phase) {
        if (!is_phase_of(item.finish(), *phase))
            return constraint_error("\"" + std::string(to_string(*phase)) + "\" is not a phase of " + item.to_string());
        if (item.phase() && item.phase() != phase)
            return constraint_error("the phase asked for is not the item's");
    }
    if (stattrak && *stattrak != item.stattrak())
        return constraint_error(item.to_string() + (item.stattrak() ? " is StatTrak™" : " is not StatTrak™"));
    return {};
}

CS2MARKET_DECL bool quote_constraints::admits(const quote& q) const
{
    const item_key& k = q.key;
    if (phase && k.phase() != phase)
        return false;
    if ((float_min || float_max) && !k.float_value())
        return false;
    if (float_min && *k.float_value() < *float_min)
        return false;
    if (float_max && *k.float_value() > *float_max)
        return false;
    if (paint_seed && k.paint_seed() != paint_seed)
        return false;
    if (stattrak && k.stattrak() != *stattrak)
        return false;
    if (max_price && q.price > *max_price)
        return false;
    return true;
}

CS2MARKET_DECL quotes merge_quotes(const item_key& item, const quote_constraints& c,
                                   std::vector<result<std::vector<quote>>> answers)
{
    quotes out;
    const std::string name = item.to_string();
    for (auto& a : answers) {
        if (!a) {
            out.errors.push_back(std::move(a.error()));
            continue;
        }
        for (auto& q : *a)
            if (q.key.to_string() == name && (!item.phase() || q.key.phase() == item.phase()) && c.admits(q))
                out.offers.push_back(std::move(q));
    }
    std::sort(out.offers.begin(), out.offers.end(), [](const quote& x, const quote& y) {
        return std::forward_as_tuple(x.price, x.provider.name(), x.listing_id) <
               std::forward_as_tuple(y.price, y.provider.name(), y.listing_id);
    });
    return out;
}

} // namespace cs2market

#endif
