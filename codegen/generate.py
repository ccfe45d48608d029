#!/usr/bin/env python3
"""cs2market code generator: schemas/<provider>.json (OpenAPI 3.1) -> include/cs2market/<provider>/*.hpp
and docs/coverage.md.

Standard library only. Output is deterministic: the same schemas give the same
bytes. See schemas/README.md for the constructs and extensions it understands.

  python3 codegen/generate.py                 # regenerate in place
  python3 codegen/generate.py --out DIR       # write the include tree under DIR
  python3 codegen/generate.py --check         # exit 1 when committed headers are stale
"""
import argparse
import difflib
import json
import keyword
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CPP_KEYWORDS = set("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class
compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype
default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline
int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public
register reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using virtual void
volatile wchar_t while xor xor_eq
""".split())
# Names the generated code itself uses inside params structs and client classes.
RESERVED_MEMBERS = {"cs2market_wire_keys"}
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SchemaError(Exception):
    pass


def ident(name):
    """A valid C++ identifier for a wire name (keys that are not get sanitized)."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not s or s[0].isdigit():
        s = "_" + s
    if s in CPP_KEYWORDS or s in RESERVED_MEMBERS:
        s += "_"
    return s


def cpp_str(s):
    return json.dumps(s, ensure_ascii=False)


def comment(text, indent=""):
    if not text:
        return []
    out = []
    for line in str(text).strip().splitlines():
        out.append(f"{indent}/// {line.strip()}".rstrip())
    return out


def snake(s):
    s = re.sub(r"[^A-Za-z0-9]+", "_", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.strip("_").lower()


class Provider:
    def __init__(self, path):
        self.path = path
        self.rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        x = self.doc.get("x-cs2market") or {}
        self.name = x.get("provider")
        if not self.name or not IDENT.match(self.name):
            raise SchemaError(f"{self.rel}: x-cs2market.provider missing or not an identifier")
        self.x = x
        self.schemas = self.doc.get("components", {}).get("schemas", {})
        self.security_schemes = self.doc.get("components", {}).get("securitySchemes", {})
        self.ns = f"cs2market::{self.name}"

    # ---- types -------------------------------------------------------------
    def ref_name(self, ref):
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix) or ref[len(prefix):] not in self.schemas:
            raise SchemaError(f"{self.rel}: unresolved $ref {ref}")
        return ref[len(prefix):]

    def is_enum(self, name):
        return "enum" in self.schemas[name]

    def unwrap_nullable(self, s):
        """(schema without null, nullable?)"""
        for key in ("anyOf", "oneOf"):
            if key in s:
                alts = [a for a in s[key] if a.get("type") != "null"]
                if len(alts) == 1 and len(alts) < len(s[key]):
                    return alts[0], True
                raise SchemaError(f"{self.rel}: only [X, null] unions are supported")
        t = s.get("type")
        if isinstance(t, list):
            rest = [x for x in t if x != "null"]
            if len(rest) != 1:
                raise SchemaError(f"{self.rel}: only [X, null] type lists are supported: {t}")
            s = dict(s)
            s["type"] = rest[0]
            return s, len(rest) < len(t)
        return s, False

    def cpp_type(self, s, where):
        s, _ = self.unwrap_nullable(s)
        if "$ref" in s:
            n = self.ref_name(s["$ref"])
            return f"::cs2market::open_enum<{n}>" if self.is_enum(n) else n
        t = s.get("type")
        unit = s.get("x-cs2market-time")
        if unit:
            units = {"unix-seconds": "unix_seconds", "unix-millis": "unix_millis", "unix-auto": "unix_auto"}
            if unit not in units or t not in ("integer", "string"):
                raise SchemaError(f"{self.rel}: {where}: bad x-cs2market-time {unit!r} on type {t!r}")
            return f"::cs2market::{units[unit]}"
        if t == "string":
            return "::cs2market::iso_time" if s.get("format") == "date-time" else "std::string"
        if t == "integer":
            return "std::int64_t"
        if t == "number":
            return "::cs2market::decimal" if s.get("format") == "decimal" else "double"
        if t == "boolean":
            return "bool"
        if t == "array":
            if "items" not in s:
                raise SchemaError(f"{self.rel}: {where}: array without items")
            return f"std::vector<{self.cpp_type(s['items'], where + '[]')}>"
        if t == "object" and isinstance(s.get("additionalProperties"), dict) and not s.get("properties"):
            return f"std::map<std::string, {self.cpp_type(s['additionalProperties'], where + '{}')}>"
        if t == "object" or t is None:
            if s.get("properties"):
                raise SchemaError(f"{self.rel}: {where}: inline objects are not supported; make it a component")
            return "::cs2market::raw_json"
        raise SchemaError(f"{self.rel}: {where}: unsupported type {t!r}")

    def member_type(self, s, required, where):
        inner, nullable = self.unwrap_nullable(s)
        t = self.cpp_type(inner, where)
        return f"std::optional<{t}>" if (nullable or not required) else t

    def deps(self, s):
        """Component names a schema needs complete (by value)."""
        out = []
        s, _ = self.unwrap_nullable(s)
        if "$ref" in s:
            out.append(self.ref_name(s["$ref"]))
        if s.get("type") == "array" and "items" in s:
            out += self.deps(s["items"])
        return out

    def ordered_structs(self):
        structs = [n for n in self.schemas if not self.is_enum(n)]
        done, order, visiting = set(), [], set()

        def visit(n):
            if n in done:
                return
            if n in visiting:
                raise SchemaError(f"{self.rel}: cycle through {n}")
            visiting.add(n)
            for p in (self.schemas[n].get("properties") or {}).values():
                for d in self.deps(p):
                    if not self.is_enum(d):
                        visit(d)
            visiting.discard(n)
            done.add(n)
            order.append(n)

        for n in structs:
            visit(n)
        return order

    # ---- models.hpp --------------------------------------------------------
    def gen_enum(self, name, s, out, traits):
        values = s["enum"]
        descs = s.get("x-enum-descriptions") or [None] * len(values)
        if s.get("type") == "integer":
            names = s.get("x-enum-varnames")
            if not names or len(names) != len(values):
                raise SchemaError(f"{self.rel}: integer enum {name} needs x-enum-varnames")
            names = [ident(n) for n in names]
            is_string = False
        else:
            names = [ident(v) for v in values]
            is_string = True
        if len(set(names)) != len(names):
            raise SchemaError(f"{self.rel}: enum {name}: enumerator names collide")
        out += comment(s.get("description"))
        out.append(f"/// Open: values not listed here decode into cs2market::open_enum<{name}> and are kept.")
        out.append(f"enum class {name} : {'std::int64_t' if not is_string else 'int'} {{")
        for n, v, d in zip(names, values, descs):
            line = f"    {n}" + (f" = {v}" if not is_string else "") + ","
            notes = []
            if d:
                notes.append(d)
            if is_string and n != v:
                notes.append(f"(wire \"{v}\")")
            if notes:
                line += " ///< " + " ".join(notes)
            out.append(line)
        out.append("};")
        out.append(f"BOOST_DESCRIBE_ENUM({name}, {', '.join(names)})")
        out.append("")
        wire = ", ".join(cpp_str(v) for v in values) if is_string else ""
        traits.append(f"template <>\nstruct enum_traits<{self.name}::{name}> {{")
        traits.append(f"    static constexpr bool is_string = {'true' if is_string else 'false'};")
        if is_string:
            traits.append(f"    static constexpr std::string_view wire[] = {{{wire}}};")
        traits.append("};")

    def gen_struct(self, name, s, out, extra_members=None):
        props = s.get("properties") or {}
        required = set(s.get("required") or [])
        unknown_req = required - set(props)
        if unknown_req:
            raise SchemaError(f"{self.rel}: {name}: required keys without properties: {sorted(unknown_req)}")
        out += comment(s.get("description"))
        out.append(f"struct {name} {{")
        members, keys, renamed = [], [], False
        for key, p in props.items():
            m = ident(key)
            renamed = renamed or m != key
            typ = self.member_type(p, key in required, f"{name}.{key}")
            out += comment(p.get("description"), "    ")
            out.append(f"    {typ} {m}{{}};")
            members.append(m)
            keys.append(key)
        for typ, m, key, desc in extra_members or []:
            out += comment(desc, "    ")
            out.append(f"    {typ} {m}{{}};")
            members.append(m)
            keys.append(key)
        if len(set(members)) != len(members):
            raise SchemaError(f"{self.rel}: {name}: member names collide after sanitizing")
        if renamed:
            out.append("")
            out.append("    /// Wire keys, in member order (some keys are not valid C++ names).")
            out.append(f"    static constexpr std::array<std::string_view, {len(keys)}> cs2market_wire_keys{{")
            out.append("        " + ", ".join(cpp_str(k) for k in keys) + "};")
        out.append("};")
        out.append(f"BOOST_DESCRIBE_STRUCT({name}, (), ({', '.join(members)}))")
        out.append("")
        return members

    def gen_models(self):
        out = [self.banner(), f"// The {self.name} data types: plain structs described with Boost.Describe.",
               "// Decode with cs2market::from_json<T>(text); encode with cs2market::to_json(value).",
               f"#ifndef CS2MARKET_{self.name.upper()}_MODELS_HPP", f"#define CS2MARKET_{self.name.upper()}_MODELS_HPP", "",
               "#include <cs2market/decimal.hpp>", "#include <cs2market/json.hpp>", "#include <cs2market/open_enum.hpp>",
               "#include <cs2market/raw_json.hpp>", "#include <cs2market/time.hpp>", "",
               "#include <boost/describe/class.hpp>", "#include <boost/describe/enum.hpp>", "",
               "#include <array>", "#include <cstdint>", "#include <map>", "#include <optional>", "#include <string>", "#include <string_view>",
               "#include <vector>", ""]
        codec = self.x.get("codec") or {}
        out.append(f"namespace {self.ns} {{")
        out.append("")
        out.append(f"/// Decoding defaults for every {self.name} type (found by cs2market::from_json through ADL).")
        out.append("constexpr ::cs2market::codec_options cs2market_codec_options(const void*) noexcept")
        out.append("{")
        out.append("    ::cs2market::codec_options o;")
        out.append(f"    o.numbers_from_strings = {'true' if codec.get('numbers_from_strings') else 'false'};")
        out.append(f"    o.strings_from_numbers = {'true' if codec.get('strings_from_numbers') else 'false'};")
        out.append("    return o;")
        out.append("}")
        out.append("")
        out.append("using ::cs2market::io::operator<<; // `std::cout << value` prints JSON")
        out.append("")
        traits = []
        for n, s in self.schemas.items():
            if self.is_enum(n):
                self.gen_enum(n, s, out, traits)
        if traits:
            out.append(f"}} // namespace {self.ns}")
            out.append("")
            out.append("namespace cs2market {")
            out += traits
            out.append("} // namespace cs2market")
            out.append("")
            out.append(f"namespace {self.ns} {{")
            out.append("")
        for n in self.ordered_structs():
            self.gen_struct(n, self.schemas[n], out)
        out.append(f"}} // namespace {self.ns}")
        out.append("")
        out.append("#endif")
        return "\n".join(out) + "\n"

    # ---- operations.hpp ----------------------------------------------------
    def operations(self):
        ops = []
        for path, item in self.doc.get("paths", {}).items():
            for method in ("get", "post", "put", "patch", "delete"):
                if method in item:
                    ops.append((path, method, item[method]))
        names = [o[2].get("operationId") for o in ops]
        for n in names:
            if not n or not IDENT.match(n) or n in CPP_KEYWORDS:
                raise SchemaError(f"{self.rel}: bad operationId {n!r}")
        if len(set(names)) != len(names):
            raise SchemaError(f"{self.rel}: duplicate operationId")
        return ops

    def response_type(self, op, where):
        r = (op.get("responses") or {}).get("200") or (op.get("responses") or {}).get("201")
        if not r:
            raise SchemaError(f"{self.rel}: {where}: no 200 response")
        contents = r.get("content") or {}
        content = contents.get("application/json")
        if not content:
            # Bulk files and other non-JSON bodies are handed over as bytes.
            return "::cs2market::raw_body" if contents else "::cs2market::raw_json"
        s = content["schema"]
        env = self.x.get("envelope") or {}
        if env.get("data"):
            data = None
            for part in s.get("allOf", []):
                props = part.get("properties") or {}
                if env["data"] in props:
                    data = props[env["data"]]
            if data is None:
                raise SchemaError(f"{self.rel}: {where}: response must be allOf [envelope, {{properties: {{{env['data']}: ...}}}}]")
            return self.member_type(data, True, where)
        return self.member_type(s, True, where)

    @staticmethod
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

    def auth_for(self, op):
        req = op.get("security", self.doc.get("security", []))
        if not req:
            return []
        if len(req) != 1:
            raise SchemaError(f"{self.rel}: only one security requirement object per operation is supported")
        out = []
        for scheme_name in req[0]:
            sch = self.security_schemes.get(scheme_name)
            if sch is None:
                raise SchemaError(f"{self.rel}: unknown security scheme {scheme_name}")
            if sch.get("type") == "http" and sch.get("scheme", "").lower() == "bearer":
                out.append(("header", "Authorization", "Bearer "))
            elif sch.get("type") == "apiKey" and sch.get("in") in ("query", "header"):
                out.append((sch["in"], sch["name"], ""))
            else:
                raise SchemaError(f"{self.rel}: unsupported security scheme {scheme_name}")
        return out

    def gen_operations(self):
        env = self.x.get("envelope") or {}
        out = [self.banner(), f"// The {self.name} operations: what each one sends and what it returns. No I/O here.",
               f"#ifndef CS2MARKET_{self.name.upper()}_OPERATIONS_HPP", f"#define CS2MARKET_{self.name.upper()}_OPERATIONS_HPP", "",
               f"#include <cs2market/{self.name}/models.hpp>", "#include <cs2market/operation.hpp>",
               "#include <cs2market/pagination.hpp>", "#include <cs2market/raw_body.hpp>", "",
               "#include <boost/mp11/list.hpp>", "", "#include <array>", "#include <span>", "#include <utility>", "",
               f"namespace {self.ns} {{", "", "namespace schema_detail {"]
        rules = []
        for i, r in enumerate(env.get("error_if") or []):
            if "equals" in r:
                vals, neg = [r["equals"]], "false"
            elif "not_in" in r:
                vals, neg = r["not_in"], "true"
            else:
                raise SchemaError(f"{self.rel}: envelope rule needs equals or not_in")
            out.append(f"inline constexpr ::cs2market::json_scalar error_if_{i}[] = {{{', '.join(self.scalar(v) for v in vals)}}};")
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
        out.append("} // namespace schema_detail")
        out.append("")
        servers = self.doc.get("servers") or []
        if not servers:
            raise SchemaError(f"{self.rel}: servers[0].url missing")
        out.append(f"/// Provider-wide facts from {self.rel}.")
        out.append("struct provider {")
        out.append("    static constexpr ::cs2market::provider_info info{")
        out.append(f"        ::cs2market::provider_id::{self.name},")
        out.append(f"        {cpp_str(self.name)},")
        out.append(f"        {cpp_str(servers[0]['url'])},")
        out.append(f"        {cpp_str(self.x.get('credential_env', ''))},")
        out.append(f"        {cpp_str(env.get('data', ''))},")
        out.append(f"        {'schema_detail::error_if' if rules else '{}'},")
        out.append(f"        {cpp_str(env.get('code_field', ''))},")
        out.append(f"        {cpp_str(env.get('message_field', ''))},")
        out.append(f"        {'schema_detail::rate_limited_if' if rl else '{}'},")
        out.append(f"        {'schema_detail::default_headers' if hdrs else '{}'},")
        out.append("    };")
        out.append("};")
        out.append("")

        op_names = []
        op_defs = []
        for path, method, op in self.operations():
            name = op["operationId"]
            op_names.append(name)
            where = f"{method.upper()} {path}"
            params_struct = f"{name}_params"
            table = []
            members = []
            seen = set()
            for p in op.get("parameters") or []:
                if p.get("in") not in ("path", "query", "header"):
                    raise SchemaError(f"{self.rel}: {where}: parameter {p.get('name')} in {p.get('in')} not supported")
                req = bool(p.get("required")) or p["in"] == "path"
                typ = self.member_type(p["schema"], req, f"{where} {p['name']}")
                if p["in"] != "header" and not IDENT.match(p["name"]):
                    raise SchemaError(f"{self.rel}: {where}: {p['in']} parameter {p['name']!r} is not a C++ identifier")
                members.append((typ, ident(p["name"]), p["name"], p.get("description")))
                table.append(f"{{{cpp_str(p['name'])}, ::cs2market::param_in::{p['in']}, {'true' if req else 'false'}}}")
                seen.add(p["name"])
            for a_in, a_name, _ in self.auth_for(op):
                if a_in == "query" and a_name in seen:
                    raise SchemaError(f"{self.rel}: {where}: parameter {a_name} collides with the credential")
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                req = bool(op["requestBody"].get("required"))
                if "body" in seen:
                    raise SchemaError(f"{self.rel}: {where}: a parameter named body collides with the request body")
                typ = self.member_type(body["schema"], req, f"{where} body")
                members.append((typ, "body", "body", op["requestBody"].get("description") or "JSON request body."))
                table.append(f"{{\"body\", ::cs2market::param_in::body, {'true' if req else 'false'}}}")
            for placeholder in re.findall(r"\{([^}]+)\}", path):
                if not any(m[2] == placeholder for m in members):
                    raise SchemaError(f"{self.rel}: {where}: path placeholder {{{placeholder}}} has no path parameter")
            out.append(f"/// Parameters of `{name}` ({where}). Member names are the wire names.")
            out.append(f"struct {params_struct} {{")
            for typ, m, _, desc in members:
                out += comment(desc, "    ")
                out.append(f"    {typ} {m}{{}};")
            if len({m for _, m, _, _ in members}) != len(members):
                raise SchemaError(f"{self.rel}: {where}: parameter names collide after sanitizing")
            if any(m != key for _, m, key, _ in members):
                # Header names such as Idempotency-Key: sanitized member, explicit wire key.
                out.append("")
                out.append("    /// Wire names, in member order (some are not valid C++ names).")
                out.append(f"    static constexpr std::array<std::string_view, {len(members)}> cs2market_wire_keys{{")
                out.append("        " + ", ".join(cpp_str(k) for _, _, k, _ in members) + "};")
            out.append("};")
            out.append(f"BOOST_DESCRIBE_STRUCT({params_struct}, (), ({', '.join(m for _, m, _, _ in members)}))")
            out.append("")
            resp = self.response_type(op, where)
            auth = self.auth_for(op)
            errs = op.get("x-cs2market-errors") or []
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
            err_items = ", ".join(
                f"{{{int(e.get('status', 0))}, {cpp_str(str(e['code']))}, {cpp_str(e.get('description', ''))}}}" for e in errs)
            d.append(f"    static constexpr std::array<::cs2market::documented_error, {len(errs)}> errors{{{{{err_items}}}}};")
            pg = op.get("x-cs2market-pagination")
            if pg:
                d += self.gen_pagination(pg, where, members)
            d.append("};")
            d.append("")
            op_defs.append(d)
        out.append("/// One type per operation: method, path, parameters, response type, auth, documented errors.")
        out.append("namespace ops {")
        out.append("")
        for d in op_defs:
            out += d
        out.append("/// Every operation of this provider, for generic tools (the CLI, tests).")
        out.append(f"using all = boost::mp11::mp_list<{', '.join(op_names)}>;")
        out.append("")
        out.append("} // namespace ops")
        out.append(f"}} // namespace {self.ns}")
        out.append("")
        out.append("#endif")
        return "\n".join(out) + "\n"

    @staticmethod
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
        if not any(key == pg["request"] for _, _, key, _ in members):
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
            d += self.chain("r", path)
            d.append("        }")
        if style == "page" and not pg.get("pages"):
            d.append("        static const std::int64_t* pages(const response_type&) { return nullptr; }")
        req = ident(pg["request"])
        d.append("        template <class V>")
        d.append(f"        static void set(params& p, const V& v) {{ p.{req} = v; }}")
        d.append(f"        static auto position(const params& p) {{ return ::cs2market::detail::as_ptr(p.{req}); }}")
        d.append("    };")
        return d

    # ---- client.hpp --------------------------------------------------------
    def gen_client(self):
        out = [self.banner(), f"// cs2market::{self.name}::client: one named method per operation, all through the one executor.",
               f"#ifndef CS2MARKET_{self.name.upper()}_CLIENT_HPP", f"#define CS2MARKET_{self.name.upper()}_CLIENT_HPP", "",
               "#include <cs2market/client.hpp>", f"#include <cs2market/{self.name}/operations.hpp>", "",
               f"namespace {self.ns} {{", "",
               f"/// Blocking client for {self.name}. Every method returns cs2market::result<T>;",
               "/// `.value()` on it throws cs2market::exception instead.",
               "class client : public ::cs2market::basic_client<provider> {",
               "public:",
               "    using basic_client::basic_client;", ""]
        for path, method, op in self.operations():
            name = op["operationId"]
            out += comment(f"{method.upper()} {path}", "    ")
            out += comment(op.get("summary") or op.get("description"), "    ")
            out.append(f"    ::cs2market::result<ops::{name}::response_type> {name}(const {name}_params& p = {{}})")
            out.append("    {")
            out.append(f"        return call<ops::{name}>(p);")
            out.append("    }")
            out.append("")
        out.append("};")
        out.append("")
        out.append(f"}} // namespace {self.ns}")
        out.append("")
        out.append("#endif")
        return "\n".join(out) + "\n"

    def gen_umbrella(self):
        return "\n".join([
            self.banner(),
            f"// Everything for {self.name}: models, operations and the client.",
            f"// Decoding only? Include <cs2market/{self.name}/models.hpp> and skip Beast's compile time.",
            f"#ifndef CS2MARKET_{self.name.upper()}_HPP", f"#define CS2MARKET_{self.name.upper()}_HPP", "",
            f"#include <cs2market/{self.name}/client.hpp>",
            f"#include <cs2market/{self.name}/models.hpp>",
            f"#include <cs2market/{self.name}/operations.hpp>", "", "#endif", ""])

    def banner(self):
        return f"// Generated by codegen/generate.py from {self.rel}. Do not edit; edit the schema and regenerate."

    def files(self):
        base = f"cs2market/{self.name}"
        return {
            f"{base}/models.hpp": self.gen_models(),
            f"{base}/operations.hpp": self.gen_operations(),
            f"{base}/client.hpp": self.gen_client(),
            f"cs2market/{self.name}.hpp": self.gen_umbrella(),
        }


def coverage_page(providers, fixtures_dir):
    """docs/coverage.md: every operation, its C++ types, and whether its tests exist."""
    out = ["<!-- Generated by codegen/generate.py from schemas/ and tests/data/. Do not edit. -->", "",
           "# Coverage", "",
           "Every operation of every schema, the C++ types it is called with, and its tests.",
           "A *decode test* decodes the operation's documented example",
           "(`tests/data/<provider>/<operation>.json`); a *wire test* replays it through the",
           "executor against a loopback HTTPS server and checks the exact request",
           "(`tests/test_operations.cpp`, one test case per operation for each).", ""]
    total = missing = 0
    for p in providers:
        ops = p.operations()
        out.append(f"## {p.name} ({len(ops)} operations)")
        out.append("")
        out.append("| operation | method and path | request type | response type | decode test | wire test |")
        out.append("|---|---|---|---|---|---|")
        for path, method, op in ops:
            name = op["operationId"]
            fx = os.path.join(fixtures_dir, p.name, name + ".json")
            has_decode = has_wire = False
            if os.path.exists(fx):
                with open(fx, encoding="utf-8") as f:
                    data = json.load(f)
                has_decode = "response" in data
                has_wire = "request" in data and "params" in data
            total += 1
            missing += not (has_decode and has_wire)
            resp = p.response_type(op, f"{method.upper()} {path}").replace("::cs2market::", "cs2market::")
            if not resp.startswith(("std::", "cs2market::")):
                resp = f"{p.name}::{resp}"
            pg = op.get("x-cs2market-pagination")
            note = f" (paged: {pg['style']})" if pg else ""
            bulk = op.get("x-cs2market-bulk")
            if bulk:
                note += f" (bulk: {bulk.get('format')}, rows `{p.ref_name(bulk['row']['$ref'])}`)"
            out.append(f"| `{name}` | `{method.upper()} {path}`{note} | `{p.name}::{name}_params` | `{resp}` | "
                       f"{'yes' if has_decode else '**no**'} | {'yes' if has_wire else '**no**'} |")
        pushes = [(n, s["x-cs2market-channel"]) for n, s in p.schemas.items() if s.get("x-cs2market-channel")]
        if pushes:
            out.append("")
            out.append("Push payloads: " + ", ".join(f"`{p.name}::{n}` ({ch})" for n, ch in pushes) + ".")
        out.append("")
    out.append(f"{total} operations; {total - missing} with both tests.")
    return "\n".join(out) + "\n", missing


def generate(schema_dir, fixtures_dir=os.path.join(ROOT, "tests", "data")):
    """Generated files keyed by path relative to the repository root."""
    files = {}
    providers = []
    for fn in sorted(os.listdir(schema_dir)):
        if fn.endswith(".json"):
            p = Provider(os.path.join(schema_dir, fn))
            providers.append(p)
            files.update({"include/" + rel: text for rel, text in p.files().items()})
    files["docs/coverage.md"], _ = coverage_page(providers, fixtures_dir)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schemas", default=os.path.join(ROOT, "schemas"))
    ap.add_argument("--out", default=os.path.join(ROOT, "include"), help="include directory to write into")
    ap.add_argument("--docs", default=os.path.join(ROOT, "docs"), help="directory for coverage.md")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing; exit 1 if stale")
    args = ap.parse_args()
    try:
        generated = generate(args.schemas)
    except SchemaError as e:
        print(f"codegen: {e}", file=sys.stderr)
        return 2
    # Map repository-relative names onto the chosen output directories.
    files = {}
    for rel, text in generated.items():
        top, rest = rel.split("/", 1)
        files[os.path.join(args.out if top == "include" else args.docs, rest)] = text
    if args.check:
        stale = []
        with tempfile.TemporaryDirectory() as tmp:  # regenerate into a temporary tree, then compare
            for i, (target, text) in enumerate(sorted(files.items())):
                p = os.path.join(tmp, str(i))
                with open(p, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
            for i, (target, text) in enumerate(sorted(files.items())):
                committed = target
                rel = os.path.relpath(target, ROOT)
                with open(os.path.join(tmp, str(i)), encoding="utf-8") as f:
                    fresh = f.read()
                old = open(committed, encoding="utf-8").read() if os.path.exists(committed) else ""
                if old != fresh:
                    stale.append(rel)
                    sys.stdout.writelines(difflib.unified_diff(
                        old.splitlines(True), fresh.splitlines(True), f"committed/{rel}", f"generated/{rel}", n=1))
        if stale:
            print(f"codegen: {len(stale)} generated file(s) are stale: {', '.join(stale)}", file=sys.stderr)
            print("codegen: run `python3 codegen/generate.py` (or the cs2market-codegen target) and commit", file=sys.stderr)
            return 1
        print(f"codegen: {len(files)} generated files are up to date")
        return 0
    for p, text in sorted(files.items()):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        old = open(p, encoding="utf-8").read() if os.path.exists(p) else None
        if old != text:
            with open(p, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print(f"codegen: wrote {os.path.relpath(p, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
