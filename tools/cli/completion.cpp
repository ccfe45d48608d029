// cs2market CLI: `completion bash|zsh`: a shell script completing commands,
// providers, operations, parameter names (name=) and enum values, its data
// written from the generated help tables (so it completes what the schemas say).
#include "cli.hpp"

#include <cs2market_registry/help.hpp>

#include <boost/mp11/algorithm.hpp>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

namespace {

using providers = cs2market::registry::providers;

/// A shell word holding `s` verbatim: $'...' (bash and zsh both read it).
std::string quoted(std::string_view s)
{
    std::string out = "$'";
    for (char c : s) {
        if (c == '\\' || c == '\'')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "'";
}

std::string lines(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : "\n") + s;
    return out;
}

/// The tables the scripts complete from: providers, each provider's operations,
/// each operation's name=value parameters, each enum parameter's values.
struct tables {
    std::vector<std::string> providers;
    std::vector<std::pair<std::string, std::string>> ops;    // provider -> operations
    std::vector<std::pair<std::string, std::string>> params; // "provider operation" -> names
    std::vector<std::pair<std::string, std::string>> values; // "provider operation name" -> values
};

tables collect()
{
    tables t;
    boost::mp11::mp_for_each<providers>([&](auto p) {
        using P = decltype(p);
        t.providers.emplace_back(P::info.name);
        std::vector<std::string> names;
        boost::mp11::mp_for_each<typename cs2market::provider_operations<P>::type>([&](auto op) {
            using Op = decltype(op);
            using H = cs2market::operation_help<Op>;
            names.emplace_back(Op::name);
            const std::string key = std::string(P::info.name) + " " + std::string(Op::name);
            std::vector<std::string> params;
            bool body = false;
            for (const auto& f : H::fields) {
                body = body || f.in == cs2market::param_in::body;
                if (!f.settable)
                    continue;
                params.emplace_back(f.name);
                std::vector<std::string> vals;
                for (const auto& v : f.values) {
                    vals.emplace_back(v.value);
                    if (!v.name.empty()) // integer enums: the name reads too, and says more
                        vals.emplace_back(v.name);
                }
                if (f.type == "boolean")
                    vals = {"true", "false"};
                if (!vals.empty())
                    t.values.emplace_back(key + " " + std::string(f.name), lines(vals));
            }
            if (body)
                params.emplace_back("body");
            t.params.emplace_back(key, lines(params));
        });
        t.ops.emplace_back(P::info.name, lines(names));
    });
    return t;
}

void assoc(std::ostream& os, std::string_view name, const std::vector<std::pair<std::string, std::string>>& kv)
{
    os << name << "=(\n";
    for (const auto& [k, v] : kv)
        os << "    [" << quoted(k) << "]=" << quoted(v) << "\n";
    os << ")\n";
}

constexpr std::string_view commands = "list\ncall\norders\nquote\nbuy\nhelp\ncompletion\naudit";
constexpr std::string_view call_options = "--base-url\n--ca-file\n--journal\n--rate-window\n--no-retry\n--drift\n--help";
constexpr std::string_view orders_commands = "list\nresume\nexposure\nreport";
constexpr std::string_view quote_options =
    "--phase\n--float-min\n--float-max\n--json\n--base-url\n--ca-file\n--rate-window\n--no-retry\n--help";
constexpr std::string_view buy_options = "--best\n--max-price\n--trade-url\n--journal\n--json\n--phase\n--float-min\n--float-max\n"
                                         "--accept-undocumented-fee\n--base-url\n--ca-file\n--rate-window\n--no-retry\n--help";
constexpr std::string_view orders_options =
    "--journal\n--json\n--timeout\n--base-url\n--ca-file\n--poll-ms\n--owner\n--lease\n--max-orders\n--html\n--help";

void bash(const tables& t)
{
    std::cout << "# bash completion for cs2market, written by `cs2market completion bash` from the schemas' tables.\n"
                 "#   source <(cs2market completion bash)   # or save it as /etc/bash_completion.d/cs2market\n";
    std::cout << "_cs2market_providers=" << quoted(lines(t.providers)) << "\n";
    assoc(std::cout << "declare -gA ", "_cs2market_ops", t.ops);
    assoc(std::cout << "declare -gA ", "_cs2market_params", t.params);
    assoc(std::cout << "declare -gA ", "_cs2market_values", t.values);
    std::cout << "_cs2market() {\n"
                 "    # Words split on blanks only: name=value stays one word whatever COMP_WORDBREAKS holds.\n"
                 "    local line=${COMP_LINE:0:COMP_POINT} cur IFS=$'\\n' m\n"
                 "    local -a w\n"
                 "    IFS=$' \\t\\n' read -ra w <<<\"$line\"\n"
                 "    [[ ${#w[@]} -eq 0 || $line == *[[:space:]] ]] && w+=('')\n"
                 "    local n=${#w[@]}\n"
                 "    cur=${w[n-1]}\n"
                 "    COMPREPLY=()\n"
                 "    if ((n == 2)); then COMPREPLY=($(compgen -W " << quoted(commands) << " -- \"$cur\")); return; fi\n"
                 "    case ${w[1]} in\n"
                 "    call | help)\n"
                 "        if ((n == 3)); then COMPREPLY=($(compgen -W \"$_cs2market_providers\" -- \"$cur\")); return; fi\n"
                 "        if ((n == 4)); then COMPREPLY=($(compgen -W \"${_cs2market_ops[${w[2]}]}\" -- \"$cur\")); return; fi\n"
                 "        [[ ${w[1]} == help ]] && return\n"
                 "        case ${w[n-2]} in\n"
                 "        --journal | --ca-file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
                 "        --base-url | --rate-window) return ;;\n"
                 "        esac\n"
                 "        local key=\"${w[2]} ${w[3]}\"\n"
                 "        if [[ $cur == *=* ]]; then\n"
                 "            # bash replaces only what follows the last '=' when '=' breaks words.\n"
                 "            local name=${cur%%=*} pre=\n"
                 "            [[ $COMP_WORDBREAKS == *=* ]] || pre=\"$name=\"\n"
                 "            local vals=${_cs2market_values[\"$key $name\"]}\n"
                 "            [[ -n $vals ]] || return\n"
                 "            for m in $(compgen -W \"$vals\" -- \"${cur#*=}\"); do COMPREPLY+=(\"$pre$(printf %q \"$m\")\"); done\n"
                 "            return\n"
                 "        fi\n"
                 "        local words=\n"
                 "        for m in ${_cs2market_params[$key]}; do words+=\"$m=\"$'\\n'; done\n"
                 "        COMPREPLY=($(compgen -W \"$words\"" << quoted(call_options) << " -- \"$cur\"))\n"
                 "        [[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null\n"
                 "        ;;\n"
                 "    orders)\n"
                 "        if ((n == 3)); then COMPREPLY=($(compgen -W " << quoted(orders_commands) << " -- \"$cur\")); return; fi\n"
                 "        case ${w[n-2]} in --journal | --ca-file | --html) COMPREPLY=($(compgen -f -- \"$cur\")); return ;; esac\n"
                 "        COMPREPLY=($(compgen -W " << quoted(orders_options) << " -- \"$cur\"))\n"
                 "        ;;\n"
                 "    quote)\n"
                 "        case ${w[n-2]} in --ca-file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;; --phase | --float-* | --base-url | --rate-window) return ;; esac\n"
                 "        [[ $cur == -* ]] && COMPREPLY=($(compgen -W " << quoted(quote_options) << " -- \"$cur\"))\n"
                 "        ;;\n"
                 "    buy)\n"
                 "        case ${w[n-2]} in --ca-file | --journal) COMPREPLY=($(compgen -f -- \"$cur\")); return ;; --phase | --float-* | --base-url | --rate-window | --max-price | --trade-url) return ;; esac\n"
                 "        [[ $cur == -* ]] && COMPREPLY=($(compgen -W " << quoted(buy_options) << " -- \"$cur\"))\n"
                 "        ;;\n"
                 "    completion) ((n == 3)) && COMPREPLY=($(compgen -W $'bash\\nzsh' -- \"$cur\")) ;;\n"
                 "    audit) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
                 "    esac\n"
                 "}\n"
                 "complete -F _cs2market cs2market\n";
}

void zsh(const tables& t)
{
    std::cout << "#compdef cs2market\n"
                 "# zsh completion for cs2market, written by `cs2market completion zsh` from the schemas' tables.\n"
                 "#   source <(cs2market completion zsh)   # after compinit; or save it as _cs2market in your $fpath\n";
    std::cout << "typeset -g _cs2market_providers=" << quoted(lines(t.providers)) << "\n";
    std::cout << "typeset -gA _cs2market_ops _cs2market_params _cs2market_values\n";
    assoc(std::cout, "_cs2market_ops", t.ops);
    assoc(std::cout, "_cs2market_params", t.params);
    assoc(std::cout, "_cs2market_values", t.values);
    std::cout << "_cs2market() {\n"
                 "    local cur=${words[CURRENT]}\n"
                 "    local -a list\n"
                 "    if ((CURRENT == 2)); then list=(\"${(@f)$(print -r -- " << quoted(commands) << ")}\"); compadd -a list; return; fi\n"
                 "    case ${words[2]} in\n"
                 "    call | help)\n"
                 "        if ((CURRENT == 3)); then list=(\"${(@f)_cs2market_providers}\"); compadd -a list; return; fi\n"
                 "        if ((CURRENT == 4)); then list=(\"${(@f)_cs2market_ops[${words[3]}]}\"); compadd -a list; return; fi\n"
                 "        [[ ${words[2]} == help ]] && return\n"
                 "        case ${words[CURRENT-1]} in\n"
                 "        --journal | --ca-file) _files; return ;;\n"
                 "        --base-url | --rate-window) return ;;\n"
                 "        esac\n"
                 "        local key=\"${words[3]} ${words[4]}\"\n"
                 "        if [[ $cur == *=* ]]; then\n"
                 "            local name=${cur%%=*}\n"
                 "            compset -P '*='\n"
                 "            list=(\"${(@f)_cs2market_values[$key $name]}\")\n"
                 "            [[ -n ${list[1]} ]] && compadd -a list\n"
                 "            return\n"
                 "        fi\n"
                 "        list=(\"${(@f)_cs2market_params[$key]}\")\n"
                 "        compadd -S '' -- ${^list}=\n"
                 "        list=(\"${(@f)$(print -r -- " << quoted(call_options) << ")}\")\n"
                 "        compadd -a list\n"
                 "        ;;\n"
                 "    orders)\n"
                 "        if ((CURRENT == 3)); then list=(\"${(@f)$(print -r -- " << quoted(orders_commands) << ")}\"); compadd -a list; return; fi\n"
                 "        case ${words[CURRENT-1]} in --journal | --ca-file | --html) _files; return ;; esac\n"
                 "        list=(\"${(@f)$(print -r -- " << quoted(orders_options) << ")}\"); compadd -a list\n"
                 "        ;;\n"
                 "    quote)\n"
                 "        case ${words[CURRENT-1]} in --ca-file) _files; return ;; --phase | --float-* | --base-url | --rate-window) return ;; esac\n"
                 "        [[ $cur == -* ]] && { list=(\"${(@f)$(print -r -- " << quoted(quote_options) << ")}\"); compadd -a list; }\n"
                 "        ;;\n"
                 "    buy)\n"
                 "        case ${words[CURRENT-1]} in --ca-file | --journal) _files; return ;; --phase | --float-* | --base-url | --rate-window | --max-price | --trade-url) return ;; esac\n"
                 "        [[ $cur == -* ]] && { list=(\"${(@f)$(print -r -- " << quoted(buy_options) << ")}\"); compadd -a list; }\n"
                 "        ;;\n"
                 "    completion) ((CURRENT == 3)) && compadd bash zsh ;;\n"
                 "    audit) _files ;;\n"
                 "    esac\n"
                 "}\n"
                 "compdef _cs2market cs2market\n";
}

} // namespace

int completion(std::string_view shell)
{
    if (shell == "bash")
        bash(collect());
    else if (shell == "zsh")
        zsh(collect());
    else {
        std::cerr << "error: completion takes bash or zsh\n";
        return 2;
    }
    return 0;
}

} // namespace cli
