#!/usr/bin/env python3
"""The CLI's help, list --json and completion, checked against the schemas read here
independently of the generator:

  * `cs2market help PROVIDER OPERATION` (and `call PROVIDER OPERATION --help`, the same
    text) for every operation of every schema: method and path, every parameter and
    every request-body property by wire name with where it goes, every enum value of
    their enums, every documented error code, the exactly-once id;
  * `cs2market help PROVIDER` lists every operation; `cs2market help` every provider;
  * `cs2market list --json`: every operation as {provider, operation, method, path}, the
    same as `cs2market list`;
  * `cs2market completion bash`: under bash, `cs2market call csb<TAB>` gives csboard and
    `... market_buy it<TAB>` gives item_ids= (the completion function called as bash's
    programmable completion calls it, and, through a pseudo-terminal, an interactive
    bash completing a real TAB).

  python3 test_cli_help.py --cli PATH/TO/cs2market
"""
import argparse
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


def run(cli, *args):
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)


def schema_ops(doc):
    for path, item in doc["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield path, method, item[method]


def resolve(doc, s):
    while "$ref" in s:
        s = doc["components"]["schemas"][s["$ref"].split("/")[-1]]
    for k in ("anyOf", "oneOf"):
        if k in s:
            return resolve(doc, [a for a in s[k] if a.get("type") != "null"][0])
    return s


def enum_values(doc, s):
    """The enum values a parameter (or a list parameter's items) takes, or []."""
    s = resolve(doc, s)
    if s.get("type") == "array":
        s = resolve(doc, s.get("items") or {})
    return [str(v) for v in s.get("enum", [])]


def fields(doc, op):
    """(wire name, in, enum values) of every parameter and request-body property."""
    out = [(p["name"], p["in"], enum_values(doc, p["schema"])) for p in op.get("parameters") or []]
    body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if body:
        comp = resolve(doc, body["schema"])
        for k, s in comp.get("properties", {}).items():
            out.append((k, "body", enum_values(doc, s)))
    return out


def check_help(cli, schemas):
    ops_total = 0
    for name, doc in schemas.items():
        p = run(cli, "help", name)
        check(p.returncode == 0, "help %s: exit %d" % (name, p.returncode))
        for path, method, op in schema_ops(doc):
            ops_total += 1
            oid = op["operationId"]
            check(re.search(r"^  %s +%s +%s$" % (oid, method.upper(), re.escape(path)), p.stdout, re.M),
                  "help %s does not list %s" % (name, oid))
            h = run(cli, "help", name, oid)
            if not check(h.returncode == 0 and h.stderr == "", "help %s %s: exit %d %s" % (name, oid, h.returncode, h.stderr)):
                continue
            text = h.stdout
            check(text.startswith("%s %s: %s %s\n" % (name, oid, method.upper(), path)), "help %s %s: first line %r" % (name, oid, text[:80]))
            for fname, fin, values in fields(doc, op):
                check(re.search(r"^  %s +%s +\S" % (re.escape(fname), fin), text, re.M),
                      "help %s %s does not name parameter %s (%s)" % (name, oid, fname, fin))
                for v in values:
                    check(re.search(r"^ {6,}%s( \(\w+\))? " % re.escape(v), text, re.M) or re.search(r"^ {6,}%s$" % re.escape(v), text, re.M),
                          "help %s %s: %s value %r missing" % (name, oid, fname, v))
            for e in op.get("x-cs2market-errors") or []:
                check(re.search(r"^  %s( \(|$)" % re.escape(str(e["code"])), text, re.M),
                      "help %s %s: error %s missing" % (name, oid, e["code"]))
            x = op.get("x-cs2market-exactly-once")
            if x:
                idname = x["id"].split(".")[-1]
                check("exactly-once id: %s " % idname in text, "help %s %s: exactly-once id %s missing" % (name, oid, idname))
            # --help after a call names the same text, whatever else is on the line
            c = run(cli, "call", name, oid, "x=1", "--help")
            check(c.returncode == 0 and c.stdout == text, "call %s %s --help differs from help" % (name, oid))
    check(ops_total > 40, "only %d operations in the schemas" % ops_total)

    top = run(cli, "help")
    check(top.returncode == 0 and all(re.search(r"^  %s " % n, top.stdout, re.M) for n in schemas), "help: providers missing")
    check(run(cli, "--help").stdout == top.stdout, "--help differs from help")
    check("usage: cs2market list" in run(cli, "orders", "--help").stdout, "orders --help: no usage")
    bad = run(cli, "help", "nope")
    check(bad.returncode == 2 and "unknown provider" in bad.stderr, "help nope: exit %d" % bad.returncode)
    bad = run(cli, "help", "csboard", "nope")
    check(bad.returncode == 2 and "no operation" in bad.stderr, "help csboard nope: exit %d" % bad.returncode)
    # bad usage still says so, as before
    bad = run(cli, "call", "csboard", "get_order", "oops")
    check(bad.returncode == 2 and "expected name=value, got 'oops'" in bad.stderr, "call ... oops: %r" % bad.stderr)


def check_list(cli, schemas):
    p = run(cli, "list", "--json")
    rows = json.loads(p.stdout)
    want = [{"provider": n, "operation": op["operationId"], "method": m.upper(), "path": path}
            for n, doc in sorted(schemas.items()) for path, m, op in schema_ops(doc)]
    check(p.returncode == 0 and sorted(map(json.dumps, rows)) == sorted(map(json.dumps, want)),
          "list --json differs from the schemas")
    check(all(list(r) == ["provider", "operation", "method", "path"] for r in rows), "list --json: keys")
    plain = run(cli, "list").stdout.splitlines()
    check(plain == ["%(provider)s %(operation)s %(method)s %(path)s" % r for r in rows], "list and list --json differ")


def complete(script, line):
    """COMPREPLY for `line`, as bash's programmable completion computes it."""
    prog = 'source "$1"; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<"$2"; COMP_CWORD=${#COMP_WORDS[@]}; ' \
           '_cs2market; printf "%s\\n" "${COMPREPLY[@]}"'
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog, "bash", script, line], capture_output=True, text=True, timeout=30)
    return [l for l in p.stdout.splitlines() if l]


def interactive_tab(script, typed, expect, timeout=20):
    """Types `typed` and a TAB into an interactive bash on a pseudo-terminal; True when the
    line then shows `expect`."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], dict(os.environ, PS1="$ ", TERM="dumb", INPUTRC="/dev/null"))
    seen = b""

    def read_until(pattern, limit):
        nonlocal seen
        end = time.time() + limit
        while time.time() < end:
            if re.search(pattern, seen):
                return True
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    return False
        return bool(re.search(pattern, seen))

    try:
        os.write(fd, ('source %s; echo sourced-$((40+2))\n' % script).encode())
        if not read_until(rb"sourced-42", timeout):
            return False, seen
        seen = b""
        os.write(fd, typed.encode() + b"\t")
        ok = read_until(re.escape(expect.encode()), timeout)
        os.write(fd, b"\x15exit\n")  # ^U clears the line
        return ok, seen
    finally:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        os.close(fd)


def check_completion(cli):
    tmp = tempfile.mkdtemp(prefix="cs2market-completion-")
    script = os.path.join(tmp, "cs2market.bash")
    p = run(cli, "completion", "bash")
    check(p.returncode == 0 and "complete -F _cs2market cs2market" in p.stdout, "completion bash: exit %d" % p.returncode)
    with open(script, "w") as f:
        f.write(p.stdout)
    z = run(cli, "completion", "zsh")
    check(z.returncode == 0 and "compdef _cs2market cs2market" in z.stdout, "completion zsh: exit %d" % z.returncode)
    check(run(cli, "completion", "fish").returncode == 2, "completion fish: not refused")
    cases = [  # (line, want exactly)
        ("cs2market call csb", ["csboard"]),
        ("cs2market call csboard market_buy it", ["item_ids="]),
        ("cs2market ", ["list", "call", "orders", "quote", "buy", "help", "completion", "audit"]),
        ("cs2market call csboard market_b", ["market_buy"]),
        ("cs2market help sk", ["skinify"]),
        ("cs2market call csboard list_listings sort=price_", ["price_asc", "price_desc"]),
        ("cs2market call csboard market_buy skip_unavailable=t", ["true"]),
        ("cs2market call cs2dt market_search orderBy=price", ["price_asc", "price_desc"]),
        ("cs2market orders re", ["resume", "report"]),
        ("cs2market completion z", ["zsh"]),
        ("cs2market quote 'AK-47 | Redline (Field-Tested)' --float-m", ["--float-min", "--float-max"]),
        ("cs2market buy 'AK-47 | Redline (Field-Tested)' --best --max-p", ["--max-price"]),
        ("cs2market buy 'AK-47 | Redline (Field-Tested)' --tr", ["--trade-url"]),
    ]
    for line, want in cases:
        got = complete(script, line)
        check(got == want, "completing %r: %r, want %r" % (line, got, want))
    got = complete(script, "cs2market call csboard list_listings wear=Fa")
    check(got == ["Factory\\ New"], "completing wear=Fa: %r" % got)
    ok, seen = interactive_tab(script, "cs2market call csb", "cs2market call csboard ")
    check(ok, "interactive bash: call csb<TAB> did not complete: %r" % seen[-300:])
    ok, seen = interactive_tab(script, "cs2market call csboard market_buy it", "market_buy item_ids=")
    check(ok, "interactive bash: market_buy it<TAB> did not complete: %r" % seen[-300:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    schemas = {}
    sdir = os.path.join(ROOT, "schemas")
    for fn in sorted(os.listdir(sdir)):
        if fn.endswith(".json"):
            with open(os.path.join(sdir, fn)) as f:
                schemas[fn[:-5]] = json.load(f)
    check_help(args.cli, schemas)
    check_list(args.cli, schemas)
    check_completion(args.cli)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("cli help: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
