// Fuzz target: the item key (market hash names, facts, the canonical string) and
// each provider's mapping from its listing types.
//
// Input: any bytes, read four ways: as a market hash name, as a canonical key,
// as facts (the first 25 bytes: float bits, seed, paint index, phase; the rest a
// name and sticker names separated by U+001F), and as a CSBoard listing, CS2DT
// listing and Skinify skin in JSON.
// Properties: nothing crashes; refusals are invalid_argument; a parsed name
// prints back byte for byte; a key's canonical string parses back to an equal
// key with the same hash; a canonical string that parses is what it prints.
#include <cs2market/cs2dt/items.hpp>
#include <cs2market/csboard/items.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/json.hpp>
#include <cs2market/skinify/items.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using cs2market::item_key;

void check_key(const cs2market::result<item_key>& k, std::string_view input)
{
    if (!k) {
        fuzz::check(k.error().kind == cs2market::error_kind::invalid_argument, "a refusal is not invalid_argument",
                    k.error().message());
        return;
    }
    const std::string name = k->to_string();
    auto named = item_key::parse(name);
    fuzz::check(named && named->to_string() == name, "a key's name does not parse back to itself", name);
    const std::string c = k->canonical();
    auto back = item_key::from_canonical(c);
    fuzz::check(static_cast<bool>(back), "a canonical key does not parse", c + "\n" + std::string(input.substr(0, 200)));
    fuzz::check(*back == *k && back->hash() == k->hash() && back->canonical() == c,
                "a canonical key parses to another key", c);
    const item_key g = back->group();
    fuzz::check(g.to_string() == name && g.phase() == k->phase() && !g.float_value() && g.stickers().empty(),
                "group() is not the name and the phase", c);
}

void names(std::string_view s)
{
    auto k = item_key::parse(s);
    if (k)
        fuzz::check(k->to_string() == s, "a parsed name does not print back byte for byte", s);
    check_key(k, s);
}

void canonical(std::string_view s)
{
    auto k = item_key::from_canonical(s);
    if (k)
        fuzz::check(k->canonical() == s, "from_canonical accepted a string canonical() does not print", s);
    check_key(k, s);
}

template <class T>
T take(std::string_view& s)
{
    T v{};
    if (s.size() >= sizeof v) {
        std::memcpy(&v, s.data(), sizeof v);
        s.remove_prefix(sizeof v);
    }
    return v;
}

void facts(std::string_view s)
{
    cs2market::item_facts f;
    const auto bits = take<std::uint64_t>(s);
    double flt;
    std::memcpy(&flt, &bits, sizeof flt); // any double: NaN, infinities, -0, denormals
    if (bits != 0)
        f.float_value = flt;
    if (const auto seed = take<std::int64_t>(s); seed != 0)
        f.paint_seed = seed % 2048;
    if (const auto index = take<std::int64_t>(s); index != 0)
        f.paint_index = index % 1300;
    if (const auto phase = take<std::uint8_t>(s); phase < 8)
        f.phase = static_cast<cs2market::doppler_phase>(phase);
    const auto cut = s.find('\x1f');
    const std::string_view name = s.substr(0, cut);
    for (auto rest = cut == std::string_view::npos ? std::string_view() : s.substr(cut + 1); !rest.empty();) {
        const auto next = rest.find('\x1f');
        const std::string_view sticker = rest.substr(0, next);
        f.stickers.push_back({std::string(sticker), static_cast<std::int64_t>(sticker.size() % 70) - 3,
                              sticker.empty() ? std::optional<double>() : static_cast<double>(sticker[0]) / 100.0});
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    }
    check_key(item_key::make(name, f), name);
}

template <class T>
void mapped(std::string_view json)
{
    auto v = cs2market::from_json<T>(json);
    if (!v)
        return;
    auto k = item_key_of(*v); // found through ADL in the provider's namespace
    if (!k)
        fuzz::check(!k.error().provider.empty(), "a provider's refusal does not name the provider", k.error().message());
    check_key(k, json);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    names(s);
    canonical(s);
    facts(s);
    mapped<cs2market::csboard::Listing>(s);
    mapped<cs2market::csboard::PriceRow>(s);
    mapped<cs2market::cs2dt::ProductSellListDTO>(s);
    mapped<cs2market::skinify::SkinPriceEntry>(s);
    return 0;
}
