// cs2market: bodies of detail/sqlite_session.hpp.
#ifndef CS2MARKET_STORE_SQLITE_IMPL_SQLITE_SESSION_IPP
#define CS2MARKET_STORE_SQLITE_IMPL_SQLITE_SESSION_IPP

#include <cs2market/store/sqlite/detail/sqlite_session.hpp>

#include <sqlite3.h>

#include <chrono>

namespace cs2market::detail {

namespace sqlite {
/// A prepared statement, finalized on scope exit.
struct statement {
    sqlite3_stmt* s = nullptr;
    statement() = default;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(s); }
};
} // namespace sqlite

CS2MARKET_DECL result<std::unique_ptr<sqlite_session>> sqlite_session::open(const std::string& path)
{
    std::unique_ptr<sqlite_session> s(new sqlite_session(path));
    if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
        SQLITE_OK)
        return s->failure("cannot open", s->reason());
    // Another process may hold the write lock for a moment: wait rather than fail.
    sqlite3_busy_timeout(s->db_, 15000);
    // WAL with synchronous=FULL: every commit is on disk when it returns.
    for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
        if (auto r = s->exec_script(pragma); !r)
            return r.error();
    return s;
}

CS2MARKET_DECL sqlite_session::~sqlite_session()
{
    sqlite3_close(db_);
}

CS2MARKET_DECL std::string sqlite_session::reason() const
{
    return db_ ? std::string(sqlite3_errmsg(db_)) : std::string("out of memory");
}

CS2MARKET_DECL error sqlite_session::failure(std::string_view what, std::string_view why) const
{
    std::string d = "journal " + path_ + ": " + std::string(what);
    if (!why.empty())
        d += ": " + std::string(why);
    return make_error(error_kind::journal, std::move(d));
}

CS2MARKET_DECL result<void> sqlite_session::exec_script(std::string_view sql)
{
    char* msg = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : "failed";
        sqlite3_free(msg);
        return make_error(error_kind::journal, std::move(m));
    }
    return {};
}

CS2MARKET_DECL result<void> sqlite_session::begin(txn t)
{
    // A reader's deferred transaction sees one snapshot (WAL); a writer takes the
    // write lock at once, so that its reads and writes are never interleaved with another's.
    return exec_script(t == txn::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

CS2MARKET_DECL result<void> sqlite_session::commit()
{
    return exec_script("COMMIT");
}

CS2MARKET_DECL void sqlite_session::rollback() noexcept
{
    if (!sqlite3_get_autocommit(db_))
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

CS2MARKET_DECL result<sql_answer> sqlite_session::exec(std::string_view sql, std::span<const sql_param> params)
{
    sqlite::statement st;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return make_error(error_kind::journal, reason());
    // Parameters are bound by their $n names, the dialect both databases share.
    for (std::size_t n = 0; n < params.size(); ++n) {
        const std::string name = "$" + std::to_string(n + 1);
        const int i = sqlite3_bind_parameter_index(st.s, name.c_str());
        if (i == 0)
            continue;
        const auto& v = params[n];
        if (v)
            sqlite3_bind_text(st.s, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st.s, i);
    }
    sql_answer a;
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
        const int cols = sqlite3_column_count(st.s);
        sql_row row(static_cast<std::size_t>(cols));
        for (int i = 0; i < cols; ++i)
            if (sqlite3_column_type(st.s, i) != SQLITE_NULL) {
                const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.s, i));
                row[static_cast<std::size_t>(i)] = std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st.s, i)));
            }
        a.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE)
        return make_error(error_kind::journal, reason());
    a.affected = sqlite3_stmt_readonly(st.s) ? 0 : sqlite3_changes(db_);
    return a;
}

CS2MARKET_DECL result<void> sqlite_session::lock_migrations()
{
    return {}; // BEGIN IMMEDIATE holds the file's write lock already
}

CS2MARKET_DECL result<std::int64_t> sqlite_session::now_ms()
{
    // One file, one machine: its clock is every process's clock.
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace cs2market::detail

#endif
