// cs2market CLI: `orders list | resume | exposure | report`, over the journal a
// --journal names, for every provider with a schema.
#include "cli.hpp"

#include <cs2market/detail/json_writer.hpp>
#include <cs2market/orders/exposure.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/store/postgres/postgres_store.hpp> // is_postgres_conninfo; the store itself with CS2MARKET_WITH_POSTGRES
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#include <cs2market_registry/tracking.hpp> // every provider's client and order source

#include <boost/asio/io_context.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

namespace cli {

cs2market::result<store> open_store(const std::string& spec)
{
    if (cs2market::is_postgres_conninfo(spec)) {
#ifdef CS2MARKET_WITH_POSTGRES
        auto s = cs2market::postgres_store::open(spec);
        if (!s)
            return s.error();
        return store{s->journal, s->limiter};
#else
        return cs2market::detail::make_error(cs2market::error_kind::journal,
                                             "this cs2market was built without PostgreSQL (libpq-dev)");
#endif
    }
    auto j = cs2market::sqlite_journal::open(spec);
    if (!j)
        return j.error();
    return store{std::move(*j), nullptr};
}

namespace {

std::string default_owner()
{
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(::getpid()) + "-" + std::to_string(cs2market::now_unix_ms());
}

struct orders_args {
    std::string command;
    std::string journal;
    bool json = false;
    long long timeout_s = 0;
    long long poll_ms = 2000;
    std::string base_url;
    std::string ca_file;
    std::string owner;
    long long lease_ms = 0;
    long long max_orders = 0;
    long long trade_protection_ms = -1; ///< -1: Steam's 7 days
    long long settle_margin_ms = -1;    ///< -1: the tracker's default
    std::string html;
};

bool number(std::string_view v, long long& out)
{
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && p == v.data() + v.size() && out >= 0;
}

std::string price_text(const cs2market::order& o)
{
    return o.price ? o.price->to_string() : std::string("-");
}

int list(const std::vector<cs2market::order>& all, bool json)
{
    if (!json) {
        for (const auto& o : all)
            std::cout << o.provider.name() << ' ' << o.id << ' ' << (o.order_id.empty() ? "-" : o.order_id) << ' '
                      << to_string(o.phase) << ' ' << price_text(o) << '\n';
        return 0;
    }
    std::string out = "[";
    for (const auto& o : all) {
        if (out.size() > 1)
            out += ',';
        auto field = [&](std::string_view k, std::string_view v, bool first = false) {
            out += first ? "{" : ",";
            cs2market::detail::write_string(out, k);
            out += ':';
            cs2market::detail::write_string(out, v);
        };
        field("provider", o.provider.name(), true);
        field("id", o.id);
        out += ",\"order_id\":";
        if (o.order_id.empty())
            out += "null";
        else
            cs2market::detail::write_string(out, o.order_id);
        field("phase", to_string(o.phase));
        out += ",\"price\":" + (o.price ? o.price->to_string() : std::string("null")); // exact: a JSON number as printed
        field("provider_status", o.provider_status);
        field("operation", o.operation);
        field("item_name", o.item_name);
        field("failure_code", o.failure_code);
        out += "}";
    }
    out += "]";
    std::cout << out << '\n';
    return 0;
}

int exposure(const std::vector<cs2market::order>& all, bool json)
{
    std::vector<cs2market::provider_id> ids;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) { ids.push_back(decltype(p)::info.id); });
    const auto ex = cs2market::exposure_of(all, ids);
    if (!json) {
        for (const auto& e : ex)
            std::cout << e << '\n';
        return 0;
    }
    // Amounts as exact decimal strings; at_risk (money whose fate is unknown) is here only.
    std::string out = "[";
    for (const auto& e : ex) {
        if (out.size() > 1)
            out += ',';
        out += "{\"provider\":";
        cs2market::detail::write_string(out, e.provider.name());
        auto money = [&](std::string_view k, const cs2market::decimal& v) {
            out += ',';
            cs2market::detail::write_string(out, k);
            out += ':';
            cs2market::detail::write_string(out, v.to_string());
        };
        money("spent", e.spent);
        money("in_flight", e.in_flight);
        money("reversible", e.reversible);
        out += ",\"reversible_until\":" + (e.reversible_until ? std::to_string(*e.reversible_until) : std::string("null"));
        money("settled", e.settled);
        money("reversed", e.reversed);
        money("refunded", e.refunded);
        money("at_risk", e.at_risk);
        out += ",\"orders\":" + std::to_string(e.orders) + ",\"unfinished\":" + std::to_string(e.unfinished) + "}";
    }
    std::cout << out << "]\n";
    return 0;
}

/// The status line: orders per phase, when the tracker polls next, the money in
/// flight and reversible.
std::string status_text(const std::vector<cs2market::order>& orders, const cs2market::tracker_options& topts,
                        std::chrono::steady_clock::time_point last_poll, std::chrono::steady_clock::time_point now)
{
    std::string s = phase_counts(orders);
    // The tracker polls fast while an order moves, slowly while all wait for settlement.
    bool moving = false, open = false;
    for (const auto& o : orders) {
        open = open || !cs2market::is_final(o.phase);
        moving = moving || (!cs2market::is_final(o.phase) && o.phase != cs2market::order_phase::delivered);
    }
    if (open) {
        const auto next = last_poll + (moving ? topts.moving_poll : topts.waiting_poll);
        const auto ms = std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count());
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
        s += std::string(" · next poll in ") + buf;
    }
    return s + " · " + money_line(orders);
}

int resume(const store& st, const orders_args& a)
{
    const auto& store = st.journal;
    boost::asio::io_context ioc;
    cs2market::tracker_options topts;
    topts.moving_poll = std::chrono::milliseconds(a.poll_ms);
    topts.waiting_poll = std::max(topts.moving_poll, std::chrono::milliseconds(a.poll_ms * 10));
    // Leases: several `orders resume` on one journal split the orders between them,
    // and take over the orders of one that dies.
    topts.owner = a.owner.empty() ? default_owner() : a.owner;
    if (a.lease_ms > 0) { // a shorter lease: a dead worker's orders are taken over sooner
        topts.lease = std::chrono::milliseconds(a.lease_ms);
        topts.lease_renew = std::max(std::chrono::milliseconds(1), topts.lease / 4);
    }
    if (a.max_orders > 0) // leaves the rest to the other workers
        topts.max_orders = static_cast<std::size_t>(a.max_orders);
    if (a.trade_protection_ms >= 0) // e.g. the sandbox's accelerated protection
        topts.trade_protection = std::chrono::milliseconds(a.trade_protection_ms);
    if (a.settle_margin_ms >= 0)
        topts.settle_margin = std::chrono::milliseconds(a.settle_margin_ms);
    // On a terminal a status line stays under the transition lines; elsewhere
    // (a pipe, a file) the output is the transition lines alone, as always.
    status_line status(STDOUT_FILENO);
    cs2market::order_tracker tracker(
        ioc.get_executor(), store,
        [&status](const cs2market::order& o, const cs2market::phase_change& c) {
            status.clear();
            std::cout << o.provider.name() << ' ' << o.id << ' ' << to_string(c.from) << " > " << to_string(c.to) << std::endl;
            status.redraw();
        },
        topts, [&status](const cs2market::order*, const std::string& what) {
            status.clear();
            std::cerr << "note: " << what << '\n';
            status.redraw();
        });
    // One client and one source per provider; keys from the usual environment variables.
    std::vector<std::shared_ptr<void>> keep;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) {
        using P = decltype(p);
        cs2market::client_options o;
        o.base_url = a.base_url;
        o.ca_file = a.ca_file;
        o.limiter = st.limiter; // a PostgreSQL store: polls draw from the shared budgets too
        auto client = std::make_shared<cs2market::basic_client<P>>(ioc.get_executor(), o);
        auto source = std::make_shared<typename cs2market::order_source_for<P>::type>(*client);
        tracker.add_source(source);
        keep.push_back(client);
        keep.push_back(source);
    });
    tracker.resume();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_s > 0 ? a.timeout_s : 365LL * 24 * 3600);
    // Done when this worker's orders are final and the journal holds no
    // unfinished order another worker could leave behind (its lease then runs
    // out and this one takes the orders over).
    auto next_check = std::chrono::steady_clock::now();
    bool journal_done = false;
    auto next_draw = next_check;
    auto last_poll = next_check;
    std::size_t lookups = 0;
    while (!(tracker.all_final() && journal_done) && std::chrono::steady_clock::now() < until) {
        ioc.run_for(std::chrono::milliseconds(50));
        if (status.enabled() && std::chrono::steady_clock::now() >= next_draw) {
            const auto now = std::chrono::steady_clock::now();
            next_draw = now + std::chrono::milliseconds(250);
            if (auto n = tracker.stats().lookups; n != lookups) {
                lookups = n;
                last_poll = now;
            }
            status.show(status_text(tracker.orders(), topts, last_poll, now));
        }
        if (tracker.all_final() && std::chrono::steady_clock::now() >= next_check) {
            next_check = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
            // Between runs of the loop: no handler waits on it. Reversals whose refund is
            // not known yet stay followed (by the next resume too), but do not keep this one running.
            auto left = store->load(true);
            journal_done = left && std::all_of(left->begin(), left->end(), [](const cs2market::order& o) {
                return cs2market::refund_pending(o.phase, o.refunded) && o.delivered_seq >= o.history.size();
            });
        }
    }
    tracker.stop();
    ioc.run_for(std::chrono::milliseconds(50));
    status.clear();
    if (!tracker.all_final())
        for (const auto& o : tracker.orders())
            if (!cs2market::is_final(o.phase))
                std::cout << "still " << to_string(o.phase) << ": " << o.provider.name() << ' ' << o.id << '\n';
    return 0;
}

} // namespace

int orders(const std::vector<std::string_view>& args)
{
    if (args.size() < 2)
        return usage();
    orders_args a;
    a.command = std::string(args[1]);
    for (std::size_t i = 2; i < args.size(); ++i) {
        auto s = args[i];
        auto value = [&]() -> std::string_view { return i + 1 < args.size() ? args[++i] : std::string_view(); };
        if (s == "--json") {
            a.json = true;
        } else if (s == "--journal") {
            a.journal = std::string(value());
        } else if (s == "--base-url") {
            a.base_url = std::string(value());
        } else if (s == "--ca-file") {
            a.ca_file = std::string(value());
        } else if (s == "--owner") {
            a.owner = std::string(value());
        } else if (s == "--html") {
            a.html = std::string(value());
        } else if (s == "--timeout" || s == "--poll-ms" || s == "--lease" || s == "--max-orders" || s == "--trade-protection-ms" ||
                   s == "--settle-margin-ms") {
            long long n = 0;
            if (!number(value(), n)) {
                std::cerr << "error: " << s << " takes a number\n";
                return 2;
            }
            (s == "--timeout"               ? a.timeout_s
             : s == "--poll-ms"             ? a.poll_ms
             : s == "--lease"               ? a.lease_ms
             : s == "--max-orders"          ? a.max_orders
             : s == "--trade-protection-ms" ? a.trade_protection_ms
                                            : a.settle_margin_ms) = n;
        } else {
            std::cerr << "error: unknown option '" << s << "'\n";
            return 2;
        }
    }
    if (a.journal.empty() || (a.command != "list" && a.command != "resume" && a.command != "exposure" && a.command != "report") ||
        (a.command == "report") != !a.html.empty())
        return usage();
    auto store = open_store(a.journal);
    if (!store) {
        std::cerr << "error: " << store.error().message() << '\n';
        return 1;
    }
    if (a.command == "resume")
        return resume(*store, a);
    auto all = store->journal->load(false);
    if (!all) {
        std::cerr << "error: " << all.error().message() << '\n';
        return 1;
    }
    if (a.command == "report")
        return report(*all, a.html);
    return a.command == "list" ? list(*all, a.json) : exposure(*all, a.json);
}

} // namespace cli
