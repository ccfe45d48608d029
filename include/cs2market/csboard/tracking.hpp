// cs2market::csboard::order_source: CSBoard orders for order_tracker, looked up
// in batches by custom_id through get_orders_info (CSBoard has no push feed).
#ifndef CS2MARKET_CSBOARD_TRACKING_HPP
#define CS2MARKET_CSBOARD_TRACKING_HPP

#include <cs2market/csboard.hpp>
#include <cs2market/csboard/orders.hpp>
#include <cs2market/order_tracker.hpp>

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

    void async_lookup(std::vector<std::string> ids, lookup_handler done) override
    {
        get_orders_info_params p;
        p.custom_ids = std::move(ids);
        client_.template async_call<ops::get_orders_info>(std::move(p), [done = std::move(done)](result<OrdersInfoResponse> r) {
            if (!r)
                return done(r.error());
            std::vector<order_observation> seen;
            for (const auto& o : r->data)
                seen.push_back(order_observation_of(o));
            done(std::move(seen));
        });
    }

    /// claim_order (a held order whose hold has cleared): the order's CSBoard id
    /// is looked up by custom_id first (market_buy answers with a purchase id).
    void async_claim(const order& o, action_handler done) override
    {
        async_lookup({o.id}, [this, id = o.id, done = std::move(done)](result<std::vector<order_observation>> seen) mutable {
            if (!seen)
                return done(seen.error());
            if (seen->empty())
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
