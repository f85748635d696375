#!/usr/bin/env bash
# Issue 6: the run's report.html opens in headless Chromium without console errors, a screenshot
# is produced, the table filters by text; the logs of a full run are JSON lines with no secret.
set -euo pipefail
BIN=${SHOP_SUMMARY_BIN:?built binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "chromium is not installed (scripts/test.sh installs it from Debian)"; exit 1; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"
FAKE_KEY="AIzaFAKE-e2e-secret-$(date +%s)-0123456789"
GEMINI_API_KEY=$FAKE_KEY "$BIN" run --input "$ROOT/samples/shops.jsonl" --examples "$ROOT/samples/examples.jsonl" \
  --llm offline --run-id e2e-html >stdout.log 2>stderr.log
RUN=.shop-summary/out/e2e-html
# Logs: every stderr line is a JSON object with ts/level/event; the secret appears nowhere.
python3 - stderr.log <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert lines, "no log lines"
for n, line in enumerate(lines, 1):
    obj = json.loads(line)
    for key in ("ts", "level", "event"):
        assert key in obj, f"line {n} lacks {key}: {line}"
print(f"{len(lines)} JSON log lines")
PY
if grep -rq "$FAKE_KEY" stdout.log stderr.log .shop-summary; then echo "secret leaked"; exit 1; fi
test -s "$RUN/report.html" && test -s "$RUN/metrics.prom"
grep -q '^shop_summary_shops_total{category="waiting_hotplace",outcome="ok",shard="1/1"} ' "$RUN/metrics.prom"
# Browser: console errors are logged to stderr with --enable-logging.
URL="file://$W/$RUN/report.html"
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
  --window-size=1400,1000 --screenshot="$W/report.png" "$URL" 2>chrome.err || { tail chrome.err; exit 1; }
if grep -iE "CONSOLE|Uncaught|SyntaxError|ReferenceError" chrome.err; then echo "console errors"; exit 1; fi
test -s "$W/report.png"
mkdir -p "$ROOT/.build/test-artifacts" && cp "$W/report.png" "$ROOT/.build/test-artifacts/report.png"
all=$(grep -o '<tr data-cat' "$RUN/report.html" | wc -l)
[ "$all" -eq 40 ] || { echo "expected 40 shop rows, got $all"; exit 1; }
# The filter runs in the browser: ?q= pre-fills it; the shown count must drop to the matching rows.
name=$(python3 -c "import json;print(json.loads(open('$ROOT/samples/shops.jsonl',encoding='utf-8').readline())['name'])")
shown=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom "$URL?q=$name" 2>/dev/null \
  | grep -o '<span id="shown">[0-9]*</span>' | grep -o '[0-9]*')
echo "filter '$name': $shown of $all rows shown"
[ -n "$shown" ] && [ "$shown" -ge 1 ] && [ "$shown" -lt "$all" ]
echo "screenshot: $ROOT/.build/test-artifacts/report.png"
