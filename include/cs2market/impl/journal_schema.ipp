// cs2market: bodies of detail/journal_schema.hpp.
#ifndef CS2MARKET_IMPL_JOURNAL_SCHEMA_IPP
#define CS2MARKET_IMPL_JOURNAL_SCHEMA_IPP

#include <cs2market/detail/journal_schema.hpp>
#include <cs2market/journal.hpp>

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
           journal_parse_int(r[16], o.finished_at);
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

} // namespace cs2market::detail

#endif
