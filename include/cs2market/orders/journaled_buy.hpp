// cs2market: the order journal as the executor's recorder of buys
// (call_recorder.hpp). A buy through a client with a journal is journaled as an
// order (phase submitted, with what it intends and its ceiling) durably before
// its request leaves the process; a buy the journal cannot record is not sent,
// nor one whose id is journaled already. Its answer, or its failure as the
// schema classifies it, is applied to the order after.
//
// Each provider's <p>/orders.hpp defines the record_binding of its buys from
// journaled_buy<Op>, which finds the provider's order_intent_of(params) and
// order_observation_of(answer) beside the operation's types:
//
//   template <> struct record_binding<cs2dt::ops::buy_item> : journaled_buy<cs2dt::ops::buy_item> {};
#ifndef CS2MARKET_ORDERS_JOURNALED_BUY_HPP
#define CS2MARKET_ORDERS_JOURNALED_BUY_HPP

#include <cs2market/net/call_recorder.hpp>
#include <cs2market/detail/config.hpp>
#include <cs2market/orders/journal.hpp>
#include <cs2market/operation.hpp>
#include <cs2market/orders/order.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace cs2market {
namespace detail {

/// The observation a buy's failure makes: `sent` says whether the request may
/// have reached the provider. Only a refusal (classify_buy_failure) is a failure,
/// with nothing charged and the fault the documented error says; anything else
/// leaves the order unknown, to be reconciled by its id.
CS2MARKET_DECL order_observation failed_buy_observation(const error& e, bool sent, std::span<const documented_error> errors);

/// One buy's record in a journal: record_intent before the request is sent,
/// the answer applied to the journaled order after.
class journal_record final : public call_record {
public:
    CS2MARKET_DECL journal_record(std::shared_ptr<journal> store, const recorded_buy& buy, const order_intent& intent,
                                  std::function<order_observation()> answered);

    CS2MARKET_DECL boost::asio::awaitable<result<void>> before_send(std::chrono::milliseconds send_window) override;
    CS2MARKET_DECL boost::asio::awaitable<std::optional<result<void>>> after_answer(result<void> outcome, bool sent) override;

private:
    std::shared_ptr<journal> store_;
    order intent_; ///< phase submitted: provider, id, operation, item, ceiling
    std::string request_;
    std::span<const documented_error> errors_;
    std::function<order_observation()> answered_; ///< the decoded answer as an observation (after success)
    std::optional<order> journaled_;              ///< as record_intent stored it
};

} // namespace detail

/// The record_binding of a buy `Op` for the order journal: what the buy intends
/// (order_intent_of(params)) and its answer as an order
/// (order_observation_of(answer)), both the provider's, found beside Op's types.
template <class Op>
struct journaled_buy {
    static order_intent intent(const typename Op::params& p) { return order_intent_of(p); }
    static order_observation observe(const typename Op::response_type& r) { return order_observation_of(r); }

    /// A journal records the buy as an order; any other recorder gets what the
    /// executor knows of it (call_recorder::record).
    static std::shared_ptr<call_record> record(const std::shared_ptr<call_recorder>& to, recorded_buy buy,
                                               const typename Op::params& p,
                                               std::function<const typename Op::response_type&()> answer)
    {
        auto store = std::dynamic_pointer_cast<journal>(to);
        if (!store)
            return to->record(buy);
        return std::make_shared<detail::journal_record>(std::move(store), buy, intent(p),
                                                        [answer = std::move(answer)] { return observe(answer()); });
    }
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/orders/impl/journaled_buy.ipp>
#endif

#endif
