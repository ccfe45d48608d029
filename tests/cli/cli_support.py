"""What the CLI black-box tests share: exact-decimal JSON, soft checks, the sandbox executable."""
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import urllib.request
from decimal import Decimal

failures = []


def loads(text):
    """JSON with exact decimals."""
    return json.loads(text, parse_float=Decimal)


def check(cond, what):
    """A check that records its failure and goes on (the test reports them all at the end)."""
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


def finish(name):
    """The exit status: 1 when a check failed."""
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print(name + ": ok")
    return 0


class Sandbox:
    """The sandbox executable: started on a free port, its CA written, stopped with SIGTERM."""

    def __init__(self, exe, tmp, scenario=None, step_ms="100"):
        self.ca = os.path.join(tmp, "ca.pem")
        cmd = [exe, "--port", "0", "--ca-out", self.ca, "--step-ms", step_ms]
        if scenario:
            cmd += ["--scenario", scenario]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        got = {}
        reader = threading.Thread(target=lambda: got.setdefault("line", self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        first = got.get("line", "").strip()
        if not first.startswith("listening on https://127.0.0.1:"):
            self.stop()
            raise SystemExit("unexpected first line from the sandbox: %r" % first)
        self.url = first[len("listening on "):]
        # Keep reading so that the sandbox never blocks on a full pipe.
        threading.Thread(target=lambda: self.proc.stdout.read(), daemon=True).start()

    def admin(self, path):
        """GET /_sandbox/<path>: the sandbox's own records, as exact-decimal JSON."""
        ctx = ssl.create_default_context(cafile=self.ca)
        with urllib.request.urlopen(self.url.rstrip("/") + "/_sandbox/" + path, context=ctx, timeout=30) as r:
            return loads(r.read().decode())

    def post(self, path, obj):
        """POST /_sandbox/<path> with a JSON body (e.g. faults: one fault, as in a scenario)."""
        ctx = ssl.create_default_context(cafile=self.ca)
        req = urllib.request.Request(self.url.rstrip("/") + "/_sandbox/" + path, data=json.dumps(obj).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return loads(r.read().decode())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode
