// cs2market CLI: what the command files share.
#ifndef CS2MARKET_TOOLS_CLI_HPP
#define CS2MARKET_TOOLS_CLI_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/decimal.hpp>
#include <cs2market/item_key.hpp>
#include <cs2market/market/quote.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/orders/order.hpp>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
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
/// A line kept under a command's output while it runs, redrawn in place; only on a
/// terminal (`fd` is one): elsewhere every call does nothing.
class status_line {
public:
    /// On fd 1 (std::cout) or 2 (std::cerr), only when that fd is a terminal.
    explicit status_line(int fd);
    bool enabled() const noexcept { return on_; }
    /// Replaces the line (cut to the terminal's width).
    void show(std::string text);
    /// Removes it, before a line of output (then redraw()) or at the end.
    void clear();
    void redraw();

private:
    bool on_;
    int fd_;
    std::ostream& os_;
    bool shown_ = false;
    std::string text_;
};

/// "812 B", "64.0 KiB", "3.4 MiB": a byte count for a person.
std::string byte_size(std::uint64_t n);
/// A download's status: "received 1.2 MiB of 3.4 MiB" (of: when the total is known).
std::string download_line(std::uint64_t bytes, std::uint64_t total);

/// Whether provider_exposure says how much money's fate is unknown (`at_risk`).
template <class E>
inline constexpr bool has_at_risk = requires(const E& e) { e.at_risk; };
/// e.at_risk when provider_exposure has it (a template: the member is named only then).
template <class E>
cs2market::decimal at_risk_of(const E& e)
{
    if constexpr (has_at_risk<E>)
        return e.at_risk;
    else
        return {};
}
/// "in flight 12.5 · reversible 30 until 2026-07-06T12:00Z" over every provider.
std::string money_line(const std::vector<cs2market::order>& orders);
/// "7 orders: 2 delivering, 5 delivered".
std::string phase_counts(const std::vector<cs2market::order>& orders);
/// "2026-07-06T12:00:00Z".
std::string utc_text(cs2market::unix_ms ms);
/// `orders report --html FILE`: one self-contained HTML page of `all`.
int report(const std::vector<cs2market::order>& all, const std::string& file);

/// `cs2market quote NAME [--phase P] [--float-min X] [--float-max X] [--json] ...`.
int quote(const std::vector<std::string_view>& args);
/// `cs2market quote --help`.
void quote_help(std::ostream& os);
/// A phase as the core spells it ("Phase 2", "Black Pearl"), in any case.
std::optional<cs2market::doppler_phase> phase_named(std::string_view s);
/// A whole-string number (from_chars), or nothing.
std::optional<double> float_arg(std::string_view v);

/// The options `quote` and `buy` share (--phase, --float-min, --float-max, --base-url,
/// --ca-file, --rate-window) at args[i] (i moves past a value): nothing when args[i] is
/// none of them, 0 when taken, 2 for a bad value (said on stderr).
std::optional<int> market_option(const std::vector<std::string_view>& args, std::size_t& i, cs2market::quote_constraints& c,
                                 cs2market::client_options& opts);

/// A word of `command` that is not an option value: the item name (once), else
/// false after saying why on stderr.
bool item_word(std::string_view command, std::string_view s, std::optional<std::string>& name);
/// The item NAME names, with `c` checked against it; nothing after saying why on stderr.
std::optional<cs2market::item_key> item_arg(std::string_view command, const std::optional<std::string>& name,
                                            const cs2market::quote_constraints& c);

/// `cs2market buy NAME --best --max-price X --trade-url URL --journal PATH [--json] ...`.
int buy(const std::vector<std::string_view>& args);
/// `cs2market buy --help`.
void buy_help(std::ostream& os);

/// `cs2market orders list|resume|exposure|report ...`.
int orders(const std::vector<std::string_view>& args);

} // namespace cli

#endif
