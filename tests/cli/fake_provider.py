#!/usr/bin/env python3
"""A scriptable fake marketplace provider: an HTTPS/1.1 server on 127.0.0.1.

Standard library only. Used to test the cs2market CLI as a black box.

    python3 fake_provider.py --routes ROUTES.json --log LOG.jsonl --port-file PORTFILE \
                             [--cert CERT --key KEY] [--ca-out CA.pem]

ROUTES.json is a JSON list of routes, matched in order on method + path (the
request-target without its query string); the first match wins:

    [{"method": "GET", "path": "/v1/orders/ord_1", "status": 200,
      "headers": {"X-Foo": "bar"}, "body": {"id": "ord_1"}}]

  * "body": any JSON value is sent serialized (compact); a JSON string is sent
    raw, as is. A missing body sends an empty body. "status" defaults to 200.
  * Content-Type defaults to application/json unless "headers" gives one; a
    header value may be a list (the header is repeated). Content-Length and
    Connection are always computed by the server.
  * Optional extras: "delay_ms" (sleep before answering), "close": true (send
    Connection: close and close after the response), "drop": true (read the
    request, then close the connection without answering).
  * Unmatched requests get 404 {"code":"not_found"}.
  * The routes file is re-read when its modification time changes, so a test
    may rewrite it between CLI runs (if the new text does not parse, the
    previous routes stay in force).

Every request is appended to LOG as one JSON line:
    {"method", "target" (raw request-target), "path", "query" (dict of lists,
     urllib.parse.parse_qs with keep_blank_values=True), "headers" (dict with
     lower-case names; repeated headers joined with ", "), "body" (text)}

Once listening, the chosen port is written to PORTFILE (atomically: written to
a temporary file, then renamed). The server exits cleanly on SIGTERM or SIGINT.

If --cert/--key are not given, throwaway certificates are made with
make_certs.sh (next to this script) in a temporary directory that is removed at
exit; --ca-out copies their CA certificate somewhere the client can read it.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HANDSHAKE_TIMEOUT = 10.0
IDLE_TIMEOUT = 120.0


class Routes:
    """Routes loaded from a JSON file, reloaded when the file changes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.mtime: int | None = None
        self.routes: list[dict] = []
        self._load(initial=True)

    def _load(self, initial: bool = False) -> None:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            if initial:
                raise
            return
        if mtime == self.mtime:
            return
        try:
            with open(self.path, "r", encoding="utf-8") as f:
                routes = json.load(f)
            if not isinstance(routes, list) or not all(isinstance(r, dict) for r in routes):
                raise ValueError("routes file must hold a JSON list of objects")
        except (OSError, ValueError) as e:
            if initial:
                raise
            print(f"fake_provider: keeping previous routes, cannot load {self.path}: {e}", file=sys.stderr)
            return
        self.routes = routes
        self.mtime = mtime

    def find(self, method: str, path: str) -> dict | None:
        with self.lock:
            self._load()
            for route in self.routes:
                if str(route.get("method", "GET")).upper() == method.upper() and route.get("path") == path:
                    return route
        return None


class RequestLog:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        # Create (or truncate nothing: append) so the file exists even with no requests.
        with open(self.path, "a", encoding="utf-8"):
            pass

    def append(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-provider/1"

    def version_string(self) -> str:
        return self.server_version

    # set on the class by main()
    routes: Routes
    request_log: RequestLog

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet by default
        if os.environ.get("FAKE_PROVIDER_VERBOSE"):
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                if not size_line:
                    break
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers, up to the blank line
                    while True:
                        line = self.rfile.readline(65537)
                        if line in (b"\r\n", b"\n", b""):
                            break
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after the chunk
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        body = self._read_body()
        target = self.path
        split = urllib.parse.urlsplit(target)
        path = split.path
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = value if key not in headers else headers[key] + ", " + value
        self.request_log.append(
            {
                "method": self.command,
                "target": target,
                "path": path,
                "query": urllib.parse.parse_qs(split.query, keep_blank_values=True),
                "headers": headers,
                "body": body.decode("utf-8", errors="replace"),
            }
        )

        route = self.routes.find(self.command, path)
        if route is None:
            status, extra_headers, payload = 404, {}, b'{"code":"not_found"}'
            delay_ms, close, drop = 0, False, False
        else:
            status = int(route.get("status", 200))
            extra_headers = route.get("headers") or {}
            if "body" not in route:
                payload = b""
            elif isinstance(route["body"], str):
                payload = route["body"].encode("utf-8")
            else:
                payload = json.dumps(route["body"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            delay_ms = float(route.get("delay_ms", 0) or 0)
            close = bool(route.get("close", False))
            drop = bool(route.get("drop", False))

        if delay_ms > 0:
            time.sleep(delay_ms / 1000.0)
        if drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return

        self.send_response(status)
        if not any(k.lower() == "content-type" for k in extra_headers):
            self.send_header("Content-Type", "application/json")
        for name, value in extra_headers.items():
            if name.lower() in ("content-length", "connection"):
                continue
            values = value if isinstance(value, list) else [value]
            for v in values:
                self.send_header(name, str(v))
        self.send_header("Content-Length", str(len(payload)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class TLSServer(http.server.ThreadingHTTPServer):
    """Accepts plain TCP; the TLS handshake happens in the per-connection thread,
    so a client that stalls or fails the handshake never blocks the accept loop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler_class, ssl_context: ssl.SSLContext) -> None:
        self.ssl_context = ssl_context
        super().__init__(address, handler_class)

    def finish_request(self, request, client_address) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ValueError):
            return  # untrusting client, plain-text client, reset...
        try:
            tls.settimeout(IDLE_TIMEOUT)
            self.RequestHandlerClass(tls, client_address, self)
        except (OSError, ValueError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        if os.environ.get("FAKE_PROVIDER_VERBOSE"):
            super().handle_error(request, client_address)


def write_port_file(path: str, port: int) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".port-", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def generate_certs() -> tuple[str, str, str]:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_certs.sh")
    directory = tempfile.mkdtemp(prefix="fake-provider-certs-")
    subprocess.run(["sh", script, directory], check=True)
    return directory, os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", required=True, help="JSON file with the list of routes")
    parser.add_argument("--log", required=True, help="JSON-lines file every request is appended to")
    parser.add_argument("--port-file", required=True, help="file the listening port is written to")
    parser.add_argument("--cert", help="server certificate chain (PEM)")
    parser.add_argument("--key", help="server private key (PEM)")
    parser.add_argument("--ca-out", help="with generated certificates: copy their CA certificate here")
    args = parser.parse_args(argv)

    if (args.cert is None) != (args.key is None):
        parser.error("--cert and --key go together")

    cert_dir = None
    if args.cert is None:
        cert_dir, args.cert, args.key = generate_certs()
        ca = os.path.join(cert_dir, "ca.pem")
        if args.ca_out:
            shutil.copyfile(ca, args.ca_out)
        print(f"fake_provider: generated certificates, CA: {ca}", file=sys.stderr)

    def on_signal(signum, frame):  # noqa: ARG001
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    server = None
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.cert, args.key)

        Handler.routes = Routes(args.routes)
        Handler.request_log = RequestLog(args.log)

        server = TLSServer(("127.0.0.1", 0), Handler, ctx)
        write_port_file(args.port_file, server.server_address[1])
        server.serve_forever(poll_interval=0.1)
    except SystemExit:
        pass
    finally:
        if server is not None:
            server.server_close()
        if cert_dir is not None:
            shutil.rmtree(cert_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
