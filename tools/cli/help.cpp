// cs2market CLI: `help`, `--help`, `list [--json]` and `completion bash|zsh`, all
// read from the generated help tables (<p>/generated/help.hpp), so what they say
// is what the schemas say.
#include "cli.hpp"

#include <cs2market/detail/json_writer.hpp>
#include <cs2market_registry/help.hpp> // every provider's help tables

#include <boost/mp11/algorithm.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

namespace {

using providers = cs2market::registry::providers;
template <class P>
using ops_of = typename cs2market::provider_operations<P>::type;

std::string_view where(cs2market::param_in in)
{
    switch (in) {
    case cs2market::param_in::path: return "path";
    case cs2market::param_in::query: return "query";
    case cs2market::param_in::header: return "header";
    case cs2market::param_in::body: return "body";
    }
    return "query";
}

/// `text` wrapped at 100 columns, each line indented by `indent`.
void wrapped(std::ostream& os, std::string_view text, std::size_t indent)
{
    const std::size_t width = 100;
    std::size_t col = 0;
    std::istringstream words{std::string(text)};
    std::string w;
    while (words >> w) {
        if (col > 0 && col + 1 + w.size() > width) {
            os << '\n';
            col = 0;
        }
        if (col == 0) {
            os << std::string(indent, ' ');
            col = indent;
        } else {
            os << ' ';
            ++col;
        }
        os << w;
        col += w.size();
    }
    if (col > 0)
        os << '\n';
}

std::string padded(std::string_view s, std::size_t n)
{
    std::string out(s);
    if (out.size() < n)
        out.append(n - out.size(), ' ');
    return out;
}

std::string window_text(long long ms)
{
    if (ms % 60000 == 0)
        return ms == 60000 ? "minute" : std::to_string(ms / 60000) + " minutes";
    if (ms % 1000 == 0)
        return ms == 1000 ? "second" : std::to_string(ms / 1000) + " seconds";
    return std::to_string(ms) + " ms";
}

template <class P>
std::size_t operation_count()
{
    return boost::mp11::mp_size<ops_of<P>>::value;
}

void overview(std::ostream& os)
{
    os << "cs2market: every documented operation of the supported CS2 skin marketplaces, from their schemas.\n\n";
    usage_text(os);
    os << "\nproviders:\n";
    boost::mp11::mp_for_each<providers>([&](auto p) {
        using P = decltype(p);
        os << "  " << padded(P::info.name, 10) << cs2market::provider_help<P>::title << " (" << operation_count<P>()
           << " operations; key from " << P::info.credential_env << ")\n";
    });
    os << "\n"
          "  cs2market help PROVIDER              the provider's operations and rate limits\n"
          "  cs2market help PROVIDER OPERATION    an operation's parameters, response, errors, limits\n"
          "  cs2market call PROVIDER OPERATION --help   the same\n"
          "  cs2market completion bash|zsh        a shell completion script\n";
}

template <class P>
void provider_page(std::ostream& os)
{
    using H = cs2market::provider_help<P>;
    os << P::info.name << ": " << H::title << "\n";
    wrapped(os, H::description, 0);
    os << "base URL " << P::info.default_base_url << "; key from " << P::info.credential_env << "\n";
    if (!H::buckets.empty()) {
        os << "\nrate limits (per key):\n";
        for (const auto& b : H::buckets) {
            os << "  " << padded(b.name, 12) << b.requests << " per " << window_text(b.window_ms) << "\n";
            wrapped(os, b.description, 6);
        }
    }
    os << "\noperations:\n";
    std::size_t w = 0;
    boost::mp11::mp_for_each<ops_of<P>>([&](auto op) { w = std::max(w, decltype(op)::name.size()); });
    boost::mp11::mp_for_each<ops_of<P>>([&](auto op) {
        using Op = decltype(op);
        os << "  " << padded(Op::name, w + 2) << padded(cs2market::to_string(Op::method), 7) << Op::path << "\n";
    });
    os << "\ncs2market help " << P::info.name << " OPERATION: its parameters, response, errors and limits.\n";
}

template <class P, class Op>
void operation_page(std::ostream& os)
{
    using H = cs2market::operation_help<Op>;
    os << P::info.name << ' ' << Op::name << ": " << cs2market::to_string(Op::method) << ' ' << Op::path << "\n";
    wrapped(os, H::description, 2);
    if (H::fields.empty()) {
        os << "\nparameters: none\n";
    } else {
        bool body = false;
        for (const auto& f : H::fields)
            body = body || f.in == cs2market::param_in::body;
        os << "\nparameters (name=value, lists comma-separated"
           << (body ? "; or the whole request body as body='{...}'" : "") << "):\n";
        std::size_t w = 0;
        for (const auto& f : H::fields)
            w = std::max(w, f.name.size());
        for (const auto& f : H::fields) {
            os << "  " << padded(f.name, w + 2) << padded(where(f.in), 8) << f.type << ", "
               << (f.required ? "required" : "optional");
            if (!f.default_value.empty())
                os << ", default " << f.default_value;
            if (!f.settable)
                os << ", within body='{...}'";
            os << "\n";
            wrapped(os, f.description, w + 14);
            if (!f.values.empty()) {
                os << std::string(w + 14, ' ') << "values:\n";
                std::size_t vw = 0;
                for (const auto& v : f.values)
                    vw = std::max(vw, v.value.size() + (v.name.empty() ? 0 : v.name.size() + 3));
                for (const auto& v : f.values) {
                    std::string label(v.value);
                    if (!v.name.empty())
                        label += " (" + std::string(v.name) + ")";
                    os << std::string(w + 16, ' ') << padded(label, vw + 2) << v.description << "\n";
                }
            }
        }
    }
    os << "\nresponse: " << H::response;
    if constexpr (H::bulk.is_bulk)
        os << "; a bulk file of " << (H::bulk.ndjson ? "NDJSON" : "JSON array") << (H::bulk.gzip ? ", gzip" : "")
           << (H::bulk.via_link ? ", behind the link this answers with" : "") << " (cs2market/net/bulk.hpp)";
    os << "\n";
    if (!H::errors.empty()) {
        os << "\ndocumented errors:\n";
        for (const auto& e : H::errors) {
            os << "  " << e.code;
            const char* sep = " (";
            for (const auto& f : e.facts) {
                os << sep << f.key << ' ' << f.value;
                sep = ", ";
            }
            os << (*sep == ',' ? ")" : "") << "\n";
            wrapped(os, e.description, 6);
        }
    }
    os << "\nrate limits: " << (H::rate_buckets.empty() ? "none documented" : "");
    for (std::size_t i = 0; i < H::rate_buckets.size(); ++i)
        for (const auto& b : cs2market::provider_help<P>::buckets)
            if (b.name == H::rate_buckets[i])
                os << (i ? ", " : "") << b.name << " (" << b.requests << " per " << window_text(b.window_ms) << " per key)";
    os << "\n";
    if (!H::exactly_once.id.empty()) {
        os << "exactly-once id: " << H::exactly_once.id << " (generated when not given); ";
        if (H::exactly_once.replays)
            os << "the provider replays a repeated id with the original outcome\n";
        else if (!H::exactly_once.lookup.empty())
            os << "a lost answer is looked up with " << H::exactly_once.lookup << ' ' << H::exactly_once.lookup_param << "=ID\n";
        else
            os << "the provider does not replay it\n";
        os << "  --journal PATH journals the buy before it is sent (see cs2market orders)\n";
    }
}

/// Calls f.template operator()<P>() for provider `name`; false when there is none.
template <class F>
bool with_provider(std::string_view name, F&& f)
{
    bool found = false;
    boost::mp11::mp_for_each<providers>([&](auto p) {
        using P = decltype(p);
        if (!found && P::info.name == name) {
            found = true;
            f(p);
        }
    });
    return found;
}

void unknown_provider(std::string_view name)
{
    std::cerr << "error: unknown provider '" << name << "' (";
    const char* sep = "";
    boost::mp11::mp_for_each<providers>([&](auto p) {
        std::cerr << sep << decltype(p)::info.name;
        sep = ", ";
    });
    std::cerr << ")\n";
}

} // namespace

int help(std::string_view provider, std::string_view operation)
{
    if (provider.empty()) {
        overview(std::cout);
        return 0;
    }
    int rc = 0;
    if (!with_provider(provider, [&](auto p) {
            using P = decltype(p);
            if (operation.empty()) {
                provider_page<P>(std::cout);
                return;
            }
            bool found = false;
            boost::mp11::mp_for_each<ops_of<P>>([&](auto op) {
                using Op = decltype(op);
                if (!found && Op::name == operation) {
                    found = true;
                    operation_page<P, Op>(std::cout);
                }
            });
            if (!found) {
                std::cerr << "error: " << provider << " has no operation '" << operation << "' (see `cs2market help " << provider
                          << "`)\n";
                rc = 2;
            }
        })) {
        unknown_provider(provider);
        return 2;
    }
    return rc;
}

int list_operations(bool json)
{
    std::string out = json ? "[" : "";
    boost::mp11::mp_for_each<providers>([&](auto p) {
        using P = decltype(p);
        boost::mp11::mp_for_each<ops_of<P>>([&](auto op) {
            using Op = decltype(op);
            const auto method = cs2market::to_string(Op::method);
            if (!json) {
                out.append(P::info.name).append(" ").append(Op::name).append(" ").append(method).append(" ").append(Op::path) += '\n';
                return;
            }
            out += out.size() > 1 ? ",{" : "{";
            const std::pair<std::string_view, std::string_view> kv[] = {
                {"provider", P::info.name}, {"operation", Op::name}, {"method", method}, {"path", Op::path}};
            for (const auto& [k, v] : kv) {
                if (k != "provider")
                    out += ',';
                cs2market::detail::write_string(out, k);
                out += ':';
                cs2market::detail::write_string(out, v);
            }
            out += '}';
        });
    });
    if (json)
        out += "]\n";
    std::cout << out;
    return 0;
}

} // namespace cli
