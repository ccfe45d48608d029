// cs2market: bodies of detail/serial_worker.hpp.
#ifndef CS2MARKET_IMPL_SERIAL_WORKER_IPP
#define CS2MARKET_IMPL_SERIAL_WORKER_IPP

#include <cs2market/detail/serial_worker.hpp>

namespace cs2market::detail {

CS2MARKET_DECL serial_worker::serial_worker(std::size_t threads)
    : s_(std::make_shared<state>()), max_threads_(threads == 0 ? 1 : threads)
{
    std::lock_guard<std::mutex> lk(s_->m);
    start_thread();
}

CS2MARKET_DECL void serial_worker::start_thread()
{
    threads_.emplace_back([s = s_] {
        std::unique_lock<std::mutex> lk(s->m);
        for (;;) {
            ++s->idle;
            s->cv.wait(lk, [&] { return s->stopping || !s->jobs.empty(); });
            --s->idle;
            if (s->jobs.empty())
                return; // stopping, and every queued job is done
            {
                auto job = std::move(s->jobs.front());
                s->jobs.pop_front();
                lk.unlock();
                job();
            } // its captures released (maybe the owner's last reference: stop() locks) before relocking
            lk.lock();
        }
    });
}

CS2MARKET_DECL serial_worker::~serial_worker()
{
    stop();
}

CS2MARKET_DECL void serial_worker::post(unique_function<void()> job)
{
    {
        std::lock_guard<std::mutex> lk(s_->m);
        s_->jobs.push_back(std::move(job));
        // More jobs waiting than threads free to take them: one more thread,
        // up to the bound (never after stop: nothing would join it).
        if (!s_->stopping && s_->jobs.size() > s_->idle && threads_.size() < max_threads_)
            start_thread();
    }
    s_->cv.notify_one();
}

CS2MARKET_DECL void serial_worker::stop() noexcept
{
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lk(s_->m);
        s_->stopping = true;
        threads.swap(threads_);
    }
    s_->cv.notify_all();
    for (auto& t : threads) {
        if (!t.joinable())
            continue;
        if (t.get_id() == std::this_thread::get_id())
            t.detach(); // destroyed from one of its own jobs: the loop ends on its own
        else
            t.join();
    }
}

} // namespace cs2market::detail

#endif
