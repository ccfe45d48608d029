// cs2market: bodies of detail/envelope.hpp.
#ifndef CS2MARKET_IMPL_ENVELOPE_IPP
#define CS2MARKET_IMPL_ENVELOPE_IPP

#include <cs2market/detail/envelope.hpp>
#include <cs2market/detail/json_decoder.hpp>
#include <cs2market/detail/redact.hpp>
#include <cs2market/request.hpp>

namespace cs2market::detail {

CS2MARKET_DECL bool scalar_matches(const tape& t, std::uint32_t idx, const json_scalar& s)
{
    if (idx == 0)
        return s.type == json_scalar::kind::null; // a missing field counts as null
    const jnode& n = t.nodes[idx];
    // Providers send booleans and integers as strings too ("success":"false",
    // "errorCode":"0"); a rule about a boolean or an integer reads them by value,
    // or a failure would pass for a success and the other way round.
    switch (s.type) {
    case json_scalar::kind::null: return n.kind == jkind::null;
    case json_scalar::kind::boolean:
        if (n.kind == jkind::string)
            return t.text(n) == (s.b ? "true" : "false");
        return n.kind == jkind::boolean && n.flag == s.b;
    case json_scalar::kind::integer: {
        std::int64_t v = 0;
        return (n.kind == jkind::number || n.kind == jkind::string) && integer_from_text(t.text(n), v) && v == s.i;
    }
    case json_scalar::kind::string: return n.kind == jkind::string && t.text(n) == s.s;
    }
    return false;
}

/// Text of a scalar field for error reports ("140015", "order_not_found").
CS2MARKET_DECL std::string field_text(const tape& t, std::uint32_t root, std::string_view field)
{
    if (field.empty())
        return {};
    std::uint32_t v = t.find(root, field);
    if (v == 0)
        return {};
    const jnode& n = t.nodes[v];
    if (n.kind == jkind::string || n.kind == jkind::number)
        return std::string(t.text(n));
    return {};
}

CS2MARKET_DECL error response_error(const provider_info& prov, const http_response& r, std::string_view secret, error_kind kind,
                                    std::string code, std::string detail_text)
{
    error e;
    e.kind = kind;
    e.provider = prov.id;
    e.http_status = r.status;
    e.provider_code = redact(code, secret, 200);
    e.detail = redact(detail_text, secret, 4096);
    e.retry_after = r.retry_after;
    e.body = redact(r.body, secret, 4096);
    for (const auto& rule : prov.rate_limited_if)
        if ((rule.status != 0 && rule.status == r.status) || (!rule.code.empty() && rule.code == e.provider_code))
            e.kind = error_kind::rate_limited;
    return e;
}

CS2MARKET_DECL result<std::uint32_t> open_envelope(const provider_info& prov, const http_response& r, std::string_view secret,
                                                   const codec_options& opt, tape& t)
{
    error parse_err;
    if (!build_tape(r.body, t, opt, parse_err)) {
        for (const auto& rule : prov.rate_limited_if)
            if (!rule.body_prefix.empty() && std::string_view(r.body).substr(0, rule.body_prefix.size()) == rule.body_prefix)
                return response_error(prov, r, secret, error_kind::rate_limited, {}, "rate limited: " + redact(r.body, secret, 120));
        if (r.status >= 300 || r.status < 200)
            return response_error(prov, r, secret, error_kind::http_status, {}, "non-JSON body: " + redact(r.body, secret, 200));
        return response_error(prov, r, secret, error_kind::invalid_json, {}, parse_err.detail);
    }
    bool body_error = false;
    if (t.nodes[0].kind == jkind::object)
        for (const auto& rule : prov.error_if) {
            std::uint32_t v = t.find(0, rule.field);
            bool any = false;
            for (const auto& s : rule.values)
                any = any || scalar_matches(t, v, s);
            if (any != rule.negate) {
                body_error = true;
                break;
            }
        }
    if (body_error || r.status >= 300 || r.status < 200) {
        std::string code = field_text(t, 0, prov.code_field);
        std::string msg = field_text(t, 0, prov.message_field);
        if (code.empty() && r.status >= 300)
            return response_error(prov, r, secret, error_kind::http_status, {}, msg.empty() ? "unexpected HTTP status" : msg);
        return response_error(prov, r, secret, error_kind::provider, std::move(code), std::move(msg));
    }
    if (prov.data_field.empty())
        return std::uint32_t{0};
    std::uint32_t root = t.nodes[0].kind == jkind::object ? t.find(0, prov.data_field) : 0;
    return root == 0 ? no_payload : root;
}

CS2MARKET_DECL error arg_error(const provider_info& p, std::string what)
{
    return make_error(error_kind::invalid_argument, std::move(what), p.id);
}

} // namespace cs2market::detail

#endif
