// cs2market: a journaled buy sent again with its idempotency id, for providers
// that replay a repeated id with the original outcome (CSBoard market_buy's
// custom_id, create_order's Idempotency-Key). A buy whose answer was lost is
// recovered this way: the provider answers with what it did under the id, or
// does it now if the first request never arrived (under the journaled ceiling:
// never more than once, never above it). Order sources call it for submitted
// and unknown orders (e.g. cs2market::csboard::order_source).
#ifndef CS2MARKET_ORDERS_REPLAY_BUY_HPP
#define CS2MARKET_ORDERS_REPLAY_BUY_HPP

#include <cs2market/net/client.hpp>
#include <cs2market/exactly_once.hpp>
#include <cs2market/orders/journaled_buy.hpp>
#include <cs2market/orders/order.hpp>

#include <functional>
#include <string>

namespace cs2market {

/// Sends `o`'s journaled request (order::request) again as `Op` with its id, on
/// `client`; `done` gets what the answer says of the order (source replay): the
/// order's phase, a refusal (failed, nothing charged), or unknown. Completes with
/// an error when the journal holds no request to send.
template <class Op, class Client>
void async_replay_buy(Client& client, const order& o, std::function<void(result<order_observation>)> done)
{
    using X = exactly_once_traits<Op>;
    static_assert(X::enabled && X::provider_replays, "only a buy the provider replays by id is sent again");
    using body_t = decltype(std::declval<typename Op::params&>().body);
    if (o.request.empty())
        return done(detail::make_error(error_kind::invalid_argument, "no journaled request to send again", o.provider));
    auto body = from_json<body_t>(o.request);
    if (!body)
        return done(detail::make_error(error_kind::invalid_argument, "the journaled request cannot be read: " + body.error().message(),
                                       o.provider));
    typename Op::params p;
    p.body = std::move(*body);
    X::id(p) = o.id; // the same id: the provider answers with what it did under it
    call_options co;
    co.journal = false; // its intent is journaled already: this is the same buy
    client.template async_send<Op>(std::move(p), co, [id = o.id, provider = o.provider, done = std::move(done)](
                                                         result<response<typename Op::response_type>> r) {
        order_observation obs;
        if (r) {
            obs = record_binding<Op>::observe(r->value);
        } else if (r.error().kind == error_kind::duplicate_id || r.error().kind == error_kind::journal ||
                   r.error().kind == error_kind::invalid_argument) {
            return done(r.error()); // refused here, before the provider: nothing learned of the order
        } else {
            // Sent (the error names the id) or not, the schema says what a failure proves.
            obs = detail::failed_buy_observation(r.error(), !r.error().idempotency_id.empty(), Op::errors);
            if (obs.phase == order_phase::unknown && r.error().kind != error_kind::provider)
                return done(r.error()); // nothing learned: the order stays where it is
        }
        obs.provider = provider;
        obs.id = id;
        obs.source = observation_source::replay;
        done(std::move(obs));
    });
}

} // namespace cs2market

#endif
