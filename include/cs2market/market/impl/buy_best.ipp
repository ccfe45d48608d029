// cs2market: best-price buying (non-template bodies): the route.
#ifndef CS2MARKET_MARKET_IMPL_BUY_BEST_IPP
#define CS2MARKET_MARKET_IMPL_BUY_BEST_IPP

#include <cs2market/market/buy_best.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <random>

namespace cs2market {

CS2MARKET_DECL std::string_view to_string(route_result::outcome o) noexcept
{
    switch (o) {
    case route_result::outcome::bought: return "bought";
    case route_result::outcome::no_offer: return "no_offer";
    case route_result::outcome::stopped: return "stopped";
    case route_result::outcome::at_risk: return "at_risk";
    }
    return "stopped";
}

CS2MARKET_DECL std::string route_attempt_id(std::string_view route_id, unsigned n)
{
    return std::string(route_id) + "-" + std::to_string(n);
}

CS2MARKET_DECL std::optional<std::string> route_of(std::string_view order_id)
{
    const auto dash = order_id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == order_id.size())
        return std::nullopt;
    for (char c : order_id.substr(dash + 1))
        if (c < '0' || c > '9')
            return std::nullopt;
    return std::string(order_id.substr(0, dash));
}

namespace detail {

namespace {

bool route_id_ok(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string new_route_id()
{
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 24; ++i)
        s += hex[rd() & 15u];
    return s;
}

/// One route's state; every step runs on `ex`.
class route_run : public std::enable_shared_from_this<route_run> {
public:
    route_run(boost::asio::any_io_executor ex, std::vector<std::shared_ptr<buy_venue>> venues, std::shared_ptr<journal> store,
              item_key item, quote_constraints c, decimal max_price, trade_url to, buy_best_options o,
              std::function<void(route_result)> done)
        : ex_(std::move(ex)), venues_(std::move(venues)), store_(std::move(store)), item_(std::move(item)), c_(std::move(c)),
          max_price_(max_price), to_(std::move(to)), o_(std::move(o)), done_(std::move(done))
    {
    }

    void start()
    {
        if (max_price_ < decimal{})
            return stop(make_error(error_kind::invalid_argument, "buy: the max price must not be negative"));
        if (venues_.empty() || !store_)
            return stop(make_error(error_kind::invalid_argument, "buy: a route needs at least one market and a journal"));
        if (auto ok = c_.check(item_); !ok)
            return stop(ok.error());
        if (!c_.max_price || *c_.max_price > max_price_)
            c_.max_price = max_price_; // never above the ceiling, fees included
        r_.route_id = o_.route_id.empty() ? new_route_id() : o_.route_id;
        if (!route_id_ok(r_.route_id))
            return stop(make_error(error_kind::invalid_argument, "buy: a route id is 1 to 64 of A-Z, a-z, 0-9, '_'"));
        if (o_.route_id.empty())
            return quote_all(); // 96 random bits: no journaled attempt can have it
        // A given id: the journal must hold none of its attempts (the route ran before: never again).
        auto self = shared_from_this();
        store_->async_run<result<std::vector<order>>>([store = store_] { return store->load(false); },
                                                      boost::asio::bind_executor(ex_, [self](result<std::vector<order>> all) {
                                                          if (!all)
                                                              return self->stop(all.error());
                                                          for (const auto& ord : *all)
                                                              if (route_of(ord.id) == self->r_.route_id) {
                                                                  error e = make_error(error_kind::duplicate_id,
                                                                                       "buy: route " + self->r_.route_id +
                                                                                           " is journaled already (attempt " + ord.id +
                                                                                           "): it is not run again");
                                                                  e.idempotency_id = ord.id;
                                                                  return self->stop(std::move(e));
                                                              }
                                                          self->quote_all();
                                                      }));
    }

private:
    void quote_all()
    {
        std::vector<std::shared_ptr<quote_source>> sources;
        for (const auto& v : venues_) // aliasing: the source lives as long as its venue
            sources.push_back(std::shared_ptr<quote_source>(v, &v->quotes()));
        auto self = shared_from_this();
        async_quote(std::move(sources), item_, c_, boost::asio::bind_executor(ex_, [self](quotes q) {
                        self->r_.quote_errors = std::move(q.errors);
                        for (auto& offer : q.offers)
                            if (offer.price <= self->max_price_ && (offer.fee_known || self->o_.accept_undocumented_fee) &&
                                self->venue_of(offer.provider))
                                self->offers_.push_back(std::move(offer));
                        self->next();
                    }));
    }

    buy_venue* venue_of(provider_id p) const
    {
        for (const auto& v : venues_)
            if (v->provider() == p)
                return v.get();
        return nullptr;
    }

    /// The next offer, cheapest first (async_quote sorted them).
    void next()
    {
        if (next_offer_ >= offers_.size()) {
            r_.what = route_result::outcome::no_offer;
            if (!r_.reason)
                r_.reason = make_error(error_kind::invalid_argument,
                                      "buy: no offer of " + item_.to_string() + " meets the constraints at or under " +
                                          max_price_.to_string() + (o_.accept_undocumented_fee ? "" : " with a documented fee"));
            return finish();
        }
        if (r_.attempts >= o_.max_attempts)
            return stop(make_error(error_kind::invalid_argument,
                                   "buy: " + std::to_string(o_.max_attempts) + " attempts were refused; the route stops"));
        const quote& offer = offers_[next_offer_++];
        r_.offer = offer;
        const std::string id = route_attempt_id(r_.route_id, ++r_.attempts);
        // The ceiling the provider is held to: the quoted ask. A price that moved up
        // is refused there (price moved), and the next offer is tried instead.
        const decimal ceiling = offer.price - offer.fee;
        auto self = shared_from_this();
        venue_of(offer.provider)->async_buy(offer, ceiling, to_, id, [self, id, p = offer.provider](result<void> r) {
            boost::asio::post(self->ex_, [self, id, p, r = std::move(r)]() mutable { self->answered(p, id, std::move(r)); });
        });
    }

    /// After a buy: the journal says what the attempt proved (issue 17's truth:
    /// failed only when the provider refused, nothing charged).
    void answered(provider_id p, std::string id, result<void> r)
    {
        auto self = shared_from_this();
        store_->async_run<result<std::optional<order>>>(
            [store = store_, p, id] { return store->find(p, id); },
            boost::asio::bind_executor(ex_, [self, r = std::move(r)](result<std::optional<order>> found) mutable {
                self->judge(std::move(r), std::move(found));
            }));
    }

    void judge(result<void> r, result<std::optional<order>> found)
    {
        if (!found || !*found) {
            // Not journaled: the buy was not sent (a journal that cannot record sends nothing).
            // If the journal cannot be read after a buy was answered, its fate here is unknown.
            if (!r && found)
                return stop(r.error());
            r_.what = route_result::outcome::at_risk;
            r_.reason = !found ? found.error() : make_error(error_kind::journal, "buy: the attempt is not in the journal");
            return finish();
        }
        order o = std::move(**found);
        const bool refused = o.phase == order_phase::failed && o.refunded == true;
        if (r) {
            r_.bought = std::move(o);
            if (is_final(r_.bought->phase) && r_.bought->phase != order_phase::settled) {
                // Answered, and the answer says the purchase failed: nothing bought, and
                // whatever was charged is the tracker's to follow. Not tried elsewhere.
                r_.what = route_result::outcome::stopped;
                r_.reason = make_error(error_kind::provider, "buy: the purchase failed (" + r_.bought->failure_code + ")",
                                      r_.bought->provider);
                return finish();
            }
            r_.what = route_result::outcome::bought;
            return finish();
        }
        if (!refused) {
            r_.what = route_result::outcome::at_risk;
            r_.bought = std::move(o);
            r_.reason = r.error();
            return finish();
        }
        if (venue_of(o.provider)->listing_gone(r.error())) {
            r_.reason = r.error(); // kept, should every offer go
            return next();
        }
        r_.bought = std::move(o);
        return stop(r.error());
    }

    void stop(error e)
    {
        r_.what = route_result::outcome::stopped;
        r_.reason = std::move(e);
        finish();
    }

    void finish()
    {
        if (auto d = std::move(done_)) {
            done_ = nullptr;
            d(std::move(r_));
        }
    }

    boost::asio::any_io_executor ex_;
    std::vector<std::shared_ptr<buy_venue>> venues_;
    std::shared_ptr<journal> store_;
    item_key item_;
    quote_constraints c_;
    decimal max_price_;
    trade_url to_;
    buy_best_options o_;
    std::function<void(route_result)> done_;
    std::vector<quote> offers_;
    std::size_t next_offer_ = 0;
    route_result r_;
};

} // namespace

CS2MARKET_DECL void run_route(boost::asio::any_io_executor ex, std::vector<std::shared_ptr<buy_venue>> venues,
                              std::shared_ptr<journal> store, item_key item, quote_constraints c, decimal max_price, trade_url to,
                              buy_best_options o, std::function<void(route_result)> done)
{
    auto run = std::make_shared<route_run>(ex, std::move(venues), std::move(store), std::move(item), std::move(c), max_price,
                                           std::move(to), std::move(o), std::move(done));
    boost::asio::post(ex, [run] { run->start(); });
}

} // namespace detail

} // namespace cs2market

#endif
