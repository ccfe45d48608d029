// cs2market::sandbox — the CS2DT front end: `app-key` auth, the
// {"success","data","errorCode","errorMsg"} envelope (errors are HTTP 200),
// signed order callbacks, the market push feed (/ws/cs2dt) and the full-items
// bulk file its link points to.
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/market.hpp>
#include <cs2market/sandbox/router.hpp>

#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/cs2dt/generated/operations.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/json.hpp>

#include <boost/mp11/list.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cs2market::sandbox {

class cs2dt_frontend {
public:
    using provider = cs2dt::provider;
    using operations = cs2dt::ops::all;
    using dec = ::cs2market::decimal;

    /// The bulk file get_full_items links to (no auth: a signed link).
    struct full_items_file {
        static constexpr std::string_view name = "full_items_file";
        static constexpr ::cs2market::http_method method = ::cs2market::http_method::get;
        static constexpr std::string_view path = "/sandbox/cs2dt/full/730.json";
        static constexpr std::array<::cs2market::auth_placement, 0> auth{};
        static constexpr std::array<::cs2market::rate_bucket, 0> rate_limits{};
    };
    using extra_operations = boost::mp11::mp_list<full_items_file>;

    static constexpr std::string_view ws_path = "/ws/cs2dt";
    static constexpr book_traits traits{0, 1252366888000000LL, "", 10000,
                                        [](std::int64_t seq) { return std::to_string(753955645187293184LL + seq); }};

    explicit cs2dt_frontend(market& m) : m_(m), b_(m.add_book(provider::id, traits))
    {
        b_.on_order = [this](const order& o, bool created) {
            if (created)
                for (auto li : m_.items_of(o))
                    queue_market_remove(b_.listings[li]);
            queue_callback(o);
        };
        b_.on_listing = [this](const listing& l, listing_change c) {
            if (c == listing_change::listed)
                queue_market_new(l);
            else
                queue_market_update(l);
        };
    }

    // ------------------------------------------------------------ protocol
    static response ok(const std::string& data_json)
    {
        return json_response(200, R"({"success":true,"data":)" + data_json + R"(,"errorCode":0,"errorMsg":null})");
    }
    static response err(std::int64_t code, const std::string& msg)
    {
        return json_response(200, R"({"success":false,"data":null,"errorCode":)" + std::to_string(code) +
                                      R"(,"errorMsg":)" + ::cs2market::to_json(msg) + "}");
    }

    std::optional<response> authenticate(call& c)
    {
        auto k = c.t.get("app-key");
        if (!k || k->empty())
            return err(140020, "request needs parameter app-key");
        if (k->size() < 8 || k->size() > 64 || !key_chars_ok(*k))
            return err(100002, "no permission to use this interface");
        if (!m_.account_for(provider::id, *k))
            return err(140006, "user does not exist");
        c.key = *k;
        return std::nullopt;
    }

    static response rate_limited(const call&, const rate_refusal& r)
    {
        response res = json_response(429, "Too Many Requests");
        res.headers.emplace_back("Content-Type", "text/plain");
        res.headers.emplace_back("Retry-After", std::to_string(r.retry_after_s));
        return res;
    }

    // ------------------------------------------------------- user and misc
    response on(cs2dt::ops::user_balance, call& c)
    {
        auto& acc = m_.account_of(provider::id, c.key);
        cs2dt::UserAccountOpenDTO r;
        r.userId = acc.user_id;
        r.name = "sandbox-" + std::to_string(acc.user_id);
        r.data = acc.settled;
        return ok(::cs2market::to_json(r));
    }
    response on(cs2dt::ops::create_steam_check, call&) { return ok(R"({"checkId":)" + std::to_string(++m_.order_seq) + "}"); }
    response on(cs2dt::ops::steam_account_status, call&)
    {
        cs2dt::SteamAccountStatusDTO r;
        r.checkStatus = cs2dt::SteamCheckStatus::normal;
        cs2dt::SteamAccountInfo si;
        si.steamId = "76561198000000000";
        si.nickName = "sandbox-buyer";
        r.steamInfo = si;
        r.statusList = std::vector<::cs2market::raw_json>{};
        return ok(::cs2market::to_json(r));
    }
    response on(cs2dt::ops::usd_cny_rate, call&) { return ok("7.1043"); }
    response on(cs2dt::ops::get_wss_address, call&) { return ok(::cs2market::to_json(m_.ws_base_url + std::string(ws_path))); }

    // ------------------------------------------------------------- catalogue
    response on(cs2dt::ops::get_full_items, call&)
    {
        return ok(::cs2market::to_json(m_.base_url + std::string(full_items_file::path)));
    }
    response on(full_items_file, call&)
    {
        std::string out = "[";
        bool first = true;
        for (auto& l : b_.listings)
            if (!l.sold) {
                const item_type& ty = m_.type_of(l);
                if (!first)
                    out += ",";
                first = false;
                out += R"({"id":)" + std::to_string(l.num_id) + R"(,"itemId":)" + std::to_string(ty.item_id) +
                       R"(,"marketHashName":)" + ::cs2market::to_json(ty.market_hash_name) + R"(,"price":)" +
                       l.price.to_string() + "}";
            }
        return json_response(200, out + "]");
    }

    response on(cs2dt::ops::market_search, call& c)
    {
        const auto& t = c.t;
        if (!t.num("appId"))
            return err(140001, "parameter error: appId");
        auto kw = t.get("keyword").value_or("");
        auto minp = t.get("minPrice"), maxp = t.get("maxPrice");
        std::vector<cs2dt::MarketSearchItem> items;
        std::map<std::size_t, std::pair<dec, std::int64_t>> agg;
        for (auto& l : b_.listings) {
            if (l.sold)
                continue;
            auto& e = agg[l.type];
            if (e.second == 0 || l.price < e.first)
                e.first = l.price;
            ++e.second;
        }
        for (auto& [ti, e] : agg) {
            const item_type& ty = m_.cat.types[ti];
            if (!kw.empty() && !matches_search(ty.market_hash_name, kw))
                continue;
            if (minp && !minp->empty() && e.first < dec::from_string(*minp))
                continue;
            if (maxp && !maxp->empty() && e.first > dec::from_string(*maxp))
                continue;
            cs2dt::MarketSearchItem it;
            it.itemId = ty.item_id;
            it.itemName = ty.market_hash_name;
            it.marketHashName = ty.market_hash_name;
            cs2dt::MarketPriceInfo pi;
            pi.price = e.first;
            pi.quantity = e.second;
            pi.autoDeliverPrice = e.first;
            pi.autoDeliverQuantity = e.second;
            it.priceInfo = pi;
            items.push_back(it);
        }
        auto ob = t.num("orderBy").value_or(0);
        if (ob == 1 || ob == 2)
            std::stable_sort(items.begin(), items.end(), [ob](const auto& x, const auto& y) {
                const dec px = *x.priceInfo->price, py = *y.priceInfo->price;
                return ob == 1 ? (px < py) : (px > py);
            });
        return ok(::cs2market::to_json(page_of<cs2dt::MarketSearchPage>(items, t, 20)));
    }

    response on(cs2dt::ops::item_price_query, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::ItemPriceQueryRequest>(c.req.body);
        if (!b)
            return err(140001, "parameter error");
        std::vector<cs2dt::ItemPriceInfo> out;
        for (auto& name : b->marketHashNameList) {
            cs2dt::ItemPriceInfo pi;
            pi.marketHashName = name;
            std::int64_t q = 0;
            std::optional<dec> mn;
            for (auto& l : b_.listings)
                if (!l.sold && m_.type_of(l).market_hash_name == name) {
                    ++q;
                    if (!mn || l.price < *mn)
                        mn = l.price;
                }
            pi.quantity = q;
            if (mn) {
                pi.price = *mn;
                pi.autoDeliverPrice = *mn;
            }
            out.push_back(pi);
        }
        return ok(::cs2market::to_json(out));
    }

    response on(cs2dt::ops::filters_query, call&)
    {
        cs2dt::ItemSearchFilterDTO f;
        f.appId = 730;
        f.appName = "CS2";
        f.list = std::vector<::cs2market::raw_json>{
            {R"({"name":"Exterior","key":"exterior","list":[{"name":"Factory New","searchKey":"WearCategory0"},{"name":"Minimal Wear","searchKey":"WearCategory1"},{"name":"Field-Tested","searchKey":"WearCategory2"},{"name":"Well-Worn","searchKey":"WearCategory3"},{"name":"Battle-Scarred","searchKey":"WearCategory4"}]})"}};
        return ok(::cs2market::to_json(f));
    }

    response on(cs2dt::ops::sell_list, call& c)
    {
        auto item = c.t.num("itemId");
        if (!item)
            return err(140001, "parameter error: itemId");
        std::vector<std::size_t> idxs;
        for (std::size_t i = 0; i < b_.listings.size(); ++i)
            if (!b_.listings[i].sold && m_.type_of(b_.listings[i]).item_id == *item)
                idxs.push_back(i);
        auto sort = c.t.num("sort").value_or(2);
        std::stable_sort(idxs.begin(), idxs.end(), [&](std::size_t x, std::size_t y) {
            const auto &a2 = b_.listings[x], &b2 = b_.listings[y];
            switch (sort) {
            case 3: return a2.price > b2.price;
            case 4: return a2.float_value < b2.float_value;
            case 5: return a2.float_value > b2.float_value;
            case 1: return a2.num_id > b2.num_id;
            default: return a2.price < b2.price;
            }
        });
        std::vector<cs2dt::ProductSellListDTO> rows;
        for (auto i : idxs)
            rows.push_back(product(i));
        return ok(::cs2market::to_json(page_of<cs2dt::SellListPage>(rows, c.t, 20)));
    }

    response on(cs2dt::ops::product_sales_status, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::ProductSalesStatusRequest>(c.req.body);
        if (!b)
            return err(140001, "parameter error");
        cs2dt::ProductSalesStatusDTO r;
        std::vector<cs2dt::ProductInfoDTO> v;
        for (auto id : b->productIdList)
            if (auto li = live_listing(std::to_string(id))) {
                cs2dt::ProductInfoDTO pi;
                pi.id = id;
                pi.price = b_.listings[*li].price;
                v.push_back(pi);
            }
        r.totalCount = static_cast<std::int64_t>(v.size());
        r.productInfoDTOList = v;
        return ok(::cs2market::to_json(r));
    }

    response on(cs2dt::ops::batch_products_on_sale, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::ProductIdsRequest>(c.req.body);
        if (!b)
            return err(140001, "parameter error");
        std::vector<cs2dt::ProductSellListDTO> v;
        for (auto id : b->productIds)
            if (auto li = live_listing(std::to_string(id)))
                v.push_back(product(*li));
        return ok(::cs2market::to_json(v));
    }

    response on(cs2dt::ops::product_sales_detail, call& c)
    {
        auto li = live_listing(c.t.get("productId").value_or(""));
        if (!li)
            return err(1317, "no listing matches the conditions");
        return ok(::cs2market::to_json(product(*li)));
    }

    // ---------------------------------------------------------------- buying
    response on(cs2dt::ops::buy_item, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::BuyItemRequest>(c.req.body);
        if (!b || !b->productId)
            return err(140001, "parameter error: productId is required");
        return buy(c.key, m_.find_listing(provider::id, std::to_string(*b->productId)), b->outTradeNo.value_or(""),
                   b->tradeUrl.value_or(""), b->maxPrice, b->buyPrice);
    }

    response on(cs2dt::ops::quick_buy_item, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::QuickBuyItemRequest>(c.req.body);
        if (!b || (!b->itemId && !b->marketHashName))
            return err(140001, "parameter error: itemId or marketHashName is required");
        // A repeated outTradeNo is 140014 whatever is on sale now (the first buy may have taken the last listing).
        if (auto refused = refused_order_no(c.key, b->outTradeNo.value_or(""), b->tradeUrl.value_or("")))
            return *refused;
        std::optional<std::size_t> best;
        bool any = false;
        for (std::size_t i = 0; i < b_.listings.size(); ++i) {
            const auto& l = b_.listings[i];
            const auto& ty = m_.type_of(l);
            if (l.sold || (b->itemId && ty.item_id != *b->itemId) || (b->marketHashName && ty.market_hash_name != *b->marketHashName))
                continue;
            any = true;
            if (b->maxPrice && l.price > *b->maxPrice)
                continue;
            if (!best || l.price < b_.listings[*best].price)
                best = i;
        }
        if (!best)
            return any ? err(1454, "item price is above the maximum purchase price")
                       : err(1317, "no listing matches the conditions");
        return buy(c.key, best, b->outTradeNo.value_or(""), b->tradeUrl.value_or(""), b->maxPrice, std::nullopt);
    }

    // ---------------------------------------------------------------- orders
    response on(cs2dt::ops::buyer_order_list_v2, call& c)
    {
        std::vector<cs2dt::BuyerOrderV2DTO> rows;
        for (auto* o : filtered_orders(c.key, c.t)) {
            auto det = detail(*o);
            cs2dt::BuyerOrderV2DTO r;
            r.orderId = det.orderId;
            r.productId = det.productId;
            r.price = det.price;
            r.buyerFee = det.buyerFee;
            r.statusName = det.statusName;
            r.status = det.status;
            r.deliverType = det.deliverType;
            r.receiveSteamId = det.receiveSteamId;
            r.createTime = det.createTime;
            r.type = 1;
            if (!o->trade_offer_id.empty())
                r.tradeOfferId = o->trade_offer_id;
            r.name = det.openItemInfo->name;
            rows.push_back(r);
        }
        return ok(::cs2market::to_json(page_of<cs2dt::BuyerOrderListV2Page>(rows, c.t, 20)));
    }

    response on(cs2dt::ops::buyer_order_list, call& c)
    {
        std::vector<cs2dt::SearcherOrderAssetListDTO> rows;
        for (auto* o : filtered_orders(c.key, c.t)) {
            auto det = detail(*o);
            cs2dt::SearcherOrderAssetListDTO r;
            r.orderAssetId = std::stoll(o->id);
            r.orderId = det.orderId;
            r.productId = det.productId;
            r.price = det.price;
            r.buyerFee = det.buyerFee;
            r.statusName = det.statusName;
            r.status = det.status;
            r.deliverType = det.deliverType;
            r.receiveSteamId = det.receiveSteamId;
            r.createTime = det.createTime;
            if (!o->trade_offer_id.empty())
                r.tradeOfferId = o->trade_offer_id;
            rows.push_back(r);
        }
        return ok(::cs2market::to_json(page_of<cs2dt::PageListSearcherOrderAssetListDTO>(rows, c.t, 20)));
    }

    response on(cs2dt::ops::buyer_order_detail, call& c)
    {
        const order* o = nullptr;
        if (auto id = c.t.get("orderId"); id && !id->empty())
            o = m_.find_order(provider::id, c.key, *id);
        else if (auto ref = c.t.get("outTradeNo"); ref && !ref->empty())
            o = m_.find_order_by_ref(provider::id, c.key, *ref);
        else
            return err(140001, "parameter error: orderId or outTradeNo is required");
        if (!o)
            return err(140015, "purchase with this merchant order number failed; no order was created");
        return ok(::cs2market::to_json(detail(*o)));
    }

    response on(cs2dt::ops::buyer_cancel_order, call& c)
    {
        auto b = ::cs2market::from_json<cs2dt::BuyerCancelOrderRequest>(c.req.body);
        if (!b)
            return err(140001, "parameter error");
        order* o = m_.find_order(provider::id, c.key, b->orderId);
        if (!o)
            return err(140002, "operation failed: no such order");
        if (o->cur != stage::created)
            return err(140002, "operation failed: the order can no longer be cancelled");
        stop_plan(*o);
        m_.enter_stage(*o, stage::cancelled);
        return ok(::cs2market::to_json(std::string("success")));
    }

    // ------------------------------------------------------------ statuses
    static std::int64_t status_of(stage s)
    {
        switch (s) {
        case stage::created: case stage::hold: return 1;
        case stage::offer_sent: return 3;
        case stage::accepted: return 10;
        case stage::settled: return 200;
        case stage::reversed_buyer: case stage::reversed_seller: return 220;
        case stage::recalled: return 221;
        default: return 11;
        }
    }
    static const char* status_name(stage s)
    {
        switch (status_of(s)) {
        case 1: return "waiting for delivery";
        case 3: return "waiting for receipt";
        case 10: return "success";
        case 200: return "settled";
        case 220: return "reversed";
        case 221: return "recalled by seller, refunded";
        default: return "failed";
        }
    }
    static std::optional<cs2dt::FailedCode> failed_code(stage s)
    {
        using F = cs2dt::FailedCode;
        switch (s) {
        case stage::declined: return F::ORDER_FAILED_OF_BUYER_DECLINE;
        case stage::timed_out: return F::ORDER_FAILED_OF_AUTO_DELIVER_ORDER_CANCEL_OF_BUYER_NOT_ACCEPT;
        case stage::reversed_buyer: return F::ORDER_FAILED_OF_BUYER_CANCEL_BY_ROLLBACK;
        case stage::reversed_seller: return F::ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK;
        case stage::cancelled: return F::ORDER_FAILED_OF_CHANNEL_BUYER_CANCEL;
        default: return std::nullopt;
        }
    }

    // --------------------------------------------------------------- pushes
    /// Market push connections get every message; no auth on the feed.
    std::vector<std::string> ws_open(const std::string&) { return {}; }

private:
    template <class Page, class Row>
    static Page page_of(const std::vector<Row>& rows, const query_t& t, std::int64_t def_limit)
    {
        Page p;
        std::int64_t limit = std::clamp<std::int64_t>(t.num("limit").value_or(def_limit), 1, 200);
        std::int64_t page = std::max<std::int64_t>(1, t.num("page").value_or(1));
        std::int64_t total = static_cast<std::int64_t>(rows.size());
        p.total = total;
        p.pages = (total + limit - 1) / limit;
        p.page = page;
        p.limit = limit;
        std::vector<Row> out;
        for (std::int64_t i = (page - 1) * limit; i < std::min(total, page * limit); ++i)
            out.push_back(rows[static_cast<std::size_t>(i)]);
        p.list = std::move(out);
        return p;
    }

    std::optional<std::size_t> live_listing(const std::string& wire_id) const
    {
        auto li = m_.find_listing(provider::id, wire_id);
        if (!li || b_.listings[*li].sold)
            return std::nullopt;
        return li;
    }

    cs2dt::ProductSellListDTO product(std::size_t li) const
    {
        const listing& l = b_.listings[li];
        const item_type& t = m_.type_of(l);
        cs2dt::ProductSellListDTO p;
        p.id = l.num_id;
        cs2dt::SellerUserInfoVO s;
        s.userId = 500000 + l.num_id % 997;
        s.nickname = "seller" + std::to_string(l.num_id % 997);
        p.sellerInfo = s;
        p.systemTime = unix_ms_auto(market::wall_ms());
        p.appId = 730;
        p.appName = "CS2";
        p.itemId = t.item_id;
        p.itemName = t.market_hash_name;
        p.imageUrl = "https://img.sandbox.invalid/" + std::to_string(t.item_id) + ".png";
        p.currencyId = 1;
        p.price = l.price;
        p.sellerPrice = l.price;
        p.cnyPrice = dec::from_units(l.price.units() * 71 / 10, l.price.scale());
        p.marketHashName = t.market_hash_name;
        p.delivery = cs2dt::DeliverType::auto_;
        p.acceptBargain = 0;
        cs2dt::ItemInfoVO info;
        info.exterior = wear_names[t.wear];
        info.exteriorName = wear_names[t.wear];
        info.weapon = t.weapon;
        info.weaponName = t.weapon;
        info.rarity = t.rarity;
        info.rarityName = t.rarity;
        info.type = t.category;
        info.typeName = t.category;
        info.quality = t.stattrak ? "strange" : "normal";
        info.qualityName = t.stattrak ? "StatTrak™" : "Normal";
        p.itemInfo = info;
        cs2dt::ItemAssetInfoVO a;
        a.assetId = l.asset_id;
        a.classId = t.classid;
        a.wear = l.float_value;
        a.paintSeed = l.paint_seed;
        a.paintIndex = l.paint_index;
        std::vector<cs2dt::ItemStickerVO> st;
        for (std::size_t i = 0; i < l.stickers.size(); ++i) {
            cs2dt::ItemStickerVO v;
            v.name = l.stickers[i];
            v.slot = static_cast<std::int64_t>(i);
            v.wear = 0.0;
            st.push_back(v);
        }
        a.stickers = st;
        p.assetInfo = a;
        return p;
    }

    cs2dt::OrderDetailDTO detail(const order& o) const
    {
        cs2dt::OrderDetailDTO r;
        const listing& l = b_.listings[o.listing];
        const item_type& t = m_.type_of(l);
        r.orderId = o.id;
        r.productId = std::to_string(l.num_id);
        r.price = o.price;
        r.buyerFee = dec::from_units(0, 2);
        r.statusName = status_name(o.cur);
        r.status = ::cs2market::open_enum<cs2dt::OrderStatus>::from_wire(status_of(o.cur));
        r.deliverType = cs2dt::DeliverType::auto_;
        r.receiveSteamId = "76561198000000000";
        cs2dt::OpenItemInfo oi;
        oi.itemId = std::to_string(t.item_id);
        oi.appId = 730;
        oi.name = t.market_hash_name;
        oi.marketHashName = t.market_hash_name;
        r.openItemInfo = oi;
        r.assetInfo = product(o.listing).assetInfo;
        if (!o.trade_offer_id.empty()) {
            cs2dt::OfferInfoDTO of;
            of.transferId = std::stoll(o.trade_offer_id) + 1;
            of.tradeOfferId = std::stoll(o.trade_offer_id);
            r.offerInfoDTO = of;
        }
        if (auto f = failed_code(o.cur)) {
            r.failedCode = *f;
            r.failedDesc = ::cs2market::open_enum<cs2dt::FailedCode>(*f).to_string();
        }
        r.createTime = unix_ms_auto(o.created_unix_ms);
        return r;
    }

    std::vector<const order*> filtered_orders(const std::string& key, const query_t& t) const
    {
        std::vector<const order*> v;
        auto status = t.num("status");
        auto ids = t.list("orderIdList");
        auto refs = t.list("outTradeNos");
        for (auto it = m_.orders.rbegin(); it != m_.orders.rend(); ++it) {
            const order& o = *it;
            if (o.p != provider::id || o.key != key)
                continue;
            if (status && status_of(o.cur) != *status)
                continue;
            if (!ids.empty() && std::find(ids.begin(), ids.end(), o.id) == ids.end())
                continue;
            if (!refs.empty() && std::find(refs.begin(), refs.end(), o.ref) == refs.end())
                continue;
            v.push_back(&o);
        }
        return v;
    }

    /// The refusals of a buy that do not depend on the listing: no outTradeNo, a bad trade
    /// URL, an outTradeNo already used.
    std::optional<response> refused_order_no(const std::string& key, const std::string& out_trade_no,
                                             const std::string& trade_url)
    {
        if (out_trade_no.empty())
            return err(140001, "parameter error: outTradeNo is required");
        if (trade_url.find("partner=") == std::string::npos || trade_url.find("token=") == std::string::npos)
            return err(140005, "trade URL error");
        if (m_.find_order_by_ref(provider::id, key, out_trade_no))
            return err(140014, "merchant order number already exists");
        return std::nullopt;
    }

    response buy(const std::string& key, std::optional<std::size_t> li, const std::string& out_trade_no,
                 const std::string& trade_url, std::optional<dec> max_price, std::optional<dec> buy_price)
    {
        if (auto refused = refused_order_no(key, out_trade_no, trade_url))
            return *refused;
        if (!li || b_.listings[*li].sold)
            return err(1207, "the item's price was changed by the seller or it was bought by someone else");
        const listing& l = b_.listings[*li];
        if (buy_price && *buy_price != l.price)
            return err(1403, "price changed, retry");
        if (max_price && l.price > *max_price)
            return err(1454, "item price is above the maximum purchase price");
        if (m_.account_of(provider::id, key).settled < l.price)
            return err(70001, "insufficient balance");
        outcome_choice out = m_.choose_outcome(provider::id, key, out_trade_no, *li);
        order& o = m_.new_order(provider::id, key, {*li}, l.price, out_trade_no, out, false);
        o.trade_url = trade_url;
        cs2dt::BuyResultDTO r;
        r.orderId = o.id;
        r.buyPrice = o.price;
        r.delivery = cs2dt::DeliverType::auto_;
        r.actualPay = o.price;
        r.orderAssetId = std::stoll(o.id);
        r.payStatus = 1;
        r.orderStatus = 1;
        r.requestId = "req-" + o.id;
        return ok(::cs2market::to_json(r));
    }

    /// A `new` market push for a listing put up for sale.
    void queue_market_new(const listing& l) { queue_market_push(l, cs2dt::MarketPushEvent::new_); }
    /// An `update` market push for a listing whose price changed.
    void queue_market_update(const listing& l) { queue_market_push(l, cs2dt::MarketPushEvent::update); }
    /// A `remove` market push for a listing that sold.
    void queue_market_remove(const listing& l) { queue_market_push(l, cs2dt::MarketPushEvent::remove); }

    /// A MarketPushMessage about `l` to every market push connection (sent by the ticker).
    void queue_market_push(const listing& l, cs2dt::MarketPushEvent event)
    {
        cs2dt::MarketPushMessage msg;
        msg.requestId = std::to_string(++ws_seq_);
        msg.event = event;
        cs2dt::MarketPushListing d;
        d.id = l.num_id;
        d.itemId = m_.type_of(l).item_id; // the item type id of sell_list and market_search
        d.price = l.price;
        if (event != cs2dt::MarketPushEvent::remove) {
            d.delivery = cs2dt::DeliverType::auto_;
            d.updateTime = unix_ms_auto(market::wall_ms());
        }
        msg.data = d;
        msg.sendTime = unix_ms_auto(market::wall_ms());
        m_.feeds.push([](const std::string& t) { return t.rfind(ws_path, 0) == 0; }, ::cs2market::to_json(msg));
    }

    /// A signed OrderStatusCallback of the order's current status, to the account's
    /// callback URL or the sandbox-wide one (none: nothing).
    void queue_callback(const order& o)
    {
        std::string url = b_.accounts[o.key].callback_url;
        if (url.empty())
            url = m_.opts.cs2dt_callback_url;
        if (url.empty())
            return;
        cs2dt::OrderStatusCallback cb;
        cb.orderId = std::stoll(o.id);
        cb.outTradeNo = o.ref;
        cb.status = ::cs2market::open_enum<cs2dt::OrderStatus>::from_wire(status_of(o.cur));
        cb.statusName = status_name(o.cur);
        if (o.cur == stage::offer_sent)
            cb.offerId = "of" + o.trade_offer_id;
        if (!o.trade_offer_id.empty())
            cb.tradeOfferId = o.trade_offer_id;
        cb.type = 0;
        cb.typeName = "BUYER_ORDER_STATUS";
        if (auto f = failed_code(o.cur))
            cb.failedCode = *f;
        auto body = cs2dt::signed_callback_body(cb, m_.opts.cs2dt_app_secret);
        if (!body)
            return;
        m_.callbacks.enqueue(url, *body);
    }

    market& m_;
    book& b_;
    std::int64_t ws_seq_ = 0;
};

} // namespace cs2market::sandbox
