// cs2market: bodies of detail/sql_journal.hpp.
#ifndef CS2MARKET_STORE_IMPL_SQL_JOURNAL_IPP
#define CS2MARKET_STORE_IMPL_SQL_JOURNAL_IPP

#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/store/detail/sql_journal.hpp>

#include <algorithm>

namespace cs2market::detail {

CS2MARKET_DECL sql_journal::sql_journal(std::vector<std::unique_ptr<sql_session>> sessions, journal_options opts,
                                        std::chrono::milliseconds wait)
    : pool_(std::move(sessions), wait), opts_(std::move(opts))
{
    if (pool_.size() > 1)
        lanes_ = std::make_unique<serial_worker>(pool_.size());
}

CS2MARKET_DECL sql_journal::~sql_journal()
{
    // Queued writes finish before the database closes.
    if (lanes_)
        lanes_->stop();
    stop_worker();
}

CS2MARKET_DECL void sql_journal::post_unordered(journal_job job)
{
    if (lanes_)
        lanes_->post(std::move(job));
    else
        journal::post_unordered(std::move(job));
}

CS2MARKET_DECL error sql_journal::fail(sql_session& db, std::string_view what, const error& why)
{
    db.rollback();
    return db.failure(what, why.detail);
}

CS2MARKET_DECL result<unix_ms> sql_journal::now_locked(sql_session& db)
{
    if (opts_.clock)
        return opts_.clock();
    return db.now_ms();
}

CS2MARKET_DECL result<unix_ms> sql_journal::now()
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    auto t = now_locked(db);
    if (!t)
        return db.failure("cannot read the clock", t.error().detail);
    return t;
}

CS2MARKET_DECL result<std::vector<order>> sql_journal::to_orders(sql_session& db, const std::vector<sql_row>& rows)
{
    const auto& sql = journal_statements();
    std::vector<order> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        journal_row row;
        for (std::size_t i = 0; i < row.size() && i < r.size(); ++i)
            row[i] = r[i];
        order o;
        if (!from_journal_row(row, o))
            return db.failure("an order cannot be read");
        const sql_param p[] = {std::string(o.provider.name()), o.id};
        auto ts = db.exec(sql.select_transitions, p);
        if (!ts)
            return db.failure("cannot read transitions", ts.error().detail);
        for (const auto& t : ts->rows) {
            std::array<std::optional<std::string>, 6> tr;
            for (std::size_t i = 0; i < tr.size() && i < t.size(); ++i)
                tr[i] = t[i];
            phase_change c;
            if (!from_transition_row(tr, c))
                return db.failure("a transition of " + o.id + " cannot be read");
            o.history.push_back(std::move(c));
        }
        out.push_back(std::move(o));
    }
    return out;
}

CS2MARKET_DECL result<std::optional<order>> sql_journal::find_locked(sql_session& db, std::string_view provider, std::string_view key,
                                                                      const std::string& sql)
{
    const sql_param p[] = {std::string(provider), std::string(key)};
    auto rows = db.exec(sql, p);
    if (!rows)
        return db.failure("cannot read an order", rows.error().detail);
    if (rows->rows.empty())
        return std::optional<order>{};
    auto orders = to_orders(db, {rows->rows.front()});
    if (!orders)
        return orders.error();
    return std::optional<order>(std::move(orders->front()));
}

CS2MARKET_DECL result<intent_record> sql_journal::record_intent(const order& o, std::string_view request_json)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::write); !r)
        return fail(db, "cannot record a buy", r.error());
    auto t = now_locked(db);
    if (!t)
        return fail(db, "cannot record a buy", t.error());
    // Anchored on the journal's clock: another process compares these with its
    // own reading of the same clock, whatever the caller's clock says.
    order in = o;
    in.created_at = *t;
    if (o.send_deadline)
        in.send_deadline = *t + std::max<unix_ms>(0, *o.send_deadline - o.created_at);
    in.request = std::string(request_json);
    in.delivered_seq = 0;
    const auto row = to_journal_row(in);
    std::vector<sql_param> params(row.begin(), row.end());
    // ON CONFLICT DO NOTHING: a concurrent insert of the same id waits for the
    // first writer's commit and then inserts nothing; the read below sees its order.
    auto ins = db.exec(journal_statements().insert_intent, params);
    if (!ins)
        return fail(db, "cannot record a buy", ins.error());
    const bool created = ins->affected == 1;
    if (created) {
        // The row is the one just inserted and has no transitions yet: read it
        // back from its own columns instead of two more round trips.
        order back;
        if (!from_journal_row(row, back)) {
            db.rollback();
            return db.failure("a recorded buy cannot be read back");
        }
        if (auto r = db.commit(); !r)
            return fail(db, "cannot record a buy (the commit did not complete)", r.error());
        return intent_record{std::move(back), true};
    }
    auto found = find_locked(db, o.provider.name(), o.id, journal_statements().select_one);
    if (!found) {
        db.rollback();
        return found.error();
    }
    if (!*found) {
        db.rollback();
        return db.failure("a recorded buy cannot be read back");
    }
    if (auto r = db.commit(); !r)
        return fail(db, "cannot record a buy (the commit did not complete)", r.error());
    return intent_record{std::move(**found), created};
}

CS2MARKET_DECL result<bool> sql_journal::save(const order& o, const phase_change* change)
{
    // (result<bool> does not convert from an error implicitly: error converts to bool.)
    auto held = pool_.take();
    if (!held)
        return result<bool>(boost::system::in_place_error, held.error());
    auto& db = **held;
    auto failed = [&](std::string_view what, const error& e) { return result<bool>(boost::system::in_place_error, fail(db, what, e)); };
    const auto& sql = journal_statements();
    if (auto r = db.begin(sql_session::txn::write); !r)
        return failed("cannot save an order", r.error());
    const auto row = to_journal_row(o);
    std::vector<sql_param> params;
    for (auto c : sql.update_columns)
        params.push_back(row[static_cast<std::size_t>(c)]);
    params.emplace_back(std::string(o.provider.name()));
    params.emplace_back(o.id);
    params.emplace_back(std::string(to_string(change ? change->from : o.phase)));
    // Compare and set: a concurrent writer's update is waited for, and the
    // phase checked again on its row.
    auto upd = db.exec(sql.update, params);
    if (!upd)
        return failed("cannot save an order", upd.error());
    if (upd->affected == 0) {
        db.rollback();
        return false; // moved by another writer first (or not journaled)
    }
    if (change) {
        const sql_param key[] = {std::string(o.provider.name()), o.id};
        auto last = db.exec(sql.select_transitions, key);
        if (!last)
            return failed("cannot record a transition", last.error());
        const std::uint64_t seq = last->rows.size() + 1;
        if (change->seq != 0 && change->seq != seq) {
            db.rollback();
            return false; // the caller's history is not the journal's: reload
        }
        const auto t = to_transition_row(*change);
        const sql_param p[] = {key[0], key[1], std::to_string(seq), t[0], t[1], t[2], t[3], t[4]};
        if (auto r = db.exec(sql.insert_transition, p); !r)
            return failed("cannot record a transition", r.error());
        const sql_param q[] = {key[0], key[1], std::to_string(seq)};
        if (auto r = db.exec(sql.set_last_seq, q); !r)
            return failed("cannot record a transition", r.error());
    }
    if (auto r = db.commit(); !r)
        return failed("cannot save an order (the commit did not complete)", r.error());
    return true;
}

CS2MARKET_DECL result<void> sql_journal::mark_delivered(provider_id p, std::string_view id, std::uint64_t seq)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::write); !r)
        return fail(db, "cannot mark a transition handed over", r.error());
    const sql_param q[] = {std::string(p.name()), std::string(id), std::to_string(seq)};
    if (auto r = db.exec(journal_statements().mark_delivered, q); !r)
        return fail(db, "cannot mark a transition handed over", r.error());
    if (auto r = db.commit(); !r)
        return fail(db, "cannot mark a transition handed over", r.error());
    return {};
}

CS2MARKET_DECL result<std::optional<order>> sql_journal::find(provider_id p, std::string_view id)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::read); !r)
        return fail(db, "cannot read an order", r.error());
    auto found = find_locked(db, p.name(), id, journal_statements().select_one);
    db.rollback(); // read only: nothing to commit
    return found;
}

CS2MARKET_DECL result<std::optional<order>> sql_journal::find_by_order_id(provider_id p, std::string_view order_id)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::read); !r)
        return fail(db, "cannot read an order", r.error());
    auto found = find_locked(db, p.name(), order_id, journal_statements().select_by_order_id);
    db.rollback();
    return found;
}

CS2MARKET_DECL result<std::vector<order>> sql_journal::read(sql_session& db, const std::string& sql, std::span<const sql_param> params)
{
    auto rows = db.exec(sql, params);
    if (!rows)
        return db.failure("cannot read orders", rows.error().detail);
    return to_orders(db, rows->rows);
}

CS2MARKET_DECL result<std::vector<order>> sql_journal::load(bool unfinished_only)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::read); !r)
        return fail(db, "cannot read orders", r.error());
    auto out = read(db, unfinished_only ? journal_statements().select_followed : journal_statements().select_all);
    db.rollback();
    return out;
}

CS2MARKET_DECL result<std::vector<order>> sql_journal::claim_unfinished(std::string_view owner, std::chrono::milliseconds lease,
                                                                      std::size_t limit)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::write); !r)
        return fail(db, "cannot claim orders", r.error());
    auto t = now_locked(db);
    if (!t)
        return fail(db, "cannot claim orders", t.error());
    // Two workers claiming at once: the second waits for the first's row locks
    // (PostgreSQL; SQLite's write lock serializes them), and the statement's own
    // condition, checked again on the rows the first updated, leaves it only
    // what the first did not take.
    const sql_param p[] = {std::string(owner), std::to_string(*t), std::to_string(*t + lease.count()), std::to_string(limit)};
    auto claimed = read(db, journal_statements().claim, p);
    if (!claimed) {
        db.rollback();
        return claimed.error();
    }
    if (auto r = db.commit(); !r)
        return fail(db, "cannot claim orders", r.error());
    std::sort(claimed->begin(), claimed->end(), [](const order& a, const order& b) {
        if (a.created_at != b.created_at)
            return a.created_at < b.created_at;
        if (a.provider.name() != b.provider.name())
            return a.provider.name() < b.provider.name();
        return a.id < b.id;
    });
    return claimed;
}

CS2MARKET_DECL result<std::vector<std::pair<std::string, std::string>>> sql_journal::renew(std::string_view owner,
                                                                                           std::chrono::milliseconds lease)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::write); !r)
        return fail(db, "cannot renew leases", r.error());
    auto t = now_locked(db);
    if (!t)
        return fail(db, "cannot renew leases", t.error());
    const sql_param p[] = {std::string(owner), std::to_string(*t + lease.count())};
    auto rows = db.exec(journal_statements().renew, p);
    if (!rows)
        return fail(db, "cannot renew leases", rows.error());
    if (auto r = db.commit(); !r)
        return fail(db, "cannot renew leases", r.error());
    std::vector<std::pair<std::string, std::string>> kept;
    for (const auto& r : rows->rows)
        kept.emplace_back(r.size() > 0 ? r[0].value_or("") : "", r.size() > 1 ? r[1].value_or("") : "");
    return kept;
}

CS2MARKET_DECL result<void> sql_journal::release(std::string_view owner)
{
    auto held = pool_.take();
    if (!held)
        return held.error();
    auto& db = **held;
    if (auto r = db.begin(sql_session::txn::write); !r)
        return fail(db, "cannot release leases", r.error());
    const sql_param p[] = {std::string(owner)};
    if (auto r = db.exec(journal_statements().release, p); !r)
        return fail(db, "cannot release leases", r.error());
    if (auto r = db.commit(); !r)
        return fail(db, "cannot release leases", r.error());
    return {};
}

} // namespace cs2market::detail

#endif
