// cs2market internal: MD5 as hex (OpenSSL EVP, no deprecated MD5()) and a
// constant-time string comparison, for the providers' callback "signatures";
// plus the two small text helpers both callback verifiers share (URL/form
// decoding of values and the media type of a Content-Type header).
//
// MD5 is what CS2DT and Skinify use; it is not chosen by us. Under an OpenSSL 3
// configuration that only loads the FIPS provider MD5 is unavailable: md5_hex
// then returns an empty string, which never compares equal to a 32-char digest.
#ifndef CS2MARKET_DETAIL_MD5_HPP
#define CS2MARKET_DETAIL_MD5_HPP

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace cs2market::detail {

enum class hex_case : bool { lower, upper };

/// MD5 of `data` as 32 hex characters, or "" when OpenSSL cannot compute it.
inline std::string md5_hex(std::string_view data, hex_case c = hex_case::lower)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // EVP_Digest is the one-shot EVP interface (not deprecated in OpenSSL 3).
    if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1 || len != 16)
        return {};
    const char* digits = c == hex_case::upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out(2 * std::size_t{len}, '\0');
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    return out;
}

/// True when `a` and `b` are equal. The time taken depends only on the lengths
/// (which are public: a digest has a fixed size), not on where they differ.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// True for exactly 32 characters out of [0-9A-Fa-f].
inline bool is_md5_hex(std::string_view s) noexcept
{
    if (s.size() != 32)
        return false;
    for (char ch : s)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    return true;
}

/// `s` with a-f turned into A-F (upper) or A-F into a-f (lower); other bytes unchanged.
inline std::string hex_to_case(std::string_view s, hex_case c)
{
    std::string out(s);
    for (char& ch : out) {
        if (c == hex_case::upper && ch >= 'a' && ch <= 'f')
            ch = static_cast<char>(ch - 'a' + 'A');
        else if (c == hex_case::lower && ch >= 'A' && ch <= 'F')
            ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
}

/// URL-decodes `s` the way form decoders (Java's URLDecoder, PHP's urldecode) do:
/// `+` becomes a space and `%XX` (either hex case) the byte XX. A `%` that is not
/// followed by two hex digits is kept as it is (lenient: never fails).
inline std::string form_decode(std::string_view s)
{
    auto hex = [](char ch) -> int {
        if (ch >= '0' && ch <= '9')
            return ch - '0';
        if (ch >= 'a' && ch <= 'f')
            return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F')
            return ch - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char ch = s[i];
        if (ch == '+') {
            out += ' ';
        } else if (ch == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += ch;
        }
    }
    return out;
}

/// The media type of a Content-Type value, lower-cased, without parameters:
/// "Application/JSON; charset=UTF-8" -> "application/json".
inline std::string media_type(std::string_view content_type)
{
    auto semi = content_type.find(';');
    if (semi != std::string_view::npos)
        content_type = content_type.substr(0, semi);
    while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t'))
        content_type.remove_prefix(1);
    while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t'))
        content_type.remove_suffix(1);
    std::string out(content_type);
    for (char& ch : out)
        if (ch >= 'A' && ch <= 'Z')
            ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

/// application/json, text/json and any */*+json media type.
inline bool is_json_media_type(std::string_view mt) noexcept
{
    return mt == "application/json" || mt == "text/json" || (mt.size() > 5 && mt.substr(mt.size() - 5) == "+json");
}

} // namespace cs2market::detail

#endif
