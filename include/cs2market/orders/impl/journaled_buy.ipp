// cs2market: bodies of journaled_buy.hpp.
#ifndef CS2MARKET_ORDERS_IMPL_JOURNALED_BUY_IPP
#define CS2MARKET_ORDERS_IMPL_JOURNALED_BUY_IPP

#include <cs2market/orders/journaled_buy.hpp>

#include <boost/asio/use_awaitable.hpp>

namespace cs2market::detail {

CS2MARKET_DECL order_observation failed_buy_observation(const error& e, bool sent, std::span<const documented_error> errors)
{
    order_observation o;
    o.source = observation_source::buy;
    if (classify_buy_failure(e, sent, errors) != buy_outcome::refused) {
        // It may have been bought: reconciled by its id, never taken for a failure.
        o.phase = order_phase::unknown;
        o.failure_code = e.provider_code;
        return o;
    }
    // Refused by the provider, or never sent: nothing was charged.
    o.phase = order_phase::failed;
    o.refunded = true;
    o.failure_code = e.provider_code.empty() ? std::string(to_string(e.kind)) : e.provider_code;
    o.failed_by = e.kind == error_kind::invalid_argument ? fault_party::caller : fault_party::unknown;
    if (const auto* d = documented(e, errors)) {
        switch (d->fault) {
        case error_fault::recipient: o.failed_by = fault_party::recipient; break;
        case error_fault::provider: o.failed_by = fault_party::provider; break;
        case error_fault::caller: o.failed_by = fault_party::caller; break;
        default: break;
        }
    }
    return o;
}

CS2MARKET_DECL journal_record::journal_record(std::shared_ptr<journal> store, const recorded_buy& buy, const order_intent& intent,
                                              std::function<order_observation()> answered)
    : store_(std::move(store)), request_(buy.request), errors_(buy.errors), answered_(std::move(answered))
{
    intent_.provider = buy.provider;
    intent_.id = buy.id;
    intent_.operation = std::string(buy.operation);
    intent_.item_name = intent.item_name;
    intent_.max_price = intent.max_price;
    intent_.price = intent.max_price;
    intent_.phase = order_phase::submitted;
    intent_.created_at = now_unix_ms();
}

CS2MARKET_DECL boost::asio::awaitable<result<void>> journal_record::before_send(std::chrono::milliseconds send_window)
{
    // The call's deadline, journaled with the intent: no attempt leaves after it,
    // so a reconciliation elsewhere (another process's resume) waits for it and
    // never fails a buy that a rate-limit wait or a retry could still send.
    order intent = intent_;
    intent.send_deadline = now_unix_ms() + send_window.count();
    auto store = store_;
    // Named first: g++ 12 miscompiles non-trivial temporaries in a co_await expression.
    auto record = [store, o = std::move(intent), req = request_] { return store->record_intent(o, req); };
    auto recorded = co_await store->async_run_unordered<result<intent_record>>(std::move(record), boost::asio::use_awaitable);
    if (!recorded) {
        error e = recorded.error();
        e.provider = intent_.provider;
        e.idempotency_id = intent_.id;
        e.detail = "the buy was not sent: " + e.detail;
        co_return e;
    }
    if (!recorded->created) {
        error e = make_error(error_kind::duplicate_id,
                             "this idempotency id is journaled already (phase " + std::string(to_string(recorded->journaled.phase)) +
                                 "): the buy is not sent again",
                             intent_.provider);
        e.idempotency_id = intent_.id;
        co_return e;
    }
    journaled_ = std::move(recorded->journaled);
    co_return result<void>{};
}

CS2MARKET_DECL boost::asio::awaitable<std::optional<result<void>>> journal_record::after_answer(result<void> outcome, bool sent)
{
    if (!journaled_)
        co_return std::nullopt;
    order o = std::move(*journaled_);
    journaled_.reset();
    order_observation obs = outcome ? answered_() : failed_buy_observation(outcome.error(), sent, errors_);
    obs.provider = intent_.provider;
    obs.id = intent_.id;
    auto ch = apply_observation(o, obs, now_unix_ms());
    if (!ch)
        co_return std::nullopt;
    // Not being able to record the answer loses nothing: the order stays
    // submitted and resume() reconciles it by its id.
    auto store = store_;
    auto save = [store, o, change = *ch] { return store->save(o, &change); };
    auto saved = co_await store->async_run_unordered<result<bool>>(std::move(save), boost::asio::use_awaitable);
    if (!saved)
        co_return std::optional<result<void>>(saved.error());
    co_return std::optional<result<void>>(result<void>{});
}

} // namespace cs2market::detail

#endif
