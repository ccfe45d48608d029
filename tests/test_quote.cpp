// Quotes (cs2market/market/quote.hpp): fee arithmetic, constraints, merging and
// sorting, async_quote gathering sources that answer late, on other threads, or fail.
// The same against the sandbox, end to end through the CLI: tests/cli/test_cli_quote.py.
#include <cs2market/market/quote.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using cs2market::availability;
using cs2market::decimal;
using cs2market::doppler_phase;
using cs2market::fee_schedule;
using cs2market::item_facts;
using cs2market::item_key;
using cs2market::provider_id;
using cs2market::quote;
using cs2market::quote_constraints;

namespace {

decimal d(const char* s) { return decimal::from_string(s); }

constexpr provider_id alpha{"alpha"};
constexpr provider_id beta{"beta"};

item_key key_of(const std::string& name, item_facts f = {}) { return *item_key::make(name, std::move(f)); }

quote offer(provider_id p, std::string id, const char* price, item_key k)
{
    quote q{p, std::move(id), {}, {}, true, {}, std::move(k), 1000};
    cs2market::price_with_fee(q, d(price), fee_schedule{});
    return q;
}

const std::string redline = "AK-47 | Redline (Field-Tested)";
const std::string doppler = "★ Karambit | Doppler (Factory New)";

} // namespace

TEST_CASE("quote: a fee is the rate of the price rounded up to the cent, within its floor and ceiling", "[quote]")
{
    struct row {
        const char* rate;
        const char* min;
        const char* max; // "" for none
        const char* price;
        const char* fee;
    };
    const auto r = GENERATE(values<row>({
        {"0", "0", "", "14.37", "0"},            // no fee documented
        {"0", "0.01", "", "14.37", "0"},         // a floor alone adds nothing without a rate
        {"0.02", "0.01", "10", "14.37", "0.29"}, // 0.2874 up to the cent, never down
        {"0.02", "0.01", "10", "50", "1"},       // exact
        {"0.02", "0.01", "10", "0.1", "0.01"},   // 0.002 -> 0.01 (also the floor)
        {"0.02", "0.05", "10", "0.1", "0.05"},   // the floor
        {"0.02", "0.01", "10", "1000", "10"},    // the ceiling
        {"0.025", "0", "", "0.5", "0.02"},       // 0.0125 -> 0.02
        {"0.15", "0", "", "0.03", "0.01"},       // 0.0045 -> 0.01: the smallest price
        {"0.02", "0", "", "123456789.99", "2469135.8"},
        {"0.000001", "0", "", "0.000000000000000001", "0.01"}, // scale 24: still exact, still up
    }));
    fee_schedule f{d(r.rate), d(r.min), *r.max ? std::optional<decimal>(d(r.max)) : std::nullopt, true};
    INFO("rate " << r.rate << " price " << r.price);
    CHECK(f.fee_on(d(r.price)) == d(r.fee));
    quote q = offer(alpha, "1", "0", key_of(redline));
    cs2market::price_with_fee(q, d(r.price), f);
    CHECK(q.fee == d(r.fee));
    CHECK(q.price == d(r.price) + d(r.fee));
    CHECK(q.fee_known);
    f.documented = false;
    cs2market::price_with_fee(q, d(r.price), f);
    CHECK_FALSE(q.fee_known);
}

TEST_CASE("quote: availability prints as one word", "[quote]")
{
    CHECK(cs2market::to_string(availability{}) == "instant");
    CHECK(cs2market::to_string(availability{availability::kind::hold, std::nullopt}) == "hold");
    CHECK(cs2market::to_string(availability{availability::kind::hold, 1783339200000}) == "hold:2026-07-06T12:00:00Z");
}

TEST_CASE("quote: constraints that cannot be met are refused, with the reason", "[quote]")
{
    struct row {
        const char* what;
        std::string item;
        quote_constraints c;
        const char* error; // "" when accepted
    };
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const auto r = GENERATE_COPY(values<row>({
        {"none", redline, {}, ""},
        {"a float range", redline, {.float_min = 0.15, .float_max = 0.2}, ""},
        {"float min above max", redline, {.float_min = 0.3, .float_max = 0.2}, "float minimum is above the float maximum"},
        {"float below 0", redline, {.float_min = -0.1}, "float minimum must be a number from 0 to 1"},
        {"float above 1", redline, {.float_max = 1.5}, "float maximum must be a number from 0 to 1"},
        {"float NaN", redline, {.float_max = nan}, "float maximum must be a number from 0 to 1"},
        {"seed", redline, {.paint_seed = 661}, ""},
        {"seed above 1000", redline, {.paint_seed = 1001}, "paint seed must be from 0 to 1000"},
        {"negative max price", redline, {.max_price = d("-1")}, "max price must not be negative"},
        {"a phase of a Doppler", doppler, {.phase = doppler_phase::ruby}, ""},
        {"a phase on a Redline", redline, {.phase = doppler_phase::phase_2}, "is not a phase of AK-47 | Redline"},
        {"Emerald on a Doppler", doppler, {.phase = doppler_phase::emerald}, "\"Emerald\" is not a phase of"},
        {"StatTrak on a plain name", redline, {.stattrak = true}, "is not StatTrak™"},
        {"not StatTrak on a plain name", redline, {.stattrak = false}, ""},
    }));
    INFO(r.what);
    auto ok = r.c.check(*item_key::parse(r.item));
    if (*r.error == '\0') {
        CHECK(ok);
    } else {
        REQUIRE_FALSE(ok);
        CHECK(ok.error().kind == cs2market::error_kind::invalid_argument);
        CHECK_THAT(ok.error().message(), Catch::Contains(r.error));
    }
}

TEST_CASE("quote: constraints admit an offer only on facts the listing tells", "[quote]")
{
    struct row {
        const char* what;
        item_facts facts;
        const char* price;
        quote_constraints c;
        bool admitted;
    };
    const auto r = GENERATE(values<row>({
        {"no constraint", {}, "10", {}, true},
        {"float inside", {.float_value = 0.2}, "10", {.float_min = 0.15, .float_max = 0.25}, true},
        {"float on the bounds", {.float_value = 0.15}, "10", {.float_min = 0.15, .float_max = 0.15}, true},
        {"float below", {.float_value = 0.1}, "10", {.float_min = 0.15}, false},
        {"float above", {.float_value = 0.3}, "10", {.float_max = 0.25}, false},
        {"float not told", {}, "10", {.float_max = 0.99}, false},
        {"seed equal", {.paint_seed = 661}, "10", {.paint_seed = 661}, true},
        {"seed other", {.paint_seed = 660}, "10", {.paint_seed = 661}, false},
        {"seed not told", {}, "10", {.paint_seed = 661}, false},
        {"price at the max", {}, "10", {.max_price = d("10")}, true},
        {"price above the max", {}, "10.01", {.max_price = d("10")}, false},
        {"not StatTrak", {}, "10", {.stattrak = false}, true},
        {"StatTrak wanted", {}, "10", {.stattrak = true}, false},
    }));
    INFO(r.what);
    CHECK(r.c.admits(offer(alpha, "1", r.price, key_of(redline, r.facts))) == r.admitted);
}

TEST_CASE("quote: a phase constraint admits that phase only, never a listing without one", "[quote]")
{
    const auto [index, admitted] = GENERATE(table<std::int64_t, bool>({
        {415, true},  // Ruby
        {416, false}, // Sapphire
        {419, false}, // Phase 2
        {-1, false},  // no paint index, no phase: not a guess
    }));
    item_facts f;
    if (index >= 0)
        f.paint_index = index;
    quote_constraints c{.phase = doppler_phase::ruby};
    CHECK(c.admits(offer(alpha, "1", "900", key_of(doppler, f))) == admitted);
}

TEST_CASE("quote: merging keeps the wanted item's admitted offers, cheapest first, and every provider's error", "[quote]")
{
    const item_key want = *item_key::parse(redline);
    std::vector<cs2market::result<std::vector<quote>>> answers;
    answers.push_back(std::vector<quote>{
        offer(alpha, "a3", "12.5", key_of(redline, {.float_value = 0.2})),
        offer(alpha, "a1", "11.92", key_of(redline, {.float_value = 0.3})),
        offer(alpha, "st", "5", key_of("StatTrak™ " + redline, {.float_value = 0.2})), // another name: dropped
    });
    auto e = cs2market::detail::make_error(cs2market::error_kind::timeout, "no answer", provider_id{"gamma"});
    answers.push_back(e);
    answers.push_back(std::vector<quote>{
        offer(beta, "b2", "11.92", key_of(redline, {.float_value = 0.21})), // a tie: by provider, then id
        offer(beta, "b1", "13", key_of(redline, {.float_value = 0.36})),
    });
    auto q = cs2market::merge_quotes(want, {.float_max = 0.35}, std::move(answers));
    std::vector<std::string> ids;
    for (const auto& o : q.offers)
        ids.push_back(std::string(o.provider.name()) + ":" + o.listing_id + "@" + o.price.to_string());
    CHECK(ids == std::vector<std::string>{"alpha:a1@11.92", "beta:b2@11.92", "alpha:a3@12.5"});
    REQUIRE(q.errors.size() == 1);
    CHECK(q.errors[0].provider == provider_id{"gamma"});
    CHECK(q.errors[0].kind == cs2market::error_kind::timeout);
}

namespace {

/// A source answering from another thread after a delay, or failing.
class scripted_source final : public cs2market::quote_source {
public:
    scripted_source(boost::asio::thread_pool& pool, provider_id p, std::vector<quote> offers, bool fail, int delay_ms)
        : pool_(pool), p_(p), offers_(std::move(offers)), fail_(fail), delay_ms_(delay_ms)
    {
    }
    provider_id provider() const override { return p_; }
    void async_quotes(const item_key&, const quote_constraints&, handler done) override
    {
        ++asked;
        auto t = std::make_shared<boost::asio::steady_timer>(pool_, std::chrono::milliseconds(delay_ms_));
        t->async_wait([this, t, done = std::move(done)](boost::system::error_code) {
            if (fail_) // no provider set: async_quote names it
                done(cs2market::detail::make_error(cs2market::error_kind::transport, "connection refused"));
            else
                done(offers_);
        });
    }
    int asked = 0;

private:
    boost::asio::thread_pool& pool_;
    provider_id p_;
    std::vector<quote> offers_;
    bool fail_;
    int delay_ms_;
};

} // namespace

TEST_CASE("quote: async_quote asks every source at once, one failing loses none of the others' offers", "[quote]")
{
    boost::asio::thread_pool pool(3);
    const item_key want = *item_key::parse(redline);
    const int slow = GENERATE(0, 30);
    auto a = std::make_shared<scripted_source>(pool, alpha, std::vector<quote>{offer(alpha, "a", "12", want)}, false, slow);
    auto b = std::make_shared<scripted_source>(pool, beta, std::vector<quote>{offer(beta, "b", "11", want)}, false, 30 - slow);
    auto c = std::make_shared<scripted_source>(pool, provider_id{"gamma"}, std::vector<quote>{}, true, 10);
    auto fut = cs2market::async_quote({a, b, c}, want, {}, boost::asio::use_future);
    // Concurrent: every source is asked at once, before any answer (the last answers after 30 ms).
    CHECK((a->asked == 1 && b->asked == 1 && c->asked == 1));
    REQUIRE(fut.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    auto q = fut.get();
    REQUIRE(q.offers.size() == 2);
    CHECK(q.offers[0].listing_id == "b");
    CHECK(q.offers[1].listing_id == "a");
    REQUIRE(q.errors.size() == 1);
    CHECK(q.errors[0].provider == provider_id{"gamma"});
    CHECK(q.errors[0].kind == cs2market::error_kind::transport);
    pool.join();
}

TEST_CASE("quote: async_quote refuses bad constraints before asking anyone", "[quote]")
{
    boost::asio::thread_pool pool(1);
    const item_key want = *item_key::parse(redline);
    auto a = std::make_shared<scripted_source>(pool, alpha, std::vector<quote>{offer(alpha, "a", "12", want)}, false, 0);
    quote_constraints bad{.float_min = 0.5, .float_max = 0.1};
    auto q = cs2market::async_quote({a}, want, bad, boost::asio::use_future).get();
    CHECK(q.offers.empty());
    REQUIRE(q.errors.size() == 1);
    CHECK(q.errors[0].kind == cs2market::error_kind::invalid_argument);
    CHECK(a->asked == 0);
    auto none = cs2market::async_quote({}, want, {}, boost::asio::use_future).get(); // no source: nothing, at once
    CHECK((none.offers.empty() && none.errors.empty()));
    pool.join();
}
