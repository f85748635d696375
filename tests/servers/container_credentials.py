#!/usr/bin/env python3
"""Loopback stand-in for the EKS Pod Identity / ECS credentials agent (test harness only).

Usage: container_credentials.py EXPECTED_AUTH KEY_ID SECRET SESSION_TOKEN EXPIRES_IN_SECONDS
Answers GET <any path> with {AccessKeyId, SecretAccessKey, Token, Expiration} when the
Authorization header equals EXPECTED_AUTH (re-read per request from the header), else 401.
Prints its port on the first stdout line; logs "ok"/"denied" per request to stderr.
"""
import datetime
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXPECTED, KEY_ID, SECRET, TOKEN, EXPIRES_IN = sys.argv[1:6]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.headers.get("Authorization") != EXPECTED:
            print(f"denied {self.path}", file=sys.stderr, flush=True)
            body = b'{"message":"invalid token"}'
            self.send_response(401)
        else:
            print(f"ok {self.path}", file=sys.stderr, flush=True)
            expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(EXPIRES_IN))
            body = json.dumps({"AccessKeyId": KEY_ID, "SecretAccessKey": SECRET, "Token": TOKEN,
                               "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()
