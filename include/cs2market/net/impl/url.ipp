// cs2market: body of detail/url.hpp.
#ifndef CS2MARKET_NET_IMPL_URL_IPP
#define CS2MARKET_NET_IMPL_URL_IPP

#include <cs2market/net/detail/url.hpp>

#include <boost/asio/ip/address.hpp>

namespace cs2market::detail {

CS2MARKET_DECL bool ascii_iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

CS2MARKET_DECL result<endpoint_url> parse_url(std::string_view url, url_kind kind, provider_id p)
{
    const bool ws = kind == url_kind::wss;
    const std::string what = ws ? "WebSocket URL: " : "base URL: ";
    auto bad = [&](std::string why) { return make_error(error_kind::invalid_argument, what + why, p); };
    const std::string_view scheme = ws ? "wss://" : "https://";
    if (url.size() < scheme.size() || !ascii_iequals(url.substr(0, scheme.size()), scheme)) {
        if (ws && url.size() >= 5 && ascii_iequals(url.substr(0, 5), "ws://"))
            return bad("plain ws:// is refused; only wss:// (TLS) is used");
        if (!ws && url.size() >= 7 && ascii_iequals(url.substr(0, 7), "http://"))
            return bad("plain http:// is refused; only https:// (TLS) is used");
        return bad("must start with " + std::string(scheme));
    }
    url.remove_prefix(scheme.size());
    const auto end = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
    if (authority.find('@') != std::string_view::npos)
        return bad("user info (user:password@) is not allowed");
    if (!ws && !rest.empty() && rest != "/")
        return bad("only scheme, host and port may be given");

    std::string_view host = authority, port = "443";
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return bad("unterminated IPv6 literal");
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return bad("junk after IPv6 literal");
            port = after.substr(1);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty())
        return bad("missing host");
    for (char c : host)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '[' || c == ']' || c == '\\' || c == '/')
            return bad("invalid character in the host");
    unsigned pn = 0;
    for (char c : port)
        if (c < '0' || c > '9' || (pn = pn * 10 + static_cast<unsigned>(c - '0')) > 65535)
            return bad("bad port");
    if (port.empty() || pn == 0)
        return bad("bad port");
    if (auto hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    for (char c : rest)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return bad("space or control character in the path or query");

    endpoint_url u;
    u.host.assign(host);
    u.port.assign(port);
    boost::system::error_code ec;
    boost::asio::ip::make_address(u.host, ec);
    u.is_ip = !ec;
    if (!u.is_ip && u.host.find(':') != std::string::npos)
        return bad("invalid IPv6 literal");
    const std::string bracketed = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    u.host_header = port == "443" ? bracketed : bracketed + ":" + u.port;
    u.endpoint = bracketed + ":" + u.port;
    u.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
    return u;
}

} // namespace cs2market::detail

#endif
