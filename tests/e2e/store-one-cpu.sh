#!/usr/bin/env bash
# A store command on one CPU (a one-CPU pod or cpuset) must not stall. Opening a segment codes it
# on a second thread; when that work went to the Dispatch pool, which Swift concurrency's executor
# shares, the blocked caller held the only pool thread and every command stalled ≈ 1 s until
# Dispatch noticed (1 to 7 of 9 runs of `db count` on 300 rows). A hang detector, not a benchmark:
# of 18 runs (count and query, 9 each) at most 2 may take over 0.5 s (a normal run takes 0.02 s).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SHOP_SUMMARY_BIN:-$ROOT/.build/debug/shop-summary}
PY=${TEST_PYTHON:-python3}
[ -x "$BIN" ] || { echo "FAIL: $BIN not built (run 'swift build' first)"; exit 1; }
command -v taskset >/dev/null || { echo "FAIL: taskset (util-linux) is missing"; exit 1; }
W=$(mktemp -d /tmp/e2e-one-cpu-XXXXXX); trap 'rm -rf "$W"' EXIT
"$BIN" db create --data-dir "$W/db" --collection c --dimension 8 > /dev/null
"$PY" -c '
import random
rng = random.Random(3)
for i in range(300):
    print("{\"id\":\"r%d\",\"embedding\":[%s]}" % (i, ",".join("%.4f" % rng.random() for _ in range(8))))' > "$W/rows.jsonl"
"$BIN" db add --data-dir "$W/db" --collection c --file "$W/rows.jsonl" > /dev/null
"$PY" - "$BIN" "$W/db" <<'PY'
import statistics, subprocess, sys, time
bin_, db = sys.argv[1], sys.argv[2]
times = []
for cmd in (["db", "count", "--collection", "c"], ["db", "query", "--collection", "c", "--vector", "[1,0,0,0,0,0,0,0]", "-k", "3"]):
    for _ in range(9):
        t = time.perf_counter()
        p = subprocess.run(["taskset", "-c", "0", bin_] + cmd + ["--data-dir", db], capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        assert p.returncode == 0, p.stderr
    print(f"one CPU: {' '.join(cmd[:2])}: {', '.join(f'{x * 1000:.0f}' for x in times[-9:])} ms")
slow = [x for x in times if x > 0.5]
assert len(slow) <= 2, f"{len(slow)} of {len(times)} one-CPU runs stalled over 0.5 s: {slow}"
print("PASS")
PY
