#!/usr/bin/env bash
# Fault injection for the vector store (issue 3): kill -9 a writer at random moments, at least
# 200 times, during upserts, compaction and collection deletion. After every kill the store must
# open, `db verify` must pass, and every write acknowledged before the kill must be present.
#
# What is checked after EVERY kill (a Python driver below keeps an exact model of the store):
#  * `db verify` exits 0;
#  * collection `main` holds exactly the modelled rows (ids, document, metadata; the embedding
#    too every STORE_CRASH_VECTORS_EVERY iterations and at the end), and `db count` agrees:
#    every batch acknowledged ("acknowledged N through ID") holds its new values, including
#    replacements of older ids (a lost acknowledged replacement shows the old value and fails);
#    the one in-flight batch of the killed command holds either its new or its previous values,
#    for all its rows alike (all or nothing; a half-visible batch fails); later batches hold
#    their previous values; no other id exists. The in-flight batch's observed outcome becomes
#    part of the model, so later iterations check it stays that way;
#  * collection `tmp` (dropped under a kill): gone (`db count` exit 66) when the drop was
#    acknowledged; otherwise either gone or complete with every row it had;
#  * kills are counted only when they land inside store work: the writer is frozen (SIGSTOP)
#    at the chosen moment, /proc/PID/{maps,fd} must show store files mapped/open and the command
#    must not have printed its completion yet; then SIGKILL. A kill that finds the process not
#    yet in the store, already exited or done is a miss. Per mode the script prints where kills landed (batch
#    committed but unacknowledged, compaction/drop killed before or after its commit, files
#    left uncommitted, temp file open for writing) and requires minimums (see MIN_* below).
# At the end: an unkilled `db compact` must leave no unreferenced file behind, and a full check
# (with embeddings) and `db verify` must pass.
#
# Env: SHOP_SUMMARY_BIN (default .build/debug/shop-summary), STORE_CRASH_ITERATIONS (default
# 250; runs on past it, up to 2x, until the minimums are met), STORE_CRASH_MIN_KILLS (landed
# kills, default 200), STORE_CRASH_SEED (data and timing choices), STORE_CRASH_VECTORS_EVERY
# (default 1), STORE_CRASH_KEEP (copy the work folder there on failure), TEST_PYTHON.
# Runtime (debug build): ~1.5 min on 2 CPUs. (Before segment coding moved to dedicated threads,
# a one-CPU run took ~15 min: every command stalled ~1 s; tests/e2e/store-one-cpu.sh guards that.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SHOP_SUMMARY_BIN:-$ROOT/.build/debug/shop-summary}
if [ ! -x "$BIN" ]; then
  # Not a skip: scripts/test.sh always builds first, so a missing binary is a broken build.
  echo "FAIL: $BIN is missing or not executable (build with 'swift build' first)"; exit 1
fi
PY=${TEST_PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
  echo "FAIL: needs Python >= 3.8 ('$PY')"; exit 1
fi
if [ ! -r /proc/self/maps ]; then echo "FAIL: needs Linux /proc (kill evidence is read from /proc/PID)"; exit 1; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A private copy, so a concurrent `swift build` cannot swap the binary in the middle of the run.
cp "$BIN" "$WORK/shop-summary"
export SHOP_SUMMARY_DB_GC_GRACE=0
"$PY" - "$WORK" "$WORK/shop-summary" <<'PY'
import collections, json, os, random, shutil, signal, statistics, subprocess, sys, time

WORK, BIN = os.path.realpath(sys.argv[1]), sys.argv[2]
DB = WORK + "/db"
ITER = int(os.environ.get("STORE_CRASH_ITERATIONS") or 250)
MIN_KILLS = int(os.environ.get("STORE_CRASH_MIN_KILLS") or 200)
VECTORS_EVERY = max(1, int(os.environ.get("STORE_CRASH_VECTORS_EVERY") or 1))
SEED = int(os.environ.get("STORE_CRASH_SEED") or random.SystemRandom().randrange(1 << 31))
rng = random.Random(SEED)
DIM, BATCH = 8, 10
started = time.monotonic()

# One cycle of ten iterations: 4 upserts of 100 new rows, 2 upserts replacing 60 existing rows
# (with new values; some rows identical, some new ids), 2 compactions, 2 collection drops.
CYCLE = ["upsert", "replace", "upsert", "compact", "drop", "upsert", "replace", "upsert", "compact", "drop"]
MODES = ["upsert", "replace", "compact", "drop"]
per_mode_iterations = {m: sum(1 for j in range(1, ITER + 1) if CYCLE[j % 10] == m) for m in MODES}
# Minimums of kills that landed inside store work, per mode. The delays below are tuned so that
# about 80-95 % of kills land (anchored on the store being opened or on an acknowledgement,
# then a random delay spread over the measured length of the next step); requiring 60 % keeps
# headroom for a loaded machine while making sure each operation is killed mid-work dozens of
# times (not merely at process start-up). For compaction and drops, kills must also land on
# both sides of the commit point (a few each), which shows the delays cover the whole operation.
MIN_LANDED = {m: int(0.6 * n) for m, n in per_mode_iterations.items()}
MIN_PHASE = {  # (mode, phase): minimum count, as a fraction of that mode's iterations
    ("upsert+replace", "in-flight batch committed, unacknowledged"): 0.03,
    ("upsert+replace", "in-flight batch not committed"): 0.2,
    ("compact", "killed before its commit"): 0.1,
    ("compact", "killed after its commit, before acknowledging"): 0.1,
    ("drop", "killed before its commit (tmp intact)"): 0.1,
    ("drop", "killed after its commit, before acknowledging"): 0.1,
}
def phase_min(key):
    mode = key[0]
    n = per_mode_iterations["upsert"] + per_mode_iterations["replace"] if mode == "upsert+replace" else per_mode_iterations[mode]
    return max(1, int(MIN_PHASE[key] * n))

i, mode = 0, "setup"
stats = {m: collections.Counter() for m in MODES}
phases = collections.Counter()
kill_batches = collections.Counter()

def fail(msg, details=""):
    print(f"FAIL (iteration {i}, mode {mode}, STORE_CRASH_SEED={SEED}): {msg}")
    if details:
        print(details.rstrip())
    keep = os.environ.get("STORE_CRASH_KEEP")
    if keep:
        shutil.copytree(WORK, keep, symlinks=True, dirs_exist_ok=True)
        print(f"state kept in {keep}")
    sys.stdout.flush()
    os._exit(1)

def run(*args, ok=(0,)):
    try:
        r = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    except subprocess.TimeoutExpired:
        fail(f"`shop-summary {' '.join(args)}` timed out")
    if r.returncode not in ok:
        fail(f"`shop-summary {' '.join(args)}` exited {r.returncode}",
             r.stdout.decode(errors="replace")[-3000:] + r.stderr.decode(errors="replace")[-3000:])
    return r

# ---- data and the model ------------------------------------------------------------------------
def make(rid, gen):
    return {"id": rid, "embedding": [round(rng.uniform(-0.5, 0.5), 4) for _ in range(DIM)],
            "document": f"{rid} gen {gen} 리뷰", "metadata": {"gen": gen, "src": rid}}

def same(stored, rec, vectors):
    """stored: a `db get` record (or None = absent); rec: a model record (or None)."""
    if stored is None or rec is None:
        return stored is None and rec is None
    if stored.get("document") != rec["document"] or stored.get("metadata") != rec["metadata"]:
        return False
    if vectors:
        e = stored.get("embedding")
        return e is not None and len(e) == DIM and all(abs(a - b) <= 1e-6 for a, b in zip(e, rec["embedding"]))
    return True

def desc(rec):
    if rec is None:
        return "absent"
    return f"gen {rec.get('metadata', {}).get('gen')} ({rec.get('document')!r})"

def differs(stored, rec):
    fields = [k for k in ("document", "metadata") if stored.get(k) != rec[k]]
    if not fields and not same(stored, rec, True):
        fields = [f"embedding {stored.get('embedding')} vs {rec['embedding']}"]
    return ", ".join(fields)

def write_jsonl(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

model = {"main": {}, "tmp": None}  # tmp: None = collection does not exist

def get_all(coll, vectors):
    args = ["db", "get", "--data-dir", DB, "--collection", coll, "--json"] + (["--include-vectors"] if vectors else [])
    recs = json.loads(run(*args).stdout)
    stored = {r["id"]: r for r in recs}
    if len(stored) != len(recs):
        dup = [k for k, n in collections.Counter(r["id"] for r in recs).items() if n > 1]
        fail(f"`db get` of {coll} returned duplicate ids, e.g. {dup[:3]}")
    return stored

def compare(coll, stored, expected, vectors, why):
    missing = [k for k in expected if k not in stored]
    extra = [k for k in stored if k not in expected]
    wrong = [k for k in expected if k in stored and not same(stored[k], expected[k], vectors)]
    if missing or extra or wrong:
        lines = [f"{coll}: {len(missing)} expected ids missing, {len(extra)} unexpected ids, {len(wrong)} wrong values ({why})"]
        lines += [f"  missing {k}: expected {desc(expected[k])}" for k in missing[:3]]
        lines += [f"  unexpected {k}: {desc(stored[k])}" for k in extra[:3]]
        lines += [f"  {k}: stored {desc(stored[k])}, expected {desc(expected[k])}; differs in {differs(stored[k], expected[k])}"
              for k in wrong[:3]]
        fail(lines[0], "\n".join(lines[1:]))
    n = run("db", "count", "--data-dir", DB, "--collection", coll).stdout.decode().strip()
    if n != str(len(expected)):
        fail(f"`db count` of {coll} says {n}, the rows are {len(expected)}")

def check_main(plan, acked, vectors):
    """plan: the killed command's batches (new records); acked: how many were acknowledged.
    Returns whether the in-flight batch (plan[acked]) turned out committed (None: no such batch)."""
    stored = get_all("main", vectors)
    old = model["main"]
    new = dict(old)
    for batch in plan[:acked]:
        for r in batch:
            new[r["id"]] = r
    committed = None
    if acked < len(plan):
        batch = plan[acked]
        state = {}
        for r in batch:
            before = old.get(r["id"])
            if before is r:
                continue  # re-upserted unchanged: old and new are the same value
            s = stored.get(r["id"])
            if same(s, r, vectors):
                state[r["id"]] = "new"
            elif same(s, before, vectors):
                state[r["id"]] = "old"
            else:
                fail(f"in-flight batch {acked + 1}: {r['id']} holds {desc(s)}, neither its previous value {desc(before)} nor the new {desc(r)}")
        kinds = set(state.values())
        if len(kinds) > 1:
            fail(f"in-flight batch {acked + 1} is half visible: " + ", ".join(f"{k}={v}" for k, v in list(state.items())[:10]))
        committed = kinds == {"new"}
        if committed:
            for r in batch:
                new[r["id"]] = r
    compare("main", stored, new, vectors, f"{acked} of {len(plan)} batches acknowledged; in-flight batch "
            + ("committed" if committed else "absent" if committed is None else "not committed"))
    model["main"] = new
    return committed

def check_tmp(dropping, drop_acked):
    r = run("db", "count", "--data-dir", DB, "--collection", "tmp", ok=(0, 66))
    present = r.returncode == 0
    if not present and b"not found" not in r.stderr:
        fail("`db count --collection tmp` exited 66 without 'not found'", r.stderr.decode(errors="replace"))
    if dropping:
        if drop_acked and present:
            fail("the drop of tmp was acknowledged, but tmp still exists")
    elif present != (model["tmp"] is not None):
        fail("tmp " + ("reappeared" if present else "vanished") + " without a drop")
    if present:
        compare("tmp", get_all("tmp", True), model["tmp"], True, "drop not acknowledged: all or nothing")
    else:
        model["tmp"] = None
    return present

# ---- files on disk -------------------------------------------------------------------------------
def unreferenced():
    """Files in data/ that no manifest on disk names, plus temp files: what an interrupted write
    (or an interrupted garbage collection) leaves behind."""
    out = set()
    base = DB + "/collections"
    for coll in (os.listdir(base) if os.path.isdir(base) else []):
        cdir, refs = f"{base}/{coll}", set()
        mdir = cdir + "/manifests"
        for name in (os.listdir(mdir) if os.path.isdir(mdir) else []):
            if name.startswith(".tmp-"):
                out.add(f"{coll}/manifests/{name}")
                continue
            with open(f"{mdir}/{name}", "rb") as f:
                body = json.loads(f.read().split(b"\n", 1)[1])
            for seg in body.get("segments", []):
                for key in ("data", "tombstones", "index"):
                    if seg.get(key):
                        refs.add(seg[key]["file"])
        ddir = cdir + "/data"
        for name in (os.listdir(ddir) if os.path.isdir(ddir) else []):
            if "data/" + name not in refs:
                out.add(f"{coll}/data/{name}")
    return out

def newest_version(coll):
    mdir = f"{DB}/collections/{coll}/manifests"
    vs = [int(n[2:-9]) for n in os.listdir(mdir) if n.startswith("m-") and n.endswith(".manifest")] if os.path.isdir(mdir) else []
    return max(vs, default=0)

# ---- running and killing -------------------------------------------------------------------------
def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
        return chr(s[s.rindex(b")") + 2])
    except (FileNotFoundError, ProcessLookupError):
        return "X"

def mapped(pid, sub):
    try:
        with open(f"/proc/{pid}/maps", "rb") as f:
            return (DB + sub).encode() in f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False

def read_out():
    with open(WORK + "/out", "rb") as f:
        return f.read().decode(errors="replace")

def ack_count():
    return read_out().count("acknowledged ")

def wait_until(p, cond, ack_times=None):
    """Polls every 0.5 ms until cond() or the process ends (returns False then)."""
    deadline = time.monotonic() + 120
    seen = 0
    while not cond():
        if proc_state(p.pid) in "ZX":
            return False
        if time.monotonic() > deadline:
            p.kill()
            fail("the command made no progress for 120 s", read_out()[-2000:])
        if ack_times is not None:
            n = ack_count()
            if n > seen:
                ack_times.extend([time.monotonic()] * (n - seen))
                seen = n
        time.sleep(0.0005)
    return True

def freeze_and_kill(p):
    """SIGSTOP, wait until every thread is stopped, record what the process had open, SIGKILL."""
    pid = p.pid
    os.kill(pid, signal.SIGSTOP)  # a not yet reaped (zombie) child accepts signals too
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            states = [proc_state(f"{pid}/task/{t}") for t in os.listdir(f"/proc/{pid}/task")]
        except FileNotFoundError:
            states = []
        if all(s in "tTZX" for s in states):
            break
        time.sleep(0.0002)
    alive = proc_state(pid) not in "ZX"
    fds = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                fds.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
    except OSError:
        pass
    store_fds = [t for t in fds if t.startswith(DB + "/")]
    ev = {"alive": alive, "mapped": alive and mapped(pid, "/collections/"), "store_fds": store_fds,
          "writing": any("/.tmp-" in t for t in store_fds)}
    os.kill(pid, signal.SIGKILL)
    ev["rc"] = p.wait()
    if alive and ev["rc"] != -signal.SIGKILL:
        fail(f"the frozen writer ended with {ev['rc']} instead of SIGKILL")
    return ev

batch_intervals = collections.deque([0.005], maxlen=100)  # measured time between acknowledgements
# Adaptive delay bounds (seconds) after an anchor: "compact"/"drop" from the store being opened,
# "*-post" from the operation's commit (its manifest appearing) to its acknowledgement.
window = {"compact": 0.015, "drop": 0.004, "compact-post": 0.002, "drop-post": 0.002, "upsert-post": 0.002}
P_POST = 0.25  # share of kills anchored on the commit, so the short post-commit part is hit often

def manifest_path(coll, version):
    return f"{DB}/collections/{coll}/manifests/m-{version:020d}.manifest"

def wait_commit(p, coll):
    """Waits for the command's next commit of coll (the next manifest appearing)."""
    v = newest_version(coll)
    return wait_until(p, lambda: os.path.exists(manifest_path(coll, v + 1)))

def start(args):
    out = open(WORK + "/out", "wb")
    err = open(WORK + "/err", "wb")
    p = subprocess.Popen([BIN, *args], stdout=out, stderr=err)
    out.close(); err.close()
    return p

def upsert_plan(recs):
    return [recs[k:k + BATCH] for k in range(0, len(recs), BATCH)]

def parse_acks(plan):
    lines = [l for l in read_out().splitlines() if l.strip()]
    for n, line in enumerate(lines):
        want = f"acknowledged {len(plan[n])} through {plan[n][-1]['id']}" if n < len(plan) else None
        if line != want:
            fail(f"unexpected output line {n + 1}: {line!r} (expected {want!r})")
    return len(lines)

# ---- setup ---------------------------------------------------------------------------------------
run("db", "create", "--data-dir", DB, "--collection", "main", "--dimension", str(DIM))
seed = [make(f"s-{k}", 0) for k in range(2000)]
write_jsonl(WORK + "/in.jsonl", seed)
run("db", "upsert", "--data-dir", DB, "--collection", "main", "--file", WORK + "/in.jsonl")
model["main"] = {r["id"]: r for r in seed}
never_committed = []  # ids of batches that were killed before their commit (upserted again later)

def met():
    landed_ok = all(stats[m]["landed"] >= MIN_LANDED[m] for m in MODES)
    phases_ok = all(phases[k] >= phase_min(k) for k in MIN_PHASE)
    return landed_ok and phases_ok and sum(s["landed"] for s in stats.values()) >= MIN_KILLS

print(f"store-crash: {ITER} iterations (seed {SEED}), binary {sys.argv[2]}", flush=True)
i = 0
while True:
    i += 1
    if i > 2 * ITER or (i > ITER and met()):
        i -= 1
        break
    mode = CYCLE[i % 10]
    st = stats[mode]
    st["iterations"] += 1
    before_files = unreferenced()
    before_version = newest_version("main")
    plan, acked, drop_acked = [], 0, False
    post = rng.random() < P_POST
    wkey = ("upsert" if mode == "replace" else mode) + ("-post" if post else "")
    if mode in ("upsert", "replace"):
        if mode == "upsert":
            recs = [make(f"r{i}-{k}", i) for k in range(100)]
        else:
            # 60 rows: mostly replacements of existing rows (new values), a few re-upserted
            # unchanged, a few ids of batches that never committed, the rest brand new.
            ids = rng.sample(sorted(model["main"]), 48)
            recs = [make(x, i) for x in ids[:42]] + [model["main"][x] for x in ids[42:]]
            retry = [x for x in dict.fromkeys(never_committed) if x not in model["main"]][:6]
            recs += [make(x, i) for x in retry] + [make(f"n{i}-{k}", i) for k in range(12 - len(retry))]
            rng.shuffle(recs)
        plan = upsert_plan(recs)
        write_jsonl(WORK + "/in.jsonl", recs)
        p = start(["db", "upsert", "--data-dir", DB, "--collection", "main", "--file", WORK + "/in.jsonl",
                   "--batch-size", str(BATCH)])
        target = rng.randrange(len(plan))  # kill inside this batch (0 = the first)
        times = []
        if target == 0:
            reached = wait_until(p, lambda: mapped(p.pid, "/collections/main/"))
        else:
            reached = wait_until(p, lambda: ack_count() >= target, times)
        batch_intervals.extend(b - a for a, b in zip(times, times[1:]) if b > a)
        if reached and post:  # between this batch's commit and its acknowledgement
            if wait_commit(p, "main"):
                time.sleep(rng.uniform(0, window[wkey]))
        elif reached:
            time.sleep(rng.uniform(0, 1.25 * statistics.median(batch_intervals)))
    elif mode == "compact":
        p = start(["db", "compact", "--data-dir", DB])
        if wait_until(p, lambda: mapped(p.pid, "/collections/")) and (not post or wait_commit(p, "main")):
            time.sleep(rng.uniform(0, window[wkey]))
    else:  # drop
        run("db", "create", "--data-dir", DB, "--collection", "tmp", "--dimension", str(DIM), "--if-missing")
        rows = [make(f"t{i}-{k}", i) for k in range(20)]
        write_jsonl(WORK + "/tmp.jsonl", rows)
        # Four segments (batches of 5), so the drop has several files to collect.
        r = run("db", "upsert", "--data-dir", DB, "--collection", "tmp", "--file", WORK + "/tmp.jsonl", "--batch-size", "5")
        if r.stdout.decode().count("acknowledged ") != 4:
            fail("tmp setup upsert did not acknowledge its 4 batches", r.stdout.decode())
        model["tmp"] = dict(model["tmp"] or {}, **{x["id"]: x for x in rows})
        before_files = unreferenced()
        p = start(["db", "delete", "--data-dir", DB, "--collection", "tmp", "--drop-collection"])
        if wait_until(p, lambda: mapped(p.pid, "/collections/tmp/")) and (not post or wait_commit(p, "tmp")):
            time.sleep(rng.uniform(0, window[wkey]))

    ev = freeze_and_kill(p)
    out = read_out()
    if mode in ("upsert", "replace"):
        acked = parse_acks(plan)
        done = acked == len(plan)
    elif mode == "compact":
        done = "compacted " in out
    else:
        drop_acked = done = "deleted collection tmp" in out
    if not ev["alive"]:
        if ev["rc"] != 0 or not done:
            fail(f"the command exited {ev['rc']} on its own before the kill", out[-2000:] + open(WORK + "/err", errors="replace").read()[-2000:])
    landed = ev["alive"] and not done and (ev["mapped"] or bool(ev["store_fds"]))
    st["kills"] += ev["alive"]
    st["landed"] += landed
    st["missed: too early (store not open yet)"] += ev["alive"] and not done and not landed
    st["missed: too late (done)"] += not ev["alive"] or done
    if wkey in window:
        # Grow slowly on a landed kill, shrink fast on a miss: settles where ~18 % of kills miss, i.e.
        # the window is a bit longer than the operation, so kills cover all of it.
        window[wkey] = min(2.0, max(0.0005, window[wkey] * (1.05 if landed else 0.8)))
    left = unreferenced() - before_files
    if landed:
        st["left uncommitted/unreferenced files"] += bool(left)
        st["temp file open for writing"] += ev["writing"]

    # ---- the checks, after every kill ----
    r = run("db", "verify", "--data-dir", DB, ok=(0, 1, 2, 64, 65, 66, 70, 75))
    if r.returncode != 0:
        fail(f"`db verify` exited {r.returncode} after the kill", r.stdout.decode(errors="replace")[-3000:] + r.stderr.decode(errors="replace")[-3000:])
    vectors = i % VECTORS_EVERY == 0
    committed = check_main(plan, acked, vectors)
    if mode in ("upsert", "replace"):
        if committed is False:
            never_committed += [x["id"] for x in plan[acked]]
        if landed:
            kill_batches[acked] += 1
            phase = "in-flight batch committed, unacknowledged" if committed else "in-flight batch not committed"
            phases[("upsert+replace", phase)] += 1
    tmp_present = check_tmp(mode == "drop", drop_acked)
    if landed and mode == "compact":
        phases[("compact", "killed after its commit, before acknowledging" if newest_version("main") > before_version
                else "killed before its commit")] += 1
    if landed and mode == "drop":
        phases[("drop", "killed before its commit (tmp intact)" if tmp_present
                else "killed after its commit, before acknowledging")] += 1
    if i % 25 == 0:
        landed_total = sum(s["landed"] for s in stats.values())
        print(f"iteration {i}: {landed_total} kills landed in store work ("
              + ", ".join(f"{m} {stats[m]['landed']}/{stats[m]['iterations']}" for m in MODES)
              + f"), {len(model['main'])} rows all as modelled, verify ok, {time.monotonic() - started:.0f} s", flush=True)

mode = "final"
# An unkilled compaction must work on the crashed store and collect every leftover file.
run("db", "compact", "--data-dir", DB)
left = unreferenced()
if left:
    fail(f"{len(left)} unreferenced file(s) remain after a final `db compact` with GC grace 0", "\n".join(sorted(left)[:10]))
check_main([], 0, True)
check_tmp(False, False)
run("db", "verify", "--data-dir", DB)

landed_total = sum(s["landed"] for s in stats.values())
print(f"\n{i} iterations in {time.monotonic() - started:.0f} s; kills that landed inside store work, per mode:")
for m in MODES:
    s = stats[m]
    extra = ", ".join(f"{k} {s[k]}" for k in ("missed: too early (store not open yet)", "missed: too late (done)", "left uncommitted/unreferenced files", "temp file open for writing"))
    print(f"  {m:8} {s['landed']:4} landed of {s['iterations']} iterations (need >= {MIN_LANDED[m]}); {extra}")
for k in MIN_PHASE:
    print(f"  {k[0]:15} {k[1]}: {phases[k]} (need >= {phase_min(k)})")
print("  upsert kills by batches acknowledged before the kill: "
      + " ".join(f"{b}:{kill_batches[b]}" for b in sorted(kill_batches)))
print("  delay windows at the end (ms): " + ", ".join(f"{k} {v * 1000:.1f}" for k, v in window.items())
      + f", upsert batch {statistics.median(batch_intervals) * 1000:.1f}")
problems = [f"{m}: {stats[m]['landed']} landed < {MIN_LANDED[m]}" for m in MODES if stats[m]["landed"] < MIN_LANDED[m]]
problems += [f"{k[0]} '{k[1]}': {phases[k]} < {phase_min(k)}" for k in MIN_PHASE if phases[k] < phase_min(k)]
if landed_total < MIN_KILLS:
    problems.append(f"only {landed_total} kills landed inside store work (need >= {MIN_KILLS})")
if problems:
    print("FAIL: kills did not cover the operations: " + "; ".join(problems))
    sys.exit(1)
print(run("db", "stats", "--data-dir", DB).stdout.decode().rstrip())
print(f"PASS: {landed_total} kill -9 inside store work ({sum(s['kills'] for s in stats.values())} hit a live writer in {i} iterations), "
      f"{len(model['main'])} rows exactly as acknowledged, verify ok after each")
PY
