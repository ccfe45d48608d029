// Shared by the libFuzzer targets (tests/fuzz/run.sh runs them): a property check that
// stops the run with a message, and secret-leak checks on errors.
#ifndef CS2MARKET_FUZZ_SUPPORT_HPP
#define CS2MARKET_FUZZ_SUPPORT_HPP

#include "../support/unescape.hpp"
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

using cs2market::test::unescape_all;

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
