// cs2market::sandbox — the sandbox's item catalogue: several hundred realistic
// CS2 item types (weapon | skin (wear), StatTrak variants, knives, gloves) and,
// per provider, the physical listings on sale (float, paint seed, stickers, price).
// Everything is derived deterministically from a seed.
#pragma once

#include <cs2market/decimal.hpp>

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace cs2market::sandbox {

struct item_type {
    std::int64_t item_id = 0;      // CS2DT item (type) id
    std::string market_hash_name;  // e.g. "StatTrak™ AK-47 | Redline (Field-Tested)"
    std::string weapon;            // e.g. "AK-47"
    std::string skin;              // e.g. "Redline"
    std::string category;          // Rifle, Pistol, SMG, Sniper Rifle, Knife, Gloves, Shotgun
    std::string rarity;            // e.g. Classified
    int wear = 0;                  // 0 FN .. 4 BS
    bool stattrak = false;
    std::int64_t classid = 0;
};

struct listing {
    std::size_t type = 0;          // index into catalogue::types
    std::int64_t num_id = 0;       // numeric id (CS2DT productId, Skinify skin id, CSBoard itm_<n>)
    double float_value = 0;
    std::int64_t paint_seed = 0;
    std::int64_t paint_index = 0;
    std::int64_t asset_id = 0;
    std::vector<std::string> stickers;
    ::cs2market::decimal price;
    bool hold = false;             // under a trade hold (CSBoard delivery=hold, Skinify reserved)
    bool sold = false;
};

inline constexpr const char* wear_names[] = {"Factory New", "Minimal Wear", "Field-Tested", "Well-Worn", "Battle-Scarred"};
inline constexpr double wear_lo[] = {0.0, 0.07, 0.15, 0.38, 0.45};
inline constexpr double wear_hi[] = {0.07, 0.15, 0.38, 0.45, 1.0};

struct catalogue {
    std::vector<item_type> types;

    static std::uint64_t mix(std::uint64_t x)
    {
        x += 0x9E3779B97F4A7C15ull;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    // Base Factory New price of each skin in USD cents.
    struct skin_def { const char* weapon; const char* skin; const char* category; const char* rarity; std::int64_t fn_cents; bool st; };

    static const std::vector<skin_def>& skins()
    {
        static const std::vector<skin_def> s = {
            {"AK-47", "Redline", "Rifle", "Classified", 9500, true}, {"AK-47", "Vulcan", "Rifle", "Covert", 42000, true},
            {"AK-47", "Asiimov", "Rifle", "Covert", 21000, true}, {"AK-47", "Neon Rider", "Rifle", "Covert", 9800, true},
            {"AK-47", "Slate", "Rifle", "Restricted", 900, true}, {"AK-47", "Bloodsport", "Rifle", "Covert", 11500, true},
            {"AK-47", "Case Hardened", "Rifle", "Classified", 30000, true}, {"AK-47", "Phantom Disruptor", "Rifle", "Classified", 1300, true},
            {"AK-47", "Ice Coaled", "Rifle", "Classified", 1500, true}, {"AK-47", "Elite Build", "Rifle", "Mil-Spec Grade", 600, true},
            {"M4A4", "Asiimov", "Rifle", "Covert", 26000, true}, {"M4A4", "Desolate Space", "Rifle", "Classified", 3500, true},
            {"M4A4", "The Emperor", "Rifle", "Covert", 5200, true}, {"M4A4", "Neo-Noir", "Rifle", "Covert", 4400, true},
            {"M4A1-S", "Hyper Beast", "Rifle", "Covert", 4800, true}, {"M4A1-S", "Printstream", "Rifle", "Covert", 18000, true},
            {"M4A1-S", "Golden Coil", "Rifle", "Covert", 6100, true}, {"M4A1-S", "Decimator", "Rifle", "Classified", 2100, true},
            {"M4A1-S", "Nightmare", "Rifle", "Classified", 1700, true}, {"AWP", "Asiimov", "Sniper Rifle", "Covert", 21000, true},
            {"AWP", "Hyper Beast", "Sniper Rifle", "Covert", 6300, true}, {"AWP", "Redline", "Sniper Rifle", "Classified", 4200, true},
            {"AWP", "Neo-Noir", "Sniper Rifle", "Covert", 4900, true}, {"AWP", "Chromatic Aberration", "Sniper Rifle", "Covert", 4100, true},
            {"AWP", "Atheris", "Sniper Rifle", "Restricted", 700, true}, {"AWP", "Wildfire", "Sniper Rifle", "Covert", 9500, true},
            {"Glock-18", "Fade", "Pistol", "Restricted", 150000, false}, {"Glock-18", "Water Elemental", "Pistol", "Classified", 900, true},
            {"Glock-18", "Vogue", "Pistol", "Classified", 800, true}, {"Glock-18", "Bullet Queen", "Pistol", "Covert", 2400, true},
            {"USP-S", "Kill Confirmed", "Pistol", "Covert", 9600, true}, {"USP-S", "Cortex", "Pistol", "Classified", 900, true},
            {"USP-S", "Printstream", "Pistol", "Covert", 9000, true}, {"USP-S", "Orion", "Pistol", "Classified", 3800, true},
            {"Desert Eagle", "Blaze", "Pistol", "Restricted", 60000, false}, {"Desert Eagle", "Printstream", "Pistol", "Covert", 7600, true},
            {"Desert Eagle", "Code Red", "Pistol", "Covert", 6200, true}, {"Desert Eagle", "Kumicho Dragon", "Pistol", "Classified", 1600, true},
            {"P250", "See Ya Later", "Pistol", "Covert", 700, true}, {"P250", "Asiimov", "Pistol", "Covert", 500, true},
            {"P250", "Sand Dune", "Pistol", "Consumer Grade", 12, false}, {"MP9", "Starlight Protector", "SMG", "Covert", 1700, true},
            {"MP9", "Hydra", "SMG", "Classified", 2600, true}, {"MAC-10", "Neon Rider", "SMG", "Covert", 900, true},
            {"MAC-10", "Stalker", "SMG", "Classified", 400, true}, {"P90", "Asiimov", "SMG", "Covert", 1900, true},
            {"P90", "Emerald Dragon", "SMG", "Classified", 9000, true}, {"MP7", "Army Recon", "SMG", "Consumer Grade", 9, false},
            {"Nova", "Predator", "Shotgun", "Consumer Grade", 8, false}, {"Nova", "Hyper Beast", "Shotgun", "Classified", 300, true},
            {"★ Karambit", "Doppler", "Knife", "Covert", 130000, true}, {"★ Karambit", "Fade", "Knife", "Covert", 180000, true},
            {"★ Karambit", "Tiger Tooth", "Knife", "Covert", 120000, true}, {"★ Butterfly Knife", "Fade", "Knife", "Covert", 220000, true},
            {"★ Butterfly Knife", "Slaughter", "Knife", "Covert", 160000, true}, {"★ Sport Gloves", "Vice", "Gloves", "Extraordinary", 190000, false},
            {"★ Sport Gloves", "Pandora's Box", "Gloves", "Extraordinary", 450000, false},
        };
        return s;
    }

    static const std::vector<std::string>& sticker_pool()
    {
        static const std::vector<std::string> s = {
            "Sticker | Natus Vincere | Paris 2023", "Sticker | Crown (Foil)", "Sticker | s1mple | Stockholm 2021",
            "Sticker | Titan | Katowice 2014", "Sticker | FaZe Clan | Antwerp 2022", "Sticker | Vitality (Holo) | Copenhagen 2024",
            "Sticker | iBUYPOWER | Katowice 2014", "Sticker | Howling Dawn", "Sticker | ZywOo (Gold) | Paris 2023",
        };
        return s;
    }

    static catalogue make()
    {
        catalogue c;
        static constexpr double wear_mult[] = {1.0, 0.72, 0.5, 0.42, 0.36};
        std::int64_t next_id = 100001;
        for (const auto& sd : skins()) {
            for (int st = 0; st < (sd.st ? 2 : 1); ++st) {
                for (int w = 0; w < 5; ++w) {
                    item_type t;
                    t.item_id = next_id++;
                    t.weapon = sd.weapon;
                    t.skin = sd.skin;
                    t.category = sd.category;
                    t.rarity = sd.rarity;
                    t.wear = w;
                    t.stattrak = st == 1;
                    std::string w_prefix = t.stattrak ? (std::string(sd.weapon).rfind("★", 0) == 0 ? "★ StatTrak™ " : "StatTrak™ ") : "";
                    std::string weapon = sd.weapon;
                    if (t.stattrak && weapon.rfind("★ ", 0) == 0)
                        weapon = weapon.substr(std::string("★ ").size());
                    t.market_hash_name = w_prefix + weapon + " | " + sd.skin + " (" + wear_names[w] + ")";
                    t.classid = 310770000 + t.item_id;
                    c.types.push_back(std::move(t));
                    (void)wear_mult;
                }
            }
        }
        return c;
    }

    // Base price of a type in cents (before per-listing variation).
    std::int64_t base_cents(std::size_t type_idx) const
    {
        static constexpr double wear_mult[] = {1.0, 0.72, 0.5, 0.42, 0.36};
        const item_type& t = types[type_idx];
        std::int64_t fn = 0;
        for (const auto& sd : skins())
            if (t.weapon.find(sd.weapon) != std::string::npos && t.skin == sd.skin)
                fn = sd.fn_cents;
        double v = static_cast<double>(fn) * wear_mult[t.wear] * (t.stattrak ? 1.7 : 1.0);
        return std::max<std::int64_t>(3, static_cast<std::int64_t>(v));
    }

    // A listing's paint index. A Doppler's or Gamma Doppler's is one of its phases' (the
    // public paint index table: 415 Ruby ... 421 Phase 4, 568 Emerald ... 572 Phase 4),
    // so that listings of one name differ by phase as on the real markets; the other
    // finishes keep an arbitrary index.
    std::int64_t paint_index_of(std::size_t type_idx, std::uint64_t r) const
    {
        static constexpr std::int64_t doppler[] = {415, 416, 417, 418, 419, 420, 421};
        static constexpr std::int64_t gamma[] = {568, 569, 570, 571, 572};
        const std::string& skin = types[type_idx].skin;
        if (skin == "Doppler")
            return doppler[r % std::size(doppler)];
        if (skin == "Gamma Doppler")
            return gamma[r % std::size(gamma)];
        return 44 + static_cast<std::int64_t>(type_idx % 600);
    }

    // The physical listings of one provider: 1-3 per type, ids from `id_base`.
    std::vector<listing> make_listings(std::uint64_t seed, std::int64_t id_base) const
    {
        std::vector<listing> out;
        std::int64_t n = 0;
        for (std::size_t i = 0; i < types.size(); ++i) {
            std::uint64_t h = mix(seed * 1000003ull + i);
            int count = 1 + static_cast<int>(h % 3);
            for (int k = 0; k < count; ++k) {
                std::uint64_t r = mix(h + static_cast<std::uint64_t>(k) * 7919ull);
                listing l;
                l.type = i;
                l.num_id = id_base + (n++);
                const int w = types[i].wear;
                double u = static_cast<double>(r % 1000000) / 1000000.0;
                l.float_value = wear_lo[w] + (wear_hi[w] - wear_lo[w]) * u;
                l.float_value = static_cast<double>(static_cast<std::int64_t>(l.float_value * 1e8)) / 1e8;
                l.paint_seed = static_cast<std::int64_t>((r >> 20) % 1001);
                l.paint_index = paint_index_of(i, r >> 8);
                l.asset_id = 31247084400 + l.num_id % 1000000000;
                int nst = static_cast<int>((r >> 32) % 9);
                nst = nst > 4 ? 0 : nst;
                for (int s = 0; s < nst; ++s)
                    l.stickers.push_back(sticker_pool()[(r >> (36 + s * 4)) % sticker_pool().size()]);
                // -8% .. +14% around the base price
                std::int64_t base = base_cents(i);
                std::int64_t pct = 92 + static_cast<std::int64_t>((r >> 48) % 23);
                std::int64_t cents = std::max<std::int64_t>(3, base * pct / 100);
                l.price = ::cs2market::decimal::from_units(cents, 2);
                l.hold = ((r >> 56) % 10) == 0; // ~10% under a trade hold
                out.push_back(std::move(l));
            }
        }
        return out;
    }
};

} // namespace cs2market::sandbox
