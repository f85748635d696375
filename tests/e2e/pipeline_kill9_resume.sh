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
grew=0; before=0
for i in $(seq 1 30); do
  "$BIN" "${ARGS[@]}" > /dev/null 2> "$W/stderr" &
  pid=$!
  # Wait until this process has finished at least one shop, then kill at a random moment after.
  for _ in $(seq 1 600); do
    n=0; [ -f "$LEDGER" ] && n=$(wc -l < "$LEDGER")
    [ "$n" -gt "$before" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$("$PY" -c 'import random; print(round(random.uniform(0.0, 1.0), 2))')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  now=0; [ -f "$LEDGER" ] && now=$(wc -l < "$LEDGER")
  [ "$now" -gt "$before" ] && grew=$((grew + 1))
  before=$now
done
echo "30 kills done; the ledger grew during $grew of them ($before entries)"
[ "$grew" -ge 25 ] || fail "too few kills landed during generation ($grew)"
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
