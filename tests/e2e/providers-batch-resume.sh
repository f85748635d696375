#!/usr/bin/env bash
# `generate --batch` against the fake Gemini Batch API: the job name is recorded beside the ledger
# before polling; after a crash (SIGKILL while polling) a re-run resumes the same job instead of
# submitting a second one; every shop is written once; a third run resumes everything from the ledger.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHOP_SUMMARY_BIN:-.build/debug/shop-summary}
URL=${SHOP_SUMMARY_TEST_LLM_URL:?start tests/services/start-fake-llm.sh first}
INPUT=../shared/data/naver-place-seoul/shops_30.jsonl
[ -e "$INPUT" ] || { echo "SKIP: shared data $INPUT is absent"; exit 0; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MODEL=gemini-2.5-flash-e2e-batch-$$-$RANDOM   # priced by prefix in config/prices.json
export GEMINI_API_KEY=${SHOP_SUMMARY_TEST_GEMINI_API_KEY:-test-gemini-key-0123456789}
export SHOP_SUMMARY_GEMINI_BASE_URL=$URL SHOP_SUMMARY_LLM_MODEL=$MODEL
ARGS=(generate --batch --llm gemini --category low_to_mid_price_dining --input "$INPUT"
      --mapping config/mapping-naver-place.json --data-dir "$WORK/db" --output "$WORK/out" --run-id batch1)
"$BIN" examples import --file samples/examples.jsonl --data-dir "$WORK/db" >/dev/null 2>&1
curl -sf -X POST "$URL/_faults" -d "{\"model\": \"$MODEL\", \"batch_polls\": 100000}" >/dev/null
"$BIN" "${ARGS[@]}" >"$WORK/run1.log" 2>&1 &
PID=$!
JOB=$WORK/out/batch1/ledger/low_to_mid_price_dining.jsonl.batch-job
for _ in $(seq 1 200); do [ -s "$JOB" ] && break; sleep 0.05; done
[ -s "$JOB" ] || { echo "FAIL: no job file"; kill -9 $PID; cat "$WORK/run1.log"; exit 1; }
sleep 0.5
kill -9 $PID; wait $PID 2>/dev/null || true
echo "crashed while polling $(cat "$JOB")"
curl -sf -X POST "$URL/_faults" -d "{\"model\": \"$MODEL\", \"batch_polls\": 1}" >/dev/null
"$BIN" "${ARGS[@]}" >"$WORK/run2.log" 2>&1 || { echo "FAIL: resumed run"; tail "$WORK/run2.log"; exit 1; }
grep -q "resuming batch job $(cat "$JOB")" "$WORK/run2.log" || { echo "FAIL: did not resume"; tail "$WORK/run2.log"; exit 1; }
creates=$(curl -sf "$URL/_log?model=$MODEL" | python3 -c 'import json,sys; print(sum(e["kind"]=="batch_create" for e in json.load(sys.stdin)["log"]))')
rows=$(wc -l <"$WORK/out/batch1/low_to_mid_price_dining.jsonl")
ids=$(python3 -c 'import json,sys; print(len({json.loads(l)["shop_id"] for l in open(sys.argv[1])}))' "$WORK/out/batch1/low_to_mid_price_dining.jsonl")
grep -E "batch job|estimated cost" "$WORK/run2.log"
grep -q "estimated cost.*batch.*vs online" "$WORK/run2.log" || { echo "FAIL: no batch vs online cost line"; exit 1; }
[ "$creates" = 1 ] || { echo "FAIL: $creates batch jobs created"; exit 1; }
[ "$rows" = "$ids" ] && [ "$rows" -gt 0 ] || { echo "FAIL: $rows rows, $ids distinct shops"; exit 1; }
"$BIN" "${ARGS[@]}" >"$WORK/run3.log" 2>&1
grep -q "$rows resumed" "$WORK/run3.log" || { echo "FAIL: third run did not resume all"; tail -3 "$WORK/run3.log"; exit 1; }
echo "PASS: 1 batch job, $rows shops written once, crash resumed, re-run resumed all"
