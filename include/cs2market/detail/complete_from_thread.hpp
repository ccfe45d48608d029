// cs2market internal: completing an asynchronous operation from another thread (a
// store's worker) on the caller's executor, without touching the caller's
// io_context after it may be gone.
#ifndef CS2MARKET_DETAIL_COMPLETE_FROM_THREAD_HPP
#define CS2MARKET_DETAIL_COMPLETE_FROM_THREAD_HPP

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <utility>

namespace cs2market::detail {

/// Keeps the handler's executor busy until the result is posted back (see complete_from_thread).
template <class Handler>
auto keep_busy(const Handler& h)
{
    return boost::asio::prefer(boost::asio::get_associated_executor(h), boost::asio::execution::outstanding_work.tracked);
}

/// Posts `h(result)` to the handler's executor, from a thread of our own. `work`
/// (keep_busy) is released only after this thread has let go of every copy of the
/// caller's executor: a blocking call's run() returns once its handler has run,
/// and its io_context (with the strands in it) is destroyed; a strand copy
/// dropped here after that wrote to freed memory (the trader demo crashed 1 run
/// in ~30).
template <class Handler, class Work, class Result>
void complete_from_thread(Handler h, Work work, Result result)
{
    {
        auto ex = boost::asio::get_associated_executor(h);
        boost::asio::post(ex, [h = std::move(h), r = std::move(result)]() mutable { std::move(h)(std::move(r)); });
    }
    [[maybe_unused]] auto last = std::move(work); // released here, after the executor copy above
}

} // namespace cs2market::detail

#endif
