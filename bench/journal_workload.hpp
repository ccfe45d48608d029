// The journaled-buy workloads that journal_bench (SQLite) and postgres_bench
// (both stores) share, against the embedded sandbox.
#pragma once

#include "bench_support.hpp"

#include <cs2market/orders/journal.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>

namespace cs2market::bench {

namespace cm = ::cs2market;
namespace sb = ::cs2market::sandbox;
namespace net = ::boost::asio;

/// record_intent and save (a submitted -> pending transition), one durable commit each.
inline std::pair<percentiles, percentiles> commit_costs(cm::journal& j, int n)
{
    std::vector<cm::order> orders;
    std::vector<double> intent_us, save_us;
    const std::string request = R"({"partner":"447383001","token":"<redacted>","id":"123456","custom_id":"bench"})";
    for (int i = 0; i < n; ++i) {
        cm::order o;
        o.provider = cm::skinify::id;
        o.id = "bench-" + std::to_string(i);
        o.operation = "withdraw_buy";
        o.item_name = "AK-47 | Redline (Field-Tested)";
        o.max_price = cm::decimal::from_string("12.34");
        o.price = o.max_price;
        o.created_at = cm::now_unix_ms();
        const auto t0 = clk::now();
        auto claim = j.record_intent(o, request);
        intent_us.push_back(std::chrono::duration<double, std::micro>(clk::now() - t0).count());
        if (!claim || !claim->created)
            throw std::runtime_error("record_intent failed");
        orders.push_back(claim->journaled);
    }
    for (auto& o : orders) {
        cm::order_observation obs;
        obs.provider = o.provider;
        obs.id = o.id;
        obs.order_id = "9" + o.id.substr(6);
        obs.phase = cm::order_phase::pending;
        obs.provider_status = "processing";
        obs.source = cs2market::observation_source::buy;
        auto change = cm::apply_observation(o, obs, cm::now_unix_ms());
        const auto t0 = clk::now();
        auto saved = j.save(o, &*change);
        save_us.push_back(std::chrono::duration<double, std::micro>(clk::now() - t0).count());
        if (!saved || !*saved)
            throw std::runtime_error("save failed");
    }
    return {of(intent_us), of(save_us)};
}

struct buy_run {
    double buys_per_s = 0;
    percentiles latency_ms;
    int failed = 0;
};

/// `total` Skinify withdraw_buy calls, `inflight` at a time, on one io_context
/// thread, against a fresh sandbox, through a client with `journal` (or none).
inline buy_run buys(int total, int inflight, std::shared_ptr<cm::journal> journal)
{
    sb::options so;
    so.default_rate_limits = false;
    so.step_ms = 60'000; // orders stay put: the sandbox's clock does no work during the run
    sb::server s(so);
    const std::string key = "skinifybench";
    s.fund(cm::skinify::id, key, cm::decimal::from_string("1000000"));
    cm::client_options o;
    o.credential = key;
    o.base_url = s.base_url();
    o.ca_file = s.ca_file();
    o.rate_limiting = false;
    o.max_connections = static_cast<std::size_t>(inflight);
    std::vector<std::string> ids;
    {
        cm::skinify::client c(o);
        cm::skinify::withdraw_prices_params pp;
        pp.game = cm::skinify::Game::csgo;
        pp.full_list = 1;
        for (auto& e : c.withdraw_prices(pp).value().skins)
            if (e.id)
                ids.push_back(*e.id);
    }
    const int warm = inflight * 2;
    if (static_cast<int>(ids.size()) < total + warm)
        throw std::runtime_error("the sandbox has " + std::to_string(ids.size()) + " listings; ask for fewer buys");
    o.journal = std::move(journal);
    net::io_context ioc;
    cm::skinify::client c(ioc.get_executor(), o);
    int started = 0, limit = 0, failed = 0;
    std::size_t next_id = 0;
    std::vector<double> lat;
    std::function<void()> next = [&] {
        if (started >= limit)
            return;
        ++started;
        cm::skinify::withdraw_buy_params b;
        b.body.partner = "447383001";
        b.body.token = "Ab3xZ9Qp";
        b.body.id = ids[next_id];
        b.body.custom_id = "bench-" + std::to_string(next_id++);
        const auto t0 = clk::now();
        c.async_call<cm::skinify::ops::withdraw_buy>(std::move(b), [&, t0](cm::result<cm::skinify::WithdrawBuyResponse> r) {
            lat.push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
            if (!r) {
                ++failed;
                std::cerr << "buy failed: " << r.error().message() << "\n";
            }
            next();
        });
    };
    auto pass = [&](int n) {
        started = 0;
        limit = n;
        lat.clear();
        for (int i = 0; i < inflight && i < n; ++i)
            next();
        ioc.run();
        ioc.restart();
    };
    pass(warm); // opens the connections
    failed = 0;
    const auto t0 = clk::now();
    pass(total);
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    // Every call was a purchase in the sandbox's own records.
    const auto made = s.purchases(cm::skinify::id).size();
    if (made != static_cast<std::size_t>(warm + total))
        throw std::runtime_error("the sandbox made " + std::to_string(made) + " purchases, not " + std::to_string(warm + total));
    return {total / secs, of(lat), failed};
}

} // namespace cs2market::bench
