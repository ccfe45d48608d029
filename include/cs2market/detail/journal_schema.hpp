// cs2market internal: the journal's schema, its migrations and its statements,
// in the one place both stores (SQLite and PostgreSQL) read them from. The SQL
// is the subset both dialects take (parameters are $1, $2, ... in order).
#ifndef CS2MARKET_DETAIL_JOURNAL_SCHEMA_HPP
#define CS2MARKET_DETAIL_JOURNAL_SCHEMA_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/order.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market::detail {

/// One schema migration: applied once, in order, recorded in cs2market_meta.
struct journal_migration {
    int version;
    std::string_view description;
    std::string_view sql; ///< statements separated by ';'
};

inline constexpr std::array journal_migrations{
    journal_migration{1, "orders and their transitions",
                      R"sql(
CREATE TABLE IF NOT EXISTS cs2market_orders (
  provider TEXT NOT NULL,
  id TEXT NOT NULL,
  operation TEXT NOT NULL,
  order_id TEXT NOT NULL DEFAULT '',
  item_name TEXT NOT NULL DEFAULT '',
  price TEXT,
  max_price TEXT,
  phase TEXT NOT NULL,
  provider_status TEXT NOT NULL DEFAULT '',
  failure_code TEXT NOT NULL DEFAULT '',
  reversed_by TEXT,
  failed_by TEXT,
  refunded INTEGER,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  settles_at BIGINT,
  finished_at BIGINT,
  request TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (provider, id));
CREATE TABLE IF NOT EXISTS cs2market_transitions (
  provider TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_phase TEXT NOT NULL,
  to_phase TEXT NOT NULL,
  at BIGINT NOT NULL,
  provider_status TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (provider, id, seq));
CREATE INDEX IF NOT EXISTS cs2market_orders_unfinished ON cs2market_orders (phase))sql"},
    journal_migration{2, "leases: which worker follows an order, until when",
                      R"sql(
ALTER TABLE cs2market_orders ADD COLUMN owner TEXT;
ALTER TABLE cs2market_orders ADD COLUMN lease_until BIGINT)sql"},
    journal_migration{3, "shared rate budgets: the slots each budget reserved, and its pause",
                      R"sql(
CREATE TABLE IF NOT EXISTS cs2market_budgets (
  budget TEXT PRIMARY KEY,
  slots TEXT NOT NULL DEFAULT '',
  paused_until BIGINT NOT NULL DEFAULT 0))sql"},
    journal_migration{4, "send deadlines: the last moment a buy may still leave its process",
                      R"sql(
ALTER TABLE cs2market_orders ADD COLUMN send_deadline BIGINT)sql"},
};

/// The lock that serializes migrations of one PostgreSQL database
/// (pg_advisory_xact_lock): concurrent CREATE TABLE IF NOT EXISTS can fail there.
inline constexpr long long journal_migration_lock = 0x6373326d61726b; // "cs2mark"

/// Claims for $1 until $3 up to $4 unfinished orders that nobody holds, that $1
/// holds, or whose holder's lease ran out before $2 (a worker that died);
/// answers the orders $1 now holds (journal_order_columns).
inline constexpr std::string_view journal_claim_sql =
    "UPDATE cs2market_orders SET owner = $1, lease_until = $3 WHERE (provider, id) IN ("
    "SELECT provider, id FROM cs2market_orders WHERE phase NOT IN ('settled', 'reversed', 'failed', 'cancelled') "
    "AND (owner IS NULL OR owner = $1 OR lease_until < $2) ORDER BY created_at LIMIT $4) "
    "AND (owner IS NULL OR owner = $1 OR lease_until < $2) "
    "RETURNING provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline";
/// Extends $1's leases of unfinished orders to $2; answers (provider, id) of each.
inline constexpr std::string_view journal_renew_sql =
    "UPDATE cs2market_orders SET lease_until = $2 WHERE owner = $1 "
    "AND phase NOT IN ('settled', 'reversed', 'failed', 'cancelled') RETURNING provider, id";
/// Gives up $1's leases (a clean stop): the orders are free for others at once.
inline constexpr std::string_view journal_release_sql =
    "UPDATE cs2market_orders SET owner = NULL, lease_until = NULL WHERE owner = $1";

/// Creates the bookkeeping table of the migrations.
inline constexpr std::string_view journal_meta_sql =
    "CREATE TABLE IF NOT EXISTS cs2market_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";
inline constexpr std::string_view journal_version_sql = "SELECT value FROM cs2market_meta WHERE key = 'schema_version'";
inline constexpr std::string_view journal_set_version_sql =
    "INSERT INTO cs2market_meta (key, value) VALUES ('schema_version', $1) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";

// ---- Shared rate budgets (cs2market_budgets) --------------------------------
// One row per budget (provider, key hash, bucket): the wall-clock milliseconds
// of its most recent reservations, ascending and comma-separated (at most one
// limit's worth), and the time before which no request may be sent (a 429).
// A draw is one short transaction: lock each row (in key order), compute the
// slot in the process (budget_slot_for), store the slots, commit.

/// Creates budget $1 when missing and locks it for the transaction (the no-op
/// update takes the row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE holds the
/// file); answers its slots and pause.
inline constexpr std::string_view budget_lock_sql =
    "INSERT INTO cs2market_budgets (budget, slots, paused_until) VALUES ($1, '', 0) "
    "ON CONFLICT (budget) DO UPDATE SET slots = cs2market_budgets.slots RETURNING slots, paused_until";
/// Stores budget $1's slots $2.
inline constexpr std::string_view budget_store_sql = "UPDATE cs2market_budgets SET slots = $2 WHERE budget = $1";
/// Pauses budget $1 until $2 at least (a provider's Retry-After), for everyone sharing it.
inline constexpr std::string_view budget_pause_sql =
    "INSERT INTO cs2market_budgets (budget, slots, paused_until) VALUES ($1, '', $2) "
    "ON CONFLICT (budget) DO UPDATE SET paused_until = CASE WHEN excluded.paused_until > cs2market_budgets.paused_until "
    "THEN excluded.paused_until ELSE cs2market_budgets.paused_until END";

/// A budget's reserved slots (wall-clock ms, ascending) and its pause.
struct budget_slots {
    std::vector<std::int64_t> slots;
    std::int64_t paused_until = 0;
};
/// Reads the slots column (false: not this version's form).
CS2MARKET_DECL bool parse_budget_slots(std::string_view text, std::vector<std::int64_t>& out);
CS2MARKET_DECL std::string format_budget_slots(const std::vector<std::int64_t>& slots);
/// The earliest time at or after `now` at which one more request keeps every
/// `window_ms` (margin included) at `requests` or fewer: never before the pause,
/// the last reserved slot, or the `requests`-th last slot plus the window.
CS2MARKET_DECL std::int64_t budget_slot_for(const budget_slots& b, unsigned requests, std::int64_t window_ms, std::int64_t now);
/// Appends slot `t` and forgets what can no longer count: slots a window old at
/// `now`, and all but the last `requests`.
CS2MARKET_DECL void budget_take(budget_slots& b, std::int64_t t, unsigned requests, std::int64_t window_ms, std::int64_t now);
/// Hands slot `t` back (a reservation not used); false when it is not there.
CS2MARKET_DECL bool budget_give_back(budget_slots& b, std::int64_t t);
/// The budget row's key: provider, key hash and bucket (no secret).
CS2MARKET_DECL std::string budget_name(std::string_view provider, std::size_t key_hash, std::string_view bucket);

/// The columns of cs2market_orders, in the order every statement below uses.
inline constexpr std::string_view journal_order_columns =
    "provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline";
inline constexpr int journal_order_column_count = 18;

inline constexpr std::string_view journal_insert_intent_sql =
    "INSERT INTO cs2market_orders (provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, "
    "failure_code, reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline, request) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) "
    "ON CONFLICT (provider, id) DO NOTHING";

/// Facts of an order ($3..$17 as in journal_order_columns after provider and id),
/// updated only when the journaled phase is $18 (compare and set).
inline constexpr std::string_view journal_update_sql =
    "UPDATE cs2market_orders SET operation = $3, order_id = $4, item_name = $5, price = $6, max_price = $7, phase = $8, "
    "provider_status = $9, failure_code = $10, reversed_by = $11, failed_by = $12, refunded = $13, created_at = $14, "
    "delivered_at = $15, settles_at = $16, finished_at = $17, send_deadline = $18 WHERE provider = $1 AND id = $2 AND phase = $19";

inline constexpr std::string_view journal_insert_transition_sql =
    "INSERT INTO cs2market_transitions (provider, id, seq, from_phase, to_phase, at, provider_status, source) "
    "VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cs2market_transitions WHERE provider = $1 AND id = $2), "
    "$3, $4, $5, $6, $7)";

inline constexpr std::string_view journal_select_one_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline "
    "FROM cs2market_orders WHERE provider = $1 AND id = $2";
inline constexpr std::string_view journal_select_by_order_id_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline "
    "FROM cs2market_orders WHERE provider = $1 AND order_id = $2 AND order_id <> '' ORDER BY created_at LIMIT 1";
inline constexpr std::string_view journal_select_all_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline "
    "FROM cs2market_orders ORDER BY created_at, provider, id";
inline constexpr std::string_view journal_select_unfinished_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline "
    "FROM cs2market_orders WHERE phase NOT IN ('settled', 'reversed', 'failed', 'cancelled') "
    "ORDER BY created_at, provider, id";
inline constexpr std::string_view journal_select_transitions_sql =
    "SELECT from_phase, to_phase, at, provider_status, source FROM cs2market_transitions "
    "WHERE provider = $1 AND id = $2 ORDER BY seq";

/// A row of cs2market_orders as text (NULL: empty optional), the form both
/// drivers bind and read.
using journal_row = std::array<std::optional<std::string>, journal_order_column_count>;

/// An order as a row, and back (false: a row this version cannot read).
CS2MARKET_DECL journal_row to_journal_row(const order& o);
CS2MARKET_DECL bool from_journal_row(const journal_row& r, order& o);
/// A transition's columns ($3..$7 of journal_insert_transition_sql).
CS2MARKET_DECL std::array<std::string, 5> to_transition_row(const phase_change& c);
CS2MARKET_DECL bool from_transition_row(const std::array<std::optional<std::string>, 5>& r, phase_change& c);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/journal_schema.ipp>
#endif

#endif
