// cs2market::csboard::order_source: CSBoard orders for order_tracker, looked up
// in batches by custom_id through get_orders_info (CSBoard has no push feed).
#ifndef CS2MARKET_CSBOARD_TRACKING_HPP
#define CS2MARKET_CSBOARD_TRACKING_HPP

#include <cs2market/csboard.hpp>
#include <cs2market/csboard/orders.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/orders/replay_buy.hpp>

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

    /// Orders whose buy's answer was lost (submitted, unknown) and whose CSBoard
    /// order id is not known are sent again with their id (market_buy's
    /// custom_id, create_order's Idempotency-Key): CSBoard answers with what it
    /// did under the id. The others are read in one get_orders_info, by order id
    /// where known, else by custom_id (market_buy). An order missing from that
    /// answer is only not seen: the docs do not say absence means never bought.
    void async_lookup(std::vector<order> orders, lookup_handler done) override
    {
        auto b = std::make_shared<lookup_gather>(std::move(done));
        get_orders_info_params p;
        std::vector<order> replays;
        for (auto& o : orders) {
            const bool lost = o.phase == order_phase::submitted || o.phase == order_phase::unknown;
            if (lost && o.order_id.empty()) {
                replays.push_back(std::move(o));
            } else if (!o.order_id.empty() && o.operation != "market_buy") {
                if (!p.order_ids)
                    p.order_ids.emplace();
                p.order_ids->push_back(o.order_id);
            } else {
                if (!p.custom_ids)
                    p.custom_ids.emplace();
                p.custom_ids->push_back(o.id);
            }
        }
        for (const auto& o : replays) {
            b->add();
            auto on = [b](result<order_observation> r) {
                if (r)
                    b->seen(std::move(*r));
                else
                    b->failed(r.error());
                b->finish();
            };
            if (o.operation == "create_order")
                async_replay_buy<ops::create_order>(client_, o, std::move(on));
            else
                async_replay_buy<ops::market_buy>(client_, o, std::move(on));
        }
        if (p.order_ids || p.custom_ids) {
            b->add();
            client_.template async_call<ops::get_orders_info>(
                std::move(p), [b, orders = std::move(orders)](result<OrdersInfoResponse> r) {
                    if (!r) {
                        b->failed(r.error());
                    } else {
                        for (const auto& ord : r->data) {
                            auto obs = order_observation_of(ord);
                            for (const auto& o : orders) // a create_order's custom_id is not ours: match by order id
                                if (obs.id.empty() && !o.order_id.empty() && o.order_id == obs.order_id)
                                    obs.id = o.id;
                            b->seen(std::move(obs));
                        }
                    }
                    b->finish();
                });
        }
        b->finish();
    }

    /// claim_order (a held order whose hold has cleared): the order's CSBoard id
    /// is looked up by custom_id first (market_buy answers with a purchase id).
    void async_release(const order& o, action_handler done) override
    {
        async_lookup({o}, [this, id = o.id, done = std::move(done)](result<std::vector<order_observation>> seen) mutable {
            if (!seen)
                return done(seen.error());
            auto it = std::find_if(seen->begin(), seen->end(), [&](const order_observation& s) { return !s.order_id.empty(); });
            if (it == seen->end())
                return done(::cs2market::detail::make_error(error_kind::invalid_argument, "no CSBoard order under " + id, csboard::id));
            claim_order_params p;
            p.id = it->order_id;
            client_.template async_call<ops::claim_order>(std::move(p), [id, done = std::move(done)](result<ClaimResponse> r) {
                if (!r)
                    return done(r.error());
                order_observation obs;
                obs.provider = csboard::id;
                obs.id = id;
                obs.order_id = r->order_id;
                obs.set_meaning(order_phase_of(r->status));
                obs.provider_status = r->status.raw();
                obs.source = observation_source::release;
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
