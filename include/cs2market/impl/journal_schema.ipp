// cs2market: bodies of detail/journal_schema.hpp.
#ifndef CS2MARKET_IMPL_JOURNAL_SCHEMA_IPP
#define CS2MARKET_IMPL_JOURNAL_SCHEMA_IPP

#include <cs2market/detail/journal_schema.hpp>
#include <cs2market/journal.hpp>

#include <algorithm>
#include <charconv>

namespace cs2market::detail {

CS2MARKET_DECL std::optional<std::string> journal_int(std::optional<std::int64_t> v)
{
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

CS2MARKET_DECL bool journal_parse_int(const std::optional<std::string>& s, std::optional<std::int64_t>& out)
{
    if (!s) {
        out.reset();
        return true;
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || p != s->data() + s->size())
        return false;
    out = v;
    return true;
}

CS2MARKET_DECL journal_row to_journal_row(const order& o)
{
    journal_row r;
    r[0] = std::string(o.provider.name());
    r[1] = o.id;
    r[2] = o.operation;
    r[3] = o.order_id;
    r[4] = o.item_name;
    if (o.price)
        r[5] = o.price->to_string();
    if (o.max_price)
        r[6] = o.max_price->to_string();
    r[7] = std::string(to_string(o.phase));
    r[8] = o.provider_status;
    r[9] = o.failure_code;
    if (o.reversed_by)
        r[10] = std::string(to_string(*o.reversed_by));
    if (o.failed_by)
        r[11] = std::string(to_string(*o.failed_by));
    if (o.refunded)
        r[12] = *o.refunded ? "1" : "0";
    r[13] = std::to_string(o.created_at);
    r[14] = journal_int(o.delivered_at);
    r[15] = journal_int(o.settles_at);
    r[16] = journal_int(o.finished_at);
    r[17] = journal_int(o.send_deadline);
    return r;
}

CS2MARKET_DECL bool from_journal_row(const journal_row& r, order& o)
{
    if (!r[0] || !r[1] || !r[7] || !r[13])
        return false;
    o.provider = intern_provider_id(*r[0]);
    o.id = *r[1];
    o.operation = r[2].value_or("");
    o.order_id = r[3].value_or("");
    o.item_name = r[4].value_or("");
    o.price.reset();
    o.max_price.reset();
    if (r[5]) {
        auto d = decimal::parse(*r[5]);
        if (!d)
            return false;
        o.price = *d;
    }
    if (r[6]) {
        auto d = decimal::parse(*r[6]);
        if (!d)
            return false;
        o.max_price = *d;
    }
    auto ph = order_phase_from_string(*r[7]);
    if (!ph)
        return false;
    o.phase = *ph;
    o.provider_status = r[8].value_or("");
    o.failure_code = r[9].value_or("");
    o.reversed_by = r[10] ? reversal_party_from_string(*r[10]) : std::nullopt;
    o.failed_by = r[11] ? fault_party_from_string(*r[11]) : std::nullopt;
    o.refunded = r[12] ? std::optional<bool>(*r[12] == "1") : std::nullopt;
    std::optional<std::int64_t> created;
    if (!journal_parse_int(r[13], created) || !created)
        return false;
    o.created_at = *created;
    return journal_parse_int(r[14], o.delivered_at) && journal_parse_int(r[15], o.settles_at) &&
           journal_parse_int(r[16], o.finished_at) && journal_parse_int(r[17], o.send_deadline);
}

CS2MARKET_DECL std::array<std::string, 5> to_transition_row(const phase_change& c)
{
    return {std::string(to_string(c.from)), std::string(to_string(c.to)), std::to_string(c.at), c.provider_status, c.source};
}

CS2MARKET_DECL bool from_transition_row(const std::array<std::optional<std::string>, 5>& r, phase_change& c)
{
    auto from = r[0] ? order_phase_from_string(*r[0]) : std::nullopt;
    auto to = r[1] ? order_phase_from_string(*r[1]) : std::nullopt;
    std::optional<std::int64_t> at;
    if (!from || !to || !journal_parse_int(r[2], at) || !at)
        return false;
    c.from = *from;
    c.to = *to;
    c.at = *at;
    c.provider_status = r[3].value_or("");
    c.source = r[4].value_or("");
    return true;
}

CS2MARKET_DECL bool parse_budget_slots(std::string_view text, std::vector<std::int64_t>& out)
{
    out.clear();
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc() || p != item.data() + item.size() || (!out.empty() && v < out.back()))
            return false;
        out.push_back(v);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return true;
}

CS2MARKET_DECL std::string format_budget_slots(const std::vector<std::int64_t>& slots)
{
    std::string s;
    for (auto v : slots) {
        if (!s.empty())
            s += ',';
        s += std::to_string(v);
    }
    return s;
}

CS2MARKET_DECL std::int64_t budget_slot_for(const budget_slots& b, unsigned requests, std::int64_t window_ms, std::int64_t now)
{
    // Slots are only ever appended in order, each at least a window after the
    // one `requests` before it: then no window holds more than `requests`.
    std::int64_t t = std::max(now, b.paused_until);
    if (!b.slots.empty())
        t = std::max(t, b.slots.back());
    if (requests > 0 && b.slots.size() >= requests)
        t = std::max(t, b.slots[b.slots.size() - requests] + window_ms);
    return t;
}

CS2MARKET_DECL void budget_take(budget_slots& b, std::int64_t t, unsigned requests, std::int64_t window_ms, std::int64_t now)
{
    b.slots.push_back(t);
    // A slot at or before now - window is a window apart from any later one.
    std::size_t drop = 0;
    while (drop < b.slots.size() && b.slots[drop] + window_ms <= now)
        ++drop;
    const std::size_t keep = std::max<std::size_t>(requests, 1);
    if (b.slots.size() - drop > keep)
        drop = b.slots.size() - keep;
    b.slots.erase(b.slots.begin(), b.slots.begin() + static_cast<std::ptrdiff_t>(drop));
}

CS2MARKET_DECL bool budget_give_back(budget_slots& b, std::int64_t t)
{
    // Removing any one slot keeps every window at or under the limit.
    auto it = std::find(b.slots.begin(), b.slots.end(), t);
    if (it == b.slots.end())
        return false;
    b.slots.erase(it);
    return true;
}

CS2MARKET_DECL std::string budget_name(std::string_view provider, std::size_t key_hash, std::string_view bucket)
{
    std::string s(provider);
    s += '/';
    s += std::to_string(key_hash);
    s += '/';
    s += bucket;
    return s;
}

} // namespace cs2market::detail

#endif
