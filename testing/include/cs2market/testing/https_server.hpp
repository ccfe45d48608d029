// cs2market::testing — a real HTTPS/1.1 server on loopback, for tests.
//
// https_server listens on 127.0.0.1 (OS-chosen port) with a throwaway TLS
// identity, answers every request with whatever the user's handler returns and
// records every request it has read. It runs its own io_context on a single
// background thread; the handler is always invoked on that thread, one call at
// a time, so it needs no locking of its own (but it must not block for long:
// use canned_response::delay_before_headers to simulate a slow peer).
//
// Faults, for tests of what a client does when the network misbehaves:
//  - drop_next_connections(n): the next n TCP connections are closed as soon as
//    they are accepted, before TLS and before any request is read;
//  - canned_response::close_without_response: read the request, then drop;
//  - canned_response::delay_before_headers: stall before anything is written;
//  - canned_response::stall_body: write the headers, stall, then the body;
//  - canned_response::raw: write these bytes instead of a well-formed response,
//    piece by piece (raw_interval apart: a slow drip), for as long as it returns
//    pieces (an endless chunk extension, interim 1xx replies, absurd headers);
//  - canned_response::withhold: read the request, never answer; the connection
//    stays open until the peer closes it (or the server stops).
#pragma once

#include <cs2market/testing/tls_identity.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace cs2market::testing {

namespace detail {

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace detail

// One request as the server read it.
struct recorded_request {
    std::string method;  // e.g. "GET"
    std::string target;  // raw request-target, query string included
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // in arrival order, names as sent

    // Value of the first header named `name` (case-insensitive); "" if absent.
    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (detail::iequals(k, name)) return v;
        return {};
    }
    bool has_header(std::string_view name) const {
        for (const auto& h : headers)
            if (detail::iequals(h.first, name)) return true;
        return false;
    }
};

// What the server answers with.
struct canned_response {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Type defaults to application/json
    std::string body;
    std::chrono::milliseconds delay_before_headers{0};  // stall: wait this long before writing anything
    bool close_without_response = false;                // read the request, then close the TCP connection
    bool keep_alive = true;                             // false -> Connection: close and close after writing
    std::chrono::milliseconds stall_body{0};            // after the headers, before the body
    // Raw bytes instead of a response: called with 0, 1, 2, ... until it returns
    // nullopt (then the connection is kept or closed as keep_alive says), or until
    // the client goes away. raw_truncate: close without a TLS close_notify after.
    std::function<std::optional<std::string>(std::size_t)> raw;
    std::chrono::milliseconds raw_interval{0};
    bool raw_truncate = false;
    bool withhold = false;                              // never answer; close once the peer closes
};

class https_server {
public:
    using handler = std::function<canned_response(const recorded_request&)>;

    // `port` 0 lets the OS choose (see port()).
    explicit https_server(handler h, tls_identity id = make_tls_identity(), unsigned short port = 0)
        : impl_(std::make_shared<impl>(std::move(h), std::move(id))) {
        impl_->start(port);
        // The thread keeps its own reference: if a user handler ever wedges the
        // io thread, the destructor detaches instead of hanging, and everything
        // the thread touches stays alive until it finishes.
        std::shared_ptr<impl> self = impl_;
        thread_ = std::thread([self] { self->run(); });
    }

    https_server(const https_server&) = delete;
    https_server& operator=(const https_server&) = delete;

    ~https_server() {
        stop();
        std::error_code ec;
        std::filesystem::remove(impl_->ca_file, ec);
    }

    // Bound to 127.0.0.1; the port asked for, or one the OS chose.
    unsigned short port() const { return impl_->port; }
    // "https://127.0.0.1:<port>"
    std::string base_url() const { return "https://127.0.0.1:" + std::to_string(impl_->port); }
    const tls_identity& identity() const { return impl_->identity; }
    // A temp file (unique per server, removed by the destructor) holding identity().ca_cert_pem.
    std::string ca_file() const { return impl_->ca_file; }

    // Thread-safe snapshot of every request read so far, in the order they were read.
    std::vector<recorded_request> requests() const {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        return impl_->requests;
    }
    std::size_t request_count() const {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        return impl_->requests.size();
    }
    // TCP connections accepted so far (whether or not the TLS handshake succeeded).
    std::size_t connection_count() const { return impl_->connections.load(); }
    // Bytes written by canned_response::raw so far (all connections).
    std::size_t raw_bytes_written() const { return impl_->raw_bytes.load(); }
    // Closes the next n accepted TCP connections at once (before TLS, before any request).
    void drop_next_connections(int n) { impl_->drop_next.store(n); }

    // Closes the listener and every open connection, stops the io_context and
    // joins the io thread. Idempotent. Bounded: never waits more than ~5 s in
    // total (if a user handler wedges the io thread, the thread is detached).
    void stop() {
        if (!thread_.joinable()) return;
        impl_->request_stop();
        if (!impl_->wait_finished(std::chrono::seconds(2))) {
            impl_->ioc.stop();  // abandon whatever is still pending
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
    using stream_type = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    static constexpr std::uint64_t body_limit = 8u * 1024u * 1024u;
    static constexpr std::chrono::seconds handshake_timeout{10};
    static constexpr std::chrono::seconds write_timeout{30};
    static constexpr std::chrono::seconds shutdown_timeout{2};

    struct session;

    struct impl {
        handler user_handler;
        tls_identity identity;
        std::string ca_file;
        unsigned short port = 0;

        mutable std::mutex mutex;
        std::vector<recorded_request> requests;
        std::atomic<std::size_t> connections{0};
        std::atomic<std::size_t> raw_bytes{0};
        std::atomic<int> drop_next{0};

        std::mutex done_mutex;
        std::condition_variable done_cv;
        bool done = false;

        // Destruction order matters: the io_context (and with it every pending
        // handler, hence every session) goes first, the SSL context after it.
        boost::asio::ssl::context ssl_ctx{boost::asio::ssl::context::tls_server};
        std::vector<std::weak_ptr<session>> sessions;  // touched on the io thread only
        boost::asio::io_context ioc{1};
        std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
        tcp::acceptor acceptor{ioc};
        bool stopping = false;  // io thread only

        impl(handler h, tls_identity id) : user_handler(std::move(h)), identity(std::move(id)) {
            if (!user_handler) throw std::invalid_argument("cs2market::testing::https_server: empty handler");
            setup_tls();
            ca_file = make_ca_file_path();
            write_file(ca_file, identity.ca_cert_pem);
        }

        void setup_tls() {
            SSL_CTX_set_min_proto_version(ssl_ctx.native_handle(), TLS1_2_VERSION);
            ssl_ctx.set_options(boost::asio::ssl::context::default_workarounds |
                                boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                                boost::asio::ssl::context::single_dh_use);
            ssl_ctx.use_certificate_chain(
                boost::asio::buffer(identity.server_cert_pem.data(), identity.server_cert_pem.size()));
            ssl_ctx.use_private_key(
                boost::asio::buffer(identity.server_key_pem.data(), identity.server_key_pem.size()),
                boost::asio::ssl::context::pem);
        }

        static std::string make_ca_file_path() {
            static std::atomic<unsigned> counter{0};
            std::random_device rd;
            std::uint64_t r = (std::uint64_t{rd()} << 32) ^ rd();
            char hex[17];
            static constexpr char digits[] = "0123456789abcdef";
            for (int i = 15; i >= 0; --i, r >>= 4) hex[i] = digits[r & 0xF];
            hex[16] = '\0';
            auto name = std::string("cs2market-test-ca-") + hex + "-" + std::to_string(counter.fetch_add(1)) + ".pem";
            return (std::filesystem::temp_directory_path() / name).string();
        }

        void start(unsigned short want_port) {
            const tcp::endpoint ep(boost::asio::ip::make_address_v4("127.0.0.1"), want_port);
            acceptor.open(ep.protocol());
            acceptor.set_option(tcp::acceptor::reuse_address(true));
            acceptor.bind(ep);
            acceptor.listen(boost::asio::socket_base::max_listen_connections);
            port = acceptor.local_endpoint().port();
            work.emplace(ioc.get_executor());
            do_accept();
        }

        void run() {
            for (;;) {
                try {
                    ioc.run();
                    break;
                } catch (...) {
                    // A handler threw (it should not); keep serving.
                }
            }
            {
                std::lock_guard<std::mutex> lock(done_mutex);
                done = true;
            }
            done_cv.notify_all();
        }

        bool wait_finished(std::chrono::milliseconds timeout) {
            std::unique_lock<std::mutex> lock(done_mutex);
            return done_cv.wait_for(lock, timeout, [this] { return done; });
        }

        void request_stop() {
            boost::asio::post(ioc, [this] {
                stopping = true;
                error_code ec;
                acceptor.close(ec);
                for (auto& w : sessions)
                    if (auto s = w.lock()) s->close();
                sessions.clear();
                work.reset();  // run() returns once every aborted operation has completed
            });
        }

        void do_accept() {
            acceptor.async_accept([this](error_code ec, tcp::socket socket) {
                if (ec || stopping) return;  // acceptor closed
                connections.fetch_add(1);
                if (drop_next.fetch_sub(1) > 0) {
                    error_code ignored;
                    socket.shutdown(tcp::socket::shutdown_both, ignored);
                    socket.close(ignored);
                    return do_accept();
                }
                drop_next.fetch_add(1);
                std::erase_if(sessions, [](const std::weak_ptr<session>& w) { return w.expired(); });
                auto s = std::make_shared<session>(*this, std::move(socket));
                sessions.push_back(s);
                s->start();
                do_accept();
            });
        }

        void record(const recorded_request& r) {
            std::lock_guard<std::mutex> lock(mutex);
            requests.push_back(r);
        }
    };

    struct session : std::enable_shared_from_this<session> {
        using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
        using response_type = boost::beast::http::response<boost::beast::http::string_body>;

        impl& server;
        stream_type stream;
        boost::beast::flat_buffer buffer;
        std::optional<request_parser> parser;
        response_type response;
        std::optional<boost::beast::http::response_serializer<boost::beast::http::string_body>> serializer;
        std::chrono::milliseconds stall_body{0};
        boost::asio::steady_timer timer;
        bool closed = false;
        std::function<std::optional<std::string>(std::size_t)> raw;
        std::chrono::milliseconds raw_interval{0};
        bool raw_keep = false;
        std::size_t raw_index = 0;
        std::string raw_piece;

        session(impl& s, tcp::socket socket)
            : server(s), stream(std::move(socket), s.ssl_ctx), timer(stream.get_executor()) {}

        void start() {
            boost::beast::get_lowest_layer(stream).expires_after(handshake_timeout);
            stream.async_handshake(boost::asio::ssl::stream_base::server,
                                   [self = this->shared_from_this()](error_code ec) {
                                       if (ec) return self->close();  // e.g. client does not trust us
                                       self->read_request();
                                   });
        }

        // Called on the io thread. Closes the TCP connection without a TLS close_notify.
        void close() {
            if (closed) return;
            closed = true;
            timer.cancel();
            error_code ec;
            auto& sock = boost::beast::get_lowest_layer(stream).socket();
            sock.shutdown(tcp::socket::shutdown_both, ec);
            sock.close(ec);
        }

        void read_request() {
            if (closed || server.stopping) return close();
            parser.emplace();
            parser->body_limit(body_limit);
            parser->header_limit(1024 * 1024);
            // Idle keep-alive connections may sit as long as the test likes.
            boost::beast::get_lowest_layer(stream).expires_never();
            boost::beast::http::async_read(stream, buffer, *parser,
                                           [self = this->shared_from_this()](error_code ec, std::size_t) {
                                               self->on_read(ec);
                                           });
        }

        void on_read(error_code ec) {
            if (closed) return;
            namespace http = boost::beast::http;
            if (ec) {
                if (ec == http::error::body_limit || ec == http::error::buffer_overflow ||
                    ec == http::error::header_limit)
                    return send_error(ec == http::error::body_limit ? 413u : 431u, "request too large");
                if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                    ec != http::error::end_of_stream && ec != http::error::partial_message)
                    return send_error(400, "bad request");  // malformed HTTP
                return close();  // EOF, truncation, reset, abort...
            }

            auto req = parser->release();
            recorded_request rec;
            rec.method = std::string(req.method_string());
            rec.target = std::string(req.target());
            rec.body = std::move(req.body());
            for (const auto& field : req)
                rec.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
            server.record(rec);

            canned_response canned;
            try {
                canned = server.user_handler(rec);
            } catch (const std::exception& e) {
                canned = internal_error(std::string("handler threw: ") + e.what());
            } catch (...) {
                canned = internal_error("handler threw a non-std exception");
            }

            if (canned.withhold) return wait_for_peer_close();
            const bool keep = canned.keep_alive && req.keep_alive() && !canned.close_without_response;
            if (canned.raw) {
                raw = std::move(canned.raw);
                raw_interval = canned.raw_interval;
                raw_keep = keep && !canned.raw_truncate;
                raw_index = 0;
                return write_raw();
            }
            if (!canned.close_without_response) {
                try {
                    build_response(canned, req.version(), keep, req.method() == boost::beast::http::verb::head);
                    stall_body = canned.stall_body;
                } catch (const std::exception& e) {
                    build_response(internal_error(std::string("invalid canned_response: ") + e.what()),
                                   req.version(), keep, false);
                }
            }

            if (canned.delay_before_headers.count() > 0) {
                timer.expires_after(canned.delay_before_headers);
                timer.async_wait([self = this->shared_from_this(), close_now = canned.close_without_response](
                                     error_code wait_ec) {
                    if (wait_ec || self->closed) return self->close();
                    if (close_now) return self->close();
                    self->write_response();
                });
                return;
            }
            if (canned.close_without_response) return close();
            write_response();
        }

        // A withheld answer: whatever the peer sends is discarded; its close (or an
        // error, or the server's stop) closes the connection.
        void wait_for_peer_close() {
            if (closed) return;
            stream.async_read_some(buffer.prepare(4096), [self = this->shared_from_this()](error_code ec, std::size_t n) {
                if (ec || self->closed) return self->close();
                self->buffer.commit(n);
                self->buffer.consume(self->buffer.size());
                self->wait_for_peer_close();
            });
        }

        static canned_response internal_error(std::string message) {
            canned_response r;
            r.status = 500;
            r.headers.emplace_back("Content-Type", "text/plain");
            r.body = std::move(message);
            r.keep_alive = true;
            return r;
        }

        void build_response(const canned_response& canned, unsigned version, bool keep, bool head_request) {
            namespace http = boost::beast::http;
            response_type res;
            res.version(version == 10 ? 10 : 11);
            res.result(canned.status);
            bool has_content_type = false;
            for (const auto& [name, value] : canned.headers) {
                if (detail::iequals(name, "Content-Type")) has_content_type = true;
                res.insert(name, value);
            }
            if (!has_content_type) res.set(http::field::content_type, "application/json");
            res.body() = canned.body;
            res.keep_alive(keep);
            res.prepare_payload();
            if (head_request) res.body().clear();  // keep Content-Length, send no body
            response = std::move(res);
        }

        void send_error(unsigned status, std::string message) {
            canned_response r;
            r.status = status;
            r.headers.emplace_back("Content-Type", "text/plain");
            r.body = std::move(message);
            build_response(r, 11, false, false);
            write_response();
        }

        void write_response() {
            if (closed) return;
            boost::beast::get_lowest_layer(stream).expires_after(write_timeout);
            if (stall_body.count() > 0) {
                auto wait = stall_body;
                stall_body = std::chrono::milliseconds{0};
                serializer.emplace(response);
                boost::beast::http::async_write_header(
                    stream, *serializer, [self = this->shared_from_this(), wait](error_code ec, std::size_t) {
                        if (ec || self->closed) return self->close();
                        self->timer.expires_after(wait);
                        self->timer.async_wait([self](error_code wait_ec) {
                            if (wait_ec || self->closed) return self->close();
                            boost::beast::http::async_write(self->stream, *self->serializer,
                                                            [self](error_code ec2, std::size_t) { self->on_write(ec2); });
                        });
                    });
                return;
            }
            boost::beast::http::async_write(stream, response,
                                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                                                self->on_write(ec);
                                            });
        }

        void write_raw() {
            if (closed) return;
            auto piece = raw(raw_index++);
            if (!piece) {
                raw = {};
                if (raw_keep) return read_request();
                return close(); // no close_notify: a truncated TLS stream when mid-message
            }
            raw_piece = std::move(*piece);
            boost::beast::get_lowest_layer(stream).expires_after(write_timeout);
            boost::asio::async_write(stream, boost::asio::buffer(raw_piece),
                                     [self = this->shared_from_this()](error_code ec, std::size_t n) {
                                         self->server.raw_bytes += n;
                                         if (ec || self->closed) return self->close(); // the client gave up
                                         if (self->raw_interval.count() == 0) return self->write_raw();
                                         self->timer.expires_after(self->raw_interval);
                                         self->timer.async_wait([self](error_code wait_ec) {
                                             if (wait_ec || self->closed) return self->close();
                                             self->write_raw();
                                         });
                                     });
        }

        void on_write(error_code ec) {
            if (ec || closed) return close();
            if (response.keep_alive()) return read_request();
            // Connection: close -> TLS close_notify (bounded wait for the peer's), then TCP close.
            boost::beast::get_lowest_layer(stream).expires_after(shutdown_timeout);
            stream.async_shutdown([self = this->shared_from_this()](error_code) { self->close(); });
        }
    };

    std::shared_ptr<impl> impl_;
    std::thread thread_;
};

}  // namespace cs2market::testing
