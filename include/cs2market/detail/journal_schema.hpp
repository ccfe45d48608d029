// cs2market internal: the journal's schema, its migrations and its statements,
// in the one place both stores (SQLite and PostgreSQL) read them from. The SQL
// is the subset both dialects take (parameters are $1, $2, ... in order).
#ifndef CS2MARKET_DETAIL_JOURNAL_SCHEMA_HPP
#define CS2MARKET_DETAIL_JOURNAL_SCHEMA_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/order.hpp>

#include <array>
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
};

/// Claims for $1 until $3 up to $4 unfinished orders that nobody holds, that $1
/// holds, or whose holder's lease ran out before $2 (a worker that died);
/// answers the orders $1 now holds (journal_order_columns).
inline constexpr std::string_view journal_claim_sql =
    "UPDATE cs2market_orders SET owner = $1, lease_until = $3 WHERE (provider, id) IN ("
    "SELECT provider, id FROM cs2market_orders WHERE phase NOT IN ('settled', 'reversed', 'failed', 'cancelled') "
    "AND (owner IS NULL OR owner = $1 OR lease_until < $2) ORDER BY created_at LIMIT $4) "
    "AND (owner IS NULL OR owner = $1 OR lease_until < $2) "
    "RETURNING provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at";
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

/// The columns of cs2market_orders, in the order every statement below uses.
inline constexpr std::string_view journal_order_columns =
    "provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at";
inline constexpr int journal_order_column_count = 17;

inline constexpr std::string_view journal_insert_intent_sql =
    "INSERT INTO cs2market_orders (provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, "
    "failure_code, reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at, request) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
    "ON CONFLICT (provider, id) DO NOTHING";

/// Facts of an order ($3..$17 as in journal_order_columns after provider and id),
/// updated only when the journaled phase is $18 (compare and set).
inline constexpr std::string_view journal_update_sql =
    "UPDATE cs2market_orders SET operation = $3, order_id = $4, item_name = $5, price = $6, max_price = $7, phase = $8, "
    "provider_status = $9, failure_code = $10, reversed_by = $11, failed_by = $12, refunded = $13, created_at = $14, "
    "delivered_at = $15, settles_at = $16, finished_at = $17 WHERE provider = $1 AND id = $2 AND phase = $18";

inline constexpr std::string_view journal_insert_transition_sql =
    "INSERT INTO cs2market_transitions (provider, id, seq, from_phase, to_phase, at, provider_status, source) "
    "VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cs2market_transitions WHERE provider = $1 AND id = $2), "
    "$3, $4, $5, $6, $7)";

inline constexpr std::string_view journal_select_one_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at "
    "FROM cs2market_orders WHERE provider = $1 AND id = $2";
inline constexpr std::string_view journal_select_by_order_id_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at "
    "FROM cs2market_orders WHERE provider = $1 AND order_id = $2 AND order_id <> '' ORDER BY created_at LIMIT 1";
inline constexpr std::string_view journal_select_all_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at "
    "FROM cs2market_orders ORDER BY created_at, provider, id";
inline constexpr std::string_view journal_select_unfinished_sql =
    "SELECT provider, id, operation, order_id, item_name, price, max_price, phase, provider_status, failure_code, "
    "reversed_by, failed_by, refunded, created_at, delivered_at, settles_at, finished_at "
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
