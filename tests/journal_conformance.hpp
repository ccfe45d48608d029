// What every journal store must do, written once and run against each store
// (test_journal.cpp: SQLite; test_postgres.cpp: PostgreSQL). `open` opens a new
// connection to one and the same store, as another process would.
#pragma once

#include <cs2market/journal.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>

namespace cs2market::conformance {

using opener = std::function<std::shared_ptr<journal>()>;

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

/// An intent is recorded once; the same id again, on this or another
/// connection, is found and not recorded twice.
inline void intent_once(const opener& open)
{
    auto j = open();
    auto first = j->record_intent(intent("buy-1"), R"({"item_ids":["itm_1"]})").value();
    CHECK(first.created);
    CHECK(first.journaled.phase == order_phase::submitted);
    CHECK(first.journaled.max_price == decimal::from_string("12.345"));
    CHECK(first.journaled.send_deadline == intent("buy-1").send_deadline);
    auto again = j->record_intent(intent("buy-1"), "{}").value();
    CHECK_FALSE(again.created);
    CHECK(again.journaled.id == "buy-1");
    CHECK(j->load(false).value().size() == 1);
    auto other = open();
    CHECK_FALSE(other->record_intent(intent("buy-1"), "{}").value().created);
    CHECK(other->find(provider_id{"csboard"}, "buy-1").value().has_value());
    CHECK_FALSE(other->find(provider_id{"csboard"}, "buy-2").value().has_value());
}

/// Transitions are compare-and-set, and the order with its history comes back
/// whole through a new connection.
inline void compare_and_set(const opener& open)
{
    {
        auto j = open();
        REQUIRE(j->record_intent(intent("b"), "{}").has_value());
        auto o = intent("b");
        phase_change c1{order_phase::submitted, order_phase::pending, 10, "processing", "buy"};
        o.phase = order_phase::pending;
        o.order_id = "ord_1";
        CHECK(j->save(o, &c1).value());
        CHECK_FALSE(j->save(o, &c1).value()); // a second writer that still thinks it is submitted loses
        phase_change c2{order_phase::pending, order_phase::delivered, 20, "delivered", "poll"};
        o.phase = order_phase::delivered;
        o.settles_at = 1'790'000'000'000;
        CHECK(j->save(o, &c2).value());
        phase_change c3{order_phase::delivered, order_phase::reversed, 30, "returned", "poll"};
        o.phase = order_phase::reversed;
        o.reversed_by = reversal_party::buyer;
        o.refunded = false;
        o.finished_at = 30;
        CHECK(j->save(o, &c3).value());
    }
    auto j = open(); // reopened: migrations are not applied again, the data is there
    auto o = j->find(provider_id{"csboard"}, "b").value();
    REQUIRE(o);
    CHECK(o->phase == order_phase::reversed);
    CHECK(o->order_id == "ord_1");
    CHECK(o->reversed_by == reversal_party::buyer);
    CHECK(o->refunded == false);
    CHECK(o->settles_at == 1'790'000'000'000);
    CHECK(o->send_deadline == intent("b").send_deadline);
    REQUIRE(o->history.size() == 3);
    CHECK(o->history[0].to == order_phase::pending);
    CHECK(o->history[2].source == "poll");
    CHECK(j->find_by_order_id(provider_id{"csboard"}, "ord_1").value()->id == "b");
    CHECK(j->load(true).value().empty()); // nothing unfinished
    CHECK(o->provider.name() == "csboard");
}

/// Leases split unfinished orders between workers, and a dead worker's orders
/// go to another once its lease has run out.
inline void leases(const opener& open)
{
    auto a = open();
    auto b = open();
    for (int i = 0; i < 6; ++i)
        REQUIRE(a->record_intent(intent("o" + std::to_string(i)), "{}").has_value());
    const unix_ms t0 = 1'000'000;
    // A claims four, B the rest; neither takes what the other holds.
    CHECK(a->claim_unfinished("A", t0, t0 + 20'000, 4).value().size() == 4);
    CHECK(b->claim_unfinished("B", t0, t0 + 20'000, 100).value().size() == 2);
    CHECK(b->claim_unfinished("B", t0 + 1'000, t0 + 21'000, 100).value().size() == 2); // its own again, no more
    CHECK(a->renew("A", t0 + 25'000).value().size() == 4);
    // A finishes one; a finished order is never claimed again.
    auto o = a->find(provider_id{"csboard"}, "o0").value().value();
    phase_change c{order_phase::submitted, order_phase::failed, t0, "x", "test"};
    o.phase = order_phase::failed;
    REQUIRE(a->save(o, &c).value());
    CHECK(a->renew("A", t0 + 25'000).value().size() == 3);
    // A dies: it stops renewing. Before its lease runs out B takes nothing of it...
    CHECK(b->claim_unfinished("B", t0 + 24'000, t0 + 44'000, 100).value().size() == 2);
    // ...after, B takes everything unfinished, and A's renewal finds it holds nothing.
    CHECK(b->claim_unfinished("B", t0 + 26'000, t0 + 46'000, 100).value().size() == 5);
    CHECK(a->renew("A", t0 + 27'000).value().empty());
    // A clean stop frees the orders at once.
    REQUIRE(b->release("B").has_value());
    CHECK(a->claim_unfinished("A", t0 + 27'000, t0 + 47'000, 100).value().size() == 5);
}

} // namespace cs2market::conformance
