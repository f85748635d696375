#!/usr/bin/env bash
# Issue 6 acceptance, against the loopback LLM server: kill -9 `generate --llm openai` 30 times at
# random points, re-run with the same run id. Every shop ends up in the output exactly once, no ok
# generation is recorded twice (ledger), and every server request is explained by a ledger entry
# (1, or 2 with the validator's retry) except those in flight at a kill (≤ kills × concurrency × 2).
# Failed shops are retried by design on each re-run. (The prompt carries no shop id, so the server
# cannot count per shop; the per-shop check uses the ledger.)
source "$(dirname "$0")/pipeline_lib.bash"
require_data
W=$(mktemp -d /tmp/e2e-kill9llm-XXXXXX)
STARTED_PID=
cleanup() { [ -n "$STARTED_PID" ] && kill "$STARTED_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
if [ -z "${SHOP_SUMMARY_TEST_LLM_URL:-}" ]; then
  eval "$(bash "$ROOT/tests/services/start-fake-llm.sh")"
  STARTED_PID=$SHOP_SUMMARY_TEST_LLM_PID
fi
URL=$SHOP_SUMMARY_TEST_LLM_URL
MODEL=pipeline-kill9-$$
curl -sf -X POST "$URL/_faults" -d "{\"model\": \"$MODEL\", \"latency_ms\": 120}" > /dev/null
"$PY" -c 'import gzip,sys; [sys.stdout.write(l) for i,l in enumerate(gzip.open(sys.argv[1],"rt")) if i < 500]' \
  "$DATA/shops_2000.jsonl.gz" > "$W/shops.jsonl"
"$BIN" examples import --file "$EXAMPLES" --data-dir "$W/db" > /dev/null 2>&1
export OPENAI_API_KEY=$SHOP_SUMMARY_TEST_OPENAI_API_KEY OPENAI_BASE_URL=$URL/openai/v1 SHOP_SUMMARY_LLM_MODEL=$MODEL
CAT=low_to_mid_price_dining
CONC=4
ARGS=(generate --category $CAT --input "$W/shops.jsonl" --mapping "$MAPPING" --data-dir "$W/db"
      --output "$W/out" --run-id k9llm --concurrency $CONC --llm openai)
LEDGER=$W/out/k9llm/ledger/$CAT.jsonl
kills=0; grew=0; before=0
for i in $(seq 1 30); do
  "$BIN" "${ARGS[@]}" > /dev/null 2> "$W/stderr" &
  pid=$!
  sleep "$("$PY" -c 'import random; print(round(random.uniform(0.5, 2.0), 2))')"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null || true
  now=0; [ -f "$LEDGER" ] && now=$(wc -l < "$LEDGER")
  [ "$now" -gt "$before" ] && grew=$((grew + 1))
  before=$now
done
echo "$kills kills; the ledger grew during $grew of them ($before entries)"
[ "$grew" -ge 15 ] || fail "too few kills landed during generation ($grew)"
"$BIN" "${ARGS[@]}" > "$W/final.out" 2> "$W/final.err" || fail "final run exited $?: $(grep -v '^{' "$W/final.err" | tail -3)"
cat "$W/final.out"
selected=$(selected_of "$W/out/k9llm" $CAT)
check_once "$W/out/k9llm" $CAT "$selected"
requests=$(curl -sf "$URL/_stats?model=$MODEL" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("requests", 0))')
"$PY" - "$LEDGER" "$requests" "$selected" "$kills" "$CONC" <<'PY'
import json, sys
ledger, requests, selected, kills, conc = sys.argv[1], *map(int, sys.argv[2:])
entries = [json.loads(l) for l in open(ledger)]
# Requests explained by finished shops: one per entry, plus the validator's corrective retry.
explained = sum(2 if e["row"]["violations"] else 1 for e in entries)
unexplained = requests - explained
print(f"server requests {requests}; {len(entries)} ledger entries for {selected} shops explain {explained}; "
      f"{unexplained} were in flight at a kill (bound {kills} kills x {conc} in flight x 2 attempts = {kills * conc * 2})")
assert requests >= explained, "the ledger records more work than the server saw"
assert unexplained <= kills * conc * 2, "finished shops were generated again"
PY
echo PASS
