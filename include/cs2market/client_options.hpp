// cs2market: settings shared by every provider's client.
#ifndef CS2MARKET_CLIENT_OPTIONS_HPP
#define CS2MARKET_CLIENT_OPTIONS_HPP

#include <cs2market/hooks.hpp>
#include <cs2market/rate_limiter.hpp>
#include <cs2market/retry.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
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
    std::chrono::milliseconds connect_timeout{10'000}; ///< resolve + TCP connect
    std::chrono::milliseconds request_timeout{30'000}; ///< write the request + read the whole response
    std::chrono::seconds idle_timeout{30};             ///< a kept-alive connection idle longer is replaced
    std::size_t max_response_size = std::size_t{64} << 20;
    std::string user_agent = "cs2market/0.1";

    /// TLS handshake (after connect_timeout's TCP connect).
    std::chrono::milliseconds tls_handshake_timeout{10'000};
    /// Total deadline of one call (rate-limit waits, attempts, backoffs, reconciliation).
    std::chrono::milliseconds total_timeout{120'000};
    /// Connections kept to the host at most; further calls wait for one to be free.
    std::size_t max_connections = 8;
    /// Retries, generated ids and reconciliation; see retry_policy.
    retry_policy retry{};
    /// Client-side rate limiting. Empty: the provider's documented limit
    /// (default_rate_limit). Set per_second <= 0 to disable.
    std::optional<rate_limit> rate_limit_override;
    /// Per-operation limits (Op::name -> limit), on top of the provider-wide one;
    /// CS2DT sell_list defaults to 10 QPS (default_operation_rate_limit).
    std::map<std::string, rate_limit, std::less<>> operation_rate_limits;
    /// Buckets to draw from; share one between clients of the same key. Empty: the client has its own.
    std::shared_ptr<rate_limiter> limiter;
    /// Logging / metrics; secrets are redacted from every event.
    call_hook hook;
};

} // namespace cs2market

#endif
