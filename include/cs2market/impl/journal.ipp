// cs2market: bodies of journal.hpp.
#ifndef CS2MARKET_IMPL_JOURNAL_IPP
#define CS2MARKET_IMPL_JOURNAL_IPP

#include <cs2market/journal.hpp>

#include <set>

namespace cs2market {

CS2MARKET_DECL journal::journal()
    : worker_([s = state_] {
          // Touches only `s`: the job that held the journal's last reference
          // destroys it here, on this thread (see stop_worker).
          for (;;) {
              std::unique_lock<std::mutex> lk(s->m);
              s->cv.wait(lk, [&] { return s->stopping || !s->jobs.empty(); });
              if (s->jobs.empty())
                  return; // stopping, and every queued write is done
              detail::journal_job job = std::move(s->jobs.front());
              s->jobs.pop_front();
              lk.unlock();
              job();
          }
      })
{
}

CS2MARKET_DECL journal::~journal()
{
    stop_worker();
}

CS2MARKET_DECL void journal::stop_worker() noexcept
{
    {
        std::lock_guard<std::mutex> lk(state_->m);
        state_->stopping = true;
    }
    state_->cv.notify_all();
    if (!worker_.joinable())
        return;
    if (worker_.get_id() == std::this_thread::get_id())
        worker_.detach(); // destroyed by its own last job: the thread cannot join itself, and ends by itself
    else
        worker_.join();
}

CS2MARKET_DECL void journal::post_work(detail::journal_job job)
{
    {
        std::lock_guard<std::mutex> lk(state_->m);
        state_->jobs.push_back(std::move(job));
    }
    state_->cv.notify_one();
}

CS2MARKET_DECL provider_id intern_provider_id(std::string_view name)
{
    static std::mutex m;
    static std::set<std::string, std::less<>> names; // nodes never move: the views stay valid
    std::lock_guard<std::mutex> lk(m);
    auto it = names.find(name);
    if (it == names.end())
        it = names.emplace(name).first;
    return provider_id{*it};
}

} // namespace cs2market

#endif
