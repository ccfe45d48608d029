// The job every I/O-style example does (blocking.cpp, callback.cpp, future.cpp,
// coroutine.cpp), written once so that the four files differ only in how they
// wait: find the cheapest CSBoard listing under a price, then buy it.
//
//   cs2market-example-<style> --base-url https://127.0.0.1:P --ca-file ca.pem
//
// (the sandbox: `cs2market-sandbox --ca-out ca.pem` prints its URL first).
#ifndef CS2MARKET_EXAMPLES_BUY_JOB_HPP
#define CS2MARKET_EXAMPLES_BUY_JOB_HPP

#include <cs2market/csboard.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace example {

namespace csboard = cs2market::csboard;

/// The client's settings from the command line; exits with a usage line when
/// they are missing.
inline cs2market::client_options options(int argc, char** argv)
{
    cs2market::client_options o;
    o.credential = "csb_pub_example"; // the sandbox takes any well-formed key
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--base-url")
            o.base_url = argv[i + 1];
        else if (flag == "--ca-file")
            o.ca_file = argv[i + 1];
    }
    if (o.base_url.empty() || o.ca_file.empty()) {
        std::cerr << "usage: " << argv[0] << " --base-url https://127.0.0.1:P --ca-file ca.pem\n";
        std::exit(2);
    }
    return o;
}

/// The lookup: listings up to 50 USD, cheapest first.
inline csboard::list_listings_params cheapest()
{
    csboard::list_listings_params p;
    p.max_price = cs2market::decimal::from_string("50");
    p.sort = csboard::ListingSort::price_asc;
    p.limit = 50;
    return p;
}

/// The first listing that can be delivered now (tradable, not under a trade
/// hold), or nullptr.
inline const csboard::Listing* pick(const csboard::ListingsPage& page)
{
    for (const auto& l : page.items)
        if (l.tradable.value_or(true) && l.delivery != csboard::DeliveryMode::hold)
            return &l;
    return nullptr;
}

/// The buy of `l`, at most its listed price. `custom_id` makes it idempotent:
/// CSBoard answers a repeat with the first outcome and never charges twice.
inline csboard::market_buy_params buy(const csboard::Listing& l, std::string custom_id)
{
    csboard::market_buy_params p;
    p.body.item_ids = {l.id};
    p.body.partner = "447383001"; // the Steam trade URL's partner and token
    p.body.token = "Ab3xZ9Qp";
    p.body.max_price_usd = l.price_usd;
    p.body.custom_id = std::move(custom_id);
    return p;
}

inline void print_found(const csboard::Listing& l)
{
    std::cout << "found " << l.id << " at " << l.price_usd.to_string() << " USD: " << l.market_hash_name << "\n";
}

inline void print_bought(const csboard::market_buy_params& p, const csboard::MarketBuyResponse& r)
{
    cs2market::decimal total;
    std::size_t items = 0;
    for (const auto& s : r.data.skins.value_or(std::vector<csboard::MarketBuySkin>{})) {
        total = total + s.price.value_or(cs2market::decimal{});
        ++items;
    }
    std::cout << "bought " << p.body.custom_id.value_or("") << ": purchase " << r.data.purchase_id.value_or("?") << ", "
              << items << " item(s), " << total.to_string() << " USD\n";
}

/// Prints a failed step's typed error (provider, HTTP status, code, message)
/// and answers the exit status.
inline int fail(std::string_view step, const cs2market::error& e)
{
    std::cerr << step << ": " << e.message() << "\n";
    return 1;
}
inline int fail(std::string_view step, std::string_view why)
{
    std::cerr << step << ": " << why << "\n";
    return 1;
}

} // namespace example

#endif
