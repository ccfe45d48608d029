// cs2market: bodies of order_tracker.hpp and detail/tracker_impl.hpp.
#ifndef CS2MARKET_ORDERS_IMPL_ORDER_TRACKER_IPP
#define CS2MARKET_ORDERS_IMPL_ORDER_TRACKER_IPP

#include <cs2market/orders/detail/tracker_impl.hpp>
#include <cs2market/orders/order_tracker.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace cs2market {
namespace detail {

CS2MARKET_DECL tracker_impl::tracker_impl(boost::asio::any_io_executor ex, std::shared_ptr<journal> j, order_tracker::handler h,
                                          tracker_options o, order_tracker::notice_handler n)
    : strand(boost::asio::make_strand(ex)), store(std::move(j)), on_transition(std::move(h)), on_notice(std::move(n)), opts(o),
      timer(strand), lease_timer(strand)
{
}

CS2MARKET_DECL void tracker_impl::start()
{
    timer.expires_after(opts.tick);
    timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        if (auto self = w.lock(); self && !ec && self->running) {
            self->tick();
            self->start();
        }
    });
}

CS2MARKET_DECL void tracker_impl::claim()
{
    auto job = [s = store, owner = opts.owner, lease = opts.lease, limit = opts.max_orders] {
        return s->claim_unfinished(owner, lease, limit); // on the journal's clock
    };
    store->async_run<result<std::vector<order>>>(
        std::move(job), boost::asio::bind_executor(strand, [w = weak_from_this()](result<std::vector<order>> r) {
            auto self = w.lock();
            if (!self || !self->running)
                return;
            // A failed claim is not "no orders left": all_final() stays false until one
            // succeeds (lease_tick() claims again every lease_renew).
            self->claim_failed = !r;
            if (!r) {
                self->notice(nullptr, "journal: claiming orders: " + r.error().message());
            } else {
                for (auto& o : *r)
                    self->add(std::move(o));
            }
            {
                std::lock_guard<std::mutex> lk(self->snapshot_m);
                self->loaded = true;
            }
            self->publish();
        }));
}

CS2MARKET_DECL void tracker_impl::lease_tick()
{
    lease_timer.expires_after(opts.lease_renew);
    lease_timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (!self || ec || !self->running)
            return;
        auto job = [s = self->store, owner = self->opts.owner, lease = self->opts.lease] { return s->renew(owner, lease); };
        self->store->async_run<result<std::vector<std::pair<std::string, std::string>>>>(
            std::move(job), boost::asio::bind_executor(self->strand, [w](result<std::vector<std::pair<std::string, std::string>>> r) {
                auto self = w.lock();
                if (!self || !self->running)
                    return;
                if (!r) {
                    self->notice(nullptr, "journal: renewing leases: " + r.error().message());
                } else {
                    // An unfinished order whose lease another worker took is no longer ours to follow.
                    for (auto it = self->orders.begin(); it != self->orders.end();) {
                        const bool held = std::find(r->begin(), r->end(), it->first) != r->end();
                        if (!held && followed(it->second.o) && !it->second.saving && !it->second.in_lookup)
                            it = self->orders.erase(it);
                        else
                            ++it;
                    }
                }
                self->claim(); // and whatever a dead worker left behind
                self->lease_tick();
            }));
    });
}

CS2MARKET_DECL void tracker_impl::read_failed(const std::string& what)
{
    ++rereads;
    reread_at = clock::now() + opts.moving_poll;
    notice(nullptr, "journal: " + what + " (read again in " + std::to_string(opts.moving_poll.count()) + " ms)");
}

CS2MARKET_DECL void tracker_impl::read_unfinished(bool again)
{
    auto load = [s = store] { return s->load(true); };
    store->async_run<result<std::vector<order>>>(
        std::move(load), boost::asio::bind_executor(strand, [w = weak_from_this(), again](result<std::vector<order>> r) {
            auto self = w.lock();
            if (!self)
                return;
            if (again)
                --self->rereads;
            if (!r) {
                // Not read is not "nothing unfinished": a resume that took it so
                // would end at once and leave every unfinished order behind.
                if (self->running) {
                    self->resume_unread = true;
                    self->read_failed(r.error().message());
                }
            } else {
                for (auto& o : *r)
                    self->add(std::move(o));
            }
            {
                std::lock_guard<std::mutex> lk(self->snapshot_m);
                self->loaded = true;
            }
            self->publish();
        }));
}

CS2MARKET_DECL void tracker_impl::read_one(provider_id p, std::string id, bool again)
{
    auto find = [s = store, p, id] { return s->find(p, id); };
    store->async_run<result<std::optional<order>>>(
        std::move(find), boost::asio::bind_executor(strand, [w = weak_from_this(), p, id, again](result<std::optional<order>> r) {
            auto self = w.lock();
            if (!self)
                return;
            if (again)
                --self->rereads;
            if (!r) {
                if (self->running) {
                    self->follows_unread.emplace_back(p, id);
                    self->read_failed(r.error().message());
                }
            } else if (!*r) {
                self->notice(nullptr, std::string(p.name()) + " " + id + ": not journaled");
            } else {
                self->add(std::move(**r));
            }
            {
                std::lock_guard<std::mutex> lk(self->snapshot_m);
                self->loaded = true;
            }
            self->publish();
        }));
}

CS2MARKET_DECL void tracker_impl::notice(const order* o, std::string what)
{
    if (on_notice && running)
        on_notice(o, what);
}

CS2MARKET_DECL void tracker_impl::publish()
{
    std::vector<order> all;
    all.reserve(orders.size());
    for (const auto& [k, t] : orders)
        all.push_back(t.o);
    std::lock_guard<std::mutex> lk(snapshot_m);
    snapshot = std::move(all);
    unread = rereads + (claim_failed ? 1 : 0);
}

CS2MARKET_DECL void tracker_impl::schedule(tracked& t)
{
    const auto now = clock::now();
    if (!followed(t.o))
        return;
    if (is_final(t.o.phase)) { // a reversal whose refund is not known yet: slowly
        t.next_poll = now + opts.waiting_poll;
        return;
    }
    if (t.o.phase != order_phase::delivered) {
        // A buy not seen by its lookups (lost, not found, or a provider that does
        // not say) is asked again less and less often, up to waiting_poll.
        auto wait = opts.moving_poll;
        for (unsigned i = 0; i < std::min(t.misses, 10u) && wait < opts.waiting_poll; ++i)
            wait *= 2;
        t.next_poll = now + std::min(wait, std::max(opts.moving_poll, opts.waiting_poll));
        return;
    }
    // Waiting for settlement: slowly, but look again right after it is due.
    auto next = now + opts.waiting_poll;
    if (t.o.settles_at) {
        const auto due = now + std::chrono::milliseconds(std::max<std::int64_t>(0, *t.o.settles_at + opts.settle_margin.count() - fleet_now()));
        next = std::min(next, std::max(due, now + opts.moving_poll / 4));
    }
    t.next_poll = next;
}

CS2MARKET_DECL void tracker_impl::add(order o)
{
    key k{std::string(o.provider.name()), o.id};
    auto [it, inserted] = orders.try_emplace(k);
    if (!inserted)
        return;
    it->second.o = std::move(o);
    it->second.next_poll = clock::now(); // looked up at once: reconciled or resynchronised
    if (!it->second.o.order_id.empty())
        by_order_id[{k.first, it->second.o.order_id}] = k;
    hand_over(it->second);
}

CS2MARKET_DECL void tracker_impl::hand_over(tracked& t)
{
    // Before anything new of this order: what the handler has not seen yet, in order.
    std::uint64_t last = t.o.delivered_seq;
    for (std::size_t i = 0; i < t.o.history.size(); ++i) {
        const auto& c = t.o.history[i];
        if (c.seq <= t.o.delivered_seq || !running)
            continue;
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.transitions;
        }
        if (on_transition) {
            if (i + 1 == t.o.history.size()) {
                on_transition(t.o, c);
            } else { // an earlier one: the order as it was right after it
                order then = t.o;
                then.phase = c.to;
                then.history.resize(i + 1);
                on_transition(then, c);
            }
        }
        last = std::max(last, c.seq);
    }
    if (last > t.o.delivered_seq) {
        t.o.delivered_seq = last;
        mark_handed_over(t.o, last);
    }
}

CS2MARKET_DECL void tracker_impl::mark_handed_over(const order& o, std::uint64_t seq)
{
    // Not marked (a crash, the database down) is handed over again on the next
    // resume: at least once, never lost.
    auto job = [s = store, p = o.provider, id = o.id, seq] { return s->mark_delivered(p, id, seq); };
    store->async_run<result<void>>(std::move(job), boost::asio::bind_executor(strand, [w = weak_from_this()](result<void> r) {
                                       if (auto self = w.lock(); self && !r)
                                           self->notice(nullptr, "journal: " + r.error().message());
                                   }));
}

CS2MARKET_DECL void tracker_impl::measure_clock()
{
    clock_measured = clock::now();
    const auto before = now_ms();
    store->async_run<result<unix_ms>>([s = store] { return s->now(); },
                                      boost::asio::bind_executor(strand, [w = weak_from_this(), before](result<unix_ms> r) {
                                          auto self = w.lock();
                                          if (!self || !r)
                                              return; // measured again later
                                          const auto after = self->now_ms();
                                          self->clock_offset = *r - (before + (after - before) / 2);
                                      }));
}

CS2MARKET_DECL void tracker_impl::tick()
{
    const auto now = clock::now();
    if (clock_measured == clock::time_point{} || now - clock_measured > std::chrono::seconds(30))
        measure_clock();
    if ((resume_unread || !follows_unread.empty()) && now >= reread_at) {
        if (std::exchange(resume_unread, false))
            read_unfinished(true);
        for (auto& [p, id] : std::exchange(follows_unread, {}))
            read_one(p, std::move(id), true);
    }
    for (auto& [name, src] : sources) {
        // The orders due longest first: no order waits behind others, and no order
        // is always asked together with the same neighbours.
        std::vector<std::pair<clock::time_point, tracked*>> due;
        for (auto& [k, t] : orders)
            if (k.first == name && followed(t.o) && !t.saving && !t.in_lookup && t.next_poll <= now)
                due.emplace_back(t.next_poll, &t);
        if (due.empty())
            continue;
        const std::size_t n = std::min(due.size(), std::max<std::size_t>(1, src->max_batch()));
        std::partial_sort(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(n), due.end(),
                          [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<order> batch;
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < n; ++i) {
            auto& t = *due[i].second;
            t.in_lookup = true;
            batch.push_back(t.o);
            ids.push_back(t.o.id);
        }
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.lookups;
        }
        src->async_lookup(std::move(batch), [w = weak_from_this(), name = name, ids = std::move(ids)](
                                                result<std::vector<order_observation>> r) mutable {
            if (auto self = w.lock())
                boost::asio::post(self->strand, [self, name = std::move(name), ids = std::move(ids), r = std::move(r)]() mutable {
                    self->looked_up(name, std::move(ids), std::move(r));
                });
        });
    }
}

CS2MARKET_DECL void tracker_impl::looked_up(const std::string& provider, std::vector<std::string> ids,
                                            result<std::vector<order_observation>> r)
{
    const auto now = fleet_now();
    for (const auto& id : ids)
        if (auto it = orders.find({provider, id}); it != orders.end()) {
            auto& t = it->second;
            t.in_lookup = false;
            const bool seen = r && std::any_of(r->begin(), r->end(), [&](const order_observation& o) {
                return !o.not_found && (o.id == id || (!o.order_id.empty() && o.order_id == t.o.order_id));
            });
            t.misses = seen ? 0 : t.misses + 1;
            schedule(t);
        }
    if (!running)
        return;
    if (!r) {
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.lookup_errors;
        }
        notice(nullptr, provider + ": lookup failed: " + r.error().message());
        return;
    }
    std::vector<order_observation> nf;
    for (auto& obs : *r) {
        if (!obs.observed_at)
            obs.observed_at = now;
        if (obs.not_found)
            nf.push_back(std::move(obs));
        else
            route(std::move(obs));
    }
    if (!nf.empty())
        conclude_not_found(provider, std::move(nf));
}

CS2MARKET_DECL void tracker_impl::conclude_not_found(const std::string& provider, std::vector<order_observation> nf)
{
    // A buy the provider has no record of is failed only long after it was
    // journaled, after the last moment its process could still send it (a
    // rate-limit wait, a retry) and after its last answer (an unfinished one):
    // a buy in flight may not be recorded yet. Compared on the journal's clock,
    // which every worker shares, never on ours.
    store->async_run<result<unix_ms>>([s = store] { return s->now(); },
                                      boost::asio::bind_executor(strand, [w = weak_from_this(), provider, nf = std::move(nf)](
                                                                             result<unix_ms> now) mutable {
                                          auto self = w.lock();
                                          if (!self || !self->running)
                                              return;
                                          if (!now) {
                                              self->notice(nullptr, "journal: " + now.error().message());
                                              return;
                                          }
                                          for (auto& obs : nf) {
                                              auto it = self->orders.find({provider, obs.id});
                                              if (it == self->orders.end())
                                                  continue;
                                              const auto& o = it->second.o;
                                              unix_ms since = std::max(o.created_at, o.send_deadline.value_or(o.created_at));
                                              for (const auto& c : o.history)
                                                  since = std::max(since, c.at);
                                              if (*now - since < self->opts.reconcile_grace.count())
                                                  continue;
                                              self->route(std::move(obs));
                                          }
                                      }));
}

CS2MARKET_DECL void tracker_impl::route(order_observation obs)
{
    if (!obs.observed_at)
        obs.observed_at = fleet_now();
    const std::string prov(obs.provider.name());
    key k{prov, obs.id};
    auto it = obs.id.empty() ? orders.end() : orders.find(k);
    if (it == orders.end() && !obs.order_id.empty())
        if (auto b = by_order_id.find({prov, obs.order_id}); b != by_order_id.end()) {
            k = b->second;
            it = orders.find(k);
        }
    if (it == orders.end())
        return adopt(std::move(obs));
    if (it->second.saving) {
        it->second.queued.push_back(std::move(obs));
        return;
    }
    process(k, std::move(obs));
}

CS2MARKET_DECL void tracker_impl::adopt(order_observation obs)
{
    const std::string prov(obs.provider.name());
    const bool by_id = !obs.id.empty();
    key k{prov, by_id ? "id:" + obs.id : "order:" + obs.order_id};
    constexpr std::size_t max_awaiting = 10'000; // a flood of pushes for unknown orders stays bounded
    if ((!by_id && obs.order_id.empty()) || (awaiting.size() >= max_awaiting && !awaiting.count(k))) {
        std::lock_guard<std::mutex> lk(snapshot_m);
        ++counts.ignored;
        return;
    }
    auto& q = awaiting[k];
    q.push_back(std::move(obs));
    if (q.size() > 1)
        return; // the journal is being asked already
    auto find = [s = store, p = q.front().provider, id = q.front().id, oid = q.front().order_id, by_id] {
        return by_id ? s->find(p, id) : s->find_by_order_id(p, oid);
    };
    store->async_run<result<std::optional<order>>>(
        std::move(find), boost::asio::bind_executor(strand, [w = weak_from_this(), k](result<std::optional<order>> r) {
            auto self = w.lock();
            if (!self)
                return;
            auto node = self->awaiting.extract(k);
            if (node.empty())
                return;
            if (r && *r) {
                key ok{std::string((*r)->provider.name()), (*r)->id};
                if (!self->orders.count(ok))
                    self->add(std::move(**r));
                for (auto& o : node.mapped()) {
                    o.id = ok.second; // now routed by the journaled id
                    self->route(std::move(o));
                }
                self->publish();
            } else {
                std::lock_guard<std::mutex> lk(self->snapshot_m);
                self->counts.ignored += node.mapped().size(); // an order nobody journaled
            }
        }));
}

CS2MARKET_DECL void tracker_impl::process(const key& k, order_observation obs)
{
    auto& t = orders.at(k);
    if (!obs.known_status && !obs.not_found) {
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.unknown_statuses;
        }
        notice(&t.o, std::string(t.o.provider.name()) + " " + t.o.id + ": status \"" + obs.provider_status +
                         "\" is not in the schema; the order stays non-final");
    }
    if (contradicts(t.o, obs)) {
        // A final order never moves; what the provider now says against it is
        // told, not dropped: the journal may hold a conclusion the provider denies.
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.contradictions;
        }
        notice(&t.o, std::string(t.o.provider.name()) + " " + t.o.id + ": " + std::string(to_string(t.o.phase)) +
                         ", but the provider now says " +
                         (obs.not_found ? std::string("it has no such order") : std::string(to_string(obs.phase))) +
                         (obs.provider_status.empty() ? "" : " (status " + obs.provider_status + ")") + " [" +
                         std::string(to_string(obs.source)) + "]");
    }
    const auto now = fleet_now();
    // Settled only on what the provider proved: an answer fetched after the end
    // of protection (proven, or counted from the acceptance where the docs do not
    // say what a time means), or a trade the provider says is unprotected.
    prove_settlement(obs, t.o, opts.trade_protection, now);
    if (obs.source != observation_source::buy && settles_on(t.o, obs, opts.settle_margin, now)) {
        obs.phase = order_phase::settled;
        obs.source = observation_source::settlement;
    }
    order next = t.o;
    auto change = apply_observation(next, obs, now); // stamped on the journal-corrected clock
    if (!next.order_id.empty())
        by_order_id[{k.first, next.order_id}] = k;
    if (!change) {
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.ignored;
        }
        const bool facts = next.order_id != t.o.order_id || next.settles_at != t.o.settles_at ||
                           next.delivered_at != t.o.delivered_at || next.item_name != t.o.item_name || next.price != t.o.price ||
                           next.charged != t.o.charged || next.provider_status != t.o.provider_status ||
                           next.refunded != t.o.refunded || next.items != t.o.items;
        t.o = next;
        if (facts) {
            if (!followed(next))
                schedule(t);
            auto save = [s = store, next] { return s->save(next, nullptr); };
            store->async_run<result<bool>>(std::move(save), boost::asio::bind_executor(strand, [](result<bool>) {}));
        }
        publish();
        return;
    }
    t.saving = true;
    auto save = [s = store, next, c = *change] { return s->save(next, &c); };
    store->async_run<result<bool>>(std::move(save),
                                   boost::asio::bind_executor(strand, [w = weak_from_this(), k, next, c = *change](result<bool> r) mutable {
                                       if (auto self = w.lock())
                                           self->saved(k, std::move(next), std::move(c), std::move(r));
                                   }));
}

CS2MARKET_DECL void tracker_impl::saved(const key& k, order next, phase_change change, result<bool> r)
{
    (void)change; // in next's history: handed over from there
    auto it = orders.find(k);
    if (it == orders.end())
        return;
    auto& t = it->second;
    t.saving = false;
    if (r && *r) {
        t.o = std::move(next);
        t.misses = 0;
        schedule(t);
        publish();
        hand_over(t); // this transition (journaled: no crash loses it), then marked handed over
        publish();
        drain(k);
        return;
    }
    if (r) {
        // Another writer (another process following the same journal) moved it first.
        {
            std::lock_guard<std::mutex> lk(snapshot_m);
            ++counts.journal_conflicts;
        }
        t.saving = true;
        auto find = [s = store, p = t.o.provider, id = t.o.id] { return s->find(p, id); };
        store->async_run<result<std::optional<order>>>(
            std::move(find), boost::asio::bind_executor(strand, [w = weak_from_this(), k](result<std::optional<order>> f) {
                auto self = w.lock();
                if (!self)
                    return;
                auto it = self->orders.find(k);
                if (it == self->orders.end())
                    return;
                it->second.saving = false;
                if (f && *f)
                    it->second.o = std::move(**f);
                self->publish();
                self->drain(k);
            }));
        return;
    }
    {
        std::lock_guard<std::mutex> lk(snapshot_m);
        ++counts.journal_errors;
    }
    // Not journaled, so not delivered: the order stays where it was and the next
    // look sees the transition again.
    notice(&t.o, "journal: " + r.error().message());
    drain(k);
}

CS2MARKET_DECL void tracker_impl::drain(const key& k)
{
    auto it = orders.find(k);
    while (it != orders.end() && !it->second.saving && !it->second.queued.empty()) {
        auto obs = std::move(it->second.queued.front());
        it->second.queued.pop_front();
        process(k, std::move(obs));
        it = orders.find(k);
    }
}

CS2MARKET_DECL void tracker_impl::act(provider_id p, const std::string& id, action what, std::function<void(result<void>)> done,
                                      bool journal_read)
{
    auto it = orders.find({std::string(p.name()), id});
    auto src = sources.find(p.name());
    if (it == orders.end() && src != sources.end() && !journal_read) {
        // Not loaded (yet): follow() and resume() read the journal first, so an
        // action asked right after them comes before their answer. The journal runs
        // its jobs in order: this read answers after theirs, and follows the order
        // if they did not.
        auto find = [s = store, p, id] { return s->find(p, id); };
        store->async_run<result<std::optional<order>>>(
            std::move(find), boost::asio::bind_executor(strand, [w = weak_from_this(), p, id, what, done = std::move(done)](
                                                                    result<std::optional<order>> r) mutable {
                auto self = w.lock();
                if (!self)
                    return;
                if (r && *r) {
                    self->add(std::move(**r));
                    {
                        std::lock_guard<std::mutex> lk(self->snapshot_m);
                        self->loaded = true;
                    }
                    self->publish();
                }
                self->act(p, id, what, std::move(done), true);
            }));
        return;
    }
    if (it == orders.end() || src == sources.end())
        return done(make_error(error_kind::invalid_argument, "order " + id + " is not journaled, or its provider has no source", p));
    auto handler = [w = weak_from_this(), done = std::move(done)](result<order_observation> r) mutable {
        auto self = w.lock();
        if (!self)
            return;
        boost::asio::post(self->strand, [self, r = std::move(r), done = std::move(done)]() mutable {
            if (!r)
                return done(r.error());
            self->route(std::move(*r));
            done(result<void>{});
        });
    };
    switch (what) {
    case action::cancel: src->second->async_cancel(it->second.o, std::move(handler)); break;
    case action::release: src->second->async_release(it->second.o, std::move(handler)); break;
    }
}

} // namespace detail

CS2MARKET_DECL order_tracker::order_tracker(boost::asio::any_io_executor ex, std::shared_ptr<journal> store, handler on_transition,
                                            tracker_options opts, notice_handler on_notice)
    : impl_(std::make_shared<detail::tracker_impl>(std::move(ex), std::move(store), std::move(on_transition), opts,
                                                   std::move(on_notice)))
{
    boost::asio::dispatch(impl_->strand, [self = impl_] { self->start(); });
}

CS2MARKET_DECL order_tracker::~order_tracker()
{
    stop();
}

CS2MARKET_DECL void order_tracker::add_source(std::shared_ptr<order_source> source)
{
    boost::asio::dispatch(impl_->strand, [self = impl_, source = std::move(source)] {
        const std::string name(source->provider().name());
        if (auto old = self->sources.find(name); old != self->sources.end())
            old->second->stop();
        self->sources[name] = source;
        std::weak_ptr<detail::tracker_impl> w = self;
        source->start(
            [w](order_observation obs) {
                if (auto s = w.lock())
                    boost::asio::post(s->strand, [s, obs = std::move(obs)]() mutable { s->route(std::move(obs)); });
            },
            [w] {
                if (auto s = w.lock())
                    boost::asio::post(s->strand, [s] {
                        for (auto& [k, t] : s->orders)
                            if (detail::tracker_impl::followed(t.o))
                                t.next_poll = detail::tracker_impl::clock::now();
                    });
            });
    });
}

CS2MARKET_DECL void order_tracker::resume()
{
    auto self = impl_;
    if (!self->opts.owner.empty()) {
        boost::asio::dispatch(self->strand, [self] {
            self->claim();
            self->lease_tick();
        });
        return;
    }
    boost::asio::dispatch(self->strand, [self] { self->read_unfinished(false); });
}

CS2MARKET_DECL void order_tracker::follow(provider_id p, std::string id)
{
    boost::asio::dispatch(impl_->strand, [self = impl_, p, id = std::move(id)]() mutable { self->read_one(p, std::move(id), false); });
}

CS2MARKET_DECL void order_tracker::observe(order_observation obs)
{
    boost::asio::post(impl_->strand, [self = impl_, obs = std::move(obs)]() mutable { self->route(std::move(obs)); });
}

CS2MARKET_DECL void order_tracker::resync()
{
    boost::asio::post(impl_->strand, [self = impl_] {
        for (auto& [k, t] : self->orders)
            if (detail::tracker_impl::followed(t.o))
                t.next_poll = detail::tracker_impl::clock::now();
    });
}

CS2MARKET_DECL void order_tracker::cancel(provider_id p, std::string id, std::function<void(result<void>)> done)
{
    boost::asio::dispatch(impl_->strand, [self = impl_, p, id = std::move(id), done = std::move(done)]() mutable {
        self->act(p, id, detail::tracker_impl::action::cancel, std::move(done));
    });
}

CS2MARKET_DECL void order_tracker::release(provider_id p, std::string id, std::function<void(result<void>)> done)
{
    boost::asio::dispatch(impl_->strand, [self = impl_, p, id = std::move(id), done = std::move(done)]() mutable {
        self->act(p, id, detail::tracker_impl::action::release, std::move(done));
    });
}

CS2MARKET_DECL void order_tracker::stop()
{
    auto self = impl_;
    boost::asio::dispatch(self->strand, [self] {
        if (!self->running)
            return;
        self->running = false;
        self->timer.cancel();
        self->lease_timer.cancel();
        for (auto& [n, s] : self->sources)
            s->stop();
        if (!self->opts.owner.empty()) // a clean stop frees our orders for the others at once
            self->store->run_detached([s = self->store, owner = self->opts.owner] { (void)s->release(owner); });
    });
}

CS2MARKET_DECL std::vector<order> order_tracker::orders() const
{
    std::lock_guard<std::mutex> lk(impl_->snapshot_m);
    return impl_->snapshot;
}

CS2MARKET_DECL bool order_tracker::all_final() const
{
    std::lock_guard<std::mutex> lk(impl_->snapshot_m);
    if (!impl_->loaded || impl_->unread > 0)
        return false;
    return std::all_of(impl_->snapshot.begin(), impl_->snapshot.end(), [](const order& o) { return is_final(o.phase); });
}

CS2MARKET_DECL tracker_stats order_tracker::stats() const
{
    std::lock_guard<std::mutex> lk(impl_->snapshot_m);
    return impl_->counts;
}

} // namespace cs2market

#endif
