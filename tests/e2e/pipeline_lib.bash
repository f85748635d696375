# Shared helpers for the pipeline e2e scripts (sourced, not run: the runner only runs *.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${SHOP_SUMMARY_BIN:-$ROOT/.build/debug/shop-summary}
DATA=${SHOP_SUMMARY_SHARED_DATA:-$ROOT/../shared/data/naver-place-seoul}
MAPPING=$ROOT/config/mapping-naver-place.json
EXAMPLES=$ROOT/samples/examples.jsonl
PY=${TEST_PYTHON:-python3}

[ -x "$BIN" ] || { echo "binary $BIN missing: run 'swift build' first"; exit 1; }

# Skips (exit 0 with a visible message) when the shared data folder is absent.
require_data() {
  if [ ! -f "$DATA/shops_2000.jsonl.gz" ]; then
    echo "SKIP: shared data not found at $DATA (CI has it)"
    exit 0
  fi
}

fail() { echo "FAIL: $*"; exit 1; }

# Checks that every shop of a category output appears exactly once and that the ledger never
# holds two ok entries for the same shop/input/prompt key. Args: run_dir category expected_count
check_once() {
  "$PY" - "$1" "$2" "$3" <<'PY'
import collections, json, os, sys
run, cat, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(l) for l in open(os.path.join(run, cat + ".jsonl")) if l.strip()]
ids = [r["shop_id"] for r in rows]
dup = [i for i, n in collections.Counter(ids).items() if n > 1]
assert not dup, f"shops written twice in output: {dup[:10]}"
assert len(ids) == expected, f"output has {len(ids)} shops, expected {expected}"
ok_keys = collections.Counter()
for line in open(os.path.join(run, "ledger", cat + ".jsonl")):
    e = json.loads(line)
    if e["status"] == "ok":
        ok_keys[(e["shop_id"], e["input_hash"], e["prompt_version"])] += 1
twice = [k[0] for k, n in ok_keys.items() if n > 1]
assert not twice, f"shops generated (completed) twice: {twice[:10]}"
print(f"{cat}: {len(ids)} shops exactly once; ledger ok entries {sum(ok_keys.values())}, none repeated")
PY
}

# Prints `selected` of a category report. Args: run_dir category
selected_of() {
  "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["selected"])' "$1/reports/$2.json"
}
