// URL parsing (detail/url.hpp): the one parser of HTTP base URLs and WebSocket
// URLs. Errors never echo a URL: its path, query or user info may carry a secret.
#include <cs2market/net/detail/url.hpp>

#include <catch2/catch.hpp>

using namespace cs2market;
using detail::parse_url;
using detail::url_kind;

namespace {
const provider_id test_provider{"test-provider"};
}

TEST_CASE("url: https base URLs take scheme, host and port only", "[url]")
{
    auto u = parse_url("https://csboard.com", url_kind::https_base, test_provider);
    REQUIRE(u.has_value());
    CHECK(u->host == "csboard.com");
    CHECK(u->port == "443");
    CHECK(u->host_header == "csboard.com");
    CHECK(u->target == "/");
    CHECK_FALSE(u->is_ip);

    auto p = parse_url("HTTPS://127.0.0.1:8443/", url_kind::https_base, test_provider);
    REQUIRE(p.has_value());
    CHECK(p->is_ip);
    CHECK(p->host_header == "127.0.0.1:8443");
    CHECK(p->endpoint == "127.0.0.1:8443");

    auto v6 = parse_url("https://[::1]:9443", url_kind::https_base, test_provider);
    REQUIRE(v6.has_value());
    CHECK(v6->host == "::1");
    CHECK(v6->is_ip);
    CHECK(v6->host_header == "[::1]:9443");

    for (const char* bad : {"https://h.com/v2", "https://h.com?x=1", "http://h.com", "h.com", "https://", "https://h.com:0",
                            "https://h.com:65536", "https://h.com:8x", "https://[::1", "https://[::1]x", "https://u:p@h.com",
                            "https://h .com", "https://[zz::1]:1"}) {
        INFO(bad);
        auto r = parse_url(bad, url_kind::https_base, test_provider);
        REQUIRE(r.has_error());
        CHECK(r.error().kind == error_kind::invalid_argument);
        CHECK(r.error().provider == test_provider);
    }
}

TEST_CASE("url: wss URLs keep path and query, drop the fragment, and errors never echo them", "[url]")
{
    auto u = parse_url("wss://example.com/ws?token=abc", url_kind::wss, test_provider);
    REQUIRE(u.has_value());
    CHECK(u->host == "example.com");
    CHECK(u->port == "443");
    CHECK(u->host_header == "example.com");
    CHECK(u->target == "/ws?token=abc");
    CHECK(u->endpoint == "example.com:443");

    auto q = parse_url("WSS://127.0.0.1:8443?project_id=1#frag", url_kind::wss, {});
    REQUIRE(q.has_value());
    CHECK(q->is_ip);
    CHECK(q->target == "/?project_id=1");
    CHECK(q->host_header == "127.0.0.1:8443");

    auto v6 = parse_url("wss://[::1]:9000", url_kind::wss, {});
    REQUIRE(v6.has_value());
    CHECK(v6->target == "/");
    CHECK(v6->endpoint == "[::1]:9000");

    for (const char* bad : {"ws://example.com/?token=SECRET", "https://example.com/SECRET", "wss://user:SECRET@example.com/",
                            "wss://example.com:SECRET/", "wss:///SECRET", "wss://example.com/a SECRET",
                            "wss://exa\tmple.com/SECRET"}) {
        INFO(bad);
        auto r = parse_url(bad, url_kind::wss, test_provider);
        REQUIRE(r.has_error());
        CHECK(r.error().kind == error_kind::invalid_argument);
        CHECK(r.error().message().find("SECRET") == std::string::npos);
    }
}
