// cs2market CLI: `orders list | resume | exposure`, over the journal a
// --journal names, for every provider with a schema.
#include "cli.hpp"

#include <cs2market/detail/json_writer.hpp>
#include <cs2market/exposure.hpp>
#include <cs2market/order_tracker.hpp>
#include <cs2market/sqlite_journal.hpp>
#include <cs2market_registry/tracking.hpp> // every provider's client and order source

#include <boost/asio/io_context.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

namespace cli {

cs2market::result<std::shared_ptr<cs2market::journal>> open_journal(const std::string& spec)
{
    auto j = cs2market::sqlite_journal::open(spec);
    if (!j)
        return j.error();
    return std::shared_ptr<cs2market::journal>(std::move(*j));
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

int exposure(const std::vector<cs2market::order>& all)
{
    std::vector<cs2market::provider_id> ids;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) { ids.push_back(decltype(p)::info.id); });
    for (const auto& e : cs2market::exposure_of(all, ids))
        std::cout << e << '\n';
    return 0;
}

int resume(std::shared_ptr<cs2market::journal> store, const orders_args& a)
{
    boost::asio::io_context ioc;
    cs2market::tracker_options topts;
    topts.moving_poll = std::chrono::milliseconds(a.poll_ms);
    topts.waiting_poll = std::max(topts.moving_poll, std::chrono::milliseconds(a.poll_ms * 10));
    // Leases: several `orders resume` on one journal split the orders between them,
    // and take over the orders of one that dies.
    topts.owner = a.owner.empty() ? default_owner() : a.owner;
    cs2market::order_tracker tracker(
        ioc.get_executor(), store,
        [](const cs2market::order& o, const cs2market::phase_change& c) {
            std::cout << o.provider.name() << ' ' << o.id << ' ' << to_string(c.from) << " > " << to_string(c.to) << std::endl;
        },
        topts, [](const cs2market::order*, const std::string& what) { std::cerr << "note: " << what << '\n'; });
    // One client and one source per provider; keys from the usual environment variables.
    std::vector<std::shared_ptr<void>> keep;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) {
        using P = decltype(p);
        cs2market::client_options o;
        o.base_url = a.base_url;
        o.ca_file = a.ca_file;
        auto client = std::make_shared<cs2market::basic_client<P>>(ioc.get_executor(), o);
        auto source = std::make_shared<typename cs2market::order_source_for<P>::type>(*client);
        tracker.add_source(source);
        keep.push_back(client);
        keep.push_back(source);
    });
    tracker.resume();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_s > 0 ? a.timeout_s : 365LL * 24 * 3600);
    while (!tracker.all_final() && std::chrono::steady_clock::now() < until)
        ioc.run_for(std::chrono::milliseconds(50));
    tracker.stop();
    ioc.run_for(std::chrono::milliseconds(50));
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
        } else if (s == "--timeout" || s == "--poll-ms") {
            long long n = 0;
            if (!number(value(), n)) {
                std::cerr << "error: " << s << " takes a number\n";
                return 2;
            }
            (s == "--timeout" ? a.timeout_s : a.poll_ms) = n;
        } else {
            std::cerr << "error: unknown option '" << s << "'\n";
            return 2;
        }
    }
    if (a.journal.empty() || (a.command != "list" && a.command != "resume" && a.command != "exposure"))
        return usage();
    auto store = open_journal(a.journal);
    if (!store) {
        std::cerr << "error: " << store.error().message() << '\n';
        return 1;
    }
    if (a.command == "resume")
        return resume(*store, a);
    auto all = (*store)->load(false);
    if (!all) {
        std::cerr << "error: " << all.error().message() << '\n';
        return 1;
    }
    return a.command == "list" ? list(*all, a.json) : exposure(*all);
}

} // namespace cli
