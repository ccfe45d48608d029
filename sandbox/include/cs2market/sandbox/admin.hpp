// cs2market::sandbox — the sandbox's own records over HTTPS, for black-box tests
// (the executable): GET /_sandbox/purchases, GET /_sandbox/ledger and
// GET /_sandbox/listings, and POST /_sandbox/faults (one fault, as in a scenario,
// added while the sandbox runs: e.g. a sell-out between a quote and a buy) on the
// providers' port, under a path no provider uses, without a key. Amounts are
// exact decimals as strings. Account keys are never shown (a purchase names
// its account by user id); `?key=` filters by one.
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/scenario.hpp>

#include <boost/json.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace cs2market::sandbox {

inline constexpr std::string_view admin_prefix = "/_sandbox/";

namespace detail {

inline boost::json::object purchase_json(const purchase_record& p)
{
    boost::json::array items;
    for (const auto& it : p.items)
        items.push_back(boost::json::object{{"listing_id", it.listing_id},
                                            {"market_hash_name", it.market_hash_name},
                                            {"price", it.price.to_string()},
                                            {"refunded", it.refunded.to_string()},
                                            {"stage", it.stage}});
    return boost::json::object{{"provider", p.provider.name()},
                               {"account", p.account},
                               {"order_id", p.order_id},
                               {"ref", p.ref},
                               {"idempotency_key", p.idempotency_key},
                               {"price", p.price.to_string()},
                               {"charged", p.charged.to_string()},
                               {"refunded", p.refunded.to_string()},
                               {"stage", p.stage},
                               {"outcome", p.outcome},
                               {"items", std::move(items)}};
}

inline response admin_error(unsigned status, const std::string& code, const std::string& detail)
{
    return json_response(status, boost::json::serialize(boost::json::object{{"code", code}, {"detail", detail}}));
}

} // namespace detail

/// The answer to an admin request, or nullopt when `req` is not one (its path is not under
/// admin_prefix). Takes the market's lock.
inline std::optional<response> admin_answer(market& m, const request& req)
{
    if (req.target.rfind(admin_prefix, 0) != 0) // every provider request passes here: no parsing
        return std::nullopt;
    const query_t t = parse_target(req.target);
    const std::string_view what = std::string_view(t.path).substr(admin_prefix.size());
    if (what != "purchases" && what != "ledger" && what != "listings" && what != "faults")
        return detail::admin_error(404, "not_found",
                                   "sandbox admin endpoints: GET /_sandbox/purchases, GET /_sandbox/ledger, GET /_sandbox/listings, "
                                   "POST /_sandbox/faults");
    if (what == "faults") {
        if (req.method != "POST") {
            response r = detail::admin_error(405, "method_not_allowed", "POST only");
            r.headers.emplace_back("Allow", "POST");
            return r;
        }
        boost::system::error_code ec;
        auto jv = boost::json::parse(req.body, ec);
        if (ec || !jv.is_object())
            return detail::admin_error(400, "invalid_fault", "the body must be one fault as a JSON object");
        try {
            std::string provider;
            fault f = scenario_fault(jv.as_object(), provider);
            std::lock_guard lk(m.mu);
            f.provider = resolve_provider(m, provider);
            m.faults.add(f);
        } catch (const std::exception& e) {
            return detail::admin_error(400, "invalid_fault", e.what());
        }
        return json_response(200, R"({"added":1})");
    }
    if (req.method != "GET") {
        response r = detail::admin_error(405, "method_not_allowed", "GET only");
        r.headers.emplace_back("Allow", "GET");
        return r;
    }
    std::lock_guard lk(m.mu);
    m.advance();
    if (what == "ledger") {
        boost::json::object out;
        for (const auto& b : m.books()) {
            const money_audit a = m.audit(b.id);
            out[b.id.name()] = boost::json::object{{"purchases", b.purchases},
                                                   {"charged", a.charged.to_string()},
                                                   {"refunded", a.refunded.to_string()},
                                                   {"minted", a.minted.to_string()},
                                                   {"balances", a.balances.to_string()},
                                                   {"seller_proceeds", a.seller_proceeds.to_string()},
                                                   {"balanced", a.balanced()}};
        }
        return json_response(200, boost::json::serialize(out));
    }
    ::cs2market::provider_id p;
    if (auto name = t.get("provider"); name && !name->empty()) {
        auto found = m.provider_named(*name);
        if (!found)
            return detail::admin_error(400, "unknown_provider", "no provider '" + *name + "' in this sandbox");
        p = *found;
    }
    if (what == "listings") { // what is on sale (of one name, one provider when asked): the truth of a quote
        const auto name = t.get("name");
        boost::json::array rows;
        for (const auto& b : m.books()) {
            if (!p.empty() && b.id != p)
                continue;
            for (std::size_t li = 0; li < b.listings.size(); ++li) {
                const listing& l = b.listings[li];
                if (l.sold || (name && m.type_of(l).market_hash_name != *name))
                    continue;
                rows.push_back(boost::json::object{{"provider", b.id.name()},
                                                   {"listing_id", m.wire_listing_id(b.id, li)},
                                                   {"market_hash_name", m.type_of(l).market_hash_name},
                                                   {"price", l.price.to_string()},
                                                   {"float", l.float_value},
                                                   {"paint_seed", l.paint_seed},
                                                   {"paint_index", l.paint_index},
                                                   {"hold", l.hold}});
            }
        }
        return json_response(200, boost::json::serialize(boost::json::object{{"listings", std::move(rows)}}));
    }
    const auto key = t.get("key");
    const auto ref = t.get("ref");
    boost::json::array rows;
    for (const auto& r : m.purchase_records(p))
        if ((!key || r.key == *key) && (!ref || r.ref == *ref))
            rows.push_back(detail::purchase_json(r));
    return json_response(200, boost::json::serialize(boost::json::object{{"purchases", std::move(rows)}}));
}

} // namespace cs2market::sandbox
