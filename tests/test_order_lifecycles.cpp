// Integration tests: order lifecycles end to end. For every provider and every
// outcome the sandbox plays, a buy through a journaled client (real HTTPS to
// the embedded sandbox, a real SQLite file in a temporary directory), followed
// by an order_tracker to its final phase. Each case checks the final phase and
// who / whether refunded, that the handler saw every transition once and in
// order, that the journal agrees with the tracker, and what exposure_of() makes
// of the money. The lifecycle actions (CS2DT and Skinify cancel, CSBoard claim)
// go through the tracker too.
#include <catch2/catch.hpp>

#include <cs2market/cs2dt.hpp>
#include <cs2market/cs2dt/tracking.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/csboard/tracking.hpp>
#include <cs2market/orders/exposure.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/skinify/tracking.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace sb = cs2market::sandbox;
using cs2market::decimal;
using cs2market::order;
using cs2market::order_phase;
using cs2market::phase_change;
using cs2market::provider_id;
using namespace std::chrono_literals;

namespace {

namespace keys {
const std::string cs2dt = "lifecyclecs2dt";
const std::string csboard = "csb_pub_lifecycle";
const std::string skinify = "lifecycleskinify";
} // namespace keys

const std::string trade_url = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
const decimal start_balance = decimal::from_string("1000");

/// A fresh directory for one case's journal, removed with it.
struct temp_dir {
    std::filesystem::path path;
    temp_dir()
    {
        static std::atomic<int> seq{0};
        path = std::filesystem::temp_directory_path() /
               ("cs2market-lifecycles-" + std::to_string(::getpid()) + "-" + std::to_string(seq++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

sb::options sandbox_options(std::int64_t step_ms = 40)
{
    sb::options o;
    o.step_ms = step_ms;
    o.default_rate_limits = false;
    return o;
}

cs2market::client_options client_opts(const sb::server& s, const std::string& key, std::shared_ptr<cs2market::journal> j = {})
{
    cs2market::client_options o;
    o.credential = key;
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.retry = cs2market::retry_policy::none(); // the sandbox's answers as they are
    o.rate_limiting = false;                   // the accelerated clock would wait out real windows
    o.journal = std::move(j);
    return o;
}

cs2market::tracker_options tracker_opts()
{
    cs2market::tracker_options t;
    t.moving_poll = 20ms;
    t.waiting_poll = 40ms;
    t.tick = 5ms;
    // The sandbox's trade protection lasts a few of its accelerated steps: its own
    // end-of-protection times decide, as Steam's 7 days would on the real markets.
    t.trade_protection = 0ms;
    t.settle_margin = 20ms;
    return t;
}

/// A buy made: what the rest of a case follows and checks.
struct bought {
    provider_id provider;
    std::string id;       ///< the idempotency id (outTradeNo / custom_id)
    std::string order_id; ///< from the buy's answer
    decimal price;
};

/// One case's world: a sandbox, a journal file, journaled clients of every
/// provider on one io_context, and a tracker with every provider's source.
struct lifecycle {
    temp_dir dir;
    sb::server sandbox;
    std::shared_ptr<cs2market::sqlite_journal> store;
    boost::asio::io_context ioc;
    cs2market::cs2dt::client cs2dt;
    cs2market::csboard::client csboard;
    cs2market::skinify::client skinify;
    std::vector<std::pair<order, phase_change>> changes; ///< every handler call, in order
    std::vector<std::string> notices;
    cs2market::order_tracker tracker;

    explicit lifecycle(sb::options o = sandbox_options(), cs2market::tracker_options topts = tracker_opts())
        : sandbox(o), store(cs2market::sqlite_journal::open((dir.path / "orders.db").string()).value()),
          cs2dt(ioc.get_executor(), client_opts(sandbox, keys::cs2dt, store)),
          csboard(ioc.get_executor(), client_opts(sandbox, keys::csboard, store)),
          skinify(ioc.get_executor(), client_opts(sandbox, keys::skinify, store)),
          tracker(
              ioc.get_executor(), store, [this](const order& ord, const phase_change& c) { changes.emplace_back(ord, c); },
              topts, [this](const order*, const std::string& what) { notices.push_back(what); })
    {
        tracker.add_source(std::make_shared<cs2market::cs2dt::order_source>(cs2dt));
        tracker.add_source(std::make_shared<cs2market::csboard::order_source>(csboard));
        tracker.add_source(std::make_shared<cs2market::skinify::order_source>(skinify));
    }

    ~lifecycle()
    {
        tracker.stop();
        ioc.run_for(30ms); // the stop, and whatever was in flight, completes
    }

    /// Runs the io_context until `f` holds (bounded: generous for a loaded 2-core machine).
    template <class F>
    bool run_until(F f, std::chrono::milliseconds limit = 20s)
    {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!f()) {
            if (std::chrono::steady_clock::now() > until)
                return false;
            if (ioc.stopped())
                ioc.restart();
            ioc.run_for(5ms);
        }
        return true;
    }

    /// An async call through one of the journaled clients, driven here.
    template <class Op, class Client>
    cs2market::result<typename Op::response_type> call(Client& c, typename Op::params p)
    {
        std::optional<cs2market::result<typename Op::response_type>> out;
        c.template async_call<Op>(std::move(p), [&](cs2market::result<typename Op::response_type> r) { out.emplace(std::move(r)); });
        REQUIRE(run_until([&] { return out.has_value(); }));
        return std::move(*out);
    }

    std::optional<order> tracked(const bought& b) const
    {
        for (auto& o : tracker.orders())
            if (o.provider == b.provider && o.id == b.id)
                return o;
        return std::nullopt;
    }

    /// Follows the order until it is final.
    void follow_to_end(const bought& b)
    {
        tracker.follow(b.provider, b.id);
        const bool done = run_until([&] {
            auto o = tracked(b);
            return o && cs2market::is_final(o->phase);
        });
        if (!done) {
            auto o = tracked(b);
            INFO("still " << (o ? to_string(o->phase) : std::string_view("not followed")) << ", status "
                          << (o ? o->provider_status : std::string()));
            REQUIRE(done);
        }
    }

    /// Handler calls for one order.
    std::vector<phase_change> changes_of(const bought& b) const
    {
        std::vector<phase_change> out;
        for (const auto& [o, c] : changes)
            if (o.provider == b.provider && o.id == b.id) {
                CHECK(o.phase == c.to); // the handler gets the order after the transition
                out.push_back(c);
            }
        return out;
    }
};

// ------------------------------------------------------------------ buying

bought buy_cs2dt(lifecycle& w, const std::string& ref, bool quick)
{
    namespace d = cs2market::cs2dt;
    d::client reader(client_opts(w.sandbox, keys::cs2dt));
    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = decimal::from_string("20");
    sp.orderBy = d::MarketSearchOrderBy::price_desc;
    auto found = reader.market_search(sp).value();
    REQUIRE(found.list);
    REQUIRE(!found.list->empty());
    const auto item = found.list->front();
    bought b{d::id, ref, {}, {}};
    if (quick) {
        d::quick_buy_item_params qb;
        qb.body.itemId = item.itemId;
        qb.body.outTradeNo = ref;
        qb.body.tradeUrl = trade_url;
        qb.body.maxPrice = item.priceInfo->price;
        auto r = w.call<d::ops::quick_buy_item>(w.cs2dt, qb).value();
        REQUIRE(r.orderId);
        b.order_id = *r.orderId;
        b.price = *item.priceInfo->price;
    } else {
        d::sell_list_params lp;
        lp.itemId = *item.itemId;
        auto sells = reader.sell_list(lp).value();
        REQUIRE(sells.list);
        REQUIRE(!sells.list->empty());
        const auto product = sells.list->front();
        d::buy_item_params bp;
        bp.body.productId = product.id;
        bp.body.outTradeNo = ref;
        bp.body.tradeUrl = trade_url;
        bp.body.maxPrice = product.price;
        auto r = w.call<d::ops::buy_item>(w.cs2dt, bp).value();
        REQUIRE(r.orderId);
        b.order_id = *r.orderId;
        b.price = *product.price;
    }
    return b;
}

/// A CSBoard listing: a tradable one, or (held) one under a trade hold.
cs2market::csboard::Listing csboard_listing(lifecycle& w, bool held)
{
    namespace d = cs2market::csboard;
    d::client reader(client_opts(w.sandbox, keys::csboard));
    d::list_listings_params lp;
    lp.max_price = decimal::from_string("50");
    lp.sort = d::ListingSort::price_desc;
    lp.limit = 200;
    for (int page = 0; page < 5; ++page) {
        auto p = reader.list_listings(lp).value();
        for (auto& l : p.items) {
            const bool on_hold = l.delivery && *l.delivery == d::DeliveryMode::hold;
            if (on_hold == held && l.tradable.value_or(true) == !held)
                return l;
        }
        if (!p.next_cursor)
            break;
        lp.cursor = p.next_cursor;
    }
    FAIL("no " << (held ? "held" : "tradable") << " CSBoard listing");
    return {};
}

bought buy_csboard(lifecycle& w, const std::string& ref, bool held = false)
{
    namespace d = cs2market::csboard;
    const auto l = csboard_listing(w, held);
    d::market_buy_params mp;
    mp.body.item_ids = {l.id};
    mp.body.partner = "447383001";
    mp.body.token = "Ab3xZ9Qp";
    mp.body.max_price_usd = l.price_usd;
    mp.body.custom_id = ref;
    auto r = w.call<d::ops::market_buy>(w.csboard, mp).value();
    REQUIRE(r.data.purchase_id);
    return {d::id, ref, *r.data.purchase_id, l.price_usd};
}

bought buy_skinify(lifecycle& w, const std::string& ref, bool held = false)
{
    namespace d = cs2market::skinify;
    d::client reader(client_opts(w.sandbox, keys::skinify));
    d::withdraw_prices_params pp;
    pp.game = d::Game::csgo;
    pp.full_list = 1;
    if (held)
        pp.include_hold = 1;
    auto all = reader.withdraw_prices(pp).value();
    std::optional<d::SkinPriceEntry> pick;
    for (auto& e : all.skins)
        if (e.price >= decimal::from_string("1") && e.price <= decimal::from_string("15") &&
            e.properties.unhold_at.has_value() == held) {
            pick = e;
            break;
        }
    REQUIRE(pick);
    d::withdraw_buy_params bp;
    bp.body.partner = "447383001";
    bp.body.token = "Ab3xZ9Qp";
    bp.body.id = pick->id;
    bp.body.max_price = pick->price;
    bp.body.custom_id = ref;
    auto r = w.call<d::ops::withdraw_buy>(w.skinify, bp).value();
    return {d::id, ref, r.purchase_id, pick->price};
}

// ------------------------------------------------------------------ checks

/// The order id the provider's order API uses, from the sandbox's own records (for
/// CSBoard not market_buy's purchase id: its order id).
std::string sandbox_order_id(lifecycle& w, const bought& b)
{
    for (const auto& p : w.sandbox.purchases(b.provider))
        if (p.ref == b.id || (!p.idempotency_key.empty() && p.idempotency_key == b.id))
            return p.order_id;
    FAIL("the sandbox has no purchase under " << b.id);
    return {};
}

/// The order as the tracker ended it, checked against the handler's calls, the
/// journal and the tracker's counters; returns the journaled order.
order settled_facts(lifecycle& w, const bought& b)
{
    auto t = w.tracked(b);
    REQUIRE(t);
    const auto seen = w.changes_of(b);
    REQUIRE(!seen.empty());
    // Each transition once, in order: forward only, chained, nothing after a final phase.
    for (std::size_t i = 0; i < seen.size(); ++i) {
        INFO("transition " << i << ": " << to_string(seen[i].from) << " > " << to_string(seen[i].to));
        CHECK(cs2market::phase_rank(seen[i].to) > cs2market::phase_rank(seen[i].from));
        CHECK_FALSE(cs2market::is_final(seen[i].from));
        if (i > 0)
            CHECK(seen[i].from == seen[i - 1].to);
    }
    CHECK(seen.back().to == t->phase);

    // The journal: the buy's own transition (recorded by the client, handed to the
    // handler when the tracker follows the order), then the tracker's: exactly the handler's.
    auto j = w.store->find(b.provider, b.id).value();
    REQUIRE(j);
    CHECK(j->phase == t->phase);
    const auto order_id = sandbox_order_id(w, b);
    CHECK(j->order_id == order_id);
    CHECK(t->order_id == order_id);
    CHECK(j->price == b.price);
    CHECK(t->price == b.price);
    CHECK(j->provider_status == t->provider_status);
    CHECK(j->failure_code == t->failure_code);
    CHECK(j->reversed_by == t->reversed_by);
    CHECK(j->failed_by == t->failed_by);
    CHECK(j->refunded == t->refunded);
    CHECK(j->settles_at == t->settles_at);
    CHECK(j->delivered_at == t->delivered_at);
    CHECK(j->finished_at == t->finished_at);
    CHECK(j->finished_at.has_value());
    CHECK(j->item_name == t->item_name);
    CHECK(!j->item_name.empty());
    REQUIRE(j->history.size() == seen.size());
    CHECK(j->history[0].from == order_phase::submitted);
    CHECK(j->history[0].source == cs2market::observation_source::buy);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        INFO("journaled transition " << i + 1);
        CHECK(j->history[i].from == seen[i].from);
        CHECK(j->history[i].to == seen[i].to);
        CHECK(j->history[i].source == seen[i].source);
        CHECK(j->history[i].provider_status == seen[i].provider_status);
        CHECK(j->history[i].at == seen[i].at);
        CHECK(j->history[i].seq == i + 1);
        CHECK(seen[i].seq == i + 1);
    }
    // All handed over: marked in the journal once the handler returned (the mark is
    // written on the journal's own thread, so it may land a moment later).
    CHECK(w.run_until([&] { return w.store->find(b.provider, b.id).value()->delivered_seq == j->history.size(); }, 5s));
    CHECK(t->history.size() == j->history.size());
    // Nothing left to follow, but a reversal whose refund is still unknown.
    for (const auto& left : w.store->load(true).value())
        CHECK(cs2market::refund_pending(left.phase, left.refunded));

    const auto st = w.tracker.stats();
    CHECK(st.transitions == w.changes.size());
    CHECK(st.unknown_statuses == 0);
    CHECK(st.lookup_errors == 0);
    CHECK(st.journal_errors == 0);
    CHECK(st.journal_conflicts == 0);
    for (const auto& n : w.notices)
        FAIL_CHECK("notice: " << n);
    return *j;
}

/// The one transition the handler saw into `to`, if any.
std::optional<phase_change> change_to(lifecycle& w, const bought& b, order_phase to)
{
    for (const auto& c : w.changes_of(b))
        if (c.to == to)
            return c;
    return std::nullopt;
}

struct money {
    decimal spent, settled, reversed, refunded, at_risk;
};

/// exposure_of() over the journal (and over the tracker's orders: the same), and
/// the sandbox's own books.
void check_money(lifecycle& w, const bought& b, const money& m)
{
    const provider_id ps[] = {b.provider};
    auto check = [&](const std::vector<order>& orders) {
        auto ex = cs2market::exposure_of(orders, ps);
        REQUIRE(ex.size() == 1);
        const auto& e = ex[0];
        INFO(e);
        CHECK(e.provider == b.provider);
        CHECK(e.orders == 1);
        CHECK(e.unfinished == 0);
        CHECK(e.in_flight == decimal{});
        CHECK(e.reversible == decimal{});
        CHECK(e.spent == m.spent);
        CHECK(e.settled == m.settled);
        CHECK(e.reversed == m.reversed);
        CHECK(e.refunded == m.refunded);
        CHECK(e.at_risk == m.at_risk);
    };
    check(w.store->load(false).value());
    check(w.tracker.orders());
    auto a = w.sandbox.audit(b.provider);
    INFO("minted " << a.minted << " balances " << a.balances << " seller proceeds " << a.seller_proceeds);
    CHECK(a.balanced());
}

money spent_and_settled(const decimal& p) { return {p, p, {}, {}, {}}; }
money refunded(const decimal& p) { return {{}, {}, {}, p, {}}; }                // the provider said it refunded
money failed_refund_unsaid(const decimal& p) { return {p, {}, {}, {}, p}; }     // charged, failed, refund not said: at risk
money reversed_refund_unsaid(const decimal& p) { return {p, {}, p, {}, p}; }    // the provider does not say it refunded: at risk
money reversed_refunded(const decimal& p) { return {{}, {}, p, p, {}}; }

/// The sandbox's balance of the case's account.
decimal balance(lifecycle& w, const bought& b, const std::string& key)
{
    auto bal = w.sandbox.balance(b.provider, key);
    REQUIRE(bal);
    return *bal;
}

} // namespace

// ====================================================================== CS2DT

TEST_CASE("lifecycle cs2dt success: buy_item, followed to settled (status 200)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    auto b = buy_cs2dt(w, "cs2dt-success", false);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::settled);
    CHECK(o.provider_status == "200");
    CHECK(o.history[0].to == order_phase::pending); // the buy's answer: status 1
    CHECK(o.operation == "buy_item");
    CHECK(o.item_name.rfind("product ", 0) == 0); // what the buy named
    CHECK(o.delivered_at);
    CHECK_FALSE(o.reversed_by);
    CHECK_FALSE(o.failed_by);
    check_money(w, b, spent_and_settled(b.price));
    CHECK(balance(w, b, keys::cs2dt) == start_balance - b.price);
}

TEST_CASE("lifecycle cs2dt decline: failed by the recipient (status 11, buyer declined)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::cs2dt::id, sb::outcome::decline);
    auto b = buy_cs2dt(w, "cs2dt-decline", true);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.provider_status == "11");
    CHECK(o.failure_code == "ORDER_FAILED_OF_BUYER_DECLINE");
    CHECK(o.failed_by == cs2market::fault_party::recipient);
    CHECK(o.operation == "quick_buy_item");
    CHECK(o.item_name.rfind("item ", 0) == 0);
    check_money(w, b, failed_refund_unsaid(b.price)); // status 11 does not say the money came back
    CHECK(balance(w, b, keys::cs2dt) == start_balance); // (the sandbox did give it back)
}

TEST_CASE("lifecycle cs2dt timeout: failed by the recipient (status 11, offer not accepted)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::cs2dt::id, sb::outcome::timeout);
    auto b = buy_cs2dt(w, "cs2dt-timeout", true);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.provider_status == "11");
    CHECK(o.failure_code == "ORDER_FAILED_OF_AUTO_DELIVER_ORDER_CANCEL_OF_BUYER_NOT_ACCEPT");
    CHECK(o.failed_by == cs2market::fault_party::recipient);
    check_money(w, b, failed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle cs2dt reversed_by_buyer: reversed by the buyer (status 220)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::cs2dt::id, sb::outcome::reversed_by_buyer);
    auto b = buy_cs2dt(w, "cs2dt-rev-buyer", true);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "220");
    CHECK(o.failure_code == "ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK");
    CHECK(o.reversed_by == cs2market::reversal_party::buyer);
    CHECK_FALSE(o.refunded); // status 220 does not say
    check_money(w, b, reversed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle cs2dt reversed_by_seller: reversed by the seller (status 220)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::cs2dt::id, sb::outcome::reversed_by_seller);
    auto b = buy_cs2dt(w, "cs2dt-rev-seller", true);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "220");
    CHECK(o.failure_code == "ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK");
    CHECK(o.reversed_by == cs2market::reversal_party::seller);
    check_money(w, b, reversed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle cs2dt seller_recalled: reversed by the seller and refunded (status 221)", "[lifecycle][cs2dt]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::cs2dt::id, sb::outcome::seller_recalled);
    auto b = buy_cs2dt(w, "cs2dt-recalled", true);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "221");
    CHECK(o.reversed_by == cs2market::reversal_party::seller);
    CHECK(o.refunded == true);
    check_money(w, b, reversed_refunded(b.price));
    CHECK(balance(w, b, keys::cs2dt) == start_balance);
}

TEST_CASE("lifecycle cs2dt cancel: tracker.cancel() while waiting for delivery ends cancelled, refunded", "[lifecycle][cs2dt]")
{
    auto o = sandbox_options();
    o.delivery_steps = 25; // status 1 for a second: time to cancel
    lifecycle w(o);
    auto b = buy_cs2dt(w, "cs2dt-cancel", false);
    w.tracker.follow(b.provider, b.id);
    std::optional<cs2market::result<void>> done;
    w.tracker.cancel(b.provider, b.id, [&](cs2market::result<void> r) { done.emplace(std::move(r)); });
    REQUIRE(w.run_until([&] { return done.has_value(); }));
    INFO((*done ? std::string("cancelled") : done->error().message()));
    REQUIRE(*done);
    w.follow_to_end(b);
    auto f = settled_facts(w, b);
    CHECK(f.phase == order_phase::cancelled);
    CHECK(f.provider_status == "11");
    CHECK(f.failure_code == "ORDER_FAILED_OF_CHANNEL_BUYER_CANCEL");
    CHECK(f.refunded == true);
    CHECK(w.changes_of(b).size() == 2); // submitted > pending (the buy, handed over), pending > cancelled
    check_money(w, b, refunded(b.price));
    CHECK(balance(w, b, keys::cs2dt) == start_balance);
}

// ==================================================================== CSBoard

TEST_CASE("lifecycle csboard success: market_buy, settled once tradable_at has passed", "[lifecycle][csboard]")
{
    lifecycle w;
    auto b = buy_csboard(w, "csb-success");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::settled);
    CHECK(o.provider_status == "completed");
    CHECK(o.operation == "market_buy");
    REQUIRE(o.settles_at);
    REQUIRE(o.finished_at);
    CHECK(*o.settles_at <= *o.finished_at); // derived: no settled status on CSBoard
    CHECK(o.delivered_at);
    auto last = change_to(w, b, order_phase::settled);
    REQUIRE(last);
    CHECK(last->source == cs2market::observation_source::settlement);
    check_money(w, b, spent_and_settled(b.price));
    CHECK(balance(w, b, keys::csboard) == start_balance - b.price);
}

TEST_CASE("lifecycle csboard decline: failed (cancelled, item returned), refunded", "[lifecycle][csboard]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::csboard::id, sb::outcome::decline);
    auto b = buy_csboard(w, "csb-decline");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.provider_status == "cancelled");
    CHECK(o.failure_code == "trade_declined");
    CHECK(o.failed_by == cs2market::fault_party::unknown); // CSBoard's return reasons are not documented
    CHECK(o.refunded == true);
    check_money(w, b, refunded(b.price));
    CHECK(balance(w, b, keys::csboard) == start_balance);
}

TEST_CASE("lifecycle csboard timeout: failed (cancelled, item returned), refunded", "[lifecycle][csboard]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::csboard::id, sb::outcome::timeout);
    auto b = buy_csboard(w, "csb-timeout");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.failure_code == "trade_not_accepted_in_time");
    CHECK(o.refunded == true);
    check_money(w, b, refunded(b.price));
}

namespace {
/// CSBoard says only "returned after the trade finished": reversed, by whom
/// unknown, the refund not said (the notes' "refunded" is inferred): at risk.
void check_csboard_reversal(lifecycle& w, const bought& b, const std::string& reason)
{
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "failed");
    CHECK(o.failure_code == reason);
    CHECK(o.reversed_by == cs2market::reversal_party::unknown);
    CHECK_FALSE(o.refunded.has_value());
    CHECK(o.delivered_at); // the trade had finished
    check_money(w, b, reversed_refund_unsaid(b.price));
    CHECK(balance(w, b, keys::csboard) == start_balance);
}
} // namespace

TEST_CASE("lifecycle csboard reversed_by_buyer: reversed (returned after delivery), by unknown", "[lifecycle][csboard]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::csboard::id, sb::outcome::reversed_by_buyer);
    auto b = buy_csboard(w, "csb-rev-buyer");
    w.follow_to_end(b);
    check_csboard_reversal(w, b, "trade_reversed_by_buyer");
}

TEST_CASE("lifecycle csboard reversed_by_seller: reversed (returned after delivery), by unknown", "[lifecycle][csboard]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::csboard::id, sb::outcome::reversed_by_seller);
    auto b = buy_csboard(w, "csb-rev-seller");
    w.follow_to_end(b);
    check_csboard_reversal(w, b, "trade_reversed_by_seller");
}

TEST_CASE("lifecycle csboard seller_recalled: reversed (returned after delivery), by unknown", "[lifecycle][csboard]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::csboard::id, sb::outcome::seller_recalled);
    auto b = buy_csboard(w, "csb-recalled");
    w.follow_to_end(b);
    check_csboard_reversal(w, b, "recalled_by_seller");
}

TEST_CASE("lifecycle csboard claim: a held order, released with tracker.release() once its hold cleared, then delivered",
          "[lifecycle][csboard]")
{
    auto opts = sandbox_options(100); // a hold of 300 ms: the first claim comes before it clears
    opts.holds_wait_for_claim = true;
    lifecycle w(opts);
    auto b = buy_csboard(w, "csb-held", true);
    w.tracker.follow(b.provider, b.id);

    auto claim = [&] {
        std::optional<cs2market::result<void>> done;
        w.tracker.release(b.provider, b.id, [&](cs2market::result<void> r) { done.emplace(std::move(r)); });
        REQUIRE(w.run_until([&] { return done.has_value(); }));
        return std::move(*done);
    };
    auto early = claim();
    REQUIRE_FALSE(early);
    INFO(early.error().message());
    CHECK(early.error().http_status == 425);
    CHECK(early.error().provider_code == "hold_not_cleared");
    // Held, and it stays held: nothing releases it but the claim.
    REQUIRE(w.run_until([&] { auto o = w.tracked(b); return o && o->phase == order_phase::reserved; }));
    w.run_until([] { return false; }, 400ms);
    REQUIRE(w.tracked(b)->phase == order_phase::reserved);

    auto late = claim();
    INFO((late ? std::string("claimed") : late.error().message()));
    REQUIRE(late);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::settled);
    CHECK(o.history[0].to == order_phase::reserved); // the buy's answer: the item is held
    auto released = change_to(w, b, order_phase::delivering);
    REQUIRE(released);
    CHECK(released->from == order_phase::reserved);
    CHECK(released->source == cs2market::observation_source::release);
    CHECK(o.delivered_at);
    check_money(w, b, spent_and_settled(b.price));
}

// ==================================================================== Skinify

TEST_CASE("lifecycle skinify success: withdraw_buy, settled once the settlement time has passed", "[lifecycle][skinify]")
{
    lifecycle w;
    auto b = buy_skinify(w, "skinify-success");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::settled);
    CHECK(o.provider_status == "accepted");
    CHECK(o.operation == "withdraw_buy");
    CHECK(o.history[0].to == order_phase::pending); // processing
    REQUIRE(o.settles_at);
    REQUIRE(o.finished_at);
    CHECK(*o.settles_at <= *o.finished_at);
    auto last = change_to(w, b, order_phase::settled);
    REQUIRE(last);
    CHECK(last->source == cs2market::observation_source::settlement);
    check_money(w, b, spent_and_settled(b.price));
    CHECK(balance(w, b, keys::skinify) == start_balance - b.price);
}

TEST_CASE("lifecycle skinify decline: failed by the recipient (canceled)", "[lifecycle][skinify]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::skinify::id, sb::outcome::decline);
    auto b = buy_skinify(w, "skinify-decline");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.provider_status == "canceled");
    CHECK(o.failed_by == cs2market::fault_party::recipient);
    check_money(w, b, failed_refund_unsaid(b.price)); // "canceled" does not say
    CHECK(balance(w, b, keys::skinify) == start_balance);
}

TEST_CASE("lifecycle skinify timeout: failed by the recipient (timeout)", "[lifecycle][skinify]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::skinify::id, sb::outcome::timeout);
    auto b = buy_skinify(w, "skinify-timeout");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::failed);
    CHECK(o.provider_status == "timeout");
    CHECK(o.failed_by == cs2market::fault_party::recipient);
    check_money(w, b, failed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle skinify reversed_by_buyer: reversed by the buyer (rollback_user)", "[lifecycle][skinify]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::skinify::id, sb::outcome::reversed_by_buyer);
    auto b = buy_skinify(w, "skinify-rev-buyer");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "rollback_user");
    CHECK(o.reversed_by == cs2market::reversal_party::buyer);
    check_money(w, b, reversed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle skinify reversed_by_seller: reversed by the seller (rollback_provider)", "[lifecycle][skinify]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::skinify::id, sb::outcome::reversed_by_seller);
    auto b = buy_skinify(w, "skinify-rev-seller");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "rollback_provider");
    CHECK(o.reversed_by == cs2market::reversal_party::seller);
    check_money(w, b, reversed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle skinify seller_recalled: reversed by the seller (rollback_provider)", "[lifecycle][skinify]")
{
    lifecycle w;
    w.sandbox.set_next_outcome(cs2market::skinify::id, sb::outcome::seller_recalled);
    auto b = buy_skinify(w, "skinify-recalled");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::reversed);
    CHECK(o.provider_status == "rollback_provider");
    CHECK(o.reversed_by == cs2market::reversal_party::seller);
    check_money(w, b, reversed_refund_unsaid(b.price));
}

TEST_CASE("lifecycle skinify cancel: a reserved purchase cancelled with tracker.cancel() ends cancelled, refunded",
          "[lifecycle][skinify]")
{
    lifecycle w(sandbox_options(150)); // reserved for 450 ms: time to cancel
    auto b = buy_skinify(w, "skinify-reserved", true);
    w.tracker.follow(b.provider, b.id);
    std::optional<cs2market::result<void>> done;
    w.tracker.cancel(b.provider, b.id, [&](cs2market::result<void> r) { done.emplace(std::move(r)); });
    REQUIRE(w.run_until([&] { return done.has_value(); }));
    INFO((*done ? std::string("cancelled") : done->error().message()));
    REQUIRE(*done);
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::cancelled);
    CHECK(o.provider_status == "reservation_canceled");
    CHECK(o.history[0].to == order_phase::reserved); // the buy's answer: reserved
    CHECK(o.refunded == true);
    CHECK(w.changes_of(b).size() == 2); // submitted > reserved (the buy, handed over), reserved > cancelled
    check_money(w, b, refunded(b.price));
    CHECK(balance(w, b, keys::skinify) == start_balance);
}

TEST_CASE("lifecycle skinify success via the real-time feed: status changes pushed, settled from the settlement time",
          "[lifecycle][skinify]")
{
    namespace d = cs2market::skinify;
    auto topts = tracker_opts();
    topts.moving_poll = 10s; // while it moves, only the feed tells
    lifecycle w(sandbox_options(200), topts);
    d::client reader(client_opts(w.sandbox, keys::skinify));
    REQUIRE(reader.project_balance()); // the sandbox's feed knows a token once it has been used
    d::realtime_options ro;
    ro.base_url = w.sandbox.ws_base_url();
    ro.ca_file = w.sandbox.ca_file();
    w.tracker.add_source(std::make_shared<d::order_source>(w.skinify, w.ioc, 7, keys::skinify, ro)); // replaces the polling one
    w.run_until([] { return false; }, 300ms); // connected and authenticated
    auto b = buy_skinify(w, "skinify-feed");
    w.follow_to_end(b);
    auto o = settled_facts(w, b);
    CHECK(o.phase == order_phase::settled);
    std::size_t pushed = 0;
    for (const auto& c : w.changes_of(b))
        pushed += c.source == cs2market::observation_source::feed;
    CHECK(pushed >= 1); // delivering and delivered come from skin_purchase_status_change
    auto delivered = change_to(w, b, order_phase::delivered);
    REQUIRE(delivered);
    CHECK(delivered->source == cs2market::observation_source::feed);
    auto last = change_to(w, b, order_phase::settled);
    REQUIRE(last);
    CHECK(last->source == cs2market::observation_source::settlement); // the feed has no settlement time: a poll gave it
    check_money(w, b, spent_and_settled(b.price));
}
