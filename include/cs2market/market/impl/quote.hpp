// cs2market: async_quote's body (a template: the completion token).
#ifndef CS2MARKET_MARKET_IMPL_QUOTE_HPP
#define CS2MARKET_MARKET_IMPL_QUOTE_HPP

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace cs2market {

namespace detail {

/// The answers of every source, gathered under a lock: sources may complete on
/// different threads (each on its own client's executor).
template <class Handler>
class quote_gather {
public:
    quote_gather(Handler h, item_key item, quote_constraints c, std::size_t n)
        : handler_(std::move(h)), item_(std::move(item)), constraints_(std::move(c)), answers_(n), left_(n)
    {
    }

    void answer(std::size_t i, result<std::vector<quote>> r)
    {
        {
            std::lock_guard<std::mutex> lock(mu_);
            answers_[i] = std::move(r);
            if (--left_ > 0)
                return;
        }
        finish(merge_quotes(item_, constraints_, std::move(answers_)));
    }

    void finish(quotes q)
    {
        auto ex = boost::asio::get_associated_executor(handler_);
        boost::asio::dispatch(ex, [h = std::move(handler_), q = std::move(q)]() mutable { std::move(h)(std::move(q)); });
    }

private:
    Handler handler_;
    item_key item_;
    quote_constraints constraints_;
    std::mutex mu_;
    std::vector<result<std::vector<quote>>> answers_;
    std::size_t left_;
};

} // namespace detail

template <class CompletionToken>
auto async_quote(std::vector<std::shared_ptr<quote_source>> sources, item_key item, quote_constraints c,
                 CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(quotes)>(
        [](auto handler, std::vector<std::shared_ptr<quote_source>> srcs, item_key it, quote_constraints cons) {
            using H = decltype(handler);
            if (auto ok = cons.check(it); !ok || srcs.empty()) {
                quotes q;
                if (!ok)
                    q.errors.push_back(ok.error());
                detail::quote_gather<H>(std::move(handler), std::move(it), std::move(cons), 0).finish(std::move(q));
                return;
            }
            auto g = std::make_shared<detail::quote_gather<H>>(std::move(handler), it, cons, srcs.size());
            for (std::size_t i = 0; i < srcs.size(); ++i)
                srcs[i]->async_quotes(it, cons, [g, i, keep = srcs[i]](result<std::vector<quote>> r) {
                    if (!r && r.error().provider.empty()) // every error names its provider
                        r = [&] { error e = r.error(); e.provider = keep->provider(); return e; }();
                    g->answer(i, std::move(r));
                });
        },
        token, std::move(sources), std::move(item), std::move(c));
}

} // namespace cs2market

#endif
