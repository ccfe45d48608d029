// Helpers of the tests that talk to a loopback HTTPS server (testing::https_server).
#ifndef CS2MARKET_TESTS_WIRE_HELPERS_HPP
#define CS2MARKET_TESTS_WIRE_HELPERS_HPP

#include <cs2market/net/client_options.hpp>
#include <cs2market/testing/https_server.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs2market::test {

using testing::canned_response;
using testing::https_server;

inline canned_response json(unsigned status, std::string_view body, std::vector<std::pair<std::string, std::string>> headers = {})
{
    canned_response r;
    r.status = status;
    r.body = std::string(body);
    r.headers = std::move(headers);
    return r;
}

/// Options of a client of `s`, for tests that add to them (a hook, limits).
inline client_options options_for(const https_server& s, std::string credential)
{
    client_options o;
    o.credential = std::move(credential);
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.connect_timeout = std::chrono::seconds(5);
    o.request_timeout = std::chrono::seconds(5);
    // One exchange per call: these tests look at single answers (retries: test_async.cpp).
    o.retry = retry_policy::none();
    o.idempotency.generate_ids = false;
    o.idempotency.reconcile = false;
    return o;
}

template <class Client>
Client make_client(const https_server& s, std::string credential)
{
    return Client(options_for(s, std::move(credential)));
}

/// Splits "a=1&b=2" into decoded pairs.
inline std::multimap<std::string, std::string> query_of(const std::string& target)
{
    std::multimap<std::string, std::string> q;
    auto pos = target.find('?');
    if (pos == std::string::npos)
        return q;
    std::string s = target.substr(pos + 1);
    auto decode = [](std::string v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '%' && i + 2 < v.size()) {
                out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                out += v[i];
            }
        }
        return out;
    };
    std::size_t start = 0;
    while (start <= s.size()) {
        auto amp = s.find('&', start);
        auto part = s.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        auto eq = part.find('=');
        q.emplace(decode(part.substr(0, eq)), eq == std::string::npos ? "" : decode(part.substr(eq + 1)));
        if (amp == std::string::npos)
            break;
        start = amp + 1;
    }
    return q;
}

inline std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }


/// The decoded value of query parameter `name`, or "<absent>".
inline std::string query_value(const std::string& target, const std::string& name)
{
    auto q = query_of(target);
    auto it = q.find(name);
    return it == q.end() ? std::string("<absent>") : it->second;
}

} // namespace cs2market::test

#endif
