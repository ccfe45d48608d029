// The buy job (buy_job.hpp) with completion handlers: each async_call returns
// at once and calls its handler on the io_context's thread with the result<T>.
// The buy starts from the lookup's handler; ioc.run() returns when both are done.
#include "buy_job.hpp"

#include <boost/asio/io_context.hpp>

int main(int argc, char** argv)
{
    namespace csboard = cs2market::csboard;
    boost::asio::io_context ioc;
    csboard::client board(ioc.get_executor(), example::options(argc, argv));
    int status = 1;

    board.async_call<csboard::ops::list_listings>(example::cheapest(), [&](cs2market::result<csboard::ListingsPage> page) {
        if (!page) {
            status = example::fail("list_listings", page.error());
            return;
        }
        const csboard::Listing* listing = example::pick(*page);
        if (!listing) {
            status = example::fail("list_listings", "nothing deliverable under the price");
            return;
        }
        example::print_found(*listing);
        // The params are the call's own copy; the handler keeps one to print.
        auto buy = example::buy(*listing, "example-callback");
        board.async_call<csboard::ops::market_buy>(buy, [&, buy](cs2market::result<csboard::MarketBuyResponse> bought) {
            if (!bought) {
                status = example::fail("market_buy", bought.error());
                return;
            }
            example::print_bought(buy, *bought);
            status = 0;
        });
    });

    ioc.run();
    return status;
}
