// cs2market::sandbox — marketplace state shared by the three provider front ends:
// accounts and balances, listings, orders and their planned lifecycles, the
// money ledger, rate limits, faults and outcome rules. Guarded by one mutex
// (owned by the server); nothing here does I/O.
#pragma once

#include <cs2market/sandbox/catalogue.hpp>

#include <cs2market/decimal.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs2market::sandbox {

enum class provider : int { cs2dt = 0, csboard = 1, skinify = 2 };
inline constexpr const char* provider_names[] = {"cs2dt", "csboard", "skinify"};

inline std::optional<provider> provider_from_string(std::string_view s)
{
    for (int i = 0; i < 3; ++i)
        if (s == provider_names[i])
            return static_cast<provider>(i);
    return std::nullopt;
}

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
    provider p = provider::cs2dt;
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
    std::int64_t settle_unix_ms = 0;  // end of trade protection (wall clock, for Skinify settlement)
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
    std::string provider;  // "" = any
    std::string path;      // prefix of the request path; "" = any
    std::string kind = "status"; // status | close | delay
    unsigned status = 500;
    std::string body = R"({"error":"injected fault"})";
    std::int64_t delay_ms = 0;
    int remaining = 1;     // -1 = forever
};

struct outcome_rule {
    std::optional<provider> p;
    std::string key;       // account key ("" = any)
    std::string ref;       // outTradeNo / custom_id / Idempotency-Key ("" = any)
    std::string item;      // substring of market_hash_name ("" = any)
    std::int64_t nth = 0;  // nth purchase on that provider, 1-based (0 = any)
    outcome out = outcome::success;
    int remaining = -1;    // -1 = unlimited
};

struct rate_limit_rule {
    std::optional<provider> p;
    std::string bucket;    // e.g. "get", "orders", "snapshot", "all"
    int limit = 0;         // requests per window; 0 = unlimited
};

} // namespace cs2market::sandbox
