// cs2market internal: an SQLite file as a journal's database (WAL, every commit
// on disk when it returns; another process holding the write lock is waited for).
#ifndef CS2MARKET_STORE_SQLITE_DETAIL_SQLITE_SESSION_HPP
#define CS2MARKET_STORE_SQLITE_DETAIL_SQLITE_SESSION_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_session.hpp>

#include <memory>
#include <string>

struct sqlite3;

namespace cs2market::detail {

class sqlite_session final : public sql_session {
public:
    /// Opens (creating it if needed) the database file at `path`.
    CS2MARKET_DECL static result<std::unique_ptr<sqlite_session>> open(const std::string& path);
    CS2MARKET_DECL ~sqlite_session() override;
    sqlite_session(const sqlite_session&) = delete;
    sqlite_session& operator=(const sqlite_session&) = delete;

    CS2MARKET_DECL result<void> begin(txn t) override;
    CS2MARKET_DECL result<void> commit() override;
    CS2MARKET_DECL void rollback() noexcept override;
    CS2MARKET_DECL result<sql_answer> exec(std::string_view sql, std::span<const sql_param> params = {}) override;
    CS2MARKET_DECL result<void> exec_script(std::string_view sql) override;
    CS2MARKET_DECL result<void> lock_migrations() override;
    CS2MARKET_DECL result<std::int64_t> now_ms() override;
    CS2MARKET_DECL error failure(std::string_view what, std::string_view why = {}) const override;

    const std::string& path() const noexcept { return path_; }

private:
    explicit sqlite_session(std::string path) : path_(std::move(path)) {}
    CS2MARKET_DECL std::string reason() const;

    std::string path_;
    sqlite3* db_ = nullptr;
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/sqlite/impl/sqlite_session.ipp>
#endif

#endif
