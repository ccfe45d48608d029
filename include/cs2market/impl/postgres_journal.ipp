// cs2market: bodies of postgres_journal.hpp.
#ifndef CS2MARKET_IMPL_POSTGRES_JOURNAL_IPP
#define CS2MARKET_IMPL_POSTGRES_JOURNAL_IPP

#include <cs2market/detail/journal_schema.hpp>
#include <cs2market/postgres_journal.hpp>

#include <algorithm>

namespace cs2market {

namespace detail {
/// Reads that span statements (an order and its transitions) see one snapshot.
inline constexpr std::string_view pg_read_only_begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
} // namespace detail

CS2MARKET_DECL result<std::shared_ptr<postgres_journal>> postgres_journal::open(const std::string& conninfo)
{
    auto db = detail::pg_connection::make(conninfo, "journal");
    if (!db)
        return db.error();
    if (auto r = (*db)->ensure(); !r)
        return (*db)->failure("cannot open", r.error().detail);
    if (auto r = (*db)->migrate(); !r)
        return r.error();
    return std::shared_ptr<postgres_journal>(new postgres_journal(std::move(*db)));
}

CS2MARKET_DECL postgres_journal::~postgres_journal()
{
    stop_worker(); // queued writes finish before the connection closes
}

CS2MARKET_DECL std::string postgres_journal::where() const
{
    std::lock_guard<std::mutex> lk(m_);
    return db_->where();
}

CS2MARKET_DECL error postgres_journal::fail(std::string_view what, const error& why)
{
    db_->rollback();
    return db_->failure(what, why.detail);
}

CS2MARKET_DECL result<void> postgres_journal::load_history(order& o)
{
    const detail::pg_param p[] = {std::string(o.provider.name()), o.id};
    auto rows = db_->exec(detail::journal_select_transitions_sql, p);
    if (!rows)
        return db_->failure("cannot read transitions", rows.error().detail);
    o.history.clear();
    for (const auto& r : rows->rows) {
        std::array<std::optional<std::string>, 5> row;
        for (std::size_t i = 0; i < row.size() && i < r.size(); ++i)
            row[i] = r[i];
        phase_change c;
        if (!detail::from_transition_row(row, c))
            return db_->failure("a transition of " + o.id + " cannot be read");
        o.history.push_back(std::move(c));
    }
    return {};
}

CS2MARKET_DECL result<std::vector<order>> postgres_journal::to_orders(const std::vector<detail::pg_row>& rows)
{
    std::vector<order> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        detail::journal_row row;
        for (std::size_t i = 0; i < row.size() && i < r.size(); ++i)
            row[i] = r[i];
        order o;
        if (!detail::from_journal_row(row, o))
            return db_->failure("an order cannot be read");
        if (auto h = load_history(o); !h)
            return h.error();
        out.push_back(std::move(o));
    }
    return out;
}

CS2MARKET_DECL result<std::optional<order>> postgres_journal::find_locked(std::string_view provider, std::string_view id,
                                                                           std::string_view sql)
{
    const detail::pg_param p[] = {std::string(provider), std::string(id)};
    auto rows = db_->exec(sql, p);
    if (!rows)
        return db_->failure("cannot read an order", rows.error().detail);
    if (rows->rows.empty())
        return std::optional<order>{};
    auto orders = to_orders({rows->rows.front()});
    if (!orders)
        return orders.error();
    return std::optional<order>(std::move(orders->front()));
}

CS2MARKET_DECL result<journal_claim> postgres_journal::record_intent(const order& o, std::string_view request_json)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(); !r)
        return fail("cannot record a buy", r.error());
    const auto row = detail::to_journal_row(o);
    std::vector<detail::pg_param> params(row.begin(), row.end());
    params.emplace_back(std::string(request_json));
    // ON CONFLICT DO NOTHING: a concurrent insert of the same id waits for the
    // first writer's commit and then inserts nothing; the read below sees its order.
    auto ins = db_->exec(detail::journal_insert_intent_sql, params);
    if (!ins)
        return fail("cannot record a buy", ins.error());
    const bool created = ins->affected == 1;
    auto found = find_locked(o.provider.name(), o.id, detail::journal_select_one_sql);
    if (!found) {
        db_->rollback();
        return found.error();
    }
    if (!*found) {
        db_->rollback();
        return db_->failure("a recorded buy cannot be read back");
    }
    if (auto r = db_->commit(); !r)
        return fail("cannot record a buy (the commit did not complete)", r.error());
    return journal_claim{std::move(**found), created};
}

CS2MARKET_DECL result<bool> postgres_journal::save(const order& o, const phase_change* change)
{
    std::lock_guard<std::mutex> lk(m_);
    // (result<bool> does not convert from an error implicitly: error converts to bool.)
    auto failed = [&](std::string_view what, const error& e) {
        return result<bool>(boost::system::in_place_error, fail(what, e));
    };
    if (auto r = db_->begin(); !r)
        return failed("cannot save an order", r.error());
    const auto row = detail::to_journal_row(o);
    std::vector<detail::pg_param> params(row.begin(), row.end());
    params.emplace_back(std::string(to_string(change ? change->from : o.phase)));
    // Compare and set: a concurrent writer's update is waited for, and the
    // phase checked again on its row.
    auto upd = db_->exec(detail::journal_update_sql, params);
    if (!upd)
        return failed("cannot save an order", upd.error());
    if (upd->affected == 0) {
        db_->rollback();
        return false; // moved by another writer first (or not journaled)
    }
    if (change) {
        const auto t = detail::to_transition_row(*change);
        const detail::pg_param p[] = {std::string(o.provider.name()), o.id, t[0], t[1], t[2], t[3], t[4]};
        if (auto r = db_->exec(detail::journal_insert_transition_sql, p); !r)
            return failed("cannot record a transition", r.error());
    }
    if (auto r = db_->commit(); !r)
        return failed("cannot save an order (the commit did not complete)", r.error());
    return true;
}

CS2MARKET_DECL result<std::optional<order>> postgres_journal::find(provider_id p, std::string_view id)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(detail::pg_read_only_begin); !r)
        return fail("cannot read an order", r.error());
    auto found = find_locked(p.name(), id, detail::journal_select_one_sql);
    db_->rollback(); // read only: nothing to commit
    return found;
}

CS2MARKET_DECL result<std::optional<order>> postgres_journal::find_by_order_id(provider_id p, std::string_view order_id)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(detail::pg_read_only_begin); !r)
        return fail("cannot read an order", r.error());
    auto found = find_locked(p.name(), order_id, detail::journal_select_by_order_id_sql);
    db_->rollback();
    return found;
}

CS2MARKET_DECL result<std::vector<order>> postgres_journal::load(bool unfinished_only)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(detail::pg_read_only_begin); !r)
        return fail("cannot read orders", r.error());
    auto rows = db_->exec(unfinished_only ? detail::journal_select_unfinished_sql : detail::journal_select_all_sql);
    if (!rows)
        return fail("cannot read orders", rows.error());
    auto out = to_orders(rows->rows);
    db_->rollback();
    return out;
}

CS2MARKET_DECL result<std::vector<order>> postgres_journal::claim_unfinished(std::string_view owner, unix_ms now, unix_ms until,
                                                                           std::size_t limit)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(); !r)
        return fail("cannot claim orders", r.error());
    // Two workers claiming at once: the second waits for the first's row locks,
    // and the statement's own condition, checked again on the rows the first
    // updated, leaves it only what the first did not take.
    const detail::pg_param p[] = {std::string(owner), std::to_string(now), std::to_string(until), std::to_string(limit)};
    auto rows = db_->exec(detail::journal_claim_sql, p);
    if (!rows)
        return fail("cannot claim orders", rows.error());
    auto claimed = to_orders(rows->rows);
    if (!claimed) {
        db_->rollback();
        return claimed.error();
    }
    if (auto r = db_->commit(); !r)
        return fail("cannot claim orders", r.error());
    std::sort(claimed->begin(), claimed->end(), [](const order& a, const order& b) {
        if (a.created_at != b.created_at)
            return a.created_at < b.created_at;
        if (a.provider.name() != b.provider.name())
            return a.provider.name() < b.provider.name();
        return a.id < b.id;
    });
    return claimed;
}

CS2MARKET_DECL result<std::vector<std::pair<std::string, std::string>>> postgres_journal::renew(std::string_view owner, unix_ms until)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(); !r)
        return fail("cannot renew leases", r.error());
    const detail::pg_param p[] = {std::string(owner), std::to_string(until)};
    auto rows = db_->exec(detail::journal_renew_sql, p);
    if (!rows)
        return fail("cannot renew leases", rows.error());
    if (auto r = db_->commit(); !r)
        return fail("cannot renew leases", r.error());
    std::vector<std::pair<std::string, std::string>> held;
    for (const auto& r : rows->rows)
        held.emplace_back(r.at(0).value_or(""), r.at(1).value_or(""));
    return held;
}

CS2MARKET_DECL result<void> postgres_journal::release(std::string_view owner)
{
    std::lock_guard<std::mutex> lk(m_);
    if (auto r = db_->begin(); !r)
        return fail("cannot release leases", r.error());
    const detail::pg_param p[] = {std::string(owner)};
    if (auto r = db_->exec(detail::journal_release_sql, p); !r)
        return fail("cannot release leases", r.error());
    if (auto r = db_->commit(); !r)
        return fail("cannot release leases", r.error());
    return {};
}

} // namespace cs2market

#endif
