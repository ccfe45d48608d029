// cs2market::cs2dt::order_source: CS2DT orders for order_tracker, looked up by
// outTradeNo through buyer_order_detail. CS2DT pushes order changes as signed
// callbacks: verify them (cs2dt::verify_callback) and hand them to the tracker:
//   tracker.observe(cs2market::cs2dt::order_observation_of(*verified));
#ifndef CS2MARKET_CS2DT_TRACKING_HPP
#define CS2MARKET_CS2DT_TRACKING_HPP

#include <cs2market/cs2dt.hpp>
#include <cs2market/cs2dt/orders.hpp>
#include <cs2market/orders/order_tracker.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cs2market::cs2dt {

class order_source final : public ::cs2market::order_source {
public:
    /// `c` must outlive the source; build it on the tracker's executor.
    explicit order_source(basic_client<cs2dt::provider>& c) : client_(c) {}

    provider_id provider() const override { return cs2dt::id; }
    std::size_t max_batch() const override { return 20; }

    /// One detail per id (CS2DT's list cannot filter by outTradeNo). Only 140015
    /// ("no order was created", documented) means not found; a detail without an
    /// order id proves nothing (the order is simply not seen). Each id stands
    /// alone: one failing id leaves only that one unseen.
    void async_lookup(std::vector<order> orders, lookup_handler done) override
    {
        auto b = std::make_shared<lookup_gather>(std::move(done));
        for (auto& o : orders) {
            b->add();
            buyer_order_detail_params p;
            p.outTradeNo = o.id;
            client_.template async_call<ops::buyer_order_detail>(std::move(p), [b, id = o.id](result<OrderDetailDTO> r) {
                if (r && r->orderId)
                    b->seen(order_observation_of(*r, id));
                else if (!r && is_not_found(r.error(), ops::buyer_order_detail::errors))
                    b->seen(order_observation::nothing_under(cs2dt::id, id));
                else if (!r)
                    b->failed(r.error());
                b->finish();
            });
        }
        b->finish();
    }

    /// buyer_cancel_order (CS2DT allows it while the order waits for delivery),
    /// then the order as CS2DT then has it.
    void async_cancel(const order& o, action_handler done) override
    {
        if (o.order_id.empty())
            return done(::cs2market::detail::make_error(error_kind::invalid_argument, "no CS2DT order id yet", cs2dt::id));
        buyer_cancel_order_params p;
        p.body.orderId = o.order_id;
        client_.template async_call<ops::buyer_cancel_order>(
            std::move(p), [this, id = o.id, done = std::move(done)](result<std::optional<std::string>> r) mutable {
                if (!r)
                    return done(r.error());
                order again;
                again.id = id;
                async_lookup({again}, [done = std::move(done)](result<std::vector<order_observation>> seen) {
                    if (!seen)
                        return done(seen.error());
                    if (seen->empty() || seen->front().not_found)
                        return done(::cs2market::detail::make_error(error_kind::outcome_unknown, "cancelled order not found", cs2dt::id));
                    auto obs = std::move(seen->front());
                    obs.source = observation_source::cancel;
                    done(std::move(obs));
                });
            });
    }

private:
    basic_client<cs2dt::provider>& client_;
};

} // namespace cs2market::cs2dt

template <>
struct cs2market::order_source_for<cs2market::cs2dt::provider> {
    using type = cs2market::cs2dt::order_source;
};

#endif
