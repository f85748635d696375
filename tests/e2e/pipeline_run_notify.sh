#!/usr/bin/env bash
# Issue 6 item 8: a step that keeps failing is retried (--retries), `run` exits 1, and a
# Slack-compatible JSON message is POSTed to --notify-url (a loopback server records it).
source "$(dirname "$0")/pipeline_lib.bash"
W=$(mktemp -d /tmp/e2e-notify-XXXXXX)
"$PY" - "$W/port" "$W/body.json" <<'PY' &
import http.server, sys
port_file, body_file = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        open(body_file, "wb").write(body)
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(port_file, "w").write(str(s.server_address[1]))
s.timeout = 60
s.handle_request()
PY
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")
# The backup target is a regular file, so the backup step fails on every attempt.
touch "$W/not-a-directory"
set +e
"$BIN" run --input "$ROOT/samples/shops.jsonl" --data-dir "$W/db" --output "$W/out" --run-id notify \
  --backup-url "file://$W/not-a-directory/backups" --retries 1 --retry-delay 0 \
  --notify-url "http://127.0.0.1:$PORT/hook" > "$W/run.out" 2> "$W/run.err"
rc=$?
set -e
cat "$W/run.out"
[ "$rc" -eq 1 ] || fail "expected exit 1, got $rc"
grep -q "step backup: failed (attempts 2" "$W/run.out" || fail "backup step not retried once"
grep -q "step merge: ok" "$W/run.out" || fail "merge should have succeeded"
wait $server || true
"$PY" - "$W/body.json" "$W/out/notify/report.json" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
assert set(body) == {"text"} and "notify" in body["text"] and "backup" in body["text"], body
steps = {s["name"]: s for s in json.load(open(sys.argv[2]))["steps"]}
assert steps["backup"]["status"] == "failed" and steps["backup"]["attempts"] == 2, steps
print("notification:", body["text"].splitlines()[0])
PY
echo PASS
