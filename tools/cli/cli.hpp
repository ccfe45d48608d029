// cs2market CLI: what the command files share.
#ifndef CS2MARKET_TOOLS_CLI_HPP
#define CS2MARKET_TOOLS_CLI_HPP

#include <cs2market/client_options.hpp>
#include <cs2market/journal.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli {

/// `cs2market call <provider> <operation> name=value ... [options]`, parsed.
struct call_args {
    std::string provider;
    std::string operation;
    std::vector<std::pair<std::string, std::string>> params;
    cs2market::client_options options;
};

/// The usage lines; usage() prints them to stderr and returns 2.
void usage_text(std::ostream& os);
int usage();

/// What a --journal argument names: an SQLite file (a journal), or a PostgreSQL
/// store, postgresql://... (a journal and the rate budgets shared through it).
struct store {
    std::shared_ptr<cs2market::journal> journal;
    std::shared_ptr<cs2market::rate_limiter> limiter; ///< null: each process counts for itself
};
cs2market::result<store> open_store(const std::string& spec);

/// `cs2market list [--json]`.
int list_operations(bool json);
/// `cs2market help [PROVIDER [OPERATION]]` (empty: the level above).
int help(std::string_view provider, std::string_view operation);
/// `cs2market completion bash|zsh`.
int completion(std::string_view shell);
/// `cs2market audit FILE...`: recorded responses decoded, drift tabled.
int audit(const std::vector<std::string_view>& files);
/// The drift a call or an audit found, as a table (nothing when there is none).
void print_drift(std::ostream& os, const cs2market::drift_report& r, bool with_header);
/// `cs2market call ...` (2 for bad usage, 1 for a failed call, 0 on success).
int call(const call_args& a);
/// `cs2market orders list|resume|exposure ...`.
int orders(const std::vector<std::string_view>& args);

} // namespace cli

#endif
