// cs2market: bodies of journal.hpp.
#ifndef CS2MARKET_ORDERS_IMPL_JOURNAL_IPP
#define CS2MARKET_ORDERS_IMPL_JOURNAL_IPP

#include <cs2market/orders/journal.hpp>

#include <set>

namespace cs2market {

CS2MARKET_DECL journal::journal() = default;

CS2MARKET_DECL journal::~journal()
{
    stop_worker();
}

CS2MARKET_DECL void journal::stop_worker() noexcept
{
    worker_.stop();
}

CS2MARKET_DECL void journal::post_work(detail::journal_job job)
{
    worker_.post(std::move(job));
}

CS2MARKET_DECL void journal::post_unordered(detail::journal_job job)
{
    worker_.post(std::move(job));
}

namespace detail {
/// A buy the journal was not told what it intends: refused before it is sent.
class unbound_record final : public call_record {
public:
    explicit unbound_record(const recorded_buy& b) : provider_(b.provider), id_(b.id) {}
    boost::asio::awaitable<result<void>> before_send(std::chrono::milliseconds) override
    {
        error e = make_error(error_kind::journal,
                             "the buy was not sent: the order journal records a buy only through its record_binding", provider_);
        e.idempotency_id = id_;
        co_return e;
    }
    boost::asio::awaitable<std::optional<result<void>>> after_answer(result<void>, bool) override { co_return std::nullopt; }

private:
    provider_id provider_;
    std::string id_;
};
} // namespace detail

CS2MARKET_DECL std::shared_ptr<call_record> journal::record(const recorded_buy& buy)
{
    return std::make_shared<detail::unbound_record>(buy);
}

CS2MARKET_DECL provider_id intern_provider_id(std::string_view name)
{
    // Never destroyed: a journal's thread may still read a journal at exit (see
    // journal_statements). Nodes never move: the views stay valid.
    static auto& m = *new std::mutex;
    static auto& names = *new std::set<std::string, std::less<>>;
    std::lock_guard<std::mutex> lk(m);
    auto it = names.find(name);
    if (it == names.end())
        it = names.emplace(name).first;
    return provider_id{*it};
}

} // namespace cs2market

#endif
