// cs2market::sandbox — the router: dispatches a request on the generated
// operations' method and path template to the front end of its provider.
//
// A front end (providers/<p>.hpp) is a class
//
//   struct my_frontend {
//       using provider = ::cs2market::<p>::provider;        // id, info
//       using operations = ::cs2market::<p>::ops::all;      // what the schema documents
//       explicit my_frontend(market&);                      // registers its book, hooks
//       response on(::cs2market::<p>::ops::get_balance, call&);  // one per operation it serves
//       // optional:
//       std::optional<response> authenticate(call&);        // sets call::key, or refuses
//       response rate_limited(const call&, const rate_refusal&);
//       static std::optional<response> map_exception(const std::exception&);
//       using extra_operations = mp_list<...>;              // undocumented routes (same shape as an op)
//       static constexpr std::string_view ws_path = "/ws/x"; // WebSocket upgrades it answers
//       std::vector<std::string> ws_open(const std::string& target);
//   };
//
// An operation is served when the front end has an `on(Op, call&)` overload
// (`serves<FE, Op>`). A documented operation it does not serve answers 501
// naming provider and operation; a path no operation has answers 404; a path
// whose operations all want another method answers 405. Before the handler:
// injected faults, authentication (when the operation documents any), and the
// operation's documented rate-limit buckets (plus the provider-wide "all"). A
// `no_answer` fault runs the handler and withholds its answer; a
// `commit_then_status` fault runs it and answers the fault's status and body.
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/market.hpp>

#include <cs2market/operation.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace cs2market::sandbox {

/// Whether front end `FE` has a handler for operation `Op`.
template <class FE, class Op>
concept serves = requires(FE& fe, call& c) {
    { fe.on(Op{}, c) } -> std::same_as<response>;
};

/// One route, for tests and diagnostics.
struct route_info {
    ::cs2market::provider_id provider;
    std::string_view operation;
    ::cs2market::http_method method;
    std::string_view path;  ///< the template, e.g. "/v1/orders/{id}"
    bool documented = true; ///< false: one of the front end's extra operations
    bool served = false;    ///< false: answers 501
};

/// The 501 of a documented operation the sandbox does not serve.
inline response not_implemented(const route_info& r)
{
    std::string what = std::string(r.provider.name()) + " " + std::string(r.operation);
    return json_response(501, R"({"code":"not_implemented","provider":)" + ::cs2market::to_json(std::string(r.provider.name())) +
                                  R"(,"operation":)" + ::cs2market::to_json(std::string(r.operation)) +
                                  R"(,"detail":)" + ::cs2market::to_json("the sandbox does not serve " + what) + "}");
}

namespace detail {

template <class FE>
auto extra_operations_of()
{
    if constexpr (requires { typename FE::extra_operations; })
        return typename FE::extra_operations{};
    else
        return boost::mp11::mp_list<>{};
}

/// Path template segments: a literal, or a `{name}` parameter matching one segment.
struct segment {
    std::string_view text;
    bool param = false;
};

inline std::vector<std::string_view> split_path(std::string_view path)
{
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

inline std::vector<segment> compile_template(std::string_view path)
{
    std::vector<segment> out;
    for (auto s : split_path(path)) {
        if (s.size() >= 2 && s.front() == '{' && s.back() == '}')
            out.push_back({s.substr(1, s.size() - 2), true});
        else
            out.push_back({s, false});
    }
    return out;
}

} // namespace detail

template <class Frontends>
class basic_router;

template <class... FEs>
class basic_router<boost::mp11::mp_list<FEs...>> {
public:
    /// Constructs every front end on `m` (each registers its book).
    explicit basic_router(market& m) : m_(m), fes_(static_cast<market_ref<FEs>>(m)...)
    {
        (add_routes<FEs>(std::get<FEs>(fes_)), ...);
    }
    basic_router(const basic_router&) = delete;
    basic_router& operator=(const basic_router&) = delete;

    template <class FE>
    FE& frontend() { return std::get<FE>(fes_); }

    std::vector<route_info> routes() const
    {
        std::vector<route_info> v;
        for (const auto& r : routes_)
            v.push_back(r.info);
        return v;
    }

    /// Every documented rate-limit bucket of every operation: (provider, bucket, requests, window).
    static std::vector<rate_limit_rule> documented_limits()
    {
        std::vector<rate_limit_rule> out;
        auto add = [&](::cs2market::provider_id p, const ::cs2market::rate_bucket& b) {
            for (auto& r : out)
                if (r.p == p && r.bucket == b.name)
                    return;
            out.push_back({p, std::string(b.name), static_cast<int>(b.requests), b.window.count()});
        };
        auto one = [&](auto* tag) {
            using FE = std::remove_pointer_t<decltype(tag)>;
            boost::mp11::mp_for_each<typename FE::operations>([&](auto op) {
                for (const auto& b : decltype(op)::rate_limits)
                    add(FE::provider::id, b);
            });
        };
        (one(static_cast<FEs*>(nullptr)), ...);
        return out;
    }

    /// Answers one request (takes the market's lock).
    response handle(const request& req)
    {
        call c{req, parse_target(req.target), {}, {}};
        const auto segs = detail::split_path(c.t.path);
        const entry* best = nullptr;
        int best_literals = -1;
        std::string allowed; // methods of routes whose path matches
        for (const auto& r : routes_) {
            if (!path_matches(r, segs))
                continue;
            if (to_string(r.info.method) != req.method) {
                const auto m = std::string(to_string(r.info.method));
                if (allowed.find(m) == std::string::npos)
                    allowed += (allowed.empty() ? "" : ", ") + m;
                continue;
            }
            if (r.literals > best_literals) {
                best = &r;
                best_literals = r.literals;
            }
        }
        std::unique_lock lk(m_.mu);
        m_.advance();
        auto fault = m_.faults.take(best ? best->info.provider : ::cs2market::provider_id{}, c.t.path);
        if (fault.instead)
            return *fault.instead;
        if (fault.move && best) // a move between a quote and a buy: then the request as usual
            m_.move_listing(best->info.provider, fault.move->listing_id, fault.move->kind == "sell_out", fault.move->price);
        response r;
        try {
            if (best) {
                for (std::size_t i = 0; i < best->segs.size(); ++i)
                    if (best->segs[i].param)
                        c.path_params.emplace_back(best->segs[i].text, pct_decode(segs[i]));
                r = best->run(c);
            } else if (!allowed.empty()) {
                r = json_response(405, R"({"code":"method_not_allowed","detail":)" + ::cs2market::to_json(allowed + " only") + "}");
                r.headers.emplace_back("Allow", allowed);
            } else {
                r = json_response(404, R"({"code":"not_found","detail":"no such sandbox endpoint"})");
            }
        } catch (const std::exception& e) {
            r = json_response(500, std::string(R"({"code":"sandbox_error","detail":)") + ::cs2market::to_json(std::string(e.what())) + "}");
        }
        if (fault.after) // commit_then_status: committed, answered otherwise
            r = *fault.after;
        if (fault.drift && r.status >= 200 && r.status < 300)
            fault_list::drift_answer(r, *fault.drift);
        if (fault.delay_ms > 0)
            r.delay_before_headers = std::chrono::milliseconds(fault.delay_ms);
        r.withhold = fault.withhold; // no_answer: committed, never answered
        return r;
    }

    /// The messages a WebSocket upgrade to `target` gets first: from the front end whose
    /// `ws_path` is the longest prefix of the target (none: no messages).
    std::vector<std::string> ws_open(const std::string& target)
    {
        std::size_t best_len = 0;
        std::function<std::vector<std::string>()> best;
        auto consider = [&](auto& fe) {
            using FE = std::remove_reference_t<decltype(fe)>;
            if constexpr (requires { FE::ws_path; fe.ws_open(target); }) {
                if (target.rfind(FE::ws_path, 0) == 0 && FE::ws_path.size() >= best_len) {
                    best_len = FE::ws_path.size();
                    best = [&fe, &target] { return fe.ws_open(target); };
                }
            }
        };
        std::apply([&](auto&... fe) { (consider(fe), ...); }, fes_);
        if (!best)
            return {};
        std::lock_guard lk(m_.mu);
        return best();
    }

    /// The canonical name of a rate-limit bucket (a front end's `bucket_aliases` map old names).
    std::string canonical_bucket(::cs2market::provider_id p, const std::string& bucket) const
    {
        std::string out = bucket;
        auto one = [&](auto* tag) {
            using FE = std::remove_pointer_t<decltype(tag)>;
            if constexpr (requires { FE::bucket_aliases; })
                if (FE::provider::id == p)
                    for (const auto& [from, to] : FE::bucket_aliases)
                        if (bucket == from)
                            out = std::string(to);
        };
        (one(static_cast<FEs*>(nullptr)), ...);
        return out;
    }

private:
    template <class>
    using market_ref = market&;

    struct entry {
        route_info info;
        std::vector<detail::segment> segs;
        int literals = 0;
        std::function<response(call&)> run;
    };

    static bool path_matches(const entry& r, const std::vector<std::string_view>& segs)
    {
        if (r.segs.size() != segs.size())
            return false;
        for (std::size_t i = 0; i < segs.size(); ++i) {
            if (r.segs[i].param ? segs[i].empty() : r.segs[i].text != segs[i])
                return false;
        }
        return true;
    }

    template <class FE>
    void add_routes(FE& fe)
    {
        auto add = [&](auto op, bool documented) {
            using Op = decltype(op);
            entry e;
            e.info = {FE::provider::id, Op::name, Op::method, Op::path, documented, serves<FE, Op>};
            e.segs = detail::compile_template(Op::path);
            for (const auto& s : e.segs)
                e.literals += s.param ? 0 : 1;
            e.run = [this, &fe, info = e.info](call& c) { return run<FE, Op>(fe, c, info); };
            routes_.push_back(std::move(e));
        };
        boost::mp11::mp_for_each<typename FE::operations>([&](auto op) { add(op, true); });
        boost::mp11::mp_for_each<decltype(detail::extra_operations_of<FE>())>([&](auto op) { add(op, false); });
    }

    /// Authentication, rate limits, then the front end's handler (or 501). Under the market's lock.
    template <class FE, class Op>
    response run(FE& fe, call& c, const route_info& info)
    {
        if constexpr (!serves<FE, Op>) {
            (void)fe;
            (void)c;
            return not_implemented(info);
        } else {
            if constexpr (Op::auth.size() > 0) {
                if constexpr (requires { fe.authenticate(c); })
                    if (auto refused = fe.authenticate(c))
                        return *refused;
                std::vector<std::string_view> buckets;
                for (const auto& b : Op::rate_limits)
                    buckets.push_back(b.name);
                if (std::find(buckets.begin(), buckets.end(), std::string_view("all")) == buckets.end())
                    buckets.push_back("all");
                if (auto over = m_.limits.check(FE::provider::id, c.key, buckets, m_.now_ms(), m_.opts.rate_window_ms)) {
                    if constexpr (requires { fe.rate_limited(c, *over); })
                        return fe.rate_limited(c, *over);
                    else {
                        response r = json_response(429, R"({"code":"rate_limited"})");
                        r.headers.emplace_back("Retry-After", std::to_string(over->retry_after_s));
                        return r;
                    }
                }
            }
            if constexpr (requires(const std::exception& e) { FE::map_exception(e); }) {
                try {
                    return fe.on(Op{}, c);
                } catch (const std::exception& e) {
                    if (auto r = FE::map_exception(e))
                        return *r;
                    throw;
                }
            } else {
                return fe.on(Op{}, c);
            }
        }
    }

    market& m_;
    std::tuple<FEs...> fes_;
    std::vector<entry> routes_;
};

} // namespace cs2market::sandbox
