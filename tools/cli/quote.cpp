// cs2market CLI: `quote NAME [--phase P] [--float-min X] [--float-max X] [--json]`:
// every provider's offers of one item, cheapest first (cs2market::async_quote).
#include "cli.hpp"

#include <cs2market/json.hpp>
#include <cs2market/market/quote.hpp>
#include <cs2market/net/policies.hpp>
#include <cs2market_registry/market.hpp> // every provider's quote_source

#include <boost/asio/io_context.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cctype>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cli {

/// A phase as the core spells it ("Phase 2", "Black Pearl"), in any case.
std::optional<cs2market::doppler_phase> phase_named(std::string_view s)
{
    for (int i = 0; i <= static_cast<int>(cs2market::doppler_phase::emerald); ++i) {
        const auto p = static_cast<cs2market::doppler_phase>(i);
        const auto name = cs2market::to_string(p);
        if (name.size() == s.size() &&
            std::equal(name.begin(), name.end(), s.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return p;
    }
    return std::nullopt;
}

std::optional<double> float_arg(std::string_view v)
{
    double d = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || p != v.data() + v.size())
        return std::nullopt;
    return d;
}

std::optional<int> market_option(const std::vector<std::string_view>& args, std::size_t& i, cs2market::quote_constraints& c,
                                 cs2market::client_options& opts)
{
    const auto s = args[i];
    if (!(s == "--phase" || s == "--float-min" || s == "--float-max" || s == "--base-url" || s == "--ca-file" ||
          s == "--rate-window"))
        return std::nullopt;
    if (i + 1 >= args.size()) {
        std::cerr << "error: " << s << " needs a value\n";
        return 2;
    }
    const std::string_view v = args[++i];
    if (s == "--phase") {
        c.phase = phase_named(v);
        if (!c.phase) {
            std::cerr << "error: --phase takes Phase 1, Phase 2, Phase 3, Phase 4, Ruby, Sapphire, Black Pearl "
                         "or Emerald, not '"
                      << v << "'\n";
            return 2;
        }
    } else if (s == "--float-min" || s == "--float-max") {
        auto f = float_arg(v);
        if (!f) {
            std::cerr << "error: " << s << " takes a number from 0 to 1, not '" << v << "'\n";
            return 2;
        }
        (s == "--float-min" ? c.float_min : c.float_max) = f;
    } else if (s == "--base-url") {
        opts.base_url = std::string(v);
    } else if (s == "--ca-file") {
        opts.ca_file = std::string(v);
    } else {
        long long ms = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
        if (ec != std::errc() || p != v.data() + v.size() || ms <= 0) {
            std::cerr << "error: --rate-window takes a positive number of milliseconds\n";
            return 2;
        }
        opts.rate_window = std::chrono::milliseconds(ms);
    }
    return 0;
}

bool item_word(std::string_view command, std::string_view s, std::optional<std::string>& name)
{
    if (s.rfind("--", 0) == 0) {
        std::cerr << "error: " << command << " has no option '" << s << "'\n";
        return false;
    }
    if (name) {
        std::cerr << "error: " << command << " takes one item name (quote it: \"AK-47 | Redline (Field-Tested)\")\n";
        return false;
    }
    name = std::string(s);
    return true;
}

std::optional<cs2market::item_key> item_arg(std::string_view command, const std::optional<std::string>& name,
                                            const cs2market::quote_constraints& c)
{
    if (!name) {
        std::cerr << "error: " << command << " needs an item name, e.g. cs2market " << command
                  << " \"AK-47 | Redline (Field-Tested)\"\n";
        return std::nullopt;
    }
    auto key = cs2market::item_key::parse(*name);
    if (!key) {
        std::cerr << "error: " << key.error().message() << "\n";
        return std::nullopt;
    }
    if (auto ok = c.check(*key); !ok) {
        std::cerr << "error: " << ok.error().message() << "\n";
        return std::nullopt;
    }
    return std::move(*key);
}

namespace {

template <class P>
concept quoting = requires { typename cs2market::quote_source_for<P>::type; };

} // namespace

void quote_help(std::ostream& os)
{
    os << "usage: cs2market quote NAME [--phase P] [--float-min X] [--float-max X] [--json] [--base-url URL]\n"
          "                       [--ca-file PEM] [--rate-window MS] [--no-retry]\n"
          "\n"
          "Every provider's offers of one item (NAME: the market hash name, as Steam spells it), asked at once,\n"
          "cheapest first: one line per offer, `provider listing_id price availability age_ms`.\n"
          "  price         USD, exact, with the buyer's fee the provider documents\n"
          "  availability  instant, hold, or hold:TIME (a trade hold until TIME, UTC)\n"
          "  age_ms        how old the provider's data is\n"
          "  --phase P     Phase 1..Phase 4, Ruby, Sapphire, Black Pearl (Doppler), Emerald (Gamma Doppler)\n"
          "  --float-min X, --float-max X   the float range, inclusive (0 to 1)\n"
          "  --json        an array of {\"provider\", \"listing_id\", \"price\" (a string), \"availability\", \"age_ms\"}\n"
          "A listing that does not tell a fact a constraint asks for (a phase, a float) is left out.\n"
          "A provider that fails is named on stderr and its offers left out. Exit 0 when one provider\n"
          "answered, 1 when none did, 2 for bad input. Keys: CS2DT_APP_KEY, CSBOARD_API_KEY, SKINIFY_TOKEN.\n";
}

int quote(const std::vector<std::string_view>& args)
{
    std::optional<std::string> name;
    cs2market::quote_constraints c;
    bool json = false;
    cs2market::client_options opts;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto s = args[i];
        if (s == "--json") {
            json = true;
        } else if (s == "--no-retry") {
            opts.retry = cs2market::retry_policy::none();
        } else if (auto r = market_option(args, i, c, opts)) {
            if (*r != 0)
                return *r;
        } else if (!item_word("quote", s, name)) {
            return 2;
        }
    }
    auto key = item_arg("quote", name, c);
    if (!key)
        return 2;

    // One client and one source per provider; keys from the usual environment variables.
    boost::asio::io_context ioc;
    std::vector<std::shared_ptr<void>> keep;
    std::vector<std::shared_ptr<cs2market::quote_source>> sources;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) {
        using P = decltype(p);
        if constexpr (quoting<P>) {
            auto client = std::make_shared<cs2market::basic_client<P>>(ioc.get_executor(), opts);
            sources.push_back(std::make_shared<typename cs2market::quote_source_for<P>::type>(*client));
            keep.push_back(client);
        }
    });
    std::optional<cs2market::quotes> got;
    cs2market::async_quote(sources, *key, c, [&got](cs2market::quotes q) { got = std::move(q); });
    ioc.run();
    if (!got) { // cannot happen: run() returns once every source has answered
        std::cerr << "error: no answer\n";
        return 1;
    }
    const cs2market::unix_ms now = cs2market::now_unix_ms();
    for (const auto& e : got->errors) // a provider that failed: the others' offers still count
        std::cerr << "error: " << e.message() << "\n";
    if (json) {
        std::cout << '[';
        const char* sep = "";
        for (const auto& o : got->offers) {
            std::cout << sep << R"({"provider":)" << cs2market::to_json(std::string(o.provider.name()))
                      << R"(,"listing_id":)" << cs2market::to_json(o.listing_id) << R"(,"price":)"
                      << cs2market::to_json(o.price.to_string()) << R"(,"availability":)"
                      << cs2market::to_json(cs2market::to_string(o.available)) << R"(,"age_ms":)" << o.age_ms(now)
                      << '}';
            sep = ",";
        }
        std::cout << "]\n";
    } else {
        for (const auto& o : got->offers)
            std::cout << o.provider.name() << ' ' << o.listing_id << ' ' << o.price << ' '
                      << cs2market::to_string(o.available) << ' ' << o.age_ms(now) << '\n';
    }
    // Offers from every provider that answered; failure only when none could.
    return got->errors.size() == sources.size() && !sources.empty() ? 1 : 0;
}

} // namespace cli
