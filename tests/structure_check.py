#!/usr/bin/env python3
"""The project's structure, checked (CTest `structure`):

1. No core header includes a provider header, directly or through another core
   header: the core is everything under include/cs2market/ that is not a
   provider's folder (<p>/) or umbrella (<p>.hpp), providers being schemas/*.json.
2. A translation unit that includes <cs2market/<p>.hpp> (or <p>/models.hpp) pulls
   in no file of another provider (asked of the compiler: g++ -M).
3. Every file whose first line says it is generated lives in a generated/
   folder, and every file in a generated/ folder says so.
4. No hand-written source file outside tests/ and bench/ is over 800 lines.
5. The executor sits below the orders: what the compiler pulls in for each of
   EXECUTOR_HEADERS (g++ -M) is no header of the order layer (orders/) or the
   stores (store/).
6. Generated code depends only on the core: a file under a generated/ folder
   includes no hand-written provider file (only non-provider headers and files
   of its own generated/ folder), and reaches no header of orders/ or store/.
   What providers add by hand attaches through traits instead: a program that
   sends a buy with the generated client but without <p>/orders.hpp (which
   defines the buy's record_binding) does not compile (asked of the compiler, for
   UNBOUND_BUY).
7. Layers: core (include/cs2market/*.hpp and its detail/, impl/) < executor (net/)
   < orders (orders/) < stores (store/) < markets (market/) < providers. A file includes only its own
   layer and lower ones. Exempt: src.hpp (it compiles every layer) and the
   forwarding headers left at the old flat names.
8. A forwarding header is its guard and one include of the header it names,
   which exists; no header includes a forwarding header.
9. README's "Where things are" names every public header (not detail/, impl/,
   generated/ or a forwarder), and every header it names exists.
"""
import os
import re
import subprocess
import sys

# The executor's entry points (paths under include/).
EXECUTOR_HEADERS = ["cs2market/net/client.hpp", "cs2market/net/client_options.hpp", "cs2market/net/detail/call_engine.hpp"]
# ORDER_LAYER_HEADERS: every header under orders/ and store/ (computed below).

# A buy sent through the generated client alone: must not compile (record_binding undefined).
UNBOUND_BUY = ("cs2market/csboard/generated/client.hpp",
               "void buy(cs2market::csboard::client& c) { (void)c.market_buy({}); }")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INC = os.path.join(ROOT, "include")
INCLUDE = re.compile(r'^\s*#\s*include\s*<(cs2market/[^>]+)>', re.M)
MAX_LINES = 800
failures = []


def fail(msg):
    failures.append(msg)


providers = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "schemas")) if f.endswith(".json"))


def provider_of(rel):
    """The provider a header under include/ belongs to, or None for the core."""
    for p in providers:
        if rel == f"cs2market/{p}.hpp" or rel.startswith(f"cs2market/{p}/"):
            return p
    return None


headers = {}
for d, _, names in os.walk(INC):
    for n in names:
        if n.endswith((".hpp", ".ipp")):
            full = os.path.join(d, n)
            rel = os.path.relpath(full, INC).replace(os.sep, "/")
            with open(full, encoding="utf-8") as f:
                headers[rel] = INCLUDE.findall(f.read())

# 1. The core's include graph, transitively.
def closure(start):
    seen, todo = set(), [start]
    while todo:
        h = todo.pop()
        for inc in headers.get(h, []):
            if inc not in seen:
                seen.add(inc)
                todo.append(inc)
    return seen

core = [h for h in headers if provider_of(h) is None]
for h in sorted(core):
    for inc in sorted(closure(h)):
        if provider_of(inc):
            fail(f"core header {h} includes provider header {inc} (through the include graph)")
            break

# 2. What the compiler pulls in for each provider's public headers.
cxx = os.environ.get("CXX", "g++")
for p in providers:
    for entry in (f"cs2market/{p}.hpp", f"cs2market/{p}/models.hpp"):
        cmd = [cxx, "-std=c++20", "-M", "-x", "c++", "-I", INC, "-"]
        r = subprocess.run(cmd, input=f"#include <{entry}>\n", capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{entry}: the compiler failed: {r.stderr[:2000]}")
            continue
        files = r.stdout.replace("\\\n", " ").split()
        for other in providers:
            if other == p:
                continue
            bad = [f for f in files if f"/cs2market/{other}/" in f or f.endswith(f"/cs2market/{other}.hpp")]
            if bad:
                fail(f"<{entry}> pulls in {other} files: {bad[:3]}")
        if entry.endswith("models.hpp"):
            net = [f for f in files if re.search(r"/boost/(beast|asio)/|/openssl/", f)]
            if net:
                fail(f"<{entry}> pulls in network headers: {net[:3]}")

# 5. The executor's headers pull in nothing of the order layer or the stores.
def compiled_files(entry):
    """The files the compiler reads for `#include <entry>`, or None (failure recorded)."""
    cmd = [cxx, "-std=c++20", "-M", "-x", "c++", "-I", INC, "-"]
    r = subprocess.run(cmd, input=f"#include <{entry}>\n", capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{entry}: the compiler failed: {r.stderr[:2000]}")
        return None
    return [os.path.normpath(f).replace(os.sep, "/") for f in r.stdout.replace("\\\n", " ").split()]

ORDER_LAYER_HEADERS = sorted(h for h in headers if h.startswith(("cs2market/orders/", "cs2market/store/")))
missing = [h for h in EXECUTOR_HEADERS if h not in headers]
if missing:
    fail(f"the layer lists name headers that do not exist (moved?): {missing}")
for entry in EXECUTOR_HEADERS:
    files = compiled_files(entry)
    if files is None:
        continue
    bad = [h for h in ORDER_LAYER_HEADERS if any(f.endswith("/include/" + h) for f in files)]
    if bad:
        fail(f"executor header <{entry}> pulls in order-layer or store headers: {bad}")

# 6. Generated code: own generated siblings and non-provider headers only, nothing of the order layer.
generated_headers = [h for h in headers if "/generated/" in h]
for h in sorted(generated_headers):
    folder = h.rsplit("/", 1)[0] + "/"
    for inc in headers[h]:
        if provider_of(inc) and not inc.startswith(folder):
            fail(f"generated {h} includes the hand-written provider file {inc}")
    reached = closure(h)
    bad = sorted(x for x in reached if x in ORDER_LAYER_HEADERS)
    if bad:
        fail(f"generated {h} reaches order-layer or store headers {bad} (through the include graph)")

header, call = UNBOUND_BUY
r = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", "-x", "c++", "-I", INC, "-"],
                   input=f"#include <{header}>\n{call}\n", capture_output=True, text=True)
if r.returncode == 0:
    fail(f"a buy sent with <{header}> alone compiles: its record_binding is not required")
elif "record_binding" not in r.stderr:
    fail(f"a buy sent with <{header}> alone fails for another reason than its record_binding: {r.stderr[:2000]}")

# 3 and 4. Generated files apart; hand-written files small.
tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
for rel in tracked:
    if not rel.endswith((".hpp", ".ipp", ".cpp", ".h", ".py")):
        continue
    path = os.path.join(ROOT, rel)
    if not os.path.exists(path):
        continue
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    generated = text.startswith("// Generated by") or text.startswith("# Generated by")
    in_generated_dir = "/generated/" in "/" + rel
    if generated and not in_generated_dir:
        fail(f"{rel} says it is generated but is not in a generated/ folder")
    if in_generated_dir and not generated:
        fail(f"{rel} is in a generated/ folder but its first line does not say it is generated")
    if not generated and not rel.startswith(("tests/", "bench/")):
        n = text.count("\n")
        if n > MAX_LINES:
            fail(f"{rel}: {n} lines (hand-written files stay under {MAX_LINES}: split by concern)")

# 7 and 8. Layers, and the forwarders at the old flat names.
LAYER_RANK = {"core": 0, "net": 1, "orders": 2, "store": 3, "market": 4, "provider": 5}
FORWARD = re.compile(r"\A// cs2market: forwarding header\. .*\n(?://.*\n)*#ifndef (\w+)\n#define \1\n"
                     r"#include <(cs2market/[^>]+)>\n#endif\n\Z")


def layer_of(rel):
    if provider_of(rel):
        return "provider"
    first = rel.split("/")[1]
    return first if first in ("net", "orders", "store", "market") else "core"


def is_forwarder(rel):
    with open(os.path.join(INC, rel), encoding="utf-8") as f:
        return f.readline().startswith("// cs2market: forwarding header.")


forwarders = [h for h in headers if is_forwarder(h)]
for h in sorted(forwarders):
    with open(os.path.join(INC, h), encoding="utf-8") as f:
        m = FORWARD.match(f.read())
    if not m:
        fail(f"{h}: a forwarding header is its guard and one include, nothing else")
    elif m.group(2) not in headers:
        fail(f"{h} forwards to {m.group(2)}, which does not exist")
for h in sorted(headers):
    if h == "cs2market/src.hpp" or h in forwarders:
        continue
    for inc in headers[h]:
        if inc in forwarders:
            fail(f"{h} includes the forwarding header {inc}: include the header it names")
        elif LAYER_RANK[layer_of(inc)] > LAYER_RANK[layer_of(h)]:
            fail(f"{h} ({layer_of(h)}) includes {inc} ({layer_of(inc)}), a higher layer")

# 9. README's map of the tree.
with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    readme = f.read()
where = readme.split("## Where things are", 1)[-1].split("\n## ", 1)[0] if "## Where things are" in readme else ""
if not where:
    fail("README.md has no 'Where things are' section")
named = set(re.findall(r"`([\w/<>]+\.hpp)`", where))
public = [h for h in headers if h.endswith(".hpp") and h not in forwarders and not provider_of(h)
          and not re.search(r"/(detail|impl|generated)/", h)]
for h in sorted(public):
    if h[len("cs2market/"):] not in named:
        fail(f"README 'Where things are' does not name {h}")
for n in sorted(named):
    if "<" not in n and f"cs2market/{n}" not in headers:
        fail(f"README 'Where things are' names {n}, which does not exist")

if failures:
    for f in failures:
        print("structure:", f, file=sys.stderr)
    sys.exit(1)
print(f"structure: {len(core)} core headers include no provider; {len(providers)} providers isolated; "
      f"generated files apart; hand-written files under {MAX_LINES} lines; "
      f"{len(EXECUTOR_HEADERS)} executor headers reach no order-layer or store header; "
      f"{len(generated_headers)} generated files include only the core and their siblings; layers in order; "
      f"{len(forwarders)} forwarders; README's map matches the tree")
