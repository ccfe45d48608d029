// The executor against a real HTTPS server on loopback (test CA made at test time):
// what goes on the wire for each provider, and how every kind of answer comes back.
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/skinify.hpp>
#include <cs2market/net/detail/https_connection.hpp>
#include <cs2market/testing/https_server.hpp>
#include "support/wire_helpers.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>

using namespace cs2market;
using testing::canned_response;
using testing::https_server;
using testing::recorded_request;
using namespace cs2market::test;

namespace {

constexpr std::string_view cs2dt_detail_body = R"j({"success":true,"data":{"orderId":"753955645187293184","productId":"1046108517917470720",
 "price":123.12,"buyerFee":0.5,"statusName":"reversed","status":220,"deliverType":2,"receiveSteamId":"76561199548064835",
 "openItemInfo":{"itemId":"553370749","appId":730,"name":"AK-47 | Redline","marketHashName":"AK-47 | Redline (Field-Tested)","imageUrl":"https://x/y.png"},
 "assetInfo":{"assetId":31247084400,"classId":4859151687,"instanceId":188530139,"wear":0.2345678912345,"paintSeed":661,
   "stickers":[{"id":1,"name":"Crown (Foil)","slot":0,"wear":0.0,"price":812.55}],"gems":[]},
 "offerInfoDTO":{"transferId":1,"tradeOfferId":6512345678},"failedCode":"ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK",
 "createTime":1729393984,"newField":{"x":1}},"errorCode":0,"errorMsg":null,"errorData":null})j";

constexpr std::string_view csboard_order_body = R"j({"order_id":"ord_01J9Z3K8Q2","steam_id":"76561198000000000","status":"completed",
 "custom_id":"batch-2026-06-29-01","currency":"USD","charged_total_usd":26.47,"item_count":2,"hold_until":null,
 "created_at":"2026-06-29T17:12:04Z","updated_at":"2026-06-29T17:15:40Z","items":[{"market_hash_name":"AK-47 | Redline (Minimal Wear)",
 "price_usd":14.37,"status":"delivered","tradable_at":"2026-07-06T12:00:00Z","return_reason":null,"steam_trade_offer_id":"5512345678",
 "steam_trade_offer_finished_at":"2026-06-29T17:15:40Z"}]})j";

constexpr std::string_view csboard_buy_body = R"j({"data":{"purchase_id":"pur_01J9Z3K8Q2","steam_id":"76561198000000000",
 "created_at":"2026-06-29T17:12:04Z","custom_id":"batch-2026-06-29-01","skins":[{"name":"AK-47 | Redline (Minimal Wear)",
 "price":14.37,"status":"delivering","return_reason":null,"steam_trade_offer_id":"5512345678"}]}})j";

constexpr std::string_view skinify_info_body = R"j({"status":"success","items":[{"skin":{"id":"11552","name":"Crimson Pique","price":"0.3",
 "properties":{"classid":"1723113626"}},"purchase_id":"1","purchase_status":"waiting_accept","steam_id":"76561199191754048",
 "date":"1643713700","balance_debited_amount":"0.3","trade_offer_id":"123123123","custom_id":"1234"},{"skin":{"id":11054,
 "name":"Taunt: Giddy Up!","price":0.3,"properties":{"classid":"959992716"}},"purchase_id":2,"purchase_status":"processing",
 "steam_id":"76561197972611406","date":"1643714026","balance_debited_amount":"0.3","custom_id":"1234"}]})j";

} // namespace

TEST_CASE("cs2dt buyer_order_detail: GET, app-key in the query, envelope unwrapped", "[wire][cs2dt]")
{
    https_server server([](const recorded_request&) { return json(200, cs2dt_detail_body); });
    auto c = make_client<cs2dt::client>(server, "cs2dt-app-key-123");
    auto r = c.buyer_order_detail({.orderId = 753955645187293184, .outTradeNo = "my order #7 & co"});
    REQUIRE(r);
    CHECK(r->orderId == "753955645187293184");
    CHECK(r->price == decimal::from_string("123.12"));
    REQUIRE(r->status);
    CHECK(*r->status == cs2dt::OrderStatus::reversed);
    CHECK(r->status->raw() == 220);
    CHECK(*r->failedCode == cs2dt::FailedCode::ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK);
    CHECK(r->assetInfo->stickers->at(0).price == decimal::from_string("812.55"));
    CHECK(*r->offerInfoDTO->tradeOfferId == 6512345678);

    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "GET");
    CHECK(path_of(reqs[0].target) == "/v1/order/v2/buy/detail");
    auto q = query_of(reqs[0].target);
    CHECK(q.find("orderId")->second == "753955645187293184");
    CHECK(q.find("outTradeNo")->second == "my order #7 & co");
    CHECK(q.find("app-key")->second == "cs2dt-app-key-123");
    CHECK(reqs[0].target.find("my%20order%20%237%20%26%20co") != std::string::npos);
    CHECK(reqs[0].header("language") == "en_US");
    CHECK_FALSE(reqs[0].has_header("Authorization"));
    CHECK(reqs[0].body.empty());
}

TEST_CASE("cs2dt in-body errors become typed provider errors without the key", "[wire][cs2dt]")
{
    https_server server([](const recorded_request&) {
        return json(200, R"j({"success":false,"data":null,"errorCode":140015,"errorMsg":"order failed for key cs2dt-app-key-123","errorData":{}})j");
    });
    auto c = make_client<cs2dt::client>(server, "cs2dt-app-key-123");
    auto r = c.buyer_order_detail({.outTradeNo = "x1"});
    REQUIRE_FALSE(r);
    const error& e = r.error();
    CHECK(e.kind == error_kind::provider);
    CHECK(e.provider == cs2dt::id);
    CHECK(e.http_status == 200);
    CHECK(e.provider_code == "140015");
    CHECK(e.message().find("cs2dt-app-key-123") == std::string::npos);
    CHECK(e.body.find("cs2dt-app-key-123") == std::string::npos);
    CHECK_THROWS_AS(r.value(), cs2market::exception);
    try {
        (void)r.value();
    } catch (const cs2market::exception& ex) {
        CHECK(std::string(ex.what()).find("cs2dt-app-key-123") == std::string::npos);
        CHECK(ex.error().provider_code == "140015");
    }
}

TEST_CASE("cs2dt rate limiting: 429 and a 200 'Too Many' text body", "[wire][cs2dt]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        if (n++ == 0)
            return json(429, "Too Many Requests", {{"Retry-After", "3"}, {"Content-Type", "text/plain"}});
        return json(200, "Too Many Requests, slow down", {{"Content-Type", "text/plain"}});
    });
    auto c = make_client<cs2dt::client>(server, "k-12345");
    auto a = c.buyer_order_detail({.orderId = 1});
    REQUIRE_FALSE(a);
    CHECK(a.error().kind == error_kind::rate_limited);
    CHECK(a.error().http_status == 429);
    REQUIRE(a.error().retry_after);
    CHECK(a.error().retry_after->count() == 3);
    auto b = c.buyer_order_detail({.orderId = 1});
    REQUIRE_FALSE(b);
    CHECK(b.error().kind == error_kind::rate_limited);
    CHECK(b.error().http_status == 200);
}

TEST_CASE("csboard get_order: bearer auth, path parameter encoded, keep-alive reuse", "[wire][csboard]")
{
    https_server server([](const recorded_request&) { return json(200, csboard_order_body); });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    for (int i = 0; i < 3; ++i) {
        auto r = c.get_order({.id = i == 0 ? "ord_01J9Z3K8Q2" : "ord/../x y"});
        REQUIRE(r);
        CHECK(r->charged_total_usd == decimal::from_string("26.47"));
        CHECK(r->items.at(0).price_usd->to_string() == "14.37");
        CHECK(r->status == csboard::OrderStatus::completed);
        CHECK(r->created_at.to_string() == "2026-06-29T17:12:04Z");
        CHECK_FALSE(r->hold_until);
    }
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].target == "/v1/orders/ord_01J9Z3K8Q2");
    CHECK(reqs[1].target == "/v1/orders/ord%2F..%2Fx%20y");
    CHECK(reqs[0].header("Authorization") == "Bearer csb_pub_secret_abc");
    CHECK(reqs[0].method == "GET");
    CHECK(server.connection_count() == 1);
    CHECK(c.connections_opened() == 1);
}

TEST_CASE("csboard market_buy: POST with the documented JSON body", "[wire][csboard]")
{
    https_server server([](const recorded_request&) { return json(200, csboard_buy_body, {{"Idempotent-Replayed", "true"}}); });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    csboard::market_buy_params p;
    p.body.item_ids = {"itm_8841201", "itm_8841340"};
    p.body.partner = "447383001";
    p.body.token = "Ab3xZ9Qp";
    p.body.max_price_usd = decimal::from_string("30.00");
    p.body.custom_id = "batch-2026-06-29-01";
    p.body.skip_unavailable = false;
    auto r = c.send<csboard::ops::market_buy>(p);
    REQUIRE(r);
    CHECK(r->idempotent_replayed);
    CHECK(r->value.data.purchase_id == "pur_01J9Z3K8Q2");
    CHECK(r->value.data.skins->at(0).price == decimal::from_string("14.37"));

    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].target == "/v1/market/buy");
    CHECK(reqs[0].header("Content-Type") == "application/json");
    CHECK(reqs[0].header("Authorization") == "Bearer csb_pub_secret_abc");
    auto sent = boost::json::parse(reqs[0].body);
    auto documented = boost::json::parse(R"j({"item_ids":["itm_8841201","itm_8841340"],"partner":"447383001","token":"Ab3xZ9Qp",
        "max_price_usd":30,"custom_id":"batch-2026-06-29-01","skip_unavailable":false})j");
    CHECK(sent == documented);
    CHECK(reqs[0].body.find("\"max_price_usd\":30,") != std::string::npos); // plain number, never 3E1
}

namespace {

/// A recorder that knows nothing of orders (call_recorder.hpp): it writes down
/// what the executor tells it, and refuses the buys it is told to.
class logging_recorder final : public call_recorder {
public:
    logging_recorder(const https_server& s, bool refuse) : server_(s), refuse_(refuse) {}
    std::vector<std::string> log;
    std::string request;

    std::shared_ptr<call_record> record(const recorded_buy& buy) override
    {
        log.push_back("record " + std::string(buy.operation) + " " + buy.id);
        request = buy.request;
        return std::make_shared<one>(*this);
    }

private:
    struct one final : call_record {
        explicit one(logging_recorder& r) : r(r) {}
        boost::asio::awaitable<result<void>> before_send(std::chrono::milliseconds window) override
        {
            r.log.push_back("before, " + std::to_string(r.server_.request_count()) + " sent" + (window.count() > 0 ? "" : ", no time"));
            if (r.refuse_)
                co_return detail::make_error(error_kind::journal, "the buy was not sent: refused by the test");
            co_return result<void>{};
        }
        boost::asio::awaitable<std::optional<result<void>>> after_answer(result<void> outcome, bool sent) override
        {
            r.log.push_back(std::string("after, ") + (outcome ? "answered" : std::string(to_string(outcome.error().kind))) +
                            (sent ? ", sent" : ", not sent"));
            co_return result<void>{};
        }
        logging_recorder& r;
    };
    const https_server& server_;
    bool refuse_;
};

} // namespace

TEST_CASE("recorder: a buy is recorded before it leaves and told its outcome after, one its record refuses is never sent",
          "[wire][recorder]")
{
    const auto [status, refuse, expected] = GENERATE(table<unsigned, bool, std::vector<std::string>>({
        {200, false, {"record market_buy mb-rec-1", "before, 0 sent", "after, answered, sent"}},
        {500, false, {"record market_buy mb-rec-1", "before, 0 sent", "after, outcome unknown, sent"}}, // a 5xx proves nothing of a buy
        {200, true, {"record market_buy mb-rec-1", "before, 0 sent"}},
    }));
    https_server server([status = status](const recorded_request&) {
        return status == 200 ? json(200, csboard_buy_body) : json(status, R"j({"code":"internal","detail":"boom"})j");
    });
    auto o = make_client<csboard::client>(server, "csb_pub_secret_abc").options();
    auto rec = std::make_shared<logging_recorder>(server, refuse);
    o.journal = rec;
    csboard::client c(o);
    csboard::market_buy_params p;
    p.body.item_ids = {"itm_8841201"};
    p.body.partner = "447383001";
    p.body.token = "Ab3xZ9Qp";
    p.body.max_price_usd = decimal::from_string("30.00");
    p.body.custom_id = "mb-rec-1";
    auto r = c.market_buy(p);
    CHECK(rec->log == expected);
    CHECK(static_cast<bool>(r) == (status == 200 && !refuse));
    CHECK(server.request_count() == (refuse ? 0u : 1u));
    if (refuse) {
        CHECK(r.error().kind == error_kind::journal);
        CHECK(r.error().idempotency_id == "mb-rec-1");
        CHECK(r.error().provider == csboard::id);
    }
    CHECK_THAT(rec->request, Catch::Contains("\"custom_id\":\"mb-rec-1\"") && !Catch::Contains("csb_pub_secret_abc"));

    // Not a buy: never recorded.
    rec->log.clear();
    (void)c.get_order({.id = "ord_1"});
    CHECK(rec->log.empty());
}

TEST_CASE("csboard: the replay header is read for the buys whose schema names it, not for other answers", "[wire][csboard]")
{
    https_server server([](const recorded_request& rq) {
        return json(200, rq.target == "/v1/market/buy" ? csboard_buy_body : csboard_order_body, {{"Idempotent-Replayed", "true"}});
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    CHECK(exactly_once_traits<csboard::ops::market_buy>::replayed_header == "Idempotent-Replayed");
    CHECK(exactly_once_traits<csboard::ops::get_order>::replayed_header.empty());
    auto order = c.send<csboard::ops::get_order>({.id = "ord_01J9Z3K8Q2"});
    REQUIRE(order);
    CHECK_FALSE(order->idempotent_replayed);
    csboard::market_buy_params p;
    p.body.item_ids = {"itm_8841201"};
    p.body.partner = "447383001";
    p.body.token = "Ab3xZ9Qp";
    p.body.custom_id = "mb-rep-1";
    auto buy = c.send<csboard::ops::market_buy>(p);
    REQUIRE(buy);
    CHECK(buy->idempotent_replayed);
}

TEST_CASE("csboard 4xx answers carry HTTP status, code and detail", "[wire][csboard]")
{
    https_server server([](const recorded_request& rq) {
        if (rq.target.find("missing") != std::string::npos)
            return json(404, R"j({"code":"order_not_found","detail":"No such order."})j");
        if (rq.target.find("limited") != std::string::npos)
            return json(429, R"j({"code":"rate_limit_exceeded","detail":"Rate limit exceeded. Retry after 14 seconds."})j",
                        {{"Retry-After", "14"}});
        if (rq.target.find("html") != std::string::npos)
            return json(502, "<html>bad gateway</html>", {{"Content-Type", "text/html"}});
        return json(409, R"j({"code":"price_moved","detail":"Price moved.","current_total_usd":31.5,"quoted_max_usd":30})j");
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");

    auto nf = c.get_order({.id = "missing"});
    REQUIRE_FALSE(nf);
    CHECK(nf.error().kind == error_kind::provider);
    CHECK(nf.error().http_status == 404);
    CHECK(nf.error().provider_code == "order_not_found");
    CHECK(nf.error().detail == "No such order.");
    CHECK_THAT(nf.error().message(), Catch::Contains("csboard") && Catch::Contains("404") && Catch::Contains("order_not_found"));

    auto rl = c.get_order({.id = "limited"});
    REQUIRE_FALSE(rl);
    CHECK(rl.error().kind == error_kind::rate_limited);
    REQUIRE(rl.error().retry_after);
    CHECK(rl.error().retry_after->count() == 14);

    auto gw = c.get_order({.id = "html"});
    REQUIRE_FALSE(gw);
    CHECK(gw.error().kind == error_kind::http_status);
    CHECK(gw.error().http_status == 502);

    csboard::market_buy_params p;
    p.body.item_ids = {"itm_1"};
    p.body.partner = "1";
    p.body.token = "t";
    auto pm = c.market_buy(p);
    REQUIRE_FALSE(pm);
    CHECK(pm.error().http_status == 409);
    CHECK(pm.error().provider_code == "price_moved");
    // The extra fields stay available for diagnostics, and decode as ApiError.
    auto extra = from_json<csboard::ApiError>(pm.error().body);
    REQUIRE(extra);
    CHECK(extra->current_total_usd == decimal::from_string("31.5"));
}

TEST_CASE("skinify withdraw_info: Token header and token query on GET, comma lists, lenient ids", "[wire][skinify]")
{
    https_server server([](const recorded_request&) { return json(200, skinify_info_body); });
    auto c = make_client<skinify::client>(server, "skinify-token-xyz");
    auto r = c.withdraw_info({.purchase_ids = std::vector<std::string>{"1", "2"}});
    REQUIRE(r);
    REQUIRE(r->items.size() == 2);
    CHECK(r->items[0].purchase_status == skinify::PurchaseStatus::waiting_accept);
    CHECK(r->items[1].purchase_id == "2");
    CHECK(r->items[1].skin.id == "11054");
    CHECK(r->items[0].skin.price == r->items[1].skin.price);
    CHECK(r->items[0].date.seconds().time_since_epoch().count() == 1643713700);

    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "GET");
    CHECK(path_of(reqs[0].target) == "/api/withdraw/info");
    auto q = query_of(reqs[0].target);
    CHECK(q.find("purchase_ids")->second == "1,2");
    CHECK(q.find("token")->second == "skinify-token-xyz");
    CHECK(q.count("custom_ids") == 0);
    CHECK(reqs[0].header("Token") == "skinify-token-xyz");
}

TEST_CASE("skinify in-body errors, including its rate limit", "[wire][skinify]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        return json(200, n++ == 0 ? R"j({"status":"error","error_message":"missing_one_of_required_params"})j"
                                  : R"j({"status":"error","error_message":"request_limit_exceeded"})j");
    });
    auto c = make_client<skinify::client>(server, "skinify-token-xyz");
    auto a = c.withdraw_info({});
    REQUIRE_FALSE(a);
    CHECK(a.error().kind == error_kind::provider);
    CHECK(a.error().provider_code == "missing_one_of_required_params");
    auto b = c.withdraw_info({.custom_ids = std::vector<std::string>{"1234"}});
    REQUIRE_FALSE(b);
    CHECK(b.error().kind == error_kind::rate_limited);
    CHECK(b.error().provider_code == "request_limit_exceeded");
}

TEST_CASE("responses that do not match the schema name the JSON path", "[wire]")
{
    https_server server([](const recorded_request&) {
        return json(200, R"j({"success":true,"data":{"orderId":"1","price":"12,5"},"errorCode":0})j");
    });
    auto c = make_client<cs2dt::client>(server, "k-12345");
    auto r = c.buyer_order_detail({.orderId = 1});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::decode);
    CHECK(r.error().json_path == "data.price");
    CHECK_THAT(r.error().message(), Catch::Contains("data.price"));
}

TEST_CASE("an untrusted certificate is refused and nothing is sent", "[wire][tls]")
{
    https_server server([](const recorded_request&) { return json(200, csboard_order_body); });
    client_options o;
    o.credential = "csb_pub_secret_abc";
    o.base_url = server.base_url(); // no ca_file: the system trust store does not know the test CA
    csboard::client c(o);
    auto r = c.get_order({.id = "ord_1"});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::tls);
    CHECK_THAT(r.error().message(), Catch::Contains("certificate verify failed"));
    CHECK(server.request_count() == 0);

    // A certificate for another name is refused too, even when its CA is trusted.
    testing::https_server other([](const recorded_request&) { return json(200, csboard_order_body); });
    client_options o2 = o;
    o2.ca_file = other.ca_file();
    o2.base_url = "https://127.0.0.2:" + std::to_string(other.port());
    csboard::client c2(o2);
    auto r2 = c2.get_order({.id = "ord_1"});
    REQUIRE_FALSE(r2);
    CHECK((r2.error().kind == error_kind::tls || r2.error().kind == error_kind::transport));
    CHECK(other.request_count() == 0);
}

TEST_CASE("timeouts: a stalled GET times out, a stalled POST ends as outcome unknown", "[wire][timeout]")
{
    https_server server([](const recorded_request&) {
        canned_response r = json(200, csboard_order_body);
        r.delay_before_headers = std::chrono::milliseconds(3000);
        return r;
    });
    client_options o;
    o.credential = "csb_pub_secret_abc";
    o.base_url = server.base_url();
    o.ca_file = server.ca_file();
    o.request_timeout = std::chrono::milliseconds(300);
    o.retry = retry_policy::none();
    o.idempotency.reconcile = false;
    csboard::client c(o);
    auto start = std::chrono::steady_clock::now();
    auto r = c.get_order({.id = "ord_1"});
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::timeout);
    CHECK(took < std::chrono::milliseconds(2500));

    csboard::market_buy_params p;
    p.body.item_ids = {"itm_1"};
    p.body.partner = "1";
    p.body.token = "t";
    p.body.custom_id = "cid-1";
    auto b = c.market_buy(p);
    REQUIRE_FALSE(b);
    CHECK(b.error().kind == error_kind::outcome_unknown);
}

TEST_CASE("a connection dropped after a POST was sent is reported as outcome unknown, never resent", "[wire]")
{
    https_server server([](const recorded_request&) {
        canned_response r;
        r.close_without_response = true;
        return r;
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    csboard::market_buy_params p;
    p.body.item_ids = {"itm_1"};
    p.body.partner = "1";
    p.body.token = "t";
    auto r = c.market_buy(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::outcome_unknown);
    CHECK(server.request_count() == 1);
}

TEST_CASE("a kept-alive connection the server closed is replaced transparently", "[wire]")
{
    int n = 0;
    https_server server([&](const recorded_request&) {
        canned_response r = json(200, csboard_order_body);
        r.keep_alive = n++ != 0; // the first answer closes its connection
        return r;
    });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    REQUIRE(c.get_order({.id = "a"}));
    REQUIRE(c.get_order({.id = "b"}));
    REQUIRE(c.get_order({.id = "c"}));
    CHECK(server.request_count() == 3);
    CHECK(server.connection_count() == 2);
}

TEST_CASE("bad input is refused before anything is sent", "[wire]")
{
    https_server server([](const recorded_request&) { return json(200, csboard_order_body); });
    auto c = make_client<csboard::client>(server, "csb_pub_secret_abc");
    auto empty = c.get_order({.id = ""});
    REQUIRE_FALSE(empty);
    CHECK(empty.error().kind == error_kind::invalid_argument);

    client_options o;
    o.base_url = server.base_url() + "/v2";
    o.credential = "csb_pub_secret_abc";
    csboard::client with_path(o);
    auto bad = with_path.get_order({.id = "x"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == error_kind::invalid_argument);

    client_options nokey;
    nokey.base_url = server.base_url();
    nokey.ca_file = server.ca_file();
    nokey.credential = "";
    ::unsetenv("CSBOARD_API_KEY");
    csboard::client anon(nokey);
    auto missing = anon.get_order({.id = "x"});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == error_kind::invalid_argument);
    CHECK_THAT(missing.error().message(), Catch::Contains("CSBOARD_API_KEY"));

    client_options injected = nokey;
    injected.credential = "csb_pub_x\r\nX-Evil: 1";
    csboard::client evil(injected);
    auto inj = evil.get_order({.id = "x"});
    REQUIRE_FALSE(inj);
    CHECK(inj.error().kind == error_kind::invalid_argument);
    CHECK(inj.error().message().find("X-Evil") == std::string::npos);
    CHECK(server.request_count() == 0);
}

TEST_CASE("responses over the size limit are refused", "[wire]")
{
    https_server server([](const recorded_request&) { return json(200, std::string(200000, ' ') + "{}"); });
    client_options o;
    o.credential = "csb_pub_secret_abc";
    o.base_url = server.base_url();
    o.ca_file = server.ca_file();
    o.max_response_size = 100000;
    csboard::client c(o);
    auto r = c.get_order({.id = "x"});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == error_kind::transport);
    CHECK_THAT(r.error().message(), Catch::Contains("larger than"));
}


TEST_CASE("request bytes: request line, default headers unless set, the last of a repeated name, our own framing", "[wire]")
{
    http_request rq;
    rq.method = http_method::post;
    rq.target = "/v1/orders?x=1";
    rq.headers = {{"Authorization", "Bearer k"}, {"accept", "text/plain"}, {"X-A", "1"}, {"x-a", "2"},
                  {"Content-Length", "999"}, {"Transfer-Encoding", "chunked"}};
    rq.body = R"({"a":1})";
    std::string out = "left over from the last request";
    detail::serialize_request(out, rq, "api.example:8443", "cs2market-test");
    CHECK(out == "POST /v1/orders?x=1 HTTP/1.1\r\nHost: api.example:8443\r\nUser-Agent: cs2market-test\r\n"
                 "Authorization: Bearer k\r\naccept: text/plain\r\nx-a: 2\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    // A GET without a body says no length; a user agent with a line break is not sent.
    http_request get;
    get.target = "/v1/ping";
    detail::serialize_request(out, get, "h", "evil\r\nX-Injected: 1");
    CHECK(out == "GET /v1/ping HTTP/1.1\r\nHost: h\r\nAccept: application/json\r\n\r\n");
    // Any other method without a body still says its length.
    get.method = http_method::delete_;
    detail::serialize_request(out, get, "h", "ua");
    CHECK(out == "DELETE /v1/ping HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("a large body reports its progress to the hook as it arrives, a small one does not", "[wire][progress]")
{
    // The headers first, the body after a pause: the body is read on its own, piece by piece.
    const auto [size, expect_progress] = GENERATE(table<std::size_t, bool>({
        {std::size_t{1} << 20, true},               // 1 MiB: every body_progress_step bytes, then once at its end
        {body_progress_step - 1, false},           // under one step: nothing to report
    }));
    CAPTURE(size);
    const std::string bytes(size, 'x');
    https_server server([&](const recorded_request&) {
        canned_response r;
        r.headers = {{"Content-Type", "application/x-ndjson"}};
        r.body = bytes;
        r.stall_body = std::chrono::milliseconds(50);
        return r;
    });
    auto o = options_for(server, "csb_pub_secret_abc");
    std::vector<call_event::type> kinds;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
    o.hook = [&](const call_event& e) {
        kinds.push_back(e.kind);
        if (e.kind == call_event::type::body_progress) {
            progress.emplace_back(e.bytes, e.total);
            CHECK(e.operation == "get_price_snapshot");
        }
    };
    csboard::client c(o);
    auto r = c.get_price_snapshot();
    REQUIRE(r);
    CHECK(r->bytes == bytes);
    if (!expect_progress) {
        CHECK(progress.empty());
        return;
    }
    REQUIRE(progress.size() >= 2);
    for (std::size_t i = 0; i < progress.size(); ++i) {
        CHECK(progress[i].second == size); // the Content-Length
        if (i > 0)
            CHECK(progress[i].first > progress[i - 1].first);
        if (i + 1 < progress.size()) // each report at least one step after the one before
            CHECK(progress[i].first - (i > 0 ? progress[i - 1].first : 0) >= body_progress_step);
    }
    CHECK(progress.back().first == size);
    // Between the attempt's start and its end.
    REQUIRE(kinds.size() == progress.size() + 2);
    CHECK(kinds.front() == call_event::type::request_start);
    CHECK(kinds.back() == call_event::type::request_end);
}
