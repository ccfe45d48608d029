#!/usr/bin/env python3
"""The CLI's journal commands as a black box against the cs2market-sandbox executable.

Starts `cs2market-sandbox --port 0 --ca-out ca.pem --step-ms 100` (with a
scenario choosing some purchases' outcomes), then, for every provider, finds
listings with `cs2market call`, buys through `cs2market call ... --journal j.db`,
and checks:
  * `cs2market orders list --journal j.db`: one line `provider id order_id phase price`
    per buy (single spaces, `-` for an order id the provider never gave);
  * `orders list --json`: the same orders as a JSON array of objects;
  * `orders resume --journal j.db --timeout 30 --poll-ms 50 ...`: one line
    `provider id from > to` per transition, chained from `submitted` (the buy's
    own transition, journaled by `call`, is handed over first: at least once),
    through the phase `orders list` showed, ending in the expected final phases,
    exit status 0 with everything final;
  * `orders exposure --journal j.db`: one line per provider, all three, with the
    money of those final phases.

  python3 test_cli_orders.py --cli PATH/TO/cs2market --sandbox PATH/TO/cs2market-sandbox
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

from cli_support import Sandbox, check, finish, loads

KEYS = {"CS2DT_APP_KEY": "clics2dtkey1", "CSBOARD_API_KEY": "csb_pub_cli_orders", "SKINIFY_TOKEN": "cliskinifytoken1"}
PARTNER, TOKEN = "447383001", "Ab3xZ9Qp"
TRADE_URL = "https://steamcommunity.com/tradeoffer/new/?partner=%s&token=%s" % (PARTNER, TOKEN)
PHASES = "submitted|unknown|pending|reserved|delivering|delivered|settled|reversed|failed|cancelled"
FINAL = {"settled", "reversed", "failed", "cancelled"}
PROVIDERS = ("cs2dt", "csboard", "skinify")

# A stage every 100 ms: the last buys are still moving when `orders resume` starts,
# and everything is final within a second or two.
STEP_MS = "100"
# Outcomes by idempotency id (CS2DT outTradeNo, CSBoard / Skinify custom_id); others succeed.
SCENARIO = {
    "outcomes": [
        {"provider": "cs2dt", "ref": "cli-cs2dt-rev", "outcome": "reversed_by_buyer"},
        {"provider": "csboard", "ref": "cli-csb-decline", "outcome": "decline"},
        {"provider": "skinify", "ref": "cli-sk-timeout", "outcome": "timeout"},
    ],
}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--sandbox", required=True)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="cs2market-cli-orders-")
    scenario = os.path.join(tmp, "scenario.json")
    with open(scenario, "w") as f:
        json.dump(SCENARIO, f)
    sandbox = Sandbox(args.sandbox, tmp, scenario, STEP_MS)
    journal = os.path.join(tmp, "j.db")
    env = dict(os.environ, **KEYS)
    remote = ["--base-url", sandbox.url, "--ca-file", sandbox.ca]
    try:
        def run(*a, timeout=60):
            p = subprocess.run([args.cli, *a], env=env, capture_output=True, text=True, timeout=timeout)
            if a[0] == "orders":  # short: shown, for the test's log
                print("$ cs2market " + " ".join(a[:2]) + (" --json" if "--json" in a else ""))
                print(p.stdout, end="")
            return p

        def call(provider, op, *params, journaled=False, ok=True):
            extra = ["--journal", journal] if journaled else []
            p = run("call", provider, op, *params, *remote, *extra)
            if ok and not check(p.returncode == 0, "%s %s: exit %d: %s" % (provider, op, p.returncode, p.stderr.strip())):
                raise SystemExit(1)
            return p

        expected = {}  # (provider, id) -> {"order_id", "price", "final"}

        # ---- CS2DT: two items found with market_search, bought with quick_buy_item.
        found = loads(call("cs2dt", "market_search", "appId=730", "maxPrice=20").stdout)
        items = [i for i in found.get("list") or [] if i.get("itemId") and i.get("priceInfo", {}).get("price")]
        check(len(items) >= 3, "cs2dt market_search found fewer than three items")
        for ref, item, final in (("cli-cs2dt-ok", items[0], "settled"), ("cli-cs2dt-rev", items[1], "reversed")):
            price = Decimal(str(item["priceInfo"]["price"]))
            r = loads(call("cs2dt", "quick_buy_item", "itemId=%d" % item["itemId"], "outTradeNo=" + ref,
                                "tradeUrl=" + TRADE_URL, "maxPrice=%s" % price, journaled=True).stdout)
            expected[("cs2dt", ref)] = {"order_id": r["orderId"], "price": price, "final": final}
        # A buy the provider refuses (price ceiling below every listing): journaled, failed, no order id.
        low = call("cs2dt", "quick_buy_item", "itemId=%d" % items[2]["itemId"], "outTradeNo=cli-cs2dt-low",
                   "tradeUrl=" + TRADE_URL, "maxPrice=0.01", journaled=True, ok=False)
        check(low.returncode == 1 and "1454" in low.stderr, "cs2dt refused buy: exit %d, %s" % (low.returncode, low.stderr.strip()))
        expected[("cs2dt", "cli-cs2dt-low")] = {"order_id": None, "price": Decimal("0.01"), "final": "failed"}

        # ---- CSBoard: two tradable listings from list_listings, bought with market_buy.
        page = loads(call("csboard", "list_listings", "max_price=20", "sort=price_desc", "limit=50").stdout)
        listings = [l for l in page["items"] if l.get("tradable", True) and l.get("delivery", "instant") != "hold"]
        check(len(listings) >= 2, "csboard list_listings found fewer than two tradable listings")
        for ref, l, final in (("cli-csb-ok", listings[0], "settled"), ("cli-csb-decline", listings[1], "failed")):
            price = Decimal(str(l["price_usd"]))
            body = {"item_ids": [l["id"]], "partner": PARTNER, "token": TOKEN, "max_price_usd": float(price), "custom_id": ref}
            r = loads(call("csboard", "market_buy", "body=" + json.dumps(body), journaled=True).stdout)
            expected[("csboard", ref)] = {"order_id": r["data"]["purchase_id"], "price": price, "final": final}

        # ---- Skinify: two skins from withdraw_prices (full list, no trade hold), bought with withdraw_buy.
        prices = loads(call("skinify", "withdraw_prices", "game=csgo", "full_list=1").stdout)
        skins = [s for s in prices["skins"] if s.get("id") and not s.get("properties", {}).get("unhold_at")
                 and Decimal("1") <= Decimal(str(s["price"])) <= Decimal("15")]
        check(len(skins) >= 2, "skinify withdraw_prices found fewer than two skins")
        for ref, s, final in (("cli-sk-ok", skins[0], "settled"), ("cli-sk-timeout", skins[1], "failed")):
            price = Decimal(str(s["price"]))
            r = loads(call("skinify", "withdraw_buy", "partner=" + PARTNER, "token=" + TOKEN, "id=" + s["id"],
                                "max_price=%s" % price, "custom_id=" + ref, journaled=True).stdout)
            expected[("skinify", ref)] = {"order_id": r["purchase_id"], "price": price, "final": final}

        # ---- orders list: `provider id order_id phase price`.
        p = run("orders", "list", "--journal", journal)
        check(p.returncode == 0, "orders list: exit %d: %s" % (p.returncode, p.stderr.strip()))
        line_re = re.compile(r"^(%s) (\S+) (\S+) (%s) (\S+)$" % ("|".join(PROVIDERS), PHASES))
        before = {}
        lines = p.stdout.splitlines()
        check(len(lines) == len(expected), "orders list: %d lines for %d buys:\n%s" % (len(lines), len(expected), p.stdout))
        for line in lines:
            m = line_re.match(line)
            if not check(m is not None, "orders list: malformed line %r" % line):
                continue
            prov, oid, order_id, phase, price = m.groups()
            e = expected.get((prov, oid))
            if not check(e is not None, "orders list: unexpected order %r" % line):
                continue
            check(order_id == (e["order_id"] if e["order_id"] is not None else "-"), "orders list: order id in %r" % line)
            check(price != "-" and Decimal(price) == e["price"], "orders list: price in %r (want %s)" % (line, e["price"]))
            if e["order_id"] is None:
                check(phase == "failed", "orders list: a refused buy is failed: %r" % line)
            else:
                check(phase not in ("submitted", "unknown"), "orders list: an answered buy left %s: %r" % (phase, line))
            before[(prov, oid)] = phase

        # ---- orders list --json.
        p = run("orders", "list", "--journal", journal, "--json")
        check(p.returncode == 0, "orders list --json: exit %d" % p.returncode)
        rows = loads(p.stdout)
        check(isinstance(rows, list) and len(rows) == len(expected), "orders list --json: %d rows" % len(rows))
        for row in rows:
            for k in ("provider", "id", "order_id", "phase", "price", "provider_status"):
                check(k in row, "orders list --json: no %r in %r" % (k, row))
            e = expected.get((row["provider"], row["id"]))
            if not check(e is not None, "orders list --json: unexpected row %r" % row):
                continue
            check(row["order_id"] == e["order_id"], "orders list --json: order_id in %r" % row)
            check(isinstance(row["price"], (int, Decimal)) and Decimal(str(row["price"])) == e["price"],
                  "orders list --json: price in %r" % row)
            check(row["phase"] == before.get((row["provider"], row["id"])), "orders list --json: phase in %r" % row)
            check(isinstance(row["provider_status"], str), "orders list --json: provider_status in %r" % row)
        check(rows[0]["provider"] == "cs2dt" and rows[0]["id"] == "cli-cs2dt-ok", "orders list --json: oldest first")

        # ---- orders resume: every unfinished order followed to its end.
        # The sandbox's trade protection runs on its accelerated clock: its own times decide.
        settle = ("--trade-protection-ms", "0", "--settle-margin-ms", "20")
        p = run("orders", "resume", "--journal", journal, "--timeout", "30", "--poll-ms", "50", *settle, *remote, timeout=90)
        check(p.returncode == 0, "orders resume: exit %d: %s" % (p.returncode, p.stderr.strip()))
        check("still " not in p.stdout, "orders resume left orders unfinished:\n" + p.stdout)
        step_re = re.compile(r"^(%s) (\S+) (%s) > (%s)$" % ("|".join(PROVIDERS), PHASES, PHASES))
        now = {key: "submitted" for key in before}
        visited = {key: {"submitted"} for key in before}
        for line in p.stdout.splitlines():
            m = step_re.match(line)
            if not check(m is not None, "orders resume: malformed line %r" % line):
                continue
            prov, oid, frm, to = m.groups()
            check((prov, oid) in now, "orders resume: unknown order in %r" % line)
            check(now.get((prov, oid)) == frm, "orders resume: %r does not follow %s" % (line, now.get((prov, oid))))
            check(frm not in FINAL, "orders resume: a transition out of a final phase: %r" % line)
            now[(prov, oid)] = to
            visited.setdefault((prov, oid), set()).add(to)
        for key, e in expected.items():
            check(before.get(key) in visited.get(key, ()), "orders resume: %s %s never passed %s" % (key[0], key[1], before.get(key)))
            check(now.get(key) == e["final"], "orders resume: %s %s ended %s, expected %s" % (key[0], key[1], now.get(key), e["final"]))
            if before.get(key) not in FINAL:
                check(now.get(key) != before.get(key), "orders resume: no transition printed for %s %s" % key)

        # Nothing left: a second resume has nothing to do.
        p = run("orders", "resume", "--journal", journal, "--timeout", "30", "--poll-ms", "50", *settle, *remote)
        check(p.returncode == 0 and p.stdout.strip() == "", "second orders resume: exit %d, %r" % (p.returncode, p.stdout))

        # ---- orders list again: the final phases.
        p = run("orders", "list", "--journal", journal)
        for line in p.stdout.splitlines():
            m = line_re.match(line)
            if check(m is not None, "orders list (after): malformed line %r" % line):
                prov, oid, _, phase, _ = m.groups()
                check(phase == expected[(prov, oid)]["final"], "orders list (after): %r" % line)

        # ---- orders exposure: one line per provider, every provider, the money of those ends.
        p = run("orders", "exposure", "--journal", journal)
        check(p.returncode == 0, "orders exposure: exit %d" % p.returncode)
        exp_re = re.compile(r"^(\S+) spent (\S+) in_flight (\S+) reversible (\S+) settled (\S+) reversed (\S+) "
                            r"refunded (\S+) orders (\d+) unfinished (\d+)$")
        got = {}
        for line in p.stdout.splitlines():
            m = exp_re.match(line)
            if check(m is not None, "orders exposure: malformed line %r" % line):
                got[m.group(1)] = m.groups()[1:]
        check(sorted(got) == sorted(PROVIDERS) and len(p.stdout.splitlines()) == 3,
              "orders exposure: want one line per provider:\n" + p.stdout)

        def price(prov, ref):
            return expected[(prov, ref)]["price"]

        zero = Decimal(0)
        want = {  # spent, in_flight, reversible, settled, reversed, refunded, orders, unfinished
            # status 220 does not say the buyer was refunded: a reversal still counts as spent
            "cs2dt": (price("cs2dt", "cli-cs2dt-ok") + price("cs2dt", "cli-cs2dt-rev"), zero, zero,
                      price("cs2dt", "cli-cs2dt-ok"), price("cs2dt", "cli-cs2dt-rev"), zero, 3, 0),
            "csboard": (price("csboard", "cli-csb-ok"), zero, zero, price("csboard", "cli-csb-ok"), zero,
                        price("csboard", "cli-csb-decline"), 2, 0),
            # "timeout" does not say Skinify gave the money back: spent (and at risk), not refunded
            "skinify": (price("skinify", "cli-sk-ok") + price("skinify", "cli-sk-timeout"), zero, zero,
                        price("skinify", "cli-sk-ok"), zero, zero, 2, 0),
        }
        for prov, w in want.items():
            g = got.get(prov)
            if g is None:
                continue
            have = tuple(Decimal(x) for x in g[:6]) + (int(g[6]), int(g[7]))
            check(have == w, "orders exposure %s: %s, expected %s" % (prov, have, w))

        # ---- orders exposure --json: the same, and at_risk (money whose fate is unknown).
        p = run("orders", "exposure", "--journal", journal, "--json")
        check(p.returncode == 0, "orders exposure --json: exit %d" % p.returncode)
        rows = {r["provider"]: r for r in json.loads(p.stdout)}
        check(sorted(rows) == sorted(PROVIDERS), "orders exposure --json: providers %r" % sorted(rows))
        at_risk = {"cs2dt": price("cs2dt", "cli-cs2dt-rev"), "csboard": zero, "skinify": price("skinify", "cli-sk-timeout")}
        for prov, r in rows.items():
            check(isinstance(r["spent"], str) and Decimal(r["spent"]) == want[prov][0], "orders exposure --json: spent %r" % r)
            check(Decimal(r["at_risk"]) == at_risk[prov], "orders exposure --json %s: at_risk %s, expected %s" %
                  (prov, r["at_risk"], at_risk[prov]))
    finally:
        rc = sandbox.stop()
        check(rc == 0, "the sandbox exited %s on SIGTERM" % rc)
        shutil.rmtree(tmp, ignore_errors=True)

    return finish("cli orders")


if __name__ == "__main__":
    sys.exit(main())
