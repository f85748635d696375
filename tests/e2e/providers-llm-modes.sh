#!/usr/bin/env bash
# End-to-end: `shop-summary run` with --llm gemini, vertex and openai against the loopback fake
# server (tests/services/start-fake-llm.sh). Each run must finish (exit 0, every shop written) and
# the report's token totals must equal the server's per-model counters.
# Input: E2E_PROVIDERS_INPUT (default ../shared/data/naver-place-seoul/shops_2000.jsonl.gz).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHOP_SUMMARY_BIN:-.build/debug/shop-summary}
URL=${SHOP_SUMMARY_TEST_LLM_URL:?start tests/services/start-fake-llm.sh first}
INPUT=${E2E_PROVIDERS_INPUT:-../shared/data/naver-place-seoul/shops_2000.jsonl.gz}
if [ ! -e "$INPUT" ]; then
  echo "SKIP: shared data $INPUT is absent"; exit 0
fi
PY=${TEST_PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SUFFIX=$$-$RANDOM
status=0

run_mode() {
  local mode=$1 model=$2; shift 2
  local dir=$WORK/$mode
  local start=$SECONDS
  if ! env "$@" SHOP_SUMMARY_LLM_MODEL="$model" "$BIN" run --llm "$mode" --input "$INPUT" \
      --mapping config/mapping-naver-place.json --data-dir "$dir/db" --output "$dir/out" \
      --backup-url "file://$dir/backups" --run-id "e2e-$mode" >"$dir.log" 2>&1; then
    echo "FAIL $mode: run exited non-zero"; tail -15 "$dir.log"; status=1; return
  fi
  curl -sf "$URL/_stats?model=$model" >"$dir.stats.json"
  if "$PY" - "$dir/out/e2e-$mode/report.json" "$dir.stats.json" "$mode" "$((SECONDS - start))" <<'PYEOF'
import json, sys
report, stats, mode, secs = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
tokens = report["tokens"]
ok = sum(c.get("ok", 0) for c in report["categories"].values())
failed = sum(c.get("failed", 0) for c in report["categories"].values())
print(f"{mode}: {ok} ok, {failed} failed in {secs}s; report tokens prompt={tokens['promptTokens']} total={tokens['totalTokens']}; "
      f"server prompt={stats.get('prompt_tokens')} total={stats.get('total_tokens')} requests={stats.get('requests')}")
assert ok > 0, "no shop generated"
assert tokens["promptTokens"] == stats["prompt_tokens"], "prompt token totals differ"
assert tokens["totalTokens"] == stats["total_tokens"], "total token totals differ"
PYEOF
  then echo "PASS $mode"; else echo "FAIL $mode: token totals"; status=1; fi
}

run_mode gemini "e2e-gemini-$SUFFIX" GEMINI_API_KEY="${SHOP_SUMMARY_TEST_GEMINI_API_KEY:-test-gemini-key-0123456789}" \
  SHOP_SUMMARY_GEMINI_BASE_URL="$URL"
if [ -n "${SHOP_SUMMARY_TEST_SA_KEY_FILE:-}" ]; then
  run_mode vertex "e2e-vertex-$SUFFIX" GOOGLE_APPLICATION_CREDENTIALS="$SHOP_SUMMARY_TEST_SA_KEY_FILE" \
    GOOGLE_CLOUD_PROJECT=fake-project GOOGLE_CLOUD_LOCATION=asia-northeast3 SHOP_SUMMARY_VERTEX_BASE_URL="$URL"
fi
run_mode openai "e2e-openai-$SUFFIX" OPENAI_API_KEY="${SHOP_SUMMARY_TEST_OPENAI_API_KEY:-test-openai-key-0123456789}" \
  OPENAI_BASE_URL="$URL/openai/v1"

# Secrets: failing runs (a wrong key; a per-day quota error) must not print or write the key anywhere.
SMALL=../shared/data/naver-place-seoul/shops_30.jsonl
if [ -e "$SMALL" ]; then
  SECRET="AIza-e2e-secret-$SUFFIX"
  GOOD=${SHOP_SUMMARY_TEST_GEMINI_API_KEY:-test-gemini-key-0123456789}
  quota_model="e2e-quota-$SUFFIX"
  curl -sf -X POST "$URL/_faults" -d "{\"model\": \"$quota_model\", \"rates\": {\"429_per_day\": 1.0}}" >/dev/null
  for case in "wrong-key:$SECRET:e2e-wrongkey-$SUFFIX" "quota:$GOOD:$quota_model"; do
    IFS=: read -r name key model <<<"$case"
    dir=$WORK/secret-$name
    if env GEMINI_API_KEY="$key" SHOP_SUMMARY_GEMINI_BASE_URL="$URL" SHOP_SUMMARY_LLM_MODEL="$model" "$BIN" run --llm gemini \
        --input "$SMALL" --mapping config/mapping-naver-place.json --data-dir "$dir/db" --output "$dir/out" \
        --backup-url "file://$dir/backups" --run-id e2e-secret --retries 0 --log-level debug >"$dir.log" 2>&1; then
      echo "FAIL secrets/$name: the run should have failed"; status=1
    elif grep -rqF "$key" "$dir.log" "$dir/out" 2>/dev/null; then
      echo "FAIL secrets/$name: the key appears in the output"; grep -rlF "$key" "$dir.log" "$dir/out"; status=1
    elif ! grep -rqE "HTTP 400|daily quota exhausted" "$dir.log" "$dir/out"; then
      echo "FAIL secrets/$name: the failure reason is not reported"; tail -5 "$dir.log"; status=1
    else
      echo "PASS secrets/$name: run failed, reason reported, key absent from $(grep -c . "$dir.log") log lines and outputs"
    fi
  done
fi
exit $status
