// Shared by the libFuzzer targets (tests/fuzz/run.sh runs them): a property check that
// stops the run with a message, and secret-leak checks on errors.
#ifndef CS2MARKET_FUZZ_SUPPORT_HPP
#define CS2MARKET_FUZZ_SUPPORT_HPP

#include <cs2market/error.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

/// A broken property: print it and abort (libFuzzer saves the input).
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {})
{
    std::fprintf(stderr, "\nPROPERTY FAILED: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
                 static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
    std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {})
{
    if (!ok)
        fail(what, detail);
}

/// `s` with %XX and ASCII \uXXXX escapes decoded: a secret is looked for however it is written.
inline std::string unescape_all(std::string_view s)
{
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
            out += static_cast<char>(val(s[i + 1]) * 16 + val(s[i + 2]));
            i += 2;
        } else if (s[i] == '\\' && i + 5 < s.size() && s[i + 1] == 'u' && s[i + 2] == '0' && s[i + 3] == '0' && hex(s[i + 4]) &&
                   hex(s[i + 5])) {
            out += static_cast<char>(val(s[i + 4]) * 16 + val(s[i + 5]));
            i += 5;
        } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '/') {
            out += '/';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// Fails when any text of `e` shows `secret` (in any encoding).
inline void check_no_secret(const cs2market::error& e, std::string_view secret)
{
    for (const std::string* s : {&e.detail, &e.provider_code, &e.body, &e.json_path}) {
        check(s->find(secret) == std::string::npos && unescape_all(*s).find(secret) == std::string::npos,
              "the secret appears in an error", *s);
    }
    const std::string m = e.message();
    check(unescape_all(m).find(secret) == std::string::npos, "the secret appears in error::message()", m);
}

} // namespace fuzz

#endif
