// Orders: the phase model, the meaning of every provider status value (from the
// schemas), forward-only transitions, and the tracker under random duplicate,
// late and reordered events, with a real SQLite journal.
#include <cs2market/cs2dt.hpp>
#include <cs2market/net/detail/call_engine.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/orders/exposure.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>

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

order_observation seen(provider_id p, std::string id, order_phase ph, observation_source source = observation_source::poll)
{
    order_observation o;
    o.provider = p;
    o.id = std::move(id);
    o.phase = ph;
    o.provider_status = std::string(to_string(ph));
    o.source = source;
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

TEST_CASE("orders: every buy error is classified by fault and by what it proves", "[orders][schema]")
{
    auto all = [](auto errors) {
        for (const auto& e : errors) {
            INFO(e.code);
            CHECK(e.fault != error_fault::unclassified);
            CHECK(e.outcome != buy_outcome::unclassified);
        }
    };
    all(cs2dt::ops::buy_item::errors);
    all(cs2dt::ops::quick_buy_item::errors);
    all(csboard::ops::market_buy::errors);
    all(csboard::ops::create_order::errors);
    all(skinify::ops::withdraw_buy::errors);
}

TEST_CASE("orders: a buy's failure is failed only when the provider refused", "[orders][schema]")
{
    auto provider_error = [](std::string code, unsigned status) {
        error e;
        e.kind = error_kind::provider;
        e.provider_code = std::move(code);
        e.http_status = status;
        return e;
    };
    struct row {
        const char* what;
        error e;
        bool sent;
        std::span<const documented_error> errors;
        buy_outcome want;
    };
    auto r = GENERATE_COPY(
        row{"cs2dt 140018: timed out, the purchase may go on", provider_error("140018", 200), true, cs2dt::ops::buy_item::errors,
            buy_outcome::unfinished},
        row{"cs2dt 100000: system error", provider_error("100000", 200), true, cs2dt::ops::buy_item::errors, buy_outcome::unknown},
        row{"cs2dt 140000: system error", provider_error("140000", 200), true, cs2dt::ops::quick_buy_item::errors, buy_outcome::unknown},
        row{"cs2dt 140014: the id exists", provider_error("140014", 200), true, cs2dt::ops::buy_item::errors, buy_outcome::unknown},
        row{"cs2dt 1454: above maxPrice", provider_error("1454", 200), true, cs2dt::ops::buy_item::errors, buy_outcome::refused},
        row{"csboard idempotency_in_progress", provider_error("idempotency_in_progress", 409), true, csboard::ops::market_buy::errors,
            buy_outcome::unfinished},
        row{"csboard price_moved", provider_error("price_moved", 409), true, csboard::ops::market_buy::errors, buy_outcome::refused},
        row{"csboard item_unavailable", provider_error("item_unavailable", 409), true, csboard::ops::market_buy::errors,
            buy_outcome::refused},
        row{"an error the schema does not list", provider_error("teapot", 418), true, csboard::ops::market_buy::errors,
            buy_outcome::unknown},
        row{"a documented code under another status", provider_error("price_moved", 500), true, csboard::ops::market_buy::errors,
            buy_outcome::unknown},
        row{"never sent", provider_error("teapot", 418), false, csboard::ops::market_buy::errors, buy_outcome::refused},
        row{"skinify request_limit_exceeded", provider_error("request_limit_exceeded", 200), true, skinify::ops::withdraw_buy::errors,
            buy_outcome::refused});
    INFO(r.what);
    CHECK(classify_buy_failure(r.e, r.sent, r.errors) == r.want);
    const auto obs = detail::failed_buy_observation(r.e, r.sent, r.errors);
    CHECK(obs.phase == (r.want == buy_outcome::refused ? order_phase::failed : order_phase::unknown));
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
    order_observation nf = order_observation::nothing_under(p, "b");
    auto pending = submitted(p, "c");
    apply_observation(pending, seen(p, "c", order_phase::pending), 1);
    CHECK_FALSE(apply_observation(pending, nf, 2));
    REQUIRE(apply_observation(lost, nf, 2));
    CHECK(lost.phase == order_phase::failed);
    CHECK(lost.refunded == true);
    CHECK(lost.failure_code == "not_found");
}

TEST_CASE("orders: exposure per provider, conservative", "[orders][exposure]")
{
    const provider_id a{"alpha"}, b{"beta"}, c{"gamma"};
    std::vector<order> all;
    auto make = [&](provider_id p, const char* id, std::initializer_list<order_phase> path, const char* price,
                    std::optional<bool> refunded = std::nullopt) {
        auto o = submitted(p, id);
        o.price = decimal::from_string(price);
        unix_ms t = 1;
        for (auto ph : path) {
            auto obs = seen(p, id, ph);
            if (ph == order_phase::delivered)
                obs.settles_at = 1'900'000'000'000;
            if (is_final(ph))
                obs.refunded = refunded;
            apply_observation(o, obs, t++);
        }
        all.push_back(o);
        return o;
    };
    make(a, "1", {order_phase::pending, order_phase::delivered}, "3");
    make(a, "2", {order_phase::pending, order_phase::delivered, order_phase::settled}, "5");
    make(a, "3", {order_phase::pending, order_phase::failed}, "7", true);  // charged, then refunded (the provider said)
    make(a, "4", {order_phase::failed}, "11");                              // refused at once: never charged
    make(a, "5", {order_phase::pending, order_phase::failed}, "13");        // charged, failed, refund not said: at risk
    make(a, "6", {order_phase::unknown}, "17");                             // answer lost: maybe charged, at risk
    make(b, "7", {order_phase::pending}, "2");
    auto ex = exposure_of(all, std::array{a, b, c});
    REQUIRE(ex.size() == 3);
    CHECK(ex[0].reversible == decimal::from_string("3"));
    CHECK(ex[0].reversible_until == 1'900'000'000'000);
    CHECK(ex[0].settled == decimal::from_string("5"));
    CHECK(ex[0].refunded == decimal::from_string("7"));
    CHECK(ex[0].spent == decimal::from_string("38")); // 3 + 5 + 13 + 17
    CHECK(ex[0].at_risk == decimal::from_string("30")); // 13 + 17
    CHECK(ex[0].in_flight == decimal::from_string("17"));
    CHECK(ex[0].orders == 6);
    CHECK(ex[0].unfinished == 2);
    CHECK(ex[1].in_flight == decimal::from_string("2"));
    CHECK(ex[1].at_risk == decimal{});
    CHECK(ex[2].orders == 0);
    CHECK_THAT(to_string(ex[0]), Catch::StartsWith("alpha spent 38 in_flight 17 reversible 3 until 2030-"));
}

TEST_CASE("orders: what was charged is never lowered by a later answer; fees count", "[orders][exposure]")
{
    const provider_id p{"alpha"};
    auto o = submitted(p, "x");
    auto buy = seen(p, "x", order_phase::pending, observation_source::buy);
    buy.price = decimal::from_string("26.47");
    apply_observation(o, buy, 1);
    auto poll = seen(p, "x", order_phase::delivered); // after a partial refund the provider shows less
    poll.price = decimal::from_string("14.37");
    apply_observation(o, poll, 2);
    CHECK(o.charged == decimal::from_string("26.47"));
    CHECK(o.amount() == decimal::from_string("26.47"));
    auto fee = seen(p, "x", order_phase::delivered); // price plus the buyer's fee, more than the buy said
    fee.price = decimal::from_string("26.97");
    apply_observation(o, fee, 3);
    CHECK(o.amount() == decimal::from_string("26.97"));
}

TEST_CASE("orders: one item of three returned is a reversal of that item's price only", "[orders][exposure]")
{
    const provider_id p{"alpha"};
    auto o = submitted(p, "multi");
    auto item = [](const char* price, order_phase ph) { return order_item{"x", decimal::from_string(price), ph, "", std::nullopt}; };
    auto d = seen(p, "multi", order_phase::delivered);
    d.price = decimal::from_string("30");
    d.items = {item("10", order_phase::delivered), item("8", order_phase::reversed), item("12", order_phase::delivered)};
    d.settles_at = 1'900'000'000'000;
    apply_observation(o, d, 1);
    auto ex = exposure_of({o});
    CHECK(ex[0].reversible == decimal::from_string("22"));
    CHECK(ex[0].reversed == decimal::from_string("8"));
    CHECK(ex[0].spent == decimal::from_string("30")); // the returned item's refund is not said: still spent...
    CHECK(ex[0].at_risk == decimal::from_string("8")); // ...and at risk
    // The rest settles; the item's refund is confirmed later (a fact on a final order).
    apply_observation(o, seen(p, "multi", order_phase::settled), 2);
    auto confirmed = seen(p, "multi", order_phase::settled);
    confirmed.items = {item("10", order_phase::delivered), item("8", order_phase::reversed), item("12", order_phase::delivered)};
    confirmed.items[1].refunded = true;
    apply_observation(o, confirmed, 3);
    ex = exposure_of({o});
    CHECK(ex[0].settled == decimal::from_string("22"));
    CHECK(ex[0].refunded == decimal::from_string("8"));
    CHECK(ex[0].spent == decimal::from_string("22"));
    CHECK(ex[0].at_risk == decimal{});
}

TEST_CASE("orders: settlement only on what the provider proved", "[orders][settlement]")
{
    const provider_id p{"alpha"};
    const auto protection = std::chrono::milliseconds(7 * 24 * 3600 * 1000LL);
    const auto margin = std::chrono::milliseconds(60'000);
    const unix_ms accepted = 1'800'000'000'000;
    order o = submitted(p, "s");
    apply_observation(o, seen(p, "s", order_phase::delivered), accepted);
    // A time whose meaning the docs do not state (CSBoard tradable_at) an hour after
    // acceptance: the order stays reversible until the acceptance plus protection.
    auto d = seen(p, "s", order_phase::delivered);
    d.settles_at = accepted + 3'600'000;
    d.settles_at_inferred = true;
    d.delivered_at = accepted;
    prove_settlement(d, o, protection, accepted + 7'200'000);
    CHECK(d.settles_at == accepted + protection.count());
    apply_observation(o, d, accepted + 7'200'000);
    CHECK(o.settles_at == accepted + protection.count());
    auto late = seen(p, "s", order_phase::delivered);
    late.observed_at = accepted + protection.count() + 30'000; // within the margin: not yet
    CHECK_FALSE(settles_on(o, late, margin, 0));
    late.observed_at = accepted + protection.count() + margin.count();
    CHECK(settles_on(o, late, margin, 0));
    // An answer fetched before the end proves nothing, however late it is processed.
    auto stale = seen(p, "s", order_phase::delivered);
    stale.observed_at = accepted + 1'000;
    CHECK_FALSE(settles_on(o, stale, margin, accepted + protection.count() * 2));
    // A documented end of protection (Skinify settlement) is taken as it is.
    auto doc = seen(p, "s", order_phase::delivered);
    doc.settles_at = accepted + 1'000;
    prove_settlement(doc, o, protection, accepted + 2'000);
    CHECK(doc.settles_at == accepted + 1'000);
    // A trade the provider says is unprotected settles when delivered.
    auto free = seen(p, "s", order_phase::delivered);
    free.unprotected = true;
    order fresh = submitted(p, "u");
    CHECK(settles_on(fresh, free, margin, 0));
}

TEST_CASE("orders: a final order contradicted by the provider is told, not moved", "[orders]")
{
    const provider_id p{"alpha"};
    auto o = submitted(p, "c");
    apply_observation(o, order_observation::nothing_under(p, "c"), 1);
    REQUIRE(o.phase == order_phase::failed);
    CHECK(contradicts(o, seen(p, "c", order_phase::pending)));   // "never bought", yet it exists
    CHECK_FALSE(contradicts(o, seen(p, "c", order_phase::failed)));
    auto settled = submitted(p, "d");
    apply_observation(settled, seen(p, "d", order_phase::delivered), 1);
    apply_observation(settled, seen(p, "d", order_phase::settled), 2);
    CHECK_FALSE(contradicts(settled, seen(p, "d", order_phase::delivered))); // settled is derived from delivered
    CHECK(contradicts(settled, seen(p, "d", order_phase::reversed)));        // reversed after we concluded settled
    CHECK(contradicts(settled, seen(p, "d", order_phase::failed)));          // a return after delivery is a reversal
    auto unknown_status = seen(p, "d", order_phase::pending);
    unknown_status.known_status = false;
    CHECK_FALSE(contradicts(settled, unknown_status)); // reported apart
    CHECK_FALSE(apply_observation(settled, seen(p, "d", order_phase::reversed), 3)); // and it never moves
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
                out.push_back(order_observation::nothing_under(p_, o.id));
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
                events.push_back(seen(p, id, path[k], c % 2 ? observation_source::feed : observation_source::callback));
            if (k > 0 && rng() % 2)
                events.push_back(seen(p, id, path[k - 1], observation_source::callback)); // late
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
        src->state[id] = seen(p, id, path.back(), observation_source::poll);
    for (int i = 0; i < 1000 && !tracker.all_final(); ++i)
        ioc.run_for(10ms);
    // Late events after everything is final: nothing moves.
    for (auto& [id, path] : truth)
        tracker.observe(seen(p, id, order_phase::pending, observation_source::callback)); // late
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
    // The journal's clock decides how old a buy is (every worker reads the same one).
    auto jt = std::make_shared<std::atomic<unix_ms>>(now_unix_ms() - 120'000);
    journal_options jo;
    jo.clock = [jt] { return jt->load(); };
    auto store = sqlite_journal::open(db, jo).value();
    REQUIRE(store->record_intent(submitted(p, "bought"), "{}").has_value());
    REQUIRE(store->record_intent(submitted(p, "never"), "{}").has_value());
    // Journaled long ago, but its process may still send it (a rate-limit wait, a
    // retry) until its send deadline: not concluded either (the deadline survives
    // the journal's round trip, kept at its distance from the journal's now).
    auto waiting = submitted(p, "waiting");
    waiting.send_deadline = waiting.created_at + 150'000;
    REQUIRE(store->record_intent(waiting, "{}").has_value());
    REQUIRE(store->find(p, "waiting").value()->send_deadline == jt->load() + 150'000);
    *jt = now_unix_ms();
    REQUIRE(store->record_intent(submitted(p, "young"), "{}").has_value()); // within the grace period: not concluded
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
    std::atomic<bool> failing_marks{false}; ///< the handler's "handed over" marks do not reach the database
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
    result<std::vector<order>> claim_unfinished(std::string_view o, std::chrono::milliseconds l, std::size_t n) override
    {
        return real_->claim_unfinished(o, l, n);
    }
    result<std::vector<std::pair<std::string, std::string>>> renew(std::string_view o, std::chrono::milliseconds l) override
    {
        return real_->renew(o, l);
    }
    result<void> release(std::string_view o) override { return real_->release(o); }
    result<void> mark_delivered(provider_id p, std::string_view id, std::uint64_t seq) override
    {
        if (failing_marks)
            return detail::make_error(error_kind::journal, "the database is down");
        return real_->mark_delivered(p, id, seq);
    }
    result<unix_ms> now() override { return real_->now(); }

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

TEST_CASE("tracker: a transition journaled but not handed over (a crash before the handler) reaches the handler after resume, "
          "once marked",
          "[orders][tracker][outbox]")
{
    const provider_id p{"outbox"};
    const auto db = temp_db("tracker-outbox");
    auto store = sqlite_journal::open(db).value();
    REQUIRE(store->record_intent(submitted(p, "a"), "{}").has_value());
    // A process journals two transitions and dies before its handler runs.
    {
        auto o = store->find(p, "a").value().value();
        REQUIRE(apply_observation(o, seen(p, "a", order_phase::pending, observation_source::buy), 1));
        REQUIRE(store->save(o, &o.history.back()).value());
        REQUIRE(apply_observation(o, seen(p, "a", order_phase::delivering), 2));
        REQUIRE(store->save(o, &o.history.back()).value());
    }
    auto run = [&](std::vector<phase_change>& got, std::vector<order>* orders = nullptr) {
        boost::asio::io_context ioc;
        tracker_options opts;
        opts.tick = 1ms;
        auto src = std::make_shared<scripted_source>(p); // sees nothing new
        order_tracker tracker(ioc.get_executor(), store, [&](const order& o, const phase_change& c) {
            got.push_back(c);
            if (orders)
                orders->push_back(o);
        }, opts);
        tracker.add_source(src);
        tracker.resume();
        ioc.run_for(100ms);
        tracker.stop();
        ioc.run_for(10ms);
    };
    std::vector<phase_change> first;
    std::vector<order> as_seen;
    run(first, &as_seen);
    REQUIRE(first.size() == 2);
    CHECK(first[0].seq == 1);
    CHECK(first[0].to == order_phase::pending);
    CHECK(first[1].seq == 2);
    CHECK(first[1].to == order_phase::delivering);
    CHECK(as_seen[0].phase == order_phase::pending); // the order as it was right after each
    CHECK(as_seen[0].history.size() == 1);
    CHECK(as_seen[1].phase == order_phase::delivering);
    CHECK(store->find(p, "a").value()->delivered_seq == 2);
    std::vector<phase_change> second;
    run(second);
    CHECK(second.empty()); // handed over and marked: not again

    // A handler that ran but whose mark never reached the journal (the database
    // down, or a crash right after it): at least once, it comes again, same seq.
    REQUIRE(store->record_intent(submitted(p, "b"), "{}").has_value());
    {
        auto o = store->find(p, "b").value().value();
        REQUIRE(apply_observation(o, seen(p, "b", order_phase::pending, observation_source::buy), 1));
        REQUIRE(store->save(o, &o.history.back()).value());
    }
    auto flaky = std::make_shared<flaky_journal>(store);
    flaky->failing_marks = true;
    std::vector<phase_change> unmarked, again;
    {
        boost::asio::io_context ioc;
        tracker_options opts;
        opts.tick = 1ms;
        order_tracker tracker(ioc.get_executor(), flaky, [&](const order&, const phase_change& c) { unmarked.push_back(c); }, opts);
        tracker.add_source(std::make_shared<scripted_source>(p));
        tracker.resume();
        ioc.run_for(100ms);
        tracker.stop();
        ioc.run_for(10ms);
    }
    REQUIRE(unmarked.size() == 1);
    run(again);
    REQUIRE(again.size() == 1);
    CHECK(again[0].seq == unmarked[0].seq);
}

TEST_CASE("tracker: a worker whose clock is off by minutes neither fails a buy in flight nor keeps a lost one unknown",
          "[orders][tracker][clock]")
{
    const provider_id p{"skew"};
    const auto db = temp_db("tracker-skew");
    // The journal's clock: the machine's, moved by the test to journal a buy long ago.
    auto offset = std::make_shared<std::atomic<unix_ms>>(-600'000);
    journal_options jo;
    jo.clock = [offset] { return now_unix_ms() + offset->load(); };
    auto store = sqlite_journal::open(db, jo).value();
    auto stale = submitted(p, "stale"); // ten minutes ago, its deadline two minutes after
    stale.send_deadline = stale.created_at + 120'000;
    REQUIRE(store->record_intent(stale, "{}").has_value());
    *offset = 0;
    auto inflight = submitted(p, "inflight"); // now, still sendable for 30 s
    inflight.send_deadline = inflight.created_at + 30'000;
    REQUIRE(store->record_intent(inflight, "{}").has_value());

    auto follow = [&](unix_ms skew) {
        boost::asio::io_context ioc;
        tracker_options opts;
        opts.tick = 1ms;
        opts.moving_poll = 5ms;
        opts.reconcile_grace = 5'000ms;
        opts.clock = [skew] { return now_unix_ms() + skew; };
        auto src = std::make_shared<scripted_source>(p);
        src->definitive = true; // the provider has no record of either
        order_tracker tracker(ioc.get_executor(), store, [](const order&, const phase_change&) {}, opts);
        tracker.add_source(src);
        tracker.resume();
        ioc.run_for(300ms);
        tracker.stop();
        ioc.run_for(10ms);
    };
    follow(-600'000); // ten minutes behind: on its own clock the lost buy would look young
    CHECK(store->find(p, "stale").value()->phase == order_phase::failed);
    CHECK(store->find(p, "inflight").value()->phase == order_phase::submitted);
    follow(+600'000); // ten minutes ahead: on its own clock the buy in flight would look long dead
    CHECK(store->find(p, "inflight").value()->phase == order_phase::submitted);
}

TEST_CASE("tracker: a worker whose clock runs ahead does not take another's live leases", "[orders][tracker][clock][lease]")
{
    const provider_id p{"lease-skew"};
    const auto db = temp_db("tracker-lease-skew");
    auto store = sqlite_journal::open(db).value();
    for (int i = 0; i < 4; ++i)
        REQUIRE(store->record_intent(submitted(p, "l" + std::to_string(i)), "{}").has_value());
    boost::asio::io_context ioc;
    auto make = [&](std::string owner, unix_ms skew) {
        tracker_options opts;
        opts.tick = 1ms;
        opts.owner = std::move(owner);
        opts.lease = 400ms;
        opts.lease_renew = 100ms;
        opts.clock = [skew] { return now_unix_ms() + skew; };
        return std::make_unique<order_tracker>(ioc.get_executor(), store, [](const order&, const phase_change&) {}, opts);
    };
    auto a = make("A", 0);
    a->add_source(std::make_shared<scripted_source>(p));
    a->resume();
    ioc.run_for(100ms);
    REQUIRE(a->orders().size() == 4);
    auto b = make("B", 3'600'000); // an hour ahead
    b->add_source(std::make_shared<scripted_source>(p));
    b->resume();
    ioc.run_for(1'000ms); // well past A's lease, which A keeps renewing
    CHECK(b->orders().empty());
    CHECK(a->orders().size() == 4);
    a->stop();
    b->stop();
    ioc.run_for(20ms);
}
