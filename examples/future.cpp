// The buy job (buy_job.hpp) with futures: the io_context runs on a thread of
// its own, each async_call with use_future hands back a std::future of its
// result<T>, and the main thread waits on it with get().
#include "buy_job.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

int main(int argc, char** argv)
{
    namespace csboard = cs2market::csboard;
    boost::asio::io_context ioc;
    auto work = boost::asio::make_work_guard(ioc); // run() waits for calls not made yet
    std::thread io([&] { ioc.run(); });

    int status = [&] {
        // Destroyed (its connections closed) before the thread stops.
        csboard::client board(ioc.get_executor(), example::options(argc, argv));

        auto page = board.async_call<csboard::ops::list_listings>(example::cheapest(), boost::asio::use_future).get();
        if (!page)
            return example::fail("list_listings", page.error());
        const csboard::Listing* listing = example::pick(*page);
        if (!listing)
            return example::fail("list_listings", "nothing deliverable under the price");
        example::print_found(*listing);

        auto buy = example::buy(*listing, "example-future");
        auto bought = board.async_call<csboard::ops::market_buy>(buy, boost::asio::use_future).get();
        if (!bought)
            return example::fail("market_buy", bought.error());
        example::print_bought(buy, *bought);
        return 0;
    }();

    work.reset();
    ioc.stop(); // idle keep-alive connections would keep run() busy until they expire
    io.join();
    return status;
}
