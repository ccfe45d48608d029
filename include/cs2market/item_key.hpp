// cs2market: the canonical item key. A Steam market hash name parsed into its
// parts (weapon, finish, exterior, StatTrak™ / Souvenir / ★), plus the facts that
// change a price within one name: Doppler phase, paint index, float, paint seed,
// stickers. Model-level (no Beast, Asio or OpenSSL) and names no provider: each
// provider builds keys from its own listing types in <cs2market/<p>/items.hpp>.
//
//   auto k = cs2market::item_key::parse("★ StatTrak™ Karambit | Doppler (Factory New)");
//   k->weapon() == "★ Karambit"; k->finish() == "Doppler"; k->stattrak(); k->star();
//   k->exterior() == cs2market::exterior::factory_new;
//   k->to_string();    // the market hash name again, byte for byte
//
//   cs2market::item_facts f;
//   f.paint_index = 415;   // Doppler 415 is Ruby: phase() becomes doppler_phase::ruby
//   f.float_value = 0.0123;
//   auto r = cs2market::item_key::make("★ Karambit | Doppler (Factory New)", f);
//   r->canonical();    // "★ Karambit | Doppler (Factory New)#phase=Ruby;paint_index=415;float=0.0123"
//
// The canonical string (canonical(), from_canonical()):
//
//   canonical := name [ "#" fact *( ";" fact ) ]
//   fact      := "phase=" PHASE          Phase 1..Phase 4, Ruby, Sapphire, Black Pearl, Emerald
//              | "paint_index=" INT
//              | "float=" FLOAT          the shortest text that reads back to the same double
//              | "seed=" INT
//              | "sticker=" [INT] "," [FLOAT] "," name    slot, wear (either may be empty), name
//
// `name` is the market hash name (a sticker's name without "Sticker | ") with
// '%', '#' and ';' written %25, %23 and %3B. Facts come in the order above, each
// once at most (stickers sorted by slot, name, wear) and only when known. So the
// canonical string of a key with no facts is its market hash name (unless that
// holds % # ;), and from_canonical accepts exactly the strings canonical() prints:
// from_canonical(k.canonical()) == k, from_canonical(s)->canonical() == s.
#ifndef CS2MARKET_ITEM_KEY_HPP
#define CS2MARKET_ITEM_KEY_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market {

/// The wear class in a market hash name.
enum class exterior : std::uint8_t { factory_new, minimal_wear, field_tested, well_worn, battle_scarred };

/// Steam's spelling: "Factory New", "Minimal Wear", "Field-Tested", "Well-Worn", "Battle-Scarred".
CS2MARKET_DECL std::string_view to_string(exterior e) noexcept;
/// From Steam's spelling exactly; empty for anything else.
CS2MARKET_DECL std::optional<exterior> exterior_from_string(std::string_view s) noexcept;

/// The phase of a Doppler (Phase 1-4, Ruby, Sapphire, Black Pearl) or a Gamma
/// Doppler (Phase 1-4, Emerald): one market hash name, very different prices.
enum class doppler_phase : std::uint8_t { phase_1, phase_2, phase_3, phase_4, ruby, sapphire, black_pearl, emerald };

/// "Phase 1" ... "Phase 4", "Ruby", "Sapphire", "Black Pearl", "Emerald".
CS2MARKET_DECL std::string_view to_string(doppler_phase p) noexcept;
/// From the spelling to_string gives exactly; a provider's own spellings are mapped in its folder.
CS2MARKET_DECL std::optional<doppler_phase> doppler_phase_from_string(std::string_view s) noexcept;
/// Whether a finish has phases: "Doppler" and "Gamma Doppler".
CS2MARKET_DECL bool has_doppler_phases(std::string_view finish) noexcept;
/// Whether `p` is a phase of `finish` (Ruby, Sapphire, Black Pearl: Doppler; Emerald: Gamma Doppler).
CS2MARKET_DECL bool is_phase_of(std::string_view finish, doppler_phase p) noexcept;
/// The phase a paint index gives a finish, from the public paint index table;
/// empty when the finish has no phases or the index is not one of its phases.
CS2MARKET_DECL std::optional<doppler_phase> doppler_phase_of(std::string_view finish, std::int64_t paint_index) noexcept;

/// A sticker (or patch) applied to the item.
struct applied_sticker {
    std::string name;                 ///< without "Sticker | ": "Crown (Foil)", "Natus Vincere | Paris 2023"
    std::optional<std::int64_t> slot; ///< 0-based slot, when known
    std::optional<double> wear;       ///< 0.0 (new) to 1.0, when known

    friend bool operator==(const applied_sticker&, const applied_sticker&) = default;
    friend auto operator<=>(const applied_sticker&, const applied_sticker&) = default;
};

/// What a listing says about its one item beyond the name (each optional).
struct item_facts {
    std::optional<doppler_phase> phase;     ///< when the provider names it
    std::optional<std::int64_t> paint_index; ///< gives the phase of a Doppler / Gamma Doppler
    std::optional<double> float_value;      ///< the wear float, 0.0 to 1.0
    std::optional<std::int64_t> paint_seed; ///< the pattern, 0 to 1000
    std::vector<applied_sticker> stickers;
};

/// An item as markets sell it: the market hash name's parts and the facts that
/// change a price within one name. Built only by parse / make / from_canonical,
/// so every key prints a name that parses back to it. Compares, orders and
/// hashes by every field (std::hash, hash_value): a key for maps.
class item_key {
public:
    static constexpr std::size_t max_name_size = 512; ///< bytes of a market hash name or sticker name
    static constexpr std::size_t max_stickers = 16;
    static constexpr std::int64_t max_sticker_slot = 63;
    static constexpr std::int64_t max_paint_index = 100000;
    static constexpr std::int64_t max_paint_seed = 1000;

    /// A market hash name exactly as Steam writes it: "★ " first (knives,
    /// gloves), then "StatTrak™ " or "Souvenir ", the item type, " | " and the
    /// finish when it has one, " (Field-Tested)" etc. when it has an exterior.
    /// Names without " | " or an exterior (cases, "★ Karambit", "Taunt: Giddy Up!")
    /// are kept whole. Refused (error_kind::invalid_argument): empty or longer than
    /// max_name_size, not UTF-8, control characters, an empty part or one that
    /// begins or ends with a space ("AK-47 |  Redline"), "★" after a prefix,
    /// "StatTrak" without ™, an exterior not spelled as Steam does ("(Field Tested)").
    /// `who` is set as the error's provider.
    CS2MARKET_DECL static result<item_key> parse(std::string_view market_hash_name, provider_id who = {});

    /// parse, plus the facts. Stickers lose a leading "Sticker | " and are sorted
    /// by slot, name and wear.
    /// A paint index of a Doppler / Gamma Doppler gives the phase. Refused: a phase
    /// for a finish without one (or not its own: Emerald on a Doppler), a phase
    /// that disagrees with the paint index, a float or sticker wear outside 0..1
    /// or not finite, a seed outside 0..max_paint_seed, a paint index outside
    /// 0..max_paint_index, a slot outside 0..max_sticker_slot, more than
    /// max_stickers stickers, a sticker name parse would refuse.
    CS2MARKET_DECL static result<item_key> make(std::string_view market_hash_name, item_facts facts, provider_id who = {});

    /// The key canonical() printed (see the top of this header); anything else is refused.
    CS2MARKET_DECL static result<item_key> from_canonical(std::string_view text, provider_id who = {});

    /// The market hash name: to_string(parse(s)) == s.
    CS2MARKET_DECL std::string to_string() const;
    /// The name and every fact, in the canonical form.
    CS2MARKET_DECL std::string canonical() const;

    /// The item type with "★ " when it has one: "AK-47", "★ Karambit", "★ Sport Gloves", "Sticker", "Chroma 2 Case".
    const std::string& weapon() const noexcept { return weapon_; }
    /// After " | ": "Redline", "Doppler", "Crown (Foil)"; empty for none ("★ Karambit", cases).
    const std::string& finish() const noexcept { return finish_; }
    std::optional<::cs2market::exterior> exterior() const noexcept { return exterior_; }
    bool stattrak() const noexcept { return stattrak_; }
    bool souvenir() const noexcept { return souvenir_; }
    /// "★": knives and gloves.
    CS2MARKET_DECL bool star() const noexcept;

    std::optional<doppler_phase> phase() const noexcept { return phase_; }
    std::optional<std::int64_t> paint_index() const noexcept { return paint_index_; }
    std::optional<double> float_value() const noexcept { return float_value_; }
    std::optional<std::int64_t> paint_seed() const noexcept { return paint_seed_; }
    const std::vector<applied_sticker>& stickers() const noexcept { return stickers_; }

    /// The item type this one is priced with: the name and the phase, without
    /// the one item's paint index, float, seed and stickers.
    CS2MARKET_DECL item_key group() const;

    CS2MARKET_DECL std::size_t hash() const noexcept;

    friend bool operator==(const item_key&, const item_key&) = default;
    friend auto operator<=>(const item_key&, const item_key&) = default;

private:
    item_key() = default;

    std::string weapon_;
    std::string finish_;
    std::optional<::cs2market::exterior> exterior_;
    bool stattrak_ = false;
    bool souvenir_ = false;
    std::optional<doppler_phase> phase_;
    std::optional<std::int64_t> paint_index_;
    std::optional<double> float_value_;
    std::optional<std::int64_t> paint_seed_;
    std::vector<applied_sticker> stickers_;
};

inline std::size_t hash_value(const item_key& k) noexcept { return k.hash(); }

/// The canonical string.
inline std::ostream& operator<<(std::ostream& os, const item_key& k) { return os << k.canonical(); }

} // namespace cs2market

template <>
struct std::hash<cs2market::item_key> {
    std::size_t operator()(const cs2market::item_key& k) const noexcept { return k.hash(); }
};

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/item_key.ipp>
#endif

#endif
