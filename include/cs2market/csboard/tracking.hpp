// cs2market::csboard::order_source: CSBoard orders for order_tracker, looked up
// in batches by custom_id through get_orders_info (CSBoard has no push feed).
#ifndef CS2MARKET_CSBOARD_TRACKING_HPP
#define CS2MARKET_CSBOARD_TRACKING_HPP

#include <cs2market/csboard.hpp>
#include <cs2market/csboard/orders.hpp>
#include <cs2market/order_tracker.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace cs2market::csboard {

class order_source final : public ::cs2market::order_source {
public:
    /// `c` must outlive the source; build it on the tracker's executor.
    explicit order_source(basic_client<csboard::provider>& c) : client_(c) {}

    provider_id provider() const override { return csboard::id; }
    std::size_t max_batch() const override { return 100; }

    /// get_orders_info: orders with a CSBoard order id by order_ids, the others by
    /// custom_id. Only a market_buy (whose id is its custom_id) missing from the
    /// answer proves a buy was never made: create_order's Idempotency-Key is no
    /// custom id, so such an order can only be found once its order id is known.
    void async_lookup(std::vector<order> orders, lookup_handler done) override
    {
        get_orders_info_params p;
        std::vector<std::string> by_custom_id;
        for (const auto& o : orders) {
            if (!o.order_id.empty() && o.operation != "market_buy") {
                if (!p.order_ids)
                    p.order_ids.emplace();
                p.order_ids->push_back(o.order_id);
            } else if (o.operation == "market_buy") {
                if (!p.custom_ids)
                    p.custom_ids.emplace();
                p.custom_ids->push_back(o.id);
                by_custom_id.push_back(o.id);
            }
        }
        if (!p.order_ids && !p.custom_ids)
            return done(std::vector<order_observation>{});
        client_.template async_call<ops::get_orders_info>(
            std::move(p), [orders = std::move(orders), by_custom_id = std::move(by_custom_id),
                           done = std::move(done)](result<OrdersInfoResponse> r) {
                if (!r)
                    return done(r.error());
                std::vector<order_observation> seen;
                for (const auto& ord : r->data) {
                    auto obs = order_observation_of(ord);
                    for (const auto& o : orders) // a create_order's custom_id is not ours: match by order id
                        if (obs.id.empty() && o.order_id == obs.order_id)
                            obs.id = o.id;
                    seen.push_back(std::move(obs));
                }
                for (const auto& id : by_custom_id)
                    if (std::none_of(seen.begin(), seen.end(), [&](const order_observation& o) { return o.id == id; })) {
                        order_observation nf;
                        nf.provider = csboard::id;
                        nf.id = id;
                        nf.not_found = true;
                        nf.source = "lookup";
                        seen.push_back(std::move(nf));
                    }
                done(std::move(seen));
            });
    }

    /// claim_order (a held order whose hold has cleared): the order's CSBoard id
    /// is looked up by custom_id first (market_buy answers with a purchase id).
    void async_claim(const order& o, action_handler done) override
    {
        async_lookup({o}, [this, id = o.id, done = std::move(done)](result<std::vector<order_observation>> seen) mutable {
            if (!seen)
                return done(seen.error());
            if (seen->empty() || seen->front().not_found)
                return done(::cs2market::detail::make_error(error_kind::invalid_argument, "no CSBoard order under " + id, csboard::id));
            claim_order_params p;
            p.id = seen->front().order_id;
            client_.template async_call<ops::claim_order>(std::move(p), [id, done = std::move(done)](result<ClaimResponse> r) {
                if (!r)
                    return done(r.error());
                order_observation obs;
                obs.provider = csboard::id;
                obs.id = id;
                obs.order_id = r->order_id;
                obs.set_meaning(order_phase_of(r->status));
                obs.provider_status = r->status.raw();
                obs.source = "claim";
                done(std::move(obs));
            });
        });
    }

private:
    basic_client<csboard::provider>& client_;
};

} // namespace cs2market::csboard

template <>
struct cs2market::order_source_for<cs2market::csboard::provider> {
    using type = cs2market::csboard::order_source;
};

#endif
