// cs2market: the token tape's bodies (detail/json_tape.hpp). Compiled in every TU
// that includes it (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_JSON_TAPE_IPP
#define CS2MARKET_IMPL_JSON_TAPE_IPP

#include <cs2market/detail/json_tape.hpp>
#include <cs2market/json.hpp> // codec_options

#include <boost/json/basic_parser_impl.hpp>

#include <functional>

namespace cs2market::detail {

std::string_view kind_name(jkind k) noexcept
{
    switch (k) {
    case jkind::object: return "object";
    case jkind::array: return "array";
    case jkind::string: return "string";
    case jkind::number: return "number";
    case jkind::boolean: return "boolean";
    case jkind::null: return "null";
    case jkind::key: return "key";
    }
    return "?";
}

std::uint32_t tape::find(std::uint32_t obj, std::string_view key) const noexcept
{
    if (nodes[obj].kind != jkind::object)
        return 0;
    // The last occurrence: the decoder keeps the last of duplicate keys, so
    // whatever judges a body (the envelope) must read that one too.
    std::uint32_t found = 0;
    for (std::uint32_t i = obj + 1; i < nodes[obj].end;) {
        std::uint32_t v = i + 1;
        if (text(i) == key)
            found = v;
        i = nodes[v].end;
    }
    return found;
}

bool tape_builder::on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&)
{
    text(jkind::number, s);
    t_.nodes.back().num = jnum::int64;
    t_.nodes.back().i = v;
    return true;
}

bool tape_builder::on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&)
{
    text(jkind::number, s);
    t_.nodes.back().num = jnum::uint64;
    t_.nodes.back().u = v;
    return true;
}

bool tape_builder::on_double(double v, boost::json::string_view s, boost::json::error_code&)
{
    text(jkind::number, s);
    t_.nodes.back().num = jnum::dbl;
    t_.nodes.back().d = v;
    return true;
}

bool tape_builder::on_bool(bool b, boost::json::error_code&)
{
    auto& n = push(jkind::boolean);
    n.flag = b;
    return true;
}

bool tape_builder::on_null(boost::json::error_code&)
{
    push(jkind::null);
    return true;
}

jnode& tape_builder::push(jkind k)
{
    auto& n = t_.nodes.emplace_back();
    n.kind = k;
    n.end = static_cast<std::uint32_t>(t_.nodes.size());
    return n;
}

bool tape_builder::open(jkind k)
{
    stack_.push_back(static_cast<std::uint32_t>(t_.nodes.size()));
    push(k);
    return true;
}

bool tape_builder::close(std::size_t n)
{
    auto idx = stack_.back();
    stack_.pop_back();
    t_.nodes[idx].end = static_cast<std::uint32_t>(t_.nodes.size());
    t_.nodes[idx].len = static_cast<std::uint32_t>(n);
    return true;
}

bool tape_builder::part(boost::json::string_view s)
{
    pending_.append(s.data(), s.size());
    return true;
}

bool tape_builder::text(jkind k, boost::json::string_view s)
{
    auto& n = push(k);
    const char* b = t_.input.data();
    const char* e = b + t_.input.size();
    // A view into the caller's buffer stays valid; anything else (unescaped
    // text in the parser's scratch space, or split parts) is copied.
    if (pending_.empty() && std::less_equal<const char*>()(b, s.data()) &&
        std::less_equal<const char*>()(s.data() + s.size(), e)) {
        n.off = static_cast<std::uint32_t>(s.data() - b);
        n.len = static_cast<std::uint32_t>(s.size());
    } else {
        pending_.append(s.data(), s.size());
        n.in_arena = true;
        n.off = static_cast<std::uint32_t>(t_.arena.size());
        n.len = static_cast<std::uint32_t>(pending_.size());
        t_.arena += pending_;
        pending_.clear();
    }
    return true;
}

bool build_tape(std::string_view json, tape& t, const codec_options& opt, error& err)
{
    t.nodes.clear();
    t.arena.clear();
    t.input = json;
    if (json.size() > opt.max_size || json.size() >= std::numeric_limits<std::uint32_t>::max()) {
        err = make_error(error_kind::invalid_json, "input of " + std::to_string(json.size()) + " bytes is larger than the limit of " +
                                                      std::to_string(opt.max_size));
        return false;
    }
    t.nodes.reserve(json.size() / 8 + 4);
    boost::json::parse_options po;
    po.max_depth = opt.max_depth;
    boost::json::basic_parser<tape_builder> p(po, t);
    boost::json::error_code ec;
    std::size_t used = p.write_some(false, json.data(), json.size(), ec);
    if (!ec && used != json.size())
        ec = boost::json::error::extra_data;
    if (ec) {
        std::string what = ec == boost::json::error::too_deep
                               ? "nesting deeper than " + std::to_string(opt.max_depth) + " levels"
                               : ec.message();
        err = make_error(error_kind::invalid_json, what + " at byte " + std::to_string(used));
        t.nodes.clear();
        return false;
    }
    return true;
}

} // namespace cs2market::detail

#endif
