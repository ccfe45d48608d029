// Fuzz target: CS2DT callbacks and Skinify IPNs.
//
// Input: one mode byte, then a body: 'c' a CS2DT callback (JSON), 'f' a Skinify
// IPN as a form, 'j' a Skinify IPN as JSON (other bytes pick by value).
// Properties: nothing crashes; no error shows the secret (app_secret, the API
// token or its MD5) or the expected signature; sign-then-verify: a body this
// library signs verifies, once (a replay guard refuses it the second time);
// ipn_form_to_json gives JSON that parses, or an error.
#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/net/replay_guard.hpp>
#include <cs2market/skinify/ipn.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view app_secret = "FzSecret_c4Rb8tQ1";
constexpr std::string_view api_token = "FzToken_Jm2Wd7Yx5";

template <class R>
void no_secret(const R& r, std::string_view secret, std::string_view also = {})
{
    if (r)
        return;
    fuzz::check_no_secret(r.error(), secret);
    if (!also.empty())
        fuzz::check_no_secret(r.error(), also);
}

void callback(std::string_view body)
{
    namespace cs2dt = cs2market::cs2dt;
    const auto expected = cs2dt::sign_callback(body, app_secret);
    const std::string sign = expected ? *expected : std::string();
    no_secret(cs2dt::verify_callback({"application/json", body}, app_secret), app_secret, sign);
    no_secret(cs2dt::verify_callback_signature({"", body}, app_secret), app_secret, sign);
    (void)cs2dt::callback_string_to_sign(body);
    // Sign, then verify: what this library signs must verify, exactly once with a guard.
    auto signed_body = cs2dt::signed_callback_body(body, app_secret);
    if (!signed_body)
        return;
    cs2market::replay_guard seen(4);
    cs2dt::callback_limits lim;
    lim.replay = &seen;
    auto first = cs2dt::verify_callback_signature({"application/json", *signed_body}, app_secret, lim);
    fuzz::check(static_cast<bool>(first), "a body signed here does not verify",
                *signed_body + "\n" + (first ? std::string() : first.error().message()));
    auto second = cs2dt::verify_callback_signature({"application/json", *signed_body}, app_secret, lim);
    fuzz::check(!second && second.error().kind == cs2market::error_kind::duplicate_id, "a replay is not refused", *signed_body);
    auto typed = cs2dt::verify_callback({"application/json", *signed_body}, app_secret);
    fuzz::check(typed || typed.error().kind == cs2market::error_kind::decode, "a body signed here is refused",
                typed ? std::string() : typed.error().message());
}

void ipn(std::string_view body, bool form)
{
    namespace skinify = cs2market::skinify;
    const std::string md5 = skinify::ipn_token_md5(api_token);
    const char* ct = form ? "application/x-www-form-urlencoded" : "application/json";
    no_secret(skinify::verify_ipn(ct, body, api_token), api_token, md5);
    no_secret(skinify::verify_ipn("", body, api_token), api_token, md5);
    if (form) {
        auto j = skinify::ipn_form_to_json(body);
        if (j) {
            boost::system::error_code ec;
            boost::json::parse(*j, ec);
            fuzz::check(!ec, "ipn_form_to_json wrote invalid JSON", *j);
        }
    }
    // With the right token_md5 added, the token is never what is refused.
    if (body.find("token") != std::string_view::npos)
        return;
    std::string authentic;
    if (form) {
        authentic = "token_md5=" + md5 + (body.empty() ? "" : "&") + std::string(body);
    } else {
        const auto brace = body.find_first_not_of(" \t\r\n");
        if (brace == std::string_view::npos || body[brace] != '{')
            return;
        // Not always valid JSON ("{}" gives a trailing comma): then it is refused for that.
        authentic = "{\"token_md5\":\"" + md5 + "\"," + std::string(body.substr(brace + 1));
    }
    auto r = skinify::verify_ipn(ct, authentic, api_token);
    if (!r) {
        // (Compared whole: other refusals may quote the fuzzer's text, "does not match" included.)
        fuzz::check(r.error().detail != "token_md5 does not match the API token", "the right token_md5 is refused", authentic);
        no_secret(r, api_token, md5);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const int mode = data[0] == 'c' ? 0 : data[0] == 'j' ? 1 : data[0] == 'f' ? 2 : data[0] % 3;
    if (mode == 0)
        callback(body);
    else
        ipn(body, mode == 2);
    return 0;
}
