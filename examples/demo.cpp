// cs2market demo: the three providers' clients against a local HTTPS server that
// answers with the providers' documented example responses. Nothing leaves this
// machine and no real key is needed.
//
//   cs2market-demo [--cli PATH-TO-cs2market]
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/testing/https_server.hpp>

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>

namespace {

using cs2market::testing::canned_response;
using cs2market::testing::recorded_request;

// The documented examples (CS2DT with realistic values instead of the page's zeros).
constexpr std::string_view cs2dt_detail = R"j({"success":true,"data":{"orderId":"753955645187293184","productId":"1046108517917470720",
 "price":123.12,"buyerFee":0,"statusName":"settled","status":200,"deliverType":2,"receiveSteamId":"76561199548064835",
 "openItemInfo":{"itemId":"553370749","appId":730,"name":"AK-47 | Redline","marketHashName":"AK-47 | Redline (Field-Tested)","imageUrl":""},
 "assetInfo":{"assetId":31247084400,"classId":4859151687,"instanceId":188530139,"wear":0.2345678912345,"paintSeed":661},
 "offerInfoDTO":{"transferId":1,"tradeOfferId":6512345678},"failedDesc":"","createTime":1729393984},
 "errorCode":0,"errorMsg":null,"errorData":null})j";

constexpr std::string_view csboard_order = R"j({"order_id":"ord_01J9Z3K8Q2","steam_id":"76561198000000000","status":"completed",
 "custom_id":"batch-2026-06-29-01","currency":"USD","charged_total_usd":26.47,"item_count":2,"hold_until":null,
 "created_at":"2026-06-29T17:12:04Z","updated_at":"2026-06-29T17:15:40Z","items":[{"market_hash_name":"AK-47 | Redline (Minimal Wear)",
 "price_usd":14.37,"status":"delivered","tradable_at":"2026-07-06T12:00:00Z","return_reason":null,"steam_trade_offer_id":"5512345678",
 "steam_trade_offer_finished_at":"2026-06-29T17:15:40Z"}]})j";

constexpr std::string_view csboard_buy = R"j({"data":{"purchase_id":"pur_01J9Z3K8Q2","steam_id":"76561198000000000",
 "created_at":"2026-06-29T17:12:04Z","custom_id":"batch-2026-06-29-01","skins":[{"name":"AK-47 | Redline (Minimal Wear)",
 "price":14.37,"status":"delivering","return_reason":null,"steam_trade_offer_id":"5512345678"}]}})j";

constexpr std::string_view skinify_info = R"j({"status":"success","items":[{"skin":{"id":"11552","name":"Crimson Pique","price":"0.3",
 "properties":{"classid":"1723113626"}},"purchase_id":"1","purchase_status":"waiting_accept","steam_id":"76561199191754048",
 "date":"1643713700","balance_debited_amount":"0.3","trade_offer_id":"123123123","custom_id":"1234"}]})j";

canned_response route(const recorded_request& rq)
{
    std::string path = rq.target.substr(0, rq.target.find('?'));
    canned_response r;
    if (path == "/v1/order/v2/buy/detail")
        r.body = cs2dt_detail;
    else if (path.rfind("/v1/orders/", 0) == 0)
        r.body = csboard_order;
    else if (path == "/v1/market/buy" && rq.method == "POST")
        r.body = csboard_buy;
    else if (path == "/api/withdraw/info")
        r.body = skinify_info;
    else {
        r.status = 404;
        r.body = R"j({"code":"not_found"})j";
    }
    return r;
}

void row(std::string_view provider, std::string_view op, std::string_view item, std::string price, std::string id, std::string state)
{
    std::cout << std::left << std::setw(9) << provider << std::setw(20) << op << std::setw(34) << item << std::setw(9) << price
              << std::setw(22) << id << state << "\n";
}

} // namespace

int main(int argc, char** argv)
{
    cs2market::testing::https_server server(route);
    std::cout << "local HTTPS server: " << server.base_url() << " (CA " << server.ca_file() << ")\n\n";

    cs2market::client_options o;
    o.base_url = server.base_url();
    o.ca_file = server.ca_file();
    int failures = 0;
    auto fail = [&](const cs2market::error& e) {
        std::cout << "  error: " << e.message() << "\n";
        ++failures;
    };

    row("provider", "operation", "item", "price", "order id", "status");
    row("--------", "---------", "----", "-----", "--------", "------");

    o.credential = "demo-app-key";
    cs2market::cs2dt::client cs2dt(o);
    if (auto r = cs2dt.buyer_order_detail({.outTradeNo = "my-order-1"}))
        row("cs2dt", "buyer_order_detail", r->openItemInfo->marketHashName.value_or("?"), r->price->to_string(),
            r->orderId.value_or("?"), r->status->to_string() + " (" + std::to_string(r->status->raw()) + ")");
    else
        fail(r.error());

    o.credential = "csb_pub_demo";
    cs2market::csboard::client csboard(o);
    cs2market::csboard::market_buy_params buy;
    buy.body.item_ids = {"itm_8841201"};
    buy.body.partner = "447383001";
    buy.body.token = "Ab3xZ9Qp";
    buy.body.max_price_usd = cs2market::decimal::from_string("30");
    buy.body.custom_id = "batch-2026-06-29-01";
    if (auto r = csboard.market_buy(buy))
        row("csboard", "market_buy", r->data.skins->at(0).name.value_or("?"), r->data.skins->at(0).price->to_string(),
            r->data.purchase_id.value_or("?"), r->data.skins->at(0).status->to_string());
    else
        fail(r.error());
    if (auto r = csboard.get_order({.id = "ord_01J9Z3K8Q2"}))
        row("csboard", "get_order", r->items.at(0).market_hash_name.value_or("?"), r->charged_total_usd.to_string(), r->order_id,
            r->status.to_string());
    else
        fail(r.error());

    o.credential = "demo-skinify-token";
    cs2market::skinify::client skinify(o);
    if (auto r = skinify.withdraw_info({.custom_ids = std::vector<std::string>{"1234"}}))
        for (const auto& it : r->items)
            row("skinify", "withdraw_info", it.skin.name.value_or("?"), it.balance_debited_amount.to_string(), it.purchase_id,
                it.purchase_status.to_string());
    else
        fail(r.error());

    std::cout << "\nrequests the server saw:\n";
    for (const auto& rq : server.requests()) {
        std::string t = rq.target;
        for (std::string_view secret : {"demo-app-key", "demo-skinify-token"}) // keys never go to logs
            for (auto p = t.find(secret); p != std::string::npos; p = t.find(secret))
                t.replace(p, secret.size(), "<redacted>");
        std::cout << "  " << rq.method << " " << t << "\n";
    }

    if (argc == 3 && std::string_view(argv[1]) == "--cli") {
        // The same server through the generic command-line tool.
        std::string cmd = std::string(argv[2]) + " call csboard get_order id=ord_01J9Z3K8Q2 --base-url " + server.base_url() +
                          " --ca-file " + server.ca_file();
        std::cout << "\n$ CSBOARD_API_KEY=... cs2market call csboard get_order id=ord_01J9Z3K8Q2 --base-url ... --ca-file ...\n"
                  << std::flush;
        ::setenv("CSBOARD_API_KEY", "csb_pub_demo", 1);
        if (std::system(cmd.c_str()) != 0)
            ++failures;
    }
    std::cout << (failures ? "\ndemo FAILED\n" : "\ndemo OK\n");
    return failures ? 1 : 0;
}
