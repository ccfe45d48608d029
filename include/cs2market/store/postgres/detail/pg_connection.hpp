// cs2market internal: one libpq connection for the PostgreSQL store, used by
// one thread at a time (the store's own; see postgres_journal.hpp for why a
// thread and not libpq's non-blocking API). Text parameters, statements
// prepared once per connection, reconnection after a loss, the schema's
// migrations under an advisory lock, and errors that never carry a password.
#ifndef CS2MARKET_STORE_POSTGRES_DETAIL_PG_CONNECTION_HPP
#define CS2MARKET_STORE_POSTGRES_DETAIL_PG_CONNECTION_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_session.hpp>
#include <cs2market/error.hpp>

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn; // libpq's PGconn

namespace cs2market::detail {

using pg_param = sql_param;
using pg_row = sql_row;
using pg_answer = sql_answer;

class pg_connection final : public sql_session {
public:
    /// Checks `conninfo` (a postgresql:// URI or libpq's key=value words; what
    /// it leaves out comes from the PG* environment variables, as in psql)
    /// without connecting. `role` names the user in errors ("journal", ...).
    CS2MARKET_DECL static result<std::unique_ptr<pg_connection>> make(const std::string& conninfo, std::string role);
    CS2MARKET_DECL ~pg_connection() override;
    pg_connection(const pg_connection&) = delete;
    pg_connection& operator=(const pg_connection&) = delete;

    /// Connects unless connected (again after a lost connection), then runs `on_connect`.
    CS2MARKET_DECL result<void> ensure();
    /// One statement with parameters ($1, $2, ...), prepared on first use.
    CS2MARKET_DECL result<pg_answer> exec(std::string_view sql, std::span<const pg_param> params = {}) override;
    /// Statements without parameters, separated by ';' (libpq's simple protocol).
    CS2MARKET_DECL result<void> exec_script(std::string_view sql) override;
    /// BEGIN (connecting first). A connection found lost at BEGIN, when nothing of
    /// the transaction was sent yet, is replaced once. Reads see one snapshot
    /// (REPEATABLE READ READ ONLY); writes wait for the rows they lock.
    CS2MARKET_DECL result<void> begin(txn t = txn::write) override;
    /// COMMIT: an error means the outcome is unknown to us (the caller acts as if not committed).
    CS2MARKET_DECL result<void> commit() override;
    CS2MARKET_DECL void rollback() noexcept override;
    /// pg_advisory_xact_lock: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL.
    CS2MARKET_DECL result<void> lock_migrations() override;
    /// The server's clock (every worker of a fleet compares times on it).
    CS2MARKET_DECL result<std::int64_t> now_ms() override;

    /// The store, for messages: postgresql://user@host:port/db, never a password.
    const std::string& where() const noexcept { return where_; }
    /// An error_kind::journal error about `what`, with libpq's reason (secrets removed).
    CS2MARKET_DECL error failure(std::string_view what, std::string_view reason = {}) const override;
    /// `text` with every secret of the connection string replaced.
    CS2MARKET_DECL std::string scrub(std::string text) const;

    /// Statements run after each (re)connection (session settings).
    std::vector<std::string> on_connect;

private:
    pg_connection() = default;
    CS2MARKET_DECL std::string reason() const;

    pg_conn* c_ = nullptr;
    std::string conninfo_;
    std::string role_;
    std::string where_;
    std::vector<std::string> secrets_;
    std::map<std::string, std::string, std::less<>> prepared_; ///< SQL text -> statement name, per connection
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/postgres/impl/pg_connection.ipp>
#endif

#endif
