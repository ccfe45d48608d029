// cs2market internal: the journal's schema, its migrations and its statements,
// in the one place both stores (SQLite and PostgreSQL) read them from. The SQL
// is the subset both dialects take (parameters are $1, $2, ... in order).
#ifndef CS2MARKET_STORE_DETAIL_JOURNAL_SCHEMA_HPP
#define CS2MARKET_STORE_DETAIL_JOURNAL_SCHEMA_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_session.hpp>
#include <cs2market/orders/order.hpp>

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
    journal_migration{5, "what was charged, items, and the transitions handed to a handler (an outbox)",
                      R"sql(
ALTER TABLE cs2market_orders ADD COLUMN charged TEXT;
ALTER TABLE cs2market_orders ADD COLUMN items TEXT NOT NULL DEFAULT '';
ALTER TABLE cs2market_orders ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cs2market_orders ADD COLUMN delivered_seq BIGINT NOT NULL DEFAULT 0;
UPDATE cs2market_orders SET last_seq = (SELECT COALESCE(MAX(t.seq), 0) FROM cs2market_transitions t
  WHERE t.provider = cs2market_orders.provider AND t.id = cs2market_orders.id);
UPDATE cs2market_orders SET delivered_seq = last_seq)sql"},
};

/// The lock that serializes migrations of one PostgreSQL database
/// (pg_advisory_xact_lock): concurrent CREATE TABLE IF NOT EXISTS can fail there.
inline constexpr long long journal_migration_lock = 0x6373326d61726b; // "cs2mark"

/// Brings a database's schema up to date (the migrations above, in order, each
/// once), one process at a time.
CS2MARKET_DECL result<void> migrate_journal(sql_session& db);

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

/// The columns of cs2market_orders an order is read from and written to, once
/// for every statement (the SQL below is built from this list).
enum class journal_column : std::uint8_t {
    provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, reversed_by,
    failed_by, refunded, created_at, delivered_at, settles_at, finished_at, send_deadline, charged, items, delivered_seq,
    request,
};
inline constexpr std::array<std::string_view, 22> journal_column_names{
    "provider", "id", "operation", "order_id", "item_name", "price", "max_price", "phase", "provider_status", "failure_code",
    "reversed_by", "failed_by", "refunded", "created_at", "delivered_at", "settles_at", "finished_at", "send_deadline",
    "charged", "items", "delivered_seq", "request"};
inline constexpr int journal_order_column_count = static_cast<int>(journal_column_names.size());

/// A row of cs2market_orders as text (NULL: empty optional), the form both
/// databases bind and read, in journal_column order.
using journal_row = std::array<std::optional<std::string>, journal_column_names.size()>;

/// The journal's statements, built once from journal_column_names and from
/// is_final() (the final phases), in the SQL both dialects take.
struct journal_sql {
    std::string insert_intent;     ///< $1..$N: every column; does nothing when (provider, id) is journaled
    std::string update;            ///< the facts (update_columns, as $1..) where provider, id and phase are the last three
    std::vector<journal_column> update_columns; ///< what a save may change, in the update's parameter order
    std::string select_one;        ///< by $1 provider, $2 id
    std::string select_by_order_id; ///< by $1 provider, $2 order id
    std::string select_all;
    std::string select_followed;   ///< orders a tracker follows: unfinished, a reversal's refund unknown, or transitions not handed over
    std::string claim;             ///< $1 owner, $2 now, $3 until, $4 limit: followed orders free, ours, or whose lease ran out
    std::string renew;             ///< $1 owner, $2 until: answers provider, id
    std::string release;           ///< $1 owner
    std::string mark_delivered;    ///< $1 provider, $2 id, $3 seq
    std::string insert_transition; ///< $1 provider, $2 id, $3 seq, $4..$8 to_transition_row
    std::string set_last_seq;      ///< $1 provider, $2 id, $3 the seq of its last transition
    std::string select_transitions; ///< $1 provider, $2 id
};
CS2MARKET_DECL const journal_sql& journal_statements();

/// An order as a row, and back (false: a row this version cannot read).
CS2MARKET_DECL journal_row to_journal_row(const order& o);
CS2MARKET_DECL bool from_journal_row(const journal_row& r, order& o);
/// A transition's columns ($4..$8 of insert_transition), and back.
CS2MARKET_DECL std::array<std::string, 5> to_transition_row(const phase_change& c);
CS2MARKET_DECL bool from_transition_row(const std::array<std::optional<std::string>, 6>& r, phase_change& c);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/impl/journal_schema.ipp>
#endif

#endif
