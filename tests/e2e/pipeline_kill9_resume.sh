#!/usr/bin/env bash
# Issue 2/6 acceptance: kill -9 `generate` at random points (30 times), re-run with the same
# --run-id: no shop is written twice, none is missing, no shop's generation is completed twice.
source "$(dirname "$0")/pipeline_lib.bash"
require_data
W=$(mktemp -d /tmp/e2e-kill9-XXXXXX); trap 'rm -rf "$W"' EXIT
# 800 real shops (≈670 casual) keep each iteration cheap while every kill lands mid-run.
"$PY" -c 'import gzip,sys; [sys.stdout.write(l) for i,l in enumerate(gzip.open(sys.argv[1],"rt")) if i < 800]' \
  "$DATA/shops_2000.jsonl.gz" > "$W/shops.jsonl"
"$BIN" examples import --file "$EXAMPLES" --data-dir "$W/db" > /dev/null
CAT=low_to_mid_price_dining
ARGS=(generate --category $CAT --input "$W/shops.jsonl" --mapping "$MAPPING" --data-dir "$W/db"
      --output "$W/out" --run-id k9 --concurrency 4)
LEDGER=$W/out/k9/ledger/$CAT.jsonl
grew=0; before=0
for i in $(seq 1 30); do
  "$BIN" "${ARGS[@]}" > /dev/null 2> "$W/stderr" &
  pid=$!
  sleep "$("$PY" -c 'import random; print(round(random.uniform(0.5, 2.5), 2))')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  now=0; [ -f "$LEDGER" ] && now=$(wc -l < "$LEDGER")
  [ "$now" -gt "$before" ] && grew=$((grew + 1))
  before=$now
done
echo "30 kills done; the ledger grew during $grew of them ($before entries)"
[ "$grew" -ge 20 ] || fail "too few kills landed during generation ($grew)"
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
