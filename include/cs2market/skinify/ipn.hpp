// cs2market::skinify — verifying Skinify deposit IPNs (hand-written).
//
// Skinify POSTs an Instant Payment Notification to your Result URL when it has
// received a user's items (and, if enabled, when the trade-protection state
// changes). The only authenticity check the docs offer is `token_md5`, the MD5
// of your project API token; there is no signature over the body.
//
//   auto ipn = cs2market::skinify::verify_ipn(req.content_type, req.body, api_token);
//   if (!ipn) return reply(400, ipn.error().message());
//   credit(ipn->deposit_id, ipn->status, ipn->amount);   // idempotently, see below
//   return reply(200, cs2market::skinify::ipn_reply);
//
// Decisions (the docs are silent on these):
//  * Content type: JSON (application/json, text/json, */*+json) and
//    application/x-www-form-urlencoded are accepted. Without a Content-Type (or
//    with another one) a body whose first non-blank byte is '{' is read as JSON,
//    anything else as a form. multipart/form-data is refused.
//  * Form bodies are turned into the JSON that DepositIpn decodes from:
//    `a[b]=x` (PHP http_build_query style, any depth) becomes {"a":{"b":"x"}};
//    a value is written as a JSON number where DepositIpn wants a number and the
//    text is one (date, settlement, amount, multiplied_amount, the
//    *_converted maps), otherwise as a string; for optional members the text
//    `null`, and an empty value where a number is wanted, become null.
//    `a[]=x` (lists) and repeated keys are refused. A number is one only when it
//    is exact (decimal::parse): `1e99999999999999999999` stays a string (and is
//    then a decode error at its member), never JSON no parser accepts. Names and
//    values that are not UTF-8 once decoded (`x%FF`) are refused.
//  * token_md5: 32 hex characters, compared in constant time with
//    md5(api_token); lower case is what Skinify's integrations use, either case
//    is accepted.
//  * Duplicate top-level JSON keys are refused (the check and the decoded value
//    must read the same key), also when they differ only in encoding
//    (`deposit_id`, `deposit%5Fid`, `deposit\u005fid`). Form field names whose
//    decoded text holds `&` or `=` are refused.
// Since token_md5 is the same for every IPN, it proves only that the sender
// knows md5(token); treat it as a shared secret (never log it) and confirm a
// deposit with GET /deposit-status before crediting. Make handling idempotent on
// transaction_id + status: failed deliveries are retried / listed by /failed-ipn.
//
// Replays: token_md5 is the same for every IPN, so a captured IPN verifies
// again. Opt in with ipn_limits: `replay` (a shared cs2market::replay_guard)
// refuses an IPN whose transaction_id, status and settlement were accepted
// before (error_kind::duplicate_id; ipn_replay_id names it, for forget when
// handling failed), and `max_age` refuses one whose `date` is older than that
// (or later than now + max_clock_skew). `date` is when the deposit was created,
// so max_age must exceed how long a deposit can take (trade protection: days).
//
// Errors: refused input is error_kind::invalid_argument with the reason in
// `detail`; an authentic IPN that does not fit DepositIpn is error_kind::decode.
// No error contains the API token, its MD5 or the received token_md5.
#ifndef CS2MARKET_SKINIFY_IPN_HPP
#define CS2MARKET_SKINIFY_IPN_HPP

#include <cs2market/detail/redact.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/detail/md5.hpp>
#include <cs2market/detail/utf8.hpp>
#include <cs2market/error.hpp>
#include <cs2market/json.hpp>
#include <cs2market/net/replay_guard.hpp>
#include <cs2market/skinify/models.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cs2market::skinify {

/// Body to answer an IPN with (HTTP 200, application/json). Skinify documents no
/// reply; any 2xx counts as delivered, non-2xx shows up in GET /failed-ipn.
inline constexpr std::string_view ipn_reply = "{}";

/// A received IPN, as any HTTP server hands it over.
struct ipn_request {
    std::string_view content_type; ///< the Content-Type header value, "" when absent
    std::string_view body;         ///< the raw request body
};

struct ipn_limits {
    std::size_t max_body_bytes = 64 * 1024; ///< larger bodies are refused before parsing
    std::size_t max_depth = 16;             ///< deeper JSON (or a[b][c]... form) nesting is refused
    /// Opt-in freshness: an IPN whose `date` is older than this is refused (0: off).
    std::chrono::seconds max_age{0};
    /// With max_age: how far `date` may be ahead of this machine's clock.
    std::chrono::seconds max_clock_skew{300};
    /// Opt-in replay protection: ids of accepted IPNs are remembered here and one
    /// seen before is refused (error_kind::duplicate_id). Not owned.
    replay_guard* replay = nullptr;
};

/// The id `ipn_limits::replay` remembers for an IPN: its transaction, status and settlement.
inline std::string ipn_replay_id(const DepositIpn& ipn)
{
    return "skinify:" + ipn.transaction_id + "|" + ipn.status.raw() + "|" +
           (ipn.settlement ? std::to_string(ipn.settlement->raw()) : std::string());
}

/// md5(api_token) as 32 lower-case hex characters: the `token_md5` Skinify sends.
/// "" when OpenSSL cannot compute MD5.
inline std::string ipn_token_md5(std::string_view api_token)
{
    return ::cs2market::detail::md5_hex(api_token, ::cs2market::detail::hex_case::lower);
}

namespace detail {

inline error refuse(std::string why)
{
    return ::cs2market::detail::make_error(error_kind::invalid_argument, std::move(why), skinify::id);
}

/// Work done by parse_form, for tests: key comparisons of the member lookups.
struct form_stats {
    std::size_t key_comparisons = 0;
};

/// Orders member names; counts its calls into a form_stats when given one.
struct form_key_less {
    std::size_t* count = nullptr;
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept
    {
        if (count)
            ++*count;
        return a < b;
    }
};

/// One field of a form body, or an object made of `name[key]` fields. Members
/// are found through a sorted index (O(log n) comparisons, whatever the names):
/// a linear search made a 64 KiB form of short fields quadratic.
struct form_node {
    bool leaf = false;
    std::string value;              // leaf
    std::vector<std::string> keys;  // object: member names in arrival order
    std::vector<form_node> kids;    // object: members, parallel to keys
    std::map<std::string, std::size_t, form_key_less> index; // object: name -> position

    form_node* find(std::string_view k)
    {
        auto it = index.find(k);
        return it == index.end() ? nullptr : &kids[it->second];
    }
    form_node& add(std::string k)
    {
        index.emplace(k, kids.size());
        keys.push_back(std::move(k));
        form_node& kid = kids.emplace_back();
        kid.index = decltype(index)(index.key_comp()); // the same counter, if any
        return kid;
    }
};

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
inline bool is_json_number(std::string_view s) noexcept
{
    std::size_t i = 0;
    auto digits = [&] {
        std::size_t b = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        return i - b;
    };
    if (i < s.size() && s[i] == '-')
        ++i;
    if (i < s.size() && s[i] == '0')
        ++i;
    else if (digits() == 0)
        return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (digits() == 0)
            return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (digits() == 0)
            return false;
    }
    return i == s.size();
}

using ::cs2market::detail::valid_utf8;

/// A form value written as a JSON number: JSON's grammar and exact (no digits a
/// decimal cannot hold), with an exponent of at most 9 digits: decimal::parse
/// takes 0e99999999999 as 0, but Boost.JSON refuses exponents past 2^31.
inline bool exact_number(std::string_view s) noexcept
{
    const auto e = s.find_first_of("eE");
    if (e != std::string_view::npos && s.size() - e - 1 - (s.size() > e + 1 && (s[e + 1] == '+' || s[e + 1] == '-')) > 9)
        return false;
    return is_json_number(s) && decimal::parse(s).has_value();
}

template <class T>
struct is_integer_open_enum : std::false_type {};
template <class E>
struct is_integer_open_enum<open_enum<E>> : std::bool_constant<!::cs2market::detail::is_string_enum<E>> {};

/// Member types whose JSON form is a number.
template <class T>
constexpr bool wants_number = ::cs2market::detail::integer<T> || std::is_floating_point_v<T> ||
                              std::is_same_v<T, decimal> || ::cs2market::detail::is_unix_time<T>::value ||
                              is_integer_open_enum<T>::value;

inline void emit_untyped(std::string& out, const form_node& n)
{
    if (n.leaf) {
        ::cs2market::detail::write_string(out, n.value);
        return;
    }
    out += '{';
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
        if (i)
            out += ',';
        ::cs2market::detail::write_string(out, n.keys[i]);
        out += ':';
        emit_untyped(out, n.kids[i]);
    }
    out += '}';
}

/// Writes `n` as the JSON a member of type T decodes from (see the header comment).
template <class T>
void emit(std::string& out, const form_node& n)
{
    namespace d = ::cs2market::detail;
    if constexpr (d::is_optional<T>::value) {
        using U = typename T::value_type;
        if (n.leaf && (n.value == "null" || (n.value.empty() && wants_number<U>))) {
            out += "null";
            return;
        }
        emit<U>(out, n);
    } else if constexpr (wants_number<T>) {
        if (n.leaf && exact_number(n.value))
            out += n.value;
        else
            emit_untyped(out, n);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (n.leaf && (n.value == "true" || n.value == "1"))
            out += "true";
        else if (n.leaf && (n.value == "false" || n.value == "0"))
            out += "false";
        else
            emit_untyped(out, n);
    } else if constexpr (d::is_string_map<T>::value) {
        if (n.leaf)
            return emit_untyped(out, n);
        out += '{';
        for (std::size_t i = 0; i < n.keys.size(); ++i) {
            if (i)
                out += ',';
            d::write_string(out, n.keys[i]);
            out += ':';
            emit<typename T::mapped_type>(out, n.kids[i]);
        }
        out += '}';
    } else if constexpr (d::described_struct<T>) {
        using tbl = d::struct_table<T>;
        if (n.leaf)
            return emit_untyped(out, n);
        out += '{';
        for (std::size_t i = 0; i < n.keys.size(); ++i) {
            if (i)
                out += ',';
            d::write_string(out, n.keys[i]);
            out += ':';
            int m = -1;
            if constexpr (tbl::size > 0)
                m = tbl::find(n.keys[i]);
            if (m < 0) {
                emit_untyped(out, n.kids[i]);
                continue;
            }
            if constexpr (tbl::size > 0)
                boost::mp11::mp_with_index<tbl::size>(static_cast<std::size_t>(m), [&](auto I) {
                    using D = boost::mp11::mp_at_c<typename tbl::members, I>;
                    using M = std::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>;
                    emit<M>(out, n.kids[i]);
                });
        }
        out += '}';
    } else {
        emit_untyped(out, n);
    }
}

/// Splits `name` into `base[k1][k2]...`; a name that does not have that shape is one literal key.
inline bool split_name(std::string_view name, std::vector<std::string_view>& path, error& err)
{
    path.clear();
    const auto lb = name.find('[');
    if (lb == std::string_view::npos || lb == 0 || name.back() != ']') {
        path.push_back(name);
        return true;
    }
    path.push_back(name.substr(0, lb));
    std::string_view rest = name.substr(lb);
    while (!rest.empty()) {
        const auto rb = rest.find(']');
        if (rest.front() != '[' || rb == std::string_view::npos) { // "a[b]c[d]": not the shape, take it literally
            path.assign(1, name);
            return true;
        }
        const std::string_view seg = rest.substr(1, rb - 1);
        if (seg.empty()) {
            err = refuse("form field \"" + std::string(name.substr(0, 64)) + "\": lists (name[]) are not supported");
            return false;
        }
        if (seg.find('[') != std::string_view::npos) {
            path.assign(1, name);
            return true;
        }
        path.push_back(seg);
        rest.remove_prefix(rb + 1);
    }
    return true;
}

/// Parses an application/x-www-form-urlencoded body into a tree (`stats`: for tests).
inline bool parse_form(std::string_view body, const ipn_limits& lim, form_node& root, error& err,
                       form_stats* stats = nullptr)
{
    namespace d = ::cs2market::detail;
    root = form_node{};
    root.index = decltype(root.index)(form_key_less{stats ? &stats->key_comparisons : nullptr});
    std::vector<std::string_view> path;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view field = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (field.empty())
            continue;
        const auto eq = field.find('=');
        const std::string name = d::form_decode(field.substr(0, eq));
        if (name.empty())
            continue;
        if (!valid_utf8(name)) {
            err = refuse("form field name is not valid UTF-8");
            return false;
        }
        if (name.find_first_of("&=") != std::string::npos) {
            err = refuse("form field name \"" + name.substr(0, 64) + "\" contains '&' or '=' (once decoded)");
            return false;
        }
        std::string value = eq == std::string_view::npos ? std::string{} : d::form_decode(field.substr(eq + 1));
        if (!valid_utf8(value)) {
            err = refuse("form field \"" + name.substr(0, 64) + "\": value is not valid UTF-8");
            return false;
        }
        if (!split_name(name, path, err))
            return false;
        if (path.size() > lim.max_depth) {
            err = refuse("form field nested deeper than " + std::to_string(lim.max_depth) + " levels");
            return false;
        }
        form_node* at = &root;
        for (std::size_t k = 0; k < path.size(); ++k) {
            form_node* next = at->find(path[k]);
            const bool last = k + 1 == path.size();
            if (next && (last || next->leaf)) {
                err = refuse("form field \"" + std::string(name.substr(0, 64)) + "\" is repeated or conflicts with another");
                return false;
            }
            if (!next) {
                next = &at->add(std::string(path[k]));
                next->leaf = last;
            }
            at = next;
        }
        at->value = std::move(value);
    }
    return true;
}

/// Reads the body (JSON, or a form converted to JSON) into `t`; `json` keeps the
/// converted text alive. Refuses with invalid_argument.
inline bool load(std::string_view content_type, std::string_view body, const ipn_limits& lim, ::cs2market::detail::tape& t,
                 std::string& json, error& err)
{
    namespace d = ::cs2market::detail;
    if (body.size() > lim.max_body_bytes) {
        err = refuse("body of " + std::to_string(body.size()) + " bytes is larger than the limit of " +
                     std::to_string(lim.max_body_bytes));
        return false;
    }
    const std::string mt = d::media_type(content_type);
    bool is_json = false;
    if (d::is_json_media_type(mt)) {
        is_json = true;
    } else if (mt == "multipart/form-data") {
        err = refuse("content type multipart/form-data is not supported (send JSON or application/x-www-form-urlencoded)");
        return false;
    } else if (mt != "application/x-www-form-urlencoded") {
        const auto first = body.find_first_not_of(" \t\r\n");
        is_json = first != std::string_view::npos && body[first] == '{';
    }
    std::string_view text = body;
    if (!is_json) {
        form_node root;
        if (!parse_form(body, lim, root, err))
            return false;
        json.clear();
        emit<DepositIpn>(json, root);
        text = json;
    }
    codec_options opt;
    opt.max_depth = lim.max_depth;
    if (!d::build_tape(text, t, opt, err)) {
        err = refuse("body is not valid JSON: " + err.detail);
        return false;
    }
    if (t.nodes.empty() || t.nodes[0].kind != d::jkind::object) {
        err = refuse("body is not a JSON object");
        return false;
    }
    std::vector<std::string> keys;
    keys.reserve(t.nodes[0].len);
    for (std::uint32_t i = 1; i < t.nodes[0].end; i = t.nodes[i + 1].end)
        keys.push_back(d::form_decode(t.text(i)));
    std::sort(keys.begin(), keys.end());
    if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end()) {
        err = refuse("duplicate key \"" + std::string(dup->substr(0, 64)) + "\"");
        return false;
    }
    return true;
}

/// The opt-in freshness and replay checks of a decoded, authentic IPN.
inline bool check_fresh(const DepositIpn& ipn, const ipn_limits& lim, error& err)
{
    if (lim.max_age.count() > 0) {
        if (!ipn.date) {
            err = refuse("no \"date\" to check the IPN's age against");
            return false;
        }
        // In seconds: a far-off `date` in milliseconds would overflow nanoseconds.
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto date = ipn.date->seconds();
        if (date < now - lim.max_age) {
            err = refuse("stale: \"date\" " + std::to_string(ipn.date->raw()) + " is older than max_age");
            return false;
        }
        if (date > now + lim.max_clock_skew) {
            err = refuse("\"date\" " + std::to_string(ipn.date->raw()) + " is in the future");
            return false;
        }
    }
    if (lim.replay && !lim.replay->remember(ipn_replay_id(ipn))) {
        err = ::cs2market::detail::make_error(error_kind::duplicate_id,
                                              "replayed: IPN of transaction " + ipn.transaction_id.substr(0, 64) +
                                                  " with this status was accepted before",
                                              skinify::id);
        return false;
    }
    return true;
}

inline bool check_token(const ::cs2market::detail::tape& t, std::string_view api_token, error& err)
{
    namespace d = ::cs2market::detail;
    if (api_token.empty()) {
        err = refuse("api_token is empty (set it from the project settings)");
        return false;
    }
    const std::uint32_t v = t.find(0, "token_md5");
    if (v == 0) {
        err = refuse("no \"token_md5\" in the IPN");
        return false;
    }
    if (t.nodes[v].kind != d::jkind::string) {
        err = refuse("\"token_md5\" is a " + std::string(d::kind_name(t.nodes[v].kind)) + ", not a string");
        return false;
    }
    const std::string_view got = t.text(v);
    if (!d::is_md5_hex(got)) {
        err = refuse("\"token_md5\" is not 32 hex characters");
        return false;
    }
    const std::string expected = ipn_token_md5(api_token);
    if (expected.empty()) {
        err = refuse("MD5 is not available from OpenSSL");
        return false;
    }
    if (!d::constant_time_equal(d::hex_to_case(got, d::hex_case::lower), expected)) {
        err = refuse("token_md5 does not match the API token");
        return false;
    }
    return true;
}

} // namespace detail

/// The JSON that verify_ipn decodes a form-encoded IPN body from (for logging
/// and tests; see the header comment for the rules).
inline result<std::string> ipn_form_to_json(std::string_view form_body, const ipn_limits& limits = {})
{
    detail::form_node root;
    error err;
    if (form_body.size() > limits.max_body_bytes)
        return detail::refuse("body of " + std::to_string(form_body.size()) + " bytes is larger than the limit of " +
                                  std::to_string(limits.max_body_bytes));
    if (!detail::parse_form(form_body, limits, root, err))
        return err;
    std::string json;
    detail::emit<DepositIpn>(json, root);
    return json;
}

/// Checks `token_md5` against md5(api_token) and, only if it matches, decodes the IPN.
inline result<DepositIpn> verify_ipn(std::string_view content_type, std::string_view body, std::string_view api_token,
                                     const ipn_limits& limits = {})
{
    ::cs2market::detail::tape t;
    std::string json;
    error err;
    // An error may quote the body, and the body anything: never the token or its MD5.
    auto fail = [&](error e) {
        ::cs2market::detail::redact_error(e, api_token);
        ::cs2market::detail::redact_error(e, ipn_token_md5(api_token));
        return e;
    };
    if (!detail::load(content_type, body, limits, t, json, err))
        return fail(std::move(err));
    if (!detail::check_token(t, api_token, err))
        return fail(std::move(err));
    DepositIpn out{};
    if (!::cs2market::detail::decode_node(t, 0, default_codec_options<DepositIpn>(), {}, out, err)) {
        err.provider = skinify::id;
        return fail(std::move(err));
    }
    if (!detail::check_fresh(out, limits, err))
        return fail(std::move(err));
    return out;
}

inline result<DepositIpn> verify_ipn(const ipn_request& req, std::string_view api_token, const ipn_limits& limits = {})
{
    return verify_ipn(req.content_type, req.body, api_token, limits);
}

} // namespace cs2market::skinify

#endif
