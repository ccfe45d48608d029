// cs2market: bodies of detail/pg_connection.hpp.
#ifndef CS2MARKET_STORE_POSTGRES_IMPL_PG_CONNECTION_IPP
#define CS2MARKET_STORE_POSTGRES_IMPL_PG_CONNECTION_IPP

#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/store/postgres/detail/pg_connection.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

namespace cs2market::detail {

/// An error whose detail is libpq's reason only; the store's functions say what failed.
inline error pg_reason(std::string reason)
{
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
        reason.pop_back();
    for (auto& ch : reason)
        if (ch == '\n' || ch == '\t')
            ch = ' ';
    return make_error(error_kind::journal, reason.empty() ? std::string("failed") : std::move(reason));
}

/// libpq quotes the parts of a connection string it cannot parse: those may be a password.
inline std::string without_quoted(std::string_view s)
{
    std::string out;
    bool in = false;
    for (char ch : s) {
        if (ch == '"') {
            out += in ? "\"" : "\"...";
            in = !in;
        } else if (!in) {
            out += ch;
        }
    }
    return out;
}

struct pg_result_guard {
    PGresult* r;
    explicit pg_result_guard(PGresult* p) : r(p) {}
    pg_result_guard(const pg_result_guard&) = delete;
    pg_result_guard& operator=(const pg_result_guard&) = delete;
    ~pg_result_guard() { PQclear(r); }
};

CS2MARKET_DECL result<std::unique_ptr<pg_connection>> pg_connection::make(const std::string& conninfo, std::string role)
{
    std::unique_ptr<pg_connection> c(new pg_connection());
    c->conninfo_ = conninfo;
    c->role_ = std::move(role);
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        std::string m = err ? without_quoted(err) : std::string("out of memory");
        PQfreemem(err);
        return make_error(error_kind::journal, c->role_ + ": invalid PostgreSQL connection string: " + pg_reason(m).detail);
    }
    std::string host, port, user, db;
    for (auto* o = opts; o->keyword; ++o) {
        if (!o->val || !*o->val)
            continue;
        const std::string_view k = o->keyword;
        if (k == "password")
            c->secrets_.emplace_back(o->val);
        else if (k == "host" || k == "hostaddr")
            host = o->val;
        else if (k == "port")
            port = o->val;
        else if (k == "user")
            user = o->val;
        else if (k == "dbname")
            db = o->val;
    }
    PQconninfoFree(opts);
    if (const char* pw = std::getenv("PGPASSWORD"); pw && *pw)
        c->secrets_.emplace_back(pw);
    if (!c->secrets_.empty())
        c->secrets_.push_back(conninfo); // should anything ever echo the whole string
    auto env = [](std::string& v, const char* name) {
        if (const char* e = std::getenv(name); v.empty() && e)
            v = e;
    };
    env(host, "PGHOST");
    env(port, "PGPORT");
    env(user, "PGUSER");
    env(db, "PGDATABASE");
    c->where_ = "postgresql://" + (user.empty() ? std::string() : user + "@") + (host.empty() ? std::string("localhost") : host) +
                (port.empty() ? std::string() : ":" + port) + "/" + db;
    return c;
}

CS2MARKET_DECL pg_connection::~pg_connection()
{
    if (c_)
        PQfinish(c_);
}

CS2MARKET_DECL std::string pg_connection::scrub(std::string text) const
{
    for (const auto& s : secrets_) {
        if (s.empty())
            continue;
        for (auto p = text.find(s); p != std::string::npos; p = text.find(s, p + 3))
            text.replace(p, s.size(), "***");
    }
    return text;
}

CS2MARKET_DECL std::string pg_connection::reason() const
{
    return c_ ? std::string(PQerrorMessage(c_)) : std::string("not connected");
}

CS2MARKET_DECL error pg_connection::failure(std::string_view what, std::string_view why) const
{
    std::string d = role_ + " " + where_ + ": " + std::string(what);
    if (!why.empty())
        d += ": " + std::string(why);
    return make_error(error_kind::journal, scrub(std::move(d)));
}

CS2MARKET_DECL result<void> pg_connection::ensure()
{
    if (c_ && PQstatus(c_) == CONNECTION_OK)
        return {};
    if (c_) {
        PQfinish(c_);
        c_ = nullptr;
    }
    prepared_.clear();
    // Defaults first: the connection string (and PG* variables) override them.
    std::vector<const char*> keys, values;
    auto def = [&](const char* key, const char* env, const char* v) {
        if (!env || !std::getenv(env)) {
            keys.push_back(key);
            values.push_back(v);
        }
    };
    def("connect_timeout", "PGCONNECT_TIMEOUT", "10");
    def("application_name", "PGAPPNAME", "cs2market");
    // A dead server or network is noticed within ~30 s even mid-statement.
    def("keepalives_idle", nullptr, "15");
    def("keepalives_interval", nullptr, "5");
    def("keepalives_count", nullptr, "3");
    keys.push_back("dbname");
    values.push_back(conninfo_.c_str());
    keys.push_back(nullptr);
    values.push_back(nullptr);
    c_ = PQconnectdbParams(keys.data(), values.data(), 1);
    if (!c_)
        return pg_reason("out of memory");
    if (PQstatus(c_) != CONNECTION_OK) {
        auto e = pg_reason(scrub(reason()));
        PQfinish(c_);
        c_ = nullptr;
        e.detail = "cannot connect: " + e.detail;
        return e;
    }
    // NOTICEs ("relation ... already exists, skipping") are not for the caller's stderr.
    PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr);
    where_ = "postgresql://" + std::string(PQuser(c_)) + "@" + std::string(PQhost(c_)) + ":" + std::string(PQport(c_)) + "/" +
             std::string(PQdb(c_));
    for (const auto& s : on_connect)
        if (auto r = exec_script(s); !r)
            return r;
    return {};
}

CS2MARKET_DECL result<pg_answer> pg_connection::exec(std::string_view sql, std::span<const pg_param> params)
{
    if (!c_ || PQstatus(c_) != CONNECTION_OK)
        return pg_reason("not connected");
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
        std::string name = "cs2market_" + std::to_string(prepared_.size() + 1);
        pg_result_guard g{PQprepare(c_, name.c_str(), std::string(sql).c_str(), 0, nullptr)};
        if (PQresultStatus(g.r) != PGRES_COMMAND_OK)
            return pg_reason(scrub(g.r ? PQresultErrorMessage(g.r) : reason()));
        it = prepared_.emplace(std::string(sql), std::move(name)).first;
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    pg_result_guard g{PQexecPrepared(c_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0)};
    const auto st = PQresultStatus(g.r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        return pg_reason(scrub(g.r && *PQresultErrorMessage(g.r) ? PQresultErrorMessage(g.r) : reason()));
    pg_answer a;
    const int rows = PQntuples(g.r), cols = PQnfields(g.r);
    a.rows.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        pg_row row(static_cast<std::size_t>(cols));
        for (int j = 0; j < cols; ++j)
            if (!PQgetisnull(g.r, i, j))
                row[static_cast<std::size_t>(j)] = std::string(PQgetvalue(g.r, i, j), static_cast<std::size_t>(PQgetlength(g.r, i, j)));
        a.rows.push_back(std::move(row));
    }
    a.affected = std::atoll(PQcmdTuples(g.r));
    return a;
}

CS2MARKET_DECL result<void> pg_connection::exec_script(std::string_view sql)
{
    if (!c_ || PQstatus(c_) != CONNECTION_OK)
        return pg_reason("not connected");
    pg_result_guard g{PQexec(c_, std::string(sql).c_str())};
    const auto st = PQresultStatus(g.r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        return pg_reason(scrub(g.r && *PQresultErrorMessage(g.r) ? PQresultErrorMessage(g.r) : reason()));
    return {};
}

CS2MARKET_DECL result<void> pg_connection::begin(txn t)
{
    const char* sql = t == txn::read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
    if (auto r = ensure(); !r)
        return r;
    auto r = exec_script(sql);
    if (!r && PQstatus(c_) == CONNECTION_BAD) { // lost while idle (a server restart): nothing of ours was in flight
        if (auto e = ensure(); !e)
            return e;
        r = exec_script(sql);
    }
    return r;
}

CS2MARKET_DECL result<void> pg_connection::commit()
{
    if (!c_ || PQstatus(c_) != CONNECTION_OK)
        return pg_reason("not connected");
    pg_result_guard g{PQexec(c_, "COMMIT")};
    // A transaction that failed earlier answers COMMIT with ROLLBACK.
    if (PQresultStatus(g.r) != PGRES_COMMAND_OK || std::strcmp(PQcmdStatus(g.r), "COMMIT") != 0)
        return pg_reason(scrub(g.r && *PQresultErrorMessage(g.r) ? PQresultErrorMessage(g.r) : "not committed"));
    return {};
}

CS2MARKET_DECL void pg_connection::rollback() noexcept
{
    if (c_ && PQstatus(c_) == CONNECTION_OK)
        PQclear(PQexec(c_, "ROLLBACK"));
}

CS2MARKET_DECL result<void> pg_connection::lock_migrations()
{
    return exec_script("SELECT pg_advisory_xact_lock(" + std::to_string(journal_migration_lock) + ")");
}

CS2MARKET_DECL result<std::int64_t> pg_connection::now_ms()
{
    if (auto r = ensure(); !r)
        return r.error();
    auto a = exec("SELECT CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)");
    if (!a)
        return a.error();
    if (a->rows.empty() || a->rows[0].empty() || !a->rows[0][0])
        return pg_reason("the server's clock cannot be read");
    return std::strtoll(a->rows[0][0]->c_str(), nullptr, 10);
}

} // namespace cs2market::detail

#endif
