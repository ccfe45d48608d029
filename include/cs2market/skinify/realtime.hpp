// cs2market::skinify::realtime_feed: Skinify's WebSocket real-time updates
// (purchases, purchase status changes, balance changes) as typed events.
//
//   boost::asio::io_context ioc;
//   cs2market::skinify::realtime_feed feed(ioc, 1234, token, [](const cs2market::skinify::realtime_event& ev) {
//       if (auto* p = std::get_if<cs2market::skinify::SkinPurchaseStatusChangeEvent>(&ev))
//           std::cout << p->purchase_id << " is now " << p->purchase_status.to_string() << "\n";
//   });
//   feed.start();
//   ioc.run();
//
// URL: wss://skinify.io/ws/?project_id={id}&signature={md5(id + token)}. An
// `auth_failed` event stops the feed for good (a wrong token will not fix
// itself): a `stopped` status, and fatal_error() says why. The token and the
// signature never appear in an error or a status.
#ifndef CS2MARKET_SKINIFY_REALTIME_HPP
#define CS2MARKET_SKINIFY_REALTIME_HPP

#include <cs2market/json.hpp>
#include <cs2market/skinify/models.hpp>
#include <cs2market/net/websocket.hpp>

#include <cs2market/detail/md5.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cs2market::skinify {

/// md5(decimal project id + token), lowercase hex: realtime_signature(1, "123") == md5("1123").
inline result<std::string> realtime_signature(std::int64_t project_id, std::string_view token)
{
    std::string text = std::to_string(project_id);
    text += token;
    auto h = ::cs2market::detail::md5_hex(text);
    if (h.empty())
        return ::cs2market::detail::make_error(error_kind::invalid_argument, "MD5 is not available in this OpenSSL",
                                               skinify::id);
    return h;
}

/// "{base}/ws/?project_id={id}&signature={md5(id + token)}", base without a trailing slash.
inline result<std::string> realtime_url(std::int64_t project_id, std::string_view token,
                                        std::string_view base = "wss://skinify.io")
{
    auto sig = realtime_signature(project_id, token);
    if (!sig)
        return sig.error();
    while (!base.empty() && base.back() == '/')
        base.remove_suffix(1);
    std::string url(base);
    url += "/ws/?project_id=";
    url += std::to_string(project_id);
    url += "&signature=";
    url += *sig;
    return url;
}

/// `auth_success`: the connection is authorized; `data` is kept as sent (none is documented).
struct realtime_auth_success {
    std::optional<raw_json> data;
};

/// One event: the typed payload of a known event, or the message itself for an
/// event this header does not know (`event.raw()` names it, `data` is kept).
using realtime_event = std::variant<realtime_auth_success, SkinPurchaseEvent, SkinPurchaseStatusChangeEvent,
                                    BalanceChangeEvent, RealtimeMessage>;

/// websocket_options for Skinify, plus the server to use.
struct realtime_options : websocket_options {
    realtime_options() { provider = skinify::id; }
    /// "wss://host[:port]"; the path and query are added (realtime_url).
    std::string base_url = "wss://skinify.io";
};

/// Skinify's real-time updates. Messages {event, data} are decoded and dispatched
/// by event: auth_success → realtime_auth_success, skin_purchase →
/// SkinPurchaseEvent, skin_purchase_status_change → SkinPurchaseStatusChangeEvent,
/// balance_change → BalanceChangeEvent, anything else → RealtimeMessage.
/// auth_failed stops the feed (status `stopped`, fatal_error() with kind
/// `provider` and provider_code "auth_failed"). A message that does not decode is
/// reported as a `message_error` status and skipped.
class realtime_feed {
public:
    using event_handler = std::function<void(const realtime_event&)>;
    using status_handler = websocket_client::status_handler;

    /// `token` empty: SKINIFY_TOKEN from the environment, as the REST client does.
    realtime_feed(boost::asio::io_context& ioc, std::int64_t project_id, std::string token, event_handler on_event,
                  realtime_options opts = {}, status_handler on_status = {})
        : on_event_(checked(std::move(on_event))),
          ws_(ioc, make_urls(project_id, std::move(token), opts.base_url), [this](std::string_view t) { deliver(t); },
              static_cast<websocket_options>(opts), std::move(on_status))
    {
    }

    /// With an io_context of its own: drive it with run() or run_for().
    realtime_feed(std::int64_t project_id, std::string token, event_handler on_event, realtime_options opts = {},
                  status_handler on_status = {})
        : on_event_(checked(std::move(on_event))),
          ws_(make_urls(project_id, std::move(token), opts.base_url), [this](std::string_view t) { deliver(t); },
              static_cast<websocket_options>(opts), std::move(on_status))
    {
    }

    realtime_feed(const realtime_feed&) = delete;
    realtime_feed& operator=(const realtime_feed&) = delete;

    void start() { ws_.start(); }
    void stop() { ws_.stop(); }
    /// Runs until stopped, also by auth_failed (then fatal_error() says why).
    void run() { ws_.run(); }
    void run_for(std::chrono::steady_clock::duration d) { ws_.run_for(d); }
    std::optional<error> fatal_error() const { return ws_.fatal_error(); }
    websocket_client& websocket() noexcept { return ws_; }

private:
    static event_handler checked(event_handler h)
    {
        if (!h)
            throw std::invalid_argument("cs2market::skinify::realtime_feed: empty event handler");
        return h;
    }

    static websocket_client::url_provider make_urls(std::int64_t project_id, std::string token, std::string base)
    {
        if (token.empty())
            if (const char* v = std::getenv("SKINIFY_TOKEN"))
                token = v;
        return [project_id, token = std::move(token), base = std::move(base)]() -> result<std::string> {
            if (token.empty())
                return ::cs2market::detail::make_error(error_kind::invalid_argument,
                                                       "no Skinify token (pass one or set SKINIFY_TOKEN)",
                                                       skinify::id);
            return realtime_url(project_id, token, base);
        };
    }

    error tagged(error e, std::string_view what)
    {
        e.provider = skinify::id;
        e.detail = std::string(what) + ": " + e.detail;
        return e;
    }

    template <class T>
    void dispatch_data(const RealtimeMessage& m)
    {
        if (!m.data || m.data->text.empty()) {
            error e = ::cs2market::detail::make_error(error_kind::decode, "missing required key", skinify::id);
            e.json_path = "data";
            ws_.report_message_error(tagged(std::move(e), m.event.raw() + " event"));
            return;
        }
        auto v = from_json<T>(m.data->text);
        if (!v) {
            error e = v.error();
            e.json_path = e.json_path.empty() ? "data" : "data." + e.json_path;
            ws_.report_message_error(tagged(std::move(e), m.event.raw() + " event"));
            return;
        }
        on_event_(realtime_event(std::in_place_type<T>, std::move(*v)));
    }

    void deliver(std::string_view text)
    {
        auto msg = from_json<RealtimeMessage>(text);
        if (!msg) {
            ws_.report_message_error(tagged(msg.error(), "real-time message"));
            return;
        }
        const RealtimeMessage& m = *msg;
        if (auto known = m.event.known()) {
            switch (*known) {
            case RealtimeEvent::auth_success:
                on_event_(realtime_event(std::in_place_type<realtime_auth_success>, realtime_auth_success{m.data}));
                return;
            case RealtimeEvent::auth_failed: {
                error e = ::cs2market::detail::make_error(
                    error_kind::provider, "authorization failed: check the project id and the token; not reconnecting",
                    skinify::id);
                e.provider_code = "auth_failed";
                ws_.fail(std::move(e));
                return;
            }
            case RealtimeEvent::skin_purchase: return dispatch_data<SkinPurchaseEvent>(m);
            case RealtimeEvent::skin_purchase_status_change: return dispatch_data<SkinPurchaseStatusChangeEvent>(m);
            case RealtimeEvent::balance_change: return dispatch_data<BalanceChangeEvent>(m);
            }
        }
        on_event_(realtime_event(std::in_place_type<RealtimeMessage>, m));
    }

    event_handler on_event_;
    websocket_client ws_; // last: stopped and destroyed first
};

} // namespace cs2market::skinify

#endif
