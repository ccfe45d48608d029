// cs2market::testing — a real WSS (WebSocket over TLS) server on loopback, for tests.
//
// wss_server listens on 127.0.0.1 (OS-chosen port) with a throwaway TLS
// identity and accepts WebSocket upgrades on any path. It records the target
// (path + query) of every upgrade request, lets a test push text messages to the
// open connections, end them abruptly (TCP close: no close frame, no TLS
// close_notify) or with a close frame, refuse upgrades with an HTTP status, and
// stop answering (no reads: pings go unanswered). It runs its own io_context on
// one background thread; user hooks run on that thread.
#pragma once

#include <cs2market/testing/tls_identity.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace cs2market::testing {

class wss_server {
public:
    /// Called on the io thread for every upgrade it accepts; the returned texts are
    /// sent on that connection first, in order.
    using open_handler = std::function<std::vector<std::string>(const std::string& target)>;

    explicit wss_server(tls_identity id = make_tls_identity()) : impl_(std::make_shared<impl>(std::move(id)))
    {
        impl_->start();
        std::shared_ptr<impl> self = impl_;
        thread_ = std::thread([self] { self->run(); });
    }

    wss_server(const wss_server&) = delete;
    wss_server& operator=(const wss_server&) = delete;

    ~wss_server()
    {
        stop();
        std::error_code ec;
        std::filesystem::remove(impl_->ca_file, ec);
    }

    unsigned short port() const { return impl_->port; }
    /// "wss://127.0.0.1:<port>"
    std::string base_url() const { return "wss://127.0.0.1:" + std::to_string(impl_->port); }
    /// base_url() + target, e.g. url("/ws?token=a").
    std::string url(std::string_view target = "/") const { return base_url() + std::string(target); }
    const tls_identity& identity() const { return impl_->identity; }
    /// A temp file (unique per server, removed by the destructor) holding identity().ca_cert_pem.
    std::string ca_file() const { return impl_->ca_file; }

    /// Targets (path + query, as sent) of every upgrade request read, accepted or refused, in order.
    std::vector<std::string> targets() const
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        return impl_->targets;
    }
    std::size_t upgrade_requests() const
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        return impl_->targets.size();
    }
    /// Upgrades accepted so far (connections that became WebSocket connections).
    std::size_t upgrades_accepted() const { return impl_->accepted.load(); }
    /// WebSocket connections open right now.
    std::size_t open_connections() const { return impl_->open.load(); }
    /// TCP connections accepted so far (whether or not TLS and the upgrade succeeded).
    std::size_t connection_count() const { return impl_->connections.load(); }

    /// Waits until at least `n` upgrade requests were read / upgrades accepted /
    /// connections are open. False on timeout.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return impl_->wait(timeout, [&] { return impl_->targets.size() >= n; });
    }
    bool wait_for_upgrades(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return impl_->wait(timeout, [&] { return impl_->accepted.load() >= n; });
    }
    bool wait_for_open(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return impl_->wait(timeout, [&] { return impl_->open.load() >= n; });
    }
    /// Waits until no WebSocket connection is open. False on timeout.
    bool wait_for_closed(std::chrono::milliseconds timeout) const
    {
        return impl_->wait(timeout, [&] { return impl_->open.load() == 0; });
    }

    /// From now on, answer upgrade requests with this HTTP status (and close) instead of 101.
    void refuse_upgrades(unsigned status = 403) { impl_->refuse_status.store(status); }
    void accept_upgrades() { impl_->refuse_status.store(0); }
    /// From now on, new connections are not read: pings and close frames go unanswered.
    void set_responsive(bool yes) { impl_->responsive.store(yes); }
    /// From now on, drop every connection right after its upgrade (after the on_open messages are queued).
    void set_drop_on_open(bool yes) { impl_->drop_on_open.store(yes); }
    void on_open(open_handler h)
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->open_hook = std::move(h);
    }

    /// Sends a text message on every open connection; returns how many. Waits (bounded) until queued.
    std::size_t push(std::string text)
    {
        return impl_->on_io([text = std::move(text)](impl& s) {
            std::size_t n = 0;
            for (auto& sp : s.live())
                if (sp->is_open()) {
                    sp->send(text);
                    ++n;
                }
            return n;
        });
    }

    /// Sends a text message on the open connections whose upgrade target (path + query)
    /// satisfies `which`; returns how many. Waits (bounded) until queued.
    std::size_t push_if(std::function<bool(const std::string& target)> which, std::string text)
    {
        return impl_->on_io([which = std::move(which), text = std::move(text)](impl& s) {
            std::size_t n = 0;
            for (auto& sp : s.live())
                if (sp->is_open() && which(std::string(sp->request.target()))) {
                    sp->send(text);
                    ++n;
                }
            return n;
        });
    }

    /// Ends every open connection abruptly: TCP close, no close frame, no TLS close_notify.
    std::size_t drop_all()
    {
        return impl_->on_io([](impl& s) {
            std::size_t n = 0;
            for (auto& sp : s.live())
                if (sp->is_open()) {
                    sp->close();
                    ++n;
                }
            return n;
        });
    }

    /// Ends every open connection with a close frame (after what is queued is sent).
    std::size_t close_all(std::uint16_t code = 1000, std::string reason = {})
    {
        return impl_->on_io([code, reason = std::move(reason)](impl& s) {
            std::size_t n = 0;
            for (auto& sp : s.live())
                if (sp->is_open()) {
                    sp->close_with_frame(code, reason);
                    ++n;
                }
            return n;
        });
    }

    /// Closes the listener and every connection, joins the io thread. Idempotent;
    /// bounded (~5 s at worst, then the thread is detached).
    void stop()
    {
        if (!thread_.joinable())
            return;
        impl_->request_stop();
        if (!impl_->wait_finished(std::chrono::seconds(2))) {
            impl_->ioc.stop();
            if (!impl_->wait_finished(std::chrono::seconds(3))) {
                thread_.detach();
                return;
            }
        }
        thread_.join();
    }

private:
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;
    using ws_type = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

    static constexpr std::chrono::seconds handshake_timeout{5};

    struct session;

    struct impl {
        tls_identity identity;
        std::string ca_file;
        unsigned short port = 0;
        std::atomic<std::thread::id> io_thread{};

        mutable std::mutex mutex;
        mutable std::condition_variable cv;
        std::vector<std::string> targets;
        open_handler open_hook;
        std::atomic<std::size_t> connections{0}, accepted{0}, open{0};
        std::atomic<unsigned> refuse_status{0};
        std::atomic<bool> responsive{true};
        std::atomic<bool> drop_on_open{false};

        std::mutex done_mutex;
        std::condition_variable done_cv;
        bool done = false;

        boost::asio::ssl::context ssl_ctx{boost::asio::ssl::context::tls_server};
        std::vector<std::shared_ptr<session>> sessions; // io thread only; keeps idle sessions alive
        boost::asio::io_context ioc{1};
        std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
        tcp::acceptor acceptor{ioc};
        bool stopping = false; // io thread only

        explicit impl(tls_identity id) : identity(std::move(id))
        {
            SSL_CTX_set_min_proto_version(ssl_ctx.native_handle(), TLS1_2_VERSION);
            ssl_ctx.use_certificate_chain(boost::asio::buffer(identity.server_cert_pem.data(), identity.server_cert_pem.size()));
            ssl_ctx.use_private_key(boost::asio::buffer(identity.server_key_pem.data(), identity.server_key_pem.size()),
                                    boost::asio::ssl::context::pem);
            ca_file = make_ca_file_path();
            write_file(ca_file, identity.ca_cert_pem);
        }

        static std::string make_ca_file_path()
        {
            static std::atomic<unsigned> counter{0};
            std::random_device rd;
            std::uint64_t r = (std::uint64_t{rd()} << 32) ^ rd();
            char hex[17];
            static constexpr char digits[] = "0123456789abcdef";
            for (int i = 15; i >= 0; --i, r >>= 4)
                hex[i] = digits[r & 0xF];
            hex[16] = '\0';
            auto name = std::string("cs2market-wss-ca-") + hex + "-" + std::to_string(counter.fetch_add(1)) + ".pem";
            return (std::filesystem::temp_directory_path() / name).string();
        }

        void start()
        {
            const tcp::endpoint ep(boost::asio::ip::make_address_v4("127.0.0.1"), 0);
            acceptor.open(ep.protocol());
            acceptor.set_option(tcp::acceptor::reuse_address(true));
            acceptor.bind(ep);
            acceptor.listen(boost::asio::socket_base::max_listen_connections);
            port = acceptor.local_endpoint().port();
            work.emplace(ioc.get_executor());
            do_accept();
        }

        void run()
        {
            io_thread.store(std::this_thread::get_id());
            for (;;) {
                try {
                    ioc.run();
                    break;
                } catch (...) {
                    // A hook threw (it should not); keep serving.
                }
            }
            {
                std::lock_guard<std::mutex> lock(done_mutex);
                done = true;
            }
            done_cv.notify_all();
        }

        bool wait_finished(std::chrono::milliseconds timeout)
        {
            std::unique_lock<std::mutex> lock(done_mutex);
            return done_cv.wait_for(lock, timeout, [this] { return done; });
        }

        template <class Pred>
        bool wait(std::chrono::milliseconds timeout, Pred pred) const
        {
            std::unique_lock<std::mutex> lock(mutex);
            return cv.wait_for(lock, timeout, pred);
        }

        void notify()
        {
            { std::lock_guard<std::mutex> lock(mutex); }
            cv.notify_all();
        }

        /// Runs `f(*this)` on the io thread and returns its result (waits at most 5 s; 0 then).
        template <class F>
        std::size_t on_io(F f)
        {
            if (std::this_thread::get_id() == io_thread.load())
                return f(*this);
            auto task = std::make_shared<std::packaged_task<std::size_t()>>([this, f = std::move(f)]() mutable { return f(*this); });
            auto fut = task->get_future();
            boost::asio::post(ioc, [task] { (*task)(); });
            if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
                return 0;
            return fut.get();
        }

        std::vector<std::shared_ptr<session>> live()
        {
            std::erase_if(sessions, [](const std::shared_ptr<session>& s) { return s->closed; });
            return sessions;
        }

        void request_stop()
        {
            boost::asio::post(ioc, [this] {
                stopping = true;
                error_code ec;
                acceptor.close(ec);
                for (auto& s : live())
                    s->close();
                sessions.clear();
                work.reset();
            });
        }

        void do_accept()
        {
            acceptor.async_accept([this](error_code ec, tcp::socket socket) {
                if (ec || stopping)
                    return;
                connections.fetch_add(1);
                std::erase_if(sessions, [](const std::shared_ptr<session>& p) { return p->closed; });
                auto s = std::make_shared<session>(*this, std::move(socket));
                sessions.push_back(s);
                s->start();
                do_accept();
            });
        }
    };

    struct session : std::enable_shared_from_this<session> {
        impl& server;
        ws_type ws;
        boost::beast::flat_buffer buffer;
        boost::beast::http::request<boost::beast::http::string_body> request;
        boost::beast::http::response<boost::beast::http::string_body> refusal;
        std::deque<std::string> outbox;
        bool writing = false;
        bool opened = false;
        bool closed = false;
        std::optional<boost::beast::websocket::close_reason> pending_close;

        session(impl& s, tcp::socket socket) : server(s), ws(std::move(socket), s.ssl_ctx) {}

        bool is_open() const { return opened && !closed && !pending_close; }

        void start()
        {
            boost::beast::get_lowest_layer(ws).expires_after(handshake_timeout);
            ws.next_layer().async_handshake(boost::asio::ssl::stream_base::server,
                                            [self = this->shared_from_this()](error_code ec) {
                                                if (ec)
                                                    return self->close(); // e.g. the client does not trust us
                                                self->read_request();
                                            });
        }

        void read_request()
        {
            boost::beast::http::async_read(ws.next_layer(), buffer, request,
                                           [self = this->shared_from_this()](error_code ec, std::size_t) {
                                               self->on_request(ec);
                                           });
        }

        void on_request(error_code ec)
        {
            if (ec || closed || server.stopping)
                return close();
            {
                std::lock_guard<std::mutex> lock(server.mutex);
                server.targets.emplace_back(request.target());
            }
            server.cv.notify_all();
            if (unsigned status = server.refuse_status.load()) {
                refusal.version(11);
                refusal.result(status);
                refusal.set(boost::beast::http::field::content_type, "text/plain");
                refusal.body() = "upgrade refused";
                refusal.keep_alive(false);
                refusal.prepare_payload();
                boost::beast::http::async_write(ws.next_layer(), refusal,
                                                [self = this->shared_from_this()](error_code, std::size_t) { self->close(); });
                return;
            }
            boost::beast::get_lowest_layer(ws).expires_never();
            auto t = boost::beast::websocket::stream_base::timeout::suggested(boost::beast::role_type::server);
            t.handshake_timeout = handshake_timeout;
            ws.set_option(t);
            ws.async_accept(request, [self = this->shared_from_this()](error_code e) { self->on_accept(e); });
        }

        void on_accept(error_code ec)
        {
            if (ec || closed || server.stopping)
                return close();
            opened = true;
            server.accepted.fetch_add(1);
            server.open.fetch_add(1);
            open_handler hook;
            {
                std::lock_guard<std::mutex> lock(server.mutex);
                hook = server.open_hook;
            }
            server.notify();
            if (hook)
                for (auto& m : hook(std::string(request.target())))
                    send(std::move(m));
            if (server.drop_on_open.load())
                return close();
            if (server.responsive.load())
                read();
        }

        void read()
        {
            ws.async_read(buffer, [self = this->shared_from_this()](error_code ec, std::size_t) {
                if (ec)
                    return self->close();
                self->buffer.consume(self->buffer.size());
                self->read();
            });
        }

        void send(std::string text)
        {
            if (closed || pending_close)
                return;
            outbox.push_back(std::move(text));
            if (!writing)
                write_next();
        }

        void write_next()
        {
            if (closed)
                return;
            if (outbox.empty()) {
                writing = false;
                if (pending_close)
                    do_close();
                return;
            }
            writing = true;
            ws.text(true);
            ws.async_write(boost::asio::buffer(outbox.front()),
                           [self = this->shared_from_this()](error_code ec, std::size_t) {
                               if (ec)
                                   return self->close();
                               self->outbox.pop_front();
                               self->write_next();
                           });
        }

        void close_with_frame(std::uint16_t code, std::string reason)
        {
            if (closed || pending_close)
                return;
            pending_close.emplace(static_cast<boost::beast::websocket::close_code>(code),
                                  boost::beast::string_view(reason.data(), std::min<std::size_t>(reason.size(), 120)));
            if (!writing)
                do_close();
        }

        void do_close()
        {
            ws.async_close(*pending_close, [self = this->shared_from_this()](error_code) { self->close(); });
        }

        /// TCP close: no close frame, no TLS close_notify.
        void close()
        {
            if (closed)
                return;
            closed = true;
            error_code ec;
            auto& sock = boost::beast::get_lowest_layer(ws).socket();
            sock.shutdown(tcp::socket::shutdown_both, ec);
            sock.close(ec);
            if (opened)
                server.open.fetch_sub(1);
            server.notify();
        }
    };

    std::shared_ptr<impl> impl_;
    std::thread thread_;
};

} // namespace cs2market::testing
