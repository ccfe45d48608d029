// cs2market::cs2dt — verifying CS2DT order-status callbacks (hand-written).
//
// CS2DT POSTs a JSON object to the callback URL set in the back office whenever a
// purchase order changes status, signed with your app_secret. Hand the request's
// Content-Type and body to verify_callback; reply with `callback_reply` (the
// plain text "success") once processed, anything else makes CS2DT retry after
// 1, 2, 5, 10 and 30 minutes.
//
//   auto cb = cs2market::cs2dt::verify_callback({req.content_type, req.body}, app_secret);
//   if (!cb) return reply(400, cb.error().message());   // forged, malformed, too large...
//   handle(*cb);                                         // cb->orderId, cb->status, cb->failedCode
//   return reply(200, cs2market::cs2dt::callback_reply);
//
// What is signed (CS2DT "Callback Notification Service Description"; the parts
// the doc leaves open are marked "ours"):
//  * every top-level key of the body except `sign`, known to this library or not;
//  * as `key=value`, sorted by key in ascending byte (ASCII) order, joined by `&`,
//    then `&sign=<app_secret>` appended; MD5, 32 hex characters, upper case;
//  * values: strings as their unescaped text, then URL-decoded (`+` is a space,
//    `%XX` a byte — Java URLDecoder semantics, ours); numbers as their exact JSON
//    text, not decoded (753955645187293184 stays those digits, 1.50 stays
//    "1.50"); null as `null`; booleans as `true` / `false`;
//  * nested objects and arrays (none documented; ours): their compact JSON text —
//    no whitespace, members in received order, strings re-escaped minimally, as
//    `cs2market::to_json` writes them — then URL-decoded like a string.
// Duplicate top-level keys are refused (the signed text and the decoded value
// could disagree), also when they differ only in encoding (`orderId`,
// `order%49d`, `order\u0049d`: keys are compared URL- and JSON-decoded). A key
// or value whose decoded text holds `&` or `=` is refused: the string-to-sign
// joins `key=value` pairs with `&`, so such text could move the boundaries
// between fields and let one genuine callback verify with fields merged or
// dropped (`{"failedCode":"X&orderId=7"}` signs like failedCode and orderId).
// `sign` must be a JSON string of 32 hex characters; upper case is what CS2DT
// sends, lower case is accepted too unless callback_limits::accept_lowercase_sign
// is false (the case of hex digits carries no information). The comparison
// takes constant time.
//
// Caveats of the documented algorithm (not of this code): values are signed as
// text, so null and "null", 11 and "11", and (after URL-decoding) "a+b", "a b"
// and "a%20b" sign alike; a holder of one genuine callback can swap those forms.
// The typed fields CS2DT sends are unaffected in meaning (a number and its
// digits decode alike); use outTradeNo values without '+' and '%', and treat an
// offerId/tradeOfferId of "null" as absent.
//
// Replays: a captured genuine callback verifies again. Opt in to refusing
// them with callback_limits::replay (a shared cs2market::replay_guard): a
// callback whose `sign` was accepted before is then error_kind::duplicate_id.
// The sign covers every field, so a re-sent status change of the same order
// has another one. CS2DT callbacks carry no time, so there is no freshness window.
// CS2DT retries until it reads "success": if handling an accepted callback
// fails, guard.forget(callback_replay_id(*cb)) lets the retry through.
//
// Errors: refused input (too large, not JSON, not an object, no/invalid `sign`,
// wrong signature, empty app_secret) is error_kind::invalid_argument with the
// reason in `detail`; a genuinely signed body that does not fit
// OrderStatusCallback is error_kind::decode. No error ever contains the
// app_secret, the expected signature or the received one.
#ifndef CS2MARKET_CS2DT_CALLBACK_HPP
#define CS2MARKET_CS2DT_CALLBACK_HPP

#include <cs2market/detail/redact.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/detail/md5.hpp>
#include <cs2market/error.hpp>
#include <cs2market/json.hpp>
#include <cs2market/net/replay_guard.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs2market::cs2dt {

/// The exact response body CS2DT expects once a callback was processed
/// (send it as text/plain with HTTP 200).
inline constexpr std::string_view callback_reply = "success";

/// A received callback, as any HTTP server hands it over.
struct callback_request {
    std::string_view content_type; ///< the Content-Type header value, "" when absent
    std::string_view body;         ///< the raw request body
};

struct callback_limits {
    std::size_t max_body_bytes = 64 * 1024; ///< larger bodies are refused before parsing
    std::size_t max_depth = 16;             ///< deeper JSON nesting is refused
    bool accept_lowercase_sign = true;      ///< false: only upper-case hex `sign` (as documented)
    /// Opt-in replay protection: ids of accepted callbacks are remembered here and
    /// a callback seen before is refused (error_kind::duplicate_id). Not owned.
    replay_guard* replay = nullptr;
};

/// The id `callback_limits::replay` remembers for a callback with this `sign`.
inline std::string callback_replay_id(std::string_view sign)
{
    return "cs2dt:" + ::cs2market::detail::hex_to_case(sign, ::cs2market::detail::hex_case::upper);
}

/// The id `callback_limits::replay` remembered for a verified callback (for replay_guard::forget).
inline std::string callback_replay_id(const OrderStatusCallback& cb)
{
    return callback_replay_id(cb.sign.value_or(""));
}

namespace detail {

inline error refuse(std::string why)
{
    return ::cs2market::detail::make_error(error_kind::invalid_argument, std::move(why), cs2dt::id);
}

/// The parsed body: its tape, the index of the `sign` value (0 when absent) and
/// the string-to-sign without the secret.
struct parsed {
    ::cs2market::detail::tape t;
    std::uint32_t sign_idx = 0;
    std::string to_sign;
};

/// Text that would move the `&` / `=` boundaries of the string-to-sign.
inline bool moves_boundaries(std::string_view decoded) noexcept
{
    return decoded.find_first_of("&=") != std::string_view::npos;
}

/// Parses and checks `body`, fills `out`. Always refuses with invalid_argument.
inline bool parse(std::string_view content_type, std::string_view body, const callback_limits& lim, parsed& out, error& err)
{
    namespace d = ::cs2market::detail;
    if (body.size() > lim.max_body_bytes) {
        err = refuse("body of " + std::to_string(body.size()) + " bytes is larger than the limit of " +
                     std::to_string(lim.max_body_bytes));
        return false;
    }
    // CS2DT documents a JSON body; anything else that names a media type we can
    // recognise as not-JSON gets a clear message. Unknown or missing types are
    // parsed as JSON (the signature decides).
    const std::string mt = d::media_type(content_type);
    if (mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data") {
        err = refuse("content type " + mt + " is not accepted: CS2DT callbacks are JSON");
        return false;
    }
    codec_options opt;
    opt.max_depth = lim.max_depth;
    opt.max_size = lim.max_body_bytes;
    if (!d::build_tape(body, out.t, opt, err)) {
        err = refuse("body is not valid JSON: " + err.detail);
        return false;
    }
    const auto& t = out.t;
    if (t.nodes.empty() || t.nodes[0].kind != d::jkind::object) {
        err = refuse("body is not a JSON object");
        return false;
    }
    std::vector<std::pair<std::string_view, std::string>> pairs;
    pairs.reserve(t.nodes[0].len);
    std::vector<std::string> decoded_keys; // every key as a receiver would read it, for duplicates
    decoded_keys.reserve(t.nodes[0].len);
    out.sign_idx = 0;
    bool seen_sign = false;
    for (std::uint32_t i = 1; i < t.nodes[0].end;) {
        const std::uint32_t v = i + 1;
        const std::string_view key = t.text(i);
        const d::jnode& n = t.nodes[v];
        i = n.end;
        decoded_keys.push_back(d::form_decode(key));
        if (moves_boundaries(decoded_keys.back())) {
            err = refuse("key \"" + std::string(key.substr(0, 64)) + "\" contains '&' or '=' (once decoded)");
            return false;
        }
        if (key == "sign") {
            if (seen_sign) {
                err = refuse("duplicate key \"sign\"");
                return false;
            }
            seen_sign = true;
            out.sign_idx = v;
            continue;
        }
        std::string value;
        switch (n.kind) {
        case d::jkind::string: value = d::form_decode(t.text(n)); break;
        case d::jkind::number: value.assign(t.text(n)); break;
        case d::jkind::boolean: value = n.flag ? "true" : "false"; break;
        case d::jkind::null: value = "null"; break;
        case d::jkind::object:
        case d::jkind::array:
        case d::jkind::key: {
            std::string json;
            d::write_raw(t, v, json);
            value = d::form_decode(json);
            break;
        }
        }
        if (moves_boundaries(value)) {
            err = refuse("value of \"" + std::string(key.substr(0, 64)) + "\" contains '&' or '=' (once decoded)");
            return false;
        }
        pairs.emplace_back(key, std::move(value));
    }
    std::sort(decoded_keys.begin(), decoded_keys.end());
    if (auto dup = std::adjacent_find(decoded_keys.begin(), decoded_keys.end()); dup != decoded_keys.end()) {
        err = refuse("duplicate key \"" + dup->substr(0, 64) + "\"");
        return false;
    }
    // std::string_view's ordering compares bytes as unsigned char: ASCII order.
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.to_sign.clear();
    for (const auto& [k, val] : pairs) {
        if (!out.to_sign.empty())
            out.to_sign += '&';
        out.to_sign.append(k);
        out.to_sign += '=';
        out.to_sign += val;
    }
    return true;
}

/// Upper-case MD5 of `to_sign` + "&sign=" + secret, or "" if MD5 is unavailable.
inline std::string signature(std::string_view to_sign, std::string_view app_secret)
{
    std::string s;
    s.reserve(to_sign.size() + 6 + app_secret.size());
    s.append(to_sign);
    s += "&sign=";
    s.append(app_secret);
    std::string h = ::cs2market::detail::md5_hex(s, ::cs2market::detail::hex_case::upper);
    // Do not leave the secret lying around in freed heap memory longer than needed.
    OPENSSL_cleanse(s.data(), s.size());
    return h;
}

inline bool check_secret(std::string_view app_secret, error& err)
{
    if (app_secret.empty()) {
        err = refuse("app_secret is empty (set it from Personal Center -> API management)");
        return false;
    }
    return true;
}

} // namespace detail

/// The documented string-to-sign of a callback body, before `&sign=<app_secret>`
/// is appended: all top-level keys but `sign`, `key=value`, sorted, `&`-joined.
/// For CS2DT's example body this gives
/// `offerId=null&orderId=753955645187293184&outTradeNo=...&typeName=BUYER_ORDER_STATUS`.
inline result<std::string> callback_string_to_sign(std::string_view json_body, const callback_limits& limits = {})
{
    detail::parsed p;
    error err;
    if (!detail::parse({}, json_body, limits, p, err))
        return err;
    return std::move(p.to_sign);
}

/// The `sign` CS2DT would send for `json_body` (any `sign` key in it is ignored):
/// 32 upper-case hex characters. For tests and sandboxes that produce callbacks.
inline result<std::string> sign_callback(std::string_view json_body, std::string_view app_secret,
                                         const callback_limits& limits = {})
{
    error err;
    if (!detail::check_secret(app_secret, err))
        return err;
    detail::parsed p;
    if (!detail::parse({}, json_body, limits, p, err))
        return err;
    std::string s = detail::signature(p.to_sign, app_secret);
    if (s.empty())
        return detail::refuse("MD5 is not available from OpenSSL");
    return s;
}

/// The `sign` for a set of fields given as their text form (null as "null",
/// numbers as digits; values are URL-decoded like received ones; a "sign" entry
/// is ignored). std::map iterates in byte order, which is the documented order.
inline result<std::string> sign_callback_fields(const std::map<std::string, std::string>& fields,
                                                std::string_view app_secret)
{
    error err;
    if (!detail::check_secret(app_secret, err))
        return err;
    std::string to_sign;
    for (const auto& [k, v] : fields) {
        if (k == "sign")
            continue;
        const std::string value = ::cs2market::detail::form_decode(v);
        if (detail::moves_boundaries(::cs2market::detail::form_decode(k)) || detail::moves_boundaries(value))
            return detail::refuse("field \"" + k.substr(0, 64) + "\" contains '&' or '=' (once decoded)");
        if (!to_sign.empty())
            to_sign += '&';
        to_sign += k;
        to_sign += '=';
        to_sign += value;
    }
    std::string s = detail::signature(to_sign, app_secret);
    if (s.empty())
        return detail::refuse("MD5 is not available from OpenSSL");
    return s;
}

/// `json_body` (a JSON object) re-written compactly with its `sign` replaced by a
/// genuine one for `app_secret`: a callback body exactly as CS2DT would POST it.
inline result<std::string> signed_callback_body(std::string_view json_body, std::string_view app_secret,
                                                const callback_limits& limits = {})
{
    namespace d = ::cs2market::detail;
    error err;
    if (!detail::check_secret(app_secret, err))
        return err;
    detail::parsed p;
    if (!detail::parse({}, json_body, limits, p, err))
        return err;
    std::string sign = detail::signature(p.to_sign, app_secret);
    if (sign.empty())
        return detail::refuse("MD5 is not available from OpenSSL");
    const auto& t = p.t;
    std::string out = "{";
    for (std::uint32_t i = 1; i < t.nodes[0].end;) {
        const std::uint32_t v = i + 1;
        const std::string_view key = t.text(i);
        if (key != "sign") {
            d::write_string(out, key);
            out += ':';
            d::write_raw(t, v, out);
            out += ',';
        }
        i = t.nodes[v].end;
    }
    out += "\"sign\":\"";
    out += sign;
    out += "\"}";
    return out;
}

/// The JSON of `cb` (absent optionals left out, `cb.sign` ignored) with a genuine `sign`.
inline result<std::string> signed_callback_body(const OrderStatusCallback& cb, std::string_view app_secret)
{
    OrderStatusCallback copy = cb;
    copy.sign.reset();
    return signed_callback_body(::cs2market::to_json(copy), app_secret);
}

namespace detail {

inline bool verify(const callback_request& req, std::string_view app_secret, const callback_limits& limits, parsed& p,
                   error& err)
{
    namespace d = ::cs2market::detail;
    if (!check_secret(app_secret, err))
        return false;
    if (!parse(req.content_type, req.body, limits, p, err))
        return false;
    if (p.sign_idx == 0) {
        err = refuse("no \"sign\" in the callback");
        return false;
    }
    const d::jnode& sn = p.t.nodes[p.sign_idx];
    if (sn.kind != d::jkind::string) {
        err = refuse("\"sign\" is a " + std::string(d::kind_name(sn.kind)) + ", not a string");
        return false;
    }
    const std::string_view got = p.t.text(sn);
    if (!d::is_md5_hex(got)) {
        err = refuse("\"sign\" is not 32 hex characters");
        return false;
    }
    if (!limits.accept_lowercase_sign && std::any_of(got.begin(), got.end(), [](char c) { return c >= 'a' && c <= 'f'; })) {
        err = refuse("\"sign\" is not upper-case hex");
        return false;
    }
    const std::string expected = signature(p.to_sign, app_secret);
    if (expected.empty()) {
        err = refuse("MD5 is not available from OpenSSL");
        return false;
    }
    if (!d::constant_time_equal(d::hex_to_case(got, d::hex_case::upper), expected)) {
        err = refuse("signature mismatch: the body was not signed with this app_secret, or was changed");
        return false;
    }
    return true;
}

/// Remembers an accepted callback; refuses one accepted before.
inline bool check_replay(const parsed& p, const callback_limits& limits, error& err)
{
    if (limits.replay && !limits.replay->remember(callback_replay_id(p.t.text(p.sign_idx)))) {
        err = ::cs2market::detail::make_error(error_kind::duplicate_id,
                                              "replayed: a callback with this signature was accepted before", cs2dt::id);
        return false;
    }
    return true;
}

} // namespace detail

/// Checks the signature only (for callers that read the body themselves, e.g.
/// into a map, as the CS2DT doc suggests).
inline result<void> verify_callback_signature(const callback_request& req, std::string_view app_secret,
                                              const callback_limits& limits = {})
{
    detail::parsed p;
    error err;
    if (!detail::verify(req, app_secret, limits, p, err) || !detail::check_replay(p, limits, err)) {
        ::cs2market::detail::redact_error(err, app_secret); // an error may quote the body, and the body anything
        return err;
    }
    return {};
}

/// Verifies a received callback and, only if it is genuine, decodes it.
inline result<OrderStatusCallback> verify_callback(const callback_request& req, std::string_view app_secret,
                                                   const callback_limits& limits = {})
{
    detail::parsed p;
    error err;
    auto fail = [&](error e) {
        ::cs2market::detail::redact_error(e, app_secret); // an error may quote the body, and the body anything
        return e;
    };
    if (!detail::verify(req, app_secret, limits, p, err))
        return fail(std::move(err));
    OrderStatusCallback out{};
    if (!::cs2market::detail::decode_node(p.t, 0, default_codec_options<OrderStatusCallback>(), {}, out, err)) {
        err.provider = cs2dt::id;
        return fail(std::move(err));
    }
    if (!detail::check_replay(p, limits, err))
        return fail(std::move(err));
    return out;
}

} // namespace cs2market::cs2dt

#endif
