// cs2market::sandbox — what a front end's handler sees of a request (`call`:
// the request, its parsed query, the path template's parameters, the
// authenticated key) and small helpers to answer it.
#pragma once

#include <cs2market/json.hpp>
#include <cs2market/testing/https_server.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs2market::sandbox {

using request = ::cs2market::testing::recorded_request;
using response = ::cs2market::testing::canned_response;

/// Percent-decoding of a query component ('+' is a space).
inline std::string pct_decode(std::string_view s)
{
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

/// A request target split into its path and its (decoded) query parameters.
struct query_t {
    std::string path;
    std::multimap<std::string, std::string> q;

    std::optional<std::string> get(const std::string& k) const
    {
        auto it = q.find(k);
        if (it == q.end())
            return std::nullopt;
        return it->second;
    }
    /// Every value of `k`, comma-separated values split, `k[]=a&k[]=b` too.
    std::vector<std::string> list(const std::string& k) const
    {
        std::vector<std::string> out;
        auto [b, e] = q.equal_range(k);
        for (auto it = b; it != e; ++it) {
            const std::string& v = it->second;
            std::size_t pos = 0;
            while (pos <= v.size()) {
                auto c = v.find(',', pos);
                std::string part = v.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
                if (!part.empty())
                    out.push_back(part);
                if (c == std::string::npos)
                    break;
                pos = c + 1;
            }
        }
        if (k.size() < 2 || k.substr(k.size() - 2) != "[]") {
            auto more = list(k + "[]");
            out.insert(out.end(), more.begin(), more.end());
        }
        return out;
    }
    std::optional<std::int64_t> num(const std::string& k) const
    {
        auto v = get(k);
        if (!v || v->empty())
            return std::nullopt;
        try {
            return std::stoll(*v);
        } catch (...) {
            return std::nullopt;
        }
    }
};

inline query_t parse_target(std::string_view target)
{
    query_t r;
    auto q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q == std::string_view::npos)
        return r;
    std::string_view qs = target.substr(q + 1);
    while (!qs.empty()) {
        auto amp = qs.find('&');
        auto part = qs.substr(0, amp);
        auto eq = part.find('=');
        std::string k = pct_decode(part.substr(0, eq));
        std::string v = eq == std::string_view::npos ? std::string() : pct_decode(part.substr(eq + 1));
        r.q.emplace(std::move(k), std::move(v));
        if (amp == std::string_view::npos)
            break;
        qs.remove_prefix(amp + 1);
    }
    return r;
}

/// One request as a front end's handler sees it.
struct call {
    const request& req;
    query_t t;                                              ///< path and query
    std::vector<std::pair<std::string_view, std::string>> path_params; ///< `{name}` segments, decoded
    std::string key;                                        ///< the authenticated credential ("" without auth)

    const std::string& path() const { return t.path; }
    std::string header(std::string_view name) const { return req.header(name); }
    std::string path_param(std::string_view name) const
    {
        for (const auto& [n, v] : path_params)
            if (n == name)
                return v;
        return {};
    }
};

inline response json_response(unsigned status, std::string body)
{
    response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

inline std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Every whitespace-separated token of `search` occurs in `name` (case-insensitive).
inline bool matches_search(const std::string& name, const std::string& search)
{
    std::string n = lower(name);
    std::istringstream in(lower(search));
    std::string tok;
    while (in >> tok)
        if (n.find(tok) == std::string::npos)
            return false;
    return true;
}

inline bool key_chars_ok(std::string_view k)
{
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    return true;
}

} // namespace cs2market::sandbox
