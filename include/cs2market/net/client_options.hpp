// cs2market: settings shared by every provider's client.
#ifndef CS2MARKET_NET_CLIENT_OPTIONS_HPP
#define CS2MARKET_NET_CLIENT_OPTIONS_HPP

#include <cs2market/drift.hpp>
#include <cs2market/net/hooks.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/net/policies.hpp>
#include <cs2market/net/rate_limiter.hpp>
#include <cs2market/net/transport_options.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace cs2market {

/// A client's settings. The transport part (ca_file, connect_timeout,
/// tls_handshake_timeout, idle_timeout, user_agent) is shared with websocket_options.
struct client_options : transport_options {
    /// The key: CS2DT app-key, CSBoard API key (csb_pub_...), Skinify token. When
    /// empty, the provider's environment variable is read (its schema's
    /// credential_env: CS2DT_APP_KEY, CSBOARD_API_KEY, SKINIFY_TOKEN). Never logged,
    /// never part of an error, a hook event or a journal.
    std::string credential;
    /// "https://host[:port]" replacing the provider's; paths stay the documented ones.
    std::string base_url;
    /// Writing one request and reading its whole response, per attempt.
    std::chrono::milliseconds request_timeout{30'000};
    /// Total deadline of one call: rate-limit waits, every attempt, backoffs and a
    /// reconciliation included (call_options::timeout overrides it per call).
    std::chrono::milliseconds total_timeout{120'000};
    /// A larger response body fails the attempt.
    std::size_t max_response_size = std::size_t{64} << 20;
    /// Connections kept to the host at most; further calls wait for one to be free.
    std::size_t max_connections = 8;
    /// Connections kept open, verified and idle ahead of need (refreshed as they
    /// expire or are used), so that a buy never waits for a TCP and TLS handshake.
    /// basic_client::warm_up() opens them at once. 0: connections open on demand.
    std::size_t min_idle_connections = 0;

    /// Which failures are attempted again (see retry_policy).
    retry_policy retry{};
    /// How long to wait between attempts (see backoff_policy).
    backoff_policy backoff{};
    /// Which requests may be resent, generated ids and lookups of lost buys.
    idempotency_policy idempotency{};

    /// Client-side rate limiting with the documented limits (each operation's
    /// `rate_limits`, from the schema). Off: only the provider's own answers slow you down.
    bool rate_limiting = true;
    /// Overrides of documented limits by bucket name ("read", "orders", "sell_list",
    /// "all", ...: see the provider's schema); rate_limit::none() lifts one.
    std::map<std::string, rate_limit, std::less<>> rate_limits;
    /// Every documented limit applies per this window instead of its own (a
    /// sandbox with an accelerated clock counts CSBoard's 30/min per second).
    std::optional<std::chrono::milliseconds> rate_window;
    /// The budgets to draw from; share one between clients of the same key (and
    /// across processes: a shared store). Empty: the client has its own.
    std::shared_ptr<rate_limiter> limiter;

    /// The order journal: with one, every buy is recorded durably before its
    /// request leaves the process (a buy the journal cannot record is not sent,
    /// and one whose id is journaled already is not sent again), and its answer
    /// after. order_tracker follows the orders from there.
    std::shared_ptr<::cs2market::journal> journal;

    /// Logging / metrics; secrets are redacted from every event.
    call_hook hook;

    /// API drift: what decoding every answer tolerated (unknown fields and enum
    /// values, numbers sent as strings, usual fields missing), accumulated per
    /// operation and JSON path. Empty: not collected (and not looked for).
    std::shared_ptr<drift_report> drift;
};

} // namespace cs2market

#endif
