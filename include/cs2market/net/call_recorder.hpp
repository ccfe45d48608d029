// cs2market: what the executor knows of a journal. A client with a recorder
// (client_options::journal) makes a record of every buy before its request
// leaves the process and tells it the answer after: the executor sends a buy
// only once its record says it is durable (before_send), and never names an
// order, a journal or a store. The order journal (journal.hpp) is one recorder;
// what it needs to know of each buy operation (what the buy intends, its answer
// as an order) comes through record_binding, which the provider's hand-written
// <p>/orders.hpp specialises for each buy its generated operations declare.
#ifndef CS2MARKET_NET_CALL_RECORDER_HPP
#define CS2MARKET_NET_CALL_RECORDER_HPP

#include <cs2market/error.hpp>
#include <cs2market/operation.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cs2market {

/// What the executor knows of a buy it is about to send.
struct recorded_buy {
    provider_id provider;
    std::string_view operation;               ///< Op::name (static storage)
    std::string id;                           ///< the buy's idempotency id (never empty)
    std::string request;                      ///< the request body, without any secret
    std::span<const documented_error> errors; ///< the operation's documented errors (static storage)
};

/// One buy's record. The executor calls before_send once, and after_answer
/// once if and only if before_send succeeded.
class call_record {
public:
    virtual ~call_record() = default;

    /// Records the buy durably; its request leaves the process only when this
    /// succeeded (an error: the buy is not sent, e.g. error_kind::duplicate_id for
    /// an id recorded before). `send_window`: from now, how long attempts of the
    /// call may still be sent (the call's deadline).
    virtual boost::asio::awaitable<result<void>> before_send(std::chrono::milliseconds send_window) = 0;

    /// The call's outcome (on success the decoded answer is where the record was
    /// bound to read it) and whether its request may have reached the provider.
    /// Answers nullopt when there was nothing to record, else whether it was recorded.
    virtual boost::asio::awaitable<std::optional<result<void>>> after_answer(result<void> outcome, bool sent) = 0;
};

/// A recorder of buys (client_options::journal).
class call_recorder {
public:
    virtual ~call_recorder() = default;

    /// A record of one buy from what the executor knows of it. A recorder that
    /// needs more (the order journal) gets it through the buy operation's
    /// record_binding instead.
    virtual std::shared_ptr<call_record> record(const recorded_buy& buy) = 0;
};

/// How a buy operation's calls are recorded, with what only the provider's
/// hand-written code knows (what the buy intends, its answer as an order).
/// Not defined here: each provider's generated operations declare the
/// specialisation for each of their buys, and its <p>/orders.hpp defines it, so
/// that a program that sends a buy without it does not compile (rather than
/// send it unrecorded). A specialisation has
///
///   static std::shared_ptr<call_record> record(const std::shared_ptr<call_recorder>& to, recorded_buy buy,
///                                              const typename Op::params& p,
///                                              std::function<const typename Op::response_type&()> answer);
///
/// (`answer`: the decoded answer, valid once the call succeeded), never null.
template <class Op>
struct record_binding;

} // namespace cs2market

#endif
