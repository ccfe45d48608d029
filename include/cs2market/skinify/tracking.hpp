// cs2market::skinify::order_source: Skinify purchases for order_tracker, looked
// up in batches by custom_id through withdraw_info, and, when given a project id
// and token, pushed by Skinify's real-time feed (status changes as they happen;
// after a reconnect every unfinished order is looked up again).
#ifndef CS2MARKET_SKINIFY_TRACKING_HPP
#define CS2MARKET_SKINIFY_TRACKING_HPP

#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/skinify/orders.hpp>
#include <cs2market/skinify/realtime.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace cs2market::skinify {

class order_source final : public ::cs2market::order_source {
public:
    /// Polling only. `c` must outlive the source; build it on the tracker's executor.
    explicit order_source(basic_client<skinify::provider>& c) : client_(c) {}

    /// Polling and the real-time feed (project id and token as for realtime_feed;
    /// an empty token reads SKINIFY_TOKEN). The feed runs on `ioc`.
    order_source(basic_client<skinify::provider>& c, boost::asio::io_context& ioc, std::int64_t project_id, std::string token, realtime_options opts = {})
        : client_(c), push_(std::make_shared<push>())
    {
        std::weak_ptr<push> w = push_;
        push_->feed = std::make_unique<realtime_feed>(
            ioc, project_id, std::move(token),
            [w](const realtime_event& ev) {
                auto p = w.lock();
                if (!p)
                    return;
                std::optional<order_observation> obs;
                if (auto* e = std::get_if<SkinPurchaseEvent>(&ev))
                    obs = order_observation_of(*e);
                else if (auto* s = std::get_if<SkinPurchaseStatusChangeEvent>(&ev))
                    obs = order_observation_of(*s);
                if (obs)
                    p->deliver(std::move(*obs));
            },
            std::move(opts),
            [w](const websocket_status& st) {
                if (auto p = w.lock(); p && st.state == websocket_state::connected)
                    p->resync(); // whatever changed while we were away
            });
    }

    ~order_source() override { stop(); }

    provider_id provider() const override { return skinify::id; }
    std::size_t max_batch() const override { return 100; }

    /// withdraw_info by custom_ids. A custom id missing from the answer is only
    /// not seen: Skinify's docs do not say that absence means never bought, so
    /// such a buy stays unknown (money at risk) and is asked again, less often.
    void async_lookup(std::vector<order> orders, lookup_handler done) override
    {
        withdraw_info_params p;
        std::vector<std::string> ids;
        for (const auto& o : orders)
            ids.push_back(o.id);
        p.custom_ids = ids;
        client_.template async_call<ops::withdraw_info>(std::move(p), [done = std::move(done)](result<WithdrawInfoResponse> r) {
            if (!r)
                return done(r.error());
            std::vector<order_observation> seen;
            for (const auto& it : r->items)
                seen.push_back(order_observation_of(it));
            done(std::move(seen));
        });
    }

    /// cancel-reservation by custom_id (a reserved purchase; refunded in full).
    void async_cancel(const order& o, action_handler done) override
    {
        withdraw_cancel_reservation_params p;
        p.body.custom_id = o.id;
        client_.template async_call<ops::withdraw_cancel_reservation>(
            std::move(p), [id = o.id, done = std::move(done)](result<CancelReservationResponse> r) {
                if (!r)
                    return done(r.error());
                order_observation obs;
                obs.provider = skinify::id;
                obs.id = id;
                obs.order_id = r->purchase_id.value_or("");
                if (r->purchase_status) {
                    obs.set_meaning(order_phase_of(*r->purchase_status));
                    obs.provider_status = r->purchase_status->raw();
                } else {
                    obs.set_meaning(order_phase_of(PurchaseStatus::reservation_canceled));
                }
                obs.source = observation_source::cancel;
                done(std::move(obs));
            });
    }

    void start(deliver_fn deliver, std::function<void()> resync) override
    {
        if (!push_)
            return;
        {
            std::lock_guard<std::mutex> lk(push_->m);
            push_->on_observation = std::move(deliver);
            push_->resync_fn = std::move(resync);
        }
        push_->feed->start();
    }

    void stop() override
    {
        if (push_)
            push_->feed->stop();
    }

private:
    struct push {
        std::unique_ptr<realtime_feed> feed;
        std::mutex m;
        std::function<void(order_observation)> on_observation;
        std::function<void()> resync_fn;
        void deliver(order_observation o)
        {
            std::lock_guard<std::mutex> lk(m);
            if (on_observation)
                on_observation(std::move(o));
        }
        void resync()
        {
            std::lock_guard<std::mutex> lk(m);
            if (resync_fn)
                resync_fn();
        }
    };
    basic_client<skinify::provider>& client_;
    std::shared_ptr<push> push_;
};

} // namespace cs2market::skinify

template <>
struct cs2market::order_source_for<cs2market::skinify::provider> {
    using type = cs2market::skinify::order_source;
};

#endif
