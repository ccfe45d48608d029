// cs2market::sandbox — scenario files (see sandbox/README.md): option overrides,
// accounts, outcome rules, rate limits and faults, in JSON. Parsing names
// providers by string; `apply_scenario` resolves them against the providers the
// market serves (an unknown name is an error).
#pragma once

#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/state.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs2market::sandbox {

/// A parsed scenario; provider names still unresolved ("" = none given).
struct scenario {
    struct account_entry { std::string provider; account acc; };
    struct rule_entry { std::string provider; outcome_rule rule; };
    struct limit_entry { std::string provider; std::string bucket; int limit = 0; };
    struct fault_entry { std::string provider; fault f; };

    std::vector<account_entry> accounts;
    std::vector<rule_entry> outcomes;
    std::vector<limit_entry> rate_limits;
    std::vector<fault_entry> faults;
};

namespace detail {

inline ::cs2market::decimal scenario_decimal(const boost::json::value& v)
{
    using dec = ::cs2market::decimal;
    if (v.is_string())
        return dec::from_string(std::string(v.as_string()));
    if (v.is_int64())
        return dec::from_units(v.as_int64(), 0);
    if (v.is_uint64())
        return dec::from_units(static_cast<std::int64_t>(v.as_uint64()), 0);
    if (v.is_double()) {
        std::ostringstream s;
        s.precision(12);
        s << v.as_double();
        return dec::from_string(s.str());
    }
    throw std::invalid_argument("sandbox scenario: expected a number");
}
inline std::string scenario_str(const boost::json::object& o, const char* k)
{
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}
inline std::int64_t scenario_int(const boost::json::object& o, const char* k, std::int64_t def)
{
    auto it = o.find(k);
    if (it == o.end())
        return def;
    if (it->value().is_int64())
        return it->value().as_int64();
    if (it->value().is_uint64())
        return static_cast<std::int64_t>(it->value().as_uint64());
    if (it->value().is_double())
        return static_cast<std::int64_t>(it->value().as_double());
    return def;
}
inline void scenario_bool(const boost::json::object& o, const char* k, bool& out)
{
    if (auto it = o.find(k); it != o.end() && it->value().is_bool())
        out = it->value().as_bool();
}
inline const boost::json::array* scenario_array(const boost::json::object& o, const char* k)
{
    auto it = o.find(k);
    return it != o.end() && it->value().is_array() ? &it->value().as_array() : nullptr;
}

} // namespace detail

/// One fault of a scenario's "faults" (and of POST /_sandbox/faults); `provider` gets
/// its provider's name ("" = any).
inline fault scenario_fault(const boost::json::object& ro, std::string& provider)
{
    using namespace detail;
    fault f;
    provider = scenario_str(ro, "provider");
    f.path = scenario_str(ro, "path");
    if (auto k = scenario_str(ro, "kind"); !k.empty())
        f.kind = k;
    if (!is_fault_kind(f.kind))
        throw std::invalid_argument("sandbox scenario: unknown fault kind '" + f.kind + "'");
    f.status = static_cast<unsigned>(scenario_int(ro, "status", 500));
    if (auto b = scenario_str(ro, "body"); !b.empty())
        f.body = b;
    if (auto h = ro.find("headers"); h != ro.end()) {
        if (!h->value().is_object())
            throw std::invalid_argument("sandbox scenario: fault headers must be an object of strings");
        for (const auto& [name, value] : h->value().as_object()) {
            if (!value.is_string())
                throw std::invalid_argument("sandbox scenario: fault header '" + std::string(name) + "' is not a string");
            f.headers.emplace_back(std::string(name), std::string(value.as_string()));
        }
    }
    f.delay_ms = scenario_int(ro, "delay_ms", 0);
    f.field = scenario_str(ro, "field");
    if (auto it = ro.find("value"); it != ro.end()) // any JSON value: "teleported", 99
        f.value = boost::json::serialize(it->value());
    if (!f.field.empty() && f.value.empty())
        throw std::invalid_argument("sandbox scenario: a drift fault's field needs a value");
    if (auto u = scenario_str(ro, "unknown_field"); !u.empty())
        f.unknown_field = u;
    f.remaining = static_cast<int>(scenario_int(ro, "count", 1));
    f.listing_id = scenario_str(ro, "listing_id");
    f.price = scenario_str(ro, "price");
    if ((f.kind == "sell_out" || f.kind == "set_price") && f.listing_id.empty())
        throw std::invalid_argument("sandbox scenario: a " + f.kind + " fault needs a listing_id");
    if (f.kind == "set_price" && !::cs2market::decimal::parse(f.price))
        throw std::invalid_argument("sandbox scenario: a set_price fault needs a price (a decimal string)");
    return f;
}

/// Parses a scenario; its option overrides are applied to `opts` right away.
inline scenario parse_scenario(const std::string& text, options& opts)
{
    using namespace detail;
    boost::system::error_code ec;
    auto jv = boost::json::parse(text, ec);
    if (ec || !jv.is_object())
        throw std::invalid_argument("sandbox scenario: not a JSON object");
    const auto& o = jv.as_object();
    opts.seed = static_cast<std::uint64_t>(scenario_int(o, "seed", static_cast<std::int64_t>(opts.seed)));
    opts.step_ms = scenario_int(o, "step_ms", opts.step_ms);
    opts.delivery_steps = std::max<std::int64_t>(1, scenario_int(o, "delivery_steps", opts.delivery_steps));
    opts.rate_window_ms = scenario_int(o, "rate_window_ms", opts.rate_window_ms);
    opts.callback_retry_unit_ms = scenario_int(o, "callback_retry_unit_ms", opts.callback_retry_unit_ms);
    scenario_bool(o, "accept_any_key", opts.accept_any_key);
    scenario_bool(o, "default_rate_limits", opts.default_rate_limits);
    scenario_bool(o, "holds_wait_for_claim", opts.holds_wait_for_claim);
    if (auto it = o.find("default_balance"); it != o.end())
        opts.default_balance = scenario_decimal(it->value());
    if (auto s = scenario_str(o, "cs2dt_callback_url"); !s.empty())
        opts.cs2dt_callback_url = s;
    if (auto s = scenario_str(o, "cs2dt_app_secret"); !s.empty())
        opts.cs2dt_app_secret = s;

    scenario sc;
    if (auto* a = scenario_array(o, "accounts"))
        for (const auto& v : *a) {
            const auto& ao = v.as_object();
            scenario::account_entry e;
            e.provider = scenario_str(ao, "provider");
            if (e.provider.empty())
                throw std::invalid_argument("sandbox scenario: account without provider");
            e.acc.key = scenario_str(ao, "key");
            if (auto b = ao.find("balance"); b != ao.end())
                e.acc.settled = scenario_decimal(b->value());
            else
                e.acc.settled = opts.default_balance;
            if (auto h = ao.find("held"); h != ao.end())
                e.acc.held = scenario_decimal(h->value());
            e.acc.held_clears_at_ms = scenario_int(ao, "held_clears_after_ms", 5000);
            scenario_bool(ao, "trading_enabled", e.acc.trading_enabled);
            e.acc.callback_url = scenario_str(ao, "callback_url");
            sc.accounts.push_back(std::move(e));
        }
    if (auto* a = scenario_array(o, "outcomes"))
        for (const auto& v : *a) {
            const auto& ro = v.as_object();
            scenario::rule_entry e;
            e.provider = scenario_str(ro, "provider");
            e.rule.key = scenario_str(ro, "key");
            e.rule.ref = scenario_str(ro, "ref");
            e.rule.item = scenario_str(ro, "item");
            e.rule.nth = scenario_int(ro, "nth", 0);
            auto on = scenario_str(ro, "outcome");
            auto oc = outcome_from_string(on);
            if (!oc)
                throw std::invalid_argument("sandbox scenario: unknown outcome '" + on + "'");
            e.rule.out = *oc;
            const auto idx = scenario_int(ro, "item_index", 0);
            if (idx < 0)
                throw std::invalid_argument("sandbox scenario: item_index must be 0 or more");
            e.rule.item_index = static_cast<std::size_t>(idx);
            e.rule.remaining = static_cast<int>(scenario_int(ro, "count", -1));
            sc.outcomes.push_back(std::move(e));
        }
    if (auto* a = scenario_array(o, "rate_limits"))
        for (const auto& v : *a) {
            const auto& ro = v.as_object();
            sc.rate_limits.push_back({scenario_str(ro, "provider"), scenario_str(ro, "bucket"),
                                      static_cast<int>(scenario_int(ro, "limit", 0))});
        }
    if (auto* a = scenario_array(o, "faults"))
        for (const auto& v : *a) {
            scenario::fault_entry e;
            e.f = scenario_fault(v.as_object(), e.provider);
            sc.faults.push_back(std::move(e));
        }
    return sc;
}

/// The provider of that name ("" = none, i.e. any), or an error naming it.
inline ::cs2market::provider_id resolve_provider(const market& m, const std::string& name)
{
    if (name.empty())
        return {};
    if (auto p = m.provider_named(name))
        return *p;
    throw std::invalid_argument("sandbox scenario: unknown provider '" + name + "'");
}

/// Resolves every provider name first (nothing is applied when one is unknown), then
/// adds the accounts, rules and faults; rate limits go through `set_limit` (the
/// server knows the documented windows and the buckets' old names).
inline void apply_scenario(market& m, const scenario& sc,
                           const std::function<void(::cs2market::provider_id, const std::string&, int)>& set_limit)
{
    std::vector<::cs2market::provider_id> acc_p, rule_p, limit_p, fault_p;
    for (const auto& e : sc.accounts)
        acc_p.push_back(resolve_provider(m, e.provider));
    for (const auto& e : sc.outcomes)
        rule_p.push_back(resolve_provider(m, e.provider));
    for (const auto& e : sc.rate_limits)
        limit_p.push_back(resolve_provider(m, e.provider));
    for (const auto& e : sc.faults)
        fault_p.push_back(resolve_provider(m, e.provider));
    for (std::size_t i = 0; i < sc.outcomes.size(); ++i) {
        outcome_rule r = sc.outcomes[i].rule;
        r.p = rule_p[i];
        m.rules.push_back(r);
    }
    for (std::size_t i = 0; i < sc.faults.size(); ++i) {
        fault f = sc.faults[i].f;
        f.provider = fault_p[i];
        m.faults.add(f);
    }
    for (std::size_t i = 0; i < sc.rate_limits.size(); ++i)
        set_limit(limit_p[i], sc.rate_limits[i].bucket, sc.rate_limits[i].limit);
    for (std::size_t i = 0; i < sc.accounts.size(); ++i)
        m.add_account(acc_p[i], sc.accounts[i].acc);
}

} // namespace cs2market::sandbox
