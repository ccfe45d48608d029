// cs2market: body of detail/redact.hpp.
#ifndef CS2MARKET_IMPL_REDACT_IPP
#define CS2MARKET_IMPL_REDACT_IPP

#include <cs2market/detail/redact.hpp>

namespace cs2market::detail {

CS2MARKET_DECL int redact_hex(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// The length of the encoded occurrence of `secret` at `text[pos]`, or 0.
CS2MARKET_DECL std::size_t redact_match(std::string_view text, std::size_t pos, std::string_view secret) noexcept
{
    std::size_t i = pos;
    for (char want : secret) {
        if (i >= text.size())
            return 0;
        const char c = text[i];
        if (c == want) {
            ++i;
            continue;
        }
        if (c == '%' && i + 2 < text.size()) {
            int h = redact_hex(text[i + 1]), l = redact_hex(text[i + 2]);
            if (h >= 0 && l >= 0 && static_cast<char>(h * 16 + l) == want) {
                i += 3;
                continue;
            }
        }
        if (c == '\\' && i + 1 < text.size()) {
            if (text[i + 1] == 'u' && i + 5 < text.size()) {
                int v = 0;
                bool ok = true;
                for (std::size_t k = 2; k < 6; ++k) {
                    int d = redact_hex(text[i + k]);
                    ok = ok && d >= 0;
                    v = v * 16 + (d < 0 ? 0 : d);
                }
                if (ok && v == static_cast<unsigned char>(want)) {
                    i += 6;
                    continue;
                }
            } else if (text[i + 1] == want) { // \/ and other escapes of the character itself
                i += 2;
                continue;
            }
        }
        return 0;
    }
    return i - pos;
}

CS2MARKET_DECL std::string redact(std::string_view text, std::string_view secret, std::size_t max_len)
{
    // Only what can end up within max_len is searched: an encoded secret is at
    // most 6 bytes per character.
    if (max_len != std::string_view::npos && text.size() > max_len + 6 * secret.size())
        text = text.substr(0, max_len + 6 * secret.size());
    std::string out;
    out.reserve(text.size());
    if (secret.size() < 4) {
        out.assign(text);
    } else {
        for (std::size_t i = 0; i < text.size();) {
            if (std::size_t n = redact_match(text, i, secret)) {
                out += "<redacted>";
                i += n;
            } else {
                out += text[i++];
            }
        }
    }
    if (out.size() > max_len)
        out.resize(max_len);
    return out;
}

CS2MARKET_DECL void redact_error(error& e, std::string_view secret)
{
    for (std::string* t : {&e.provider_code, &e.detail, &e.json_path, &e.body})
        if (t->size() >= secret.size()) // every encoding of it is at least as long
            *t = redact(*t, secret);
}

} // namespace cs2market::detail

#endif
