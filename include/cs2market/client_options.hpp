// cs2market: settings shared by every provider's client.
#ifndef CS2MARKET_CLIENT_OPTIONS_HPP
#define CS2MARKET_CLIENT_OPTIONS_HPP

#include <chrono>
#include <cstddef>
#include <string>

namespace cs2market {

struct client_options {
    /// CS2DT app-key, CSBoard API key (csb_pub_...), or Skinify token. When empty,
    /// the provider's environment variable is read (CS2DT_APP_KEY, CSBOARD_API_KEY,
    /// SKINIFY_TOKEN). Never logged, never part of an error.
    std::string credential;
    /// "https://host[:port]" replacing the provider's; paths stay the documented ones.
    std::string base_url;
    /// PEM file of CAs to trust instead of the system store (certificates are always verified).
    std::string ca_file;
    std::chrono::milliseconds connect_timeout{10'000}; ///< resolve + TCP connect + TLS handshake
    std::chrono::milliseconds request_timeout{30'000}; ///< write the request + read the whole response
    std::chrono::seconds idle_timeout{30};             ///< a kept-alive connection idle longer is replaced
    std::size_t max_response_size = std::size_t{64} << 20;
    std::string user_agent = "cs2market/0.1";
};

} // namespace cs2market

#endif
