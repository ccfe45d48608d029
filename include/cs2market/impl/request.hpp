// cs2market: template bodies of request.hpp.
#ifndef CS2MARKET_IMPL_REQUEST_HPP
#define CS2MARKET_IMPL_REQUEST_HPP

#include <cs2market/detail/envelope.hpp>
#include <cs2market/detail/redact.hpp>

#include <boost/mp11/algorithm.hpp>

namespace cs2market {

namespace detail {

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

} // namespace detail

template <class Op>
result<http_request> build_request(const typename Op::params& params, std::string_view credential)
{
    const provider_info& prov = Op::provider::info;
    http_request req;
    req.method = Op::method;
    req.idempotent = Op::method == http_method::get;
    // Sized once: a buy's request is on the tick-to-trade path (no regrowth).
    req.headers.reserve(4 + prov.default_headers.size());

    std::string& path = req.target;
    std::string query;
    std::string redacted_query;
    std::optional<error> failure;

    auto add_query = [&](std::string_view name, std::string_view encoded_value, bool secret) {
        query += query.empty() ? "" : "&";
        const auto at = query.size();
        detail::percent_encode(query, name);
        query += '=';
        const std::string_view pair = std::string_view(query).substr(at);
        redacted_query += redacted_query.empty() ? "" : "&";
        redacted_query += pair;
        query += encoded_value;
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
            req.body.reserve(256);
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
            std::string value;
            value.reserve(a.prefix.size() + credential.size());
            value += a.prefix;
            value += credential;
            req.headers.emplace_back(std::string(a.name), std::move(value));
        }
    }
    for (const auto& [name, value] : prov.default_headers)
        req.headers.emplace_back(std::string(name), std::string(value));

    req.redacted_target.reserve(path.size() + 1 + redacted_query.size());
    req.redacted_target = path;
    if (!query.empty()) {
        path += '?';
        path += query;
        req.redacted_target += '?';
        req.redacted_target += redacted_query;
    }
    return req;
}

template <class Op>
result<response<typename Op::response_type>> decode_response(const http_response& r, std::string_view secret,
                                                              drift_listener* drift)
{
    using T = typename Op::response_type;
    const provider_info& prov = Op::provider::info;

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
    codec_options opt = default_codec_options<T>();
    opt.drift = drift;
    detail::tape t;
    auto root = detail::open_envelope(prov, r, secret, opt, t);
    if (!root)
        return root.error();
    response<T> out{};
    out.http_status = r.status;
    out.idempotent_replayed = r.idempotent_replayed;
    std::string prefix(prov.data_field);
    if (*root == detail::no_payload) {
        if constexpr (detail::is_optional<T>::value)
            return out;
        auto e = detail::response_error(prov, r, secret, error_kind::decode, {}, "missing required key");
        e.json_path = prefix;
        return e;
    }
    if constexpr (std::is_same_v<T, raw_body>) {
        return detail::response_error(prov, r, secret, error_kind::http_status, {}, "unexpected JSON body");
    } else {
        error err;
        if (!detail::decode_node(t, *root, opt, std::move(prefix), out.value, err)) {
            auto e = detail::response_error(prov, r, secret, error_kind::decode, {}, err.detail);
            e.json_path = detail::redact(err.json_path, secret, 4096); // a key echoed as a map key is a path component
            return e;
        }
    }
    return out;
}

} // namespace cs2market

#endif
