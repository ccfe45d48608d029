// cs2market: command-line access to every generated operation, and to the
// orders a journal follows.
//
//   cs2market list [--json]
//   cs2market help [<provider> [<operation>]]       (or --help after any command)
//   cs2market call <provider> <operation> name=value ... [--base-url URL] [--ca-file PEM]
//                  [--journal PATH|postgresql://...] [--rate-window MS] [--no-retry] [--drift]
//   cs2market orders list --journal PATH|postgresql://... [--json]
//   cs2market orders resume --journal PATH|postgresql://... [--timeout SECONDS] [--base-url URL] [--ca-file PEM]
//                           [--poll-ms MS] [--owner NAME] [--lease MS] [--max-orders N]
//                           [--trade-protection-ms MS] [--settle-margin-ms MS]
//   cs2market orders exposure --journal PATH|postgresql://... [--json]
//   cs2market orders report --journal PATH|postgresql://... --html FILE
//   cs2market quote NAME [--phase P] [--float-min X] [--float-max X] [--json] [--base-url URL] [--ca-file PEM]
//                  [--rate-window MS] [--no-retry]
//   cs2market buy NAME --best --max-price X --trade-url URL --journal PATH|postgresql://... [--json]
//                 [--phase P] [--float-min X] [--float-max X] [--accept-undocumented-fee] [--base-url URL]
//                 [--ca-file PEM] [--rate-window MS] [--no-retry]
//   cs2market audit PROVIDER.OPERATION.json ...
//   cs2market completion bash|zsh
//
// --journal postgresql://... (libpq's URI; PGHOST, PGPASSWORD etc. fill in what
// it leaves out) journals in PostgreSQL and draws every call's rate budget from
// budgets shared by every process using that database.
//
// Parameter names are the wire names; list values are comma-separated; request
// body fields are given by their wire names too (or the whole body as body='{...}').
// Keys come from CS2DT_APP_KEY, CSBOARD_API_KEY and SKINIFY_TOKEN.
#include "cli.hpp"

#include <cs2market/drift.hpp>
#include <cs2market/net/policies.hpp>

#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

void usage_text(std::ostream& os)
{
    os << "usage: cs2market list [--json]\n"
          "       cs2market help [<provider> [<operation>]]   (or --help after any command)\n"
          "       cs2market call <provider> <operation> name=value ... [--base-url URL] [--ca-file PEM]\n"
          "                      [--journal PATH|postgresql://...] [--rate-window MS] [--no-retry] [--drift]\n"
          "       cs2market orders list --journal PATH|postgresql://... [--json]\n"
          "       cs2market orders resume --journal PATH|postgresql://... [--timeout SECONDS] [--base-url URL]\n"
          "                               [--ca-file PEM] [--poll-ms MS] [--owner NAME] [--lease MS] [--max-orders N]\n"
          "                               [--trade-protection-ms MS] [--settle-margin-ms MS]\n"
          "       cs2market orders exposure --journal PATH|postgresql://... [--json]\n"
          "       cs2market orders report --journal PATH|postgresql://... --html FILE\n"
          "       cs2market quote NAME [--phase P] [--float-min X] [--float-max X] [--json] [--base-url URL]\n"
          "                       [--ca-file PEM] [--rate-window MS] [--no-retry]\n"
          "       cs2market buy NAME --best --max-price X --trade-url URL --journal PATH|postgresql://... [--json]\n"
          "                     [--phase P] [--float-min X] [--float-max X] [--accept-undocumented-fee] [--base-url URL]\n"
          "                     [--ca-file PEM] [--rate-window MS] [--no-retry]\n"
          "       cs2market audit PROVIDER.OPERATION.json ...\n"
          "       cs2market completion bash|zsh\n";
}

int usage()
{
    usage_text(std::cerr);
    return 2;
}

} // namespace cli

namespace {

bool is_help(std::string_view s) { return s == "--help" || s == "-h"; }

/// `--help` anywhere: the help of what the words before it name.
int help_for(const std::vector<std::string_view>& args)
{
    std::vector<std::string_view> words;
    for (auto a : args)
        if (!is_help(a) && a.rfind("--", 0) != 0 && a.find('=') == std::string_view::npos)
            words.push_back(a);
    if (!words.empty() && (words[0] == "call" || words[0] == "help"))
        return cli::help(words.size() > 1 ? words[1] : "", words.size() > 2 ? words[2] : "");
    if (words.empty())
        return cli::help("", "");
    if (words[0] == "quote") {
        cli::quote_help(std::cout);
        return 0;
    }
    if (words[0] == "buy") {
        cli::buy_help(std::cout);
        return 0;
    }
    cli::usage_text(std::cout);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty())
        return cli::usage();
    for (auto a : args)
        if (is_help(a))
            return help_for(args);
    if (args[0] == "help") {
        if (args.size() > 3)
            return cli::usage();
        return cli::help(args.size() > 1 ? args[1] : "", args.size() > 2 ? args[2] : "");
    }
    if (args[0] == "list") {
        if (args.size() > 2 || (args.size() == 2 && args[1] != "--json"))
            return cli::usage();
        return cli::list_operations(args.size() == 2);
    }
    if (args[0] == "completion")
        return args.size() == 2 ? cli::completion(args[1]) : cli::usage();
    if (args[0] == "audit")
        return cli::audit(std::vector<std::string_view>(args.begin() + 1, args.end()));
    if (args[0] == "orders")
        return cli::orders(args);
    if (args[0] == "quote")
        return cli::quote(args);
    if (args[0] == "buy")
        return cli::buy(args);
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
        } else if (s == "--drift") {
            a.options.drift = std::make_shared<cs2market::drift_report>();
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
