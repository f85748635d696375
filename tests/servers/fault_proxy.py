#!/usr/bin/env python3
"""Fault-injecting HTTP proxy for S3 retry tests (loopback only; test harness, never product).

Usage: fault_proxy.py UPSTREAM_URL RULE...
  RULE = "<substring>:<action>" and fires once, on the first request whose
  "METHOD /path?query" line contains <substring> (an empty substring matches any request).
  Actions: 500 | 503 (SlowDown body) | drop (read the request, close without answering) |
           halfdrop (read half the body, close).
Prints the listening port on the first stdout line, then serves until killed.
Every request is logged to stderr as "<action> <METHOD> <target>".
"""
import http.client
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
RULES = []  # [substring, action, fired]
for spec in sys.argv[2:]:
    sub, _, action = spec.rpartition(":")
    RULES.append([sub, action, False])
LOCK = threading.Lock()

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message></Error>")
INTERNAL = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
            b"<Message>We encountered an internal error. Please try again.</Message></Error>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def pick(self):
        line = f"{self.command} {self.path}"
        with LOCK:
            for rule in RULES:
                if not rule[2] and rule[0] in line:
                    rule[2] = True
                    return rule[1]
        return "pass"

    def read_body(self, limit=None):
        length = int(self.headers.get("Content-Length") or 0)
        if limit is not None:
            length = min(length, limit)
        data = b""
        while len(data) < length:
            chunk = self.rfile.read(min(1 << 20, length - len(data)))
            if not chunk:
                break
            data += chunk
        return data

    def handle_any(self):
        action = self.pick()
        print(f"{action} {self.command} {self.path} t={time.monotonic():.2f}", file=sys.stderr, flush=True)
        if action == "halfdrop":
            self.read_body(limit=int(self.headers.get("Content-Length") or 0) // 2)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        body = self.read_body()
        if action == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action in ("500", "503"):
            payload = SLOWDOWN if action == "503" else INTERNAL
            self.send_response(int(action))
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "expect")}
        conn.request(self.command, self.path, body=body if body else None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(k, v)
        length = resp.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", length or str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    # The parent (swift test) may ignore SIGTERM; an inherited SIG_IGN would make us unkillable.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
