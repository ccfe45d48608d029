// cs2market internal: one connection to a journal's database, the steps the
// journal takes on it (begin, a statement with text parameters, commit), so
// that the journal's transactions are written once (detail/sql_journal.hpp)
// over SQLite (detail/sqlite_session.hpp) and PostgreSQL (detail/pg_connection.hpp).
// The SQL is the subset both dialects take: parameters $1, $2, ... as text.
#ifndef CS2MARKET_STORE_DETAIL_SQL_SESSION_HPP
#define CS2MARKET_STORE_DETAIL_SQL_SESSION_HPP

#include <cs2market/error.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market::detail {

using sql_param = std::optional<std::string>; ///< a text parameter; nullopt is NULL
using sql_row = std::vector<std::optional<std::string>>;

/// What a statement answered: its rows (as text) and how many rows it changed.
struct sql_answer {
    std::vector<sql_row> rows;
    long long affected = 0;
};

/// One connection, used by one thread at a time.
class sql_session {
public:
    enum class txn : std::uint8_t {
        write, ///< serialized with every other writer (SQLite BEGIN IMMEDIATE, PostgreSQL row locks)
        read,  ///< one snapshot for several statements, read only
    };

    virtual ~sql_session() = default;

    /// Begins a transaction (connecting first where the database is remote).
    virtual result<void> begin(txn t) = 0;
    /// Commits; an error means the outcome is unknown to us (act as if not committed).
    virtual result<void> commit() = 0;
    virtual void rollback() noexcept = 0;
    /// One statement with parameters ($1, $2, ...).
    virtual result<sql_answer> exec(std::string_view sql, std::span<const sql_param> params = {}) = 0;
    /// Statements without parameters, separated by ';'.
    virtual result<void> exec_script(std::string_view sql) = 0;
    /// Taken first in the migrations' transaction: processes starting together
    /// migrate one at a time (SQLite's write transaction holds the file already).
    virtual result<void> lock_migrations() = 0;
    /// The database's clock, milliseconds since the Unix epoch: the one clock of
    /// every process sharing the database (the machine's clock for a file).
    virtual result<std::int64_t> now_ms() = 0;
    /// An error_kind::journal error about `what`, with the database's reason (no secret).
    virtual error failure(std::string_view what, std::string_view why = {}) const = 0;
};

} // namespace cs2market::detail

#endif
