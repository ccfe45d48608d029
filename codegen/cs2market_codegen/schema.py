"""Reading a provider schema: names, C++ types, operations and the x-cs2market extensions."""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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

    # ---- operations ----------------------------------------------------------
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

    def operation(self, name):
        for path, method, op in self.operations():
            if op["operationId"] == name:
                return path, method, op
        raise SchemaError(f"{self.rel}: no operation {name!r}")

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

    def params_of(self, path, method, op):
        """[(C++ type, member, wire name, description, in, required)] of an operation's params struct."""
        where = f"{method.upper()} {path}"
        members, seen = [], set()
        for p in op.get("parameters") or []:
            if p.get("in") not in ("path", "query", "header"):
                raise SchemaError(f"{self.rel}: {where}: parameter {p.get('name')} in {p.get('in')} not supported")
            req = bool(p.get("required")) or p["in"] == "path"
            typ = self.member_type(p["schema"], req, f"{where} {p['name']}")
            if p["in"] != "header" and not IDENT.match(p["name"]):
                raise SchemaError(f"{self.rel}: {where}: {p['in']} parameter {p['name']!r} is not a C++ identifier")
            members.append((typ, ident(p["name"]), p["name"], p.get("description"), p["in"], req))
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
            members.append((typ, "body", "body", op["requestBody"].get("description") or "JSON request body.", "body", req))
        for placeholder in re.findall(r"\{([^}]+)\}", path):
            if not any(m[2] == placeholder for m in members):
                raise SchemaError(f"{self.rel}: {where}: path placeholder {{{placeholder}}} has no path parameter")
        if len({m[1] for m in members}) != len(members):
            raise SchemaError(f"{self.rel}: {where}: parameter names collide after sanitizing")
        return members

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

    # ---- x-cs2market: rate limits ---------------------------------------------
    def rate_buckets(self):
        """{bucket: (requests, window_ms)} from x-cs2market.rate_limits.buckets."""
        rl = self.x.get("rate_limits") or {}
        out = {}
        for name, b in (rl.get("buckets") or {}).items():
            if not IDENT.match(name):
                raise SchemaError(f"{self.rel}: rate limit bucket {name!r} is not an identifier")
            n, w = b.get("requests"), b.get("window_ms")
            if not isinstance(n, int) or n <= 0 or not isinstance(w, int) or w <= 0:
                raise SchemaError(f"{self.rel}: rate limit bucket {name}: requests and window_ms must be positive integers")
            out[name] = (n, w)
        return out

    def op_rate_buckets(self, op, where):
        """The buckets an operation draws from: its x-cs2market-rate-limit, else the provider's default."""
        rl = self.x.get("rate_limits") or {}
        names = op.get("x-cs2market-rate-limit", rl.get("default", []))
        buckets = self.rate_buckets()
        for n in names:
            if n not in buckets:
                raise SchemaError(f"{self.rel}: {where}: unknown rate limit bucket {n!r}")
        return [(n,) + buckets[n] for n in names]

    # ---- x-cs2market: exactly-once buys ------------------------------------------
    def exactly_once(self, path, method, op):
        """None, or the buy's id member path, replay flag and lookup (operation, its id param, answer function)."""
        x = op.get("x-cs2market-exactly-once")
        if not x:
            return None
        where = f"{method.upper()} {path}"
        members = self.params_of(path, method, op)
        idspec = x.get("id", "")
        parts = idspec.split(".")
        if parts[0] == "body":
            body = [m for m in members if m[4] == "body"]
            if len(parts) != 2 or not body or not body[0][5]:
                raise SchemaError(f"{self.rel}: {where}: exactly-once id {idspec!r} needs a required request body")
            bschema, _ = self.unwrap_nullable(op["requestBody"]["content"]["application/json"]["schema"])
            comp = self.schemas[self.ref_name(bschema["$ref"])]
            prop = (comp.get("properties") or {}).get(parts[1])
            if prop is None or parts[1] in (comp.get("required") or []):
                raise SchemaError(f"{self.rel}: {where}: exactly-once id {idspec!r} must be an optional body property")
            member, wire = f"body.{ident(parts[1])}", parts[1]
        else:
            m = [m for m in members if m[2] == idspec and m[4] in ("query", "header")]
            if len(m) != 1 or m[0][5]:
                raise SchemaError(f"{self.rel}: {where}: exactly-once id {idspec!r} must be an optional query or header parameter")
            member, wire = m[0][1], idspec
        lookup = x.get("lookup")
        lk = None
        if lookup:
            lpath, lmethod, lop = self.operation(lookup.get("operation", ""))
            if lmethod != "get":
                raise SchemaError(f"{self.rel}: {where}: lookup {lookup['operation']} must be a GET")
            lm = [m for m in self.params_of(lpath, lmethod, lop) if m[2] == lookup.get("param")]
            if len(lm) != 1:
                raise SchemaError(f"{self.rel}: {where}: lookup parameter {lookup.get('param')!r} not found")
            if not IDENT.match(lookup.get("answer", "")):
                raise SchemaError(f"{self.rel}: {where}: lookup answer must name a function of the provider's orders.hpp")
            lk = (lookup["operation"], lm[0][1], lm[0][0], lookup["answer"])
        replayed = x.get("replayed_header", "")
        if replayed and (not x.get("replays") or not re.fullmatch(r"[A-Za-z0-9-]+", replayed)):
            raise SchemaError(f"{self.rel}: {where}: replayed_header must be a header name, on a buy that replays")
        return {"member": member, "wire": wire, "replays": bool(x.get("replays")), "lookup": lk, "replayed_header": replayed}
