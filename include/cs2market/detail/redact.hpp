// cs2market internal: keeping a credential out of everything kept or shown.
#ifndef CS2MARKET_DETAIL_REDACT_HPP
#define CS2MARKET_DETAIL_REDACT_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace cs2market::detail {

/// `text` with every occurrence of `secret` replaced by "<redacted>", then cut
/// to `max_len` bytes. An occurrence is found however its characters are
/// written: literally, percent-encoded (%5F), JSON-escaped (\u005f, \/), or a
/// mix. Redaction happens before the cut, so a secret straddling the cut never
/// leaves its prefix behind. Secrets shorter than 4 bytes are not searched for
/// (they would mangle ordinary text).
CS2MARKET_DECL std::string redact(std::string_view text, std::string_view secret, std::size_t max_len = std::string_view::npos);

/// `e` with `secret` redacted from every text it carries (code, detail, JSON
/// path, body): for errors built from input that may quote anything, such as a
/// signed push whose field echoes the key it was signed with.
CS2MARKET_DECL void redact_error(error& e, std::string_view secret);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/redact.ipp>
#endif

#endif
