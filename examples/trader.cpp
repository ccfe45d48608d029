// cs2market-trader: the README's main demo. On each of CS2DT, CSBoard and
// Skinify it reads the balance, finds an item under a price and buys it through
// a journaled client (recorded on disk before the request leaves), then follows
// all three orders to their end with one order_tracker and one handler: polls,
// CS2DT's signed callbacks and Skinify's WebSocket merged into one stream per
// order. It prints one table and where the money is.
//
//   cs2market-trader                          # starts the sandbox in-process
//   cs2market-trader --base-url https://127.0.0.1:8443 --ca-file sandbox-ca.pem
//   cs2market-trader --max-price 5 --journal orders.db
#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/cs2dt/tracking.hpp>
#include <cs2market/csboard/tracking.hpp>
#include <cs2market/orders/exposure.hpp>
#include <cs2market/orders/order_tracker.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify/tracking.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#include <cs2market/testing/https_server.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using cs2market::decimal;
namespace cs2dt = cs2market::cs2dt;
namespace csboard = cs2market::csboard;
namespace skinify = cs2market::skinify;

/// What the table shows of one buy.
struct bought {
    cs2market::provider_id provider;
    std::string id, item, price;
};

std::string unique_suffix()
{
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

cs2market::client_options journaled(cs2market::client_options o, std::string key, std::shared_ptr<cs2market::journal> j)
{
    o.credential = std::move(key);
    o.journal = std::move(j);
    return o;
}

bought buy_cs2dt(const cs2market::client_options& opts, decimal max_price)
{
    cs2dt::client c(opts);
    c.user_balance().value();
    cs2dt::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = max_price;
    sp.orderBy = cs2dt::MarketSearchOrderBy::price_asc;
    sp.limit = 10;
    auto page = c.market_search(sp).value();
    if (!page.list || page.list->empty())
        throw std::runtime_error("cs2dt: nothing under the price");
    const auto& item = page.list->front();
    cs2dt::sell_list_params lp;
    lp.itemId = *item.itemId;
    lp.sort = cs2dt::SellListSort::price_asc;
    const auto product = c.sell_list(lp).value().list.value().front();
    cs2dt::buy_item_params bp;
    bp.body.productId = product.id;
    bp.body.outTradeNo = "trader-" + unique_suffix();
    bp.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    bp.body.maxPrice = max_price;
    c.buy_item(bp).value(); // journaled first, then sent
    return {cs2dt::id, *bp.body.outTradeNo, *item.marketHashName, product.price->to_string()};
}

bought buy_csboard(const cs2market::client_options& opts, decimal max_price)
{
    csboard::client c(opts);
    c.get_balance().value();
    csboard::list_listings_params lp;
    lp.max_price = max_price;
    lp.sort = csboard::ListingSort::price_asc;
    lp.limit = 50;
    const auto page = c.list_listings(lp).value();
    const csboard::Listing* pick = nullptr;
    for (const auto& l : page.items)
        if (l.tradable.value_or(true) && l.delivery != csboard::DeliveryMode::hold) {
            pick = &l;
            break;
        }
    if (!pick)
        throw std::runtime_error("csboard: nothing tradable under the price");
    csboard::market_buy_params bp;
    bp.body.item_ids = {pick->id};
    bp.body.partner = "447383001";
    bp.body.token = "Ab3xZ9Qp";
    bp.body.max_price_usd = max_price;
    bp.body.custom_id = "trader-" + unique_suffix();
    c.market_buy(bp).value();
    return {csboard::id, *bp.body.custom_id, pick->market_hash_name, pick->price_usd.to_string()};
}

bought buy_skinify(const cs2market::client_options& opts, decimal max_price)
{
    skinify::client c(opts);
    c.project_balance().value();
    skinify::withdraw_prices_params pp;
    pp.game = skinify::Game::csgo;
    pp.full_list = 1;
    const auto prices = c.withdraw_prices(pp).value();
    const skinify::SkinPriceEntry* pick = nullptr;
    for (const auto& s : prices.skins)
        if (s.price <= max_price && !s.properties.unhold_at && (!pick || s.price < pick->price))
            pick = &s;
    if (!pick)
        throw std::runtime_error("skinify: nothing under the price");
    skinify::withdraw_buy_params bp;
    bp.body.partner = "447383001";
    bp.body.token = "Ab3xZ9Qp";
    bp.body.id = pick->id;
    bp.body.max_price = max_price;
    bp.body.custom_id = "trader-" + unique_suffix();
    c.withdraw_buy(bp).value();
    return {skinify::id, *bp.body.custom_id, pick->name, pick->price.to_string()};
}

/// "wss://host:port" of the WebSocket feeds, from CS2DT's get_wss_address (the
/// sandbox serves both providers' feeds there).
std::string websocket_base(const cs2market::client_options& opts)
{
    cs2dt::client c(opts);
    std::string url = c.get_wss_address().value().value_or("");
    auto host_end = url.find('/', url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
    return url.substr(0, host_end);
}

/// A source that passes everything through and remembers what its pushes said
/// (the Skinify feed's statuses), for the note under the table.
class recording_source final : public cs2market::order_source {
public:
    recording_source(std::shared_ptr<cs2market::order_source> inner, std::mutex& m, std::vector<std::string>& pushed)
        : inner_(std::move(inner)), m_(m), pushed_(pushed)
    {
    }
    cs2market::provider_id provider() const override { return inner_->provider(); }
    std::size_t max_batch() const override { return inner_->max_batch(); }
    void async_lookup(std::vector<cs2market::order> orders, lookup_handler done) override
    {
        inner_->async_lookup(std::move(orders), std::move(done));
    }
    void async_cancel(const cs2market::order& o, action_handler done) override { inner_->async_cancel(o, std::move(done)); }
    void async_release(const cs2market::order& o, action_handler done) override { inner_->async_release(o, std::move(done)); }
    void start(deliver_fn deliver, std::function<void()> resync) override
    {
        inner_->start(
            [this, deliver = std::move(deliver)](cs2market::order_observation obs) {
                {
                    std::lock_guard lk(m_);
                    if (pushed_.empty() || pushed_.back() != obs.provider_status)
                        pushed_.push_back(obs.provider_status);
                }
                deliver(std::move(obs));
            },
            std::move(resync));
    }
    void stop() override { inner_->stop(); }

private:
    std::shared_ptr<cs2market::order_source> inner_;
    std::mutex& m_;
    std::vector<std::string>& pushed_;
};

std::string final_state(const cs2market::order& o)
{
    std::string s(to_string(o.phase));
    if (o.reversed_by)
        s += " by " + std::string(to_string(*o.reversed_by));
    if (o.failed_by)
        s += " (" + std::string(to_string(*o.failed_by)) + ")";
    if (!o.provider_status.empty())
        s += " [" + o.provider_status + "]";
    return s;
}

/// A table cell: Markdown's column separator escaped, so that names such as
/// "P250 | Sand Dune (Battle-Scarred)" keep the row together.
std::string cell(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += '\\';
        out += c;
    }
    return out;
}

/// The order id shown is the one the provider's order API uses (for CSBoard the
/// order id, not market_buy's purchase id: the tracker's first poll gives it).
void print_table(const std::vector<bought>& rows, const std::vector<cs2market::order>& orders)
{
    const char* head[] = {"provider", "item", "price", "order id", "phases passed through", "final state"};
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : rows) {
        const cs2market::order* o = nullptr;
        for (const auto& x : orders)
            if (x.provider == r.provider && x.id == r.id)
                o = &x;
        std::string phases = "submitted";
        if (o)
            for (const auto& c : o->history)
                phases += " > " + std::string(to_string(c.to));
        const std::string order_id = o && !o->order_id.empty() ? o->order_id : "-";
        cells.push_back({std::string(r.provider.name()), cell(r.item), r.price, cell(order_id), phases,
                         o ? cell(final_state(*o)) : "not journaled"});
    }
    std::size_t w[6] = {8, 4, 5, 8, 21, 11};
    for (const auto& c : cells)
        for (int i = 0; i < 6; ++i)
            w[i] = std::max(w[i], c[static_cast<std::size_t>(i)].size());
    auto line = [&](const std::vector<std::string>& c) {
        std::cout << "|";
        for (int i = 0; i < 6; ++i)
            std::cout << " " << std::left << std::setw(static_cast<int>(w[i])) << c[static_cast<std::size_t>(i)] << " |";
        std::cout << "\n";
    };
    line({head[0], head[1], head[2], head[3], head[4], head[5]});
    std::cout << "|";
    for (int i = 0; i < 6; ++i)
        std::cout << std::string(w[i] + 2, '-') << "|";
    std::cout << "\n";
    for (const auto& c : cells)
        line(c);
}

} // namespace

int main(int argc, char** argv)
{
    std::string base_url, ca_file, journal_path;
    decimal max_price = decimal::from_units(500, 2); // 5.00 USD
    long callback_port = 0;
    long long protection_ms = -1; // Steam's 7 days unless said (the sandbox's clock is accelerated)
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--base-url" && i + 1 < argc)
            base_url = argv[++i];
        else if (a == "--ca-file" && i + 1 < argc)
            ca_file = argv[++i];
        else if (a == "--max-price" && i + 1 < argc)
            max_price = decimal::from_string(argv[++i]);
        else if (a == "--callback-port" && i + 1 < argc)
            callback_port = std::strtol(argv[++i], nullptr, 10);
        else if (a == "--journal" && i + 1 < argc)
            journal_path = argv[++i];
        else if (a == "--trade-protection-ms" && i + 1 < argc)
            protection_ms = std::strtoll(argv[++i], nullptr, 10);
        else {
            std::cerr << "usage: cs2market-trader [--base-url URL --ca-file PEM [--callback-port P]] [--max-price USD] [--journal PATH]\n"
                         "                        [--trade-protection-ms MS]\n"
                         "  without --base-url it starts the sandbox in-process;\n"
                         "  --trade-protection-ms: Steam's trade protection as the tracker counts it where a market does not\n"
                         "  say when an order settles (default 7 days; 0 against the sandbox, whose own clock is accelerated);\n"
                         "  --callback-port: receive CS2DT callbacks on https://127.0.0.1:P/cs2dt/callback\n"
                         "  (start cs2market-sandbox with that --callback-url);\n"
                         "  --journal: the SQLite journal of the orders (default: a fresh temporary file)\n";
            return 2;
        }
    }
    if (callback_port < 0 || callback_port > 65535) {
        std::cerr << "cs2market-trader: --callback-port must be 0..65535\n";
        return 2;
    }
    try {
        if (journal_path.empty())
            journal_path = (std::filesystem::temp_directory_path() / ("cs2market-trader-" + unique_suffix() + ".db")).string();
        auto store = std::shared_ptr<cs2market::journal>(cs2market::sqlite_journal::open(journal_path).value());

        boost::asio::io_context ioc; // the tracker, its clients and the Skinify feed run here
        std::mutex seen_m;
        std::vector<std::string> callbacks, feed; // what came by push (statuses), for the notes below
        cs2market::tracker_options topts;
        topts.moving_poll = std::chrono::milliseconds(400);
        topts.waiting_poll = std::chrono::milliseconds(400);
        if (protection_ms >= 0 || base_url.empty()) { // the sandbox's settlement times decide
            topts.trade_protection = std::chrono::milliseconds(std::max(0LL, protection_ms));
            topts.settle_margin = std::chrono::milliseconds(100);
        }
        cs2market::order_tracker tracker(
            ioc.get_executor(), store,
            [&](const cs2market::order& o, const cs2market::phase_change& c) { // the one handler
                std::cout << "  " << o.provider.name() << " " << o.id << ": " << to_string(c.from) << " > " << to_string(c.to)
                          << " (" << to_string(c.source) << ")" << std::endl;
            },
            topts, [](const cs2market::order*, const std::string& what) { std::cerr << "  note: " << what << "\n"; });

        // CS2DT pushes signed callbacks: verified, then handed to the tracker.
        const std::string app_secret = "sandbox-app-secret";
        std::unique_ptr<cs2market::testing::https_server> receiver;
        std::unique_ptr<cs2market::sandbox::server> sandbox;
        const bool embedded = base_url.empty();
        if (embedded || callback_port != 0)
            receiver = std::make_unique<cs2market::testing::https_server>(
                [&](const cs2market::testing::recorded_request& req) {
                    cs2market::testing::canned_response res;
                    auto cb = cs2dt::verify_callback({req.header("Content-Type"), req.body}, app_secret);
                    if (!cb) {
                        res.status = 400;
                        res.body = "bad signature";
                        return res;
                    }
                    {
                        std::lock_guard lk(seen_m);
                        callbacks.push_back(std::to_string(cb->status ? cb->status->raw() : -1));
                    }
                    tracker.observe(cs2dt::order_observation_of(*cb));
                    res.headers.emplace_back("Content-Type", "text/plain");
                    res.body = std::string(cs2dt::callback_reply);
                    return res;
                },
                cs2market::testing::make_tls_identity(), static_cast<unsigned short>(callback_port));
        if (embedded) {
            cs2market::sandbox::options so;
            so.cs2dt_app_secret = app_secret;
            so.cs2dt_callback_url = receiver->base_url() + "/cs2dt/callback";
            sandbox = std::make_unique<cs2market::sandbox::server>(so);
            base_url = sandbox->base_url();
            ca_file = sandbox->ca_file();
            std::cout << "sandbox listening on " << base_url << "\n";
        }
        cs2market::client_options base;
        base.base_url = base_url;
        base.ca_file = ca_file;
        const auto dt_opts = journaled(base, "trader-cs2dt-appkey", store);
        const auto board_opts = journaled(base, "csb_pub_trader_demo", store);
        const auto sk_opts = journaled(base, "skinify-trader-token", store);

        // The tracker's side: one client and one source per provider, on ioc.
        cs2market::basic_client<cs2dt::provider> dt(ioc.get_executor(), dt_opts);
        cs2market::basic_client<csboard::provider> board(ioc.get_executor(), board_opts);
        cs2market::basic_client<skinify::provider> sk(ioc.get_executor(), sk_opts);
        skinify::realtime_options ro;
        ro.base_url = websocket_base(dt_opts);
        ro.ca_file = ca_file;
        ro.reconnect.initial = std::chrono::milliseconds(100);
        tracker.add_source(std::make_shared<cs2dt::order_source>(dt));
        tracker.add_source(std::make_shared<csboard::order_source>(board));
        skinify::client(sk_opts).project_balance().value(); // the account exists before its feed authorizes
        tracker.add_source(std::make_shared<recording_source>(
            std::make_shared<skinify::order_source>(sk, ioc, 1, sk_opts.credential, ro), seen_m, feed));
        ioc.run_for(std::chrono::milliseconds(200)); // let the feed authorize before buying

        // The buys: journaled, then sent (blocking clients of their own).
        std::cout << "journal " << journal_path << "\n";
        std::vector<bought> rows{buy_cs2dt(dt_opts, max_price), buy_csboard(board_opts, max_price),
                                 buy_skinify(sk_opts, max_price)};
        for (const auto& r : rows)
            tracker.follow(r.provider, r.id);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!tracker.all_final() && std::chrono::steady_clock::now() < deadline)
            ioc.run_for(std::chrono::milliseconds(50));
        const bool done = tracker.all_final();
        tracker.stop();
        ioc.run_for(std::chrono::milliseconds(100));

        print_table(rows, tracker.orders());
        {
            std::lock_guard lk(seen_m);
            std::string cbs, ws;
            for (const auto& s : callbacks)
                cbs += (cbs.empty() ? "" : ",") + s;
            for (const auto& s : feed)
                ws += (ws.empty() ? "" : " > ") + s;
            if (receiver)
                std::cout << "cs2dt: " << (cbs.empty() ? "no callback" : "callbacks " + cbs) << "\n";
            std::cout << "skinify: " << (ws.empty() ? "websocket: nothing came by push" : "websocket " + ws) << "\n";
        }
        std::cout << "exposure:\n";
        const auto all = store->load(false).value();
        for (const auto& e : cs2market::exposure_of(all, std::array{cs2dt::id, csboard::id, skinify::id}))
            std::cout << "  " << e << "\n";
        if (sandbox)
            sandbox->stop();
        if (!done) {
            std::cerr << "cs2market-trader: not every order reached a final phase in time\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "cs2market-trader: " << e.what() << "\n";
        return 1;
    }
}
