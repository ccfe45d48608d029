#!/usr/bin/env python3
"""API drift made visible, end to end:

  * the sandbox executable, told by its scenario to answer CSBoard's listings with an
    unknown field and an unknown enum value (fault kind `drift`), and `cs2market call
    csboard list_listings --drift`: both reported on stderr with their JSON paths, the
    answer still decoded (exit 0); no drift reported where the sandbox adds none (it
    serves the schemas' own types);
  * `cs2market audit` on recorded responses (documented examples, changed as a provider
    changing its API would: an unknown field at the top and in a list, an enum value
    no schema lists, a usual field missing, a number sent as a string): a table naming
    each with its JSON path, exit 0; a body that does not decode: exit 1; a file not
    named PROVIDER.OPERATION.json: exit 2.

  python3 test_cli_drift.py --cli PATH/TO/cs2market --sandbox PATH/TO/cs2market-sandbox
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_support import Sandbox, check, failures  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = {"CSBOARD_API_KEY": "csb_pub_cli_drift", "CS2DT_APP_KEY": "clidriftkey1", "SKINIFY_TOKEN": "clidrifttoken1"}
SCENARIO = {"faults": [{"provider": "csboard", "path": "/v1/listings", "kind": "drift", "field": "delivery",
                        "value": "drone", "unknown_field": "carbon_footprint", "count": -1}]}


def fixture_body(provider, op):
    with open(os.path.join(ROOT, "tests", "data", provider, op + ".json")) as f:
        return json.load(f)["response"]["body"]


def drift_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("drift: ")]


def check_sandbox(cli, sandbox_exe, tmp):
    scenario = os.path.join(tmp, "scenario.json")
    with open(scenario, "w") as f:
        json.dump(SCENARIO, f)
    sb = Sandbox(sandbox_exe, tmp, scenario)
    env = dict(os.environ, **KEYS)
    remote = ["--base-url", sb.url, "--ca-file", sb.ca]
    try:
        def call(*a):
            return subprocess.run([cli, "call", *a, *remote], env=env, capture_output=True, text=True, timeout=60)

        p = call("csboard", "list_listings", "limit=5", "--drift")
        check(p.returncode == 0, "list_listings --drift: exit %d: %s" % (p.returncode, p.stderr))
        page = json.loads(p.stdout) if p.returncode == 0 else {"items": []}
        check(any(i.get("delivery") == "drone" for i in page["items"]), "the unknown enum value was not kept: %s" % p.stdout[:300])
        lines = drift_lines(p.stderr)
        check("drift: csboard list_listings unknown_field items[].carbon_footprint" in lines,
              "the unknown field was not reported: %r" % p.stderr)
        check('drift: csboard list_listings unknown_enum_value items[].delivery "drone"' in lines,
              "the unknown enum value was not reported: %r" % p.stderr)
        check(len(lines) == 2, "drift other than the sandbox's: %r" % lines)
        # Without --drift: the same answer, nothing said.
        q = call("csboard", "list_listings", "limit=5")
        check(q.returncode == 0 and not drift_lines(q.stderr), "list_listings without --drift: %r" % q.stderr)
        # Where the sandbox adds nothing, nothing is reported: it serves the schemas' own types.
        for args in (("csboard", "get_balance"), ("csboard", "list_prices"), ("skinify", "withdraw_prices", "game=csgo"),
                     ("cs2dt", "market_search", "appId=730", "limit=5")):
            r = call(*args, "--drift")
            check(r.returncode == 0 and not drift_lines(r.stderr), "%s --drift: exit %d, %r" % (" ".join(args), r.returncode, r.stderr))
    finally:
        rc = sb.stop()
        check(rc == 0, "the sandbox exited %s on SIGTERM" % rc)


def check_audit(cli, tmp):
    d = os.path.join(tmp, "recorded")
    os.makedirs(d)
    order = fixture_body("csboard", "get_order")
    order["loyalty_points"] = 12                     # an unknown field at the top
    order["items"][0]["sticker_wear"] = 0.25         # ... and in a list
    order["items"][0]["status"] = "teleported"       # an enum value no schema lists
    order["items"][0].pop("price_usd", None)         # a field usually there
    buy = fixture_body("csboard", "market_buy")
    buy["data"]["skins"][0]["price"] = "12.50"       # a number sent as a string
    paid = fixture_body("cs2dt", "buyer_order_detail")  # CS2DT: the payload under data
    paid["data"]["status"] = 777
    files = {"csboard.get_order.json": order, "csboard.market_buy.json": buy, "cs2dt.buyer_order_detail.json": paid}
    for name, body in files.items():
        with open(os.path.join(d, name), "w") as f:
            json.dump(body, f)
    p = subprocess.run([cli, "audit", *[os.path.join(d, n) for n in files]], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "audit: exit %d: %s" % (p.returncode, p.stderr))
    rows = [re.split(r"\s{2,}", l.strip()) for l in p.stdout.splitlines()]
    check(rows and rows[0] == ["provider", "operation", "kind", "path", "value", "count"], "audit: header %r" % rows[:1])
    got = {tuple(r[:4]) + ((r[4],) if len(r) == 6 else ("",)) for r in rows[1:]}
    want = {
        ("csboard", "get_order", "unknown_field", "loyalty_points", ""),
        ("csboard", "get_order", "unknown_field", "items[].sticker_wear", ""),
        ("csboard", "get_order", "unknown_enum_value", "items[].status", "teleported"),
        ("csboard", "get_order", "missing_field", "items[].price_usd", ""),
        ("csboard", "market_buy", "number_as_string", "data.skins[].price", "12.50"),
        ("cs2dt", "buyer_order_detail", "unknown_enum_value", "data.status", "777"),
    }
    check(want <= got, "audit: missing %r in\n%s" % (want - got, p.stdout))
    # The documented example itself lists a deliverType the schema's enum does not
    # (0): the only drift allowed beyond what this test added.
    check(got - want <= {("cs2dt", "buyer_order_detail", "unknown_enum_value", "data.deliverType", "0")},
          "audit: unexpected %r" % (got - want))
    # A documented example untouched: no drift.
    clean = os.path.join(d, "skinify.withdraw_info.json")
    with open(clean, "w") as f:
        json.dump(fixture_body("skinify", "withdraw_info"), f)
    p = subprocess.run([cli, "audit", clean], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and p.stdout.strip() == "no drift (1 of 1 files decoded)", "audit of an example: %r" % p.stdout)
    broken = os.path.join(d, "csboard.get_balance.json")
    with open(broken, "w") as f:
        f.write('{"balance_usd": true}')
    p = subprocess.run([cli, "audit", clean, broken], capture_output=True, text=True, timeout=60)
    check(p.returncode == 1 and "csboard.get_balance.json" in p.stderr, "audit of a bad body: exit %d %r" % (p.returncode, p.stderr))
    p = subprocess.run([cli, "audit", os.path.join(d, "order.json")], capture_output=True, text=True, timeout=60)
    check(p.returncode == 2, "audit of a badly named file: exit %d" % p.returncode)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--sandbox", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cs2market-cli-drift-")
    try:
        check_sandbox(args.cli, args.sandbox, tmp)
        check_audit(args.cli, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("cli drift: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
