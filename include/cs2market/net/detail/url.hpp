// cs2market internal: the one URL parser of HTTP base URLs and WebSocket URLs.
#ifndef CS2MARKET_NET_DETAIL_URL_HPP
#define CS2MARKET_NET_DETAIL_URL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <string>
#include <string_view>

namespace cs2market::detail {

/// Where to connect and what to ask for.
struct endpoint_url {
    std::string host;        ///< without brackets for IPv6
    std::string port;        ///< "443" unless given
    bool is_ip = false;      ///< an IP literal: no SNI, the certificate is checked against the IP
    std::string host_header; ///< Host header value ("host", "host:port", "[::1]:8443")
    std::string target;      ///< path and query, at least "/"
    std::string endpoint;    ///< "host:port", the only part of a URL errors and statuses show
};

enum class url_kind {
    https_base, ///< "https://host[:port][/]": scheme, host and port only, so that a
                ///< base URL override can never change a documented request path
    wss,        ///< "wss://host[:port][/path][?query]" (a fragment is dropped)
};

/// Parses `url`. Errors never repeat the URL: its path, query or user info may
/// carry a secret (CS2DT's feed address, Skinify's signature).
CS2MARKET_DECL result<endpoint_url> parse_url(std::string_view url, url_kind kind, provider_id p);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/url.ipp>
#endif

#endif
