// cs2market::cs2dt::market_feed: CS2DT's WebSocket market push (new / update /
// remove of listings) as typed MarketPushMessage values, reconnecting on its own.
//
//   cs2market::cs2dt::client rest;                       // CS2DT_APP_KEY from the environment
//   boost::asio::io_context ioc;
//   cs2market::cs2dt::market_feed feed(ioc, rest, [](const cs2market::cs2dt::MarketPushMessage& m) {
//       if (m.event && *m.event == cs2market::cs2dt::MarketPushEvent::update && m.data)
//           std::cout << *m.data->id << " now " << m.data->price->to_string() << " USD\n";
//   });
//   feed.start();
//   ioc.run();
//
// Before every (re)connect a fresh address comes from GET /v1/user/v1/wss (it is
// valid 30 minutes); by default the feed reconnects with a fresh one after 25
// minutes. No subscribe message is sent (none is documented); WebSocket pings
// keep the connection alive.
#ifndef CS2MARKET_CS2DT_MARKET_FEED_HPP
#define CS2MARKET_CS2DT_MARKET_FEED_HPP

#include <cs2market/cs2dt.hpp>
#include <cs2market/cs2dt/models.hpp>
#include <cs2market/json.hpp>
#include <cs2market/net/websocket.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <utility>

namespace cs2market::cs2dt {

/// websocket_options with CS2DT's defaults: reconnect with a fresh address after
/// 25 minutes (addresses are valid 30), errors tagged cs2dt.
struct market_feed_options : websocket_options {
    market_feed_options()
    {
        max_session_age = std::chrono::minutes(25);
        provider = cs2dt::id;
    }
};

/// A url_provider that asks CS2DT for a fresh WSS address (get_wss_address), with
/// a blocking call on the feed's io_context thread. `rest` must outlive the feed;
/// give it a client with its own io_context (`cs2dt::client rest(opts)`), not one
/// built on the feed's executor (its blocking calls would wait on that executor).
inline websocket_client::url_provider wss_address_provider(client& rest)
{
    return [&rest]() -> result<std::string> {
        auto r = rest.get_wss_address();
        if (!r)
            return r.error();
        if (!*r || (*r)->empty())
            return ::cs2market::detail::make_error(error_kind::provider,
                                      "get_wss_address returned no address (is WebSocket permission enabled for the account?)",
                                      cs2dt::id);
        return std::move(**r);
    };
}

/// CS2DT's market push. Every message is decoded as a MarketPushMessage and handed
/// over; `event` is an open enum, so events this header does not know (anything
/// but new / update / remove) are delivered too (`event->is_known()` is false,
/// `event->raw()` holds the name). A message that is not a MarketPushMessage is
/// reported as a `message_error` status and skipped.
class market_feed {
public:
    using message_handler = std::function<void(const MarketPushMessage&)>;
    using status_handler = websocket_client::status_handler;
    using url_provider = websocket_client::url_provider;

    /// Addresses from `rest.get_wss_address()` (see wss_address_provider).
    market_feed(boost::asio::io_context& ioc, client& rest, message_handler on_message, market_feed_options opts = {},
                status_handler on_status = {})
        : market_feed(ioc, wss_address_provider(rest), std::move(on_message), std::move(opts), std::move(on_status))
    {
    }

    /// Addresses from any function (called before every connect).
    market_feed(boost::asio::io_context& ioc, url_provider urls, message_handler on_message, market_feed_options opts = {},
                status_handler on_status = {})
        : on_message_(checked(std::move(on_message))),
          ws_(ioc, std::move(urls), [this](std::string_view text) { deliver(text); }, std::move(opts), std::move(on_status))
    {
    }

    /// With an io_context of its own: drive it with run() or run_for().
    market_feed(client& rest, message_handler on_message, market_feed_options opts = {}, status_handler on_status = {})
        : market_feed(wss_address_provider(rest), std::move(on_message), std::move(opts), std::move(on_status))
    {
    }

    market_feed(url_provider urls, message_handler on_message, market_feed_options opts = {}, status_handler on_status = {})
        : on_message_(checked(std::move(on_message))),
          ws_(std::move(urls), [this](std::string_view text) { deliver(text); }, std::move(opts), std::move(on_status))
    {
    }

    market_feed(const market_feed&) = delete;
    market_feed& operator=(const market_feed&) = delete;

    void start() { ws_.start(); }
    void stop() { ws_.stop(); }
    void run() { ws_.run(); }
    void run_for(std::chrono::steady_clock::duration d) { ws_.run_for(d); }
    std::optional<error> fatal_error() const { return ws_.fatal_error(); }
    websocket_client& websocket() noexcept { return ws_; }

private:
    static message_handler checked(message_handler h)
    {
        if (!h)
            throw std::invalid_argument("cs2market::cs2dt::market_feed: empty message handler");
        return h;
    }

    void deliver(std::string_view text)
    {
        auto msg = from_json<MarketPushMessage>(text);
        if (!msg) {
            error e = msg.error();
            e.provider = cs2dt::id;
            e.detail = "market push message: " + e.detail;
            ws_.report_message_error(std::move(e));
            return;
        }
        on_message_(*msg);
    }

    message_handler on_message_;
    websocket_client ws_; // last: stopped and destroyed first
};

} // namespace cs2market::cs2dt

#endif
