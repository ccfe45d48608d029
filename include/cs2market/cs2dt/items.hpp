// cs2market::cs2dt: item keys (cs2market::item_key) from CS2DT's listings and
// items. The name is marketHashName (steamMarketHashName in the full file); one
// asset's facts are ItemAssetInfoVO's paintIndex, paintSeed, wear (the float)
// and stickers (enName, else name; slot; wear). CS2DT also names a Doppler's
// phase as a style ("CS2 Style Data": 11-14 P1-P4, 31 ruby, 32 emerald, 33
// sapphire, 34 blackpearl); it is used for Doppler / Gamma Doppler finishes only,
// and a style that disagrees with the paint index is an error, not a guess.
#ifndef CS2MARKET_CS2DT_ITEMS_HPP
#define CS2MARKET_CS2DT_ITEMS_HPP

#include <cs2market/cs2dt/generated/models.hpp>
#include <cs2market/item_key.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace cs2market::cs2dt {

/// The Doppler phase a CS2 style id names; empty for the other styles (tiers, patterns).
constexpr std::optional<doppler_phase> doppler_phase_of_style(std::int64_t style_id) noexcept
{
    switch (style_id) {
    case 11: return doppler_phase::phase_1;
    case 12: return doppler_phase::phase_2;
    case 13: return doppler_phase::phase_3;
    case 14: return doppler_phase::phase_4;
    case 31: return doppler_phase::ruby;
    case 32: return doppler_phase::emerald;
    case 33: return doppler_phase::sapphire;
    case 34: return doppler_phase::black_pearl;
    default: return std::nullopt;
    }
}

/// The key of an item named `market_hash_name`, with one asset's facts when given.
inline result<item_key> item_key_of(std::string_view market_hash_name, const std::optional<ItemAssetInfoVO>& asset)
{
    auto named = item_key::parse(market_hash_name, id);
    if (!named || !asset)
        return named;
    item_facts f;
    f.paint_index = asset->paintIndex;
    f.paint_seed = asset->paintSeed;
    f.float_value = asset->wear;
    if (asset->styleId && has_doppler_phases(named->finish()))
        f.phase = doppler_phase_of_style(*asset->styleId);
    for (const auto& s : asset->stickers.value_or(std::vector<ItemStickerVO>{})) {
        const std::string& en = s.enName ? *s.enName : std::string();
        f.stickers.push_back({en.empty() ? s.name.value_or("") : en, s.slot, s.wear});
    }
    return item_key::make(market_hash_name, std::move(f), id);
}

/// A listing (sell_list, batch_products_on_sale, product_sales_detail).
inline result<item_key> item_key_of(const ProductSellListDTO& p)
{
    return item_key_of(p.marketHashName.value_or(""), p.assetInfo);
}

/// A bought item (buyer_order_detail).
inline result<item_key> item_key_of(const OrderDetailDTO& o)
{
    return item_key_of(o.openItemInfo ? o.openItemInfo->marketHashName.value_or("") : "", o.assetInfo);
}

/// An item type (market_search).
inline result<item_key> item_key_of(const MarketSearchItem& m)
{
    return item_key::parse(m.marketHashName.value_or(""), id);
}

/// An item type's prices (item_price_query).
inline result<item_key> item_key_of(const ItemPriceInfo& p)
{
    return item_key::parse(p.marketHashName.value_or(""), id);
}

/// A row of the full on-sale file (get_full_items).
inline result<item_key> item_key_of(const FullItem& f)
{
    return item_key::parse(f.steamMarketHashName.value_or(""), id);
}

} // namespace cs2market::cs2dt

#endif
