// cs2market::sandbox — the marketplace's data: options, accounts and balances,
// orders and their planned lifecycles, the money ledger, outcome rules, rate
// limits and faults, and each provider's book. Plain data, no I/O; guarded by
// the market's mutex (market.hpp). Providers are named by the library's
// cs2market::provider_id (`cs2market::csboard::id`, ...), never by an index.
#pragma once

#include <cs2market/sandbox/catalogue.hpp>

#include <cs2market/decimal.hpp>
#include <cs2market/error.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market::sandbox {

struct options {
    unsigned short port = 0;                 ///< 0: the OS picks a free port
    std::uint64_t seed = 1;                  ///< catalogue, prices, ids
    std::int64_t step_ms = 200;              ///< sandbox time between two lifecycle stages
    std::int64_t delivery_steps = 1;         ///< steps from payment until the trade offer is sent
    std::int64_t rate_window_ms = 1000;      ///< documented per-minute windows, accelerated 60x
    bool accept_any_key = true;              ///< any well-formed key is its own funded account
    ::cs2market::decimal default_balance = ::cs2market::decimal::from_units(100000, 2); ///< 1000.00 USD
    std::string cs2dt_callback_url;          ///< CS2DT pushes go here ("" = none); http:// or https://
    std::string cs2dt_app_secret = "sandbox-app-secret";
    std::int64_t callback_retry_unit_ms = 100; ///< one "minute" of CS2DT's 1/2/5/10/30-minute retry schedule
    bool default_rate_limits = true;         ///< every operation's documented limits (the schemas' x-rate-limit buckets)
    bool holds_wait_for_claim = false;       ///< CSBoard held orders stay held until claim_order (else they release by themselves)
};

/// What happens to a purchase after it was paid.
enum class outcome {
    success,            ///< offer sent, accepted, settled after trade protection
    decline,            ///< the buyer declines the trade offer -> refunded
    timeout,            ///< the buyer never accepts -> refunded
    reversed_by_buyer,  ///< accepted, then reversed by the buyer during trade protection -> refunded
    reversed_by_seller, ///< accepted, then reversed by the seller during trade protection -> refunded
    seller_recalled,    ///< accepted, then recalled by the seller and refunded (CS2DT 221)
};
inline constexpr const char* outcome_names[] = {"success", "decline", "timeout", "reversed_by_buyer", "reversed_by_seller",
                                                "seller_recalled"};
inline std::optional<outcome> outcome_from_string(std::string_view s)
{
    for (int i = 0; i < 6; ++i)
        if (s == outcome_names[i])
            return static_cast<outcome>(i);
    return std::nullopt;
}

/// Provider-neutral lifecycle state; each front end maps it to its own status.
enum class stage {
    created,      // paid, waiting for the seller to deliver
    hold,         // item under a trade hold (CSBoard hold, Skinify reserved)
    offer_sent,   // Steam trade offer sent
    accepted,     // trade offer accepted (under trade protection)
    settled,      // trade protection over: final
    declined,     // final, refunded
    timed_out,    // final, refunded
    reversed_buyer,  // final, refunded
    reversed_seller, // final, refunded
    recalled,     // final, refunded
    cancelled,    // cancelled by the buyer before delivery: final, refunded
};

inline bool is_final(stage s) { return s == stage::settled || s >= stage::declined; }
inline bool is_refunding(stage s) { return s >= stage::declined; }

struct account {
    std::string key;
    ::cs2market::decimal settled;   // spendable; for CS2DT and Skinify the whole balance
    ::cs2market::decimal held;      // CSBoard: part of the balance still held
    std::int64_t held_clears_at_ms = 0; // sandbox clock ms when `held` moves to `settled`
    std::int64_t user_id = 0;
    bool trading_enabled = true;
    std::string callback_url;       // CS2DT push target ("" = the sandbox-wide one)
    std::size_t purchases = 0;
};

struct planned { std::int64_t at_ms; stage s; };

struct order {
    ::cs2market::provider_id p;
    std::string key;                // owning account
    std::string id;                 // wire order id (digits for CS2DT, ord_... for CSBoard, digits for Skinify)
    std::string ref;                // outTradeNo / custom_id
    std::string idempotency_key;    // CSBoard create_order Idempotency-Key
    std::size_t listing = 0;        // index into the provider's listings
    ::cs2market::decimal price;
    outcome out = outcome::success;
    std::vector<planned> plan;
    std::size_t next = 0;
    stage cur = stage::created;
    std::vector<stage> history;
    std::int64_t created_ms = 0;     // sandbox clock
    std::int64_t created_unix_ms = 0;// wall clock
    std::int64_t updated_unix_ms = 0;
    std::int64_t hold_until_unix_ms = 0;
    std::int64_t settle_unix_ms = 0;  // end of trade protection (wall clock: Skinify settlement, CSBoard tradable_at)
    std::int64_t accepted_unix_ms = 0; // when the trade offer was accepted (wall clock)
    std::string trade_offer_id;
    std::string trade_url;
    std::string partner, token;
    bool market_buy = false;         // CSBoard: via /v1/market/buy (funded from settled)
    bool refunded = false;
    std::string first_response;      // replayed verbatim on an idempotent retry
};

struct ledger {
    ::cs2market::decimal minted;          // money put into accounts (funding)
    ::cs2market::decimal seller_proceeds; // money paid to sellers, net of refunds
};

/// Money check for one provider: minted == balances + seller proceeds.
struct money_audit {
    ::cs2market::decimal minted, balances, seller_proceeds;
    bool balanced() const { return minted == balances + seller_proceeds; }
};

struct fault {
    ::cs2market::provider_id provider; // none = any
    std::string path;      // prefix of the request path; "" = any
    std::string kind = "status"; // status | close | delay | no_answer (handled, then never answered) | drift
    unsigned status = 500;
    std::string body = R"({"error":"injected fault"})";
    std::int64_t delay_ms = 0;
    int remaining = 1;     // -1 = forever
    // drift: the real answer, its first `field` (depth first) set to `value` (JSON
    // text, e.g. "\"teleported\"": an enum value no schema lists) and a key
    // `unknown_field` added beside it: what a provider changing its API sends.
    std::string field;
    std::string value;
    std::string unknown_field = "sandbox_drift";
};

struct outcome_rule {
    ::cs2market::provider_id p; // none = any
    std::string key;       // account key ("" = any)
    std::string ref;       // outTradeNo / custom_id / Idempotency-Key ("" = any)
    std::string item;      // substring of market_hash_name ("" = any)
    std::int64_t nth = 0;  // nth purchase on that provider, 1-based (0 = any)
    outcome out = outcome::success;
    int remaining = -1;    // -1 = unlimited
};

struct rate_limit_rule {
    ::cs2market::provider_id p; // none = any
    std::string bucket;    // the schema's bucket name ("read", "orders", "snapshot", "all", ...)
    int limit = 0;         // requests per window; 0 = unlimited
    std::int64_t documented_window_ms = 0; // the schema's window (0: a minute); a minute lasts rate_window_ms
};

/// How a provider's listings, users and orders are numbered (declared by its front end).
struct book_traits {
    std::uint64_t seed_salt = 0;          ///< its listings come from seed + salt
    std::int64_t listing_base = 0;        ///< numeric id of its first listing
    std::string_view listing_prefix;      ///< wire listing id = prefix + number ("itm_" for CSBoard)
    std::int64_t user_id_base = 10000;    ///< user ids count up from here
    std::string (*order_id)(std::int64_t seq) = nullptr; ///< wire id of the seq-th order
};

/// What happened to a listing that is still on sale (book::on_listing).
enum class listing_change {
    listed,   ///< put up for sale (market::add_listing)
    repriced, ///< its asking price changed (market::reprice)
};

/// One provider's part of the market: its listings, accounts and money.
struct book {
    ::cs2market::provider_id id;
    book_traits traits;
    std::vector<listing> listings;
    std::map<std::string, account> accounts;
    ledger money;
    std::size_t purchases = 0;
    /// Called (under the market's lock) when one of its orders is created or changes stage: pushes.
    std::function<void(const order&, bool created)> on_order;
    /// Called (under the market's lock) when a listing is put up for sale or repriced: pushes.
    std::function<void(const listing&, listing_change)> on_listing;
};

} // namespace cs2market::sandbox
