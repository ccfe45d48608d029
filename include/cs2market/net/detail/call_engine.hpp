// cs2market internal: the retry loop behind every call, with the operation's
// types erased. basic_client turns a typed call into an erased_call (request
// built, decoder and lookup bound to the typed result) and runs it here, so the
// loop is compiled once per program, not once per operation.
//
// The loop talks to the world only through call_env (clock, sleeping, the
// client-side limiter, one attempt, events), so its decisions are tested
// without sockets; decide() is the pure decision after one failed attempt.
#ifndef CS2MARKET_NET_DETAIL_CALL_ENGINE_HPP
#define CS2MARKET_NET_DETAIL_CALL_ENGINE_HPP

#include <cs2market/net/call_recorder.hpp>
#include <cs2market/net/client_options.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/net/detail/connection_pool.hpp>
#include <cs2market/net/detail/https_connection.hpp>
#include <cs2market/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>

namespace cs2market::detail {

/// A new strand on `ex` (see client_state::strand).
CS2MARKET_DECL boost::asio::any_io_executor make_client_strand(const boost::asio::any_io_executor& ex);

/// 32 lowercase hex digits (128 random bits), for buys without a caller id.
CS2MARKET_DECL std::string generate_id();

/// One call, types erased.
struct erased_call {
    provider_id provider;
    std::string_view operation;      ///< Op::name (static storage)
    http_method method = http_method::get;
    http_request request;            ///< built; request.idempotent says whether it may be resent
    std::string id;                  ///< a buy's caller or generated id; "" otherwise
    std::span<const rate_bucket> rate_limits; ///< Op::rate_limits (static storage)
    std::span<const documented_error> errors;  ///< Op::errors (static storage)
    bool buy = false;                          ///< a buy (exactly_once_traits): its errors are classified (buy_outcome)
    /// Decodes an answer into the typed result the caller waits for.
    std::function<result<void>(const http_response&)> decode;
    /// Buys that can be looked up by id: the lookup call. Its decode stores the
    /// found order as the buy's result, or fails with kind outcome_unknown when
    /// nothing is recorded under the id (yet).
    std::function<std::shared_ptr<erased_call>()> lookup;
    /// Set for buys through a client with a recorder (client_options::journal):
    /// recorded before the request is sent, told the outcome after.
    std::shared_ptr<call_record> record;
};

/// The policies of one call, client settings and per-call overrides merged.
struct call_policies {
    retry_policy retry;
    backoff_policy backoff;
    idempotency_policy idempotency;
    std::chrono::milliseconds timeout{0}; ///< total deadline of the call
    bool journal = true;                  ///< call_options::journal
};

/// What to do after a failed attempt.
struct retry_decision {
    enum class action : std::uint8_t {
        give_up,   ///< return the error
        retry,     ///< attempt again after `wait`
        reconcile, ///< a write that may have been processed and may not be resent: look it up by id
    } what = action::give_up;
    std::chrono::milliseconds wait{0};
};

/// The decision after failed attempt `a` of a call (`write`: not a GET), given a
/// random draw in [0, 1) for the backoff's jitter. A sent, unanswered write that
/// may not be resent is reconciled whatever the retry policy says.
CS2MARKET_DECL retry_decision decide(const call_policies& pol, const attempt_result& a, bool write, double random,
                                     steady_clock::time_point now, steady_clock::time_point deadline);

/// The retry loop's world. The client implements it over its pool, strand and
/// limiter; tests substitute a clock that jumps and attempts that are scripted.
class call_env {
public:
    virtual ~call_env() = default;
    virtual steady_clock::time_point now() = 0;
    /// Waits until `t`; false when the call was cancelled meanwhile.
    virtual boost::asio::awaitable<bool> sleep_until(steady_clock::time_point t, call_state& cs) = 0;
    /// One attempt: a connection, one exchange.
    virtual boost::asio::awaitable<exchange_outcome> attempt(const erased_call& c, steady_clock::time_point deadline,
                                                             call_state& cs) = 0;
    /// The client-side limiter (see rate_limiter): when the call may be sent;
    /// `release` hands back an unused reservation.
    virtual boost::asio::awaitable<result<steady_clock::time_point>> reserve(const erased_call& c, steady_clock::time_point now) = 0;
    virtual void release(const erased_call& c, steady_clock::time_point slot) = 0;
    /// The provider said "too many requests": pause the call's budgets until `until`.
    virtual void pause(const erased_call& c, steady_clock::time_point until) = 0;
    virtual void emit(const call_event& ev) = 0;
    /// A uniform draw in [0, 1) for backoff jitter.
    virtual double random() = 0;
};

/// Runs `c`: rate limit, attempts, decoding, retries with backoff; a lost write
/// is reconciled through its lookup. Errors after a buy was sent carry its id.
CS2MARKET_DECL boost::asio::awaitable<result<void>> run_call(std::shared_ptr<call_env> env, std::shared_ptr<erased_call> c,
                                                             call_policies pol, std::shared_ptr<call_state> cs);

/// Shared by the client object and every call in flight (a call may outlive its client object).
class client_state final : public call_env, public std::enable_shared_from_this<client_state> {
public:
    CS2MARKET_DECL client_state(boost::asio::any_io_executor ex, client_options o, provider_id p);

    client_options opts;
    /// The client's strand. Over an io_context's executor (the common case) it is
    /// a strand<io_context::executor_type>: small enough for any_io_executor's
    /// in-place storage, so copying it (every handler's work guard does) does not
    /// allocate, and its inner executor is queried without boxing the answer.
    /// Over any other executor, a strand<any_io_executor>.
    boost::asio::any_io_executor strand;
    connection_pool pool;
    result<endpoint_url> endpoint = endpoint_url{};
    provider_id provider;

    CS2MARKET_DECL call_policies policies(const call_options& co) const;

    CS2MARKET_DECL steady_clock::time_point now() override;
    CS2MARKET_DECL boost::asio::awaitable<bool> sleep_until(steady_clock::time_point t, call_state& cs) override;
    CS2MARKET_DECL boost::asio::awaitable<exchange_outcome> attempt(const erased_call& c, steady_clock::time_point deadline,
                                                                    call_state& cs) override;
    CS2MARKET_DECL boost::asio::awaitable<result<steady_clock::time_point>> reserve(const erased_call& c,
                                                                                    steady_clock::time_point now) override;
    CS2MARKET_DECL void release(const erased_call& c, steady_clock::time_point slot) override;
    CS2MARKET_DECL void pause(const erased_call& c, steady_clock::time_point until) override;
    CS2MARKET_DECL void emit(const call_event& ev) override;
    CS2MARKET_DECL double random() override;

    /// Opens connections until min_idle_connections (at least `at_least`) are idle
    /// or being opened; `done` (optional) when those opened now are ready.
    CS2MARKET_DECL void keep_warm(std::size_t at_least, std::function<void(result<void>)> done = {});

    /// The limit of bucket `b`: the documented one unless client_options::rate_limits overrides it.
    CS2MARKET_DECL rate_limit limit_of(const rate_bucket& b) const;

private:
    std::mt19937_64 rng_;
};

/// The completion of an erased call: one handler type for every operation, so
/// co_spawn's entry coroutine is instantiated once too. `impl` is shared: it
/// is the typed call's one allocation (basic_client's call_block), which also
/// holds the erased_call and its call_state.
struct call_completion {
    struct base {
        virtual ~base() = default;
        virtual void complete(result<void> r) = 0;
    };
    std::shared_ptr<base> impl;

    CS2MARKET_DECL void operator()(std::exception_ptr ep, result<void> r);
};

/// Starts `c` on the client's strand; `done` gets its outcome.
CS2MARKET_DECL void spawn_call(std::shared_ptr<client_state> st, std::shared_ptr<erased_call> c, call_policies pol,
                               std::shared_ptr<call_state> cs, call_completion done);

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/net/impl/call_engine.ipp>
#endif

#endif
