#!/usr/bin/env bash
# Fault injection for the vector store (issue 3): kill -9 a writer at random moments, at least
# 200 times, during upserts, compaction and collection deletion. After every kill the store must
# open, `db verify` must pass, and every write acknowledged before the kill must be present.
# Env: SHOP_SUMMARY_BIN (default .build/debug/shop-summary), STORE_CRASH_ITERATIONS (default 250).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SHOP_SUMMARY_BIN:-$ROOT/.build/debug/shop-summary}
if [ ! -x "$BIN" ]; then echo "SKIPPED: $BIN not built (run 'swift build' first)"; exit 0; fi
ITER=${STORE_CRASH_ITERATIONS:-250}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB=$WORK/db
export SHOP_SUMMARY_DB_GC_GRACE=0
fail() {
  echo "FAIL (iteration $i, mode $mode): $*"
  if [ -n "${STORE_CRASH_KEEP:-}" ]; then cp -a "$WORK" "$STORE_CRASH_KEEP" && echo "state kept in $STORE_CRASH_KEEP"; fi
  exit 1
}

gen() { # iteration, rows, prefix -> JSON lines
  awk -v it="$1" -v n="$2" -v p="$3" 'BEGIN { srand(it * 7919 + n);
    for (k = 0; k < n; k++) { printf "{\"id\":\"%s%d-%d\",\"embedding\":[", p, it, k;
      for (d = 0; d < 8; d++) printf "%s%.4f", (d ? "," : ""), rand() - 0.5;
      printf "],\"document\":\"row %d of %d 리뷰\",\"metadata\":{\"it\":%d,\"k\":%d}}\n", k, it, it, k } }'
}

"$BIN" db create --data-dir "$DB" --collection main --dimension 8 >/dev/null
: > "$WORK/acked"
kills=0; i=0; mode=start
MIN_KILLS=${STORE_CRASH_MIN_KILLS:-200}
# Keep going past ITER (up to 2×ITER) until MIN_KILLS kills have landed: on a loaded machine more
# commands finish before their kill arrives.
for ((i = 1; i <= 2 * ITER && (i <= ITER || kills < MIN_KILLS); i++)); do
  mode=$((i % 10))
  delay=$(printf '0.%03d' $((RANDOM % 50)))
  case $mode in
    7) cmd=(db compact --data-dir "$DB") ;;
    8) "$BIN" db create --data-dir "$DB" --collection tmp --dimension 8 --if-missing >/dev/null
       gen "$i" 20 t > "$WORK/tmp.jsonl"
       "$BIN" db upsert --data-dir "$DB" --collection tmp --file "$WORK/tmp.jsonl" >/dev/null
       cmd=(db delete --data-dir "$DB" --collection tmp --drop-collection) ;;
    9) # re-upsert rows of an earlier iteration with new values (replacement under a kill)
       gen "$i" 30 x | sed "s/\"x$i-/\"r$((i - 5))-/" > "$WORK/in.jsonl"
       cmd=(db upsert --data-dir "$DB" --collection main --file "$WORK/in.jsonl" --batch-size 10) ;;
    *) gen "$i" 100 r > "$WORK/in.jsonl"
       cmd=(db upsert --data-dir "$DB" --collection main --file "$WORK/in.jsonl" --batch-size 10) ;;
  esac
  # Truncate here: a kill that lands between fork and the child's own redirection must not
  # leave the previous iteration's acknowledgements in the file.
  : > "$WORK/out"; : > "$WORK/err"
  "$BIN" "${cmd[@]}" > "$WORK/out" 2>"$WORK/err" &
  pid=$!
  if [ "$mode" != 7 ] && [ "$mode" != 8 ]; then
    # Let a random number (0-8; 0-2 for the 3-batch re-upsert) of batches be acknowledged first, so kills land at every stage
    # of the run whatever the machine's load; then a random extra delay inside the next batch.
    if [ "$mode" = 9 ]; then want=$((RANDOM % 3)); else want=$((RANDOM % 9)); fi; polls=0
    while [ "$(grep -c acknowledged "$WORK/out" || true)" -lt "$want" ] && kill -0 "$pid" 2>/dev/null && [ $polls -lt 2000 ]; do
      sleep 0.005; polls=$((polls + 1))
    done
    delay=$(printf '0.%03d' $((RANDOM % 25)))
  fi
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  # Acknowledged ids: each "acknowledged N through ID" line covers the file up to ID.
  if [ "$mode" != 7 ] && [ "$mode" != 8 ]; then
    last=$({ grep -o 'through .*' "$WORK/out" || true; } | tail -1 | cut -d' ' -f2)
    if [ -n "$last" ] && grep -q "\"id\":\"$last\"" "$WORK/in.jsonl"; then
      grep -o '"id":"[^"]*"' "$WORK/in.jsonl" | cut -d'"' -f4 | sed "/^$last\$/q" >> "$WORK/acked"
    fi
  fi
  "$BIN" db verify --data-dir "$DB" > "$WORK/verify" 2>&1 || { cat "$WORK/verify"; fail "verify failed"; }
  cp "$WORK/out" "$WORK/out.$i"; cp "$WORK/err" "$WORK/err.$i"
  if [ $((i % ${STORE_CRASH_CHECK_EVERY:-25})) -eq 0 ] || [ "$i" -eq "$ITER" ]; then
    "$BIN" db get --data-dir "$DB" --collection main --json > "$WORK/all.json"
    { grep -o '"id":"[^"]*"' "$WORK/all.json" || true; } | cut -d'"' -f4 | sort -u > "$WORK/present"
    sort -u "$WORK/acked" > "$WORK/acked.sorted"
    missing=$(comm -23 "$WORK/acked.sorted" "$WORK/present" | wc -l)
    [ "$missing" -eq 0 ] || fail "$missing acknowledged ids missing, e.g. $(comm -23 "$WORK/acked.sorted" "$WORK/present" | head -3 | tr '\n' ' ')"
    echo "iteration $i: $kills kills so far, $(wc -l < "$WORK/acked.sorted") acknowledged ids all present, verify ok"
  fi
done
[ "$kills" -ge "$MIN_KILLS" ] || { echo "FAIL: only $kills kills landed in $((i - 1)) iterations (need >= $MIN_KILLS)"; exit 1; }
"$BIN" db stats --data-dir "$DB"
echo "PASS: $kills kill -9 injections, store verified after each"
