// Push verification: CS2DT order-status callbacks (MD5 over the sorted fields
// plus app_secret) and Skinify deposit IPNs (token_md5), including forgeries and
// one end-to-end delivery over the loopback HTTPS server.
//
// Known-answer digests below were computed independently of this code
// (coreutils md5sum / Python hashlib), e.g.
//   printf '%s' '<string-to-sign>&sign=secret' | md5sum | tr a-f A-F
#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/detail/md5.hpp>
#include <cs2market/skinify/ipn.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace cs2market;
using cs2dt::callback_request;

namespace {

// The body behind CS2DT's documented example string-to-sign (keys deliberately
// not in sorted order, with whitespace, as a real sender may produce).
constexpr std::string_view doc_body = R"j({
  "orderId": 753955645187293184, "status": 11, "outTradeNo": "753955643962990592",
  "statusName": "failed", "offerId": null, "tradeOfferId": null,
  "type": 0, "typeName": "BUYER_ORDER_STATUS", "sign": "0123456789ABCDEF0123456789ABCDEF" })j";

// Verbatim from the CS2DT doc.
constexpr std::string_view doc_string_to_sign =
    "offerId=null&orderId=753955645187293184&outTradeNo=753955643962990592&status=11&statusName=failed"
    "&tradeOfferId=null&type=0&typeName=BUYER_ORDER_STATUS";

// md5(doc_string_to_sign + "&sign=secret"), upper case (coreutils md5sum).
constexpr std::string_view doc_sign_with_secret = "3AEE9C7D6128612658E67B1802C4E033";

constexpr std::string_view app_secret = "s3cr3t-app-SECRET";

std::string replace(std::string s, std::string_view from, std::string_view to)
{
    auto p = s.find(from);
    REQUIRE(p != std::string::npos);
    s.replace(p, from.size(), to);
    return s;
}

std::string genuine(std::string_view body, std::string_view secret = app_secret)
{
    auto r = cs2dt::signed_callback_body(body, secret);
    REQUIRE(r);
    return *r;
}

std::string sign_of(const std::string& signed_body)
{
    auto p = signed_body.find("\"sign\":\"");
    REQUIRE(p != std::string::npos);
    return signed_body.substr(p + 8, 32);
}

// A refusal: invalid_argument, from cs2dt, never echoing the secret or a signature.
void require_refused(const result<cs2dt::OrderStatusCallback>& r, std::string_view why, std::string_view expected_sign = {})
{
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::invalid_argument);
    CHECK(r.error().provider == cs2dt::id);
    const std::string m = r.error().message();
    INFO(m);
    CHECK(m.find(why) != std::string::npos);
    CHECK(m.find(app_secret) == std::string::npos);
    if (!expected_sign.empty()) {
        CHECK(m.find(expected_sign) == std::string::npos);
        CHECK(m.find(detail::hex_to_case(expected_sign, detail::hex_case::lower)) == std::string::npos);
    }
}

} // namespace

TEST_CASE("md5 helpers: known answers, constant-time equality, form decoding", "[push]")
{
    CHECK(detail::md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(detail::md5_hex("abc", detail::hex_case::upper) == "900150983CD24FB0D6963F7D28E17F72");
    CHECK(detail::constant_time_equal("abc", "abc"));
    CHECK_FALSE(detail::constant_time_equal("abc", "abd"));
    CHECK_FALSE(detail::constant_time_equal("abc", "abcd"));
    CHECK(detail::constant_time_equal("", ""));
    CHECK(detail::is_md5_hex("900150983cd24fb0d6963f7d28e17f72"));
    CHECK_FALSE(detail::is_md5_hex("900150983cd24fb0d6963f7d28e17f7g"));
    CHECK_FALSE(detail::is_md5_hex("900150983cd24fb0d6963f7d28e17f7"));
    CHECK(detail::form_decode("a%20b+c%2Bd%zz%4") == "a b c+d%zz%4");
    CHECK(detail::media_type(" Application/JSON ; charset=UTF-8") == "application/json");
}

TEST_CASE("cs2dt callback: the documented string-to-sign is reproduced exactly from a JSON body", "[push][cs2dt]")
{
    auto s = cs2dt::callback_string_to_sign(doc_body);
    REQUIRE(s);
    CHECK(*s == doc_string_to_sign); // orderId keeps all 18 digits; null as `null`; sorted; no sign
    auto sign = cs2dt::sign_callback(doc_body, "secret");
    REQUIRE(sign);
    CHECK(*sign == doc_sign_with_secret);

    // The same fields given as text sign the same.
    auto f = cs2dt::sign_callback_fields({{"offerId", "null"},
                                          {"orderId", "753955645187293184"},
                                          {"outTradeNo", "753955643962990592"},
                                          {"status", "11"},
                                          {"statusName", "failed"},
                                          {"tradeOfferId", "null"},
                                          {"type", "0"},
                                          {"typeName", "BUYER_ORDER_STATUS"},
                                          {"sign", "ignored"}},
                                         "secret");
    REQUIRE(f);
    CHECK(*f == doc_sign_with_secret);
}

TEST_CASE("cs2dt callback: what exactly is signed for every JSON value kind", "[push][cs2dt]")
{
    // Strings: unescaped, then URL-decoded; numbers: exact text; booleans; nested: compact JSON.
    auto s = cs2dt::callback_string_to_sign(
        R"({"z":"a%20b+c","b":true,"a":1.50,"n":{"k": [1, "x y", null]},"e":"fa\u0069led","big":-18446744073709551615,"B":false})");
    REQUIRE(s);
    CHECK(*s == R"(B=false&a=1.50&b=true&big=-18446744073709551615&e=failed&n={"k":[1,"x y",null]}&z=a b c)");
    // Keys sort as bytes: upper case before lower case, "a" before "a_" before "ab".
    auto k = cs2dt::callback_string_to_sign(R"({"ab":1,"a_":2,"a":3,"Z":4})");
    REQUIRE(k);
    CHECK(*k == "Z=4&a=3&a_=2&ab=1");
    // A number sent as a string signs like the number (the text is the same).
    CHECK(*cs2dt::callback_string_to_sign(R"({"orderId":"753955645187293184"})") ==
          *cs2dt::callback_string_to_sign(R"({"orderId":753955645187293184})"));
}

TEST_CASE("cs2dt callback: a genuine status 11 callback verifies and decodes", "[push][cs2dt]")
{
    const std::string body = genuine(doc_body);
    auto cb = cs2dt::verify_callback({"application/json", body}, app_secret);
    REQUIRE(cb);
    CHECK(cb->orderId == 753955645187293184);
    CHECK(cb->outTradeNo == "753955643962990592");
    REQUIRE(cb->status);
    CHECK(*cb->status == cs2dt::OrderStatus::failed);
    CHECK(cb->statusName == "failed");
    CHECK_FALSE(cb->offerId);
    CHECK_FALSE(cb->tradeOfferId);
    CHECK(cb->type == 0);
    CHECK(cb->typeName == "BUYER_ORDER_STATUS");
    CHECK(cb->sign == sign_of(body));
    CHECK(cs2dt::verify_callback_signature({"application/json; charset=UTF-8", body}, app_secret));
    // Content type is not needed (the signature decides).
    CHECK(cs2dt::verify_callback({"", body}, app_secret));
    CHECK(cs2dt::callback_reply == "success");
}

TEST_CASE("cs2dt callback: status 220 with failedCode, status 3 with offer ids", "[push][cs2dt]")
{
    const std::string reversed = genuine(
        R"({"orderId":753955645187293185,"outTradeNo":"m-1","status":220,"statusName":"reversed","offerId":null,
            "tradeOfferId":"6512345678","type":0,"typeName":"BUYER_ORDER_STATUS","failedCode":"ORDER_FAILED_OF_BUYER_DECLINE"})");
    auto cb = cs2dt::verify_callback({"application/json", reversed}, app_secret);
    REQUIRE(cb);
    REQUIRE(cb->status);
    CHECK(*cb->status == cs2dt::OrderStatus::reversed);
    REQUIRE(cb->failedCode);
    CHECK(*cb->failedCode == cs2dt::FailedCode::ORDER_FAILED_OF_BUYER_DECLINE);
    CHECK(cb->tradeOfferId == "6512345678");

    // A failedCode this library does not know yet is kept as sent.
    const std::string unknown = genuine(R"({"orderId":1,"status":220,"failedCode":"ORDER_FAILED_OF_SOMETHING_NEW"})");
    auto cu = cs2dt::verify_callback({"application/json", unknown}, app_secret);
    REQUIRE(cu);
    REQUIRE(cu->failedCode);
    CHECK_FALSE(cu->failedCode->is_known());
    CHECK(cu->failedCode->raw() == "ORDER_FAILED_OF_SOMETHING_NEW");

    // offerId may come as a number; the model keeps its digits as a string.
    const std::string waiting = genuine(R"({"orderId":2,"status":3,"offerId":987654321012345678,"tradeOfferId":"77"})");
    auto cw = cs2dt::verify_callback({"application/json", waiting}, app_secret);
    REQUIRE(cw);
    CHECK(*cw->status == cs2dt::OrderStatus::waiting_receipt);
    CHECK(cw->offerId == "987654321012345678");
}

TEST_CASE("cs2dt callback: a typed OrderStatusCallback can be turned into a genuine body", "[push][cs2dt]")
{
    cs2dt::OrderStatusCallback in;
    in.orderId = 753955645187293184;
    in.status = cs2dt::OrderStatus::success;
    in.statusName = "success";
    in.sign = "ignored";
    auto body = cs2dt::signed_callback_body(in, app_secret);
    REQUIRE(body);
    auto out = cs2dt::verify_callback({"application/json", *body}, app_secret);
    REQUIRE(out);
    CHECK(out->orderId == 753955645187293184);
    CHECK(*out->status == cs2dt::OrderStatus::success);
}

TEST_CASE("cs2dt callback: unknown extra keys that were signed verify fine", "[push][cs2dt]")
{
    const std::string body = genuine(
        R"({"orderId":753955645187293184,"status":10,"newField":"x","price":1.50,"flag":true,
            "extra":{"assets":[{"id":31247084400,"name":"AK-47 | Redline"}]},"note":"a+b%21"})");
    auto cb = cs2dt::verify_callback({"application/json", body}, app_secret);
    REQUIRE(cb);
    CHECK(*cb->status == cs2dt::OrderStatus::success);
    // The same fields in another order and with other whitespace/escapes still verify.
    std::string reordered = R"({ "note" : "a+b%21", "flag":true, "status":10, "price":1.50, "newField":"\u0078",
        "extra":{"assets":[{"id":31247084400,"name":"AK-47 | Redline"}]}, "orderId":753955645187293184, "sign":")" +
                            sign_of(body) + "\"}";
    CHECK(cs2dt::verify_callback({"application/json", reordered}, app_secret));
}

TEST_CASE("cs2dt callback: forgeries are refused", "[push][cs2dt]")
{
    const std::string body = genuine(doc_body);
    const std::string sign = sign_of(body);
    const auto verify = [](std::string_view b, std::string_view secret = app_secret, cs2dt::callback_limits lim = {}) {
        return cs2dt::verify_callback({"application/json", b}, secret, lim);
    };
    REQUIRE(verify(body));

    SECTION("changed field")
    {
        require_refused(verify(replace(body, "\"status\":11", "\"status\":10")), "signature mismatch", sign);
        require_refused(verify(replace(body, "753955645187293184", "753955645187293185")), "signature mismatch", sign);
        // Even a change that a double would not see.
        require_refused(verify(replace(body, "753955645187293184", "753955645187293184.0")), "signature mismatch", sign);
    }
    SECTION("documented equivalences the signature cannot tell apart (see callback.hpp)")
    {
        // null signs as the text `null`, a number as its digits, strings URL-decoded.
        CHECK(verify(replace(body, "\"offerId\":null", "\"offerId\":\"null\"")));
        CHECK(verify(replace(body, "\"status\":11", "\"status\":\"11\"")));
        CHECK(verify(replace(body, "\"failed\"", "\"fail%65d\"")));
    }
    SECTION("extra field added after signing")
    {
        require_refused(verify(replace(body, "{", R"({"failedCode":"ORDER_FAILED_OF_BUYER_DECLINE",)")), "signature mismatch", sign);
        require_refused(verify(replace(body, "{", R"({"x":null,)")), "signature mismatch", sign);
    }
    SECTION("removed field")
    {
        require_refused(verify(replace(body, "\"tradeOfferId\":null,", "")), "signature mismatch", sign);
    }
    SECTION("wrong secret")
    {
        require_refused(verify(body, "another-secret"), "signature mismatch", sign);
        auto other = genuine(doc_body, "another-secret");
        require_refused(verify(other), "signature mismatch", sign_of(other));
    }
    SECTION("empty secret is refused even for a body signed with an empty secret")
    {
        require_refused(verify(body, ""), "app_secret is empty");
        CHECK_FALSE(cs2dt::sign_callback(doc_body, ""));
    }
    SECTION("lower-case sign: accepted by default, refused when strict")
    {
        const std::string lower = replace(body, sign, detail::hex_to_case(sign, detail::hex_case::lower));
        CHECK(verify(lower));
        cs2dt::callback_limits strict;
        strict.accept_lowercase_sign = false;
        CHECK(verify(body, app_secret, strict));
        require_refused(verify(lower, app_secret, strict), "not upper-case hex", sign);
    }
    SECTION("missing, non-string or malformed sign")
    {
        require_refused(verify(replace(body, ",\"sign\":\"" + sign + "\"", "")), "no \"sign\"");
        require_refused(verify(replace(body, "\"" + sign + "\"", "null")), "\"sign\" is a null, not a string");
        require_refused(verify(replace(body, "\"" + sign + "\"", "123")), "\"sign\" is a number, not a string");
        require_refused(verify(replace(body, "\"" + sign + "\"", "[\"" + sign + "\"]")), "not a string");
        require_refused(verify(replace(body, sign, sign.substr(0, 31))), "not 32 hex characters");
        require_refused(verify(replace(body, sign, sign.substr(0, 31) + "G")), "not 32 hex characters");
        require_refused(verify(replace(body, sign, sign + "00")), "not 32 hex characters");
        require_refused(verify(replace(body, "{", "{\"sign\":\"" + sign + "\",")), "duplicate key \"sign\"");
    }
    SECTION("duplicate keys")
    {
        require_refused(verify(replace(body, "{", R"({"status":10,)")), "duplicate key \"status\"");
    }
    SECTION("oversized body")
    {
        std::string big = replace(body, "{", "{\"pad\":\"" + std::string(70 * 1024, 'x') + "\",");
        require_refused(verify(big), "larger than the limit of 65536");
        // A larger limit lets a genuine large body through.
        cs2dt::callback_limits lim;
        lim.max_body_bytes = 1 << 20;
        auto big_genuine = cs2dt::signed_callback_body(big, app_secret, lim);
        REQUIRE(big_genuine);
        CHECK(verify(*big_genuine, app_secret, lim));
        CHECK_FALSE(verify(*big_genuine));
    }
    SECTION("malformed, truncated, non-object, too deep")
    {
        require_refused(verify(replace(body, ":11,", ":11,,")), "not valid JSON");
        require_refused(verify(std::string_view(body).substr(0, body.size() - 10)), "not valid JSON");
        require_refused(verify(std::string_view(body).substr(0, body.size() - 1)), "not valid JSON");
        require_refused(verify(body + "x"), "not valid JSON");
        require_refused(verify(""), "not valid JSON");
        require_refused(verify("[" + body + "]"), "not a JSON object");
        require_refused(verify("\"success\""), "not a JSON object");
        require_refused(verify(R"({"a":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]})"), "nesting deeper than 16");
    }
    SECTION("form content type")
    {
        auto r = cs2dt::verify_callback({"application/x-www-form-urlencoded", body}, app_secret);
        require_refused(r, "CS2DT callbacks are JSON");
    }
    SECTION("a genuinely signed body that does not fit the model is a decode error")
    {
        auto odd = genuine(R"({"orderId":"not-a-number","status":11})");
        auto r = verify(odd);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::decode);
        CHECK(r.error().json_path == "orderId");
        CHECK(cs2dt::verify_callback_signature({"application/json", odd}, app_secret));
    }
}

TEST_CASE("cs2dt callback: a key or value holding & or = (moved field boundaries) is refused", "[push][cs2dt]")
{
    // One genuine callback; each forgery below has the same string-to-sign (so the
    // same sign) with fields dropped or merged.
    const std::string body = genuine(R"({"orderId":7,"outTradeNo":"m-1","status":220,)"
                                     R"("failedCode":"ORDER_FAILED_OF_BUYER_DECLINE","typeName":"BUYER_ORDER_STATUS"})");
    const std::string sign = sign_of(body);
    REQUIRE(cs2dt::verify_callback({"application/json", body}, app_secret));
    const std::string rest = R"("outTradeNo":"m-1","status":220,"typeName":"BUYER_ORDER_STATUS","sign":")" + sign + "\"}";
    const std::string forged[] = {
        // orderId and failedCode folded into one unknown key: a reversal without its reason or order.
        R"({"failedCode=ORDER_FAILED_OF_BUYER_DECLINE&orderId":7,)" + rest,
        // orderId moved into failedCode's value.
        R"({"failedCode":"ORDER_FAILED_OF_BUYER_DECLINE&orderId=7",)" + rest,
        // ... percent-encoded, which the documented URL-decoding turns back into & and =.
        R"({"failedCode":"ORDER_FAILED_OF_BUYER_DECLINE%26orderId%3D7",)" + rest,
        R"({"failedCode%3DORDER_FAILED_OF_BUYER_DECLINE%26orderId":7,)" + rest,
        // ... or JSON-escaped.
        R"({"failedCode":"ORDER_FAILED_OF_BUYER_DECLINE\u0026orderId\u003d7",)" + rest,
    };
    for (const auto& f : forged) {
        INFO(f);
        const auto r = cs2dt::verify_callback({"application/json", f}, app_secret);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == error_kind::invalid_argument);
        CHECK_FALSE(cs2dt::verify_callback_signature({"application/json", f}, app_secret));
        const std::string m = r.error().message();
        CHECK(m.find(app_secret) == std::string::npos);
        CHECK(m.find(sign) == std::string::npos);
        // Nor can such a body be signed.
        CHECK_FALSE(cs2dt::sign_callback(f, app_secret));
    }
    require_refused(cs2dt::verify_callback({"application/json", forged[1]}, app_secret), "'&' or '='", sign);
    // Nested values are signed as their JSON text, URL-decoded: the same rule applies.
    CHECK_FALSE(cs2dt::sign_callback(R"({"orderId":1,"x":{"a":"b=c"}})", app_secret));
    CHECK_FALSE(cs2dt::sign_callback_fields({{"orderId", "1"}, {"x", "a%26b"}}, app_secret));
    // '+' and other escapes stay fine.
    CHECK(cs2dt::sign_callback(R"({"orderId":1,"outTradeNo":"a+b%20c"})", app_secret));
}

TEST_CASE("cs2dt callback: duplicate keys are refused at any encoding (orderId, order%49d and a JSON unicode escape of it)",
          "[push][cs2dt]")
{
    // The sign over what the verifier would otherwise sign: both keys, as written.
    const auto signed_as = [](std::string_view to_sign, std::string_view json_without_sign) {
        std::string b(json_without_sign.substr(0, json_without_sign.size() - 1));
        return b + R"(,"sign":")" + cs2dt::detail::signature(to_sign, app_secret) + "\"}";
    };
    const std::string percent = signed_as("order%49d=8&orderId=7&status=11", R"({"orderId":7,"order%49d":8,"status":11})");
    require_refused(cs2dt::verify_callback({"application/json", percent}, app_secret), "duplicate key");
    const std::string plus = signed_as("orderI+d=8&orderId=7", R"({"orderId":7,"orderI+d":8})");
    CHECK(cs2dt::verify_callback({"application/json", plus}, app_secret)); // "orderI d" is another key
    const std::string escaped = signed_as("orderId=7&orderId=8&status=11", R"({"orderId":7,"order\u0049d":8,"status":11})");
    require_refused(cs2dt::verify_callback({"application/json", escaped}, app_secret), "duplicate key");
}

TEST_CASE("cs2dt callback: replay protection refuses a callback accepted before (opt-in, bounded, thread-safe)",
          "[push][cs2dt][replay]")
{
    const std::string body = genuine(doc_body);
    const auto verify = [](std::string_view b, const cs2dt::callback_limits& lim) {
        return cs2dt::verify_callback({"application/json", b}, app_secret, lim);
    };
    // Off by default: the same genuine callback verifies every time.
    CHECK(verify(body, {}));
    CHECK(verify(body, {}));

    replay_guard seen(3);
    cs2dt::callback_limits lim;
    lim.replay = &seen;
    auto first = verify(body, lim);
    REQUIRE(first);
    CHECK(seen.seen(cs2dt::callback_replay_id(*first)));
    auto again = verify(body, lim);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == error_kind::duplicate_id);
    CHECK(again.error().provider == cs2dt::id);
    const std::string m = again.error().message();
    CHECK_THAT(m, Catch::Contains("replayed"));
    CHECK(m.find(app_secret) == std::string::npos);
    CHECK(m.find(sign_of(body)) == std::string::npos);
    // The same signed content in another spelling is the same callback.
    CHECK_FALSE(verify(replace(body, "\"offerId\":null", "\"offerId\":\"null\""), lim));
    CHECK_FALSE(cs2dt::verify_callback_signature({"application/json", body}, app_secret, lim));
    // A forgery is refused for what it is and remembered as nothing.
    const std::size_t before = seen.size();
    CHECK(verify(replace(body, "\"status\":11", "\"status\":10"), lim).error().kind == error_kind::invalid_argument);
    CHECK(seen.size() == before);
    // Handling failed: forget it, and CS2DT's retry goes through (once).
    seen.forget(cs2dt::callback_replay_id(*first));
    CHECK(verify(body, lim));
    CHECK_FALSE(verify(body, lim));
    // Bounded: the oldest of more than `capacity` callbacks is forgotten first.
    std::vector<std::string> bodies;
    for (int k = 0; k < 4; ++k)
        bodies.push_back(genuine(R"({"orderId":)" + std::to_string(100 + k) + R"(,"status":11})"));
    for (const auto& b : bodies)
        REQUIRE(verify(b, lim));
    CHECK(seen.size() == 3);
    CHECK(verify(body, lim));             // evicted long ago
    CHECK_FALSE(verify(bodies[3], lim));  // still remembered
    SECTION("many threads, one guard: each callback is accepted exactly once")
    {
        replay_guard shared(1000);
        cs2dt::callback_limits l;
        l.replay = &shared;
        std::vector<std::string> many;
        for (int k = 0; k < 50; ++k)
            many.push_back(genuine(R"({"orderId":)" + std::to_string(1000 + k) + R"(,"status":11})"));
        std::atomic<int> accepted{0}, replayed{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (const auto& b : many) {
                    auto r = cs2dt::verify_callback({"application/json", b}, app_secret, l);
                    (r ? accepted : replayed) += 1;
                }
            });
        for (auto& t : threads)
            t.join();
        CHECK(accepted == 50);
        CHECK(replayed == 150);
    }
}

// ---------------------------------------------------------------------------
// Skinify IPN

namespace {

constexpr std::string_view api_token = "skinify-project-token-123";
// md5("skinify-project-token-123") via Python hashlib.
constexpr std::string_view api_token_md5 = "af617f1a4cbfadb52ce4fa1dd5092a43";

void require_ipn_refused(const result<skinify::DepositIpn>& r, std::string_view why)
{
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::invalid_argument);
    CHECK(r.error().provider == skinify::id);
    const std::string m = r.error().message();
    INFO(m);
    CHECK(m.find(why) != std::string::npos);
    CHECK(m.find(api_token) == std::string::npos);
    CHECK(m.find(api_token_md5) == std::string::npos);
}

std::string ipn_json(std::string_view token_md5)
{
    return R"({"token_md5":")" + std::string(token_md5) + R"(","status":"success","transaction_id":678431,"deposit_id":"dep-1",
        "steam_id":"76561198117742847","date":1643713700,"amount":12.5,"amount_currency":"usd",
        "amount_converted":{"usd":12.5,"eur":"11.40"},"multiplied_amount":25,"trade_offer_id":null,"settlement":null})";
}

std::string ipn_form(std::string_view token_md5)
{
    return "token_md5=" + std::string(token_md5) +
           "&status=success&transaction_id=678431&deposit_id=dep%2B1+x&steam_id=76561198117742847&date=1643713700"
           "&amount=12.5&amount_currency=usd&amount_converted%5Busd%5D=12.5&amount_converted[eur]=11.40"
           "&multiplied_amount=25&multiplied_amount_converted%5Busd%5D=25&trade_offer_id=&settlement=";
}

} // namespace

TEST_CASE("skinify ipn: token md5", "[push][skinify]")
{
    CHECK(skinify::ipn_token_md5(api_token) == api_token_md5);
    CHECK(skinify::ipn_token_md5("123") == "202cb962ac59075b964b07152d234b70"); // the docs' example token_md5
}

TEST_CASE("skinify ipn: a JSON IPN verifies and decodes", "[push][skinify]")
{
    auto r = skinify::verify_ipn("application/json", ipn_json(api_token_md5), api_token);
    REQUIRE(r);
    CHECK(r->status == skinify::DepositStatus::success);
    CHECK(r->transaction_id == "678431");
    CHECK(r->deposit_id == "dep-1");
    CHECK(r->steam_id == "76561198117742847");
    REQUIRE(r->date);
    CHECK(r->date->raw() == 1643713700);
    REQUIRE(r->amount);
    CHECK(r->amount->to_string() == "12.5");
    REQUIRE(r->amount_converted);
    CHECK(r->amount_converted->at("eur").to_string() == "11.4");
    CHECK_FALSE(r->trade_offer_id);
    CHECK_FALSE(r->settlement);
    CHECK(skinify::ipn_reply == "{}");
    // The request-struct overload and sniffing without a content type.
    CHECK(skinify::verify_ipn(skinify::ipn_request{"", ipn_json(api_token_md5)}, api_token));
    CHECK(skinify::verify_ipn("text/plain", "  \n" + ipn_json(api_token_md5), api_token));
}

TEST_CASE("skinify ipn: a form-encoded IPN verifies and decodes", "[push][skinify]")
{
    auto j = skinify::ipn_form_to_json(ipn_form(api_token_md5));
    REQUIRE(j);
    CHECK(*j == R"({"token_md5":")" + std::string(api_token_md5) +
                    R"(","status":"success","transaction_id":"678431","deposit_id":"dep+1 x","steam_id":"76561198117742847",)"
                    R"("date":1643713700,"amount":12.5,"amount_currency":"usd","amount_converted":{"usd":12.5,"eur":11.40},)"
                    R"("multiplied_amount":25,"multiplied_amount_converted":{"usd":25},"trade_offer_id":"","settlement":null})");

    for (std::string_view ct : {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", ""}) {
        INFO(ct);
        auto r = skinify::verify_ipn(ct, ipn_form(api_token_md5), api_token);
        REQUIRE(r);
        CHECK(r->status == skinify::DepositStatus::success);
        CHECK(r->transaction_id == "678431");
        CHECK(r->deposit_id == "dep+1 x");
        CHECK(r->date->raw() == 1643713700);
        CHECK(r->amount->to_string() == "12.5");
        CHECK(r->amount_converted->at("usd").to_string() == "12.5");
        CHECK(r->multiplied_amount_converted->at("usd").to_string() == "25");
        CHECK(r->trade_offer_id == "");
        CHECK_FALSE(r->settlement);
    }
    // A failed deposit carries only the basics; `null` text for an optional is null.
    auto f = skinify::verify_ipn("application/x-www-form-urlencoded",
                                 "status=failed&token_md5=" + std::string(api_token_md5) +
                                     "&transaction_id=1&deposit_id=d&steam_id=null&date=1643713700&unknown[a][b]=c",
                                 api_token);
    REQUIRE(f);
    CHECK(f->status == skinify::DepositStatus::failed);
    CHECK_FALSE(f->steam_id);
    CHECK_FALSE(f->amount);
}

TEST_CASE("skinify ipn: token_md5 case, wrong tokens and bad bodies", "[push][skinify]")
{
    const std::string upper = detail::hex_to_case(api_token_md5, detail::hex_case::upper);
    CHECK(skinify::verify_ipn("application/json", ipn_json(upper), api_token));
    CHECK(skinify::verify_ipn("application/x-www-form-urlencoded", ipn_form(upper), api_token));

    require_ipn_refused(skinify::verify_ipn("application/json", ipn_json(api_token_md5), "another-token"),
                        "does not match the API token");
    require_ipn_refused(skinify::verify_ipn("application/json", ipn_json(skinify::ipn_token_md5("another-token")), api_token),
                        "does not match the API token");
    // The raw token instead of its MD5 is refused.
    require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded", ipn_form(api_token), api_token),
                        "not 32 hex characters");
    require_ipn_refused(skinify::verify_ipn("application/json", ipn_json(api_token_md5), ""), "api_token is empty");
    require_ipn_refused(skinify::verify_ipn("application/json", R"({"status":"success"})", api_token), "no \"token_md5\"");
    require_ipn_refused(skinify::verify_ipn("application/json", R"({"token_md5":12})", api_token), "not a string");
    require_ipn_refused(skinify::verify_ipn("application/json", "[1]", api_token), "not a JSON object");
    require_ipn_refused(skinify::verify_ipn("application/json", ipn_json(api_token_md5).substr(0, 50), api_token),
                        "not valid JSON");
    require_ipn_refused(skinify::verify_ipn("application/json", replace(ipn_json(api_token_md5), "{", R"({"token_md5":"x",)"),
                                            api_token),
                        "duplicate key \"token_md5\"");
    require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded",
                                            ipn_form(api_token_md5) + "&token_md5=" + std::string(api_token_md5), api_token),
                        "repeated");
    require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded", ipn_form(api_token_md5) + "&items[]=1",
                                            api_token),
                        "lists");
    require_ipn_refused(skinify::verify_ipn("multipart/form-data; boundary=x", ipn_form(api_token_md5), api_token),
                        "multipart");
    require_ipn_refused(skinify::verify_ipn("application/json", std::string(70 * 1024, ' ') + ipn_json(api_token_md5), api_token),
                        "larger than the limit of 65536");

    // Authentic but not a DepositIpn: a decode error, after the token check.
    auto d = skinify::verify_ipn("application/json", R"({"token_md5":")" + std::string(api_token_md5) + R"(","status":"success"})",
                                 api_token);
    REQUIRE_FALSE(d);
    CHECK(d.error().kind == error_kind::decode);
    CHECK(d.error().provider == skinify::id);
}

TEST_CASE("skinify ipn: duplicate keys are refused at any encoding (deposit_id, deposit%5Fid and a JSON unicode escape of it)",
          "[push][skinify]")
{
    const std::string json = ipn_json(api_token_md5);
    for (const char* dup : {R"("deposit%5Fid":"other",)", R"("deposit\u005fid":"other",)", R"("token%5Fmd5":"x",)"}) {
        INFO(dup);
        require_ipn_refused(skinify::verify_ipn("application/json", replace(json, "{", std::string("{") + dup), api_token),
                            "duplicate key");
    }
    require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded",
                                            ipn_form(api_token_md5) + "&deposit%5Fid=other", api_token),
                        "repeated");
    require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded",
                                            ipn_form(api_token_md5) + "&deposit_id%3Dx%26steam_id=1", api_token),
                        "'&' or '='");
}

TEST_CASE("skinify ipn: replay protection (seen set) and a freshness window on date, both opt-in", "[push][skinify][replay]")
{
    using namespace std::chrono;
    const auto now_s = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    const auto ipn = [](long long date, const char* status = "success") {
        return R"({"token_md5":")" + std::string(api_token_md5) + R"(","status":")" + status +
               R"(","transaction_id":"t-1","deposit_id":"d-1","date":)" + std::to_string(date) + "}";
    };
    const auto verify = [](const std::string& b, const skinify::ipn_limits& lim) {
        return skinify::verify_ipn("application/json", b, api_token, lim);
    };
    CHECK(verify(ipn(1643713700), {})); // off by default: any date, any number of times
    CHECK(verify(ipn(1643713700), {}));

    replay_guard seen;
    skinify::ipn_limits lim;
    lim.replay = &seen;
    auto first = verify(ipn(now_s), lim);
    REQUIRE(first);
    CHECK(seen.seen(skinify::ipn_replay_id(*first)));
    auto again = verify(ipn(now_s), lim);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == error_kind::duplicate_id);
    CHECK(again.error().provider == skinify::id);
    CHECK(again.error().message().find(api_token_md5) == std::string::npos);
    // The same IPN as a form is the same IPN.
    CHECK_FALSE(skinify::verify_ipn("application/x-www-form-urlencoded",
                                    "token_md5=" + std::string(api_token_md5) +
                                        "&status=success&transaction_id=t-1&deposit_id=d-1&date=" + std::to_string(now_s),
                                    api_token, lim));
    // A later status of the same deposit is another IPN.
    CHECK(verify(ipn(now_s, "failed"), lim));
    // A wrong token is refused for that, and remembered as nothing.
    const std::size_t before = seen.size();
    auto forged = skinify::verify_ipn("application/json", replace(ipn(now_s, "pending"), std::string(api_token_md5),
                                                                  skinify::ipn_token_md5("other")), api_token, lim);
    REQUIRE_FALSE(forged);
    CHECK(forged.error().kind == error_kind::invalid_argument);
    CHECK(seen.size() == before);

    skinify::ipn_limits fresh;
    fresh.max_age = hours(24 * 8);
    CHECK(verify(ipn(now_s - 3600), fresh));
    CHECK(verify(ipn(now_s + 60), fresh)); // within max_clock_skew
    require_ipn_refused(verify(ipn(now_s - 9 * 24 * 3600), fresh), "older than max_age");
    require_ipn_refused(verify(ipn(now_s + 3600), fresh), "in the future");
    require_ipn_refused(verify(ipn(9'000'000'000'000), fresh), "in the future");
    require_ipn_refused(verify(R"({"token_md5":")" + std::string(api_token_md5) +
                                   R"(","status":"success","transaction_id":"t-2","deposit_id":"d-2"})",
                               fresh),
                        "no \"date\"");
}

TEST_CASE("skinify ipn: the form parser is not quadratic: a form at the size limit takes O(n log n) key comparisons",
          "[push][skinify]")
{
    // A 64 KiB form of short fields; the quadratic parser compared every new name
    // with every earlier one (about 8000^2 / 2 comparisons here).
    const std::size_t limit = skinify::ipn_limits{}.max_body_bytes;
    for (const char* shape : {"f", "a[f"}) {
        INFO(shape);
        std::string body = "token_md5=" + std::string(api_token_md5) + "&status=success&transaction_id=1&deposit_id=d";
        std::size_t fields = 4;
        for (std::size_t k = 0;; ++k) {
            std::string f = "&" + std::string(shape) + std::to_string(k) + (shape[1] ? "]=" : "=");
            if (body.size() + f.size() > limit)
                break;
            body += f;
            ++fields;
        }
        body.append(limit - body.size(), 'x'); // the last field's value fills the body to the limit
        REQUIRE(body.size() == limit);
        skinify::detail::form_node root;
        skinify::detail::form_stats stats;
        error err;
        REQUIRE(skinify::detail::parse_form(body, {}, root, err, &stats));
        CHECK(fields > 5000);
        // A find and an insert per name, about log2(8000) = 13 comparisons each: a few dozen per field, not thousands.
        CHECK(stats.key_comparisons <= fields * 64);
        CHECK(skinify::verify_ipn("application/x-www-form-urlencoded", body, api_token));
        require_ipn_refused(skinify::verify_ipn("application/x-www-form-urlencoded", body + "x", api_token),
                            "larger than the limit of 65536");
    }
}

TEST_CASE("skinify ipn: ipn_form_to_json always gives valid JSON or an error (x%FF=1, amount=1e99999999999999999999)",
          "[push][skinify]")
{
    const std::string md5(api_token_md5);
    for (const std::string form : {"x%FF=1", "a=%C3%28", "x[%FF]=1", "deposit_id=%ED%A0%80", "amount=1e99999999999999999999",
                                   "date=1e99999999999999999999", "amount_converted[usd]=-1E+99999999999999999999",
                                   "multiplied_amount=1e-99999999999999999999", "settlement=99999999999999999999999", "amount=0e99999999999",
                                   "amount=0E+0000000001&date=-0e-99",
                                   "%00=%01%1F%7F", "amount=-0.0", "status=%E2%82%AC"}) {
        INFO(form);
        auto j = skinify::ipn_form_to_json(form);
        if (j) {
            boost::system::error_code ec;
            boost::json::parse(*j, ec);
            CHECK_FALSE(ec);
        }
        // verify_ipn never reports its own conversion as invalid JSON.
        auto v = skinify::verify_ipn("application/x-www-form-urlencoded", "token_md5=" + md5 + "&" + form, api_token);
        if (!v)
            CHECK(v.error().message().find("not valid JSON") == std::string::npos);
    }
    // An exponent no number type can hold is a decode error at its member.
    auto big = skinify::verify_ipn("application/x-www-form-urlencoded",
                                   "token_md5=" + md5 + "&status=success&transaction_id=1&deposit_id=d&amount=1e99999999999999999999",
                                   api_token);
    REQUIRE_FALSE(big);
    CHECK(big.error().kind == error_kind::decode);
    CHECK(big.error().json_path == "amount");
}

// ---------------------------------------------------------------------------
// End to end: a receiver on the loopback HTTPS server, a Beast TLS client POSTing to it.

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

struct posted {
    boost::system::error_code ec;
    unsigned status = 0;
    std::string body;
};

// POSTs one request over TLS (verifying the server against its test CA) and reads the answer.
posted post(const testing::https_server& server, const std::string& target, const std::string& content_type,
            const std::string& body)
{
    posted out;
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    ctx.add_certificate_authority(asio::buffer(server.identity().ca_cert_pem), out.ec);
    if (out.ec)
        return out;
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(std::chrono::seconds(10));
    tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()), out.ec);
    if (out.ec)
        return out;
    stream.handshake(asio::ssl::stream_base::client, out.ec);
    if (out.ec)
        return out;
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req, out.ec);
    if (out.ec)
        return out;
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res, out.ec);
    if (out.ec)
        return out;
    out.status = res.result_int();
    out.body = res.body();
    return out;
}

} // namespace

TEST_CASE("push: a genuine push whose field quotes the key is refused without the key in the error (fuzz finding)",
          "[push][redaction]")
{
    // libFuzzer (fuzz_push) built a Skinify IPN, correctly signed, whose amount
    // was "1e999<token>": the decoder's error quoted the value, and with it the token.
    const std::string form =
        "amount=1e999" + std::string(api_token) + "&status=success&token_md5=" + std::string(api_token_md5) + "&transaction_id=1";
    auto r = skinify::verify_ipn("application/x-www-form-urlencoded", form, api_token);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::decode);
    const std::string m = r.error().message() + r.error().json_path + r.error().body;
    INFO(m);
    CHECK(m.find("<redacted>") != std::string::npos);
    CHECK(m.find(api_token) == std::string::npos);
    CHECK(m.find(api_token_md5) == std::string::npos);
    // The same with CS2DT's app secret quoted in a signed callback's integer field.
    const std::string body = genuine(replace(std::string(doc_body), "\"status\": 11", "\"status\": \"x" + std::string(app_secret) + "\""));
    auto c = cs2dt::verify_callback({"application/json", body}, app_secret);
    REQUIRE_FALSE(c);
    const std::string cm = c.error().message() + c.error().json_path + c.error().body;
    INFO(cm);
    CHECK(cm.find(app_secret) == std::string::npos);
}

TEST_CASE("push end to end: a receiver on the loopback HTTPS server accepts genuine and refuses forged callbacks",
          "[push][e2e]")
{
    std::vector<cs2dt::OrderStatusCallback> received;
    std::vector<skinify::DepositIpn> deposits;
    testing::https_server server([&](const testing::recorded_request& req) {
        testing::canned_response res;
        res.headers.emplace_back("Content-Type", "text/plain");
        if (req.method != "POST") {
            res.status = 405;
            return res;
        }
        if (req.target == "/cs2dt/callback") {
            auto cb = cs2dt::verify_callback({req.header("Content-Type"), req.body}, app_secret);
            if (!cb) {
                res.status = 400;
                res.body = cb.error().message();
                return res;
            }
            received.push_back(*cb);
            res.body = std::string(cs2dt::callback_reply);
            return res;
        }
        if (req.target == "/skinify/ipn") {
            auto ipn = skinify::verify_ipn(req.header("Content-Type"), req.body, api_token);
            if (!ipn) {
                res.status = 400;
                res.body = ipn.error().message();
                return res;
            }
            deposits.push_back(*ipn);
            res.headers.clear();
            res.body = std::string(skinify::ipn_reply);
            return res;
        }
        res.status = 404;
        return res;
    });

    const std::string body = genuine(doc_body);
    auto ok = post(server, "/cs2dt/callback", "application/json", body);
    REQUIRE_FALSE(ok.ec);
    CHECK(ok.status == 200);
    CHECK(ok.body == "success");

    auto forged = post(server, "/cs2dt/callback", "application/json", replace(body, "\"status\":11", "\"status\":10"));
    REQUIRE_FALSE(forged.ec);
    CHECK(forged.status == 400);
    CHECK(forged.body.find("signature mismatch") != std::string::npos);
    CHECK(forged.body.find(app_secret) == std::string::npos);

    auto ipn = post(server, "/skinify/ipn", "application/x-www-form-urlencoded", ipn_form(api_token_md5));
    REQUIRE_FALSE(ipn.ec);
    CHECK(ipn.status == 200);
    CHECK(ipn.body == "{}");
    auto bad_ipn = post(server, "/skinify/ipn", "application/json", ipn_json(skinify::ipn_token_md5("wrong")));
    REQUIRE_FALSE(bad_ipn.ec);
    CHECK(bad_ipn.status == 400);

    server.stop(); // joins the io thread: `received` is no longer touched
    REQUIRE(received.size() == 1);
    CHECK(received[0].orderId == 753955645187293184);
    CHECK(*received[0].status == cs2dt::OrderStatus::failed);
    REQUIRE(deposits.size() == 1);
    CHECK(deposits[0].deposit_id == "dep+1 x");
    CHECK(server.request_count() == 4);
}
