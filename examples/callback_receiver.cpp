// callback_receiver: receives CS2DT order-status callbacks and Skinify deposit
// IPNs, verifies them with cs2market, prints the typed event and answers the way
// each provider expects.
//
//   CS2DT_APP_SECRET=... SKINIFY_TOKEN=... callback_receiver [options]
//
//   --bind ADDR          listen address (default 127.0.0.1)
//   --port N             listen port (default 8080; 0 = any, the chosen port is printed)
//   --max-requests N     exit after answering N requests (default 0 = until SIGINT/SIGTERM)
//   --tls-cert FILE      serve HTTPS with this certificate chain (PEM) ...
//   --tls-key FILE       ... and this private key (PEM)
//
// Without --tls-cert/--tls-key it speaks plain HTTP and is meant to sit behind a
// TLS-terminating reverse proxy (nginx, Caddy, a load balancer), which is how a
// callback URL is usually published; with them it serves HTTPS itself.
//
//   POST /cs2dt/callback  -> 200 "success" (text/plain) when genuine; 400 when refused
//                            (CS2DT then retries after 1/2/5/10/30 min); 500 when genuine
//                            but unreadable; 503 when CS2DT_APP_SECRET is unset.
//   POST /skinify/ipn     -> 200 "{}" when token_md5 matches; 400 when refused; 500 when
//                            authentic but unreadable; 503 when SKINIFY_TOKEN is unset.
//
// Production notes: CS2DT calls from 106.15.203.246 (allow it if you filter by IP);
// make handling idempotent (retries repeat events); for Skinify, confirm the deposit
// with GET /deposit-status before crediting, token_md5 is the same on every IPN.
#include <cs2market/cs2dt/callback.hpp>
#include <cs2market/skinify/ipn.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

struct config {
    std::string bind = "127.0.0.1";
    unsigned short port = 8080;
    std::size_t max_requests = 0;
    std::string tls_cert, tls_key;
    std::optional<std::string> cs2dt_secret, skinify_token;
};

std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    if (!v || !*v)
        return std::nullopt;
    return std::string(v);
}

using response = http::response<http::string_body>;

response reply(unsigned status, std::string_view content_type, std::string body)
{
    response res;
    res.result(status);
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    return res;
}

/// The application: one request in, one answer out. Runs on the io thread.
response handle(const config& cfg, const http::request<http::string_body>& req)
{
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    const bool is_cs2dt = target == "/cs2dt/callback";
    const bool is_skinify = target == "/skinify/ipn";
    if (!is_cs2dt && !is_skinify)
        return reply(404, "text/plain", "not found\n");
    if (req.method() != http::verb::post)
        return reply(405, "text/plain", "POST only\n");
    const std::string_view content_type = req[http::field::content_type];

    if (is_cs2dt) {
        if (!cfg.cs2dt_secret)
            return reply(503, "text/plain", "CS2DT_APP_SECRET is not set\n");
        auto cb = cs2market::cs2dt::verify_callback({content_type, req.body()}, *cfg.cs2dt_secret);
        if (!cb) {
            std::cerr << "cs2dt callback refused: " << cb.error().message() << '\n';
            const bool genuine = cb.error().kind == cs2market::error_kind::decode;
            return reply(genuine ? 500 : 400, "text/plain", genuine ? "cannot read callback\n" : "invalid callback\n");
        }
        std::cout << "cs2dt order " << (cb->orderId ? std::to_string(*cb->orderId) : "?") << " status "
                  << (cb->status ? cb->status->to_string() : "?");
        if (cb->outTradeNo)
            std::cout << " outTradeNo " << *cb->outTradeNo;
        if (cb->tradeOfferId)
            std::cout << " tradeOfferId " << *cb->tradeOfferId;
        if (cb->failedCode)
            std::cout << " failedCode " << cb->failedCode->to_string();
        std::cout << "\n  " << *cb << std::endl;
        return reply(200, "text/plain", std::string(cs2market::cs2dt::callback_reply));
    }

    if (!cfg.skinify_token)
        return reply(503, "text/plain", "SKINIFY_TOKEN is not set\n");
    auto ipn = cs2market::skinify::verify_ipn(content_type, req.body(), *cfg.skinify_token);
    if (!ipn) {
        std::cerr << "skinify IPN refused: " << ipn.error().message() << '\n';
        const bool genuine = ipn.error().kind == cs2market::error_kind::decode;
        return reply(genuine ? 500 : 400, "text/plain", genuine ? "cannot read IPN\n" : "invalid IPN\n");
    }
    ipn->token_md5 = "(verified)"; // a shared secret in effect: keep it out of logs
    std::cout << "skinify deposit " << ipn->deposit_id << " transaction " << ipn->transaction_id << " status "
              << ipn->status.to_string();
    if (ipn->amount)
        std::cout << " amount " << ipn->amount->to_string() << ' ' << ipn->amount_currency.value_or("");
    std::cout << "\n  " << *ipn << std::endl;
    return reply(200, "application/json", std::string(cs2market::skinify::ipn_reply));
}

class server {
public:
    server(asio::io_context& ioc, config cfg) : ioc_(ioc), cfg_(std::move(cfg)), acceptor_(ioc), signals_(ioc, SIGINT, SIGTERM)
    {
        if (!cfg_.tls_cert.empty()) {
            tls_.emplace(asio::ssl::context::tls_server);
            tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                              asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
            tls_->use_certificate_chain_file(cfg_.tls_cert);
            tls_->use_private_key_file(cfg_.tls_key, asio::ssl::context::pem);
        }
        const tcp::endpoint ep(asio::ip::make_address(cfg_.bind), cfg_.port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        signals_.async_wait([this](error_code ec, int sig) {
            if (ec)
                return;
            std::cerr << "signal " << sig << ", stopping\n";
            stop();
        });
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    bool tls() const { return tls_.has_value(); }

    void start() { accept(); }

    /// Counts an answered request; true when that was the last one.
    bool count_request()
    {
        ++answered_;
        return cfg_.max_requests != 0 && answered_ >= cfg_.max_requests;
    }
    bool stopping() const { return stopping_; }

    void stop()
    {
        if (stopping_)
            return;
        stopping_ = true;
        error_code ec;
        acceptor_.close(ec);
        signals_.cancel(ec);
        // Every answer already written is complete; idle keep-alive connections are dropped.
        ioc_.stop();
    }

    const config& cfg() const { return cfg_; }

private:
    void accept();

    asio::io_context& ioc_;
    config cfg_;
    tcp::acceptor acceptor_;
    asio::signal_set signals_;
    std::optional<asio::ssl::context> tls_;
    std::size_t answered_ = 0;
    bool stopping_ = false;
};

/// One connection (plain or TLS): read requests, answer them, until the peer or we close.
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
    template <class... Args>
    explicit session(server& srv, Args&&... args) : srv_(srv), stream_(std::forward<Args>(args)...)
    {
    }

    void start()
    {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            read();
        } else {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
            stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
                if (ec)
                    return; // not TLS, or an untrusting client
                self->read();
            });
        }
    }

private:
    void read()
    {
        parser_.emplace();
        parser_->body_limit(64 * 1024); // the verifiers' default limit
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(error_code ec)
    {
        if (ec == http::error::body_limit) {
            res_ = reply(413, "text/plain", "body too large\n");
            res_.keep_alive(false);
            return write(false);
        }
        if (ec)
            return close();
        auto req = parser_->release();
        res_ = handle(srv_.cfg(), req);
        const bool last = srv_.count_request();
        res_.version(req.version());
        res_.keep_alive(req.keep_alive() && !last && !srv_.stopping());
        write(last);
    }

    void write(bool last)
    {
        res_.prepare_payload();
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
        http::async_write(stream_, res_, [self = this->shared_from_this(), last](error_code ec, std::size_t) {
            if (ec || !self->res_.keep_alive())
                self->close();
            else
                self->read();
            if (last)
                self->srv_.stop();
        });
    }

    void close()
    {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        } else {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](error_code) {});
        }
    }

    server& srv_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    response res_;
};

void server::accept()
{
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
        if (ec || stopping_)
            return;
        if (tls_)
            std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls_)->start();
        else
            std::make_shared<session<beast::tcp_stream>>(*this, std::move(socket))->start();
        accept();
    });
}

int usage(const char* argv0)
{
    std::cerr << "usage: " << argv0
              << " [--bind ADDR] [--port N] [--max-requests N] [--tls-cert FILE --tls-key FILE]\n"
                 "env: CS2DT_APP_SECRET (CS2DT app_secret), SKINIFY_TOKEN (Skinify project API token)\n";
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    config cfg;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view a = argv[i];
            if (i + 1 >= argc)
                return usage(argv[0]);
            const std::string v = argv[++i];
            if (a == "--bind")
                cfg.bind = v;
            else if (a == "--port")
                cfg.port = static_cast<unsigned short>(std::stoul(v));
            else if (a == "--max-requests")
                cfg.max_requests = std::stoul(v);
            else if (a == "--tls-cert")
                cfg.tls_cert = v;
            else if (a == "--tls-key")
                cfg.tls_key = v;
            else
                return usage(argv[0]);
        }
    } catch (const std::exception&) {
        return usage(argv[0]);
    }
    if (cfg.tls_cert.empty() != cfg.tls_key.empty())
        return usage(argv[0]);
    cfg.cs2dt_secret = env("CS2DT_APP_SECRET");
    cfg.skinify_token = env("SKINIFY_TOKEN");
    if (!cfg.cs2dt_secret)
        std::cerr << "warning: CS2DT_APP_SECRET is not set; /cs2dt/callback answers 503\n";
    if (!cfg.skinify_token)
        std::cerr << "warning: SKINIFY_TOKEN is not set; /skinify/ipn answers 503\n";

    try {
        asio::io_context ioc(1);
        server srv(ioc, cfg);
        std::cout << "listening on " << (srv.tls() ? "https" : "http") << "://" << cfg.bind << ':' << srv.port()
                  << " (/cs2dt/callback, /skinify/ipn)" << std::endl;
        srv.start();
        ioc.run();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
