// cs2market::csboard: item keys (cs2market::item_key) from CSBoard's listings,
// price rows and order items. A listing's facts are doppler_phase, float_value,
// paint_seed and stickers (name, slot, wear); CSBoard sends no paint index.
// doppler_phase's value set is not documented: the spellings below are read
// (any case, with or without spaces, '_' or '-'), any other value is an error
// rather than a guess. `wear`, when CSBoard sends one Steam spells, must agree
// with the name's exterior.
#ifndef CS2MARKET_CSBOARD_ITEMS_HPP
#define CS2MARKET_CSBOARD_ITEMS_HPP

#include <cs2market/csboard/generated/models.hpp>
#include <cs2market/item_key.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cs2market::csboard {

/// CSBoard's doppler_phase: "Phase 2", "phase_2", "P2", "Black Pearl", "black-pearl", "Emerald", ...;
/// empty for a spelling not read here.
inline std::optional<doppler_phase> doppler_phase_from_csboard(std::string_view s) noexcept
{
    char buf[16]; // lower case, without ' ', '_', '-'
    std::size_t n = 0;
    for (char c : s) {
        if (c == ' ' || c == '_' || c == '-')
            continue;
        if (n == sizeof buf)
            return std::nullopt;
        buf[n++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view k(buf, n);
    constexpr std::pair<std::string_view, doppler_phase> spellings[] = {
        {"phase1", doppler_phase::phase_1}, {"phase2", doppler_phase::phase_2}, {"phase3", doppler_phase::phase_3},
        {"phase4", doppler_phase::phase_4}, {"p1", doppler_phase::phase_1},     {"p2", doppler_phase::phase_2},
        {"p3", doppler_phase::phase_3},     {"p4", doppler_phase::phase_4},     {"ruby", doppler_phase::ruby},
        {"sapphire", doppler_phase::sapphire}, {"blackpearl", doppler_phase::black_pearl},
        {"emerald", doppler_phase::emerald},
    };
    for (const auto& [spelling, phase] : spellings)
        if (k == spelling)
            return phase;
    return std::nullopt;
}

namespace detail {

inline result<item_facts> facts_with_phase(const std::optional<std::string>& phase)
{
    item_facts f;
    if (phase && !phase->empty()) {
        f.phase = doppler_phase_from_csboard(*phase);
        if (!f.phase)
            return ::cs2market::detail::make_error(error_kind::invalid_argument,
                                                   "item key: doppler_phase is not a phase cs2market reads", id);
    }
    return f;
}

/// The key, refused when CSBoard's wear is not the name's exterior.
inline result<item_key> agreeing(result<item_key> k, const std::optional<::cs2market::open_enum<Wear>>& wear)
{
    if (!k || !wear)
        return k;
    const auto e = exterior_from_string(wear->raw());
    if (e && k->exterior() != e)
        return ::cs2market::detail::make_error(error_kind::invalid_argument,
                                               "item key: wear \"" + wear->raw() + "\" is not the exterior of " +
                                                   k->to_string(),
                                               id);
    return k;
}

} // namespace detail

/// A live listing (list_listings).
inline result<item_key> item_key_of(const Listing& l)
{
    auto f = detail::facts_with_phase(l.doppler_phase);
    if (!f)
        return f.error();
    f->float_value = l.float_value;
    f->paint_seed = l.paint_seed;
    for (const auto& s : l.stickers.value_or(std::vector<Sticker>{}))
        f->stickers.push_back({s.name.value_or(""), s.slot, s.wear});
    return detail::agreeing(item_key::make(l.market_hash_name, std::move(*f), id), l.wear);
}

/// An item group's cheapest ask (list_prices, the price snapshot): name, wear and phase.
inline result<item_key> item_key_of(const PriceRow& r)
{
    auto f = detail::facts_with_phase(r.doppler_phase);
    if (!f)
        return f.error();
    return detail::agreeing(item_key::make(r.market_hash_name, std::move(*f), id), r.wear);
}

/// An item of an order (get_order, list_orders, get_orders_info).
inline result<item_key> item_key_of(const OrderItem& i)
{
    return item_key::parse(i.market_hash_name.value_or(""), id);
}

/// A bought item (market_buy).
inline result<item_key> item_key_of(const MarketBuySkin& s)
{
    return item_key::parse(s.name.value_or(""), id);
}

} // namespace cs2market::csboard

#endif
