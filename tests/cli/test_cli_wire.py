#!/usr/bin/env python3
"""The cs2market CLI as a black box against an independent HTTPS server (fake_provider.py).

Checks, for each provider, that `cs2market call` sends exactly the documented
request (method, path, query, auth placement, JSON body), prints the decoded
response, reports errors on one line naming provider, HTTP status and provider
code, refuses an untrusted certificate, and never prints a secret.

  python3 test_cli_wire.py --cli PATH/TO/cs2market
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SECRETS = {"CS2DT_APP_KEY": "cs2dt-secret-4242", "CSBOARD_API_KEY": "csb_pub_secret_4242", "SKINIFY_TOKEN": "skinify-secret-4242"}

CS2DT_DETAIL = {"success": True, "data": {"orderId": "753955645187293184", "price": 123.12, "status": 221,
                                          "failedCode": "ORDER_FAILED_OF_SELLER_CANCEL_BY_ROLLBACK",
                                          "assetInfo": {"assetId": 31247084400, "wear": 0.25}},
                "errorCode": 0, "errorMsg": None, "errorData": None}
CSBOARD_ORDER = {"order_id": "ord_01J9Z3K8Q2", "steam_id": "76561198000000000", "status": "completed",
                 "custom_id": "batch-2026-06-29-01", "currency": "USD", "charged_total_usd": 26.47, "item_count": 2,
                 "hold_until": None, "created_at": "2026-06-29T17:12:04Z", "updated_at": "2026-06-29T17:15:40Z",
                 "items": [{"market_hash_name": "AK-47 | Redline (Minimal Wear)", "price_usd": 14.37, "status": "delivered",
                            "tradable_at": "2026-07-06T12:00:00Z", "return_reason": None,
                            "steam_trade_offer_id": "5512345678", "steam_trade_offer_finished_at": "2026-06-29T17:15:40Z"}]}
CSBOARD_BUY = {"data": {"purchase_id": "pur_01J9Z3K8Q2", "steam_id": "76561198000000000", "created_at": "2026-06-29T17:12:04Z",
                        "custom_id": "batch-2026-06-29-01",
                        "skins": [{"name": "AK-47 | Redline (Minimal Wear)", "price": 14.37, "status": "delivering",
                                   "return_reason": None, "steam_trade_offer_id": "5512345678"}]}}
SKINIFY_INFO = {"status": "success", "items": [{"skin": {"id": "11552", "name": "Crimson Pique", "price": "0.3",
                                                         "properties": {"classid": "1723113626"}},
                                                "purchase_id": "1", "purchase_status": "waiting_accept",
                                                "steam_id": "76561199191754048", "date": "1643713700",
                                                "balance_debited_amount": "0.3", "custom_id": "1234"}]}

DATA = os.path.join(os.path.dirname(HERE), "data")
CREDENTIAL_QUERY = {"cs2dt": "app-key", "csboard": None, "skinify": "token"}


def fixtures():
    """Every operation's fixture: (provider, operation, fixture). <operation>.<variant>.json
    files (e.g. the seeds' documented examples) are variants, not the operation's fixture."""
    for provider in sorted(CREDENTIAL_QUERY):
        folder = os.path.join(DATA, provider)
        for fn in sorted(os.listdir(folder)):
            if fn.endswith(".json") and fn.count(".") == 1:
                with open(os.path.join(folder, fn)) as f:
                    yield provider, fn[:-5], json.load(f)


def cli_args(params):
    """A params object as `name=value` arguments: scalars as text, lists comma-separated, the body as JSON."""
    out = []
    for k, v in params.items():
        if k == "body":
            out.append("body=" + json.dumps(v))
        elif isinstance(v, list):
            out.append(f"{k}=" + ",".join(str(x) for x in v))
        elif isinstance(v, bool):
            out.append(f"{k}={'true' if v else 'false'}")
        else:
            out.append(f"{k}={v}")
    return out


ROUTES = [
    {"method": "GET", "path": "/v1/order/v2/buy/detail", "body": CS2DT_DETAIL},
    {"method": "GET", "path": "/v1/orders/ord_01J9Z3K8Q2", "body": CSBOARD_ORDER},
    {"method": "GET", "path": "/v1/orders/missing", "status": 404,
     "body": {"code": "order_not_found", "detail": "No order csb_pub_secret_4242"}},
    {"method": "POST", "path": "/v1/market/buy", "body": CSBOARD_BUY},
    {"method": "GET", "path": "/api/withdraw/info", "body": SKINIFY_INFO},
]

failures = []


def check(cond, what):
    if cond:
        print(f"  ok   {what}")
    else:
        print(f"  FAIL {what}")
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cs2market-cli-")
    subprocess.run(["bash", os.path.join(HERE, "make_certs.sh"), tmp], check=True, stdout=subprocess.DEVNULL)
    routes, log, portfile = (os.path.join(tmp, n) for n in ("routes.json", "log.jsonl", "port"))
    with open(routes, "w") as f:
        json.dump(ROUTES, f)
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_provider.py"), "--routes", routes, "--log", log,
                               "--port-file", portfile, "--cert", os.path.join(tmp, "server.pem"),
                               "--key", os.path.join(tmp, "server.key")])
    try:
        for _ in range(200):
            if os.path.exists(portfile):
                break
            time.sleep(0.05)
        port = open(portfile).read().strip()
        base = f"https://127.0.0.1:{port}"
        ca = os.path.join(tmp, "ca.pem")
        env = dict(os.environ, **SECRETS)

        def cli(*a, ca_file=ca):
            extra = ["--base-url", base] + (["--ca-file", ca_file] if ca_file else [])
            p = subprocess.run([args.cli, *a, *extra], env=env, capture_output=True, text=True, timeout=60)
            for s in SECRETS.values():
                check(s not in p.stdout and s not in p.stderr, f"`{' '.join(a[:3])}` prints no secret")
            return p

        def last_request():
            with open(log) as f:
                return json.loads(f.readlines()[-1])

        print("cs2market list")
        p = subprocess.run([args.cli, "list"], capture_output=True, text=True)
        lines = p.stdout.splitlines()
        check(p.returncode == 0, "list exits 0")
        check("csboard get_order GET /v1/orders/{id}" in lines, "list shows csboard get_order")
        check("cs2dt buyer_order_detail GET /v1/order/v2/buy/detail" in lines, "list shows cs2dt buyer_order_detail")
        check("csboard market_buy POST /v1/market/buy" in lines, "list shows csboard market_buy")
        check("skinify withdraw_info GET /api/withdraw/info" in lines, "list shows skinify withdraw_info")
        check(all(len(l.split(" ")) == 4 for l in lines), "list lines are four space-separated fields")

        print("cs2dt buyer_order_detail")
        p = cli("call", "cs2dt", "buyer_order_detail", "orderId=753955645187293184", "outTradeNo=A 1&2")
        check(p.returncode == 0, "exits 0")
        out = json.loads(p.stdout)
        check(out["orderId"] == "753955645187293184" and out["status"] == 221, "prints the decoded payload")
        check('"price":123.12' in p.stdout, "money printed as a plain exact number")
        r = last_request()
        check(r["method"] == "GET" and r["path"] == "/v1/order/v2/buy/detail", "GET /v1/order/v2/buy/detail")
        check(r["query"] == {"orderId": ["753955645187293184"], "outTradeNo": ["A 1&2"], "app-key": [SECRETS["CS2DT_APP_KEY"]]},
              "query: orderId, outTradeNo (encoded), app-key")
        check("authorization" not in r["headers"], "no Authorization header")

        print("csboard get_order")
        p = cli("call", "csboard", "get_order", "id=ord_01J9Z3K8Q2")
        check(p.returncode == 0 and json.loads(p.stdout)["charged_total_usd"] == 26.47, "exits 0, decoded order")
        r = last_request()
        check(r["method"] == "GET" and r["target"] == "/v1/orders/ord_01J9Z3K8Q2", "GET /v1/orders/{id}, no query")
        check(r["headers"].get("authorization") == "Bearer " + SECRETS["CSBOARD_API_KEY"], "Authorization: Bearer <key>")

        p = cli("call", "csboard", "get_order", "id=missing")
        err = p.stderr.strip().splitlines()
        check(p.returncode != 0 and p.stdout == "", "error exits non-zero, nothing on stdout")
        check(len(err) == 1 and "csboard" in err[0] and "404" in err[0] and "order_not_found" in err[0],
              "error is one line with provider, HTTP status and code")

        print("csboard market_buy")
        p = cli("call", "csboard", "market_buy", "item_ids=itm_8841201,itm_8841340", "partner=447383001", "token=Ab3xZ9Qp",
                "max_price_usd=30.00", "custom_id=batch-2026-06-29-01", "skip_unavailable=false")
        check(p.returncode == 0 and json.loads(p.stdout)["data"]["purchase_id"] == "pur_01J9Z3K8Q2", "exits 0, decoded purchase")
        r = last_request()
        check(r["method"] == "POST" and r["target"] == "/v1/market/buy", "POST /v1/market/buy")
        check(r["headers"].get("content-type") == "application/json", "Content-Type: application/json")
        check(json.loads(r["body"]) == {"item_ids": ["itm_8841201", "itm_8841340"], "partner": "447383001", "token": "Ab3xZ9Qp",
                                        "max_price_usd": 30, "custom_id": "batch-2026-06-29-01", "skip_unavailable": False},
              "body is the documented JSON")
        check('"max_price_usd":30' in r["body"] and "E" not in r["body"].split('"max_price_usd":')[1][:6], "ceiling as a plain number")

        p = cli("call", "csboard", "market_buy", "item_ids=itm_1", "partner=1")
        check(p.returncode == 2 and "token" in p.stderr, "missing required body field is refused before sending")

        print("skinify withdraw_info")
        p = cli("call", "skinify", "withdraw_info", "custom_ids=1234,5678")
        check(p.returncode == 0 and json.loads(p.stdout)["items"][0]["purchase_status"] == "waiting_accept", "exits 0, decoded items")
        r = last_request()
        check(r["method"] == "GET" and r["path"] == "/api/withdraw/info", "GET /api/withdraw/info")
        check(r["query"] == {"custom_ids": ["1234,5678"], "token": [SECRETS["SKINIFY_TOKEN"]]}, "comma list and token query")
        check(r["headers"].get("token") == SECRETS["SKINIFY_TOKEN"], "Token header")

        print("every operation's fixture through the CLI")
        routes_all = []
        for provider, op, fx in fixtures():
            r = fx["response"]
            routes_all.append({"method": fx["request"]["method"], "path": fx["request"]["path"],
                               "status": r["status"], "headers": r.get("headers", {}), "body": r["body"]})
        with open(routes, "w") as f:
            json.dump(routes_all, f)
        time.sleep(0.05)  # the server re-reads its routes when the file changes
        count = 0
        for provider, op, fx in fixtures():
            p = cli(*(["call", provider, op] + cli_args(fx["params"])))
            r = last_request()
            want = fx["request"]
            query = {k: v[0] for k, v in r["query"].items()}
            cred = CREDENTIAL_QUERY[provider]
            if cred and r["method"] == "GET" or provider == "cs2dt":
                query.pop(cred, None)
            ok = (p.returncode == 0 and r["method"] == want["method"] and r["path"] == want["path"]
                  and query == want.get("query", {})
                  and (want["body"] is None and r["body"] == "" or want["body"] is not None and json.loads(r["body"]) == want["body"]))
            check(ok, f"{provider} {op}: exit 0, documented method, path, query and body"
                      + ("" if ok else f" (rc={p.returncode} {p.stderr.strip()[:200]} got {r['method']} {r['target']})"))
            count += 1
        check(count == len(lines), f"{count} fixtures driven through the CLI, one per listed operation ({len(lines)})")

        print("integer enums by name")
        for value, sent in (("price_asc", "1"), ("1", "1"), ("price_desc", "2"), ("7", "7")):
            p = cli("call", "cs2dt", "market_search", "appId=730", f"orderBy={value}")
            r = last_request()
            check(p.returncode == 0 and r["path"] == "/v1/product/v2/search" and r["query"].get("orderBy") == [sent],
                  f"orderBy={value} is sent as orderBy={sent}" + ("" if p.returncode == 0 else f" ({p.stderr.strip()[:200]})"))
        p = cli("call", "cs2dt", "market_search", "appId=730", "orderBy=cheapest")
        check(p.returncode == 2 and "cheapest" in p.stderr, "an unknown enumerator name is refused before sending")

        print("TLS")
        before = sum(1 for _ in open(log))
        p = subprocess.run([args.cli, "call", "csboard", "get_order", "id=ord_01J9Z3K8Q2", "--base-url", base], env=env,
                           capture_output=True, text=True, timeout=60)
        check(p.returncode != 0 and "certificate verify failed" in p.stderr, "system trust store refuses the test CA")
        p = cli("call", "csboard", "get_order", "id=ord_01J9Z3K8Q2", ca_file=os.path.join(tmp, "other_ca.pem"))
        check(p.returncode != 0 and "certificate" in p.stderr, "an unrelated CA is refused")
        check(sum(1 for _ in open(log)) == before, "nothing was sent over an untrusted connection")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"{len(failures)} failed" if failures else "all CLI wire checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
