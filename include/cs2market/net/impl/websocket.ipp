// cs2market: bodies of websocket.hpp and detail/websocket_impl.hpp.
#ifndef CS2MARKET_NET_IMPL_WEBSOCKET_IPP
#define CS2MARKET_NET_IMPL_WEBSOCKET_IPP

#include <cs2market/net/detail/websocket_impl.hpp>
#include <cs2market/net/websocket.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>

#include <stdexcept>

namespace cs2market {

/// One line, e.g. "reconnecting in 950 ms (attempt 2)" or
/// "disconnected from host:443: cs2dt: transport error: connection dropped by the server".
CS2MARKET_DECL std::string to_string(const websocket_status& s)
{
    std::string m{to_string(s.state)};
    if (!s.endpoint.empty() && s.state != websocket_state::reconnecting && s.state != websocket_state::message_error)
        m += (s.state == websocket_state::disconnected ? " from " : s.state == websocket_state::stopped ? " at " : " to ") +
             s.endpoint;
    if (s.state == websocket_state::reconnecting)
        m += " in " + std::to_string(s.delay.count()) + " ms";
    if ((s.state == websocket_state::connecting || s.state == websocket_state::reconnecting) && s.attempt > 0)
        m += " (attempt " + std::to_string(s.attempt) + ")";
    if (s.reason) {
        m += ": ";
        m += s.reason->message();
    }
    return m;
}

// ---- websocket_client -----------------------------------------------------------

CS2MARKET_DECL websocket_client::websocket_client(boost::asio::io_context& ioc, url_provider urls, message_handler on_message,
                                                  websocket_options opts, status_handler on_status)
    : impl_(std::make_shared<detail::websocket_impl>(ioc, std::move(urls), std::move(on_message), std::move(opts),
                                                     std::move(on_status)))
{
}

CS2MARKET_DECL websocket_client::websocket_client(url_provider urls, message_handler on_message, websocket_options opts,
                                                  status_handler on_status)
    : own_ioc_(std::make_unique<boost::asio::io_context>(1)),
      impl_(std::make_shared<detail::websocket_impl>(*own_ioc_, std::move(urls), std::move(on_message), std::move(opts),
                                                     std::move(on_status)))
{
}

CS2MARKET_DECL websocket_client::~websocket_client()
{
    stop();
}

CS2MARKET_DECL void websocket_client::start()
{
    impl_->enable_callbacks(true);
    boost::asio::post(impl_->strand, [self = impl_] { self->do_start(); });
}

CS2MARKET_DECL void websocket_client::stop()
{
    impl_->enable_callbacks(false);
    boost::asio::dispatch(impl_->strand, [self = impl_] { self->do_stop(); });
}

CS2MARKET_DECL void websocket_client::fail(error reason)
{
    boost::asio::dispatch(impl_->strand, [self = impl_, r = std::move(reason)]() mutable { self->do_fail(std::move(r)); });
}

CS2MARKET_DECL void websocket_client::report_message_error(error reason)
{
    websocket_status st;
    st.state = websocket_state::message_error;
    st.reason = std::move(reason);
    impl_->emit(std::move(st));
}

CS2MARKET_DECL std::optional<error> websocket_client::fatal_error() const
{
    std::lock_guard<std::mutex> lock(impl_->fatal_mutex);
    return impl_->fatal;
}

CS2MARKET_DECL boost::asio::io_context& websocket_client::context() noexcept
{
    return impl_->ioc;
}

CS2MARKET_DECL void websocket_client::run_for(std::chrono::steady_clock::duration d)
{
    auto& ioc = impl_->ioc;
    start();
    ioc.restart();
    try {
        ioc.run_for(d);
    } catch (...) {
        stop();
        drain();
        throw;
    }
    stop();
    drain();
}

CS2MARKET_DECL void websocket_client::run()
{
    start();
    impl_->ioc.restart();
    impl_->ioc.run();
}

CS2MARKET_DECL void websocket_client::drain()
{
    auto& ioc = impl_->ioc;
    ioc.restart();
    ioc.run_for(impl_->opts.upgrade_timeout + std::chrono::milliseconds(500));
}

} // namespace cs2market

namespace cs2market::detail {

CS2MARKET_DECL void websocket_session::abort()
{
    boost::system::error_code ec;
    if (auto r = resolving.lock())
        r->cancel();
    watchdog.cancel();
    boost::beast::get_lowest_layer(ws).socket().close(ec);
}

CS2MARKET_DECL websocket_impl::websocket_impl(boost::asio::io_context& c, url_provider u, message_handler m, websocket_options o, status_handler s)
    : ioc(c), strand(boost::asio::make_strand(c)), urls(std::move(u)), on_message(std::move(m)),
      on_status(std::move(s)), opts(std::move(o)), retry_timer(strand), age_timer(strand),
      rng(std::random_device{}())
{
    if (!urls || !on_message)
        throw std::invalid_argument("cs2market::websocket_client: empty url_provider or message_handler");
}

CS2MARKET_DECL void websocket_impl::enable_callbacks(bool on)
{
    std::lock_guard<std::recursive_mutex> lock(cb_mutex);
    callbacks = on;
}

CS2MARKET_DECL error websocket_impl::fail_error(error_kind k, std::string what, boost::system::error_code ec) const
{
    error e = make_error(k, std::move(what), opts.provider);
    e.system_code = ec;
    return e;
}

CS2MARKET_DECL void websocket_impl::emit(websocket_status st)
{
    if (!on_status)
        return;
    boost::asio::post(strand, [self = this->shared_from_this(), st = std::move(st)] {
        std::lock_guard<std::recursive_mutex> lock(self->cb_mutex);
        if (self->callbacks)
            self->on_status(st);
    });
}

CS2MARKET_DECL void websocket_impl::emit(websocket_state state, const std::string& endpoint, std::optional<error> reason)
{
    websocket_status st;
    st.state = state;
    st.endpoint = endpoint;
    st.reason = std::move(reason);
    emit(std::move(st));
}

CS2MARKET_DECL std::chrono::milliseconds websocket_impl::backoff(unsigned n)
{
    return opts.reconnect.delay_for(n, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
}

CS2MARKET_DECL result<void> websocket_impl::init_tls()
{
    if (ssl)
        return {};
    auto ctx = make_tls_context(opts.ca_file, opts.provider);
    if (!ctx)
        return ctx.error();
    ssl = std::move(*ctx);
    return {};
}

CS2MARKET_DECL void websocket_impl::do_start()
{
    if (running)
        return;
    running = true;
    ++epoch;
    failures = 0;
    attempt = 0;
    {
        std::lock_guard<std::mutex> lock(fatal_mutex);
        fatal.reset();
    }
    connect_attempt();
}

CS2MARKET_DECL void websocket_impl::do_stop()
{
    if (!running)
        return;
    running = false;
    ++epoch;
    retry_timer.cancel();
    age_timer.cancel();
    if (auto s = std::exchange(cur, nullptr))
        finish(s, boost::beast::websocket::close_code::normal);
}

CS2MARKET_DECL void websocket_impl::do_fail(error reason)
{
    if (!running)
        return;
    {
        std::lock_guard<std::mutex> lock(fatal_mutex);
        fatal = reason;
    }
    std::string endpoint = cur ? cur->url.endpoint : std::string();
    do_stop();
    emit(websocket_state::stopped, endpoint, std::move(reason));
}

CS2MARKET_DECL void websocket_impl::finish(const session_ptr& s, boost::beast::websocket::close_code code)
{
    if (!s->open || s->closing) {
        s->abort();
        return;
    }
    s->closing = true;
    s->watchdog.expires_after(opts.upgrade_timeout + std::chrono::milliseconds(500));
    s->watchdog.async_wait([s](boost::system::error_code ec) {
        if (!ec)
            s->abort(); // the peer did not complete the closing handshake in time
    });
    s->ws.async_close(code, [s](boost::system::error_code) { s->abort(); });
}

CS2MARKET_DECL void websocket_impl::connect_attempt()
{
    if (!running || cur)
        return;
    ++attempt;
    if (auto t = init_tls(); !t)
        return do_fail(t.error());
    std::optional<result<std::string>> url;
    {
        // Like a handler: never called once stop() has returned.
        std::lock_guard<std::recursive_mutex> lock(cb_mutex);
        if (!callbacks)
            return; // stop() was called; its do_stop is queued
        try {
            url.emplace(urls());
        } catch (const std::exception& e) {
            url.emplace(fail_error(error_kind::transport, std::string("the URL provider threw: ") + e.what()));
        } catch (...) {
            url.emplace(fail_error(error_kind::transport, "the URL provider threw"));
        }
    }
    if (!running || cur)
        return; // the provider stopped us
    if (!*url)
        return attempt_failed(url->error(), {}, {});
    auto parsed = parse_url(**url, url_kind::wss, opts.provider);
    if (!parsed)
        return attempt_failed(parsed.error(), {}, {});

    auto s = std::make_shared<websocket_session>(strand, *ssl, opts.max_message_size);
    s->url = std::move(*parsed);
    s->url_at = clock::now();
    cur = s;
    websocket_status st;
    st.state = websocket_state::connecting;
    st.endpoint = s->url.endpoint;
    st.attempt = attempt;
    emit(std::move(st));
    // The same opening as the HTTP executor's; the session is kept alive by the
    // completion handler until the coroutine is done with its stream.
    boost::asio::co_spawn(strand,
                          async_connect_tls(s->ws.next_layer(), s->url, opts, opts.provider, clock::time_point::max(),
                                            &s->resolving),
                          [self = this->shared_from_this(), s](std::exception_ptr ep, result<void> r) {
                              if (ep)
                                  r = self->fail_error(error_kind::transport, "connecting failed");
                              self->on_connected(s, std::move(r));
                          });
}

CS2MARKET_DECL void websocket_impl::arm_watchdog(const session_ptr& s, std::chrono::milliseconds d)
{
    s->watchdog.expires_after(d);
    s->watchdog.async_wait([s](boost::system::error_code ec) {
        if (ec || s->open || s->closing)
            return;
        s->timed_out = true;
        s->abort();
    });
}

CS2MARKET_DECL void websocket_impl::on_connected(const session_ptr& s, result<void> r)
{
    namespace websocket = boost::beast::websocket;
    if (s != cur)
        return;
    if (!r)
        return session_failed(s, std::move(r.error()));

    websocket::stream_base::timeout t{};
    t.handshake_timeout = opts.upgrade_timeout;
    t.idle_timeout = opts.idle_timeout.count() > 0 ? websocket::stream_base::duration(opts.idle_timeout)
                                                   : websocket::stream_base::none();
    t.keep_alive_pings = opts.keep_alive_pings && opts.idle_timeout.count() > 0;
    s->ws.set_option(t);
    s->ws.set_option(websocket::stream_base::decorator(
        [ua = opts.user_agent](websocket::request_type& req) { req.set(boost::beast::http::field::user_agent, ua); }));
    // The size limit is the read buffer's: exceeding it fails the read with
    // buffer_overflow and nothing else (Beast's own limit would start a closing
    // handshake whose outcome then hides the cause).
    s->ws.read_message_max(0);
    arm_watchdog(s, opts.upgrade_timeout + std::chrono::milliseconds(500));
    s->ws.async_handshake(s->response, s->url.host_header, s->url.target,
                          [self = this->shared_from_this(), s](boost::system::error_code e) { self->on_upgrade(s, e); });
}

CS2MARKET_DECL void websocket_impl::on_upgrade(const session_ptr& s, boost::system::error_code ec)
{
    namespace websocket = boost::beast::websocket;
    if (s != cur)
        return;
    s->watchdog.cancel();
    const std::string& where = s->url.endpoint;
    if (s->timed_out || ec == boost::beast::error::timeout)
        return session_failed(s, fail_error(error_kind::timeout, "WebSocket upgrade with " + where + " timed out", ec));
    if (ec == websocket::error::upgrade_declined) {
        error e = fail_error(error_kind::http_status,
                             "the server refused the WebSocket upgrade (HTTP " +
                                 std::to_string(s->response.result_int()) + ")",
                             ec);
        e.http_status = s->response.result_int();
        return session_failed(s, std::move(e));
    }
    if (ec)
        return session_failed(s, fail_error(error_kind::transport, "WebSocket upgrade with " + where + " failed: " + ec.message(), ec));

    s->open = true;
    s->opened_at = clock::now();
    attempt = 0;
    emit(websocket_state::connected, where);
    if (opts.max_session_age.count() > 0) {
        age_timer.expires_at(s->url_at + opts.max_session_age);
        age_timer.async_wait([self = this->shared_from_this(), s, e = epoch](boost::system::error_code tec) {
            if (!tec && e == self->epoch && s == self->cur && self->running)
                self->refresh(s);
        });
    }
    read(s);
}

CS2MARKET_DECL void websocket_impl::read(const session_ptr& s)
{
    s->ws.async_read(s->buffer, [self = this->shared_from_this(), s](boost::system::error_code ec, std::size_t) {
        self->on_read(s, ec);
    });
}

CS2MARKET_DECL void websocket_impl::on_read(const session_ptr& s, boost::system::error_code ec)
{
    namespace websocket = boost::beast::websocket;
    if (s != cur || !running)
        return;
    if (ec) {
        const std::string& where = s->url.endpoint;
        if (ec == boost::beast::error::timeout)
            return session_failed(
                s, fail_error(error_kind::timeout,
                              "nothing received from " + where + " for " + std::to_string(opts.idle_timeout.count()) +
                                  " ms" + (opts.keep_alive_pings ? " (pings unanswered)" : ""),
                              ec));
        if (ec == websocket::error::closed) {
            const auto& r = s->ws.reason();
            std::string why = "closed by the server (code " + std::to_string(static_cast<unsigned>(r.code));
            if (!r.reason.empty())
                why += ": " + std::string(r.reason.data(), r.reason.size());
            return session_failed(s, fail_error(error_kind::transport, why + ")", ec));
        }
        if (ec == websocket::error::buffer_overflow || ec == websocket::error::message_too_big)
            return session_failed(s, fail_error(error_kind::transport,
                                                "a message exceeded " + std::to_string(opts.max_message_size) +
                                                    " bytes",
                                                ec));
        if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated ||
            ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe)
            return session_failed(s, fail_error(error_kind::transport,
                                                "connection dropped by " + where + " (" + ec.message() + ")", ec));
        return session_failed(s, fail_error(error_kind::transport, "reading from " + where + " failed: " + ec.message(), ec));
    }
    auto data = s->buffer.data();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    {
        std::lock_guard<std::recursive_mutex> lock(cb_mutex);
        if (callbacks) {
            try {
                on_message(text);
            } catch (...) {
                s->buffer.consume(s->buffer.size());
                if (s == cur && running)
                    read(s); // keep reading; the exception leaves through io_context::run()
                throw;
            }
        }
    }
    s->buffer.consume(s->buffer.size());
    if (s == cur && running) // the handler may have stopped us
        read(s);
}

CS2MARKET_DECL void websocket_impl::refresh(const session_ptr& s)
{
    std::string where = s->url.endpoint;
    emit(websocket_state::refreshing, where);
    cur.reset();
    auto up = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - s->opened_at);
    finish(s, boost::beast::websocket::close_code::going_away);
    websocket_status d;
    d.state = websocket_state::disconnected;
    d.endpoint = where;
    d.connected_for = up;
    emit(std::move(d));
    websocket_status r;
    r.state = websocket_state::reconnecting;
    r.endpoint = where;
    emit(std::move(r));
    boost::asio::post(strand, [self = this->shared_from_this(), e = epoch] {
        if (e == self->epoch)
            self->connect_attempt();
    });
}

CS2MARKET_DECL void websocket_impl::session_failed(const session_ptr& s, error why)
{
    if (s != cur)
        return;
    cur.reset();
    age_timer.cancel();
    s->abort();
    auto up = s->open ? std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - s->opened_at)
                      : std::chrono::milliseconds(0);
    if (s->open && up >= opts.reconnect.max)
        failures = 0; // it was a healthy connection: start the backoff over
    attempt_failed(std::move(why), s->url.endpoint, up);
}

CS2MARKET_DECL void websocket_impl::attempt_failed(error why, const std::string& endpoint, std::chrono::milliseconds connected_for)
{
    if (!running)
        return;
    ++failures;
    auto delay = backoff(failures);
    websocket_status d;
    d.state = websocket_state::disconnected;
    d.endpoint = endpoint;
    d.attempt = failures;
    d.connected_for = connected_for;
    d.reason = std::move(why);
    emit(std::move(d));
    websocket_status r;
    r.state = websocket_state::reconnecting;
    r.endpoint = endpoint;
    r.attempt = failures;
    r.delay = delay;
    emit(std::move(r));
    retry_timer.expires_after(delay);
    retry_timer.async_wait([self = this->shared_from_this(), e = epoch](boost::system::error_code ec) {
        if (!ec && e == self->epoch)
            self->connect_attempt();
    });
}

} // namespace cs2market::detail

#endif
