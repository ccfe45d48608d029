#!/usr/bin/env python3
"""`cs2market quote` against the sandbox executable, whose own listings
(GET /_sandbox/listings?name=N) are the truth:

  * every unsold listing of the name on all three providers is offered, at the sandbox's
    price (no provider documents a buyer fee: the price is the ask), cheapest first
    (ties by provider, then listing id), each with its availability (CSBoard's and
    Skinify's held listings `hold:<time>`, the rest `instant`) and a small age;
  * --float-min / --float-max keep exactly the listings in the range;
  * --phase keeps exactly the Doppler listings of that phase where the provider tells
    the phase (CS2DT's paintIndex, CSBoard's doppler_phase); Skinify tells none, so
    none of its listings is offered under a phase constraint;
  * --json: an array of objects with exactly the keys provider, listing_id, price
    (a string), availability, age_ms, the same offers as the text;
  * one provider failing (an injected 503, --no-retry) loses only its offers, and is
    named on stderr; bad input exits 2 with a message, asking nothing.
  * held listings (the sandbox holds ~10 %) show as hold:<time> with the sandbox's listing.

  python3 test_cli_quote.py --cli PATH/TO/cs2market --sandbox PATH/TO/cs2market-sandbox
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from decimal import Decimal

from cli_support import Sandbox, check, finish, loads

KEYS = {"CS2DT_APP_KEY": "quotecs2dtkey1", "CSBOARD_API_KEY": "csb_pub_quote_test", "SKINIFY_TOKEN": "quoteskinify1"}
REDLINE = "AK-47 | Redline (Field-Tested)"
DOPPLER = "★ Karambit | Doppler (Factory New)"
PROVIDERS = {"cs2dt", "csboard", "skinify"}
# The public paint index table of a Doppler (the sandbox's Dopplers use these).
DOPPLER_PHASE = {415: "Ruby", 416: "Sapphire", 417: "Black Pearl", 418: "Phase 1", 419: "Phase 2",
                 420: "Phase 3", 421: "Phase 4"}
# Providers whose listings tell a phase (Skinify's do not).
TELLS_PHASE = {"cs2dt", "csboard"}
# The first quote's Skinify price list answers 503 once: with --no-retry, Skinify fails.
SCENARIO = {"faults": [{"provider": "skinify", "path": "/api/withdraw/prices", "kind": "status", "status": 503,
                        "count": 1}]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--sandbox", required=True)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="cs2market-quote-")
    scenario = os.path.join(tmp, "scenario.json")
    with open(scenario, "w") as f:
        json.dump(SCENARIO, f)
    sandbox = Sandbox(args.sandbox, tmp, scenario)
    env = dict(os.environ, **KEYS)
    remote = ["--base-url", sandbox.url, "--ca-file", sandbox.ca]
    try:
        def run(*a, timeout=90):
            p = subprocess.run([args.cli, "quote", *a], env=env, capture_output=True, text=True, timeout=timeout)
            print("$ cs2market quote " + " ".join(a[:3]) + " -> %d" % p.returncode)
            if p.stderr.strip():
                print("  stderr: " + p.stderr.strip())
            return p

        def truth(name):
            return sandbox.admin("listings?name=" + urllib.parse.quote(name))["listings"]

        def offers(p, what):
            """The text lines as (provider, listing_id, price, availability, age_ms)."""
            rows = []
            for line in p.stdout.splitlines():
                f = line.split(" ")
                if not check(len(f) == 5, "%s: line %r has not 5 columns" % (what, line)):
                    continue
                rows.append((f[0], f[1], Decimal(f[2]), f[3], int(f[4])))
            return rows

        def expected(listings):
            """What the quote must show of the sandbox's listings: provider, id, price, cheapest first."""
            rows = [(l["provider"], l["listing_id"], Decimal(l["price"])) for l in listings]
            return sorted(rows, key=lambda r: (r[2], r[0], r[1]))

        def availability_ok(row, listing):
            held = listing["hold"] and listing["provider"] != "cs2dt"  # the sandbox's CS2DT sells without holds
            return row[3].startswith("hold:") if held else row[3] == "instant"

        # ---- One provider failing: Skinify's price list answers 503; the others' offers stay.
        listings = truth(REDLINE)
        p = run(REDLINE, "--no-retry", *remote)
        check(p.returncode == 0, "skinify failing: exit %d" % p.returncode)
        check("skinify" in p.stderr and "503" in p.stderr, "skinify failing: not named on stderr: %r" % p.stderr)
        got = offers(p, "skinify failing")
        check([r[:3] for r in got] == expected([l for l in listings if l["provider"] != "skinify"]),
              "skinify failing: the other providers' offers differ from the sandbox's listings")

        # ---- Every listing of the name, on all three, at the sandbox's price, cheapest first.
        check({l["provider"] for l in listings} == PROVIDERS, "the sandbox lists %s on %s only" %
              (REDLINE, sorted({l["provider"] for l in listings})))
        p = run(REDLINE, *remote)
        check(p.returncode == 0 and p.stderr == "", "all: exit %d, stderr %r" % (p.returncode, p.stderr))
        got = offers(p, "all")
        check({r[0] for r in got} == PROVIDERS, "all: offers from %s" % sorted({r[0] for r in got}))
        check([r[:3] for r in got] == expected(listings), "all: offers %s, the sandbox lists %s" %
              ([r[:3] for r in got], expected(listings)))
        check([r[2] for r in got] == sorted(r[2] for r in got), "all: not cheapest first")
        by_id = {(l["provider"], l["listing_id"]): l for l in listings}
        for r in got:
            l = by_id.get((r[0], r[1]))
            check(l is not None and availability_ok(r, l), "all: %s %s availability %s, the sandbox's hold %s" %
                  (r[0], r[1], r[3], l and l["hold"]))
            check(0 <= r[4] < 60000, "all: %s %s age_ms %d" % (r[0], r[1], r[4]))

        # ---- Held listings: a name with one held on CSBoard or Skinify shows it as hold:<time>.
        held = [l for l in sandbox.admin("listings")["listings"] if l["hold"] and l["provider"] != "cs2dt"]
        check(len(held) > 0, "the sandbox holds no listing")
        for name in sorted({l["market_hash_name"] for l in held})[:3]:
            listed = truth(name)
            p = run(name, *remote)
            rows = offers(p, "held " + name)
            check([r[:3] for r in rows] == expected(listed), "held %s: offers differ from the sandbox's" % name)
            by_id = {(l["provider"], l["listing_id"]): l for l in listed}
            check(any(r[3].startswith("hold:") for r in rows), "held %s: no offer on hold" % name)
            for r in rows:
                l = by_id.get((r[0], r[1]))
                check(l is not None and availability_ok(r, l), "held %s: %s %s availability %s, the sandbox's hold %s" %
                      (name, r[0], r[1], r[3], l and l["hold"]))

        # ---- --json: the same offers, the keys exactly.
        p = run(REDLINE, "--json", *remote)
        check(p.returncode == 0, "json: exit %d" % p.returncode)
        rows = loads(p.stdout)
        check(isinstance(rows, list) and len(rows) == len(got), "json: %d rows, text %d" % (len(rows), len(got)))
        for row in rows:
            check(list(row) == ["provider", "listing_id", "price", "availability", "age_ms"], "json: keys %s" % list(row))
            check(isinstance(row["price"], str) and isinstance(row["listing_id"], str), "json: price or id not a string: %s" % row)
            check(isinstance(row["age_ms"], int) and 0 <= row["age_ms"] < 60000, "json: age_ms %r" % row["age_ms"])
        check([(r["provider"], r["listing_id"], Decimal(r["price"]), r["availability"]) for r in rows] ==
              [r[:4] for r in got], "json and text differ")

        # ---- A float range: exactly the listings inside (bounds between two listings' floats).
        floats = sorted({l["float"] for l in listings})
        check(len(floats) >= 4, "too few listings to split by float: %s" % floats)
        lo = (floats[0] + floats[1]) / 2
        hi = (floats[-2] + floats[-1]) / 2
        p = run(REDLINE, "--float-min", str(lo), "--float-max", str(hi), *remote)
        check(p.returncode == 0, "float range: exit %d" % p.returncode)
        want = expected([l for l in listings if lo <= l["float"] <= hi])
        check([r[:3] for r in offers(p, "float range")] == want, "float range [%s, %s]: %s, want %s" %
              (lo, hi, [r[:3] for r in offers(p, "float range")], want))

        # ---- A phase: the Doppler listings of that phase, where the provider tells it.
        dopplers = truth(DOPPLER)
        check({l["provider"] for l in dopplers} == PROVIDERS, "the sandbox lists %s on %s" %
              (DOPPLER, sorted({l["provider"] for l in dopplers})))
        told = [l for l in dopplers if l["provider"] in TELLS_PHASE]
        check(len(told) > 0, "no Doppler listing on CS2DT or CSBoard")
        phases = sorted({DOPPLER_PHASE[l["paint_index"]] for l in told})
        for phase in phases:
            p = run(DOPPLER, "--phase", phase, *remote)
            check(p.returncode == 0, "phase %s: exit %d" % (phase, p.returncode))
            want = expected([l for l in told if DOPPLER_PHASE[l["paint_index"]] == phase])
            check([r[:3] for r in offers(p, "phase " + phase)] == want, "phase %s: %s, want %s" %
                  (phase, [r[:3] for r in offers(p, "phase " + phase)], want))
        p = run(DOPPLER, *remote)
        check(sorted(r[:3] for r in offers(p, "Doppler")) == sorted(expected(dopplers)),
              "Doppler without a phase: not every listing offered")

        # ---- Bad input: exit 2, a message, nothing asked.
        before = sandbox.admin("ledger")
        for bad, says in [
            ((REDLINE, "--float-min", "2"), "float minimum must be a number from 0 to 1"),
            ((REDLINE, "--float-min", "0.3", "--float-max", "0.2"), "float minimum is above the float maximum"),
            ((REDLINE, "--float-max", "low"), "--float-max takes a number from 0 to 1"),
            ((DOPPLER, "--phase", "Purple"), "--phase takes Phase 1"),
            ((REDLINE, "--phase", "Ruby"), "is not a phase of AK-47 | Redline"),
            (("AK-47 | Redline (Field Tested)",), "Field Tested"),
            ((), "quote needs an item name"),
            ((REDLINE, REDLINE), "quote takes one item name"),
            ((REDLINE, "--phase"), "--phase needs a value"),
            ((REDLINE, "--max"), "quote has no option '--max'"),
        ]:
            p = run(*remote, *bad)  # the options first: a value-less option at the end
            check(p.returncode == 2 and says in p.stderr and p.stdout == "",
                  "bad input %r: exit %d, stderr %r" % (bad, p.returncode, p.stderr))
        check(sandbox.admin("ledger") == before, "bad input changed the sandbox")
        p = run(REDLINE, "--help")
        check(p.returncode == 0 and "provider listing_id price availability age_ms" in p.stdout,
              "quote --help: exit %d, %r" % (p.returncode, p.stdout[:200]))
        rc = sandbox.stop()
        check(rc == 0, "the sandbox exited %s on SIGTERM" % rc)
    finally:
        sandbox.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("cli_quote")


if __name__ == "__main__":
    raise SystemExit(main())
