// cs2market::sandbox — the marketplace's data: options, accounts and balances,
// orders and their planned lifecycles, the money ledger, outcome rules, rate
// limits and faults, and each provider's book. Plain data, no I/O; guarded by
// the market's mutex (market.hpp). Providers are named by the library's
// cs2market::provider_id (`cs2market::csboard::id`, ...), never by an index.
#pragma once

#include <cs2market/sandbox/catalogue.hpp>

#include <cs2market/decimal.hpp>
#include <cs2market/error.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
    /// One item of a multi-item order (outcome_choice::item) is accepted, then reversed and
    /// refunded; the other items settle. An order of one item: reversed_by_buyer.
    partial_return_after_delivery,
    /// One item of a multi-item order is never delivered and refunded; the other items settle.
    /// An order of one item: decline.
    partial_return_before_delivery,
};
inline constexpr const char* outcome_names[] = {"success", "decline", "timeout", "reversed_by_buyer", "reversed_by_seller",
                                                "seller_recalled", "partial_return_after_delivery",
                                                "partial_return_before_delivery"};
inline std::optional<outcome> outcome_from_string(std::string_view s)
{
    for (std::size_t i = 0; i < std::size(outcome_names); ++i)
        if (s == outcome_names[i])
            return static_cast<outcome>(i);
    return std::nullopt;
}
inline bool is_partial(outcome o)
{
    return o == outcome::partial_return_after_delivery || o == outcome::partial_return_before_delivery;
}

/// The outcome a purchase gets, and for a partial return which of its items (0-based).
struct outcome_choice {
    outcome out = outcome::success;
    std::size_t item = 0;
};

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

/// One item of an order: what it was charged and refunded (refunds are per item, so that a
/// partial return gives back that item's price only).
struct order_item {
    std::size_t listing = 0;        // index into the provider's listings
    ::cs2market::decimal price;     // charged for it
    ::cs2market::decimal refunded;  // refunded for it so far
    bool returned = false;          // returned on its own (partial_return_*) while the order went on
    std::int64_t returned_unix_ms = 0;
};

struct order {
    ::cs2market::provider_id p;
    std::string key;                // owning account
    std::string id;                 // wire order id (digits for CS2DT, ord_... for CSBoard, digits for Skinify)
    std::string ref;                // outTradeNo / custom_id
    std::string idempotency_key;    // CSBoard create_order Idempotency-Key
    std::size_t listing = 0;        // index into the provider's listings (the first item's)
    std::vector<order_item> items;  // every item, in the order bought
    ::cs2market::decimal price;     // the total charged
    outcome out = outcome::success;
    std::size_t returned_item = 0;  // partial_return_*: which item
    std::optional<std::int64_t> item_return_at_ms; // sandbox clock: when that item is returned (unset: not planned)
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
    bool refunded = false;           // the whole order was refunded
    std::string first_response;      // replayed verbatim on an idempotent retry
};

struct ledger {
    ::cs2market::decimal minted;          // money put into accounts (funding)
    ::cs2market::decimal seller_proceeds; // money paid to sellers, net of refunds
    ::cs2market::decimal charged;         // every purchase's charge
    ::cs2market::decimal refunded;        // every refund, whole or per item
};

/// Money check for one provider: minted == balances + seller proceeds, and the sellers hold
/// what was charged less what was refunded.
struct money_audit {
    ::cs2market::decimal minted, balances, seller_proceeds, charged, refunded;
    bool balanced() const { return minted == balances + seller_proceeds && seller_proceeds == charged - refunded; }
};

/// The fault kinds (README: Rate limits and faults).
inline constexpr std::string_view fault_kinds[] = {"status",    "close",    "delay",    "no_answer", "commit_then_status",
                                                   "drift",     "sell_out", "set_price"};
inline bool is_fault_kind(std::string_view k)
{
    return std::find(std::begin(fault_kinds), std::end(fault_kinds), k) != std::end(fault_kinds);
}

struct fault {
    ::cs2market::provider_id provider; // none = any
    std::string path;      // prefix of the request path; "" = any
    /// status | close | delay | no_answer (handled, then never answered) |
    /// commit_then_status (handled, then answered with status, body and headers) |
    /// drift (handled, then the answer changed as an API drift would change it)
    std::string kind = "status";
    unsigned status = 500;
    std::string body = R"({"error":"injected fault"})";
    std::int64_t delay_ms = 0;
    int remaining = 1;     // -1 = forever
    std::vector<std::pair<std::string, std::string>> headers; // status, commit_then_status: sent with the body
    // drift: the real answer, its first `field` (depth first) set to `value` (JSON
    // text, e.g. "\"teleported\"": an enum value no schema lists) and a key
    // `unknown_field` added beside it: what a provider changing its API sends.
    std::string field;
    std::string value;
    std::string unknown_field = "sandbox_drift";
    // sell_out / set_price: a market move between a quote and a buy. Before the
    // matching request's handler runs, listing `listing_id` of the fault's provider
    // is sold to someone else (sell_out) or its asking price becomes `price`
    // (set_price); then the request is handled as usual.
    std::string listing_id;
    std::string price;
};

struct outcome_rule {
    ::cs2market::provider_id p; // none = any
    std::string key;       // account key ("" = any)
    std::string ref;       // outTradeNo / custom_id / Idempotency-Key ("" = any)
    std::string item;      // substring of market_hash_name ("" = any)
    std::int64_t nth = 0;  // nth purchase on that provider, 1-based (0 = any)
    outcome out = outcome::success;
    std::size_t item_index = 0; // partial_return_*: which item of the order (0-based)
    int remaining = -1;    // -1 = unlimited
};

struct rate_limit_rule {
    ::cs2market::provider_id p; // none = any
    std::string bucket;    // the schema's bucket name ("read", "orders", "snapshot", "all", ...)
    int limit = 0;         // requests per window; 0 = unlimited
    std::int64_t documented_window_ms = 0; // the schema's window (0: a minute); a minute lasts rate_window_ms
};

/// The sandbox's own record of one purchase (an order it created and charged): the truth a
/// test compares a client's view with (server::purchases, GET /_sandbox/purchases).
struct purchase_record {
    struct item {
        std::string listing_id;       ///< wire listing id
        std::string market_hash_name;
        ::cs2market::decimal price;   ///< charged for it
        ::cs2market::decimal refunded;
        std::string stage;            ///< the order's stage, or returned_after_delivery / returned_before_delivery
    };
    ::cs2market::provider_id provider;
    std::string key;              ///< the buying account (its key)
    std::int64_t account = 0;     ///< the account's user id
    std::string order_id;         ///< the wire order id
    std::string ref;              ///< outTradeNo / custom_id ("" for CSBoard create_order: see idempotency_key)
    std::string idempotency_key;  ///< CSBoard create_order's Idempotency-Key
    ::cs2market::decimal price;   ///< the order's price (its items' sum)
    ::cs2market::decimal charged; ///< what left the buyer's balance
    ::cs2market::decimal refunded;///< what came back to it so far
    std::string stage;            ///< the order's current stage (stage_name)
    std::string outcome;          ///< the outcome it was given (outcome_names)
    std::vector<item> items;
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
