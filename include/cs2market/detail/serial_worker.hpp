// cs2market internal: one thread running queued jobs in order — a store's own
// thread (the journal's, the shared rate budgets'), so that no database round
// trip runs on a caller's io_context. With more threads (a store with several
// connections), jobs start in the order posted and run side by side; a thread
// beyond the first starts only when a job finds every running one busy, so a
// process with one job at a time (a CLI call) runs one thread.
#ifndef CS2MARKET_DETAIL_SERIAL_WORKER_HPP
#define CS2MARKET_DETAIL_SERIAL_WORKER_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/detail/unique_function.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace cs2market::detail {

class serial_worker {
public:
    CS2MARKET_DECL explicit serial_worker(std::size_t threads = 1);
    CS2MARKET_DECL ~serial_worker();
    serial_worker(const serial_worker&) = delete;
    serial_worker& operator=(const serial_worker&) = delete;

    CS2MARKET_DECL void post(unique_function<void()> job);
    /// Runs every queued job, then stops the threads. Called by one of its own
    /// jobs (a job that held the last reference to the worker's owner), it lets
    /// that thread finish by itself instead.
    CS2MARKET_DECL void stop() noexcept;

private:
    // The thread keeps the queue alive: the owner may be destroyed on it.
    struct state {
        std::mutex m;
        std::condition_variable cv;
        std::deque<unique_function<void()>> jobs;
        bool stopping = false;
        std::size_t idle = 0; ///< threads waiting for a job
    };
    CS2MARKET_DECL void start_thread(); // with s_->m held

    std::shared_ptr<state> s_;
    std::size_t max_threads_;
    std::vector<std::thread> threads_; ///< guarded by s_->m
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/serial_worker.ipp>
#endif

#endif
