#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from tests/data (and a few hand-made
edge cases): make_seeds.py OUT_DIR  ->  OUT_DIR/<target>/<n>."""
import gzip, json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def fixtures():
    for provider in sorted(os.listdir(DATA)):
        d = os.path.join(DATA, provider)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json") or name.count(".") > 1:
                continue
            with open(os.path.join(d, name), encoding="utf-8") as f:
                yield provider, name[:-5], json.load(f)


def body_text(resp):
    b = resp.get("body")
    return b if isinstance(b, str) else json.dumps(b, ensure_ascii=False, separators=(",", ":"))


def main():
    out = sys.argv[1]
    seeds = {"codec": [], "decimal_time": [], "push": [], "bulk": [], "item_key": []}
    for provider, op, fx in fixtures():
        resp = fx.get("response")
        if not resp:
            continue
        seeds["codec"].append(f"{provider}/{op} {resp.get('status', 200)}\n{body_text(resp)}".encode())
    # Error bodies echoing the key ("@K@" is replaced by it), at the redaction cuts.
    for head, body in [
        ("cs2dt/user_balance 200", '{"success":false,"errorCode":1,"errorMsg":"bad key @K@"}'),
        ("cs2dt/user_balance 200", '{"success":"false","errorCode":"0","data":{"data":"1.5"},"success":true}'),
        ("csboard/get_order 401", '{"code":"' + "x" * 190 + '@K@","detail":"' + "y" * 4090 + '@K@"}'),
        ("csboard/get_listings_availability 200", '{"data":{"available":{"@K@":"x"},"unavailable_ids":[]}}'),
        ("skinify/deposit_status 200", '{"status":"success","status":"error","error_message":"@K@"}'),
        ("skinify/get_deposits 200", '{"status":"success","deposits":[],"start_from":-0,"has_more":"false"}'),
    ]:
        seeds["codec"].append(f"{head}\n{body}".encode())
    for s in ["14.37", "-0.0", "-0", "0", "022", "1e3", "1.5E+2", "0.000000000000000001", "9223372036854775807",
              "-9223372036854775808", "99999999999999999999", "1e99999999999999999999", "2026-07-01T08:00:00.250Z",
              "2026-07-01T11:00:00.123456789012+03:00", "1677-09-21T00:12:43.145224192Z",
              "2262-04-11T23:47:16.854775807Z", "2262-04-12T23:46:16.854775807+23:59", "1719550000", "1719550000123",
              "99999999999", "100000000000"]:
        seeds["decimal_time"].append(s.encode())
    cb = ('{"orderId":753955645187293184,"status":11,"outTradeNo":"753955643962990592","statusName":"failed",'
          '"offerId":null,"tradeOfferId":null,"type":0,"typeName":"BUYER_ORDER_STATUS","failedCode":"X%26y",'
          '"sign":"0123456789ABCDEF0123456789ABCDEF"}')
    ipn = ('{"status":"success","transaction_id":678431,"deposit_id":"dep-1","steam_id":"76561198117742847",'
           '"date":1643713700,"amount":12.5,"amount_currency":"usd","amount_converted":{"usd":12.5,"eur":"11.40"},'
           '"multiplied_amount":25,"trade_offer_id":null,"settlement":null}')
    form = ("status=success&transaction_id=678431&deposit_id=dep%2B1+x&steam_id=76561198117742847&date=1643713700"
            "&amount=12.5&amount_currency=usd&amount_converted%5Busd%5D=12.5&amount_converted[eur]=11.40"
            "&multiplied_amount=25&multiplied_amount_converted%5Busd%5D=25&trade_offer_id=&settlement=&x%FF=1")
    seeds["push"] += [b"c" + cb.encode(), b"c{\"a=b\":1,\"order%49d\":2}", b"j" + ipn.encode(), b"f" + form.encode(),
                      b"famount=1e99999999999999999999&a[b][c]=1"]
    for provider, op, fx in fixtures():
        resp = fx.get("response") or {}
        if op == "get_price_snapshot":
            nd = body_text(resp).encode()
            seeds["bulk"] += [b"\x00\x07" + nd, b"\x02\x05" + nd, b"\x03\x0b" + gzip.compress(nd) + b"\x00" * 8]
    seeds["bulk"] += [b"\x01\x03" + json.dumps([{"id": 1252366888418574300, "price": 0.15, "steamId": "7656"}]).encode(),
                      b"\x01\x01[1, {\"a\": [\"]\\\"\"]}, \"x\"]", b"\x00\x02\xef\xbb\xbf{\"qty\":1}\r\n\n{"]
    # Item keys: every documented listing (its JSON and its name), names Steam writes, canonical keys.
    def listings(v):
        if isinstance(v, dict):
            if isinstance(v.get("market_hash_name") or v.get("marketHashName") or v.get("name"), str):
                yield v
            for x in v.values():
                yield from listings(x)
        elif isinstance(v, list):
            for x in v:
                yield from listings(x)
    for provider, op, fx in fixtures():
        for l in listings((fx.get("response") or {}).get("body")):
            seeds["item_key"].append(json.dumps(l, ensure_ascii=False, separators=(",", ":")).encode())
            name = l.get("market_hash_name") or l.get("marketHashName") or l.get("name")
            seeds["item_key"].append(name.encode())
    for s in ["\u2605 StatTrak\u2122 Karambit | Doppler (Factory New)", "\u2605 Karambit", "Sticker | Crown (Foil)",
              "Souvenir AWP | Dragon Lore (Factory New)", "\u2605 Sport Gloves | Vice (Minimal Wear)", "Chroma 2 Case",
              "\u2605 Karambit | Doppler (Factory New)#phase=Ruby;paint_index=415;float=0.0123;seed=12;"
              "sticker=0,,Natus Vincere | Paris 2023;sticker=1,0.5,Crown (Foil)",
              "a%23b%3Bc%25d | e#seed=7", "AK-47 | Redline (Field Tested)"]:
        seeds["item_key"].append(s.encode("utf-8"))
    # Facts: float 0.25, seed 661, paint index 619, phase byte 9 (none), name, U+001F, a sticker.
    seeds["item_key"].append(struct.pack("<dqqB", 0.25, 661, 619, 9) +
                             "\u2605 Karambit | Doppler (Factory New)\x1fSticker | Crown (Foil)".encode("utf-8"))
    for target, items in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(items):
            with open(os.path.join(d, f"seed-{i:03d}"), "wb") as f:
                f.write(s)
    print(f"make_seeds: {', '.join(f'{t} {len(v)}' for t, v in seeds.items())} seeds in {out}")


if __name__ == "__main__":
    main()
