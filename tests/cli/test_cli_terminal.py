#!/usr/bin/env python3
"""What a person at a terminal sees, as a black box against the sandbox executable:

  * `orders resume` on a pseudo-terminal shows a live status line (orders per phase,
    next poll, money in flight and reversible) redrawn under the transition lines,
    and clears it at the end; with stdout a pipe, the output is the transition lines
    alone (`provider id from > to`), no status, no escape sequence;
  * `orders report --html FILE`: one self-contained HTML file (no script, no external
    reference) opened by a real headless Chromium; the DOM it dumps has as many order
    rows as `orders list --json` has orders, the same count per provider and phase,
    failures and reversals highlighted, transitions listed, a money chart per provider;
    a screenshot is saved in the build folder.

  python3 test_cli_terminal.py --cli PATH/TO/cs2market --sandbox PATH/TO/cs2market-sandbox --out-dir BUILD_DIR
"""
import argparse
import fcntl
import gzip
import html.parser
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_support import Sandbox, check, failures  # noqa: E402
from test_cli_orders import PHASES  # noqa: E402

KEYS = {"CS2DT_APP_KEY": "clitermkey1", "CSBOARD_API_KEY": "csb_pub_cli_term", "SKINIFY_TOKEN": "clitermtoken1"}
PARTNER, TOKEN = "447383001", "Ab3xZ9Qp"
STEP_RE = re.compile(r"^(cs2dt|csboard|skinify) (\S+) (%s) > (%s)$" % (PHASES, PHASES))
ESC_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def scenario(tag):
    return [{"provider": "csboard", "ref": tag + "-csb-rev", "outcome": "reversed_by_buyer"},
            {"provider": "skinify", "ref": tag + "-sk-timeout", "outcome": "timeout"}]


class Market:
    def __init__(self, cli, sandbox, env):
        self.cli, self.sb, self.env = cli, sandbox, env
        self.remote = ["--base-url", sandbox.url, "--ca-file", sandbox.ca]
        # `orders resume`: the sandbox's accelerated trade protection decides, not Steam's 7 days.
        self.settle = ["--trade-protection-ms", "0", "--settle-margin-ms", "20"]

    def call(self, *a, journal=None):
        extra = ["--journal", journal] if journal else []
        p = subprocess.run([self.cli, "call", *a, *self.remote, *extra], env=self.env, capture_output=True, text=True, timeout=60)
        if not check(p.returncode == 0, "call %s: exit %d: %s" % (" ".join(a[:2]), p.returncode, p.stderr.strip())):
            raise SystemExit(1)
        return json.loads(p.stdout)

    def buy_four(self, journal, tag):
        """Two CSBoard buys (one reversed after delivery) and two Skinify buys (one timed out)."""
        page = self.call("csboard", "list_listings", "max_price=20", "sort=price_desc", "limit=50")
        listings = [l for l in page["items"] if l.get("tradable", True) and l.get("delivery", "instant") != "hold"]
        for ref, l in ((tag + "-csb-ok", listings[0]), (tag + "-csb-rev", listings[1])):
            body = {"item_ids": [l["id"]], "partner": PARTNER, "token": TOKEN, "max_price_usd": float(l["price_usd"]), "custom_id": ref}
            self.call("csboard", "market_buy", "body=" + json.dumps(body), journal=journal)
        prices = self.call("skinify", "withdraw_prices", "game=csgo", "full_list=1")
        skins = [s for s in prices["skins"] if s.get("id") and not s.get("properties", {}).get("unhold_at")
                 and 1 <= float(s["price"]) <= 15]
        for ref, s in ((tag + "-sk-ok", skins[0]), (tag + "-sk-timeout", skins[1])):
            self.call("skinify", "withdraw_buy", "partner=" + PARTNER, "token=" + TOKEN, "id=" + s["id"],
                      "max_price=%s" % s["price"], "custom_id=" + ref, journal=journal)


def resume_on_pty(cli, args, env, timeout=90):
    """Runs `cs2market orders resume ...` with stdout on a pseudo-terminal; (exit code, bytes written)."""
    return on_pty([cli, "orders", "resume", *args], env, timeout=timeout)


def on_pty(argv, env, timeout=90, stderr_only=None):
    """Runs argv with stdout on a pseudo-terminal, or with stdout to the file `stderr_only`
    and stderr on it; (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))  # wide: the whole line fits
    if stderr_only:
        with open(stderr_only, "wb") as out_file:
            p = subprocess.Popen(argv, env=env, stdout=out_file, stderr=slave, stdin=subprocess.DEVNULL)
    else:
        p = subprocess.Popen(argv, env=env, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its side
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    try:
        rc = p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    os.close(master)
    return rc, out.decode("utf-8", "replace")


def check_tty(cli, market, tmp, env):
    journal = os.path.join(tmp, "tty.db")
    market.buy_four(journal, "tty")
    rc, out = resume_on_pty(cli, ["--journal", journal, "--timeout", "60", "--poll-ms", "100", *market.settle, *market.remote], env)
    check(rc == 0, "resume on a pty: exit %d" % rc)
    statuses = re.findall(r"\x1b\[7m(.*?)\x1b\[0m", out)
    status_re = re.compile(r"^\d+ orders?: (\d+ (%s)(, )?)+( · next poll in \d+\.\d s)? · in flight [\d.]+ · reversible [\d.]+" % PHASES)
    check(len(statuses) >= 2, "resume on a pty: %d status lines drawn:\n%r" % (len(statuses), out[-2000:]))
    check(all(status_re.match(s) for s in statuses), "resume on a pty: malformed status %r" % [s for s in statuses if not status_re.match(s)][:3])
    check(any("next poll in" in s for s in statuses), "resume on a pty: no next poll shown")
    check(any(re.search(r"reversible [1-9]", s) for s in statuses), "resume on a pty: no money shown reversible")
    check(out.endswith("\r\x1b[2K") or out.rstrip("\r\n").endswith("\x1b[2K"), "resume on a pty: the status line is not cleared at the end: %r" % out[-80:])
    # The transition lines are all there, whole, once the status line is taken out.
    text = ESC_RE.sub("", re.sub(r"\x1b\[7m.*?\x1b\[0m", "", out)).replace("\r", "")
    lines = [l for l in text.split("\n") if l.strip()]
    check(lines and all(STEP_RE.match(l) for l in lines), "resume on a pty: other lines than transitions: %r" % lines[:5])
    finals = {m.group(2): m.group(4) for m in map(STEP_RE.match, lines) if m}
    check(finals.get("tty-csb-rev") == "reversed" and finals.get("tty-sk-timeout") == "failed",
          "resume on a pty: ends %r" % finals)
    return journal


def check_pipe(cli, market, tmp, env):
    journal = os.path.join(tmp, "pipe.db")
    market.buy_four(journal, "pipe")
    p = subprocess.run([cli, "orders", "resume", "--journal", journal, "--timeout", "60", "--poll-ms", "100", *market.settle, *market.remote],
                       env=env, capture_output=True, text=True, timeout=90)
    check(p.returncode == 0, "resume in a pipe: exit %d" % p.returncode)
    check("\x1b" not in p.stdout and "\r" not in p.stdout and "next poll" not in p.stdout, "resume in a pipe: a status line: %r" % p.stdout[:300])
    lines = p.stdout.splitlines()
    check(len(lines) >= 4 and all(STEP_RE.match(l) for l in lines), "resume in a pipe: %r" % lines[:5])


class Dom(html.parser.HTMLParser):
    """What the test reads of the DOM Chromium dumped."""

    def __init__(self):
        super().__init__()
        self.rows = []            # (provider, id, phase, classes) of tr.order
        self.phase_cells = {}     # (provider, phase) -> count, from table#phases
        self.transitions = 0
        self.charts = Counter()   # provider -> polylines
        self.external = []        # src / href attributes: there must be none
        self.scripts = 0
        self._table = None
        self._row_provider = None
        self._cell = None
        self._svg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.external.append((tag, a[k]))
        if tag == "script":
            self.scripts += 1
        if tag == "table":
            self._table = a.get("id")
        if tag == "tr" and self._table == "phases":
            self._row_provider = a.get("data-provider")
        if tag == "tr" and "order" in (a.get("class") or "").split():
            self.rows.append((a.get("data-provider"), a.get("data-id"), a.get("data-phase"), set(a["class"].split())))
        if tag == "td" and self._table == "phases" and a.get("data-phase"):
            self._cell = (self._row_provider, a["data-phase"])
        if tag == "li" and a.get("class") == "transition":
            self.transitions += 1
        if tag == "svg":
            self._svg = a.get("data-provider")
        if tag == "polyline" and self._svg:
            self.charts[self._svg] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell and data.strip():
            self.phase_cells[self._cell] = int(data)


def chromium(html_file, out_dir, tmp):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not check(exe is not None, "chromium is not installed (scripts/bootstrap.sh installs it)"):
        return None
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--user-data-dir=" + os.path.join(tmp, "chromium-profile")]
    url = "file://" + os.path.abspath(html_file)
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    check(dom.returncode == 0 and "<table" in dom.stdout, "chromium --dump-dom: exit %d %s" % (dom.returncode, dom.stderr[-500:]))
    shot = os.path.join(out_dir, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    s = subprocess.run(base + ["--window-size=1400,1800", "--screenshot=" + shot, url], capture_output=True, text=True, timeout=120)
    check(s.returncode == 0 and os.path.exists(shot), "chromium --screenshot: exit %d %s" % (s.returncode, s.stderr[-500:]))
    if os.path.exists(shot):
        with open(shot, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(shot) > 10000, "the screenshot is not a PNG of a page")
    return dom.stdout


def check_report(cli, journal, out_dir, tmp, env):
    html_file = os.path.join(out_dir, "report.html")
    p = subprocess.run([cli, "orders", "report", "--journal", journal, "--html", html_file], env=env, capture_output=True, text=True)
    check(p.returncode == 0, "orders report: exit %d %s" % (p.returncode, p.stderr))
    bad = subprocess.run([cli, "orders", "report", "--journal", journal], env=env, capture_output=True, text=True)
    check(bad.returncode == 2, "orders report without --html: exit %d" % bad.returncode)
    with open(html_file, encoding="utf-8") as f:
        page = f.read()
    check("<script" not in page and "http://" not in page and "https://" not in page and "@import" not in page and "url(" not in page,
          "the report refers to something outside itself")
    orders = json.loads(subprocess.run([cli, "orders", "list", "--journal", journal, "--json"], env=env, capture_output=True,
                                       text=True).stdout)
    dumped = chromium(html_file, out_dir, tmp)
    if dumped is None:
        return
    dom = Dom()
    dom.feed(dumped)
    check(len(dom.rows) == len(orders) and len(orders) >= 4, "report: %d order rows, %d orders" % (len(dom.rows), len(orders)))
    check(sorted((r[0], r[1], r[2]) for r in dom.rows) == sorted((o["provider"], o["id"], o["phase"]) for o in orders),
          "report: rows differ from orders list --json")
    want = Counter((o["provider"], o["phase"]) for o in orders)
    for (prov, phase), n in dom.phase_cells.items():
        if phase == "all":
            check(n == sum(v for (p, _), v in want.items() if p == prov), "report: %s all = %d" % (prov, n))
        else:
            check(n == want.get((prov, phase), 0), "report: %s %s = %d, want %d" % (prov, phase, n, want.get((prov, phase), 0)))
    check(sum(v for (p, ph), v in dom.phase_cells.items() if ph != "all") == len(orders), "report: phase table does not add up")
    highlighted = [r for r in dom.rows if r[3] & {"failed", "reversed"}]
    check(len(highlighted) == sum(1 for o in orders if o["phase"] in ("failed", "reversed")) and len(highlighted) >= 2,
          "report: %d rows highlighted" % len(highlighted))
    check(dom.transitions >= len(orders), "report: %d transitions listed" % dom.transitions)
    check(set(dom.charts) == {o["provider"] for o in orders} and all(n >= 3 for n in dom.charts.values()),
          "report: charts %r" % dict(dom.charts))
    check(not dom.external and dom.scripts == 0, "report DOM: external references %r, %d scripts" % (dom.external, dom.scripts))


def check_bulk(cli, sb, tmp, env):
    """A bulk download: on a terminal (stderr) its bytes as they stream, then its rows; in a pipe
    exactly the lines of before (the ETag)."""
    snap = os.path.join(tmp, "snap.ndjson.gz")
    call = [cli, "call", "csboard", "get_price_snapshot", "--base-url", sb.url, "--ca-file", sb.ca]
    rc, out = on_pty(call, env, stderr_only=snap)
    with open(snap, "rb") as f:
        raw = f.read()
    rows = gzip.decompress(raw).decode().splitlines()
    check(rc == 0 and len(rows) > 10, "snapshot on a terminal: exit %d, %d rows" % (rc, len(rows)))
    text = ESC_RE.sub("", out).replace("\r", "")
    check(re.search(r"^received [\d.]+ (B|KiB|MiB), %d rows$" % len(rows), text, re.M) is not None,
          "snapshot on a terminal: the rows counted on stderr: %r" % text)
    # Another key: the snapshot's documented limit (one a minute per key) would hold this call back.
    p = subprocess.run(call, env=dict(env, CSBOARD_API_KEY=env["CSBOARD_API_KEY"] + "_pipe"), capture_output=True, timeout=60)
    check(p.returncode == 0 and p.stdout == raw, "snapshot in a pipe: the same bytes on stdout")
    check(re.fullmatch(rb'etag: "[^"]+"\n', p.stderr) is not None, "snapshot in a pipe: only the ETag on stderr: %r" % p.stderr)

    # A body large enough to arrive in pieces (an independent server): the status line moves.
    big = "\n".join(rows[i % len(rows)] for i in range(20000)) + "\n"
    tmp = os.path.join(tmp, "fake")  # its own certificates: the sandbox's CA stays as it is
    os.makedirs(tmp)
    subprocess.run(["bash", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_certs.sh"), tmp], check=True,
                   stdout=subprocess.DEVNULL)
    routes, log, portfile = (os.path.join(tmp, n) for n in ("routes.json", "log.jsonl", "port"))
    with open(routes, "w") as f:
        json.dump([{"method": "GET", "path": "/v1/prices/snapshot.ndjson.gz", "body": big,
                    "headers": {"Content-Type": "application/x-ndjson", "ETag": '"big"'}}], f)
    server = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_provider.py"),
                               "--routes", routes, "--log", log, "--port-file", portfile,
                               "--cert", os.path.join(tmp, "server.pem"), "--key", os.path.join(tmp, "server.key")])
    try:
        for _ in range(200):
            if os.path.exists(portfile):
                break
            time.sleep(0.05)
        url = "https://127.0.0.1:%s" % open(portfile).read().strip()
        got = os.path.join(tmp, "big.ndjson")
        rc, out = on_pty([cli, "call", "csboard", "get_price_snapshot", "--base-url", url,
                          "--ca-file", os.path.join(tmp, "ca.pem")], env, stderr_only=got)
        with open(got, "rb") as f:
            check(rc == 0 and f.read() == big.encode(), "a large snapshot on a terminal: exit %d, every byte on stdout" % rc)
        statuses = re.findall(r"\x1b\[7m(.*?)\x1b\[0m", out)
        moving = [s for s in statuses if re.fullmatch(r"received [\d.]+ (KiB|MiB) of [\d.]+ MiB \(\d+ %\)", s)]
        check(len(moving) >= 2 and moving[0] != moving[-1], "a large snapshot on a terminal: the status line moves: %r" % statuses)
        check(re.search(r"received [\d.]+ MiB, 20000 rows", ESC_RE.sub("", out)) is not None,
              "a large snapshot on a terminal: its rows counted: %r" % out[-200:])
    finally:
        server.terminate()
        server.wait(30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--out-dir", required=True, help="where report.html and report.png are left")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cs2market-cli-terminal-")
    sc = os.path.join(tmp, "scenario.json")
    with open(sc, "w") as f:
        json.dump({"outcomes": scenario("tty") + scenario("pipe")}, f)
    # Sandbox steps of 1 s: an order is reversible (accepted, trade protection running) for two
    # steps; at 100 ms steps that window could close before `orders resume` drew its first
    # status line on a loaded machine (1 run in 16 under load missed it).
    sb = Sandbox(args.sandbox, tmp, sc, step_ms="1000")
    env = dict(os.environ, **KEYS)
    try:
        market = Market(args.cli, sb, env)
        check_bulk(args.cli, sb, tmp, env)
        journal = check_tty(args.cli, market, tmp, env)
        check_pipe(args.cli, market, tmp, env)
        os.makedirs(args.out_dir, exist_ok=True)
        check_report(args.cli, journal, args.out_dir, tmp, env)
    finally:
        rc = sb.stop()
        check(rc == 0, "the sandbox exited %s on SIGTERM" % rc)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("cli terminal: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
