#!/usr/bin/env bash
# Issue 2 acceptance: `run` on the 2,000 real shops with the shipped mapping writes exactly one
# row per valid shop, all three categories non-empty, exit 0; prints wall time and peak RSS.
source "$(dirname "$0")/pipeline_lib.bash"
require_data
W=$(mktemp -d /tmp/e2e-run2000-XXXXXX); trap 'rm -rf "$W"' EXIT
TIMEV=()
[ -x /usr/bin/time ] && TIMEV=(/usr/bin/time -v -o "$W/time.txt")
"${TIMEV[@]}" "$BIN" run --input "$DATA/shops_2000.jsonl.gz" --mapping "$MAPPING" --data-dir "$W/db" \
  --output "$W/out" --backup-url "file://$W/backups" --run-id full --retry-delay 0 \
  > "$W/run.out" 2> "$W/run.err" || fail "run exited $?: $(tail -5 "$W/run.err")"
cat "$W/run.out"
[ -f "$W/time.txt" ] && grep -E "Elapsed|Maximum resident" "$W/time.txt"
"$PY" - "$W/out/full" <<'PY'
import collections, json, os, sys
run = sys.argv[1]
report = json.load(open(os.path.join(run, "report.json")))
valid = report["input"]["valid_shops"]
seen = collections.Counter()
for cat in ["fine_dining_and_susi_omakase", "low_to_mid_price_dining", "waiting_hotplace"]:
    rows = [json.loads(l) for l in open(os.path.join(run, cat + ".jsonl"))]
    assert rows, f"{cat} is empty"
    for r in rows:
        seen[r["shop_id"]] += 1
        assert r["status"] in ("ok", "failed")
        assert r["status"] == "ok" and r["summary"] or r["status"] == "failed" and r["error"], r["shop_id"]
    print(f"{cat}: {len(rows)} rows")
assert len(seen) == valid == 2000 and max(seen.values()) == 1, (len(seen), valid)
assert report["totals"]["duplicate_reviews_collapsed"] > 4000, report["totals"]
assert all(s["status"] == "ok" for s in report["steps"]), report["steps"]
print(f"one row per valid shop ({valid}); totals {report['totals']}")
PY
ls "$W"/backups/*/ > /dev/null || fail "no backup written"
echo PASS
