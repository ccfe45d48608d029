#!/usr/bin/env python3
"""An I/O-style example (examples/<style>.cpp) as a black box against the sandbox executable.

Starts `cs2market-sandbox`, runs the example with its URL and CA file, and checks
that it exits 0 printing
    found <listing id> at <price> USD: <name>
    bought <ref>: purchase <purchase id>, 1 item(s), <price> USD
and that the sandbox's own records (GET /_sandbox/purchases?ref=<ref>) hold one
CSBoard purchase of that listing, charged that price to the cent.

  python3 check_example.py --example PATH --sandbox PATH --ref example-blocking
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from cli_support import Sandbox, check, finish  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--example", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--ref", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sb = Sandbox(a.sandbox, tmp)
        try:
            run = subprocess.run([a.example, "--base-url", sb.url, "--ca-file", sb.ca],
                                 capture_output=True, text=True, timeout=60)
            print(run.stdout, end="")
            print(run.stderr, end="", file=sys.stderr)
            check(run.returncode == 0, "exit status %d" % run.returncode)
            found = re.search(r"^found (\S+) at (\d+(?:\.\d+)?) USD: (.+)$", run.stdout, re.M)
            bought = re.search(r"^bought (\S+): purchase (\S+), (\d+) item\(s\), (\d+(?:\.\d+)?) USD$", run.stdout, re.M)
            if check(found is not None, "no 'found' line") and check(bought is not None, "no 'bought' line"):
                listing, price = found.group(1), Decimal(found.group(2))
                check(bought.group(1) == a.ref, "bought under %r, not %r" % (bought.group(1), a.ref))
                check(bought.group(3) == "1", "items: " + bought.group(3))
                check(Decimal(bought.group(4)) == price, "paid %s for a listing at %s" % (bought.group(4), price))
                records = sb.admin("purchases?provider=csboard&ref=" + a.ref)["purchases"]
                if check(len(records) == 1, "the sandbox recorded %d purchases under %s" % (len(records), a.ref)):
                    r = records[0]
                    check(Decimal(r["charged"]) == price, "the sandbox charged %s, not %s" % (r["charged"], price))
                    check([i["listing_id"] for i in r["items"]] == [listing],
                          "the sandbox sold %s, not %s" % ([i["listing_id"] for i in r["items"]], listing))
                    check(r["items"][0]["market_hash_name"] == found.group(3), "item name " + r["items"][0]["market_hash_name"])
        finally:
            check(sb.stop() == 0, "the sandbox did not stop cleanly")
    return finish(os.path.basename(a.example))


if __name__ == "__main__":
    sys.exit(main())
