#!/usr/bin/env bash
# Kill `shop-summary backup` with SIGKILL at random moments (default 50 times, full and
# incremental alternately, the store changing between rounds). After every kill,
# `backup verify --at latest` must pass: latest/ always names a complete, verifiable backup.
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
URL=file://$WORK/backups
COMMON=(--data-dir "$DATA" --backup-url "$URL" --log-level error)

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

"$BIN" backup "${COMMON[@]}" >/dev/null || { echo "FAIL: baseline backup failed"; exit 1; }
duration() { # runs a backup, prints its wall time in seconds
  local a b; a=$(date +%s.%N); "$BIN" backup "${COMMON[@]}" "$@" >/dev/null || return 1; b=$(date +%s.%N)
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }'
}
full=$(duration) && incr=$(duration --incremental) && incr=$(duration --incremental) \
  || { echo "FAIL: baseline backups failed"; exit 1; }
echo "one backup takes: full $full s, incremental $incr s (including process start)"

failures=0; killed_running=0
for i in $(seq 1 "$ITERATIONS"); do
  if [ $((i % 10)) -eq 0 ]; then   # the store changes now and then
    records 300 $((i + 100)) | "$BIN" db upsert --data-dir "$DATA" --collection waiting_hotplace_examples --file - >/dev/null
  fi
  kind=(); window=$full; [ $((i % 2)) -eq 0 ] && kind=(--incremental) && window=$incr
  "$BIN" backup "${COMMON[@]}" "${kind[@]}" >/dev/null 2>&1 &
  pid=$!
  # A random moment within the backup's usual duration: kills land in every phase.
  sleep "$(awk -v r="$RANDOM" -v w="$window" 'BEGIN { printf "%.3f", r / 32767 * w }')"
  if kill -0 "$pid" 2>/dev/null; then killed_running=$((killed_running + 1)); fi
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if ! out=$("$BIN" backup verify --at latest --backup-url "$URL" 2>&1); then
    echo "FAIL: after kill $i latest does not verify:"; echo "$out" | head -5
    failures=$((failures + 1))
  fi
done

# The latest backup still restores into an empty directory.
if ! "$BIN" init --data-dir "$WORK/restored" --backup-url "$URL" --log-level error >/dev/null; then
  echo "FAIL: init from latest failed"; failures=$((failures + 1))
fi
listing=$("$BIN" backup list --backup-url "$URL" --log-level error)
complete=$(grep -c "complete" <<<"$listing"); incomplete=$(grep -c "INCOMPLETE" <<<"$listing")
echo "kills: $ITERATIONS ($killed_running while the backup was running); backups complete: $complete, incomplete left by kills: $incomplete; verify failures: $failures"
[ "$killed_running" -ge $((ITERATIONS / 2)) ] || { echo "FAIL: too few kills hit a running backup"; exit 1; }
[ "$failures" -eq 0 ] && echo "PASS" && exit 0
exit 1
