#!/usr/bin/env bash
# Issue 2/6 acceptance: kill -9 `generate` on the 2,000 shops at random points during generation
# (30 times), re-run with the same --run-id: no shop is written twice, none is missing, no shop's
# generation is completed twice, and an idle re-run makes no provider call.
source "$(dirname "$0")/pipeline_lib.bash"
require_data
W=$(mktemp -d /tmp/e2e-kill9-XXXXXX); trap 'rm -rf "$W"' EXIT
"$BIN" examples import --file "$EXAMPLES" --data-dir "$W/db" > /dev/null
CAT=low_to_mid_price_dining
ARGS=(generate --category $CAT --input "$DATA/shops_2000.jsonl.gz" --mapping "$MAPPING" --data-dir "$W/db"
      --output "$W/out" --run-id k9 --concurrency 4)
LEDGER=$W/out/k9/ledger/$CAT.jsonl
# Kill until 30 kills have landed mid-generation (the ledger grew, then the process died by the
# signal), bounded at 60 tries; the pause after the first new shop is short enough that the
# 1,665 shops outlast 30 kills even when the offline generator runs fast.
grew=0; before=0; tries=0
while [ "$grew" -lt 30 ] && [ "$tries" -lt 60 ]; do
  tries=$((tries + 1))
  "$BIN" "${ARGS[@]}" > /dev/null 2> "$W/stderr" &
  pid=$!
  # Wait until this process has finished at least one shop, then kill at a random moment after.
  for _ in $(seq 1 600); do
    n=0; [ -f "$LEDGER" ] && n=$(wc -l < "$LEDGER")
    [ "$n" -gt "$before" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$("$PY" -c 'import random; print(round(random.uniform(0.0, 0.1), 2))')"
  kill -9 "$pid" 2>/dev/null || true
  rc=0; wait "$pid" 2>/dev/null || rc=$?
  now=0; [ -f "$LEDGER" ] && now=$(wc -l < "$LEDGER")
  [ "$now" -gt "$before" ] && [ "$rc" -eq 137 ] && grew=$((grew + 1))
  before=$now
  [ "$rc" -eq 0 ] && break  # the work finished before the kill: nothing left to interrupt
done
echo "$tries runs; $grew were killed by SIGKILL after the ledger grew ($before entries)"
[ "$grew" -ge 30 ] || fail "too few kills landed during generation ($grew of 30)"
"$BIN" "${ARGS[@]}" > "$W/final.out" 2> "$W/final.err" || fail "final run exited $? $(tail -3 "$W/final.err")"
cat "$W/final.out"
check_once "$W/out/k9" $CAT "$(selected_of "$W/out/k9" $CAT)"
# A further re-run does no provider call at all.
"$BIN" "${ARGS[@]}" > /dev/null 2>&1 || fail "idle re-run failed"
"$PY" - "$W/out/k9/reports/$CAT.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["generation_calls"] == 0 and r["embedding_calls"] == 0, r
assert r["resumed"] == r["ok"] == r["selected"] - r["failed"], r
print(f"idle re-run: 0 provider calls, {r['resumed']} resumed")
PY
echo PASS
