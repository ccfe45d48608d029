// cs2market::sandbox — rate limits and injected faults. Limits are per provider,
// key and bucket, on sliding windows; the buckets are the generated operations'
// documented `rate_limits` (the router passes the matched operation's), and a
// documented minute lasts `options::rate_window_ms`.
#pragma once

#include <cs2market/sandbox/http.hpp>
#include <cs2market/sandbox/state.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cs2market::sandbox {

/// A request over a limit: which bucket, and the Retry-After to answer (seconds, >= 1).
struct rate_refusal {
    std::string bucket;
    std::int64_t retry_after_s = 1;
};

class rate_limiter {
public:
    /// Sets the limit of (provider, bucket); a rule for a provider applies to that provider only,
    /// one without to every provider with that bucket. Keeps the documented window when there is one.
    void set(const rate_limit_rule& r)
    {
        for (auto& l : rules_)
            if (l.p == r.p && l.bucket == r.bucket) {
                l.limit = r.limit;
                if (r.documented_window_ms != 0)
                    l.documented_window_ms = r.documented_window_ms;
                return;
            }
        rules_.push_back(r);
    }
    const std::vector<rate_limit_rule>& rules() const { return rules_; }

    /// Counts one request of `key` against every bucket in `buckets`, unless one of them is full:
    /// then nothing is counted and the fullest's refusal is returned.
    std::optional<rate_refusal> check(::cs2market::provider_id p, const std::string& key,
                                      std::span<const std::string_view> buckets, std::int64_t now_ms,
                                      std::int64_t minute_ms)
    {
        struct hit { std::deque<std::int64_t>* q; std::int64_t window; };
        std::vector<hit> counted;
        std::optional<rate_refusal> refused;
        for (auto bucket : buckets) {
            const rate_limit_rule* rule = nullptr;
            for (auto& l : rules_)
                if ((l.p.empty() || l.p == p) && l.bucket == bucket)
                    rule = &l;
            if (!rule || rule->limit <= 0)
                continue;
            const std::int64_t window = rule->documented_window_ms == 0
                                            ? minute_ms
                                            : std::max<std::int64_t>(1, rule->documented_window_ms * minute_ms / 60000);
            auto& q = hits_[std::string(p.name()) + "|" + key + "|" + std::string(bucket)];
            while (!q.empty() && q.front() <= now_ms - window)
                q.pop_front();
            if (static_cast<int>(q.size()) >= rule->limit) {
                std::int64_t wait_ms = q.front() + window - now_ms;
                std::int64_t retry = std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
                if (!refused || retry > refused->retry_after_s)
                    refused = rate_refusal{std::string(bucket), retry};
                continue;
            }
            counted.push_back({&q, window});
        }
        if (refused)
            return refused;
        for (auto& c : counted)
            c.q->push_back(now_ms);
        return std::nullopt;
    }

private:
    std::vector<rate_limit_rule> rules_;
    std::map<std::string, std::deque<std::int64_t>> hits_;
};

/// What an injected fault does to one request.
struct fault_action {
    std::optional<response> instead; ///< status, close: answered instead; the handler does not run
    std::optional<response> after;   ///< commit_then_status: the handler runs, then this is answered instead of its answer
    std::int64_t delay_ms = 0;       ///< delay: the real answer, this late
    bool withhold = false;           ///< no_answer: the handler runs, and nothing is answered
    std::optional<fault> drift;      ///< drift: the real answer, changed after the handler (drift_answer)
    std::optional<fault> move;       ///< sell_out / set_price: the market moves before the handler runs
};

/// Injected faults: the first live fault matching (provider, path prefix) is used up by a request.
class fault_list {
public:
    /// Adds a fault; an unknown kind is an error (it would otherwise act as another kind).
    void add(fault f)
    {
        if (!is_fault_kind(f.kind))
            throw std::invalid_argument("sandbox: unknown fault kind '" + f.kind + "'");
        faults_.push_back(std::move(f));
    }

    /// What the next request on (provider, path) gets, using up the first matching fault.
    fault_action take(::cs2market::provider_id p, const std::string& path)
    {
        fault_action a;
        for (auto& f : faults_) {
            if (f.remaining == 0)
                continue;
            if (!f.provider.empty() && f.provider != p)
                continue;
            if (!f.path.empty() && path.rfind(f.path, 0) != 0)
                continue;
            if (f.remaining > 0)
                --f.remaining;
            if (f.kind == "delay") {
                a.delay_ms = f.delay_ms;
            } else if (f.kind == "no_answer") {
                a.withhold = true;
            } else if (f.kind == "drift") {
                a.drift = f;
            } else if (f.kind == "sell_out" || f.kind == "set_price") {
                a.move = f;
            } else if (f.kind == "close") {
                response r;
                r.close_without_response = true;
                a.instead = std::move(r);
            } else {
                response r;
                r.status = f.status;
                r.body = f.body;
                r.headers = f.headers;
                (f.kind == "commit_then_status" ? a.after : a.instead) = std::move(r);
            }
            return a;
        }
        return a;
    }

    /// Drops every fault, used up or not.
    void clear() { faults_.clear(); }

    /// A `drift` fault applied to a JSON answer: the first `field` (depth first) set to
    /// `value`, and `unknown_field` added to the object holding it (to the top-level
    /// object when `field` is empty or absent). Other bodies are left as they are.
    static void drift_answer(response& r, const fault& f)
    {
        boost::system::error_code ec;
        auto doc = boost::json::parse(r.body, ec);
        auto value = f.field.empty() ? boost::json::value() : boost::json::parse(f.value, ec);
        if (ec || !doc.is_object())
            return;
        boost::json::object* holder = nullptr;
        auto find = [&](auto& self, boost::json::value& v) -> bool {
            if (auto* o = v.if_object()) {
                if (!f.field.empty())
                    if (auto* x = o->if_contains(f.field)) {
                        *x = value;
                        holder = o;
                        return true;
                    }
                for (auto& kv : *o)
                    if (self(self, kv.value()))
                        return true;
            } else if (auto* a = v.if_array()) {
                for (auto& e : *a)
                    if (self(self, e))
                        return true;
            }
            return false;
        };
        if (!find(find, doc))
            holder = &doc.as_object();
        (*holder)[f.unknown_field] = "added by the sandbox";
        r.body = boost::json::serialize(doc);
    }

private:
    std::vector<fault> faults_;
};

} // namespace cs2market::sandbox
