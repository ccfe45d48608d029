// cs2market CLI: `buy NAME --best --max-price X --trade-url URL --journal PATH [--json] ...`:
// one best-price route (cs2market::async_buy_best) across every provider.
//
// Test hook: CS2MARKET_TEST_KILL_AT=POINT:N makes the process SIGKILL itself at the
// N-th POINT of the route, for the crash tests (tests/cli/test_cli_buy_best.py):
// quote (a quote request is about to be written), intent (an attempt's intent is on
// disk), send (its request is about to be written), answered (its answer arrived, not
// yet journaled), recorded (the answer is on disk: between two attempts when refused).
#include "cli.hpp"

#include <cs2market/json.hpp>
#include <cs2market/market/buy_best.hpp>
#include <cs2market/net/policies.hpp>
#include <cs2market_registry/market.hpp> // every provider's quote_source and buy_venue

#include <boost/asio/io_context.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cli {

namespace {

template <class P>
concept buying = requires { typename cs2market::buy_venue_for<P>::type; };

bool is_buy_op(std::string_view op)
{
    return op == "buy_item" || op == "quick_buy_item" || op == "market_buy" || op == "create_order" || op == "withdraw_buy";
}

/// The kill hook (see the top of this file); empty when the variable is not set.
cs2market::call_hook kill_hook()
{
    const char* spec = std::getenv("CS2MARKET_TEST_KILL_AT");
    if (!spec || !*spec)
        return {};
    const std::string s(spec);
    const auto colon = s.find(':');
    if (colon == std::string::npos)
        return {};
    const std::string point = s.substr(0, colon);
    const long n = std::strtol(s.c_str() + colon + 1, nullptr, 10);
    struct counts {
        std::mutex m;
        std::map<std::string, int> journaled;
        long seen = 0;
    };
    auto c = std::make_shared<counts>();
    return [point, n, c](const cs2market::call_event& ev) {
        using t = cs2market::call_event::type;
        std::string at;
        std::lock_guard lk(c->m);
        if (ev.kind == t::journaled)
            at = ++c->journaled[std::string(ev.provider.name()) + " " + std::string(ev.id)] == 1 ? "intent" : "recorded";
        else if (ev.kind == t::request_start)
            at = is_buy_op(ev.operation) ? "send" : (ev.id.empty() ? "quote" : "reconcile");
        else if (ev.kind == t::request_end && is_buy_op(ev.operation))
            at = ev.http_status != 0 ? "answered" : "lost";
        if (at == point && ++c->seen == n) {
            std::cout.flush();
            std::raise(SIGKILL);
        }
    };
}

} // namespace

void buy_help(std::ostream& os)
{
    os << "usage: cs2market buy NAME --best --max-price X --trade-url URL --journal PATH|postgresql://... [--json]\n"
          "                     [--phase P] [--float-min X] [--float-max X] [--accept-undocumented-fee]\n"
          "                     [--base-url URL] [--ca-file PEM] [--rate-window MS] [--no-retry]\n"
          "\n"
          "Buys one NAME (the market hash name) where it is cheapest now: every provider is asked for offers,\n"
          "the cheapest that meets the constraints at or under --max-price (USD, fees included) is bought as a\n"
          "journaled order; if that market answers that the listing is gone or its price moved, the next offer,\n"
          "never above --max-price. A route buys at most once: an answer that leaves a buy's outcome unknown\n"
          "stops it (the order is followed by `cs2market orders resume`), nothing else is bought.\n"
          "Prints `provider listing_id price id` (id: the order's idempotency id, <route>-<attempt>).\n"
          "  --trade-url URL  https://steamcommunity.com/tradeoffer/new/?partner=N&token=T, where the item goes\n"
          "  --journal PATH   every attempt's intent is journaled before its request is sent\n"
          "  --json           one object {\"provider\", \"listing_id\", \"price\" (a string), \"id\", \"order_id\"}\n"
          "  --phase P, --float-min X, --float-max X   as `cs2market quote`\n"
          "  --accept-undocumented-fee  also buy offers whose buyer fee the provider does not document (CS2DT):\n"
          "                   their price is the ask and a fee may come on top of --max-price\n"
          "Exit 0 when bought; 1 when nothing was bought (no offer at or under --max-price, a refusal) or a\n"
          "buy's outcome is unknown (3); 2 for bad input. Keys: CS2DT_APP_KEY, CSBOARD_API_KEY, SKINIFY_TOKEN.\n";
}

int buy(const std::vector<std::string_view>& args)
{
    std::optional<std::string> name, trade_url, journal;
    std::optional<cs2market::decimal> max_price;
    bool best = false, json = false, any_fee = false;
    cs2market::quote_constraints c;
    cs2market::client_options opts;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto s = args[i];
        if (s == "--json") {
            json = true;
        } else if (s == "--best") {
            best = true;
        } else if (s == "--accept-undocumented-fee") {
            any_fee = true;
        } else if (s == "--no-retry") {
            opts.retry = cs2market::retry_policy::none();
        } else if (auto r = market_option(args, i, c, opts)) {
            if (*r != 0)
                return *r;
        } else if (s == "--max-price" || s == "--trade-url" || s == "--journal") {
            if (i + 1 >= args.size()) {
                std::cerr << "error: " << s << " needs a value\n";
                return 2;
            }
            const std::string_view v = args[++i];
            if (s == "--max-price") {
                max_price = cs2market::decimal::parse(v);
                if (!max_price || *max_price < cs2market::decimal{}) {
                    std::cerr << "error: --max-price takes a non-negative decimal in USD, e.g. 55.00, not '" << v << "'\n";
                    return 2;
                }
            } else {
                (s == "--trade-url" ? trade_url : journal) = std::string(v);
            }
        } else if (!item_word("buy", s, name)) {
            return 2;
        }
    }
    if (!best && name) {
        std::cerr << "error: buy needs --best (the only way to buy by name: the cheapest offer across the markets)\n";
        return 2;
    }
    if (name && (!max_price || !trade_url || !journal)) {
        std::cerr << "error: buy --best needs --max-price, --trade-url and --journal\n";
        return 2;
    }
    auto key = item_arg("buy", name, c);
    if (!key)
        return 2;
    auto to = cs2market::trade_url::parse(*trade_url);
    if (!to) {
        std::cerr << "error: " << to.error().message() << "\n";
        return 2;
    }
    auto st = open_store(*journal);
    if (!st) {
        std::cerr << "error: " << st.error().message() << "\n";
        return 1;
    }
    opts.journal = st->journal;
    if (st->limiter)
        opts.limiter = st->limiter;
    opts.hook = kill_hook();

    // One client and one venue per provider; keys from the usual environment variables.
    boost::asio::io_context ioc;
    std::vector<std::shared_ptr<void>> keep;
    std::vector<std::shared_ptr<cs2market::buy_venue>> venues;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) {
        using P = decltype(p);
        if constexpr (buying<P>) {
            auto client = std::make_shared<cs2market::basic_client<P>>(ioc.get_executor(), opts);
            venues.push_back(std::make_shared<typename cs2market::buy_venue_for<P>::type>(*client));
            keep.push_back(client);
        }
    });
    cs2market::buy_best_options bo;
    bo.accept_undocumented_fee = any_fee;
    std::optional<cs2market::route_result> got;
    cs2market::async_buy_best(ioc.get_executor(), venues, st->journal, *key, c, *max_price, *to, bo,
                              [&got](cs2market::route_result r) { got = std::move(r); });
    ioc.run();
    if (!got) { // cannot happen: run() returns once the route has ended
        std::cerr << "error: no answer\n";
        return 1;
    }
    for (const auto& e : got->quote_errors) // a provider that could not quote: the others' offers still count
        std::cerr << "note: " << e.message() << "\n";
    using outcome = cs2market::route_result::outcome;
    if (got->what != outcome::bought) {
        std::cerr << "error: " << (got->reason ? got->reason->message() : std::string("nothing bought")) << "\n";
        if (got->what == outcome::at_risk && got->bought) {
            std::cerr << "error: the buy on " << got->bought->provider.name() << " under id " << got->bought->id
                      << " may have been made (phase " << to_string(got->bought->phase)
                      << "): nothing else was bought; `cs2market orders resume --journal ...` follows it\n";
            return 3;
        }
        std::cerr << "nothing was bought (route " << got->route_id << ", " << got->attempts << " attempt(s))\n";
        return 1;
    }
    const auto& o = *got->bought;
    const auto& q = *got->offer;
    // What the order says it cost when the answer told it, else the quoted price.
    const cs2market::decimal price = o.price ? *o.price : q.price;
    if (json) {
        std::cout << R"({"provider":)" << cs2market::to_json(std::string(o.provider.name())) << R"(,"listing_id":)"
                  << cs2market::to_json(q.listing_id) << R"(,"price":)" << cs2market::to_json(price.to_string()) << R"(,"id":)"
                  << cs2market::to_json(o.id) << R"(,"order_id":)"
                  << (o.order_id.empty() ? std::string("null") : cs2market::to_json(o.order_id)) << "}\n";
    } else {
        std::cout << o.provider.name() << ' ' << q.listing_id << ' ' << price << ' ' << o.id << '\n';
    }
    return 0;
}

} // namespace cli
