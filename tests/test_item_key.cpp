// item key tests: Steam market hash names parsed into their parts (★, StatTrak™,
// Souvenir, gloves, stickers, cases), the facts that change a price within one
// name (Doppler phases from a name or the paint index, float, seed, stickers), the
// canonical string, and each provider's mapping over every listing and item of its
// documented examples (tests/data) and every name of the sandbox catalogue.
// Models only: no Beast. Catch2 v2; main() is in catch_main.cpp.
#include "support/fixtures.hpp"
#include <cs2market/cs2dt/items.hpp>
#include <cs2market/csboard/items.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/json.hpp>
#include <cs2market/sandbox/catalogue.hpp>
#include <cs2market/skinify/items.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

// A named namespace around everything: this file shares a unity TU with other unit tests.
namespace item_key_test {

namespace cs2dt = cs2market::cs2dt;
namespace csboard = cs2market::csboard;
namespace skinify = cs2market::skinify;
using cs2market::doppler_phase;
using cs2market::error_kind;
using cs2market::exterior;
using cs2market::item_facts;
using cs2market::item_key;
using cs2market::provider_id;
using cs2market::result;
using Catch::Matchers::Contains;

template <class T>
T decode(const std::string& json)
{
    auto r = cs2market::from_json<T>(json);
    INFO(json.substr(0, 200));
    REQUIRE(r);
    return std::move(*r);
}

/// CS2DT's payload: the data of its envelope.
template <class T>
T cs2dt_data(const std::string& fixture, const char* part = "response")
{
    auto env = decode<cs2dt::WebApiRes>(cs2market::test::read_data("cs2dt/" + fixture, part));
    REQUIRE(env.data);
    return decode<T>(env.data->text);
}

template <class T>
T body(const std::string& fixture, const char* part = "response")
{
    return decode<T>(cs2market::test::read_data(fixture, part));
}

/// One listing or item of a documented example, its name as documented and its key.
struct documented {
    std::string where;
    provider_id provider;
    std::string name;
    result<item_key> key;
};

/// Every listing and item with a name in the providers' documented examples.
std::vector<documented> documented_items()
{
    std::vector<documented> v;
    auto add = [&](std::string where, provider_id p, std::string name, result<item_key> key) {
        v.push_back({std::move(where), p, std::move(name), std::move(key)});
    };
    using std::to_string;
    // CS2DT
    const auto sell = cs2dt_data<cs2dt::SellListPage>("sell_list.json");
    for (std::size_t i = 0; i < sell.list->size(); ++i)
        add("cs2dt/sell_list.json data.list[" + to_string(i) + "]", cs2dt::id, *(*sell.list)[i].marketHashName,
            cs2dt::item_key_of((*sell.list)[i]));
    const auto batch = cs2dt_data<std::vector<cs2dt::ProductSellListDTO>>("batch_products_on_sale.json");
    for (std::size_t i = 0; i < batch.size(); ++i)
        add("cs2dt/batch_products_on_sale.json data[" + to_string(i) + "]", cs2dt::id, *batch[i].marketHashName,
            cs2dt::item_key_of(batch[i]));
    const auto detail = cs2dt_data<cs2dt::ProductSellListDTO>("product_sales_detail.json");
    add("cs2dt/product_sales_detail.json data", cs2dt::id, *detail.marketHashName, cs2dt::item_key_of(detail));
    const auto search = cs2dt_data<cs2dt::MarketSearchPage>("market_search.json");
    for (std::size_t i = 0; i < search.list->size(); ++i)
        add("cs2dt/market_search.json data.list[" + to_string(i) + "]", cs2dt::id, *(*search.list)[i].marketHashName,
            cs2dt::item_key_of((*search.list)[i]));
    const auto prices = cs2dt_data<std::vector<cs2dt::ItemPriceInfo>>("item_price_query.json");
    for (std::size_t i = 0; i < prices.size(); ++i)
        add("cs2dt/item_price_query.json data[" + to_string(i) + "]", cs2dt::id, *prices[i].marketHashName,
            cs2dt::item_key_of(prices[i]));
    const auto asked = body<cs2dt::ItemPriceQueryRequest>("cs2dt/item_price_query.json", "request");
    for (std::size_t i = 0; i < asked.marketHashNameList.size(); ++i)
        add("cs2dt/item_price_query.json request.marketHashNameList[" + to_string(i) + "]", cs2dt::id,
            asked.marketHashNameList[i], item_key::parse(asked.marketHashNameList[i], cs2dt::id));
    const auto quick = body<cs2dt::QuickBuyItemRequest>("cs2dt/quick_buy_item.json", "request");
    add("cs2dt/quick_buy_item.json request", cs2dt::id, *quick.marketHashName, item_key::parse(*quick.marketHashName, cs2dt::id));
    for (const char* f : {"buyer_order_detail.json", "buyer_order_detail.seed.json"}) {
        const auto order = cs2dt_data<cs2dt::OrderDetailDTO>(f);
        add(std::string("cs2dt/") + f + " data", cs2dt::id, *order.openItemInfo->marketHashName, cs2dt::item_key_of(order));
    }
    const auto orders = cs2dt_data<cs2dt::BuyerOrderListV2Page>("buyer_order_list_v2.json");
    for (std::size_t i = 0; i < orders.list->size(); ++i) // "Item name": parsed, not mapped
        add("cs2dt/buyer_order_list_v2.json data.list[" + to_string(i) + "]", cs2dt::id, *(*orders.list)[i].name,
            item_key::parse(*(*orders.list)[i].name, cs2dt::id));
    // CSBoard
    const auto listings = body<csboard::ListingsPage>("csboard/list_listings.json");
    for (std::size_t i = 0; i < listings.items.size(); ++i)
        add("csboard/list_listings.json items[" + to_string(i) + "]", csboard::id, listings.items[i].market_hash_name,
            csboard::item_key_of(listings.items[i]));
    const auto rows = body<csboard::PricesPage>("csboard/list_prices.json");
    for (std::size_t i = 0; i < rows.items.size(); ++i)
        add("csboard/list_prices.json items[" + to_string(i) + "]", csboard::id, rows.items[i].market_hash_name,
            csboard::item_key_of(rows.items[i]));
    const auto ndjson = body<std::string>("csboard/get_price_snapshot.json");
    std::size_t line_no = 0;
    for (std::size_t at = 0; at < ndjson.size(); ++line_no) {
        const auto end = ndjson.find('\n', at);
        const auto row = decode<csboard::PriceRow>(ndjson.substr(at, end - at));
        add("csboard/get_price_snapshot.json line " + to_string(line_no + 1), csboard::id, row.market_hash_name,
            csboard::item_key_of(row));
        at = end == std::string::npos ? ndjson.size() : end + 1;
    }
    auto order_items = [&](const std::string& where, const csboard::Order& o) {
        for (std::size_t i = 0; i < o.items.size(); ++i)
            add(where + "items[" + to_string(i) + "]", csboard::id, *o.items[i].market_hash_name,
                csboard::item_key_of(o.items[i]));
    };
    for (const char* f : {"get_order.json", "get_order.seed.json"})
        order_items(std::string("csboard/") + f + " ", body<csboard::Order>(std::string("csboard/") + f));
    const auto page = body<csboard::OrdersPage>("csboard/list_orders.json");
    for (std::size_t i = 0; i < page.data.size(); ++i)
        order_items("csboard/list_orders.json data[" + to_string(i) + "].", page.data[i]);
    const auto info = body<csboard::OrdersInfoResponse>("csboard/get_orders_info.json");
    for (std::size_t i = 0; i < info.data.size(); ++i)
        order_items("csboard/get_orders_info.json data[" + to_string(i) + "].", info.data[i]);
    for (const char* f : {"market_buy.json", "market_buy.seed.json"}) {
        const auto bought = body<csboard::MarketBuyResponse>(std::string("csboard/") + f);
        for (std::size_t i = 0; i < bought.data.skins->size(); ++i)
            add(std::string("csboard/") + f + " data.skins[" + to_string(i) + "]", csboard::id,
                *(*bought.data.skins)[i].name, csboard::item_key_of((*bought.data.skins)[i]));
    }
    // Skinify
    const auto on_sale = body<skinify::WithdrawPricesResponse>("skinify/withdraw_prices.json");
    for (std::size_t i = 0; i < on_sale.skins.size(); ++i)
        add("skinify/withdraw_prices.json skins[" + to_string(i) + "]", skinify::id, on_sale.skins[i].name,
            skinify::item_key_of(on_sale.skins[i]));
    const auto one = body<skinify::WithdrawPriceResponse>("skinify/withdraw_price.json");
    add("skinify/withdraw_price.json skin", skinify::id, one.skin.name, skinify::item_key_of(one.skin));
    const auto buy = body<skinify::WithdrawBuyResponse>("skinify/withdraw_buy.json");
    add("skinify/withdraw_buy.json skin", skinify::id, buy.skin.name.value_or(""), skinify::item_key_of(buy.skin));
    for (const char* f : {"withdraw_info.json", "withdraw_info.seed.json", "withdraw_history.json"}) {
        const auto purchases = body<skinify::WithdrawHistoryResponse>(std::string("skinify/") + f);
        for (std::size_t i = 0; i < purchases.items.size(); ++i)
            add(std::string("skinify/") + f + " items[" + to_string(i) + "].skin", skinify::id,
                purchases.items[i].skin.name.value_or(""), skinify::item_key_of(purchases.items[i].skin));
    }
    const auto inventory = body<skinify::SteamInventoryResponse>("skinify/steam_inventory.json");
    for (std::size_t i = 0; i < inventory.inventory.size(); ++i)
        add("skinify/steam_inventory.json inventory[" + to_string(i) + "]", skinify::id, inventory.inventory[i].name,
            skinify::item_key_of(inventory.inventory[i]));
    return v;
}

const documented& documented_at(const std::vector<documented>& all, std::string_view where)
{
    for (const auto& d : all)
        if (d.where == where)
            return d;
    FAIL("no documented item at " << where);
    return all.front();
}

item_key key_of(std::string_view name, item_facts f = {})
{
    auto k = item_key::make(name, std::move(f));
    INFO(name);
    if (!k)
        FAIL(k.error().message());
    return std::move(*k);
}

/// -1 for none, else the enumerator's value (tables hold plain values).
template <class E>
int code(std::optional<E> e)
{
    return e ? static_cast<int>(*e) : -1;
}

constexpr int none = -1;
constexpr int FN = 0, MW = 1, FT = 2, WW = 3, BS = 4;
constexpr int P1 = 0, P2 = 1, P3 = 2, P4 = 3, RUBY = 4, SAPPHIRE = 5, BLACK_PEARL = 6, EMERALD = 7;

void check_round_trip(const item_key& k)
{
    const std::string c = k.canonical();
    INFO("canonical: " << c);
    auto back = item_key::from_canonical(c);
    REQUIRE(back);
    CHECK(*back == k);
    CHECK(back->canonical() == c);
    CHECK(back->hash() == k.hash());
    auto named = item_key::parse(k.to_string());
    REQUIRE(named);
    CHECK(named->to_string() == k.to_string());
}

TEST_CASE("item_key: market hash names parse into their parts and print back byte for byte", "[item_key]")
{
    // name, weapon, finish, exterior, StatTrak™, Souvenir, ★
    const auto [name, weapon, finish, ext, st, sv, star] =
        GENERATE(table<const char*, const char*, const char*, int, bool, bool, bool>({
            {"AK-47 | Redline (Field-Tested)", "AK-47", "Redline", FT, false, false, false},
            {"StatTrak™ AK-47 | Redline (Field-Tested)", "AK-47", "Redline", FT, true, false, false},
            {"Souvenir AWP | Dragon Lore (Factory New)", "AWP", "Dragon Lore", FN, false, true, false},
            {"Souvenir MAC-10 | Gold Brick (Field-Tested)", "MAC-10", "Gold Brick", FT, false, true, false},
            {"M4A1-S | Hyper Beast (Well-Worn)", "M4A1-S", "Hyper Beast", WW, false, false, false},
            {"Glock-18 | Moonrise (Battle-Scarred)", "Glock-18", "Moonrise", BS, false, false, false},
            {"AK-47 | Safari Mesh (Minimal Wear)", "AK-47", "Safari Mesh", MW, false, false, false},
            {"Glock-18 | Gamma Doppler (Factory New)", "Glock-18", "Gamma Doppler", FN, false, false, false},
            {"★ Karambit | Doppler (Factory New)", "★ Karambit", "Doppler", FN, false, false, true},
            {"★ StatTrak™ Karambit | Doppler (Factory New)", "★ Karambit", "Doppler", FN, true, false, true},
            {"★ StatTrak™ Butterfly Knife | Gamma Doppler (Minimal Wear)", "★ Butterfly Knife", "Gamma Doppler", MW, true,
             false, true},
            {"★ Karambit", "★ Karambit", "", none, false, false, true},
            {"★ StatTrak™ Karambit", "★ Karambit", "", none, true, false, true},
            {"★ Sport Gloves | Vice (Minimal Wear)", "★ Sport Gloves", "Vice", MW, false, false, true},
            {"★ Specialist Gloves | Crimson Kimono (Battle-Scarred)", "★ Specialist Gloves", "Crimson Kimono", BS, false,
             false, true},
            {"Sticker | Crown (Foil)", "Sticker", "Crown (Foil)", none, false, false, false},
            {"Sticker | Natus Vincere | Paris 2023", "Sticker", "Natus Vincere | Paris 2023", none, false, false, false},
            {"Sticker | 战队 (Holo)", "Sticker", "战队 (Holo)", none, false, false, false},
            {"Sealed Graffiti | Lambda (Cash Green)", "Sealed Graffiti", "Lambda (Cash Green)", none, false, false, false},
            {"Patch | Crazy Banana", "Patch", "Crazy Banana", none, false, false, false},
            {"Music Kit | Noisia, Sharpened", "Music Kit", "Noisia, Sharpened", none, false, false, false},
            {"StatTrak™ Music Kit | Noisia, Sharpened", "Music Kit", "Noisia, Sharpened", none, true, false, false},
            {"Sir Bloody Miami Darryl | The Professionals", "Sir Bloody Miami Darryl", "The Professionals", none, false,
             false, false},
            {"Chroma 2 Case", "Chroma 2 Case", "", none, false, false, false},
            {"ESL One Cologne 2015 Cobblestone Souvenir Package", "ESL One Cologne 2015 Cobblestone Souvenir Package", "",
             none, false, false, false},
            {"Taunt: Giddy Up!", "Taunt: Giddy Up!", "", none, false, false, false},
            {"Crimson Pique", "Crimson Pique", "", none, false, false, false},
            {"a#b;c%d | e", "a#b;c%d", "e", none, false, false, false},
        }));
    INFO(name);
    auto k = item_key::parse(name);
    REQUIRE(k);
    CHECK(k->to_string() == name);
    CHECK(k->weapon() == weapon);
    CHECK(k->finish() == finish);
    CHECK(code(k->exterior()) == ext);
    CHECK(k->stattrak() == st);
    CHECK(k->souvenir() == sv);
    CHECK(k->star() == star);
    CHECK_FALSE(k->phase());
    CHECK_FALSE(k->float_value());
    CHECK(k->stickers().empty());
    check_round_trip(*k);
}

TEST_CASE("item_key: names not written as Steam writes them are refused with the reason", "[item_key]")
{
    const auto [name, reason] = GENERATE(table<std::string, std::string>({
        {"", "is empty"},
        {" AK-47 | Redline (Field-Tested)", "begins or ends with a space"},
        {"AK-47 | Redline (Field-Tested) ", "begins or ends with a space"},
        {"AK-47 |  Redline (Field-Tested)", "finish after"},
        {"AK-47 | Redline  (Field-Tested)", "finish after"},
        {"AK-47  | Redline", "item type"},
        {"★  Karambit", "item type"},
        {"AK-47 | Redline (Field Tested)", "spelled \"Field-Tested\""},
        {"AK-47 | Redline (factory new)", "spelled \"Factory New\""},
        {"AK-47 | Redline (Battle Scarred)", "spelled \"Battle-Scarred\""},
        {"StatTrak AK-47 | Redline (Field-Tested)", "StatTrak is written"},
        {"Stattrak™ AK-47 | Redline (Field-Tested)", "StatTrak is written"},
        {"StatTrak™ StatTrak™ AK-47 | Redline (Field-Tested)", "StatTrak is written"},
        {"StatTrak™ ★ Karambit | Doppler (Factory New)", "comes first"},
        {"★ ★ Karambit", "comes first"},
        {"★Karambit", "comes first"},
        {"AK-47\t| Redline", "control character at byte 5"},
        {"AK-47 | Redline\n", "control character"},
        {std::string("AK\0-47", 6), "control character at byte 2"},
        {"AK-47 | Red\x7Fline", "control character"},
        {"AK-47 | \xC2\x85Redline", "control character"}, // U+0085
        {"AK-47 | \xFF", "not valid UTF-8"},
        {"\xC0\xAF", "not valid UTF-8"},             // overlong '/'
        {"AK-47 | \xED\xA0\x80", "not valid UTF-8"}, // a surrogate
        {"\xE2\x98 Karambit", "not valid UTF-8"},    // a cut ★
        {"\xF4\x90\x80\x80", "not valid UTF-8"},     // above U+10FFFF
        {std::string(513, 'a'), "longer than 512 bytes"},
    }));
    INFO(name);
    auto k = item_key::parse(name, csboard::id);
    REQUIRE_FALSE(k);
    CHECK(k.error().kind == error_kind::invalid_argument);
    CHECK(k.error().provider == csboard::id);
    CHECK_THAT(k.error().detail, Contains(reason));
    CHECK(k.error().message().size() < 400); // the name is quoted only when short and printable
}

TEST_CASE("item_key: hostile input ends in an error, never a crash or unbounded work", "[item_key][hostile]")
{
    const std::string huge(16u << 20, 'a');
    CHECK_FALSE(item_key::parse(huge));
    CHECK_FALSE(item_key::from_canonical(huge));
    CHECK_FALSE(item_key::from_canonical("a#" + huge));
    std::string stars;
    while (stars.size() < (1u << 20))
        stars += "★ ";
    CHECK_FALSE(item_key::parse(stars));
    std::string facts = "AK-47#";
    for (int i = 0; i < 20; ++i)
        facts += "sticker=0,0,x;";
    facts += "seed=1";
    auto many = item_key::from_canonical(facts);
    REQUIRE_FALSE(many);
    CHECK(many.error().kind == error_kind::invalid_argument);
    // Deterministic garbage built from the pieces names are made of: whatever parses prints back exactly.
    const std::string_view pieces[] = {"★ ", "StatTrak™ ", "Souvenir ", " | ", " (Factory New)", "(", ")", " ", "|",
                                       "AK-47", "\xE2\x98", "\xFF", "#", ";", "%", "=", "Sticker | ", "\n", "™"};
    std::uint64_t r = 0x2545F4914F6CDD1Dull;
    int parsed = 0;
    for (int n = 0; n < 20000; ++n) {
        std::string s;
        const int len = static_cast<int>(r % 7);
        for (int i = 0; i < len; ++i) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            s += pieces[r % std::size(pieces)];
        }
        r ^= r << 13;
        auto k = item_key::parse(s);
        if (k) {
            ++parsed;
            INFO(s);
            REQUIRE(k->to_string() == s);
            REQUIRE(item_key::parse(k->to_string())->canonical() == k->canonical());
        }
        auto c = item_key::from_canonical(s);
        if (c) {
            INFO(s);
            REQUIRE(c->canonical() == s);
        }
    }
    CHECK(parsed > 100); // the generator does reach names
}

TEST_CASE("item_key: a Doppler's phase comes from its paint index", "[item_key][doppler]")
{
    // Public paint index table (see impl/item_key.ipp for the sources).
    const auto [finish, index, phase] = GENERATE(table<const char*, std::int64_t, int>({
        {"Doppler", 415, RUBY},          {"Doppler", 416, SAPPHIRE},      {"Doppler", 417, BLACK_PEARL},
        {"Doppler", 418, P1},            {"Doppler", 419, P2},            {"Doppler", 420, P3},
        {"Doppler", 421, P4},            {"Doppler", 617, BLACK_PEARL},   {"Doppler", 618, P2},
        {"Doppler", 619, SAPPHIRE},      {"Doppler", 852, P1},            {"Doppler", 853, P2},
        {"Doppler", 854, P3},            {"Doppler", 855, P4},            {"Gamma Doppler", 568, EMERALD},
        {"Gamma Doppler", 569, P1},      {"Gamma Doppler", 570, P2},      {"Gamma Doppler", 571, P3},
        {"Gamma Doppler", 572, P4},      {"Gamma Doppler", 1119, EMERALD}, {"Gamma Doppler", 1120, P1},
        {"Gamma Doppler", 1121, P2},     {"Gamma Doppler", 1122, P3},     {"Gamma Doppler", 1123, P4},
        // Not a phase of that finish, or not a Doppler at all: no phase, never a guess.
        {"Doppler", 620, none},          {"Doppler", 568, none},          {"Doppler", 0, none},
        {"Gamma Doppler", 415, none},    {"Gamma Doppler", 1124, none},   {"Redline", 415, none},
        {"Fade", 418, none},             {"Marble Fade", 413, none},
    }));
    INFO(finish << " " << index);
    CHECK(code(cs2market::doppler_phase_of(finish, index)) == phase);
    const bool glock = std::string_view(finish) == "Gamma Doppler" && index >= 1119;
    const std::string name = std::string(glock ? "Glock-18" : "★ Karambit") + " | " + finish + " (Factory New)";
    item_facts f;
    f.paint_index = index;
    const auto k = key_of(name, f);
    CHECK(code(k.phase()) == phase);
    CHECK(k.paint_index() == index);
    check_round_trip(k);
}

TEST_CASE("item_key: a phase must belong to the finish and agree with the paint index", "[item_key][doppler]")
{
    // name, phase given, paint index given, phase of the key (or none), error text ("" for none)
    const auto [name, given, index, phase, error] = GENERATE(table<const char*, int, std::int64_t, int, const char*>({
        {"★ Karambit | Doppler (Factory New)", RUBY, 415, RUBY, ""},
        {"★ Karambit | Doppler (Factory New)", P2, none, P2, ""},
        {"★ Karambit | Doppler (Factory New)", P2, 9999, P2, ""},
        {"★ Karambit | Doppler (Factory New)", none, 0, none, ""},
        {"★ Karambit | Doppler (Factory New)", SAPPHIRE, 415, none, "disagrees with paint index 415 (Ruby)"},
        {"★ Karambit | Doppler (Factory New)", EMERALD, none, none, "Emerald is not a phase of the finish \"Doppler\""},
        {"★ Karambit | Gamma Doppler (Factory New)", EMERALD, 568, EMERALD, ""},
        {"★ Karambit | Gamma Doppler (Factory New)", RUBY, none, none, "Ruby is not a phase"},
        {"★ Karambit | Gamma Doppler (Factory New)", P1, 418, P1, ""}, // 418 is a Doppler index: no opinion
        {"AK-47 | Redline (Field-Tested)", P1, none, none, "Phase 1 is not a phase of the finish \"Redline\""},
        {"AK-47 | Redline (Field-Tested)", none, 415, none, ""},
        {"★ Karambit", P1, none, none, "is not a phase of the finish \"\""},
    }));
    INFO(name << " phase " << given << " index " << index);
    item_facts f;
    if (given != none)
        f.phase = static_cast<doppler_phase>(given);
    if (index != none)
        f.paint_index = index;
    auto k = item_key::make(name, f, cs2dt::id);
    if (*error) {
        REQUIRE_FALSE(k);
        CHECK(k.error().kind == error_kind::invalid_argument);
        CHECK(k.error().provider == cs2dt::id);
        CHECK_THAT(k.error().detail, Contains(error));
    } else {
        REQUIRE(k);
        CHECK(code(k->phase()) == phase);
        check_round_trip(*k);
    }
}

TEST_CASE("item_key: float, paint seed, paint index and stickers are checked", "[item_key]")
{
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    using sticker = cs2market::applied_sticker;
    // what, facts, error text ("" for accepted)
    const auto [what, facts, error] = GENERATE_COPY(table<const char*, item_facts, const char*>({
        {"float 0", item_facts{.float_value = 0.0}, ""},
        {"float 1", item_facts{.float_value = 1.0}, ""},
        {"float below 0", item_facts{.float_value = -0.01}, "float is not a number from 0 to 1"},
        {"float above 1", item_facts{.float_value = 1.01}, "float is not a number from 0 to 1"},
        {"float NaN", item_facts{.float_value = nan}, "float is not a number from 0 to 1"},
        {"float infinite", item_facts{.float_value = inf}, "float is not a number from 0 to 1"},
        {"seed 0", item_facts{.paint_seed = 0}, ""},
        {"seed 1000", item_facts{.paint_seed = 1000}, ""},
        {"seed -1", item_facts{.paint_seed = -1}, "paint seed -1 is outside 0..1000"},
        {"seed 1001", item_facts{.paint_seed = 1001}, "paint seed 1001 is outside 0..1000"},
        {"paint index -1", item_facts{.paint_index = -1}, "paint index -1 is outside"},
        {"paint index 100001", item_facts{.paint_index = 100001}, "paint index 100001 is outside"},
        {"sticker slot -1", item_facts{.stickers = {sticker{"Crown (Foil)", -1, {}}}}, "sticker slot -1 is outside 0..63"},
        {"sticker slot 64", item_facts{.stickers = {sticker{"Crown (Foil)", 64, {}}}}, "sticker slot 64 is outside"},
        {"sticker wear 2", item_facts{.stickers = {sticker{"Crown (Foil)", 0, 2.0}}}, "sticker's wear is not a number"},
        {"sticker wear NaN", item_facts{.stickers = {sticker{"Crown (Foil)", 0, nan}}}, "sticker's wear is not a number"},
        {"sticker without a name", item_facts{.stickers = {sticker{"", 0, 0.0}}}, "sticker's name is empty"},
        {"sticker named only Sticker | ", item_facts{.stickers = {sticker{"Sticker | ", 0, 0.0}}}, "sticker's name is empty"},
        {"sticker name not UTF-8", item_facts{.stickers = {sticker{"\xFF", 0, 0.0}}}, "sticker's name is not valid UTF-8"},
        {"17 stickers", item_facts{.stickers = std::vector<sticker>(17, sticker{"x", {}, {}})}, "17 stickers, more than 16"},
        {"16 stickers", item_facts{.stickers = std::vector<sticker>(16, sticker{"x", {}, {}})}, ""},
    }));
    INFO(what);
    auto k = item_key::make("AK-47 | Redline (Field-Tested)", facts);
    if (*error) {
        REQUIRE_FALSE(k);
        CHECK(k.error().kind == error_kind::invalid_argument);
        CHECK_THAT(k.error().detail, Contains(error));
    } else {
        REQUIRE(k);
        CHECK(k->float_value() == facts.float_value);
        CHECK(k->paint_seed() == facts.paint_seed);
        CHECK(k->stickers().size() == facts.stickers.size());
        check_round_trip(*k);
    }
}

TEST_CASE("item_key: the canonical string names every fact in one order and parses back", "[item_key][canonical]")
{
    SECTION("a key without facts is its market hash name")
    {
        CHECK(key_of("★ StatTrak™ Karambit | Doppler (Factory New)").canonical() ==
              "★ StatTrak™ Karambit | Doppler (Factory New)");
    }
    SECTION("every fact, stickers without their \"Sticker | \" and sorted by slot")
    {
        item_facts f;
        f.paint_index = 415;
        f.float_value = 0.0123;
        f.paint_seed = 12;
        f.stickers = {{"Sticker | Crown (Foil)", 1, 0.5}, {"Sticker | Natus Vincere | Paris 2023", 0, {}}, {"x;y", {}, {}}};
        const auto k = key_of("★ Karambit | Doppler (Factory New)", f);
        CHECK(k.phase() == doppler_phase::ruby);
        CHECK(k.canonical() == "★ Karambit | Doppler (Factory New)#phase=Ruby;paint_index=415;float=0.0123;seed=12;"
                               "sticker=,,x%3By;sticker=0,,Natus Vincere | Paris 2023;sticker=1,0.5,Crown (Foil)");
        check_round_trip(k);
    }
    SECTION("a sticker named \"Sticker | \" twice prints as it is stored (found by fuzz_item_key)")
    {
        item_facts f;
        f.stickers = {{"Sticker | Sticker | Crown (Foil)", 0, {}}};
        const auto k = key_of("AK-47 | Redline (Field-Tested)", f);
        CHECK(k.stickers()[0].name == "Crown (Foil)");
        CHECK(k.canonical() == "AK-47 | Redline (Field-Tested)#sticker=0,,Crown (Foil)");
        check_round_trip(k);
    }
    SECTION("%, # and ; in a name are escaped")
    {
        item_facts f;
        f.paint_seed = 7;
        const auto k = key_of("a#b;c%d | e", f);
        CHECK(k.canonical() == "a%23b%3Bc%25d | e#seed=7");
        check_round_trip(k);
    }
    SECTION("floats print in their shortest exact form, -0 as 0")
    {
        const auto [value, text] = GENERATE(table<double, const char*>({
            {0.2375629842281342, "0.2375629842281342"},
            {0.0912, "0.0912"},
            {0.1, "0.1"},
            {1e-05, "1e-05"},
            {-0.0, "0"},
            {1.0, "1"},
            {0.07000000029802322, "0.07000000029802322"}, // float32 0.07, as Steam stores it
        }));
        item_facts f;
        f.float_value = value;
        const auto k = key_of("AK-47 | Redline (Field-Tested)", f);
        CHECK(k.canonical() == std::string("AK-47 | Redline (Field-Tested)#float=") + text);
        check_round_trip(k);
    }
}

TEST_CASE("item_key: from_canonical accepts exactly what canonical() prints", "[item_key][canonical]")
{
    const auto [text, accepted] = GENERATE(table<std::string, bool>({
        {"AK-47 | Redline (Field-Tested)", true},
        {"★ Karambit | Doppler (Factory New)#phase=Ruby", true},
        {"★ Karambit | Doppler (Factory New)#phase=Ruby;paint_index=415", true},
        {"AK-47 | Redline (Field-Tested)#float=0.25;seed=661;sticker=0,0,Crown (Foil)", true},
        {"AK-47 | Redline (Field-Tested)#sticker=,,Crown (Foil)", true},
        {"a%23b", true},
        {"AK-47 | Redline (Field-Tested)#", false},
        {"AK-47 | Redline (Field-Tested)#float=0.250", false},          // not the shortest form
        {"AK-47 | Redline (Field-Tested)#float=2.5e-1", false},         // not the shortest form
        {"AK-47 | Redline (Field-Tested)#float=-0", false},             // printed as 0
        {"AK-47 | Redline (Field-Tested)#seed=1;float=0.25", false},    // order
        {"AK-47 | Redline (Field-Tested)#seed=1;seed=2", false},        // twice
        {"AK-47 | Redline (Field-Tested)#seed=01", false},
        {"AK-47 | Redline (Field-Tested)#seed=+1", false},
        {"AK-47 | Redline (Field-Tested)#color=red", false},
        {"AK-47 | Redline (Field-Tested)#seed", false},
        {"AK-47 | Redline (Field-Tested)#seed=1;", false},
        {"AK-47 | Redline (Field-Tested)#float=nan", false},
        {"AK-47 | Redline (Field-Tested)#float=inf", false},
        {"AK-47 | Redline (Field-Tested)#float=0x1p-2", false},
        {"AK-47 | Redline (Field-Tested)#sticker=0,0", false},
        {"AK-47 | Redline (Field-Tested)#sticker=0,0,Sticker | Crown (Foil)", false}, // the prefix is dropped
        {"AK-47 | Redline (Field-Tested)#sticker=1,,b;sticker=0,,a", false},          // stickers sorted
        {"★ Karambit | Doppler (Factory New)#paint_index=415", false}, // the phase it gives is printed
        {"★ Karambit | Doppler (Factory New)#phase=ruby", false},
        {"★ Karambit | Doppler (Factory New)#phase=Sapphire;paint_index=415", false},
        {"a%2", false},
        {"a%41", false},
        {"a%3b", false},
        {"#seed=1", false},
        {"", false},
        {"AK-47 | Redline (Field Tested)", false},
    }));
    INFO(text);
    auto k = item_key::from_canonical(text, skinify::id);
    if (accepted) {
        REQUIRE(k);
        CHECK(k->canonical() == text);
        check_round_trip(*k);
    } else {
        REQUIRE_FALSE(k);
        CHECK(k.error().kind == error_kind::invalid_argument);
        CHECK(k.error().provider == skinify::id);
    }
}

TEST_CASE("item_key: keys compare, order and hash by every field, group() keeps the name and phase", "[item_key]")
{
    item_facts a;
    a.float_value = 0.2;
    a.paint_seed = 1;
    item_facts b = a;
    b.float_value = 0.3;
    item_facts c = a;
    c.stickers = {{"Crown (Foil)", 0, {}}};
    const auto plain = key_of("AK-47 | Redline (Field-Tested)");
    const auto ka = key_of("AK-47 | Redline (Field-Tested)", a);
    const auto kb = key_of("AK-47 | Redline (Field-Tested)", b);
    const auto kc = key_of("AK-47 | Redline (Field-Tested)", c);
    const auto st = key_of("StatTrak™ AK-47 | Redline (Field-Tested)");
    const auto mw = key_of("AK-47 | Redline (Minimal Wear)");
    CHECK(ka == key_of("AK-47 | Redline (Field-Tested)", a));
    CHECK(ka.hash() == key_of("AK-47 | Redline (Field-Tested)", a).hash());
    CHECK(std::hash<item_key>{}(ka) == hash_value(ka));
    const std::vector<item_key> distinct = {plain, ka, kb, kc, st, mw};
    for (std::size_t i = 0; i < distinct.size(); ++i)
        for (std::size_t j = 0; j < distinct.size(); ++j)
            CHECK((distinct[i] == distinct[j]) == (i == j));
    CHECK(std::unordered_set<item_key>(distinct.begin(), distinct.end()).size() == distinct.size());
    CHECK(plain < ka); // no float before a float
    CHECK(ka < kb);
    std::map<item_key, int> by_key;
    for (const auto& k : distinct)
        by_key[k] += 1;
    CHECK(by_key.size() == distinct.size());
    // group(): the same item type, whatever the one item's facts.
    CHECK(ka.group() == plain);
    CHECK(kb.group() == plain);
    CHECK(kc.group() == plain);
    item_facts ruby;
    ruby.paint_index = 415;
    ruby.float_value = 0.01;
    const auto doppler = key_of("★ Karambit | Doppler (Factory New)", ruby);
    item_facts phase_only;
    phase_only.phase = doppler_phase::ruby;
    CHECK(doppler.group() == key_of("★ Karambit | Doppler (Factory New)", phase_only));
    CHECK(doppler.group().canonical() == "★ Karambit | Doppler (Factory New)#phase=Ruby");
    CHECK(doppler.group() != key_of("★ Karambit | Doppler (Factory New)"));
}

TEST_CASE("item_key: every listing and item of the providers' documented examples maps to a key", "[item_key][documented]")
{
    static const auto all = documented_items();
    // 10 CS2DT, 8 CSBoard, 11 Skinify names; CS2DT's order detail example has an empty one (twice).
    CHECK(all.size() == 29);
    const auto& d = GENERATE(from_range(all));
    INFO(d.where << ": " << d.name);
    if (d.name.empty()) {
        REQUIRE_FALSE(d.key);
        CHECK(d.key.error().kind == error_kind::invalid_argument);
        CHECK(d.key.error().provider == d.provider);
        CHECK_THAT(d.key.error().detail, Contains("is empty"));
        return;
    }
    if (!d.key)
        FAIL(d.key.error().message());
    CHECK(d.key->to_string() == d.name);
    check_round_trip(*d.key);
}

TEST_CASE("item_key: the documented examples' facts", "[item_key][documented]")
{
    static const auto all = documented_items();
    // where, weapon, finish, exterior, StatTrak™, Souvenir, float (-1: none), seed, paint index, stickers, first sticker
    const auto [where, weapon, finish, ext, st, sv, flt, seed, index, stickers, sticker] =
        GENERATE(table<const char*, const char*, const char*, int, bool, bool, double, std::int64_t, std::int64_t,
                       std::size_t, const char*>({
            {"cs2dt/sell_list.json data.list[0]", "AK-47", "Redline", FT, false, false, 0.2375629842281342, 661, 282, 1,
             "Natus Vincere | Paris 2023"},
            {"cs2dt/batch_products_on_sale.json data[0]", "AK-47", "Redline", FT, false, false, 0.2375629842281342, 661,
             282, 0, ""},
            {"cs2dt/product_sales_detail.json data", "AK-47", "Redline", FT, false, false, 0.2375629842281342, 661, 282, 1,
             "Natus Vincere | Paris 2023"},
            {"cs2dt/market_search.json data.list[0]", "AK-47", "Redline", FT, false, false, -1, -1, -1, 0, ""},
            {"cs2dt/item_price_query.json data[0]", "MAC-10", "Gold Brick", FT, false, true, -1, -1, -1, 0, ""},
            {"csboard/list_listings.json items[0]", "AK-47", "Redline", MW, false, false, 0.0912, 412, -1, 1,
             "Crown (Foil)"},
            {"csboard/list_prices.json items[0]", "AK-47", "Redline", FT, false, false, -1, -1, -1, 0, ""},
            {"csboard/market_buy.json data.skins[0]", "AK-47", "Redline", MW, false, false, -1, -1, -1, 0, ""},
            {"skinify/withdraw_prices.json skins[0]", "AK-47", "Safari Mesh", MW, false, false, 0.1123487651, -1, -1, 0,
             ""},
            {"skinify/withdraw_prices.json skins[1]", "Glock-18", "Moonrise", BS, false, false, 0.6420113444, -1, -1, 0,
             ""},
            {"skinify/steam_inventory.json inventory[0]", "Negev", "Prototype", MW, true, false, -1, -1, -1, 0, ""},
            {"skinify/withdraw_info.json items[1].skin", "Taunt: Giddy Up!", "", none, false, false, -1, -1, -1, 0, ""},
        }));
    const auto& d = documented_at(all, where);
    INFO(where);
    REQUIRE(d.key);
    const item_key& k = *d.key;
    CHECK(k.weapon() == weapon);
    CHECK(k.finish() == finish);
    CHECK(code(k.exterior()) == ext);
    CHECK(k.stattrak() == st);
    CHECK(k.souvenir() == sv);
    CHECK_FALSE(k.star());
    CHECK_FALSE(k.phase());
    CHECK(k.float_value() == (flt < 0 ? std::nullopt : std::optional<double>(flt)));
    CHECK(k.paint_seed() == (seed < 0 ? std::nullopt : std::optional<std::int64_t>(seed)));
    CHECK(k.paint_index() == (index < 0 ? std::nullopt : std::optional<std::int64_t>(index)));
    REQUIRE(k.stickers().size() == stickers);
    if (stickers > 0) {
        CHECK(k.stickers()[0].name == sticker);
        CHECK(k.stickers()[0].slot == 0);
        CHECK(k.stickers()[0].wear == 0.0);
    }
}

TEST_CASE("item_key: every name of the sandbox catalogue", "[item_key][sandbox]")
{
    static const auto catalogue = cs2market::sandbox::catalogue::make();
    static const auto& pool = cs2market::sandbox::catalogue::sticker_pool();
    REQUIRE(catalogue.types.size() > 500);
    SECTION("item types: weapon, skin, exterior and StatTrak™ as the catalogue has them")
    {
        const auto i = GENERATE(range(std::size_t{0}, catalogue.types.size()));
        const auto& t = catalogue.types[i];
        INFO(t.market_hash_name);
        auto k = item_key::parse(t.market_hash_name);
        REQUIRE(k);
        CHECK(k->to_string() == t.market_hash_name);
        CHECK(k->weapon() == t.weapon);
        CHECK(k->finish() == t.skin);
        REQUIRE(k->exterior());
        CHECK(cs2market::to_string(*k->exterior()) == cs2market::sandbox::wear_names[t.wear]);
        CHECK(k->stattrak() == t.stattrak);
        CHECK_FALSE(k->souvenir());
        CHECK(k->star() == (t.category == "Knife" || t.category == "Gloves"));
        check_round_trip(*k);
    }
    SECTION("stickers")
    {
        const auto i = GENERATE(range(std::size_t{0}, pool.size()));
        auto k = item_key::parse(pool[i]);
        REQUIRE(k);
        CHECK(k->to_string() == pool[i]);
        CHECK(k->weapon() == "Sticker");
        CHECK("Sticker | " + k->finish() == pool[i]);
        CHECK_FALSE(k->exterior());
    }
}

TEST_CASE("item_key: every listing of the sandbox catalogue makes a key that prints and parses back", "[item_key][sandbox]")
{
    static const auto catalogue = cs2market::sandbox::catalogue::make();
    const auto seed = GENERATE(as<std::uint64_t>{}, 1, 2, 3);
    const auto listings = catalogue.make_listings(seed, 1000);
    REQUIRE(listings.size() >= catalogue.types.size());
    std::size_t with_stickers = 0, phased = 0;
    for (const auto& l : listings) {
        const auto& t = catalogue.types[l.type];
        item_facts f;
        f.float_value = l.float_value;
        f.paint_seed = l.paint_seed;
        f.paint_index = l.paint_index;
        for (std::size_t s = 0; s < l.stickers.size(); ++s)
            f.stickers.push_back({l.stickers[s], static_cast<std::int64_t>(s), 0.0});
        INFO(t.market_hash_name << " listing " << l.num_id);
        auto k = item_key::make(t.market_hash_name, f);
        REQUIRE(k);
        with_stickers += l.stickers.empty() ? 0 : 1;
        phased += k->phase() ? 1 : 0;
        CHECK(k->phase() == cs2market::doppler_phase_of(t.skin, l.paint_index));
        CHECK((k->group() == *item_key::parse(t.market_hash_name) || k->phase()));
        const std::string c = k->canonical();
        auto back = item_key::from_canonical(c);
        REQUIRE(back);
        REQUIRE(*back == *k);
        REQUIRE(back->canonical() == c);
    }
    CHECK(with_stickers > 0);
    CHECK(phased > 0); // a Doppler's paint index is one of its phases' (catalogue::paint_index_of)
}

TEST_CASE("item_key from cs2dt: a style names a Doppler's phase, checked against the paint index", "[item_key][cs2dt]")
{
    // name, styleId, paintIndex (-1: none), phase of the key (or none), error text
    const auto [name, style, index, phase, error] = GENERATE(table<const char*, std::int64_t, std::int64_t, int, const char*>({
        {"★ Karambit | Doppler (Factory New)", 12, -1, P2, ""},
        {"★ Karambit | Doppler (Factory New)", 31, 415, RUBY, ""},
        {"★ Karambit | Doppler (Factory New)", 1, 418, P1, ""}, // a tier, not a phase
        {"★ Karambit | Doppler (Factory New)", 34, 617, BLACK_PEARL, ""},
        {"★ Karambit | Doppler (Factory New)", 33, 415, none, "disagrees with paint index 415 (Ruby)"},
        {"★ Karambit | Doppler (Factory New)", 32, -1, none, "Emerald is not a phase"},
        {"★ Karambit | Gamma Doppler (Factory New)", 32, 568, EMERALD, ""},
        {"Glock-18 | Gamma Doppler (Factory New)", 14, 1123, P4, ""},
        {"AK-47 | Redline (Field-Tested)", 12, 282, none, ""}, // styles of other finishes are not phases
    }));
    INFO(name << " style " << style << " index " << index);
    cs2dt::ItemAssetInfoVO a;
    a.styleId = style;
    if (index >= 0)
        a.paintIndex = index;
    auto k = cs2dt::item_key_of(name, a);
    if (*error) {
        REQUIRE_FALSE(k);
        CHECK(k.error().provider == cs2dt::id);
        CHECK_THAT(k.error().detail, Contains(error));
    } else {
        REQUIRE(k);
        CHECK(code(k->phase()) == phase);
    }
}

TEST_CASE("item_key from cs2dt: a sticker's English name is used, else its name", "[item_key][cs2dt]")
{
    auto listing = [](std::string stickers) {
        return decode<cs2dt::ProductSellListDTO>(R"j({"marketHashName":"AK-47 | Redline (Field-Tested)",)j"
                                                 R"j("assetInfo":{"wear":0.25,"stickers":)j" +
                                                 stickers + "}}");
    };
    auto k = cs2dt::item_key_of(listing(R"j([{"name":"印花 | 皇冠（闪亮）","enName":"Sticker | Crown (Foil)","slot":1},)j"
                                         R"j({"name":"Sticker | Howling Dawn","enName":"","slot":0,"wear":0.5}])j"));
    REQUIRE(k);
    REQUIRE(k->stickers().size() == 2);
    CHECK(k->stickers()[0].name == "Howling Dawn");
    CHECK(k->stickers()[0].wear == 0.5);
    CHECK(k->stickers()[1].name == "Crown (Foil)");
    CHECK(k->float_value() == 0.25);
    auto unnamed = cs2dt::item_key_of(listing(R"j([{"slot":0}])j"));
    REQUIRE_FALSE(unnamed);
    CHECK_THAT(unnamed.error().detail, Contains("sticker's name is empty"));
}

TEST_CASE("item_key from csboard: doppler_phase spellings", "[item_key][csboard]")
{
    const auto [spelling, phase] = GENERATE(table<std::string, int>({
        {"Phase 1", P1},         {"Phase 2", P2},      {"phase_3", P3},     {"PHASE-4", P4},     {"P2", P2},
        {"p4", P4},              {"Ruby", RUBY},       {"sapphire", SAPPHIRE}, {"Black Pearl", BLACK_PEARL},
        {"black_pearl", BLACK_PEARL}, {"BlackPearl", BLACK_PEARL}, {"Emerald", EMERALD},
        {"Phase 5", none},       {"Diamond", none},    {"ph2", none},       {"", none},          {"Phase 22", none},
        {std::string(40, 'p'), none}, {"Phase\xC2\xA0" "1", none},
    }));
    INFO(spelling);
    CHECK(code(csboard::doppler_phase_from_csboard(spelling)) == phase);
}

TEST_CASE("item_key from csboard: a listing's phase, float, seed and stickers, its wear must be the name's exterior", "[item_key][csboard]")
{
    const std::string documented = cs2market::test::read_data("csboard/list_listings.json");
    auto first_listing = [&](std::string from, std::string to) {
        auto page = decode<csboard::ListingsPage>(documented);
        REQUIRE(page.items.size() == 1);
        auto json = cs2market::to_json(page.items[0]);
        const auto at = json.find(from);
        REQUIRE(at != std::string::npos);
        json.replace(at, from.size(), to);
        return decode<csboard::Listing>(json);
    };
    const std::string name = R"j("market_hash_name":"AK-47 | Redline (Minimal Wear)")j";
    const std::string wear = R"j("wear":"Minimal Wear")j";
    SECTION("a Doppler's phase")
    {
        auto l = first_listing(name, R"j("market_hash_name":"★ Karambit | Doppler (Minimal Wear)","doppler_phase":"Phase 2")j");
        auto k = csboard::item_key_of(l);
        REQUIRE(k);
        CHECK(k->phase() == doppler_phase::phase_2);
        CHECK(k->float_value() == 0.0912);
        CHECK(k->paint_seed() == 412);
        CHECK(k->canonical() ==
              "★ Karambit | Doppler (Minimal Wear)#phase=Phase 2;float=0.0912;seed=412;sticker=0,0,Crown (Foil)");
    }
    SECTION("a phase CSBoard spells in a way not read here is an error, not a guess")
    {
        auto l = first_listing(name, R"j("market_hash_name":"★ Karambit | Doppler (Minimal Wear)","doppler_phase":"P9")j");
        auto k = csboard::item_key_of(l);
        REQUIRE_FALSE(k);
        CHECK(k.error().provider == csboard::id);
        CHECK_THAT(k.error().detail, Contains("doppler_phase"));
    }
    SECTION("a wear that is not the name's exterior")
    {
        auto k = csboard::item_key_of(first_listing(wear, R"j("wear":"Field-Tested")j"));
        REQUIRE_FALSE(k);
        CHECK_THAT(k.error().detail, Contains("wear \"Field-Tested\" is not the exterior"));
    }
    SECTION("a wear CSBoard's schema does not know is not compared")
    {
        auto k = csboard::item_key_of(first_listing(wear, R"j("wear":"Pristine")j"));
        REQUIRE(k);
        CHECK(k->exterior() == exterior::minimal_wear);
    }
    SECTION("a price row's phase")
    {
        auto row = decode<csboard::PriceRow>(R"j({"market_hash_name":"★ Karambit | Gamma Doppler (Factory New)",)j"
                                             R"j("wear":"Factory New","doppler_phase":"Emerald","min_price_usd":4100,"qty":1})j");
        auto k = csboard::item_key_of(row);
        REQUIRE(k);
        CHECK(k->phase() == doppler_phase::emerald);
        CHECK(*k == k->group());
    }
}

TEST_CASE("item_key from skinify: a skin's float, when Skinify sends one", "[item_key][skinify]")
{
    auto skin = decode<skinify::PurchaseSkin>(R"j({"id":"1","name":"★ Karambit | Doppler (Factory New)",)j"
                                              R"j("properties":{"classid":"1","floatvalue":0.0123}})j");
    auto k = skinify::item_key_of(skin);
    REQUIRE(k);
    CHECK(k->float_value() == 0.0123);
    CHECK_FALSE(k->phase()); // Skinify documents no paint index
    skin.properties.reset();
    CHECK_FALSE(skinify::item_key_of(skin)->float_value());
    skin.properties = skinify::SkinProperties{};
    skin.properties->floatvalue = 1.5;
    auto bad = skinify::item_key_of(skin);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().provider == skinify::id);
    CHECK_THAT(bad.error().detail, Contains("float is not a number from 0 to 1"));
}

} // namespace item_key_test
