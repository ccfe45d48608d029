// cs2market-trader: the README's main demo. On each of CS2DT, CSBoard and
// Skinify it reads the balance, finds an item under a price, buys it with a
// price ceiling and an idempotency key, follows the order to a final state
// (polling; CS2DT also by signed callback, Skinify also by WebSocket) and
// prints one table.
//
//   cs2market-trader                          # starts the sandbox in-process
//   cs2market-trader --base-url https://127.0.0.1:8443 --ca-file sandbox-ca.pem
//   cs2market-trader --max-price 5
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/skinify/realtime.hpp>
#include <cs2market/testing/https_server.hpp>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using cs2market::decimal;
using clock_type = std::chrono::steady_clock;

struct row {
    std::string provider, item, price, order_id;
    std::vector<std::string> statuses;
    std::string final_state;
    std::string note;
};

void add_status(std::vector<std::string>& v, const std::string& s)
{
    if (v.empty() || v.back() != s)
        v.push_back(s);
}

std::string join(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : " > ") + s;
    return out;
}

std::string unique_suffix()
{
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

constexpr auto poll_interval = std::chrono::milliseconds(60);
constexpr auto poll_limit = std::chrono::seconds(30);

// ------------------------------------------------------------------ CS2DT
struct callback_sink {
    std::mutex mu;
    std::vector<std::string> statuses; // "10", "200", ... in arrival order, signature verified
};

row trade_cs2dt(const cs2market::client_options& base, decimal max_price, callback_sink* sink)
{
    namespace d = cs2market::cs2dt;
    row r{"cs2dt"};
    auto opts = base;
    opts.credential = "trader-cs2dt-appkey";
    d::client c(opts);
    auto bal = c.user_balance().value();
    (void)bal;
    d::market_search_params sp;
    sp.appId = 730;
    sp.maxPrice = max_price;
    sp.orderBy = d::MarketSearchOrderBy::price_asc;
    sp.limit = 10;
    auto page = c.market_search(sp).value();
    if (!page.list || page.list->empty())
        throw std::runtime_error("cs2dt: nothing under the price");
    const auto& item = page.list->front();
    d::sell_list_params lp;
    lp.itemId = *item.itemId;
    lp.sort = d::SellListSort::price_asc;
    auto listings = c.sell_list(lp).value();
    const auto& product = listings.list->front();
    r.item = *item.marketHashName;
    r.price = product.price->to_string();

    d::buy_item_params bp;
    bp.body.productId = product.id;
    bp.body.outTradeNo = "trader-" + unique_suffix();
    bp.body.tradeUrl = "https://steamcommunity.com/tradeoffer/new/?partner=447383001&token=Ab3xZ9Qp";
    bp.body.maxPrice = max_price;
    auto bought = c.buy_item(bp).value();
    r.order_id = *bought.orderId;

    d::buyer_order_detail_params dp;
    dp.orderId = std::stoll(r.order_id);
    const auto deadline = clock_type::now() + poll_limit;
    for (;;) {
        auto det = c.buyer_order_detail(dp).value();
        const auto st = det.status->raw();
        add_status(r.statuses, std::to_string(st) + " " + det.status->to_string());
        if (st == 200 || st == 11 || st == 220 || st == 221) {
            r.final_state = det.status->to_string();
            if (det.failedCode)
                r.final_state += " (" + det.failedCode->to_string() + ")";
            break;
        }
        if (clock_type::now() > deadline)
            throw std::runtime_error("cs2dt: order did not finish in time");
        std::this_thread::sleep_for(poll_interval);
    }
    if (sink) { // the signed callbacks arrive independently of the polling; wait for the last one briefly
        const auto until = clock_type::now() + std::chrono::seconds(5);
        std::string cbs;
        for (;;) {
            {
                std::lock_guard lk(sink->mu);
                if (!sink->statuses.empty() &&
                    (sink->statuses.back() == "200" || sink->statuses.back() == "11" || sink->statuses.back() == "220" ||
                     sink->statuses.back() == "221")) {
                    for (auto& s : sink->statuses)
                        cbs += (cbs.empty() ? "" : ",") + s;
                    break;
                }
            }
            if (clock_type::now() > until)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        r.note = cbs.empty() ? "no callback" : "callbacks " + cbs;
    }
    return r;
}

// ---------------------------------------------------------------- CSBoard
row trade_csboard(const cs2market::client_options& base, decimal max_price)
{
    namespace d = cs2market::csboard;
    row r{"csboard"};
    auto opts = base;
    opts.credential = "csb_pub_trader_demo";
    d::client c(opts);
    auto bal = c.get_balance().value();
    (void)bal;
    d::list_listings_params lp;
    lp.max_price = max_price;
    lp.sort = d::ListingSort::price_asc;
    lp.limit = 50;
    auto page = c.list_listings(lp).value();
    const d::Listing* pick = nullptr;
    for (const auto& l : page.items)
        if (l.tradable.value_or(true)) {
            pick = &l;
            break;
        }
    if (!pick)
        throw std::runtime_error("csboard: nothing tradable under the price");
    r.item = pick->market_hash_name;
    r.price = pick->price_usd.to_string();

    d::create_order_params op;
    op.Idempotency_Key = "trader-" + unique_suffix();
    op.body.item_ids = {pick->id};
    op.body.max_price_usd = max_price;
    auto created = c.create_order(op).value();
    r.order_id = created.order_id;
    add_status(r.statuses, created.status.to_string());

    d::get_order_params gp;
    gp.id = r.order_id;
    const auto deadline = clock_type::now() + poll_limit;
    for (;;) {
        auto res = c.get_order(gp);
        if (!res && res.error().kind == cs2market::error_kind::rate_limited) {
            std::this_thread::sleep_for(std::chrono::seconds(res.error().retry_after.value_or(std::chrono::seconds(1))));
            continue;
        }
        auto o = res.value();
        add_status(r.statuses, o.status.to_string());
        if (o.status == d::OrderStatus::completed || o.status == d::OrderStatus::cancelled || o.status == d::OrderStatus::failed) {
            r.final_state = o.status.to_string();
            break;
        }
        if (clock_type::now() > deadline)
            throw std::runtime_error("csboard: order did not finish in time");
        std::this_thread::sleep_for(poll_interval * 2); // 30 GETs per (accelerated) minute
    }
    return r;
}

// ---------------------------------------------------------------- Skinify
/// "wss://host:port" of the WebSocket feeds, from CS2DT's get_wss_address (the
/// sandbox serves both providers' feeds there).
std::string websocket_base(const cs2market::client_options& base)
{
    auto opts = base;
    opts.credential = "trader-cs2dt-appkey";
    cs2market::cs2dt::client c(opts);
    std::string url = c.get_wss_address().value().value_or("");
    auto host_end = url.find('/', url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
    return url.substr(0, host_end);
}

row trade_skinify(const cs2market::client_options& base, decimal max_price)
{
    namespace d = cs2market::skinify;
    row r{"skinify"};
    auto opts = base;
    opts.credential = "skinify-trader-token";
    d::client c(opts);

    auto bal = c.project_balance().value();
    (void)bal;

    // Follow purchases on the real-time socket too (its own thread and io_context).
    std::mutex ws_mu;
    std::vector<std::string> ws_statuses;
    std::string ws_failure;
    d::realtime_options ro;
    ro.base_url = websocket_base(base);
    ro.ca_file = base.ca_file;
    ro.reconnect.initial = std::chrono::milliseconds(100);
    d::realtime_feed feed(
        1, opts.credential,
        [&](const d::realtime_event& ev) {
            std::lock_guard lk(ws_mu);
            if (auto* p = std::get_if<d::SkinPurchaseEvent>(&ev))
                add_status(ws_statuses, p->purchase_status.to_string());
            else if (auto* ch = std::get_if<d::SkinPurchaseStatusChangeEvent>(&ev))
                add_status(ws_statuses, ch->purchase_status.to_string());
        },
        ro,
        [&](const cs2market::websocket_status& st) {
            if (st.state == cs2market::websocket_state::stopped && st.reason) {
                std::lock_guard lk(ws_mu);
                ws_failure = st.reason->message();
            }
        });
    std::thread ws_thread([&] { feed.run(); });
    struct joiner {
        d::realtime_feed& f;
        std::thread& t;
        ~joiner()
        {
            f.stop();
            if (t.joinable())
                t.join();
        }
    } join_ws{feed, ws_thread};
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // let the socket authorize before buying
    d::withdraw_prices_params pp;
    pp.game = d::Game::csgo;
    pp.full_list = 1;
    auto prices = c.withdraw_prices(pp).value();
    const d::SkinPriceEntry* pick = nullptr;
    for (const auto& s : prices.skins)
        if (s.price <= max_price && !s.properties.unhold_at && (!pick || s.price < pick->price))
            pick = &s;
    if (!pick)
        throw std::runtime_error("skinify: nothing under the price");
    r.item = pick->name;
    r.price = pick->price.to_string();

    d::withdraw_buy_params bp;
    bp.body.partner = "447383001";
    bp.body.token = "Ab3xZ9Qp";
    bp.body.id = pick->id;
    bp.body.max_price = max_price;
    bp.body.custom_id = "trader-" + unique_suffix();
    auto bought = c.withdraw_buy(bp).value();
    r.order_id = bought.purchase_id;
    add_status(r.statuses, bought.purchase_status.to_string());

    d::withdraw_info_params ip;
    ip.purchase_ids = std::vector<std::string>{r.order_id};
    const auto deadline = clock_type::now() + poll_limit;
    for (;;) {
        auto info = c.withdraw_info(ip).value();
        if (info.items.empty())
            throw std::runtime_error("skinify: purchase not found");
        const auto& it = info.items.front();
        add_status(r.statuses, it.purchase_status.to_string());
        const auto st = it.purchase_status.known();
        using S = d::PurchaseStatus;
        bool settled = st == S::accepted && it.settlement &&
                       it.settlement->seconds() <= std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        bool failed = st && *st != S::processing && *st != S::waiting_accept && *st != S::accepted && *st != S::reserved;
        if (settled || failed) {
            r.final_state = it.purchase_status.to_string() + (settled ? " (settled)" : "");
            break;
        }
        if (clock_type::now() > deadline)
            throw std::runtime_error("skinify: purchase did not finish in time");
        std::this_thread::sleep_for(poll_interval);
    }
    std::this_thread::sleep_for(poll_interval); // the last push may trail the poll
    std::lock_guard lk(ws_mu);
    r.note = ws_statuses.empty() ? "websocket: no events" + (ws_failure.empty() ? "" : " (" + ws_failure + ")")
                                 : "websocket " + join(ws_statuses);
    return r;
}

void print_table(const std::vector<row>& rows)
{
    const char* head[] = {"provider", "item", "price", "order id", "statuses passed through", "final state"};
    std::size_t w[6] = {8, 4, 5, 8, 23, 11};
    auto cells = [](const row& r) {
        return std::vector<std::string>{r.provider, r.item, r.price, r.order_id, join(r.statuses), r.final_state};
    };
    for (const auto& r : rows) {
        auto c = cells(r);
        for (int i = 0; i < 6; ++i)
            w[i] = std::max(w[i], c[i].size());
    }
    auto line = [&](const std::vector<std::string>& c) {
        std::cout << "|";
        for (int i = 0; i < 6; ++i)
            std::cout << " " << std::left << std::setw(static_cast<int>(w[i])) << c[i] << " |";
        std::cout << "\n";
    };
    line({head[0], head[1], head[2], head[3], head[4], head[5]});
    std::cout << "|";
    for (int i = 0; i < 6; ++i)
        std::cout << std::string(w[i] + 2, '-') << "|";
    std::cout << "\n";
    for (const auto& r : rows)
        line(cells(r));
    for (const auto& r : rows)
        if (!r.note.empty())
            std::cout << r.provider << ": " << r.note << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    std::string base_url, ca_file;
    decimal max_price = decimal::from_units(500, 2); // 5.00 USD
    long callback_port = 0;
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
        else {
            std::cerr << "usage: cs2market-trader [--base-url URL --ca-file PEM [--callback-port P]] [--max-price USD]\n"
                         "  without --base-url it starts the sandbox in-process;\n"
                         "  --callback-port: receive CS2DT callbacks on https://127.0.0.1:P/cs2dt/callback\n"
                         "  (start cs2market-sandbox with that --callback-url)\n";
            return 2;
        }
    }
    if (callback_port < 0 || callback_port > 65535) {
        std::cerr << "cs2market-trader: --callback-port must be 0..65535\n";
        return 2;
    }
    try {
        // Callback receiver for CS2DT pushes (verifies the documented signature).
        callback_sink sink;
        const std::string app_secret = "sandbox-app-secret";
        std::unique_ptr<cs2market::testing::https_server> receiver;
        std::unique_ptr<cs2market::sandbox::server> sandbox;
        const bool embedded = base_url.empty();
        if (embedded || callback_port != 0) {
            receiver = std::make_unique<cs2market::testing::https_server>(
                [&](const cs2market::testing::recorded_request& req) {
                    cs2market::testing::canned_response res;
                    auto cb = cs2market::cs2dt::verify_callback({req.header("Content-Type"), req.body}, app_secret);
                    if (!cb) {
                        res.status = 400;
                        res.body = "bad signature";
                        return res;
                    }
                    {
                        std::lock_guard lk(sink.mu);
                        sink.statuses.push_back(std::to_string(cb->status ? cb->status->raw() : -1));
                    }
                    res.headers.emplace_back("Content-Type", "text/plain");
                    res.body = std::string(cs2market::cs2dt::callback_reply);
                    return res;
                },
                cs2market::testing::make_tls_identity(), static_cast<unsigned short>(callback_port));
        }
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

        std::vector<row> rows;
        rows.push_back(trade_cs2dt(base, max_price, receiver ? &sink : nullptr));
        rows.push_back(trade_csboard(base, max_price));
        rows.push_back(trade_skinify(base, max_price));
        print_table(rows);
        if (sandbox)
            sandbox->stop();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "cs2market-trader: " << e.what() << "\n";
        return 1;
    }
}
