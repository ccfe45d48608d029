// cs2market::sandbox — pushes: HTTP callbacks (POSTed by their own thread, with
// a retry schedule: CS2DT's signed order callbacks) and WebSocket feed messages
// (queued under the market's lock, sent by the ticker outside it). What is
// pushed is the front ends' business (providers/<p>.hpp); how, is here.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cs2market::sandbox {

/// One attempted callback delivery, for tests.
struct callback_attempt {
    std::string url;
    std::string body;
    int attempt = 0;
    bool delivered = false;
};

/// The answer of one HTTP exchange; status 0: none (connection, TLS or HTTP failure).
struct http_reply {
    unsigned status = 0;
    std::string body;
};

/// One HTTP/1.1 exchange with an http:// or https:// URL, each step bounded by 5 s. An
/// https:// peer is checked against `ca_pem` (and the host name) when one is given, and
/// not at all otherwise (loopback callback receivers use throwaway CAs). Also a plain
/// client for the sandbox's admin endpoints (admin.hpp).
inline http_reply http_exchange(std::string_view method, const std::string& url, const std::string& body = {},
                                const std::string& ca_pem = {})
{
    namespace beast = boost::beast;
    namespace http = beast::http;
    namespace asio = boost::asio;
    try {
        bool tls = url.rfind("https://", 0) == 0;
        std::string rest = url.substr(tls ? 8 : 7);
        std::string hostport = rest.substr(0, rest.find('/'));
        std::string target = rest.find('/') == std::string::npos ? "/" : rest.substr(rest.find('/'));
        std::string host = hostport, port = tls ? "443" : "80";
        if (auto c = hostport.rfind(':'); c != std::string::npos) {
            host = hostport.substr(0, c);
            port = hostport.substr(c + 1);
        }
        asio::io_context ioc;
        asio::ip::tcp::resolver res(ioc);
        auto eps = res.resolve(host, port);
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.set(http::field::host, hostport);
        if (!body.empty())
            req.set(http::field::content_type, "application/json");
        req.set(http::field::user_agent, "cs2market-sandbox");
        req.body() = body;
        req.prepare_payload();
        beast::flat_buffer buf;
        http::response<http::string_body> resp;
        if (tls) {
            asio::ssl::context ctx(asio::ssl::context::tls_client);
            if (ca_pem.empty()) {
                ctx.set_verify_mode(asio::ssl::verify_none);
            } else {
                ctx.set_verify_mode(asio::ssl::verify_peer);
                ctx.add_certificate_authority(asio::buffer(ca_pem));
            }
            beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
            if (!ca_pem.empty())
                s.set_verify_callback(asio::ssl::host_name_verification(host));
            beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
            beast::get_lowest_layer(s).connect(eps);
            SSL_set_tlsext_host_name(s.native_handle(), host.c_str());
            s.handshake(asio::ssl::stream_base::client);
            http::write(s, req);
            http::read(s, buf, resp);
            beast::error_code ec;
            beast::get_lowest_layer(s).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        } else {
            beast::tcp_stream s(ioc);
            s.expires_after(std::chrono::seconds(5));
            s.connect(eps);
            http::write(s, req);
            http::read(s, buf, resp);
            beast::error_code ec;
            s.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        }
        return {resp.result_int(), resp.body()};
    } catch (...) {
        return {};
    }
}

/// POSTs `body` to an http:// or https:// URL; true on HTTP 200 with body "success"
/// (trailing whitespace ignored).
inline bool post_callback(const std::string& url, const std::string& body)
{
    http_reply r = http_exchange("POST", url, body);
    while (!r.body.empty() && std::isspace(static_cast<unsigned char>(r.body.back())))
        r.body.pop_back();
    return r.status == 200 && r.body == "success";
}

/// Delivers queued callbacks on its own thread, earliest due first (FIFO among
/// equals keeps each order's statuses in order). A failed delivery is retried
/// after 1, 2, 5, 10 and 30 "minutes" of `retry_unit_ms`, then given up.
class callback_pusher {
public:
    callback_pusher() = default;
    callback_pusher(const callback_pusher&) = delete;
    callback_pusher& operator=(const callback_pusher&) = delete;
    ~callback_pusher() { stop(); }

    void start()
    {
        running_ = true;
        thread_ = std::thread([this] { loop(); });
    }
    void stop()
    {
        running_ = false;
        cv_.notify_all();
        if (thread_.joinable())
            thread_.join();
    }
    void set_retry_unit(std::int64_t ms) { retry_unit_ms_ = ms; }

    void enqueue(std::string url, std::string body)
    {
        std::lock_guard lk(mu_);
        queue_.push_back({std::move(url), std::move(body), 0, now_ms()});
        cv_.notify_all();
    }
    std::vector<callback_attempt> log() const
    {
        std::lock_guard lk(mu_);
        return log_;
    }
    /// Nothing queued and nothing being delivered.
    bool idle() const
    {
        std::lock_guard lk(mu_);
        return queue_.empty() && !busy_;
    }

private:
    struct item {
        std::string url, body;
        int attempt = 0;
        std::int64_t due_ms = 0;
    };

    std::int64_t now_ms() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
    }

    void loop()
    {
        static constexpr int schedule[] = {1, 2, 5, 10, 30}; // minutes, accelerated
        std::unique_lock lk(mu_);
        while (running_) {
            if (queue_.empty()) {
                cv_.wait_for(lk, std::chrono::milliseconds(20));
                continue;
            }
            auto it = std::min_element(queue_.begin(), queue_.end(),
                                       [](const item& a, const item& b) { return a.due_ms < b.due_ms; });
            if (it->due_ms > now_ms()) {
                cv_.wait_for(lk, std::chrono::milliseconds(std::min<std::int64_t>(20, it->due_ms - now_ms())));
                continue;
            }
            item next = *it;
            queue_.erase(it);
            busy_ = true;
            lk.unlock();
            bool ok = post_callback(next.url, next.body);
            lk.lock();
            busy_ = false;
            log_.push_back({next.url, next.body, next.attempt, ok});
            if (!ok && next.attempt < 5) {
                next.due_ms = now_ms() + schedule[next.attempt] * retry_unit_ms_.load();
                ++next.attempt;
                queue_.push_back(next);
            }
        }
    }

    const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
    std::atomic<std::int64_t> retry_unit_ms_{100};
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<item> queue_;
    std::vector<callback_attempt> log_;
    bool busy_ = false;
    std::atomic<bool> running_{false};
    std::thread thread_;
};

/// WebSocket feed messages waiting to be sent. Queued under the market's lock by
/// the front ends; each goes to every connection whose upgrade target `to` accepts.
struct feed_message {
    std::function<bool(const std::string& target)> to;
    std::string text;
};

class feed_outbox {
public:
    void push(std::function<bool(const std::string& target)> to, std::string text)
    {
        out_.push_back({std::move(to), std::move(text)});
    }
    std::vector<feed_message> take()
    {
        std::vector<feed_message> v;
        v.swap(out_);
        return v;
    }

private:
    std::vector<feed_message> out_;
};

} // namespace cs2market::sandbox
