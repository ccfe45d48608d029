"""generated/operations.hpp: the provider, one type per operation, exactly-once traits."""
from .models import banner
from .schema import SchemaError, comment, cpp_str, ident


def scalar(v):
    if v is None:
        return "{::cs2market::json_scalar::kind::null}"
    if isinstance(v, bool):
        return f"{{::cs2market::json_scalar::kind::boolean, {'true' if v else 'false'}}}"
    if isinstance(v, int):
        return f"{{::cs2market::json_scalar::kind::integer, false, {v}}}"
    if isinstance(v, str):
        return f"{{::cs2market::json_scalar::kind::string, false, 0, {cpp_str(v)}}}"
    raise SchemaError(f"unsupported envelope value {v!r}")

def gen_operations(self):
    env = self.x.get("envelope") or {}
    guard = f"CS2MARKET_{self.name.upper()}_GENERATED_OPERATIONS_HPP"
    ops = self.operations()
    buys = [(op["operationId"], self.exactly_once(path, method, op)) for path, method, op in ops]
    buys = [(n, x) for n, x in buys if x]
    out = [banner(self), f"// The {self.name} operations: what each one sends and what it returns. No I/O here.",
           f"#ifndef {guard}", f"#define {guard}", "",
           f"#include <cs2market/{self.name}/generated/models.hpp>", "#include <cs2market/net/call_recorder.hpp>",
           "#include <cs2market/exactly_once.hpp>", "#include <cs2market/operation.hpp>", "#include <cs2market/pagination.hpp>",
           "#include <cs2market/raw_body.hpp>"]
    out += ["", "#include <boost/mp11/list.hpp>", "", "#include <array>", "#include <chrono>", "#include <optional>",
            "#include <span>", "#include <string>", "#include <utility>", "", f"namespace {self.ns} {{", "", "namespace detail {"]
    rules = []
    for i, r in enumerate(env.get("error_if") or []):
        if "equals" in r:
            vals, neg = [r["equals"]], "false"
        elif "not_in" in r:
            vals, neg = r["not_in"], "true"
        else:
            raise SchemaError(f"{self.rel}: envelope rule needs equals or not_in")
        out.append(f"inline constexpr ::cs2market::json_scalar error_if_{i}[] = {{{', '.join(scalar(v) for v in vals)}}};")
        rules.append(f"{{{cpp_str(r['field'])}, {neg}, error_if_{i}}}")
    if rules:
        out.append(f"inline constexpr ::cs2market::envelope_rule error_if[] = {{{', '.join(rules)}}};")
    rl = []
    for r in env.get("rate_limited_if") or []:
        rl.append(f"{{{int(r.get('status', 0))}, {cpp_str(str(r.get('code', '')))}, {cpp_str(r.get('body_prefix', ''))}}}")
    if rl:
        out.append("inline constexpr ::cs2market::rate_limit_rule rate_limited_if[] = {" + ", ".join(rl) + "};")
    hdrs = self.x.get("default_headers") or {}
    if hdrs:
        out.append("inline constexpr std::pair<std::string_view, std::string_view> default_headers[] = {" +
                   ", ".join(f"{{{cpp_str(k)}, {cpp_str(v)}}}" for k, v in hdrs.items()) + "};")
    out.append("} // namespace detail")
    out.append("")
    servers = self.doc.get("servers") or []
    if not servers:
        raise SchemaError(f"{self.rel}: servers[0].url missing")
    out.append(f"/// Provider-wide facts from {self.rel}.")
    out.append("struct provider {")
    out.append(f"    static constexpr ::cs2market::provider_id id = {self.name}::id;")
    out.append("    static constexpr ::cs2market::provider_info info{")
    out.append("        id,")
    out.append(f"        {cpp_str(self.name)},")
    out.append(f"        {cpp_str(servers[0]['url'])},")
    out.append(f"        {cpp_str(self.x.get('credential_env', ''))},")
    out.append(f"        {cpp_str(env.get('data', ''))},")
    out.append(f"        {'detail::error_if' if rules else '{}'},")
    out.append(f"        {cpp_str(env.get('code_field', ''))},")
    out.append(f"        {cpp_str(env.get('message_field', ''))},")
    out.append(f"        {'detail::rate_limited_if' if rl else '{}'},")
    out.append(f"        {'detail::default_headers' if hdrs else '{}'},")
    out.append("    };")
    out.append("};")
    out.append("")

    op_names = []
    op_defs = []
    for path, method, op in ops:
        name = op["operationId"]
        op_names.append(name)
        where = f"{method.upper()} {path}"
        params_struct = f"{name}_params"
        members = self.params_of(path, method, op)
        table = [f"{{{cpp_str(key)}, ::cs2market::param_in::{pin}, {'true' if req else 'false'}}}"
                 for _, _, key, _, pin, req in members]
        out.append(f"/// Parameters of `{name}` ({where}). Member names are the wire names.")
        out.append(f"struct {params_struct} {{")
        for typ, m, _, desc, _, _ in members:
            out += comment(desc, "    ")
            out.append(f"    {typ} {m}{{}};")
        if any(m[1] != m[2] for m in members):
            # Header names such as Idempotency-Key: sanitized member, explicit wire key.
            out.append("")
            out.append("    /// Wire names, in member order (some are not valid C++ names).")
            out.append(f"    static constexpr std::array<std::string_view, {len(members)}> cs2market_wire_keys{{")
            out.append("        " + ", ".join(cpp_str(m[2]) for m in members) + "};")
        out.append("};")
        out.append(f"BOOST_DESCRIBE_STRUCT({params_struct}, (), ({', '.join(m[1] for m in members)}))")
        out.append("")
        resp = self.response_type(op, where)
        auth = self.auth_for(op)
        errs = op.get("x-cs2market-errors") or []
        buckets = self.op_rate_buckets(op, where)
        d = []
        d += comment(f"{where}", "")
        d += comment(op.get("summary") or op.get("description"), "")
        d.append(f"struct {name} {{")
        d.append(f"    using provider = {self.name}::provider;")
        d.append(f"    using params = {params_struct};")
        d.append(f"    using response_type = {resp};")
        d.append(f"    static constexpr std::string_view name = {cpp_str(name)};")
        d.append(f"    static constexpr ::cs2market::http_method method = ::cs2market::http_method::{method if method != 'delete' else 'delete_'};")
        d.append(f"    static constexpr std::string_view path = {cpp_str(path)};")
        d.append(f"    static constexpr std::string_view summary = {cpp_str((op.get('summary') or op.get('description') or '').splitlines()[0] if (op.get('summary') or op.get('description')) else '')};")
        d.append(f"    static constexpr std::array<::cs2market::param_info, {len(table)}> param_table{{{{{', '.join(table)}}}}};")
        auth_items = ", ".join(
            f"{{::cs2market::auth_placement::location::{a}, {cpp_str(n)}, {cpp_str(pfx)}}}" for a, n, pfx in auth)
        d.append(f"    static constexpr std::array<::cs2market::auth_placement, {len(auth)}> auth{{{{{auth_items}}}}};")
        faults = ("recipient", "provider", "caller", "retryable")
        outcomes = ("refused", "unfinished", "unknown")
        is_buy = bool(op.get("x-cs2market-exactly-once"))
        for e in errs:
            if e.get("fault") is not None and e["fault"] not in faults:
                raise SchemaError(f"{self.rel}: {where}: error {e['code']}: fault must be one of {faults}")
            if is_buy and e.get("fault") is None:
                raise SchemaError(f"{self.rel}: {where}: buy error {e['code']} needs a fault ({', '.join(faults)})")
            # What a buy's error proves decides money: every documented one says it.
            if e.get("outcome") is not None and e["outcome"] not in outcomes:
                raise SchemaError(f"{self.rel}: {where}: error {e['code']}: outcome must be one of {outcomes}")
            if is_buy and e.get("outcome") is None:
                raise SchemaError(f"{self.rel}: {where}: buy error {e['code']} needs an outcome ({', '.join(outcomes)})")
        for e in errs:
            if e.get("means") not in (None, "not_found", "listing_gone"):
                raise SchemaError(f"{self.rel}: {where}: error {e['code']}: means must be not_found or listing_gone")
            if e.get("means") == "listing_gone" and e.get("outcome") != "refused":
                # A route tries another market only after a proven refusal.
                raise SchemaError(f"{self.rel}: {where}: error {e['code']}: listing_gone needs outcome refused")
        err_items = ", ".join(
            f"{{{int(e.get('status', 0))}, {cpp_str(str(e['code']))}, {cpp_str(e.get('description', ''))}, "
            f"::cs2market::error_fault::{e.get('fault', 'unclassified')}, {'true' if e.get('means') == 'not_found' else 'false'}, "
            f"::cs2market::buy_outcome::{e.get('outcome', 'unclassified')}, {'true' if e.get('means') == 'listing_gone' else 'false'}}}"
            for e in errs)
        d.append(f"    static constexpr std::array<::cs2market::documented_error, {len(errs)}> errors{{{{{err_items}}}}};")
        bucket_items = ", ".join(f"{{{cpp_str(b)}, {n}, std::chrono::milliseconds({w})}}" for b, n, w in buckets)
        d.append("    /// The documented rate limits this operation counts against (per key).")
        d.append(f"    static constexpr std::array<::cs2market::rate_bucket, {len(buckets)}> rate_limits{{{{{bucket_items}}}}};")
        pg = op.get("x-cs2market-pagination")
        if pg:
            d += gen_pagination(self, pg, where, members)
        d.append("};")
        d.append("")
        op_defs.append(d)
    out.append("/// One type per operation: method, path, parameters, response type, auth, documented errors, rate limits.")
    out.append("namespace ops {")
    out.append("")
    for d in op_defs:
        out += d
    out.append("/// Every operation of this provider, for generic tools (the CLI, tests, the sandbox's router).")
    out.append(f"using all = boost::mp11::mp_list<{', '.join(op_names)}>;")
    out.append("")
    out.append("} // namespace ops")
    out.append(f"}} // namespace {self.ns}")
    out.append("")
    out.append("namespace cs2market {")
    out.append("")
    out.append(f"/// Every operation of {self.name}.")
    out.append("template <>")
    out.append(f"struct provider_operations<{self.name}::provider> {{")
    out.append(f"    using type = {self.name}::ops::all;")
    out.append("};")
    out.append("")
    out += gen_exactly_once(self, buys)
    out.append("} // namespace cs2market")
    out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


def gen_exactly_once(self, buys):
    """exactly_once_traits specialisations from x-cs2market-exactly-once."""
    out = []
    for name, x in buys:
        op = f"{self.name}::ops::{name}"
        out.append(f"/// `{name}`: the idempotency id is `{x['wire']}`; the provider "
                   + ("replays a repeated id with the original outcome." if x["replays"] else "does not replay a repeated id."))
        out.append("template <>")
        out.append(f"struct exactly_once_traits<{op}> {{")
        out.append("    static constexpr bool enabled = true;")
        out.append(f"    static constexpr bool provider_replays = {'true' if x['replays'] else 'false'};")
        out.append(f"    static constexpr std::string_view id_name = {cpp_str(x['wire'])};")
        out.append("    /// The response header that says an answer is a replay (\"true\"); empty: none.")
        out.append(f"    static constexpr std::string_view replayed_header = {cpp_str(x['replayed_header'])};")
        out.append(f"    static std::optional<std::string>& id({op}::params& p) {{ return p.{x['member']}; }}")
        lk = x["lookup"]
        out.append(f"    static constexpr bool has_lookup = {'true' if lk else 'false'};")
        if lk:
            lop, lmember, ltype, answer = lk
            value = "std::vector<std::string>{id}" if "std::vector" in ltype else "id"
            out.append(f"    using lookup = {self.name}::ops::{lop};")
            out.append("    static lookup::params lookup_params(const std::string& id)")
            out.append("    {")
            out.append("        lookup::params q;")
            out.append(f"        q.{lmember} = {value};")
            out.append("        return q;")
            out.append("    }")
            out.append(f"    /// The lookup's answer as the buy's: {answer}, hand-written in {self.name}/orders.hpp and found")
            out.append("    /// beside the answer's type where a call instantiates this (generated code includes no hand-written file).")
            out.append("    template <class R = lookup::response_type>")
            out.append(f"    static auto from_lookup(const R& r, const std::string& id) -> decltype({answer}(r, id))")
            out.append("    {")
            out.append(f"        return {answer}(r, id);")
            out.append("    }")
        out.append("};")
        out.append("")
        out.append(f"/// How `{name}` is recorded by a journal: defined in {self.name}/orders.hpp (a buy sent without it does not compile).")
        out.append("template <>")
        out.append(f"struct record_binding<{op}>;")
        out.append("")
    return out


def chain(root, path):
    """Null-safe access along a dotted member path; optional members are looked through."""
    lines = [f"            auto* p0 = ::cs2market::detail::as_ptr({root});"]
    for i, part in enumerate(path.split(".")):
        lines.append(f"            auto* p{i + 1} = p{i} ? ::cs2market::detail::as_ptr(p{i}->{ident(part)}) : nullptr;")
    lines.append(f"            return p{len(path.split('.'))};")
    return lines

def gen_pagination(self, pg, where, members):
    style = pg.get("style")
    need = {"cursor": ("request", "response", "items"), "page": ("request", "items"),
            "offset": ("request", "response", "has_more", "items")}
    if style not in need or any(k not in pg for k in need[style]):
        raise SchemaError(f"{self.rel}: {where}: x-cs2market-pagination needs style and {need.get(style)}")
    if not any(m[2] == pg["request"] for m in members):
        raise SchemaError(f"{self.rel}: {where}: pagination parameter {pg['request']} is not a parameter")
    d = ["", "    /// How this operation pages (used by cs2market::pager).", "    struct pagination {",
         f"        static constexpr ::cs2market::page_style style = ::cs2market::page_style::{style};"]
    accessors = [("items", pg["items"])]
    if style in ("cursor", "offset"):
        accessors.append(("next", pg["response"]))
    if style == "offset":
        accessors.append(("has_more", pg["has_more"]))
    if style == "page" and pg.get("pages"):
        accessors.append(("pages", pg["pages"]))
    for fn, path in accessors:
        d.append(f"        static auto {fn}(const response_type& r)")
        d.append("        {")
        d += chain("r", path)
        d.append("        }")
    if style == "page" and not pg.get("pages"):
        d.append("        static const std::int64_t* pages(const response_type&) { return nullptr; }")
    limit = pg.get("page_limit", 0)
    if style != "offset" and limit:
        raise SchemaError(f"{self.rel}: {where}: page_limit is for the offset style")
    if not isinstance(limit, int) or limit < 0:
        raise SchemaError(f"{self.rel}: {where}: page_limit must be a non-negative integer")
    if style == "offset":
        why = "most items a page holds" if limit else "page size not documented: only has_more says more follow"
        d.append(f"        static constexpr std::size_t page_limit = {limit}; // {why}")
    req = ident(pg["request"])
    d.append("        template <class V>")
    d.append(f"        static void set(params& p, const V& v) {{ p.{req} = v; }}")
    d.append(f"        static auto position(const params& p) {{ return ::cs2market::detail::as_ptr(p.{req}); }}")
    d.append("    };")
    return d

