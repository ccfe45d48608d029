"""generated/help.hpp: what a person at a terminal reads about each operation (the CLI's
help and completion), from the schema. Kept out of models.hpp and operations.hpp: a
program that only calls or decodes never compiles these strings."""
import json

from .models import banner
from .schema import SchemaError, cpp_str, ident

SCALARS = {"string": "string", "integer": "integer", "boolean": "boolean"}
TIME_UNITS = {"unix-seconds": "Unix seconds", "unix-millis": "Unix milliseconds", "unix-auto": "Unix seconds or milliseconds"}


def type_text(self, s):
    """A schema as a person reads it: "decimal", "array of string", "Wear (enum)", "Order or null"."""
    inner, nullable = self.unwrap_nullable(s)
    t = _type_text(self, inner)
    return t + " or null" if nullable else t


def _type_text(self, s):
    if "$ref" in s:
        n = self.ref_name(s["$ref"])
        return f"{n} (enum)" if self.is_enum(n) else n
    t = s.get("type")
    if s.get("x-cs2market-time"):
        return TIME_UNITS.get(s["x-cs2market-time"], "Unix time")
    if t == "string":
        return "date-time" if s.get("format") == "date-time" else "string"
    if t == "number":
        return "decimal" if s.get("format") == "decimal" else "number"
    if t in SCALARS:
        return SCALARS[t]
    if t == "array":
        return "array of " + type_text(self, s.get("items") or {})
    if t == "object" and isinstance(s.get("additionalProperties"), dict) and not s.get("properties"):
        return "map of " + type_text(self, s["additionalProperties"])
    return "JSON"


def settable(self, s):
    """Whether a value can be given as name=value (a scalar or a list of scalars)."""
    inner, _ = self.unwrap_nullable(s)
    if inner.get("type") == "array":
        inner, _ = self.unwrap_nullable(inner.get("items") or {})
    if "$ref" in inner:
        return self.is_enum(self.ref_name(inner["$ref"]))
    return inner.get("type") in ("string", "integer", "number", "boolean")


def enum_of(self, s):
    """The enum component a value (or a list's items) takes its values from, or None."""
    inner, _ = self.unwrap_nullable(s)
    if inner.get("type") == "array":
        inner, _ = self.unwrap_nullable(inner.get("items") or {})
    if "$ref" in inner:
        n = self.ref_name(inner["$ref"])
        if self.is_enum(n):
            return n
    return None


def enum_values(self, name):
    """[(name, wire value, description)] of an enum component; names for integer enums only."""
    s = self.schemas[name]
    values = s["enum"]
    descs = s.get("x-enum-descriptions") or [""] * len(values)
    if s.get("type") == "integer":
        names = [ident(n) for n in s["x-enum-varnames"]]
    else:
        names = [""] * len(values)  # a string enum is given by its wire value only
    return [(n, str(v), d or "") for n, v, d in zip(names, values, descs)]


def fields_of(self, path, method, op):
    """[(wire name, in, type text, required, settable, enum, default, description)]: the
    parameters, then the request body's properties (what the CLI takes as name=value)."""
    out = []
    for p in op.get("parameters") or []:
        s = p["schema"]
        req = bool(p.get("required")) or p["in"] == "path"
        d = s.get("default", p.get("default"))
        out.append((p["name"], p["in"], type_text(self, s), req, settable(self, s), enum_of(self, s),
                    "" if d is None else json.dumps(d), p.get("description") or s.get("description") or ""))
    body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if body:
        bs, _ = self.unwrap_nullable(body["schema"])
        comp = self.schemas.get(self.ref_name(bs["$ref"])) if "$ref" in bs else None
        if comp is None or not comp.get("properties"):
            raise SchemaError(f"{self.rel}: {method.upper()} {path}: a request body must be a component with properties")
        required = set(comp.get("required") or [])
        for k, s in comp["properties"].items():
            d = s.get("default")
            out.append((k, "body", type_text(self, s), k in required, settable(self, s), enum_of(self, s),
                        "" if d is None else json.dumps(d), s.get("description") or ""))
    return out


def response_text(self, op, where):
    r = (op.get("responses") or {}).get("200") or (op.get("responses") or {}).get("201")
    contents = (r or {}).get("content") or {}
    content = contents.get("application/json")
    if not content:
        return "bytes (" + ", ".join(sorted(contents)) + ")" if contents else "JSON"
    s = content["schema"]
    data = (self.x.get("envelope") or {}).get("data")
    if data:
        for part in s.get("allOf", []):
            if data in (part.get("properties") or {}):
                return type_text(self, part["properties"][data])
        raise SchemaError(f"{self.rel}: {where}: response without its {data}")
    return type_text(self, s)


def error_fields(e):
    """Every key of a documented error but code and description, as text, in schema order:
    status, fault, and whatever the schema adds (outcome, means, ...)."""
    out = []
    for k, v in e.items():
        if k in ("code", "description"):
            continue
        out.append((k, v if isinstance(v, str) else json.dumps(v)))
    return out


def gen_help(self):
    guard = f"CS2MARKET_{self.name.upper()}_GENERATED_HELP_HPP"
    out = [banner(self),
           f"// The {self.name} operations as a person reads them: parameters with types, enum values,",
           "// defaults and descriptions, the response, documented errors, rate limits, the exactly-once id.",
           "// For help and completion (the cs2market CLI); programs that only call or decode never include it.",
           f"#ifndef {guard}", f"#define {guard}", "",
           f"#include <cs2market/{self.name}/generated/operations.hpp>", "#include <cs2market/operation_help.hpp>", "",
           "#include <array>", "#include <string_view>", "",
           f"namespace {self.ns}::help_data {{", ""]
    ops = self.operations()
    enums = sorted({e for path, method, op in ops for f in fields_of(self, path, method, op) for e in [f[5]] if e})
    for n in enums:
        vals = ", ".join(f"{{{cpp_str(a)}, {cpp_str(b)}, {cpp_str(c)}}}" for a, b, c in enum_values(self, n))
        out.append(f"inline constexpr ::cs2market::enum_value_help enum_{n}[] = {{{vals}}};")
    out.append("")
    buckets = self.rate_buckets()
    descs = {k: (v.get("description") or "") for k, v in ((self.x.get("rate_limits") or {}).get("buckets") or {}).items()}
    items = ", ".join(f"{{{cpp_str(b)}, {n}, {w}, {cpp_str(descs.get(b, ''))}}}" for b, (n, w) in buckets.items())
    out.append(f"inline constexpr std::array<::cs2market::bucket_help, {len(buckets)}> buckets{{{{{items}}}}};")
    out.append("")
    specs = []
    for path, method, op in ops:
        name = op["operationId"]
        where = f"{method.upper()} {path}"
        fields = fields_of(self, path, method, op)
        rows = []
        for w, pin, t, req, st, en, d, desc in fields:
            values = f"enum_{en}" if en else "{}"
            rows.append(f"    {{{cpp_str(w)}, ::cs2market::param_in::{pin}, {cpp_str(t)}, {'true' if req else 'false'}, "
                        f"{'true' if st else 'false'}, {values}, {cpp_str(d)}, {cpp_str(desc.strip())}}},")
        out.append(f"inline constexpr std::array<::cs2market::field_help, {len(rows)}> fields_{name}{{{{")
        out += rows
        out.append("}};")
        errs = op.get("x-cs2market-errors") or []
        for i, e in enumerate(errs):
            ef = ", ".join(f"{{{cpp_str(k)}, {cpp_str(v)}}}" for k, v in error_fields(e))
            out.append(f"inline constexpr ::cs2market::help_pair error_{name}_{i}[] = {{{ef}}};" if ef else
                       f"inline constexpr std::array<::cs2market::help_pair, 0> error_{name}_{i}{{}};")
        eitems = ", ".join(f"{{{cpp_str(str(e['code']))}, {cpp_str((e.get('description') or '').strip())}, error_{name}_{i}}}"
                           for i, e in enumerate(errs))
        out.append(f"inline constexpr std::array<::cs2market::error_help, {len(errs)}> errors_{name}{{{{{eitems}}}}};")
        used = [b for b, _, _ in self.op_rate_buckets(op, where)]
        out.append(f"inline constexpr std::array<std::string_view, {len(used)}> buckets_{name}{{{{{', '.join(cpp_str(b) for b in used)}}}}};")
        x = self.exactly_once(path, method, op)
        bulk = op.get("x-cs2market-bulk") or {}
        desc = (op.get("description") or op.get("summary") or "").strip()
        s = [f"template <>", f"struct operation_help<{self.ns}::ops::{name}> {{",
             f"    static constexpr std::string_view description = {cpp_str(desc)};",
             f"    static constexpr std::string_view response = {cpp_str(response_text(self, op, where))};",
             f"    static constexpr std::span<const field_help> fields = {self.ns}::help_data::fields_{name};",
             f"    static constexpr std::span<const error_help> errors = {self.ns}::help_data::errors_{name};",
             f"    static constexpr std::span<const std::string_view> rate_buckets = {self.ns}::help_data::buckets_{name};"]
        if x:
            lk = x["lookup"]
            s.append(f"    static constexpr exactly_once_help exactly_once{{{cpp_str(x['wire'])}, {'true' if x['replays'] else 'false'}, "
                     f"{cpp_str(lk[0] if lk else '')}, {cpp_str(op['x-cs2market-exactly-once']['lookup']['param'] if lk else '')}}};")
        else:
            s.append("    static constexpr exactly_once_help exactly_once{};")
        if bulk:
            if bulk.get("format") not in ("ndjson", "json-array") or bulk.get("compression", "none") not in ("none", "gzip"):
                raise SchemaError(f"{self.rel}: {where}: x-cs2market-bulk format must be ndjson or json-array, compression none or gzip")
            row = self.ref_name((bulk.get("row") or {}).get("$ref", ""))
            s.append(f"    static constexpr bulk_help bulk{{true, {'true' if bulk['format'] == 'ndjson' else 'false'}, "
                     f"{'true' if bulk.get('compression') == 'gzip' else 'false'}, {'true' if bulk.get('via') == 'link' else 'false'}}};")
            s.append(f"    using bulk_row = {self.ns}::{row};")
        else:
            s.append("    static constexpr bulk_help bulk{};")
        s.append("};")
        specs.append(s)
    out.append(f"}} // namespace {self.ns}::help_data")
    out.append("")
    out.append("namespace cs2market {")
    out.append("")
    info = self.doc.get("info") or {}
    out.append("template <>")
    out.append(f"struct provider_help<{self.ns}::provider> {{")
    out.append(f"    static constexpr std::string_view title = {cpp_str((info.get('title') or self.name).strip())};")
    out.append(f"    static constexpr std::string_view description = {cpp_str((info.get('description') or '').strip())};")
    out.append(f"    static constexpr std::span<const bucket_help> buckets = {self.ns}::help_data::buckets;")
    out.append("};")
    out.append("")
    for s in specs:
        out += s
        out.append("")
    out.append("} // namespace cs2market")
    out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"
