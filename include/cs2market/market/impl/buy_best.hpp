// cs2market: async_buy_best's body (a template: the completion token).
#ifndef CS2MARKET_MARKET_IMPL_BUY_BEST_HPP
#define CS2MARKET_MARKET_IMPL_BUY_BEST_HPP

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>

#include <memory>
#include <utility>

namespace cs2market {

template <class CompletionToken>
auto async_buy_best(boost::asio::any_io_executor ex, std::vector<std::shared_ptr<buy_venue>> venues,
                    std::shared_ptr<journal> store, item_key item, quote_constraints c, decimal max_price, trade_url to,
                    buy_best_options o, CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(route_result)>(
        [](auto handler, boost::asio::any_io_executor ex, auto venues, auto store, item_key item, quote_constraints c,
           decimal max_price, trade_url to, buy_best_options o) {
            // std::function wants a copyable target: the handler is shared.
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            detail::run_route(ex, std::move(venues), std::move(store), std::move(item), std::move(c), max_price, std::move(to),
                              std::move(o), [h](route_result r) {
                                  auto hex = boost::asio::get_associated_executor(*h);
                                  boost::asio::dispatch(hex, [h, r = std::move(r)]() mutable { std::move(*h)(std::move(r)); });
                              });
        },
        token, std::move(ex), std::move(venues), std::move(store), std::move(item), std::move(c), max_price, std::move(to),
        std::move(o));
}

} // namespace cs2market

#endif
