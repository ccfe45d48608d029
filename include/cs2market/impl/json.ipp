// cs2market: the codec's non-template bodies: the parser handler, the parse and
// tape-replay loops, and the string writers. Compiled in every TU that includes
// <cs2market/json.hpp> (header-only), or once in <cs2market/src.hpp>.
#ifndef CS2MARKET_IMPL_JSON_IPP
#define CS2MARKET_IMPL_JSON_IPP

#include <cs2market/json.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cmath>

namespace cs2market {

namespace detail {

bool double_from_text(std::string_view s, double& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

// --- direct_decoder ---------------------------------------------------------------

direct_decoder::direct_decoder(const codec_options& o, const value_sink* root, void* out) : opt(o)
{
    frames_.reserve(16);
    decode_frame f;
    f.slot = root;
    f.slot_ptr = out;
    frames_.push_back(f);
}

decode_frame& direct_decoder::push(frame_kind k, const frame_ops* ops, void* obj)
{
    decode_frame f;
    f.kind = k;
    f.ops = ops;
    f.obj = obj;
    frames_.push_back(f);
    return frames_.back();
}

bool direct_decoder::fail(std::string what)
{
    err.kind = error_kind::decode;
    err.detail = std::move(what);
    err.json_path = path();
    return false;
}

bool direct_decoder::mismatch(std::string_view expected, jkind got)
{
    return fail("expected " + std::string(expected) + ", got " + std::string(kind_name(got)));
}

std::string direct_decoder::path() const
{
    std::string p = prefix;
    for (const auto& f : frames_) {
        if (f.kind == frame_kind::object) {
            if (!f.has_key)
                continue;
            if (!p.empty())
                p += '.';
            p += f.key;
        } else if (f.kind == frame_kind::array) {
            p += '[';
            p += std::to_string(f.index);
            p += ']';
        }
    }
    return p;
}

void direct_decoder::drift(drift_kind k, std::string_view value)
{
    if (k == drift_kind::number_as_string)
        // A member (or a list member's element) the docs show quoted is no drift.
        for (auto f = frames_.rbegin(); f != frames_.rend() && f->kind != frame_kind::root; ++f) {
            if (f->kind == frame_kind::object) {
                if (f->ops->sent_as_string && f->index > 0 && f->ops->sent_as_string[f->index - 1])
                    return;
                break;
            }
        }
    const std::string p = path();
    opt.drift->on_drift(drift_event{k, p, value});
}

void direct_decoder::drift_key(drift_kind k, std::string_view key)
{
    // The innermost frame's key is the last member seen, not this one.
    decode_frame& f = frames_.back();
    const bool had = f.has_key;
    f.has_key = false;
    std::string p = path();
    f.has_key = had;
    if (!p.empty())
        p += '.';
    p += key;
    opt.drift->on_drift(drift_event{k, p, {}});
}

bool direct_decoder::on_key(boost::json::string_view s, std::size_t, boost::json::error_code&)
{
    if (quiet())
        return true;
    std::string_view k = text(s);
    decode_frame& f = frames_.back();
    if (f.kind == frame_kind::raw) {
        std::string& o = *static_cast<std::string*>(f.obj);
        if (o.back() != '{')
            o += ',';
        write_string(o, k);
        o += ':';
    } else {
        f.ops->key(*this, f, k);
    }
    pending_.clear();
    return true;
}

bool direct_decoder::on_string(boost::json::string_view s, std::size_t, boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::string;
    e.text = text(s);
    return scalar(e);
}

bool direct_decoder::on_int64(std::int64_t v, boost::json::string_view s, boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::number;
    e.num = jnum::int64;
    e.i = v;
    e.text = text(s);
    return scalar(e);
}

bool direct_decoder::on_uint64(std::uint64_t v, boost::json::string_view s, boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::number;
    e.num = jnum::uint64;
    e.u = v;
    e.text = text(s);
    return scalar(e);
}

bool direct_decoder::on_double(double v, boost::json::string_view s, boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::number;
    e.num = jnum::dbl;
    e.d = v;
    e.text = text(s);
    return scalar(e);
}

bool direct_decoder::on_bool(bool b, boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::boolean;
    e.flag = b;
    e.text = b ? std::string_view("true") : std::string_view("false");
    return scalar(e);
}

bool direct_decoder::on_null(boost::json::error_code&)
{
    if (quiet())
        return true;
    scalar_event e;
    e.kind = jkind::null;
    e.text = "null";
    return scalar(e);
}

bool direct_decoder::part(boost::json::string_view s)
{
    if (!quiet())
        pending_.append(s.data(), s.size());
    return true;
}

std::string_view direct_decoder::text(boost::json::string_view s)
{
    if (pending_.empty())
        return {s.data(), s.size()};
    pending_.append(s.data(), s.size());
    return pending_;
}

bool direct_decoder::scalar(const scalar_event& e)
{
    decode_frame& f = frames_.back();
    if (f.kind == frame_kind::raw) {
        std::string& o = *static_cast<std::string*>(f.obj);
        char b = o.back();
        if (b != '{' && b != '[' && b != ':')
            o += ',';
        if (e.kind == jkind::string)
            write_string(o, e.text);
        else
            o += e.text;
    } else {
        if (f.kind == frame_kind::array)
            f.ops->element(f);
        if (f.slot && !f.slot->scalar(*this, f.slot_ptr, e))
            failed_ = true;
    }
    pending_.clear();
    return true;
}

bool direct_decoder::begin(bool is_object)
{
    if (skip_) {
        ++skip_;
        return true;
    }
    if (failed_)
        return true;
    decode_frame& f = frames_.back();
    if (f.kind == frame_kind::raw) {
        std::string& o = *static_cast<std::string*>(f.obj);
        char b = o.back();
        if (b != '{' && b != '[' && b != ':')
            o += ',';
        o += is_object ? '{' : '[';
        ++f.index;
        return true;
    }
    if (f.kind == frame_kind::array)
        f.ops->element(f);
    if (!f.slot) {
        skip_ = 1;
        return true;
    }
    if (!f.slot->begin(*this, f.slot_ptr, is_object)) // may push a frame: f is stale after this
        failed_ = true;
    return true;
}

bool direct_decoder::end(bool is_object)
{
    if (skip_) {
        --skip_;
        return true;
    }
    if (failed_)
        return true;
    decode_frame& f = frames_.back();
    if (f.kind == frame_kind::raw) {
        *static_cast<std::string*>(f.obj) += is_object ? '}' : ']';
        if (--f.index == 0)
            frames_.pop_back();
        return true;
    }
    if (f.ops->end && !f.ops->end(*this, f)) {
        failed_ = true;
        return true;
    }
    frames_.pop_back();
    return true;
}

// --- entry points -------------------------------------------------------------------

bool decode_text_into(std::string_view json, const codec_options& opt, std::string prefix, const value_sink* root, void* out,
                      error& err)
{
    if (json.size() > opt.max_size || json.size() >= std::numeric_limits<std::uint32_t>::max()) {
        err = make_error(error_kind::invalid_json, "input of " + std::to_string(json.size()) + " bytes is larger than the limit of " +
                                                      std::to_string(opt.max_size));
        return false;
    }
    boost::json::parse_options po;
    po.max_depth = opt.max_depth;
    boost::json::basic_parser<direct_decoder> p(po, opt, root, out);
    p.handler().prefix = std::move(prefix);
    boost::json::error_code ec;
    std::size_t used = p.write_some(false, json.data(), json.size(), ec);
    if (!ec && used != json.size())
        ec = boost::json::error::extra_data;
    if (ec) {
        std::string what = ec == boost::json::error::too_deep
                               ? "nesting deeper than " + std::to_string(opt.max_depth) + " levels"
                               : ec.message();
        err = make_error(error_kind::invalid_json, what + " at byte " + std::to_string(used));
        return false;
    }
    if (p.handler().failed()) {
        err = std::move(p.handler().err);
        return false;
    }
    return true;
}

void replay_tape(const tape& t, std::uint32_t idx, direct_decoder& h)
{
    boost::json::error_code ec;
    // Iterative pre-order walk; a stack of (end index, is_object) closes containers.
    struct open_t {
        std::uint32_t end;
        bool obj;
    };
    std::vector<open_t> stack;
    std::uint32_t stop = t.nodes[idx].end;
    for (std::uint32_t i = idx; i < stop; ++i) {
        while (!stack.empty() && stack.back().end <= i) {
            if (stack.back().obj)
                h.on_object_end(0, ec);
            else
                h.on_array_end(0, ec);
            stack.pop_back();
        }
        const jnode& n = t.nodes[i];
        boost::json::string_view s;
        if (n.kind == jkind::string || n.kind == jkind::key || n.kind == jkind::number) {
            auto tx = t.text(n);
            s = boost::json::string_view(tx.data(), tx.size());
        }
        switch (n.kind) {
        case jkind::object:
            h.on_object_begin(ec);
            stack.push_back({n.end, true});
            break;
        case jkind::array:
            h.on_array_begin(ec);
            stack.push_back({n.end, false});
            break;
        case jkind::key: h.on_key(s, s.size(), ec); break;
        case jkind::string: h.on_string(s, s.size(), ec); break;
        case jkind::number:
            if (n.num == jnum::int64)
                h.on_int64(n.i, s, ec);
            else if (n.num == jnum::uint64)
                h.on_uint64(n.u, s, ec);
            else
                h.on_double(n.d, s, ec);
            break;
        case jkind::boolean: h.on_bool(n.flag, ec); break;
        case jkind::null: h.on_null(ec); break;
        }
    }
    while (!stack.empty()) {
        if (stack.back().obj)
            h.on_object_end(0, ec);
        else
            h.on_array_end(0, ec);
        stack.pop_back();
    }
}

bool decode_node_into(const tape& t, std::uint32_t idx, const codec_options& opt, std::string prefix, const value_sink* root,
                      void* out, error& err)
{
    direct_decoder h(opt, root, out);
    h.prefix = std::move(prefix);
    replay_tape(t, idx, h);
    if (!h.failed())
        return true;
    err = std::move(h.err);
    return false;
}

// --- writers ------------------------------------------------------------------------

void write_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            out += "\\u00";
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void write_raw(const tape& t, std::uint32_t idx, std::string& out)
{
    const jnode& n = t.nodes[idx];
    switch (n.kind) {
    case jkind::object: {
        out += '{';
        bool first = true;
        for (std::uint32_t i = idx + 1; i < n.end;) {
            if (!first)
                out += ',';
            first = false;
            write_string(out, t.text(i));
            out += ':';
            write_raw(t, i + 1, out);
            i = t.nodes[i + 1].end;
        }
        out += '}';
        break;
    }
    case jkind::array: {
        out += '[';
        for (std::uint32_t i = idx + 1; i < n.end; i = t.nodes[i].end) {
            if (i != idx + 1)
                out += ',';
            write_raw(t, i, out);
        }
        out += ']';
        break;
    }
    case jkind::string:
    case jkind::key: write_string(out, t.text(n)); break;
    case jkind::number: out += t.text(n); break;
    case jkind::boolean: out += n.flag ? "true" : "false"; break;
    case jkind::null: out += "null"; break;
    }
}

} // namespace detail

std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.message(); }

} // namespace cs2market

#endif
