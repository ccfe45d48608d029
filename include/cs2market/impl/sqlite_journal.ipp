// cs2market: bodies of sqlite_journal.hpp.
#ifndef CS2MARKET_IMPL_SQLITE_JOURNAL_IPP
#define CS2MARKET_IMPL_SQLITE_JOURNAL_IPP

#include <cs2market/detail/journal_schema.hpp>
#include <cs2market/sqlite_journal.hpp>

#include <sqlite3.h>

#include <string>

namespace cs2market {

/// A prepared statement, finalized on scope exit. Parameters are bound by their
/// $n names, the dialect both stores share.
struct sqlite_journal::statement {
    sqlite3_stmt* s = nullptr;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement() = default;
    ~statement() { sqlite3_finalize(s); }

    void bind(int n, const std::optional<std::string>& v)
    {
        const std::string name = "$" + std::to_string(n);
        const int i = sqlite3_bind_parameter_index(s, name.c_str());
        if (i == 0)
            return;
        if (v)
            sqlite3_bind_text(s, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, i);
    }
    std::optional<std::string> column(int i)
    {
        if (sqlite3_column_type(s, i) == SQLITE_NULL)
            return std::nullopt;
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    }
};

CS2MARKET_DECL error sqlite_journal::failure(std::string what) const
{
    error e = detail::make_error(error_kind::journal, "journal " + path_ + ": " + what);
    if (db_)
        e.detail += ": " + std::string(sqlite3_errmsg(db_));
    return e;
}

CS2MARKET_DECL result<std::shared_ptr<sqlite_journal>> sqlite_journal::open(const std::string& path)
{
    std::shared_ptr<sqlite_journal> j(new sqlite_journal(path));
    if (sqlite3_open_v2(path.c_str(), &j->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
        SQLITE_OK)
        return j->failure("cannot open");
    // Another process may hold the write lock for a moment: wait rather than fail.
    sqlite3_busy_timeout(j->db_, 15000);
    // WAL with synchronous=FULL: every commit is on disk when it returns.
    for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
        if (auto r = j->exec(pragma); !r)
            return r.error();
    if (auto r = j->migrate(); !r)
        return r.error();
    return j;
}

CS2MARKET_DECL sqlite_journal::~sqlite_journal()
{
    stop_worker(); // queued writes finish before the database closes
    sqlite3_close(db_);
}

CS2MARKET_DECL result<void> sqlite_journal::exec(std::string_view sql)
{
    char* msg = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : "failed";
        sqlite3_free(msg);
        return detail::make_error(error_kind::journal, "journal " + path_ + ": " + m);
    }
    return {};
}

CS2MARKET_DECL result<void> sqlite_journal::migrate()
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = exec("BEGIN IMMEDIATE"); !r)
        return r;
    auto fail = [&](error e) {
        exec("ROLLBACK");
        return e;
    };
    if (auto r = exec(detail::journal_meta_sql); !r)
        return fail(r.error());
    int version = 0;
    {
        statement st;
        if (sqlite3_prepare_v2(db_, detail::journal_version_sql.data(), static_cast<int>(detail::journal_version_sql.size()), &st.s,
                               nullptr) != SQLITE_OK)
            return fail(failure("cannot read the schema version"));
        if (sqlite3_step(st.s) == SQLITE_ROW)
            version = std::stoi(st.column(0).value_or("0"));
    }
    for (const auto& m : detail::journal_migrations) {
        if (m.version <= version)
            continue;
        if (auto r = exec(m.sql); !r)
            return fail(r.error());
        statement st;
        if (sqlite3_prepare_v2(db_, detail::journal_set_version_sql.data(), static_cast<int>(detail::journal_set_version_sql.size()),
                               &st.s, nullptr) != SQLITE_OK)
            return fail(failure("cannot record the schema version"));
        st.bind(1, std::to_string(m.version));
        if (sqlite3_step(st.s) != SQLITE_DONE)
            return fail(failure("cannot record the schema version"));
    }
    return exec("COMMIT");
}

CS2MARKET_DECL result<void> sqlite_journal::load_history(order& o)
{
    statement st;
    const auto& sql = detail::journal_select_transitions_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return failure("cannot read transitions");
    st.bind(1, std::string(o.provider.name()));
    st.bind(2, o.id);
    o.history.clear();
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
        std::array<std::optional<std::string>, 5> row;
        for (int i = 0; i < 5; ++i)
            row[static_cast<std::size_t>(i)] = st.column(i);
        phase_change c;
        if (!detail::from_transition_row(row, c))
            return failure("a transition of " + o.id + " cannot be read");
        o.history.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE)
        return failure("cannot read transitions");
    return {};
}

CS2MARKET_DECL result<std::optional<order>> sqlite_journal::find_locked(std::string_view provider, std::string_view id,
                                                                         std::string_view sql)
{
    statement st;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return failure("cannot read an order");
    st.bind(1, std::string(provider));
    st.bind(2, std::string(id));
    const int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE)
        return std::optional<order>{};
    if (rc != SQLITE_ROW)
        return failure("cannot read an order");
    detail::journal_row row;
    for (int i = 0; i < detail::journal_order_column_count; ++i)
        row[static_cast<std::size_t>(i)] = st.column(i);
    order o;
    if (!detail::from_journal_row(row, o))
        return failure("order " + std::string(id) + " cannot be read");
    if (auto h = load_history(o); !h)
        return h.error();
    return std::optional<order>(std::move(o));
}

CS2MARKET_DECL result<journal_claim> sqlite_journal::record_intent(const order& o, std::string_view request_json)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = exec("BEGIN IMMEDIATE"); !r)
        return r.error();
    auto fail = [&](error e) {
        exec("ROLLBACK");
        return e;
    };
    statement st;
    const auto& sql = detail::journal_insert_intent_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return fail(failure("cannot record a buy"));
    const auto row = detail::to_journal_row(o);
    for (int i = 0; i < detail::journal_order_column_count; ++i)
        st.bind(i + 1, row[static_cast<std::size_t>(i)]);
    st.bind(detail::journal_order_column_count + 1, std::string(request_json));
    if (sqlite3_step(st.s) != SQLITE_DONE)
        return fail(failure("cannot record a buy"));
    const bool created = sqlite3_changes(db_) == 1;
    auto found = find_locked(o.provider.name(), o.id, detail::journal_select_one_sql);
    if (!found)
        return fail(found.error());
    if (!*found)
        return fail(failure("a recorded buy cannot be read back"));
    if (auto r = exec("COMMIT"); !r)
        return fail(r.error());
    return journal_claim{std::move(**found), created};
}

CS2MARKET_DECL result<bool> sqlite_journal::save(const order& o, const phase_change* change)
{
    std::lock_guard<std::mutex> lk(m_);
    // (result<bool> does not convert from an error implicitly: error converts to bool.)
    if (auto r = exec("BEGIN IMMEDIATE"); !r)
        return result<bool>(boost::system::in_place_error, r.error());
    auto fail = [&](error e) {
        exec("ROLLBACK");
        return result<bool>(boost::system::in_place_error, std::move(e));
    };
    {
        statement st;
        const auto& sql = detail::journal_update_sql;
        if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
            return fail(failure("cannot save an order"));
        const auto row = detail::to_journal_row(o);
        for (int i = 0; i < detail::journal_order_column_count; ++i)
            st.bind(i + 1, row[static_cast<std::size_t>(i)]);
        st.bind(detail::journal_order_column_count + 1, std::string(to_string(change ? change->from : o.phase)));
        if (sqlite3_step(st.s) != SQLITE_DONE)
            return fail(failure("cannot save an order"));
    }
    if (sqlite3_changes(db_) == 0) {
        exec("ROLLBACK");
        return false; // moved by another writer first (or not journaled)
    }
    if (change) {
        statement st;
        const auto& sql = detail::journal_insert_transition_sql;
        if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
            return fail(failure("cannot record a transition"));
        st.bind(1, std::string(o.provider.name()));
        st.bind(2, o.id);
        const auto t = detail::to_transition_row(*change);
        for (int i = 0; i < 5; ++i)
            st.bind(i + 3, t[static_cast<std::size_t>(i)]);
        if (sqlite3_step(st.s) != SQLITE_DONE)
            return fail(failure("cannot record a transition"));
    }
    if (auto r = exec("COMMIT"); !r)
        return fail(r.error());
    return true;
}

CS2MARKET_DECL result<std::optional<order>> sqlite_journal::find(provider_id p, std::string_view id)
{
    std::lock_guard<std::mutex> lk(m_);
    return find_locked(p.name(), id, detail::journal_select_one_sql);
}

CS2MARKET_DECL result<std::optional<order>> sqlite_journal::find_by_order_id(provider_id p, std::string_view order_id)
{
    std::lock_guard<std::mutex> lk(m_);
    return find_locked(p.name(), order_id, detail::journal_select_by_order_id_sql);
}

CS2MARKET_DECL result<std::vector<order>> sqlite_journal::read_orders(statement& st)
{
    std::vector<order> out;
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
        detail::journal_row row;
        for (int i = 0; i < detail::journal_order_column_count; ++i)
            row[static_cast<std::size_t>(i)] = st.column(i);
        order o;
        if (!detail::from_journal_row(row, o))
            return failure("an order cannot be read");
        out.push_back(std::move(o));
    }
    if (rc != SQLITE_DONE)
        return failure("cannot read orders");
    for (auto& o : out)
        if (auto h = load_history(o); !h)
            return h.error();
    return out;
}

CS2MARKET_DECL result<std::vector<order>> sqlite_journal::load(bool unfinished_only)
{
    std::lock_guard<std::mutex> lk(m_);
    statement st;
    const auto& sql = unfinished_only ? detail::journal_select_unfinished_sql : detail::journal_select_all_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return failure("cannot read orders");
    return read_orders(st);
}

CS2MARKET_DECL result<std::vector<order>> sqlite_journal::claim_unfinished(std::string_view owner, unix_ms now, unix_ms until,
                                                                         std::size_t limit)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = exec("BEGIN IMMEDIATE"); !r)
        return r.error();
    statement st;
    const auto& sql = detail::journal_claim_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK) {
        exec("ROLLBACK");
        return failure("cannot claim orders");
    }
    st.bind(1, std::string(owner));
    st.bind(2, std::to_string(now));
    st.bind(3, std::to_string(until));
    st.bind(4, std::to_string(limit));
    auto claimed = read_orders(st);
    sqlite3_reset(st.s);
    if (!claimed) {
        exec("ROLLBACK");
        return claimed.error();
    }
    if (auto r = exec("COMMIT"); !r)
        return r.error();
    return claimed;
}

CS2MARKET_DECL result<std::vector<std::pair<std::string, std::string>>> sqlite_journal::renew(std::string_view owner, unix_ms until)
{
    std::lock_guard<std::mutex> lk(m_);
    statement st;
    const auto& sql = detail::journal_renew_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return failure("cannot renew leases");
    st.bind(1, std::string(owner));
    st.bind(2, std::to_string(until));
    std::vector<std::pair<std::string, std::string>> held;
    int rc;
    while ((rc = sqlite3_step(st.s)) == SQLITE_ROW)
        held.emplace_back(st.column(0).value_or(""), st.column(1).value_or(""));
    if (rc != SQLITE_DONE)
        return failure("cannot renew leases");
    return held;
}

CS2MARKET_DECL result<void> sqlite_journal::release(std::string_view owner)
{
    std::lock_guard<std::mutex> lk(m_);
    statement st;
    const auto& sql = detail::journal_release_sql;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st.s, nullptr) != SQLITE_OK)
        return failure("cannot release leases");
    st.bind(1, std::string(owner));
    if (sqlite3_step(st.s) != SQLITE_DONE)
        return failure("cannot release leases");
    return {};
}

} // namespace cs2market

#endif
