// What every journal store must do, written once and run against each store
// (test_journal.cpp: SQLite; test_postgres.cpp: PostgreSQL). `open` opens a new
// connection to one and the same store, as another process would, with the
// options given (a test clock, to move leases and deadlines).
#pragma once

#include <cs2market/orders/journal.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace cs2market::conformance {

using opener = std::function<std::shared_ptr<journal>(journal_options)>;

inline order intent(std::string id)
{
    order o;
    o.provider = provider_id{"csboard"};
    o.id = std::move(id);
    o.operation = "market_buy";
    o.item_name = "AK-47 | Redline (Field-Tested)";
    o.max_price = decimal::from_string("12.345");
    o.price = o.max_price;
    o.created_at = 1'780'000'000'000;
    o.send_deadline = o.created_at + 120'000;
    return o;
}

/// A clock the test moves; shared by every connection it opens.
struct test_clock {
    std::shared_ptr<std::atomic<unix_ms>> t = std::make_shared<std::atomic<unix_ms>>(1'000'000);
    journal_options options() const
    {
        journal_options o;
        o.clock = [t = t] { return t->load(); };
        return o;
    }
    void advance(unix_ms ms) const { *t += ms; }
    unix_ms now() const { return t->load(); }
};

/// An intent is recorded once; the same id again, on this or another
/// connection, is found and not recorded twice. Its times are the journal's:
/// created_at is the journal's now and the send deadline keeps its distance.
inline void intent_once(const opener& open)
{
    test_clock clock;
    auto j = open(clock.options());
    auto first = j->record_intent(intent("buy-1"), R"({"item_ids":["itm_1"]})").value();
    CHECK(first.created);
    CHECK(first.journaled.phase == order_phase::submitted);
    CHECK(first.journaled.max_price == decimal::from_string("12.345"));
    CHECK(first.journaled.created_at == clock.now()); // not the caller's 1'780'000'000'000
    CHECK(first.journaled.send_deadline == clock.now() + 120'000);
    CHECK(first.journaled.request == R"({"item_ids":["itm_1"]})");
    CHECK(j->now().value() == clock.now());
    auto again = j->record_intent(intent("buy-1"), "{}").value();
    CHECK_FALSE(again.created);
    CHECK(again.journaled.id == "buy-1");
    CHECK(j->load(false).value().size() == 1);
    auto other = open(clock.options());
    CHECK_FALSE(other->record_intent(intent("buy-1"), "{}").value().created);
    CHECK(other->find(provider_id{"csboard"}, "buy-1").value().has_value());
    CHECK_FALSE(other->find(provider_id{"csboard"}, "buy-2").value().has_value());
    // Without a test clock the journal's own clock stamps it (the database's for
    // PostgreSQL): near the real now, whatever the caller said.
    auto real = open({});
    auto stamped = real->record_intent(intent("buy-real"), "{}").value().journaled;
    CHECK(std::abs(stamped.created_at - now_unix_ms()) < 60'000);
    CHECK(stamped.send_deadline == stamped.created_at + 120'000);
}

/// Transitions are compare-and-set with the next seq, and the order with its
/// history, items and the amount charged comes back whole through a new connection.
inline void compare_and_set(const opener& open)
{
    test_clock clock;
    {
        auto j = open(clock.options());
        REQUIRE(j->record_intent(intent("b"), "{}").has_value());
        auto o = intent("b");
        phase_change c1{order_phase::submitted, order_phase::pending, 10, "processing", observation_source::buy, 1};
        o.phase = order_phase::pending;
        o.order_id = "ord_1";
        o.charged = decimal::from_string("26.47");
        o.items = {{"AK-47 | Redline (Minimal Wear)", decimal::from_string("14.37"), order_phase::delivering, "delivering", {}},
                   {"P250 | Sand Dune (Battle-Scarred)", decimal::from_string("12.10"), order_phase::failed, "returned", {}}};
        CHECK(j->save(o, &c1).value());
        CHECK_FALSE(j->save(o, &c1).value()); // a second writer that still thinks it is submitted loses
        phase_change stale{order_phase::pending, order_phase::delivered, 20, "delivered", observation_source::poll, 5};
        o.phase = order_phase::delivered;
        CHECK_FALSE(j->save(o, &stale).value()); // a seq that is not the next: the caller's history is stale
        clock.advance(1'000);
        phase_change c2{order_phase::pending, order_phase::delivered, 20, "delivered", observation_source::poll, 2};
        o.settles_at = 1'790'000'000'000;
        CHECK(j->save(o, &c2).value());
        phase_change c3{order_phase::delivered, order_phase::reversed, 30, "returned", observation_source::poll, 0}; // 0: the next
        o.phase = order_phase::reversed;
        o.reversed_by = reversal_party::buyer;
        o.refunded = false;
        o.finished_at = 30;
        CHECK(j->save(o, &c3).value());
    }
    auto j = open(clock.options()); // reopened: migrations are not applied again, the data is there
    auto o = j->find(provider_id{"csboard"}, "b").value();
    REQUIRE(o);
    CHECK(o->phase == order_phase::reversed);
    CHECK(o->order_id == "ord_1");
    CHECK(o->reversed_by == reversal_party::buyer);
    CHECK(o->refunded == false);
    CHECK(o->settles_at == 1'790'000'000'000);
    CHECK(o->send_deadline == clock.now() - 1'000 + 120'000);
    CHECK(o->charged == decimal::from_string("26.47"));
    REQUIRE(o->items.size() == 2);
    CHECK(o->items[1].phase == order_phase::failed);
    CHECK(o->items[1].price == decimal::from_string("12.10"));
    CHECK(o->items[0].name == "AK-47 | Redline (Minimal Wear)");
    REQUIRE(o->history.size() == 3);
    CHECK(o->history[0].to == order_phase::pending);
    CHECK(o->history[2].source == observation_source::poll);
    CHECK(o->history[0].seq == 1);
    CHECK(o->history[2].seq == 3);
    CHECK(o->history[1].at == 20);
    CHECK(j->find_by_order_id(provider_id{"csboard"}, "ord_1").value()->id == "b");
    CHECK(o->provider.name() == "csboard");
    // Final, refund known, but its transitions were never handed to a handler:
    // still followed (an outbox) until they are.
    REQUIRE(j->load(true).value().size() == 1);
    REQUIRE(j->mark_delivered(provider_id{"csboard"}, "b", 2).has_value());
    CHECK(j->find(provider_id{"csboard"}, "b").value()->delivered_seq == 2);
    CHECK(j->load(true).value().size() == 1);
    REQUIRE(j->mark_delivered(provider_id{"csboard"}, "b", 3).has_value());
    REQUIRE(j->mark_delivered(provider_id{"csboard"}, "b", 1).has_value()); // never backwards
    CHECK(j->find(provider_id{"csboard"}, "b").value()->delivered_seq == 3);
    CHECK(j->load(true).value().empty()); // nothing followed
}

/// A reversal whose refund is not known yet is followed until it is.
inline void refund_pending_followed(const opener& open)
{
    test_clock clock;
    auto j = open(clock.options());
    REQUIRE(j->record_intent(intent("r"), "{}").has_value());
    auto o = j->find(provider_id{"csboard"}, "r").value().value();
    const std::pair<order_phase, order_phase> steps[] = {{order_phase::submitted, order_phase::delivered},
                                                         {order_phase::delivered, order_phase::reversed}};
    for (auto [from, to] : steps) {
        phase_change c{from, to, 1, "", observation_source::poll, 0};
        o.phase = to;
        REQUIRE(j->save(o, &c).value());
    }
    REQUIRE(j->mark_delivered(o.provider, o.id, 2).has_value());
    REQUIRE(j->load(true).value().size() == 1); // refunded unknown
    o.refunded = true;                          // learned later: a fact, no transition
    REQUIRE(j->save(o, nullptr).value());
    CHECK(j->load(true).value().empty());
    CHECK(j->find(o.provider, o.id).value()->history.size() == 2);
}

/// Leases split followed orders between workers, and a dead worker's orders
/// go to another once its lease has run out, on the journal's clock.
inline void leases(const opener& open)
{
    test_clock clock;
    auto a = open(clock.options());
    auto b = open(clock.options());
    for (int i = 0; i < 6; ++i)
        REQUIRE(a->record_intent(intent("o" + std::to_string(i)), "{}").has_value());
    using std::chrono::milliseconds;
    // A claims four, B the rest; neither takes what the other holds.
    CHECK(a->claim_unfinished("A", milliseconds(20'000), 4).value().size() == 4);
    CHECK(b->claim_unfinished("B", milliseconds(20'000), 100).value().size() == 2);
    clock.advance(1'000);
    CHECK(b->claim_unfinished("B", milliseconds(20'000), 100).value().size() == 2); // its own again, no more
    CHECK(a->renew("A", milliseconds(24'000)).value().size() == 4); // A's leases run to t0 + 25 s
    // A finishes one (its transition handed over too); such an order is never claimed again.
    auto o = a->find(provider_id{"csboard"}, "o0").value().value();
    phase_change c{order_phase::submitted, order_phase::failed, 0, "x", observation_source::buy, 1};
    o.phase = order_phase::failed;
    o.refunded = true;
    REQUIRE(a->save(o, &c).value());
    REQUIRE(a->mark_delivered(o.provider, o.id, 1).has_value());
    CHECK(a->renew("A", milliseconds(24'000)).value().size() == 3);
    // A dies: it stops renewing. Before its lease runs out B takes nothing of it...
    clock.advance(23'000); // t0 + 24 s
    CHECK(b->claim_unfinished("B", milliseconds(20'000), 100).value().size() == 2);
    // ...after, B takes everything followed, and A's renewal finds it holds nothing.
    clock.advance(2'000); // t0 + 26 s
    CHECK(b->claim_unfinished("B", milliseconds(20'000), 100).value().size() == 5);
    CHECK(a->renew("A", milliseconds(20'000)).value().empty());
    // A clean stop frees the orders at once.
    REQUIRE(b->release("B").has_value());
    CHECK(a->claim_unfinished("A", milliseconds(20'000), 100).value().size() == 5);
}

} // namespace cs2market::conformance
