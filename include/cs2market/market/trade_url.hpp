// cs2market: a Steam trade URL, the one recipient every market delivers to
// (https://steamcommunity.com/tradeoffer/new/?partner=N&token=T). Parsed once,
// then each provider takes what its buy wants (CS2DT the whole URL, CSBoard and
// Skinify partner + token). The token is not an API key, but it lets anyone
// send offers to the account: no error message ever contains it.
//
//   auto to = cs2market::trade_url::parse(url);   // bad URL: error_kind::invalid_argument
#ifndef CS2MARKET_MARKET_TRADE_URL_HPP
#define CS2MARKET_MARKET_TRADE_URL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <string>
#include <string_view>

namespace cs2market {

struct trade_url {
    std::string partner; ///< the account's 32-bit id, decimal digits
    std::string token;   ///< 1 to 32 of [A-Za-z0-9_-]

    /// Exactly https://steamcommunity.com/tradeoffer/new/?partner=N&token=T (the two
    /// parameters in either order, nothing else). Refused (invalid_argument, the token
    /// never quoted): another host or path, a missing, repeated or unknown parameter,
    /// a partner that is not a 32-bit number, a token of other characters or length.
    CS2MARKET_DECL static result<trade_url> parse(std::string_view url);

    /// The canonical URL (partner first).
    CS2MARKET_DECL std::string to_string() const;

    friend bool operator==(const trade_url&, const trade_url&) = default;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/market/impl/trade_url.ipp>
#endif

#endif
