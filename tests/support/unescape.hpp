// Test helper: text with %XX, ASCII \uXXXX and \/ escapes decoded, so that a
// secret is found in an error however it was written (tests and fuzz targets).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace cs2market::test {

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

} // namespace cs2market::test
