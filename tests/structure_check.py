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
   EXECUTOR_HEADERS (g++ -M) is none of ORDER_LAYER_HEADERS (the order layer and
   the stores).
6. Generated code depends only on the core: a file under a generated/ folder
   includes no hand-written provider file (only non-provider headers and files
   of its own generated/ folder), and reaches no header of ORDER_LAYER_HEADERS.
   What providers add by hand attaches through traits instead: a program that
   sends a buy with the generated client but without <p>/orders.hpp (which
   defines the buy's order_binding) does not compile (asked of the compiler, for
   UNBOUND_BUY).
"""
import os
import re
import subprocess
import sys

# The layers (paths under include/; update them when headers move).
EXECUTOR_HEADERS = ["cs2market/client.hpp", "cs2market/client_options.hpp", "cs2market/detail/call_engine.hpp"]
ORDER_LAYER_HEADERS = [
    # orders: the order model, the journal interface, the tracker, exposure, replays
    "cs2market/order.hpp", "cs2market/journal.hpp", "cs2market/journaled_buy.hpp", "cs2market/order_tracker.hpp",
    "cs2market/exposure.hpp", "cs2market/replay_buy.hpp", "cs2market/detail/tracker_impl.hpp",
    # stores
    "cs2market/sqlite_journal.hpp", "cs2market/postgres_journal.hpp", "cs2market/postgres_store.hpp",
    "cs2market/postgres_rate_limiter.hpp", "cs2market/detail/journal_schema.hpp", "cs2market/detail/sql_journal.hpp",
    "cs2market/detail/sql_session.hpp", "cs2market/detail/sqlite_session.hpp", "cs2market/detail/pg_connection.hpp",
]

# A buy sent through the generated client alone: must not compile (order_binding undefined).
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

missing = [h for h in EXECUTOR_HEADERS + ORDER_LAYER_HEADERS if h not in headers]
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
    fail(f"a buy sent with <{header}> alone compiles: its order_binding is not required")
elif "order_binding" not in r.stderr:
    fail(f"a buy sent with <{header}> alone fails for another reason than its order_binding: {r.stderr[:2000]}")

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

if failures:
    for f in failures:
        print("structure:", f, file=sys.stderr)
    sys.exit(1)
print(f"structure: {len(core)} core headers include no provider; {len(providers)} providers isolated; "
      f"generated files apart; hand-written files under {MAX_LINES} lines; "
      f"{len(EXECUTOR_HEADERS)} executor headers reach no order-layer or store header; "
      f"{len(generated_headers)} generated files include only the core and their siblings")
