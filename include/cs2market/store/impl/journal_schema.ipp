// cs2market: bodies of detail/journal_schema.hpp.
#ifndef CS2MARKET_STORE_IMPL_JOURNAL_SCHEMA_IPP
#define CS2MARKET_STORE_IMPL_JOURNAL_SCHEMA_IPP

#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/json.hpp>

#include <boost/describe/class.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace cs2market::detail {

CS2MARKET_DECL std::optional<std::string> journal_int(std::optional<std::int64_t> v)
{
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

CS2MARKET_DECL bool journal_parse_int(const std::optional<std::string>& s, std::optional<std::int64_t>& out)
{
    if (!s) {
        out.reset();
        return true;
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || p != s->data() + s->size())
        return false;
    out = v;
    return true;
}

/// One item of an order as the journal's items column holds it (JSON).
struct journal_item {
    std::string name;
    std::optional<decimal> price;
    std::string phase;
    std::string provider_status;
    std::optional<bool> refunded;
};
BOOST_DESCRIBE_STRUCT(journal_item, (), (name, price, phase, provider_status, refunded))

constexpr std::size_t col(journal_column c) noexcept
{
    return static_cast<std::size_t>(c);
}

CS2MARKET_DECL const journal_sql& journal_statements()
{
    // Never destroyed: a journal's thread may still run at exit (it finishes the
    // job that held the journal's last reference), and reads these.
    static const journal_sql& sql = *new journal_sql([] {
        using c = journal_column;
        std::string all, params, facts, finals;
        for (std::size_t i = 0; i < journal_column_names.size(); ++i) {
            all += (i ? ", " : "") + std::string(journal_column_names[i]);
            params += (i ? ", $" : "$") + std::to_string(i + 1);
        }
        // Facts: what a save may change. The keys, the times the journal anchored
        // at the intent, the request and the handed-over mark are written elsewhere.
        // (Every parameter is used: PostgreSQL cannot type one a statement ignores.)
        std::vector<journal_column> update_columns;
        for (std::size_t i = 0; i < journal_column_names.size(); ++i) {
            const auto k = static_cast<c>(i);
            if (k == c::provider || k == c::id || k == c::created_at || k == c::send_deadline || k == c::delivered_seq ||
                k == c::request)
                continue;
            update_columns.push_back(k);
            facts += (facts.empty() ? "" : ", ") + std::string(journal_column_names[i]) + " = $" + std::to_string(update_columns.size());
        }
        const std::size_t n = update_columns.size();
        for (int p = 0; p <= static_cast<int>(order_phase::cancelled); ++p)
            if (is_final(static_cast<order_phase>(p)))
                finals += (finals.empty() ? "'" : ", '") + std::string(to_string(static_cast<order_phase>(p))) + "'";
        const std::string followed = "(phase NOT IN (" + finals + ") OR (phase = '" + std::string(to_string(order_phase::reversed)) +
                                     "' AND refunded IS NULL) OR delivered_seq < last_seq)";
        journal_sql s;
        s.insert_intent = "INSERT INTO cs2market_orders (" + all + ") VALUES (" + params + ") ON CONFLICT (provider, id) DO NOTHING";
        s.update = "UPDATE cs2market_orders SET " + facts + " WHERE provider = $" + std::to_string(n + 1) + " AND id = $" +
                   std::to_string(n + 2) + " AND phase = $" + std::to_string(n + 3);
        s.update_columns = std::move(update_columns);
        s.select_one = "SELECT " + all + " FROM cs2market_orders WHERE provider = $1 AND id = $2";
        s.select_by_order_id = "SELECT " + all +
                               " FROM cs2market_orders WHERE provider = $1 AND order_id = $2 AND order_id <> '' ORDER BY created_at LIMIT 1";
        s.select_all = "SELECT " + all + " FROM cs2market_orders ORDER BY created_at, provider, id";
        s.select_followed = "SELECT " + all + " FROM cs2market_orders WHERE " + followed + " ORDER BY created_at, provider, id";
        s.claim = "UPDATE cs2market_orders SET owner = $1, lease_until = $3 WHERE (provider, id) IN (SELECT provider, id FROM "
                  "cs2market_orders WHERE " + followed + " AND (owner IS NULL OR owner = $1 OR lease_until < $2) "
                  "ORDER BY created_at LIMIT $4) AND (owner IS NULL OR owner = $1 OR lease_until < $2) RETURNING " + all;
        s.renew = "UPDATE cs2market_orders SET lease_until = $2 WHERE owner = $1 AND " + followed + " RETURNING provider, id";
        s.release = "UPDATE cs2market_orders SET owner = NULL, lease_until = NULL WHERE owner = $1";
        s.mark_delivered =
            "UPDATE cs2market_orders SET delivered_seq = $3 WHERE provider = $1 AND id = $2 AND delivered_seq < $3";
        s.insert_transition = "INSERT INTO cs2market_transitions (provider, id, seq, from_phase, to_phase, at, provider_status, "
                              "source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        s.set_last_seq = "UPDATE cs2market_orders SET last_seq = $3 WHERE provider = $1 AND id = $2";
        s.select_transitions = "SELECT seq, from_phase, to_phase, at, provider_status, source FROM cs2market_transitions "
                               "WHERE provider = $1 AND id = $2 ORDER BY seq";
        return s;
    }());
    return sql;
}

CS2MARKET_DECL journal_row to_journal_row(const order& o)
{
    using c = journal_column;
    journal_row r;
    r[col(c::provider)] = std::string(o.provider.name());
    r[col(c::id)] = o.id;
    r[col(c::operation)] = o.operation;
    r[col(c::order_id)] = o.order_id;
    r[col(c::item_name)] = o.item_name;
    if (o.price)
        r[col(c::price)] = o.price->to_string();
    if (o.max_price)
        r[col(c::max_price)] = o.max_price->to_string();
    r[col(c::phase)] = std::string(to_string(o.phase));
    r[col(c::provider_status)] = o.provider_status;
    r[col(c::failure_code)] = o.failure_code;
    if (o.reversed_by)
        r[col(c::reversed_by)] = std::string(to_string(*o.reversed_by));
    if (o.failed_by)
        r[col(c::failed_by)] = std::string(to_string(*o.failed_by));
    if (o.refunded)
        r[col(c::refunded)] = *o.refunded ? "1" : "0";
    r[col(c::created_at)] = std::to_string(o.created_at);
    r[col(c::delivered_at)] = journal_int(o.delivered_at);
    r[col(c::settles_at)] = journal_int(o.settles_at);
    r[col(c::finished_at)] = journal_int(o.finished_at);
    r[col(c::send_deadline)] = journal_int(o.send_deadline);
    if (o.charged)
        r[col(c::charged)] = o.charged->to_string();
    std::string items;
    if (!o.items.empty()) {
        std::vector<journal_item> rows;
        for (const auto& it : o.items)
            rows.push_back({it.name, it.price, std::string(to_string(it.phase)), it.provider_status, it.refunded});
        items = to_json(rows);
    }
    r[col(c::items)] = std::move(items);
    r[col(c::delivered_seq)] = std::to_string(o.delivered_seq);
    r[col(c::request)] = o.request;
    return r;
}

CS2MARKET_DECL bool from_journal_row(const journal_row& r, order& o)
{
    using c = journal_column;
    if (!r[col(c::provider)] || !r[col(c::id)] || !r[col(c::phase)] || !r[col(c::created_at)])
        return false;
    auto money = [&](c k, std::optional<decimal>& out) {
        out.reset();
        if (!r[col(k)])
            return true;
        auto d = decimal::parse(*r[col(k)]);
        if (!d)
            return false;
        out = *d;
        return true;
    };
    o.provider = intern_provider_id(*r[col(c::provider)]);
    o.id = *r[col(c::id)];
    o.operation = r[col(c::operation)].value_or("");
    o.order_id = r[col(c::order_id)].value_or("");
    o.item_name = r[col(c::item_name)].value_or("");
    if (!money(c::price, o.price) || !money(c::max_price, o.max_price) || !money(c::charged, o.charged))
        return false;
    auto ph = order_phase_from_string(*r[col(c::phase)]);
    if (!ph)
        return false;
    o.phase = *ph;
    o.provider_status = r[col(c::provider_status)].value_or("");
    o.failure_code = r[col(c::failure_code)].value_or("");
    o.reversed_by = r[col(c::reversed_by)] ? reversal_party_from_string(*r[col(c::reversed_by)]) : std::nullopt;
    o.failed_by = r[col(c::failed_by)] ? fault_party_from_string(*r[col(c::failed_by)]) : std::nullopt;
    o.refunded = r[col(c::refunded)] ? std::optional<bool>(*r[col(c::refunded)] == "1") : std::nullopt;
    std::optional<std::int64_t> created, delivered_seq;
    if (!journal_parse_int(r[col(c::created_at)], created) || !created)
        return false;
    o.created_at = *created;
    if (!journal_parse_int(r[col(c::delivered_seq)], delivered_seq) || delivered_seq.value_or(0) < 0)
        return false;
    o.delivered_seq = static_cast<std::uint64_t>(delivered_seq.value_or(0));
    o.items.clear();
    if (const auto& text = r[col(c::items)]; text && !text->empty()) {
        auto rows = from_json<std::vector<journal_item>>(*text);
        if (!rows)
            return false;
        for (auto& it : *rows) {
            auto p = order_phase_from_string(it.phase);
            if (!p)
                return false;
            o.items.push_back({std::move(it.name), it.price, *p, std::move(it.provider_status), it.refunded});
        }
    }
    o.request = r[col(c::request)].value_or("");
    return journal_parse_int(r[col(c::delivered_at)], o.delivered_at) && journal_parse_int(r[col(c::settles_at)], o.settles_at) &&
           journal_parse_int(r[col(c::finished_at)], o.finished_at) &&
           journal_parse_int(r[col(c::send_deadline)], o.send_deadline);
}

CS2MARKET_DECL std::array<std::string, 5> to_transition_row(const phase_change& c)
{
    return {std::string(to_string(c.from)), std::string(to_string(c.to)), std::to_string(c.at), c.provider_status,
            std::string(to_string(c.source))};
}

CS2MARKET_DECL bool from_transition_row(const std::array<std::optional<std::string>, 6>& r, phase_change& c)
{
    std::optional<std::int64_t> seq, at;
    auto from = r[1] ? order_phase_from_string(*r[1]) : std::nullopt;
    auto to = r[2] ? order_phase_from_string(*r[2]) : std::nullopt;
    auto source = observation_source_from_string(r[5].value_or(""));
    if (!journal_parse_int(r[0], seq) || !seq || *seq < 1 || !from || !to || !journal_parse_int(r[3], at) || !at || !source)
        return false;
    c.seq = static_cast<std::uint64_t>(*seq);
    c.from = *from;
    c.to = *to;
    c.at = *at;
    c.provider_status = r[4].value_or("");
    c.source = *source;
    return true;
}

CS2MARKET_DECL result<void> migrate_journal(sql_session& db)
{
    auto fail = [&](const error& e) {
        db.rollback();
        return db.failure("cannot bring the schema up to date", e.detail);
    };
    // Up to date already (the usual case): one read, no lock. A missing table is
    // an error here, outside any transaction, and means "migrate".
    if (auto v = db.exec(journal_version_sql); v && !v->rows.empty() && !v->rows[0].empty() && v->rows[0][0] &&
                                               std::atoi(v->rows[0][0]->c_str()) >= journal_migrations.back().version)
        return {};
    if (auto r = db.begin(sql_session::txn::write); !r)
        return db.failure("cannot bring the schema up to date", r.error().detail);
    // Processes starting together: one migrates, the others wait and find it done.
    if (auto r = db.lock_migrations(); !r)
        return fail(r.error());
    if (auto r = db.exec_script(journal_meta_sql); !r)
        return fail(r.error());
    auto v = db.exec(journal_version_sql);
    if (!v)
        return fail(v.error());
    int version = 0;
    if (!v->rows.empty() && !v->rows[0].empty() && v->rows[0][0])
        version = std::atoi(v->rows[0][0]->c_str());
    for (const auto& m : journal_migrations) {
        if (m.version <= version)
            continue;
        if (auto r = db.exec_script(m.sql); !r)
            return fail(r.error());
        const sql_param p[] = {std::to_string(m.version)};
        if (auto r = db.exec(journal_set_version_sql, p); !r)
            return fail(r.error());
    }
    if (auto r = db.commit(); !r)
        return db.failure("cannot bring the schema up to date", r.error().detail);
    return {};
}

CS2MARKET_DECL bool parse_budget_slots(std::string_view text, std::vector<std::int64_t>& out)
{
    out.clear();
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc() || p != item.data() + item.size() || (!out.empty() && v < out.back()))
            return false;
        out.push_back(v);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return true;
}

CS2MARKET_DECL std::string format_budget_slots(const std::vector<std::int64_t>& slots)
{
    std::string s;
    for (auto v : slots) {
        if (!s.empty())
            s += ',';
        s += std::to_string(v);
    }
    return s;
}

CS2MARKET_DECL std::int64_t budget_slot_for(const budget_slots& b, unsigned requests, std::int64_t window_ms, std::int64_t now)
{
    // Slots are only ever appended in order, each at least a window after the
    // one `requests` before it: then no window holds more than `requests`.
    std::int64_t t = std::max(now, b.paused_until);
    if (!b.slots.empty())
        t = std::max(t, b.slots.back());
    if (requests > 0 && b.slots.size() >= requests)
        t = std::max(t, b.slots[b.slots.size() - requests] + window_ms);
    return t;
}

CS2MARKET_DECL void budget_take(budget_slots& b, std::int64_t t, unsigned requests, std::int64_t window_ms, std::int64_t now)
{
    b.slots.push_back(t);
    // A slot at or before now - window is a window apart from any later one.
    std::size_t drop = 0;
    while (drop < b.slots.size() && b.slots[drop] + window_ms <= now)
        ++drop;
    const std::size_t keep = std::max<std::size_t>(requests, 1);
    if (b.slots.size() - drop > keep)
        drop = b.slots.size() - keep;
    b.slots.erase(b.slots.begin(), b.slots.begin() + static_cast<std::ptrdiff_t>(drop));
}

CS2MARKET_DECL bool budget_give_back(budget_slots& b, std::int64_t t)
{
    // Removing any one slot keeps every window at or under the limit.
    auto it = std::find(b.slots.begin(), b.slots.end(), t);
    if (it == b.slots.end())
        return false;
    b.slots.erase(it);
    return true;
}

CS2MARKET_DECL std::string budget_name(std::string_view provider, std::size_t key_hash, std::string_view bucket)
{
    std::string s(provider);
    s += '/';
    s += std::to_string(key_hash);
    s += '/';
    s += bucket;
    return s;
}

} // namespace cs2market::detail

#endif
