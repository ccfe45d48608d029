// cs2market: trade_url (non-template bodies).
#ifndef CS2MARKET_MARKET_IMPL_TRADE_URL_IPP
#define CS2MARKET_MARKET_IMPL_TRADE_URL_IPP

#include <cs2market/market/trade_url.hpp>

#include <cstdint>
#include <optional>

namespace cs2market {

namespace {

error trade_url_error(std::string what)
{
    return detail::make_error(error_kind::invalid_argument, "trade URL: " + std::move(what));
}

bool trade_url_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

} // namespace

CS2MARKET_DECL result<trade_url> trade_url::parse(std::string_view url)
{
    constexpr std::string_view prefix = "https://steamcommunity.com/tradeoffer/new/?";
    if (url.substr(0, prefix.size()) != prefix)
        return trade_url_error("expected https://steamcommunity.com/tradeoffer/new/?partner=N&token=T");
    std::string_view query = url.substr(prefix.size());
    std::optional<std::string> partner, token;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (amp != std::string_view::npos && query.empty())
            return trade_url_error("a '&' ends the query");
        const auto eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (name == "partner") {
            if (partner)
                return trade_url_error("partner is given twice");
            std::uint64_t n = 0;
            if (value.empty() || value.size() > 10)
                return trade_url_error("partner must be a 32-bit number");
            for (char c : value) {
                if (c < '0' || c > '9')
                    return trade_url_error("partner must be a 32-bit number");
                n = n * 10 + static_cast<unsigned>(c - '0');
            }
            if (n > 0xFFFFFFFFull)
                return trade_url_error("partner must be a 32-bit number");
            partner = std::string(value);
        } else if (name == "token") {
            if (token)
                return trade_url_error("token is given twice");
            if (value.empty() || value.size() > 32)
                return trade_url_error("the token must be 1 to 32 characters");
            for (char c : value)
                if (!trade_url_token_char(c))
                    return trade_url_error("the token has a character other than A-Z, a-z, 0-9, '_', '-'");
            token = std::string(value);
        } else {
            // Not named: a misplaced token could be the name ("...&T=token").
            return trade_url_error("an unknown parameter (only partner and token)");
        }
    }
    if (!partner)
        return trade_url_error("partner is missing");
    if (!token)
        return trade_url_error("token is missing");
    return trade_url{std::move(*partner), std::move(*token)};
}

CS2MARKET_DECL std::string trade_url::to_string() const
{
    return "https://steamcommunity.com/tradeoffer/new/?partner=" + partner + "&token=" + token;
}

} // namespace cs2market

#endif
