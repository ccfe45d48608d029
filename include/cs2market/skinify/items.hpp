// cs2market::skinify: item keys (cs2market::item_key) from Skinify's skins. The
// name is the skin's market hash name; the one fact Skinify gives is the float
// (SkinProperties.floatvalue, with extended=1). No paint index, seed, phase or
// stickers are documented.
#ifndef CS2MARKET_SKINIFY_ITEMS_HPP
#define CS2MARKET_SKINIFY_ITEMS_HPP

#include <cs2market/item_key.hpp>
#include <cs2market/skinify/generated/models.hpp>

#include <optional>
#include <string_view>
#include <utility>

namespace cs2market::skinify {

/// The key of a skin named `name`, with its float when `properties` has one.
inline result<item_key> item_key_of(std::string_view name, const SkinProperties* properties)
{
    item_facts f;
    if (properties)
        f.float_value = properties->floatvalue;
    return item_key::make(name, std::move(f), id);
}

/// A skin on sale (withdraw_prices).
inline result<item_key> item_key_of(const SkinPriceEntry& s) { return item_key_of(s.name, &s.properties); }

/// One skin's price (withdraw_price).
inline result<item_key> item_key_of(const SkinInfo& s) { return item_key_of(s.name, &s.properties); }

/// A bought skin (withdraw_buy, withdraw_info, withdraw_history, the skin_purchase event).
inline result<item_key> item_key_of(const PurchaseSkin& s)
{
    return item_key_of(s.name.value_or(""), s.properties ? &*s.properties : nullptr);
}

/// An item of a Steam inventory (steam_inventory).
inline result<item_key> item_key_of(const InventoryItem& i) { return item_key_of(i.name, nullptr); }

} // namespace cs2market::skinify

#endif
