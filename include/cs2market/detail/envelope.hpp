// cs2market internal: the provider's envelope (which bodies and statuses are
// errors, where the payload sits), the same for every operation and therefore
// compiled once rather than per operation.
#ifndef CS2MARKET_DETAIL_ENVELOPE_HPP
#define CS2MARKET_DETAIL_ENVELOPE_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/detail/json_tape.hpp>
#include <cs2market/error.hpp>
#include <cs2market/operation.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace cs2market {
struct http_response;
}

namespace cs2market::detail {

/// open_envelope's answer when the envelope has no payload key.
inline constexpr std::uint32_t no_payload = std::numeric_limits<std::uint32_t>::max();

/// An error about response `r`: status, Retry-After, the body (cut, redacted)
/// and the rate-limit classification of the provider's rules.
CS2MARKET_DECL error response_error(const provider_info& prov, const http_response& r, std::string_view secret, error_kind kind,
                                    std::string code, std::string detail_text);

/// Parses `r`'s body into `t` and applies the provider's envelope: the tape
/// index of the payload (no_payload when the envelope's data key is absent), or
/// the error the status or body says.
CS2MARKET_DECL result<std::uint32_t> open_envelope(const provider_info& prov, const http_response& r, std::string_view secret,
                                                   const codec_options& opt, tape& t);

/// A refused argument.
CS2MARKET_DECL error arg_error(const provider_info& p, std::string what);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/envelope.ipp>
#endif

#endif
