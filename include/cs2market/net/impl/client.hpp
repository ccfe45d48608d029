// cs2market: template bodies of client.hpp.
#ifndef CS2MARKET_NET_IMPL_CLIENT_HPP
#define CS2MARKET_NET_IMPL_CLIENT_HPP

#include <cs2market/detail/redact.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <optional>
#include <type_traits>

namespace cs2market {
namespace detail {

/// One typed call's state in one allocation: the erased call (request, decoder,
/// lookup, record), its call_state (cancellation), the typed answer it is
/// decoded into, and the caller's handler, which gets that answer as the typed
/// result on its own executor. Shared (aliasing shared_ptrs) by the retry loop,
/// the cancellation slot and the completion. Nothing in it holds a shared_ptr
/// to it (that would be a cycle): the closures in `call` hold a plain pointer to
/// the block (one pointer: std::function keeps it in place, no allocation),
/// which outlives them (they are members of it).
template <class Handler, class T>
struct call_block final : call_completion::base {
    using work_t = std::decay_t<decltype(boost::asio::prefer(
        boost::asio::get_associated_executor(std::declval<Handler&>(), std::declval<boost::asio::any_io_executor&>()),
        boost::asio::execution::outstanding_work.tracked))>;

    call_block(Handler h, std::shared_ptr<client_state> st)
        : handler(std::move(h)), state(std::move(st)),
          work(boost::asio::prefer(boost::asio::get_associated_executor(handler, state->strand),
                                   boost::asio::execution::outstanding_work.tracked))
    {
    }

    void complete(result<void> r) override
    {
        namespace net = boost::asio;
        using R = result<response<T>>;
        auto cs = net::get_associated_cancellation_slot(handler);
        if (cs.is_connected())
            cs.clear();
        std::optional<R> out;
        if (r) {
            out.emplace(std::move(*slot));
        } else {
            error e = r.error();
            if (e.provider.empty())
                e.provider = state->provider;
            out.emplace(std::move(e));
        }
        auto ex = net::get_associated_executor(handler, state->strand);
        // post, not dispatch: never resume the caller (e.g. another coroutine)
        // inline from inside the engine's completion.
        net::post(ex, [h = std::move(handler), out = std::move(*out), w = std::move(work)]() mutable { std::move(h)(std::move(out)); });
    }

    erased_call call;
    call_state cs;
    std::optional<response<T>> slot;
    Handler handler;
    std::shared_ptr<client_state> state;
    work_t work;
};

} // namespace detail

template <class Provider>
basic_client<Provider>::basic_client(client_options opts) : ioc_(std::make_unique<boost::asio::io_context>(1))
{
    init(ioc_->get_executor(), std::move(opts));
}

template <class Provider>
basic_client<Provider>::basic_client(boost::asio::any_io_executor ex, client_options opts)
{
    init(std::move(ex), std::move(opts));
}

template <class Provider>
void basic_client<Provider>::init(boost::asio::any_io_executor ex, client_options opts)
{
    if (opts.credential.empty() && !Provider::info.credential_env.empty())
        if (const char* v = std::getenv(std::string(Provider::info.credential_env).c_str()))
            opts.credential = v;
    if (opts.base_url.empty())
        opts.base_url = std::string(Provider::info.default_base_url);
    st_ = std::make_shared<detail::client_state>(std::move(ex), std::move(opts), Provider::info.id);
    st_->endpoint = detail::parse_url(st_->opts.base_url, detail::url_kind::https_base, Provider::info.id);
}

template <class Provider>
template <class Token>
auto basic_client<Provider>::async_warm_up(std::size_t connections, Token&& token)
{
    return boost::asio::async_initiate<Token, void(result<void>)>(
        [st = st_, connections](auto handler) {
            auto ex = boost::asio::get_associated_executor(handler, st->strand);
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            boost::asio::dispatch(st->strand, [st, connections, h, ex] {
                st->keep_warm(std::max<std::size_t>(1, connections), [h, ex](result<void> r) {
                    boost::asio::post(ex, [h, r = std::move(r)]() mutable { std::move(*h)(std::move(r)); });
                });
            });
        },
        token);
}

template <class Provider>
result<void> basic_client<Provider>::warm_up(std::size_t connections)
{
    if (ioc_) {
        std::optional<result<void>> out;
        async_warm_up(connections, [&out](result<void> r) { out.emplace(std::move(r)); });
        ioc_->restart();
        ioc_->run();
        return std::move(*out);
    }
    return async_warm_up(connections, boost::asio::use_future).get();
}

template <class Provider>
template <class Op>
result<typename Op::response_type> basic_client<Provider>::call(const typename Op::params& params, const call_options& co)
{
    auto r = send<Op>(params, co);
    if (!r)
        return r.error();
    return std::move(r->value);
}

template <class Provider>
template <class Op>
result<response<typename Op::response_type>> basic_client<Provider>::send(const typename Op::params& params, const call_options& co)
{
    using R = result<response<typename Op::response_type>>;
    if (ioc_) {
        std::optional<R> out;
        async_send<Op>(params, co, [&out](R r) { out.emplace(std::move(r)); });
        ioc_->restart();
        ioc_->run();
        return std::move(*out);
    }
    return async_send<Op>(params, co, boost::asio::use_future).get();
}

template <class Provider>
template <class Op, class Token>
auto basic_client<Provider>::async_send(typename Op::params params, call_options co, Token&& token)
{
    static_assert(std::is_same_v<typename Op::provider, Provider>, "operation of another provider");
    using R = result<response<typename Op::response_type>>;
    return boost::asio::async_initiate<Token, void(R)>(
        [st = st_](auto handler, typename Op::params p, call_options c) {
            namespace net = boost::asio;
            using block_t = detail::call_block<decltype(handler), typename Op::response_type>;
            const auto pol = st->policies(c);
            auto cancel_slot = net::get_associated_cancellation_slot(handler);
            auto block = std::make_shared<block_t>(std::move(handler), st);
            auto ok = prepare<Op>(*block, std::move(p), pol);
            std::shared_ptr<detail::call_state> cs(block, &block->cs);
            if (cancel_slot.is_connected())
                cancel_slot.assign([cs, ex = st->strand](net::cancellation_type t) {
                    if (t != net::cancellation_type::none)
                        net::post(ex, [cs] { cs->cancel(); });
                });
            std::shared_ptr<detail::erased_call> call(block, &block->call);
            detail::call_completion completion{std::move(block)};
            if (!ok) {
                net::post(st->strand, [e = ok.error(), completion = std::move(completion)]() mutable { completion(nullptr, e); });
                return;
            }
            detail::spawn_call(st, std::move(call), pol, std::move(cs), std::move(completion));
        },
        token, std::move(params), std::move(co));
}

template <class Provider>
template <class Op, class Token>
auto basic_client<Provider>::async_call(typename Op::params params, call_options co, Token&& token)
{
    using R = result<typename Op::response_type>;
    return boost::asio::async_initiate<Token, void(R)>(
        [this](auto handler, typename Op::params p, call_options c) {
            // Taken before the handler is moved into the lambda below (argument
            // evaluation order is unspecified).
            auto cancel_slot = boost::asio::get_associated_cancellation_slot(handler);
            auto ex = boost::asio::get_associated_executor(handler, st_->strand);
            async_send<Op>(std::move(p), std::move(c),
                           boost::asio::bind_cancellation_slot(
                               cancel_slot, boost::asio::bind_executor(ex, [h = std::move(handler)](
                                                                               result<response<typename Op::response_type>> r) mutable {
                                   if (!r)
                                       std::move(h)(R(r.error()));
                                   else
                                       std::move(h)(R(std::move(r->value)));
                               })));
        },
        token, std::move(params), std::move(co));
}

/// Binds a typed call to an erased one (`b.call`, in the call's block): the
/// caller's or a generated id for buys, the request, a decoder into `b.slot`,
/// and the lookup by id. The closures hold a plain pointer to the block (see
/// detail::call_block).
template <class Provider>
template <class Op, class Block>
result<void> basic_client<Provider>::prepare(Block& b, typename Op::params params, const detail::call_policies& pol)
{
    using X = exactly_once_traits<Op>;
    Block* blk = &b;
    detail::erased_call* c = &b.call;
    const detail::client_state& st = *b.state;
    c->provider = Provider::info.id;
    c->operation = Op::name;
    c->method = Op::method;
    c->rate_limits = Op::rate_limits;
    c->errors = Op::errors;
    c->buy = X::enabled;
    operation_facts facts{Provider::info.id, Op::name, Op::method, X::enabled, X::provider_replays, false};
    if constexpr (X::enabled) {
        auto& id = X::id(params);
        if (!id && pol.idempotency.generate_ids)
            id = detail::generate_id();
        facts.has_id = id && !id->empty();
    }
    auto req = build_request<Op>(params, st.opts.credential);
    if (!req)
        return req.error();
    c->request = std::move(*req);
    c->request.idempotent = pol.idempotency.resendable(facts);
    c->request.replayed_header = X::replayed_header;
    if constexpr (X::enabled) {
        auto& id = X::id(params);
        if (st.opts.journal && pol.journal && facts.has_id) {
            // record_binding<Op>: defined by the provider's <p>/orders.hpp (the umbrella <p>.hpp includes it).
            recorded_buy buy{Provider::info.id, Op::name, *id, detail::redact(c->request.body, st.opts.credential), Op::errors};
            c->record = record_binding<Op>::record(st.opts.journal, std::move(buy), params,
                                                  [blk]() -> const typename Op::response_type& { return blk->slot->value; });
            if (!c->record) {
                auto e = detail::make_error(error_kind::journal, "the buy was not sent: its recorder made no record", Provider::info.id);
                e.idempotency_id = *id;
                return e;
            }
        }
        if (id) // moved: params are not used after this
            c->id = std::move(*id);
    }
    c->decode = [blk](const http_response& r) -> result<void> {
        const auto& o = blk->state->opts;
        std::optional<drift_report::binding> heard;
        if (o.drift)
            heard.emplace(*o.drift, Provider::info.id, Op::name);
        auto d = decode_response<Op>(r, o.credential, heard ? &*heard : nullptr);
        if (!d)
            return d.error();
        blk->slot = std::move(*d);
        return {};
    };
    if constexpr (X::enabled && X::has_lookup) {
        using L = typename X::lookup;
        static_assert(std::is_same_v<decltype(X::from_lookup(std::declval<const typename L::response_type&>(), std::string())),
                                     std::optional<result<response<typename Op::response_type>>>>,
                      "exactly_once_traits::from_lookup must tell the lookup's answer as the buy's answer");
        c->lookup = [blk]() -> std::shared_ptr<detail::erased_call> {
            auto l = std::make_shared<detail::erased_call>();
            l->provider = Provider::info.id;
            l->operation = L::name;
            l->method = L::method;
            l->rate_limits = L::rate_limits;
            l->id = blk->call.id;
            auto req = build_request<L>(X::lookup_params(l->id), blk->state->opts.credential);
            if (req) {
                l->request = std::move(*req);
                l->request.idempotent = true;
            }
            l->decode = [blk](const http_response& r) -> result<void> {
                const auto& o = blk->state->opts;
                const std::string& id = blk->call.id;
                std::optional<drift_report::binding> heard;
                if (o.drift)
                    heard.emplace(*o.drift, Provider::info.id, L::name);
                auto d = decode_response<L>(r, o.credential, heard ? &*heard : nullptr);
                if (!d && is_not_found(d.error(), L::errors))
                    return detail::make_error(error_kind::outcome_unknown, "no order under this id", Provider::info.id);
                if (!d)
                    return d.error();
                auto mapped = X::from_lookup(d->value, id);
                if (!mapped)
                    return detail::make_error(error_kind::outcome_unknown, "no order under this id", Provider::info.id);
                if (!*mapped)
                    return mapped->error();
                blk->slot = std::move(**mapped);
                return {};
            };
            return l;
        };
    }
    return {};
}

} // namespace cs2market

#endif
