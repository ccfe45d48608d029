// cs2market: item_key's bodies. Compiled in every TU that includes
// <cs2market/item_key.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_ITEM_KEY_IPP
#define CS2MARKET_IMPL_ITEM_KEY_IPP

#include <cs2market/detail/utf8.hpp>
#include <cs2market/item_key.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <tuple>
#include <utility>

namespace cs2market {

namespace detail::item_key_impl {

// UTF-8 spelled out so that the source encoding cannot change them.
inline constexpr std::string_view star_prefix = "\xE2\x98\x85 ";             // "★ " (U+2605)
inline constexpr std::string_view star = "\xE2\x98\x85";                     // "★"
inline constexpr std::string_view stattrak_prefix = "StatTrak\xE2\x84\xA2 "; // "StatTrak™ " (U+2122)
inline constexpr std::string_view souvenir_prefix = "Souvenir ";
inline constexpr std::string_view sticker_prefix = "Sticker | ";
inline constexpr std::string_view separator = " | ";

inline constexpr std::string_view exterior_names[] = {"Factory New", "Minimal Wear", "Field-Tested", "Well-Worn",
                                                      "Battle-Scarred"};
inline constexpr std::string_view phase_names[] = {"Phase 1", "Phase 2", "Phase 3",     "Phase 4",
                                                   "Ruby",    "Sapphire", "Black Pearl", "Emerald"};

// Paint index -> phase. Paint kits of items_game.txt (am_ruby_marbleized = 415,
// am_doppler_phase2_b = 618, am_sapphire_marbleized_b = 619, am_doppler_phase1_widow
// = 852, am_emerald_marbleized_glock = 1119, ...) as the community tables give
// them, e.g. github.com/FFC12/SkinBot extension/sth/js/knifephasedetector.script.js
// (index -> paint kit name) and the CSFloat-derived phase tables many public
// inspect tools copy (415 Ruby ... 1123 Phase 4). Note: 619 is Sapphire and 620 is
// not a Doppler; the second Doppler set has only 617-619.
struct paint_row {
    std::int64_t index;
    bool gamma; // Gamma Doppler, else Doppler
    doppler_phase phase;
};
using dp = doppler_phase;
inline constexpr paint_row paint_table[] = {
    {415, false, dp::ruby},    {416, false, dp::sapphire}, {417, false, dp::black_pearl}, {418, false, dp::phase_1},
    {419, false, dp::phase_2}, {420, false, dp::phase_3},  {421, false, dp::phase_4},     {617, false, dp::black_pearl},
    {618, false, dp::phase_2}, {619, false, dp::sapphire}, {852, false, dp::phase_1},     {853, false, dp::phase_2},
    {854, false, dp::phase_3}, {855, false, dp::phase_4},  {568, true, dp::emerald},      {569, true, dp::phase_1},
    {570, true, dp::phase_2},  {571, true, dp::phase_3},   {572, true, dp::phase_4},      {1119, true, dp::emerald},
    {1120, true, dp::phase_1}, {1121, true, dp::phase_2},  {1122, true, dp::phase_3},     {1123, true, dp::phase_4},
};

inline constexpr std::string_view doppler = "Doppler";
inline constexpr std::string_view gamma_doppler = "Gamma Doppler";

inline error refuse(std::string what, provider_id who)
{
    return make_error(error_kind::invalid_argument, "item key: " + std::move(what), who);
}

/// The text quoted for an error when it is short and printable, else its size.
inline std::string shown(std::string_view s)
{
    const bool printable = s.size() <= 120 && valid_utf8(s) &&
                           std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    return printable ? "\"" + std::string(s) + "\"" : "(" + std::to_string(s.size()) + " bytes)";
}

/// Why `s` cannot be a name (or a part of one); empty when it can.
inline std::string text_problem(std::string_view s)
{
    if (s.empty())
        return "is empty";
    if (s.size() > item_key::max_name_size)
        return "is longer than " + std::to_string(item_key::max_name_size) + " bytes";
    if (!valid_utf8(s))
        return "is not valid UTF-8";
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0; // U+0080-U+009F
        if (c < 0x20 || c == 0x7F || c1)
            return "holds a control character at byte " + std::to_string(i);
    }
    if (s.front() == ' ' || s.back() == ' ')
        return "begins or ends with a space";
    return {};
}

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// ASCII case and '-' / ' ' insensitive: "field tested" matches "Field-Tested".
inline bool loosely_equal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = lower(a[i]), y = lower(b[i]);
        x = x == '-' ? ' ' : x;
        y = y == '-' ? ' ' : y;
        if (x != y)
            return false;
    }
    return true;
}

inline bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() && loosely_equal(s.substr(0, prefix.size()), prefix);
}

/// '%', '#' and ';' as %25, %23, %3B.
inline void append_escaped(std::string& out, std::string_view s)
{
    for (char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '#')
            out += "%23";
        else if (c == ';')
            out += "%3B";
        else
            out += c;
    }
}

inline std::optional<std::string> unescape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const std::string_view e = s.substr(i, 3);
        if (e == "%25")
            out += '%';
        else if (e == "%23")
            out += '#';
        else if (e == "%3B")
            out += ';';
        else
            return std::nullopt;
        i += 2;
    }
    return out;
}

inline void append_int(std::string& out, std::int64_t v)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// The shortest text that reads back to the same double.
inline void append_double(std::string& out, double v)
{
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

template <class T>
bool read_number(std::string_view s, T& v) noexcept
{
    if (s.empty())
        return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

/// A float or a sticker wear: finite, 0..1; -0 read as 0 so equal values compare equal.
inline bool unit_interval(std::optional<double>& v) noexcept
{
    if (!v)
        return true;
    if (!std::isfinite(*v) || *v < 0.0 || *v > 1.0)
        return false;
    if (*v == 0.0)
        *v = 0.0;
    return true;
}

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 29);
}

template <class T>
std::uint64_t mix_optional(std::uint64_t h, const std::optional<T>& v) noexcept
{
    return v ? mix(mix(h, 1), std::hash<T>{}(*v)) : mix(h, 0);
}

} // namespace detail::item_key_impl

std::string_view to_string(exterior e) noexcept
{
    const auto i = static_cast<std::size_t>(e);
    return i < std::size(detail::item_key_impl::exterior_names) ? detail::item_key_impl::exterior_names[i] : "?";
}

std::optional<exterior> exterior_from_string(std::string_view s) noexcept
{
    const auto& names = detail::item_key_impl::exterior_names;
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == s)
            return static_cast<exterior>(i);
    return std::nullopt;
}

std::string_view to_string(doppler_phase p) noexcept
{
    const auto i = static_cast<std::size_t>(p);
    return i < std::size(detail::item_key_impl::phase_names) ? detail::item_key_impl::phase_names[i] : "?";
}

std::optional<doppler_phase> doppler_phase_from_string(std::string_view s) noexcept
{
    const auto& names = detail::item_key_impl::phase_names;
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == s)
            return static_cast<doppler_phase>(i);
    return std::nullopt;
}

bool has_doppler_phases(std::string_view finish) noexcept
{
    return finish == detail::item_key_impl::doppler || finish == detail::item_key_impl::gamma_doppler;
}

bool is_phase_of(std::string_view finish, doppler_phase p) noexcept
{
    namespace d = detail::item_key_impl;
    if (finish == d::doppler)
        return p != doppler_phase::emerald;
    if (finish == d::gamma_doppler)
        return p <= doppler_phase::phase_4 || p == doppler_phase::emerald;
    return false;
}

std::optional<doppler_phase> doppler_phase_of(std::string_view finish, std::int64_t paint_index) noexcept
{
    namespace d = detail::item_key_impl;
    if (!has_doppler_phases(finish))
        return std::nullopt;
    const bool gamma = finish == d::gamma_doppler;
    for (const auto& row : d::paint_table)
        if (row.index == paint_index && row.gamma == gamma)
            return row.phase;
    return std::nullopt;
}

result<item_key> item_key::parse(std::string_view name, provider_id who)
{
    namespace d = detail::item_key_impl;
    if (auto why = d::text_problem(name); !why.empty())
        return d::refuse("the market hash name " + d::shown(name) + " " + why, who);
    item_key k;
    std::string_view rest = name;
    const bool starred = rest.starts_with(d::star_prefix);
    if (starred)
        rest.remove_prefix(d::star_prefix.size());
    if (rest.starts_with(d::stattrak_prefix)) {
        k.stattrak_ = true;
        rest.remove_prefix(d::stattrak_prefix.size());
    } else if (rest.starts_with(d::souvenir_prefix)) {
        k.souvenir_ = true;
        rest.remove_prefix(d::souvenir_prefix.size());
    }
    // Steam writes one order only ("★ StatTrak™ Karambit"); another would print differently.
    if (rest.starts_with(d::star))
        return d::refuse(d::shown(name) + ": \xE2\x98\x85 comes first in a market hash name", who);
    if (d::starts_with_icase(rest, "stattrak"))
        return d::refuse(d::shown(name) + ": StatTrak is written \"StatTrak\xE2\x84\xA2 \" (with U+2122), once, first", who);
    for (std::size_t i = 0; i < std::size(d::exterior_names); ++i) {
        const std::string_view e = d::exterior_names[i];
        if (rest.size() > e.size() + 3 && rest.ends_with(')') && rest.substr(rest.size() - e.size() - 1, e.size()) == e &&
            rest.substr(rest.size() - e.size() - 3, 2) == " (") {
            k.exterior_ = static_cast<::cs2market::exterior>(i);
            rest.remove_suffix(e.size() + 3);
            break;
        }
    }
    if (!k.exterior_ && rest.ends_with(')')) {
        // "(Field Tested)", "(factory new)": an exterior, not as Steam spells it.
        const auto open = rest.rfind(" (");
        if (open != std::string_view::npos) {
            const std::string_view inner = rest.substr(open + 2, rest.size() - open - 3);
            for (std::string_view e : d::exterior_names)
                if (d::loosely_equal(inner, e))
                    return d::refuse(d::shown(name) + ": the exterior is spelled \"" + std::string(e) + "\" on Steam", who);
        }
    }
    const auto bar = rest.find(d::separator);
    const std::string_view weapon = rest.substr(0, bar);
    const std::string_view finish = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + d::separator.size());
    if (weapon.empty() || weapon.front() == ' ' || weapon.back() == ' ')
        return d::refuse(d::shown(name) + ": the item type is empty or has a space around it", who);
    if (bar != std::string_view::npos && (finish.empty() || finish.front() == ' ' || finish.back() == ' '))
        return d::refuse(d::shown(name) + ": the finish after \" | \" is empty or has a space around it", who);
    k.weapon_.reserve(weapon.size() + (starred ? d::star_prefix.size() : 0));
    if (starred)
        k.weapon_ = d::star_prefix;
    k.weapon_ += weapon;
    k.finish_ = finish;
    return k;
}

result<item_key> item_key::make(std::string_view name, item_facts facts, provider_id who)
{
    namespace d = detail::item_key_impl;
    auto parsed = parse(name, who);
    if (!parsed)
        return parsed;
    item_key k = std::move(*parsed);
    const std::string where = d::shown(name) + ": ";
    if (facts.phase && !is_phase_of(k.finish_, *facts.phase))
        return d::refuse(where + std::string(::cs2market::to_string(*facts.phase)) + " is not a phase of the finish " +
                             d::shown(k.finish_),
                         who);
    k.phase_ = facts.phase;
    if (facts.paint_index) {
        if (*facts.paint_index < 0 || *facts.paint_index > max_paint_index)
            return d::refuse(where + "paint index " + std::to_string(*facts.paint_index) + " is outside 0.." +
                                 std::to_string(max_paint_index),
                             who);
        if (auto by_index = doppler_phase_of(k.finish_, *facts.paint_index)) {
            if (k.phase_ && *k.phase_ != *by_index)
                return d::refuse(where + "the phase " + std::string(::cs2market::to_string(*k.phase_)) + " disagrees with paint index " +
                                     std::to_string(*facts.paint_index) + " (" + std::string(::cs2market::to_string(*by_index)) + ")",
                                 who);
            k.phase_ = by_index;
        }
        k.paint_index_ = facts.paint_index;
    }
    if (!d::unit_interval(facts.float_value))
        return d::refuse(where + "the float is not a number from 0 to 1", who);
    k.float_value_ = facts.float_value;
    if (facts.paint_seed && (*facts.paint_seed < 0 || *facts.paint_seed > max_paint_seed))
        return d::refuse(where + "paint seed " + std::to_string(*facts.paint_seed) + " is outside 0.." +
                             std::to_string(max_paint_seed),
                         who);
    k.paint_seed_ = facts.paint_seed;
    if (facts.stickers.size() > max_stickers)
        return d::refuse(where + std::to_string(facts.stickers.size()) + " stickers, more than " +
                             std::to_string(max_stickers),
                         who);
    for (auto& s : facts.stickers) {
        // Every leading "Sticker | ", so that the name stored does not change when made again.
        std::size_t cut = 0;
        while (std::string_view(s.name).substr(cut).starts_with(d::sticker_prefix))
            cut += d::sticker_prefix.size();
        s.name.erase(0, cut);
        if (auto why = d::text_problem(s.name); !why.empty())
            return d::refuse(where + "a sticker's name " + why, who);
        if (s.slot && (*s.slot < 0 || *s.slot > max_sticker_slot))
            return d::refuse(where + "sticker slot " + std::to_string(*s.slot) + " is outside 0.." +
                                 std::to_string(max_sticker_slot),
                             who);
        if (!d::unit_interval(s.wear))
            return d::refuse(where + "a sticker's wear is not a number from 0 to 1", who);
    }
    // By slot first: the order the item shows them in.
    std::sort(facts.stickers.begin(), facts.stickers.end(), [](const applied_sticker& a, const applied_sticker& b) {
        return std::tie(a.slot, a.name, a.wear) < std::tie(b.slot, b.name, b.wear);
    });
    k.stickers_ = std::move(facts.stickers);
    return k;
}

std::string item_key::to_string() const
{
    namespace d = detail::item_key_impl;
    std::string out;
    out.reserve(weapon_.size() + finish_.size() + 32);
    std::string_view weapon = weapon_;
    if (weapon.starts_with(d::star_prefix)) {
        out += d::star_prefix;
        weapon.remove_prefix(d::star_prefix.size());
    }
    if (stattrak_)
        out += d::stattrak_prefix;
    else if (souvenir_)
        out += d::souvenir_prefix;
    out += weapon;
    if (!finish_.empty()) {
        out += d::separator;
        out += finish_;
    }
    if (exterior_) {
        out += " (";
        out += ::cs2market::to_string(*exterior_);
        out += ')';
    }
    return out;
}

std::string item_key::canonical() const
{
    namespace d = detail::item_key_impl;
    std::string out;
    d::append_escaped(out, to_string());
    char sep = '#';
    auto fact = [&](std::string_view name) -> std::string& {
        out += sep;
        sep = ';';
        out += name;
        out += '=';
        return out;
    };
    if (phase_)
        fact("phase") += ::cs2market::to_string(*phase_);
    if (paint_index_)
        d::append_int(fact("paint_index"), *paint_index_);
    if (float_value_)
        d::append_double(fact("float"), *float_value_);
    if (paint_seed_)
        d::append_int(fact("seed"), *paint_seed_);
    for (const auto& s : stickers_) {
        fact("sticker");
        if (s.slot)
            d::append_int(out, *s.slot);
        out += ',';
        if (s.wear)
            d::append_double(out, *s.wear);
        out += ',';
        d::append_escaped(out, s.name);
    }
    return out;
}

result<item_key> item_key::from_canonical(std::string_view text, provider_id who)
{
    namespace d = detail::item_key_impl;
    // Every fact once, each sticker's name escaped at most 3x: bounds the work.
    constexpr std::size_t max_size = 3 * max_name_size * (max_stickers + 1) + 256;
    if (text.size() > max_size)
        return d::refuse("a canonical key is at most " + std::to_string(max_size) + " bytes", who);
    const auto cut = text.find('#');
    auto name = d::unescape(text.substr(0, cut));
    if (!name)
        return d::refuse("a canonical key's name has a '%' that is not %25, %23 or %3B", who);
    item_facts facts;
    std::string_view rest = cut == std::string_view::npos ? std::string_view() : text.substr(cut + 1);
    while (cut != std::string_view::npos) {
        const auto end = rest.find(';');
        const std::string_view f = rest.substr(0, end);
        const auto eq = f.find('=');
        const std::string_view key = f.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : f.substr(eq + 1);
        bool ok = eq != std::string_view::npos;
        if (!ok) {
        } else if (key == "phase") {
            facts.phase = doppler_phase_from_string(value);
            ok = facts.phase.has_value();
        } else if (key == "paint_index") {
            ok = d::read_number(value, facts.paint_index.emplace());
        } else if (key == "float") {
            ok = d::read_number(value, facts.float_value.emplace());
        } else if (key == "seed") {
            ok = d::read_number(value, facts.paint_seed.emplace());
        } else if (key == "sticker" && facts.stickers.size() < max_stickers) {
            const auto c1 = value.find(',');
            const auto c2 = c1 == std::string_view::npos ? c1 : value.find(',', c1 + 1);
            ok = c2 != std::string_view::npos;
            if (ok) {
                applied_sticker s;
                const std::string_view slot = value.substr(0, c1), wear = value.substr(c1 + 1, c2 - c1 - 1);
                auto sname = d::unescape(value.substr(c2 + 1));
                ok = sname && (slot.empty() || d::read_number(slot, s.slot.emplace())) &&
                     (wear.empty() || d::read_number(wear, s.wear.emplace()));
                if (ok) {
                    s.name = std::move(*sname);
                    facts.stickers.push_back(std::move(s));
                }
            }
        } else {
            ok = false;
        }
        if (!ok)
            return d::refuse("a canonical key's fact " + d::shown(f) + " is not one canonical() prints", who);
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    auto k = make(*name, std::move(facts), who);
    if (!k)
        return k;
    if (k->canonical() != text)
        return d::refuse("not a canonical key (facts in another order, twice, or numbers not in their shortest form)", who);
    return k;
}

bool item_key::star() const noexcept
{
    return std::string_view(weapon_).starts_with(detail::item_key_impl::star_prefix);
}

item_key item_key::group() const
{
    item_key g;
    g.weapon_ = weapon_;
    g.finish_ = finish_;
    g.exterior_ = exterior_;
    g.stattrak_ = stattrak_;
    g.souvenir_ = souvenir_;
    g.phase_ = phase_;
    return g;
}

std::size_t item_key::hash() const noexcept
{
    namespace d = detail::item_key_impl;
    std::uint64_t h = std::hash<std::string>{}(weapon_);
    h = d::mix(h, std::hash<std::string>{}(finish_));
    h = d::mix_optional(h, exterior_);
    h = d::mix(h, (stattrak_ ? 1u : 0u) | (souvenir_ ? 2u : 0u));
    h = d::mix_optional(h, phase_);
    h = d::mix_optional(h, paint_index_);
    h = d::mix_optional(h, float_value_);
    h = d::mix_optional(h, paint_seed_);
    for (const auto& s : stickers_) {
        h = d::mix(h, std::hash<std::string>{}(s.name));
        h = d::mix_optional(h, s.slot);
        h = d::mix_optional(h, s.wear);
    }
    return static_cast<std::size_t>(h);
}

} // namespace cs2market

#endif
