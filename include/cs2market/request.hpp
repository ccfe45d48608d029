// cs2market: building an operation's HTTP request and reading its response,
// separate from any I/O so the blocking and async executors share them.
#ifndef CS2MARKET_REQUEST_HPP
#define CS2MARKET_REQUEST_HPP

#include <cs2market/detail/params.hpp>
#include <cs2market/json.hpp>
#include <cs2market/operation.hpp>
#include <cs2market/raw_body.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs2market {

/// A request ready for the wire. `target` may hold a credential (CS2DT's
/// `app-key` query parameter); log `redacted_target` instead.
struct http_request {
    http_method method = http_method::get;
    std::string target;
    std::string redacted_target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body; ///< JSON, empty when the operation has none
    bool idempotent = true;
};

/// What the executor read back.
struct http_response {
    unsigned status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
    bool idempotent_replayed = false; ///< CSBoard's `Idempotent-Replayed: true`
    std::string content_type;
    std::string content_encoding;
    std::string etag;
};

/// The typed result of one call plus the transport facts a caller may need.
template <class T>
struct response {
    T value;
    unsigned http_status = 200;
    bool idempotent_replayed = false;
};

/// Prints "HTTP 200 <value as JSON>".
template <class T>
std::ostream& operator<<(std::ostream& os, const response<T>& r)
{
    os << "HTTP " << r.http_status << " ";
    if constexpr (requires { os << r.value; })
        return os << r.value;
    else
        return os << to_json(r.value);
}

namespace detail {

inline std::string redact(std::string s, std::string_view secret)
{
    if (secret.size() < 4)
        return s; // too short to search for without mangling ordinary text
    for (std::size_t p = s.find(secret); p != std::string::npos; p = s.find(secret, p))
        s.replace(p, secret.size(), "<redacted>");
    return s;
}

/// Member I of an operation's params struct together with its param_info
/// (a type, so that `if constexpr` can branch on where the parameter goes).
template <class Op, std::size_t I>
struct param_slot {
    using member = boost::mp11::mp_at_c<members_of<typename Op::params>, I>;
    using value_type = std::remove_cvref_t<decltype(std::declval<typename Op::params&>().*member::pointer)>;
    static constexpr param_info info = Op::param_table[I];
};

/// Calls f(param_slot<Op, I>{}) for every parameter of Op, in order.
template <class Op, class F>
void for_each_param(F&& f)
{
    using N = boost::mp11::mp_size<members_of<typename Op::params>>;
    static_assert(N::value == Op::param_table.size(), "params struct and param_table disagree");
    boost::mp11::mp_for_each<boost::mp11::mp_iota<N>>([&](auto I) { f(param_slot<Op, decltype(I)::value>{}); });
}

inline error arg_error(const provider_info& p, std::string what)
{
    return make_error(error_kind::invalid_argument, std::move(what), p.id);
}

} // namespace detail

/// Builds the request of operation `Op`. Refuses (never sends) empty required
/// path segments, missing credentials and header values with line breaks.
template <class Op>
result<http_request> build_request(const typename Op::params& params, std::string_view credential)
{
    const provider_info& prov = Op::provider::info;
    http_request req;
    req.method = Op::method;
    req.idempotent = Op::method == http_method::get;

    std::string path;
    std::string query;
    std::string redacted_query;
    std::optional<error> failure;

    auto add_query = [&](std::string_view name, std::string_view encoded_value, bool secret) {
        std::string pair;
        detail::percent_encode(pair, name);
        pair += '=';
        std::string& q = query;
        q += q.empty() ? "" : "&";
        q += pair;
        q += encoded_value;
        redacted_query += redacted_query.empty() ? "" : "&";
        redacted_query += pair;
        redacted_query += secret ? std::string_view("<redacted>") : encoded_value;
    };

    // Path template: replace each {name} with its encoded value.
    std::string_view tmpl = Op::path;
    std::size_t i = 0;
    std::vector<std::pair<std::string_view, std::string>> path_values;
    detail::for_each_param<Op>([&](auto slot) {
        using S = decltype(slot);
        using V = typename S::value_type;
        constexpr const param_info& info = S::info;
        if (failure)
            return;
        const V& v = params.*S::member::pointer;
        if constexpr (info.in == param_in::path) {
            std::string enc;
            detail::encode_param(v, enc);
            path_values.emplace_back(info.name, std::move(enc));
        } else if constexpr (info.in == param_in::body) {
            detail::encode_value(req.body, v);
            req.headers.emplace_back("Content-Type", "application/json");
        } else if constexpr (info.in == param_in::query) {
            std::string enc;
            if (detail::encode_param(v, enc))
                add_query(info.name, enc, false);
            else if (info.required)
                failure = detail::arg_error(prov, std::string(info.name) + ": required query parameter is missing");
        } else if constexpr (info.in == param_in::header) {
            std::string text;
            if constexpr (detail::is_optional<V>::value) {
                if (!v)
                    return;
                text = detail::scalar_to_text(*v);
            } else {
                text = detail::scalar_to_text(v);
            }
            if (!detail::header_safe(text))
                failure = detail::arg_error(prov, std::string(info.name) + ": header value contains control characters");
            else
                req.headers.emplace_back(std::string(info.name), std::move(text));
        }
    });
    if (failure)
        return *failure;

    while (i < tmpl.size()) {
        auto open = tmpl.find('{', i);
        if (open == std::string_view::npos) {
            path += tmpl.substr(i);
            break;
        }
        path += tmpl.substr(i, open - i);
        auto close = tmpl.find('}', open);
        std::string_view name = tmpl.substr(open + 1, close - open - 1);
        std::string enc;
        for (const auto& [n, e] : path_values)
            if (n == name)
                enc = e;
        if (enc.empty()) // an empty segment would address a different endpoint
            return detail::arg_error(prov, std::string(name) + ": path parameter must not be empty");
        path += enc;
        i = close + 1;
    }

    for (const auto& a : Op::auth) {
        if (credential.empty())
            return detail::arg_error(prov, std::string(prov.name) + ": no credential configured (set " +
                                               std::string(prov.credential_env) + " or client_options::credential)");
        if (!detail::header_safe(credential))
            return detail::arg_error(prov, "credential contains control characters");
        if (a.in == auth_placement::location::query) {
            std::string enc;
            detail::percent_encode(enc, credential);
            add_query(a.name, enc, true);
        } else {
            req.headers.emplace_back(std::string(a.name), std::string(a.prefix) + std::string(credential));
        }
    }
    for (const auto& [name, value] : prov.default_headers)
        req.headers.emplace_back(std::string(name), std::string(value));

    req.target = path;
    req.redacted_target = path;
    if (!query.empty()) {
        req.target += '?' + query;
        req.redacted_target += '?' + redacted_query;
    }
    return req;
}

namespace detail {

inline bool scalar_matches(const tape& t, std::uint32_t idx, const json_scalar& s)
{
    if (idx == 0)
        return s.type == json_scalar::kind::null; // a missing field counts as null
    const jnode& n = t.nodes[idx];
    switch (s.type) {
    case json_scalar::kind::null: return n.kind == jkind::null;
    case json_scalar::kind::boolean: return n.kind == jkind::boolean && n.flag == s.b;
    case json_scalar::kind::integer: return n.kind == jkind::number && t.text(n) == std::to_string(s.i);
    case json_scalar::kind::string: return n.kind == jkind::string && t.text(n) == s.s;
    }
    return false;
}

/// Text of a scalar field for error reports ("140015", "order_not_found").
inline std::string field_text(const tape& t, std::uint32_t root, std::string_view field)
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

} // namespace detail

/// Interprets a response of operation `Op`: the provider's envelope and error
/// conventions, then the typed payload. `secret` is scrubbed from anything kept.
template <class Op>
result<response<typename Op::response_type>> decode_response(const http_response& r, std::string_view secret)
{
    using T = typename Op::response_type;
    const provider_info& prov = Op::provider::info;

    auto fail = [&](error_kind kind, std::string code, std::string detail_text) {
        error e;
        e.kind = kind;
        e.provider = prov.id;
        e.http_status = r.status;
        e.provider_code = detail::redact(std::move(code), secret);
        e.detail = detail::redact(std::move(detail_text), secret);
        e.retry_after = r.retry_after;
        e.body = detail::redact(r.body.substr(0, 4096), secret);
        for (const auto& rule : prov.rate_limited_if)
            if ((rule.status != 0 && rule.status == r.status) || (!rule.code.empty() && rule.code == e.provider_code))
                e.kind = error_kind::rate_limited;
        return e;
    };

    if constexpr (std::is_same_v<T, raw_body>) {
        // Bulk files: the bytes are the payload; only error statuses are interpreted.
        if (r.status == 304 || (r.status >= 200 && r.status < 300)) {
            response<T> out{};
            out.http_status = r.status;
            out.value.not_modified = r.status == 304;
            out.value.bytes = r.body;
            out.value.content_type = r.content_type;
            out.value.content_encoding = r.content_encoding;
            out.value.etag = r.etag;
            return out;
        }
    }
    const codec_options opt = default_codec_options<T>();
    detail::tape t;
    error parse_err;
    if (!detail::build_tape(r.body, t, opt, parse_err)) {
        for (const auto& rule : prov.rate_limited_if)
            if (!rule.body_prefix.empty() && std::string_view(r.body).substr(0, rule.body_prefix.size()) == rule.body_prefix)
                return fail(error_kind::rate_limited, {}, "rate limited: " + r.body.substr(0, 120));
        if (r.status >= 300 || r.status < 200)
            return fail(error_kind::http_status, {}, "non-JSON body: " + r.body.substr(0, 200));
        auto e = fail(error_kind::invalid_json, {}, parse_err.detail);
        return e;
    }

    bool body_error = false;
    if (t.nodes[0].kind == detail::jkind::object)
        for (const auto& rule : prov.error_if) {
            std::uint32_t v = t.find(0, rule.field);
            bool any = false;
            for (const auto& s : rule.values)
                any = any || detail::scalar_matches(t, v, s);
            if (any != rule.negate) {
                body_error = true;
                break;
            }
        }
    if (body_error || r.status >= 300 || r.status < 200) {
        std::string code = detail::field_text(t, 0, prov.code_field);
        std::string msg = detail::field_text(t, 0, prov.message_field);
        if (code.empty() && r.status >= 300)
            return fail(error_kind::http_status, {}, msg.empty() ? "unexpected HTTP status" : msg);
        return fail(error_kind::provider, std::move(code), std::move(msg));
    }

    response<T> out{};
    out.http_status = r.status;
    out.idempotent_replayed = r.idempotent_replayed;
    error err;
    std::uint32_t root = 0;
    std::string prefix;
    if (!prov.data_field.empty()) {
        root = t.nodes[0].kind == detail::jkind::object ? t.find(0, prov.data_field) : 0;
        prefix = std::string(prov.data_field);
        if (root == 0) {
            if constexpr (detail::is_optional<T>::value)
                return out;
            auto e = fail(error_kind::decode, {}, "missing required key");
            e.json_path = prefix;
            return e;
        }
    }
    if constexpr (std::is_same_v<T, raw_body>)
        return fail(error_kind::http_status, {}, "unexpected JSON body");
    else if (!detail::decode_node(t, root, opt, std::move(prefix), out.value, err)) {
        auto e = fail(error_kind::decode, {}, err.detail);
        e.json_path = err.json_path;
        return e;
    }
    return out;
}

} // namespace cs2market

#endif
