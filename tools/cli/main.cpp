// cs2market: command-line access to every generated operation, and to the
// orders a journal follows.
//
//   cs2market list
//   cs2market call <provider> <operation> name=value ... [--base-url URL] [--ca-file PEM]
//                  [--journal PATH|postgresql://...] [--rate-window MS] [--no-retry]
//   cs2market orders list --journal PATH|postgresql://... [--json]
//   cs2market orders resume --journal PATH|postgresql://... [--timeout SECONDS] [--base-url URL] [--ca-file PEM]
//                           [--poll-ms MS] [--owner NAME] [--lease MS] [--max-orders N]
//                           [--trade-protection-ms MS] [--settle-margin-ms MS]
//   cs2market orders exposure --journal PATH|postgresql://... [--json]
//
// --journal postgresql://... (libpq's URI; PGHOST, PGPASSWORD etc. fill in what
// it leaves out) journals in PostgreSQL and draws every call's rate budget from
// budgets shared by every process using that database.
//
// Parameter names are the wire names; list values are comma-separated; request
// body fields are given by their wire names too (or the whole body as body='{...}').
// Keys come from CS2DT_APP_KEY, CSBOARD_API_KEY and SKINIFY_TOKEN.
#include "cli.hpp"

#include <cs2market/policies.hpp>

#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

int usage()
{
    std::cerr << "usage: cs2market list\n"
                 "       cs2market call <provider> <operation> name=value ... [--base-url URL] [--ca-file PEM]\n"
                 "                      [--journal PATH|postgresql://...] [--rate-window MS] [--no-retry]\n"
                 "       cs2market orders list --journal PATH|postgresql://... [--json]\n"
                 "       cs2market orders resume --journal PATH|postgresql://... [--timeout SECONDS] [--base-url URL]\n"
                 "                               [--ca-file PEM] [--poll-ms MS] [--owner NAME] [--lease MS] [--max-orders N]\n"
                 "                               [--trade-protection-ms MS] [--settle-margin-ms MS]\n"
                 "       cs2market orders exposure --journal PATH|postgresql://... [--json]\n";
    return 2;
}

} // namespace cli

int main(int argc, char** argv)
{
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty())
        return cli::usage();
    if (args[0] == "list")
        return cli::list_operations();
    if (args[0] == "orders")
        return cli::orders(args);
    if (args[0] != "call" || args.size() < 3)
        return cli::usage();
    cli::call_args a;
    a.provider = std::string(args[1]);
    a.operation = std::string(args[2]);
    std::string journal;
    for (std::size_t i = 3; i < args.size(); ++i) {
        auto s = args[i];
        if (s == "--base-url" || s == "--ca-file" || s == "--journal" || s == "--rate-window") {
            if (i + 1 >= args.size())
                return cli::usage();
            const std::string v(args[++i]);
            if (s == "--base-url")
                a.options.base_url = v;
            else if (s == "--ca-file")
                a.options.ca_file = v;
            else if (s == "--journal")
                journal = v;
            else {
                long long ms = 0;
                auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
                if (ec != std::errc() || p != v.data() + v.size() || ms <= 0) {
                    std::cerr << "error: --rate-window takes a positive number of milliseconds\n";
                    return 2;
                }
                a.options.rate_window = std::chrono::milliseconds(ms);
            }
        } else if (s == "--no-retry") {
            a.options.retry = cs2market::retry_policy::none();
        } else if (auto eq = s.find('='); eq != std::string_view::npos && eq > 0) {
            a.params.emplace_back(std::string(s.substr(0, eq)), std::string(s.substr(eq + 1)));
        } else {
            std::cerr << "error: expected name=value, got '" << s << "'\n";
            return 2;
        }
    }
    if (!journal.empty()) {
        auto st = cli::open_store(journal);
        if (!st) {
            std::cerr << "error: " << st.error().message() << "\n";
            return 1;
        }
        a.options.journal = std::move(st->journal);
        if (st->limiter) // a PostgreSQL store: every operation draws from the shared budgets
            a.options.limiter = std::move(st->limiter);
    }
    return cli::call(a);
}
