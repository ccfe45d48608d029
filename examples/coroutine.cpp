// The buy job (buy_job.hpp) as a C++20 coroutine: co_await with use_awaitable
// suspends the coroutine, not the thread, until the result<T> is in.
#include "buy_job.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace {

namespace csboard = cs2market::csboard;

boost::asio::awaitable<int> buy_cheapest(csboard::client& board)
{
    using boost::asio::use_awaitable;
    // Named params, not temporaries, in co_await expressions: g++ 12 copies a
    // non-trivial temporary argument there bitwise (see the README).
    auto lookup = example::cheapest();
    auto page = co_await board.async_call<csboard::ops::list_listings>(lookup, use_awaitable);
    if (!page)
        co_return example::fail("list_listings", page.error());
    const csboard::Listing* listing = example::pick(*page);
    if (!listing)
        co_return example::fail("list_listings", "nothing deliverable under the price");
    example::print_found(*listing);

    auto buy = example::buy(*listing, "example-coroutine");
    auto bought = co_await board.async_call<csboard::ops::market_buy>(buy, use_awaitable);
    if (!bought)
        co_return example::fail("market_buy", bought.error());
    example::print_bought(buy, *bought);
    co_return 0;
}

} // namespace

int main(int argc, char** argv)
{
    boost::asio::io_context ioc;
    csboard::client board(ioc.get_executor(), example::options(argc, argv));
    int status = 1;
    boost::asio::co_spawn(ioc, buy_cheapest(board), [&](std::exception_ptr e, int s) {
        if (e)
            std::rethrow_exception(e); // a bug, not a market error: those are results
        status = s;
    });
    ioc.run();
    return status;
}
