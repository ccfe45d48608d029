// cs2market: bodies of postgres_rate_limiter.hpp.
#ifndef CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_RATE_LIMITER_IPP
#define CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_RATE_LIMITER_IPP

#include <cs2market/store/detail/journal_schema.hpp>
#include <cs2market/store/postgres/postgres_rate_limiter.hpp>

#include <algorithm>
#include <cmath>
#include <future>

namespace cs2market {

namespace detail {
inline std::int64_t wall_ms_now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
/// A steady duration in whole milliseconds, rounded up (never earlier than asked).
inline std::int64_t ceil_ms(std::chrono::steady_clock::duration d)
{
    return std::chrono::ceil<std::chrono::milliseconds>(d).count();
}
} // namespace detail

CS2MARKET_DECL result<std::shared_ptr<postgres_rate_limiter>> postgres_rate_limiter::open(const std::string& conninfo,
                                                                                        shared_budget_options opts)
{
    auto db = detail::pg_connection::make(conninfo, "rate budget");
    if (!db)
        return db.error();
    // A budget row lost in a crash of the database costs at most the draws of
    // its last moments; waiting for the disk on every draw would cost far more.
    (*db)->on_connect.emplace_back("SET synchronous_commit = off");
    if (auto r = (*db)->ensure(); !r)
        return (*db)->failure("cannot open", r.error().detail);
    if (auto r = detail::migrate_journal(**db); !r)
        return r.error();
    std::shared_ptr<postgres_rate_limiter> l(new postgres_rate_limiter(std::move(*db), opts));
    l->where_ = l->db_->where();
    return l;
}

CS2MARKET_DECL postgres_rate_limiter::~postgres_rate_limiter()
{
    worker_.stop(); // queued draws, releases and pauses finish before the connection closes
}

CS2MARKET_DECL std::string postgres_rate_limiter::where() const
{
    std::lock_guard<std::mutex> lk(m_);
    return where_;
}

CS2MARKET_DECL std::vector<postgres_rate_limiter::budget_ref> postgres_rate_limiter::budgets_of(std::span<const rate_draw> draws) const
{
    std::vector<budget_ref> out;
    for (const auto& d : draws) {
        if (d.limit.unlimited())
            continue;
        const auto w = d.limit.window.count();
        const auto margin = std::max<std::int64_t>(static_cast<std::int64_t>(std::ceil(static_cast<double>(w) * std::max(0.0, opts_.margin))),
                                                   opts_.min_margin.count());
        out.push_back({detail::budget_name(d.key.provider.name(), d.key.key_hash, d.key.bucket), d.limit.requests, w + margin});
    }
    // Rows are locked in one order by every process: no deadlock.
    std::sort(out.begin(), out.end(), [](const budget_ref& a, const budget_ref& b) { return a.name < b.name; });
    out.erase(std::unique(out.begin(), out.end(), [](const budget_ref& a, const budget_ref& b) { return a.name == b.name; }),
              out.end());
    return out;
}

CS2MARKET_DECL result<rate_limiter::clock::time_point> postgres_rate_limiter::draw(const std::vector<budget_ref>& budgets,
                                                                                  clock::time_point now)
{
    if (budgets.empty())
        return now;
    if (auto r = db_->begin(); !r)
        return db_->failure("cannot draw from a shared rate budget", r.error().detail);
    std::vector<detail::budget_slots> state(budgets.size());
    for (std::size_t i = 0; i < budgets.size(); ++i) {
        const detail::pg_param p[] = {budgets[i].name};
        auto rows = db_->exec(detail::budget_lock_sql, p);
        if (!rows || rows->rows.empty() || rows->rows[0].size() < 2 ||
            !detail::parse_budget_slots(rows->rows[0][0].value_or(""), state[i].slots)) {
            db_->rollback();
            return db_->failure("cannot draw from a shared rate budget", rows ? "unreadable budget row" : rows.error().detail);
        }
        state[i].paused_until = std::atoll(rows->rows[0][1].value_or("0").c_str());
    }
    // Read the clocks once the rows are ours: the slot is counted from the moment
    // this process may send, not from when it asked (it may have waited for the lock).
    const auto steady_now = clock::now();
    const auto wall_now = detail::wall_ms_now();
    const auto earliest = wall_now + std::max<std::int64_t>(0, detail::ceil_ms(now - steady_now));
    std::int64_t t = earliest;
    for (std::size_t i = 0; i < budgets.size(); ++i)
        t = std::max(t, detail::budget_slot_for(state[i], budgets[i].requests, budgets[i].window_ms, earliest));
    for (std::size_t i = 0; i < budgets.size(); ++i) {
        detail::budget_take(state[i], t, budgets[i].requests, budgets[i].window_ms, wall_now);
        const detail::pg_param p[] = {budgets[i].name, detail::format_budget_slots(state[i].slots)};
        if (auto r = db_->exec(detail::budget_store_sql, p); !r) {
            db_->rollback();
            return db_->failure("cannot draw from a shared rate budget", r.error().detail);
        }
    }
    if (auto r = db_->commit(); !r)
        return db_->failure("cannot draw from a shared rate budget", r.error().detail);
    const auto slot = steady_now + std::chrono::milliseconds(t - wall_now);
    std::lock_guard<std::mutex> lk(m_);
    where_ = db_->where();
    // Remember the slot's wall-clock time for release(); forget old ones.
    wall_of_.erase(wall_of_.begin(), wall_of_.lower_bound(steady_now - std::chrono::minutes(10)));
    wall_of_[slot] = t;
    return slot;
}

CS2MARKET_DECL void postgres_rate_limiter::give_back(const std::vector<budget_ref>& budgets, std::int64_t slot)
{
    if (!db_->begin())
        return; // the slot stays counted: a little less budget, never too much
    for (const auto& b : budgets) {
        const detail::pg_param p[] = {b.name};
        auto rows = db_->exec(detail::budget_lock_sql, p);
        detail::budget_slots s;
        if (!rows || rows->rows.empty() || !detail::parse_budget_slots(rows->rows[0][0].value_or(""), s.slots)) {
            db_->rollback();
            return;
        }
        if (!detail::budget_give_back(s, slot))
            continue;
        const detail::pg_param q[] = {b.name, detail::format_budget_slots(s.slots)};
        if (!db_->exec(detail::budget_store_sql, q)) {
            db_->rollback();
            return;
        }
    }
    (void)db_->commit();
}

CS2MARKET_DECL void postgres_rate_limiter::hold(const std::vector<budget_ref>& budgets, std::int64_t until)
{
    if (!db_->begin())
        return;
    for (const auto& b : budgets) {
        const detail::pg_param p[] = {b.name, std::to_string(until)};
        if (!db_->exec(detail::budget_pause_sql, p)) {
            db_->rollback();
            return;
        }
    }
    (void)db_->commit();
}

CS2MARKET_DECL void postgres_rate_limiter::async_reserve(std::vector<rate_draw> draws, clock::time_point now,
                                                         detail::unique_function<void(result<clock::time_point>)> done)
{
    auto budgets = budgets_of(draws);
    if (budgets.empty()) {
        done(now);
        return;
    }
    worker_.post([this, budgets = std::move(budgets), now, done = std::move(done)]() mutable { done(draw(budgets, now)); });
}

CS2MARKET_DECL result<rate_limiter::clock::time_point> postgres_rate_limiter::try_reserve(std::span<const rate_draw> draws,
                                                                                         clock::time_point now)
{
    std::promise<result<clock::time_point>> p;
    auto f = p.get_future();
    async_reserve(std::vector<rate_draw>(draws.begin(), draws.end()), now,
                  [&p](result<clock::time_point> r) { p.set_value(std::move(r)); });
    return f.get();
}

CS2MARKET_DECL rate_limiter::clock::time_point postgres_rate_limiter::reserve(std::span<const rate_draw> draws, clock::time_point now)
{
    auto r = try_reserve(draws, now);
    return r ? *r : rate_limiter::reserve(draws, now);
}

CS2MARKET_DECL void postgres_rate_limiter::release(std::span<const rate_draw> draws, clock::time_point slot)
{
    std::int64_t wall = 0;
    {
        std::lock_guard<std::mutex> lk(m_);
        auto it = wall_of_.find(slot);
        if (it == wall_of_.end())
            return rate_limiter::release(draws, slot); // a slot of the local fallback
        wall = it->second;
        wall_of_.erase(it);
    }
    worker_.post([this, budgets = budgets_of(draws), wall] { give_back(budgets, wall); });
}

CS2MARKET_DECL void postgres_rate_limiter::pause(std::span<const rate_draw> draws, clock::time_point until)
{
    const auto wall_until = detail::wall_ms_now() + std::max<std::int64_t>(0, detail::ceil_ms(until - clock::now()));
    rate_limiter::pause(draws, until); // for the local fallback too
    worker_.post([this, budgets = budgets_of(draws), wall_until] { hold(budgets, wall_until); });
}

} // namespace cs2market

#endif
