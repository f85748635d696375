#!/usr/bin/env bash
# Issue 6 acceptance: generate --shard i/4 for a category, merge combines them into one file that
# covers every shop once; a missing row makes merge list it and exit non-zero.
source "$(dirname "$0")/pipeline_lib.bash"
require_data
W=$(mktemp -d /tmp/e2e-shards-XXXXXX); trap 'rm -rf "$W"' EXIT
"$BIN" examples import --file "$EXAMPLES" --data-dir "$W/db" > /dev/null
CAT=fine_dining_and_susi_omakase
IN=(--input "$DATA/shops_2000.jsonl.gz" --mapping "$MAPPING")
for i in 1 2 3 4; do
  "$BIN" generate --category $CAT "${IN[@]}" --data-dir "$W/db" --output "$W/out" --run-id sh --shard $i/4 \
    > "$W/shard$i.out" 2>/dev/null &
done
wait
sizes=$(for i in 1 2 3 4; do wc -l < "$W/out/sh/$CAT.shard-$i-of-4.jsonl"; done | tr '\n' ' ')
echo "shard sizes: $sizes"
"$BIN" merge "${IN[@]}" --output "$W/out" --run-id sh --category $CAT > "$W/merge.out" 2>/dev/null \
  || fail "merge failed: $(cat "$W/merge.out")"
cat "$W/merge.out"
total=$("$PY" -c 'import json,sys; print(sum(json.load(open(f))["selected"] for f in sys.argv[1:]))' \
  "$W"/out/sh/reports/$CAT.shard-*-of-4.json)
check_once "$W/out/sh" "$CAT.shard-1-of-4" "$(wc -l < "$W/out/sh/$CAT.shard-1-of-4.jsonl")" > /dev/null
"$PY" - "$W/out/sh/$CAT.jsonl" "$total" <<'PY'
import json, sys
ids = [json.loads(l)["shop_id"] for l in open(sys.argv[1])]
assert len(ids) == len(set(ids)) == int(sys.argv[2]), (len(ids), len(set(ids)), sys.argv[2])
print(f"merged: {len(ids)} shops, no overlap, equals the sum of the shards' selections")
PY
# Drop one row from shard 2: merge must report it missing and exit 1.
sed -i '1d' "$W/out/sh/$CAT.shard-2-of-4.jsonl"
set +e; "$BIN" merge "${IN[@]}" --output "$W/out" --run-id sh --category $CAT > "$W/merge2.out" 2>/dev/null; rc=$?; set -e
cat "$W/merge2.out"
[ "$rc" -eq 1 ] || fail "merge with a missing shop exited $rc"
grep -q "missing 1:" "$W/merge2.out" || fail "merge did not list the missing shop"
echo PASS
