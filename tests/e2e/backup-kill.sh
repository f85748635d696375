#!/usr/bin/env bash
# Kill `shop-summary backup` with SIGKILL at random moments (default 50 times per target, full and
# incremental alternately, the store changing now and then). After every kill,
# `backup verify --at latest` must pass: latest/ always names a complete, verifiable backup.
# Targets: file:// always; s3:// too when SHOP_SUMMARY_TEST_S3_ENDPOINT (moto) and a Python with
# boto3 ($TEST_PYTHON) are available (skipped visibly otherwise).
# Env: SHOP_SUMMARY_BIN (default .build/debug/shop-summary), BACKUP_KILL_ITERATIONS (default 50).
set -u
cd "$(dirname "$0")/../.."
BIN=${SHOP_SUMMARY_BIN:-$PWD/.build/debug/shop-summary}
ITERATIONS=${BACKUP_KILL_ITERATIONS:-50}
[ -x "$BIN" ] || { echo "FAIL: binary $BIN not found (swift build first)"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export TMPDIR=$WORK/tmp   # archives of killed runs land here, removed with $WORK
mkdir -p "$TMPDIR"
DATA=$WORK/db

records() { # count seed → JSON lines with 96-dim vectors
  python3 - "$1" "$2" <<'PY'
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
for i in range(n):
    print(json.dumps({"id": f"s{seed}-{i}", "embedding": [rng.random() for _ in range(96)],
                      "document": f"가게 {i} 리뷰 요약 {seed}", "metadata": {"seed": seed}}))
PY
}

"$BIN" db create --data-dir "$DATA" --collection waiting_hotplace_examples --dimension 96 >/dev/null || exit 1
records 5000 1 > "$WORK/r1.jsonl"
"$BIN" db add --data-dir "$DATA" --collection waiting_hotplace_examples --file "$WORK/r1.jsonl" >/dev/null || exit 1

total_failures=0

kill_loop() { # URL LABEL
  local url=$1 label=$2
  local common=(--data-dir "$DATA" --backup-url "$url" --log-level error)
  "$BIN" backup "${common[@]}" >/dev/null || { echo "FAIL[$label]: baseline backup failed"; return 1; }
  duration() { # runs a backup, prints its wall time in seconds
    local a b; a=$(date +%s.%N); "$BIN" backup "${common[@]}" "$@" >/dev/null || return 1; b=$(date +%s.%N)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }'
  }
  local full incr
  full=$(duration) && incr=$(duration --incremental) && incr=$(duration --incremental) \
    || { echo "FAIL[$label]: baseline backups failed"; return 1; }
  echo "[$label] one backup takes: full $full s, incremental $incr s (including process start)"
  local failures=0 killed_running=0 i window pid out
  for i in $(seq 1 "$ITERATIONS"); do
    if [ $((i % 10)) -eq 0 ]; then   # the store changes now and then
      records 300 $((i + 100)) | "$BIN" db upsert --data-dir "$DATA" --collection waiting_hotplace_examples --file - >/dev/null
    fi
    local kind=(); window=$full; [ $((i % 2)) -eq 0 ] && kind=(--incremental) && window=$incr
    "$BIN" backup "${common[@]}" "${kind[@]}" >/dev/null 2>&1 &
    pid=$!
    # A random moment within the backup's usual duration: kills land in every phase.
    sleep "$(awk -v r="$RANDOM" -v w="$window" 'BEGIN { printf "%.3f", r / 32767 * w }')"
    if kill -0 "$pid" 2>/dev/null; then killed_running=$((killed_running + 1)); fi
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if ! out=$("$BIN" backup verify --at latest --backup-url "$url" 2>&1); then
      echo "FAIL[$label]: after kill $i latest does not verify:"; echo "$out" | head -5
      failures=$((failures + 1))
    fi
  done
  # The latest backup still restores into an empty directory.
  rm -rf "$WORK/restored"
  if ! "$BIN" init --data-dir "$WORK/restored" --backup-url "$url" --log-level error >/dev/null; then
    echo "FAIL[$label]: init from latest failed"; failures=$((failures + 1))
  fi
  local listing complete incomplete
  listing=$("$BIN" backup list --backup-url "$url" --log-level error)
  complete=$(grep -c "complete" <<<"$listing"); incomplete=$(grep -c "INCOMPLETE" <<<"$listing")
  echo "[$label] kills: $ITERATIONS ($killed_running while the backup was running); backups complete: $complete, incomplete left by kills: $incomplete; verify failures: $failures"
  if [ "$killed_running" -lt $((ITERATIONS / 2)) ]; then
    echo "FAIL[$label]: too few kills hit a running backup"; failures=$((failures + 1))
  fi
  total_failures=$((total_failures + failures))
}

kill_loop "file://$WORK/backups" file

if [ -n "${SHOP_SUMMARY_TEST_S3_ENDPOINT:-}" ] && [ -n "${TEST_PYTHON:-}" ] \
   && "$TEST_PYTHON" -c "import boto3" 2>/dev/null; then
  bucket="kill-$(date +%s)-$RANDOM"
  "$TEST_PYTHON" -c "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id='kill', aws_secret_access_key='kill').create_bucket(Bucket=sys.argv[2])" \
    "$SHOP_SUMMARY_TEST_S3_ENDPOINT" "$bucket" || { echo "FAIL: cannot create bucket"; exit 1; }
  export AWS_ENDPOINT_URL_S3=$SHOP_SUMMARY_TEST_S3_ENDPOINT AWS_ACCESS_KEY_ID=kill AWS_SECRET_ACCESS_KEY=kill \
    AWS_REGION=us-east-1
  kill_loop "s3://$bucket/vector-db-backups" s3
else
  echo "SKIP[s3]: needs SHOP_SUMMARY_TEST_S3_ENDPOINT and TEST_PYTHON with boto3 (tests/services/start-moto.sh)"
fi

[ "$total_failures" -eq 0 ] && echo "PASS" && exit 0
exit 1
