// Orders: the phase model, the meaning of every provider status value (from the
// schemas), forward-only transitions, and the tracker under random duplicate,
// late and reordered events, with a real SQLite journal.
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/exposure.hpp>
#include <cs2market/order_tracker.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/sqlite_journal.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/describe/enum.hpp>
#include <boost/mp11/algorithm.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <set>

using namespace cs2market;
using namespace std::chrono_literals;

namespace {

std::string temp_db(const std::string& name)
{
    auto p = std::filesystem::temp_directory_path() / ("cs2market-" + name + "-" + std::to_string(::getpid()) + ".db");
    for (auto ext : {"", "-wal", "-shm"})
        std::filesystem::remove(p.string() + ext);
    return p.string();
}

order submitted(provider_id p, std::string id, unix_ms created = now_unix_ms())
{
    order o;
    o.provider = p;
    o.id = std::move(id);
    o.operation = "buy";
    o.phase = order_phase::submitted;
    o.created_at = created;
    o.max_price = decimal::from_string("10");
    o.price = o.max_price;
    return o;
}

order_observation seen(provider_id p, std::string id, order_phase ph, std::string source = "poll")
{
    order_observation o;
    o.provider = p;
    o.id = std::move(id);
    o.phase = ph;
    o.provider_status = std::string(to_string(ph));
    o.source = std::move(source);
    return o;
}

/// Every enumerator of a described enum.
template <class E, class F>
void for_each_value(F f)
{
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) { f(d.value); });
}

} // namespace

TEST_CASE("orders: every status value of every provider says its phase", "[orders][schema]")
{
    std::size_t n = 0;
    auto check = [&](phase_meaning m) {
        ++n;
        CHECK((m.phase || m.reversed_by || m.failed_by));
    };
    for_each_value<cs2dt::OrderStatus>([&](auto v) { check(cs2dt::order_phase_of(v)); });
    for_each_value<cs2dt::FailedCode>([&](auto v) { check(cs2dt::order_phase_of(v)); });
    for_each_value<csboard::OrderStatus>([&](auto v) { check(csboard::order_phase_of(v)); });
    for_each_value<csboard::OrderItemStatus>([&](auto v) { check(csboard::order_phase_of(v)); });
    for_each_value<skinify::PurchaseStatus>([&](auto v) {
        check(skinify::order_phase_of(v));
        CHECK(skinify::order_phase_of(v).phase.has_value()); // Skinify's one enum carries the phase itself
    });
    CHECK(n == 9 + 23 + 6 + 4 + 13);
    // The reversal and settlement semantics the issue names.
    CHECK(cs2dt::order_phase_of(cs2dt::OrderStatus::settled).phase == order_phase::settled);
    CHECK(cs2dt::order_phase_of(cs2dt::OrderStatus::seller_recalled_refunded).reversed_by == reversal_party::seller);
    CHECK(cs2dt::order_phase_of(cs2dt::OrderStatus::seller_recalled_refunded).refunded == true);
    auto by_buyer = refine(cs2dt::order_phase_of(cs2dt::OrderStatus::reversed),
                           cs2dt::order_phase_of(cs2dt::FailedCode::ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK));
    CHECK(by_buyer.phase == order_phase::reversed);
    CHECK(by_buyer.reversed_by == reversal_party::buyer);
    auto ours = refine(cs2dt::order_phase_of(cs2dt::OrderStatus::failed),
                       cs2dt::order_phase_of(cs2dt::FailedCode::ORDER_FAILED_OF_CHANNEL_BUYER_CANCEL));
    CHECK(ours.phase == order_phase::cancelled);
    auto declined = refine(cs2dt::order_phase_of(cs2dt::OrderStatus::failed),
                           cs2dt::order_phase_of(cs2dt::FailedCode::ORDER_FAILED_OF_BUYER_DECLINE));
    CHECK(declined.phase == order_phase::failed);
    CHECK(declined.failed_by == fault_party::recipient);
    CHECK(skinify::order_phase_of(skinify::PurchaseStatus::rollback_provider).reversed_by == reversal_party::seller);
    CHECK(skinify::order_phase_of(skinify::PurchaseStatus::reserved).phase == order_phase::reserved);
    CHECK(skinify::order_phase_of(skinify::PurchaseStatus::reservation_canceled).phase == order_phase::cancelled);
    CHECK(csboard::order_phase_of(csboard::OrderStatus::hold).phase == order_phase::reserved);
    // An unknown future status means no phase: the order is kept where it is.
    auto future = open_enum<skinify::PurchaseStatus>::from_wire("escrow_pending");
    CHECK_FALSE(skinify::order_phase_of(future).phase.has_value());
}

TEST_CASE("orders: every buy error is classified by fault", "[orders][schema]")
{
    for (const auto& e : cs2dt::ops::buy_item::errors)
        CHECK(e.fault != error_fault::unclassified);
    for (const auto& e : csboard::ops::market_buy::errors)
        CHECK(e.fault != error_fault::unclassified);
    for (const auto& e : skinify::ops::withdraw_buy::errors)
        CHECK(e.fault != error_fault::unclassified);
}

TEST_CASE("orders: transitions move forward only and never out of a final phase", "[orders]")
{
    const provider_id p{"test"};
    auto o = submitted(p, "a");
    CHECK(apply_observation(o, seen(p, "a", order_phase::pending), 1)->to == order_phase::pending);
    CHECK_FALSE(apply_observation(o, seen(p, "a", order_phase::pending), 2)); // duplicate
    CHECK_FALSE(apply_observation(o, seen(p, "a", order_phase::submitted), 3)); // late
    CHECK(apply_observation(o, seen(p, "a", order_phase::delivered), 4)->from == order_phase::pending); // skips delivering
    CHECK(o.delivered_at == 4);
    // A failure after delivery is a reversal, never a plain failure.
    auto ch = apply_observation(o, seen(p, "a", order_phase::failed), 5);
    REQUIRE(ch);
    CHECK(ch->to == order_phase::reversed);
    CHECK(o.reversed_by == reversal_party::unknown);
    CHECK(o.finished_at == 5);
    for (auto ph : {order_phase::settled, order_phase::failed, order_phase::delivered, order_phase::cancelled})
        CHECK_FALSE(apply_observation(o, seen(p, "a", ph), 6));
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.history.size() == 3);

    // A lookup that finds nothing fails a submitted buy, nothing charged; not a pending one.
    auto lost = submitted(p, "b");
    order_observation nf = seen(p, "b", order_phase::failed, "lookup");
    nf.not_found = true;
    auto pending = submitted(p, "c");
    apply_observation(pending, seen(p, "c", order_phase::pending), 1);
    CHECK_FALSE(apply_observation(pending, nf, 2));
    REQUIRE(apply_observation(lost, nf, 2));
    CHECK(lost.phase == order_phase::failed);
    CHECK(lost.refunded == true);
    CHECK(lost.failure_code == "not_found");
}

TEST_CASE("orders: exposure per provider", "[orders][exposure]")
{
    const provider_id a{"alpha"}, b{"beta"}, c{"gamma"};
    std::vector<order> all;
    auto make = [&](provider_id p, const char* id, std::initializer_list<order_phase> path, const char* price) {
        auto o = submitted(p, id);
        o.price = decimal::from_string(price);
        unix_ms t = 1;
        for (auto ph : path) {
            auto obs = seen(p, id, ph);
            if (ph == order_phase::delivered)
                obs.settles_at = 1'900'000'000'000;
            apply_observation(o, obs, t++);
        }
        all.push_back(o);
    };
    make(a, "1", {order_phase::pending, order_phase::delivered}, "3");
    make(a, "2", {order_phase::pending, order_phase::delivered, order_phase::settled}, "5");
    make(a, "3", {order_phase::pending, order_phase::failed}, "7"); // charged, then refunded
    make(a, "4", {order_phase::failed}, "11");                       // refused at once: never charged
    make(b, "5", {order_phase::pending}, "2");
    auto ex = exposure_of(all, std::array{a, b, c});
    REQUIRE(ex.size() == 3);
    CHECK(ex[0].reversible == decimal::from_string("3"));
    CHECK(ex[0].reversible_until == 1'900'000'000'000);
    CHECK(ex[0].settled == decimal::from_string("5"));
    CHECK(ex[0].refunded == decimal::from_string("7"));
    CHECK(ex[0].spent == decimal::from_string("8"));
    CHECK(ex[0].orders == 4);
    CHECK(ex[0].unfinished == 1);
    CHECK(ex[1].in_flight == decimal::from_string("2"));
    CHECK(ex[2].orders == 0);
    CHECK_THAT(to_string(ex[0]), Catch::StartsWith("alpha spent 8 in_flight 0 reversible 3 until 2030-"));
}

// ---- the tracker under random events --------------------------------------------------

namespace {

/// A provider whose lookups answer from a script the test controls.
class scripted_source final : public order_source {
public:
    explicit scripted_source(provider_id p) : p_(p) {}
    provider_id provider() const override { return p_; }
    void async_lookup(std::vector<order> orders, lookup_handler done) override
    {
        std::vector<order_observation> out;
        for (const auto& o : orders)
            if (auto it = state.find(o.id); it != state.end()) {
                out.push_back(it->second);
            } else if (definitive) {
                order_observation nf;
                nf.provider = p_;
                nf.id = o.id;
                nf.not_found = true;
                out.push_back(nf);
            }
        ++lookups;
        done(std::move(out));
    }
    bool definitive = false; ///< an order it does not know was never made
    std::map<std::string, order_observation> state; ///< what a lookup sees now
    int lookups = 0;

private:
    provider_id p_;
};

} // namespace

TEST_CASE("tracker: random duplicate, late and reordered events never move a final order and deliver each transition once",
          "[orders][tracker]")
{
    const provider_id p{"prop"};
    const auto db = temp_db("tracker-property");
    auto store = sqlite_journal::open(db).value();
    constexpr int orders = 12;
    std::mt19937 rng(20261128);
    // Each order's true path through the phases, ending final.
    const std::vector<std::vector<order_phase>> paths = {
        {order_phase::pending, order_phase::delivering, order_phase::delivered, order_phase::settled},
        {order_phase::pending, order_phase::delivering, order_phase::delivered, order_phase::reversed},
        {order_phase::reserved, order_phase::delivering, order_phase::failed},
        {order_phase::pending, order_phase::cancelled},
    };
    std::map<std::string, std::vector<order_phase>> truth;
    for (int i = 0; i < orders; ++i) {
        auto id = "o" + std::to_string(i);
        REQUIRE(store->record_intent(submitted(p, id), "{}").value().created);
        truth[id] = paths[static_cast<std::size_t>(i) % paths.size()];
    }

    boost::asio::io_context ioc;
    std::map<std::string, std::vector<phase_change>> delivered;
    tracker_options opts;
    opts.moving_poll = 1ms;
    opts.waiting_poll = 1ms;
    opts.tick = 1ms;
    opts.reconcile_grace = 1h;
    order_tracker tracker(ioc.get_executor(), store,
                          [&](const order& o, const phase_change& c) { delivered[o.id].push_back(c); }, opts);
    auto src = std::make_shared<scripted_source>(p);
    tracker.add_source(src);
    tracker.resume();

    // Feed: every step of every order, each duplicated 1-3 times, some repeated
    // late (an earlier phase after a later one), all shuffled across orders and
    // split between pushes (observe) and what polls see.
    std::vector<order_observation> events;
    for (auto& [id, path] : truth)
        for (std::size_t k = 0; k < path.size(); ++k) {
            const int copies = 1 + static_cast<int>(rng() % 3);
            for (int c = 0; c < copies; ++c)
                events.push_back(seen(p, id, path[k], c % 2 ? "feed" : "callback"));
            if (k > 0 && rng() % 2)
                events.push_back(seen(p, id, path[k - 1], "late"));
        }
    // Shuffle while keeping each order's first sighting of each phase in order
    // relative to nothing: reordering within an order is allowed too (forward only copes).
    std::shuffle(events.begin(), events.end(), rng);
    for (std::size_t next = 0; next < events.size(); ++next) {
        auto& e = events[next];
        if (rng() % 3 == 0)
            src->state[e.id] = e; // seen by the next poll instead
        else
            tracker.observe(e);
        ioc.poll();
        if (next % 16 == 0)
            ioc.run_for(1ms); // let journal writes and polls interleave
    }
    for (auto& [id, path] : truth) // polls now see each order's end
        src->state[id] = seen(p, id, path.back(), "poll");
    for (int i = 0; i < 1000 && !tracker.all_final(); ++i)
        ioc.run_for(10ms);
    // Late events after everything is final: nothing moves.
    for (auto& [id, path] : truth)
        tracker.observe(seen(p, id, order_phase::pending, "late"));
    ioc.run_for(20ms);
    tracker.stop();
    ioc.run_for(20ms);

    REQUIRE(tracker.all_final());
    const auto stats = tracker.stats();
    CHECK(stats.ignored > 0);
    std::size_t total = 0;
    for (auto& [id, changes] : delivered) {
        INFO(id);
        std::set<std::pair<int, int>> distinct;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            CHECK(distinct.insert({int(changes[i].from), int(changes[i].to)}).second); // each transition once
            CHECK(phase_rank(changes[i].to) > phase_rank(changes[i].from));           // forward only
            if (i > 0)
                CHECK(changes[i].from == changes[i - 1].to); // in order, no gaps
            CHECK_FALSE(is_final(changes[i].from));           // nothing after a final phase
        }
        REQUIRE_FALSE(changes.empty());
        CHECK(is_final(changes.back().to));
        total += changes.size();
    }
    CHECK(delivered.size() == static_cast<std::size_t>(orders));
    CHECK(stats.transitions == total);
    // The journal agrees with what the handler saw.
    for (auto& o : store->load(false).value()) {
        INFO(o.id);
        CHECK(o.history.size() == delivered[o.id].size());
        CHECK(o.phase == delivered[o.id].back().to);
    }
}

TEST_CASE("tracker: resume reconciles submitted buys; one the provider never recorded fails, nothing charged",
          "[orders][tracker]")
{
    const provider_id p{"recon"};
    const auto db = temp_db("tracker-resume");
    auto store = sqlite_journal::open(db).value();
    const auto old = now_unix_ms() - 120'000;
    REQUIRE(store->record_intent(submitted(p, "bought", old), "{}").has_value());
    REQUIRE(store->record_intent(submitted(p, "never", old), "{}").has_value());
    REQUIRE(store->record_intent(submitted(p, "young"), "{}").has_value()); // within the grace period: not concluded
    // Journaled long ago, but its process may still send it (a rate-limit wait, a
    // retry) until its send deadline: not concluded either (the deadline survives
    // the journal's round trip).
    auto waiting = submitted(p, "waiting", old);
    waiting.send_deadline = now_unix_ms() + 30'000;
    REQUIRE(store->record_intent(waiting, "{}").has_value());
    REQUIRE(store->find(p, "waiting").value()->send_deadline == waiting.send_deadline);
    auto src = std::make_shared<scripted_source>(p);
    src->definitive = true;
    src->state["bought"] = seen(p, "bought", order_phase::delivering);
    boost::asio::io_context ioc;
    std::vector<std::string> log;
    tracker_options opts;
    opts.tick = 1ms;
    opts.moving_poll = 5ms;
    order_tracker tracker(
        ioc.get_executor(), store,
        [&](const order& o, const phase_change& c) { log.push_back(o.id + " " + std::string(to_string(c.from)) + ">" + std::string(to_string(c.to))); },
        opts);
    tracker.add_source(src);
    tracker.resume();
    ioc.run_for(200ms);
    tracker.stop();
    ioc.run_for(10ms);
    CHECK(std::count(log.begin(), log.end(), "bought submitted>delivering") == 1);
    CHECK(std::count(log.begin(), log.end(), "never submitted>failed") == 1);
    CHECK(store->find(p, "never").value()->refunded == true);
    CHECK(store->find(p, "young").value()->phase == order_phase::submitted);
    CHECK(store->find(p, "waiting").value()->phase == order_phase::submitted);
    CHECK(src->lookups >= 2);
}

namespace {

/// A journal whose first reads of the unfinished orders fail (a database that
/// is down as a resume starts), then answers from a real SQLite file.
class flaky_journal final : public journal {
public:
    explicit flaky_journal(std::shared_ptr<journal> real) : real_(std::move(real)) {}
    ~flaky_journal() override { stop_worker(); }
    std::atomic<int> failing_loads{0};
    result<journal_claim> record_intent(const order& o, std::string_view r) override { return real_->record_intent(o, r); }
    result<bool> save(const order& o, const phase_change* c) override { return real_->save(o, c); }
    result<std::optional<order>> find(provider_id p, std::string_view id) override { return real_->find(p, id); }
    result<std::optional<order>> find_by_order_id(provider_id p, std::string_view id) override
    {
        return real_->find_by_order_id(p, id);
    }
    result<std::vector<order>> load(bool unfinished_only) override
    {
        if (failing_loads.load() > 0) {
            --failing_loads;
            return detail::make_error(error_kind::journal, "the database is down");
        }
        return real_->load(unfinished_only);
    }
    result<std::vector<order>> claim_unfinished(std::string_view o, unix_ms n, unix_ms u, std::size_t l) override
    {
        return real_->claim_unfinished(o, n, u, l);
    }
    result<std::vector<std::pair<std::string, std::string>>> renew(std::string_view o, unix_ms u) override { return real_->renew(o, u); }
    result<void> release(std::string_view o) override { return real_->release(o); }

private:
    std::shared_ptr<journal> real_;
};

} // namespace

TEST_CASE("tracker: a journal read that fails is read again, never taken as nothing unfinished", "[orders][tracker]")
{
    const provider_id p{"flaky"};
    const auto db = temp_db("tracker-flaky");
    auto real = std::shared_ptr<journal>(sqlite_journal::open(db).value());
    REQUIRE(real->record_intent(submitted(p, "bought", now_unix_ms() - 120'000), "{}").has_value());
    auto store = std::make_shared<flaky_journal>(real);
    store->failing_loads = 2;
    auto src = std::make_shared<scripted_source>(p);
    src->state["bought"] = seen(p, "bought", order_phase::delivering);
    boost::asio::io_context ioc;
    std::vector<std::string> log, notices;
    tracker_options opts;
    opts.tick = 1ms;
    opts.moving_poll = 5ms;
    order_tracker tracker(
        ioc.get_executor(), store,
        [&](const order& o, const phase_change& c) { log.push_back(o.id + " " + std::string(to_string(c.to))); }, opts,
        [&](const order*, const std::string& what) { notices.push_back(what); });
    tracker.add_source(src);
    tracker.resume();
    ioc.run_for(3ms);
    CHECK_FALSE(tracker.all_final()); // not read yet is not "nothing unfinished"
    ioc.run_for(300ms);
    tracker.stop();
    ioc.run_for(10ms);
    CHECK(store->failing_loads == 0);
    CHECK(notices.size() >= 2);
    CHECK(std::count(log.begin(), log.end(), "bought delivering") == 1);
}
