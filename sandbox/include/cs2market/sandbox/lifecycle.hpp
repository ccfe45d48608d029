// cs2market::sandbox — the accelerated clock and the provider-neutral order
// lifecycle: which outcome a purchase gets (outcome rules), the stages it is
// planned to go through (one every step_ms), and their names. The market
// (market.hpp) applies the plan: stage changes, refunds, pushes.
#pragma once

#include <cs2market/sandbox/state.hpp>

#include <cs2market/time.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cs2market::sandbox {

/// Sandbox time (steady, from the market's start) and wall time, in milliseconds.
struct sandbox_clock {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

    std::int64_t now_ms() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    }
    static std::int64_t wall_ms()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// Wall-clock milliseconds as the wire types of the models.
inline ::cs2market::iso_time iso(std::int64_t unix_ms)
{
    return ::cs2market::iso_time(::cs2market::sys_nanoseconds(std::chrono::milliseconds(unix_ms)));
}
inline ::cs2market::unix_seconds unix_s(std::int64_t unix_ms)
{
    return ::cs2market::unix_seconds(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)));
}
inline ::cs2market::unix_auto unix_ms_auto(std::int64_t unix_ms)
{
    return *::cs2market::unix_auto::from_raw(unix_ms);
}

inline std::string stage_name(stage s)
{
    static constexpr const char* n[] = {"created", "hold", "offer_sent", "accepted", "settled", "declined",
                                        "timed_out", "reversed_by_buyer", "reversed_by_seller", "recalled", "cancelled"};
    return n[static_cast<int>(s)];
}

/// The first rule with uses left that matches the purchase (and uses it up), else success.
/// `nth` counts the provider's purchases, 1-based.
inline outcome_choice choose_outcome(std::vector<outcome_rule>& rules, ::cs2market::provider_id p, const std::string& key,
                                     const std::string& ref, const std::string& item_name, std::int64_t nth)
{
    for (auto& r : rules) {
        if (r.remaining == 0)
            continue;
        if (!r.p.empty() && r.p != p)
            continue;
        if (!r.key.empty() && r.key != key)
            continue;
        if (!r.ref.empty() && r.ref != ref)
            continue;
        if (!r.item.empty() && item_name.find(r.item) == std::string::npos)
            continue;
        if (r.nth != 0 && r.nth != nth)
            continue;
        if (r.remaining > 0)
            --r.remaining;
        return {r.out, r.item_index};
    }
    return {};
}

/// What the order's own stages follow: a partial return of an order's only item is a
/// return of the whole order; one naming no item of the order returns nothing.
inline outcome order_outcome(const order& o)
{
    if (!is_partial(o.out))
        return o.out;
    if (o.items.size() <= 1 && o.returned_item == 0)
        return o.out == outcome::partial_return_after_delivery ? outcome::reversed_by_buyer : outcome::decline;
    return outcome::success;
}

/// True when one item of the order is returned on its own (the others follow the order).
inline bool returns_one_item(const order& o)
{
    return is_partial(o.out) && o.items.size() > 1 && o.returned_item < o.items.size();
}

/// Plans the stages from the trade offer on: the offer at `offer_at_ms` (sandbox
/// clock), then the outcome's stages one every `step_ms`; trade protection ends
/// three steps after the offer.
inline void plan_from_offer(order& o, std::int64_t offer_at_ms, std::int64_t step_ms)
{
    const std::int64_t s = step_ms;
    auto add = [&](std::int64_t k, stage st) { o.plan.push_back({offer_at_ms + k * s, st}); };
    add(0, stage::offer_sent);
    switch (order_outcome(o)) {
    case outcome::success:
    case outcome::partial_return_after_delivery: // (order_outcome: never)
    case outcome::partial_return_before_delivery: add(1, stage::accepted); add(3, stage::settled); break;
    case outcome::decline: add(1, stage::declined); break;
    case outcome::timeout: add(2, stage::timed_out); break;
    case outcome::reversed_by_buyer: add(1, stage::accepted); add(2, stage::reversed_buyer); break;
    case outcome::reversed_by_seller: add(1, stage::accepted); add(2, stage::reversed_seller); break;
    case outcome::seller_recalled: add(1, stage::accepted); add(2, stage::recalled); break;
    }
    o.settle_unix_ms = o.created_unix_ms + (offer_at_ms - o.created_ms) + 3 * s;
    // The returned item: reversed between acceptance and the end of trade protection, or
    // left out of the trade offer (never delivered).
    if (returns_one_item(o))
        o.item_return_at_ms = offer_at_ms + (o.out == outcome::partial_return_after_delivery ? 2 * s : 0);
}

/// Plans the stages of a new order from its outcome: (hold ->) created -> offer_sent -> ...
/// one every `step_ms`; the offer is sent `delivery_steps` steps after payment (or the hold).
/// A hold that `waits_for_claim` has no plan: it stays until released (release_hold).
inline void plan_order(order& o, bool hold, std::int64_t step_ms, std::int64_t delivery_steps, bool waits_for_claim = false)
{
    const std::int64_t s = step_ms;
    std::int64_t base = o.created_ms;
    o.plan.clear();
    o.next = 0;
    if (hold) {
        o.cur = stage::hold;
        base += 3 * s;
        o.hold_until_unix_ms = o.created_unix_ms + 3 * s;
    } else {
        o.cur = stage::created;
    }
    o.history = {o.cur};
    if (hold && waits_for_claim)
        return;
    if (hold)
        o.plan.push_back({base, stage::created});
    base += (std::max<std::int64_t>(1, delivery_steps) - 1) * s;
    plan_from_offer(o, base + s, s);
}

/// A hold released now (CSBoard claim_order): the planned stages up to the offer
/// are dropped, or, for a hold that waited for its claim, the rest of its
/// lifecycle is planned from now. The caller enters stage::offer_sent.
inline void release_hold(order& o, std::int64_t now_ms, std::int64_t step_ms)
{
    if (o.next >= o.plan.size())
        plan_from_offer(o, now_ms, step_ms);
    while (o.next < o.plan.size() && o.plan[o.next].s == stage::created)
        ++o.next;
    if (o.next < o.plan.size() && o.plan[o.next].s == stage::offer_sent)
        ++o.next;
}

/// Drops the rest of the plan: the order stays where it is until told otherwise.
inline void stop_plan(order& o)
{
    o.plan.resize(o.next);
    o.item_return_at_ms.reset();
}

} // namespace cs2market::sandbox
