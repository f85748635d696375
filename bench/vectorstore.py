"""Orchestrates bench/vectorstore: data sets, one fresh process per measured step, report.

Every system gets the same seeded data, the same 10-NN cosine queries (one at a time, one
thread) and the same filter (`part == 0`, a third of the rows; on the real set `cuisine == 한식`).
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
DATA = WORK / "data"
RUNS = WORK / "runs"
BIN = os.environ["VECTOR_BENCH_BIN"]
PY = sys.executable
REAL = (HERE.parent / ".." / "shared" / "data" / "review-embeddings").resolve()
SYNTH_QUERIES = 200


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# MARK: - data

def make_uniform(n, dim, seed):
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def make_realistic(n, dim, seed):
    """64-d standard-normal latent × fixed random 64×dim matrix + 0.5·noise, normalised (issue 3)."""
    basis = np.random.default_rng(12345).standard_normal((64, dim)).astype("float32")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 64)).astype("float32") @ basis
    x += 0.5 * rng.standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_topk(x, q, k=10, mask=None):
    s = q @ x.T
    if mask is not None:
        s[:, ~mask] = -np.inf
    ids = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return ids.astype("int32"), np.take_along_axis(s, ids, axis=1).astype("float32")


def dataset(kind, n):
    """Returns dict(name, vectors, queries, gt_ids, gt_scores, fgt_ids, fgt_scores, where, cuisines)."""
    d = DATA / f"{kind}-{n}"
    d.mkdir(parents=True, exist_ok=True)
    if not (d / "gt_ids.npy").exists():
        gen = make_uniform if kind == "uniform" else make_realistic
        x = gen(n, 768, seed=n)
        q = gen(SYNTH_QUERIES, 768, seed=n + 1)
        np.save(d / "vectors.npy", x)
        np.save(d / "queries.npy", q)
        ids, sc = exact_topk(x, q)
        np.save(d / "gt_ids.npy", ids); np.save(d / "gt_scores.npy", sc)
        mask = np.arange(n) % 3 == 0
        ids, sc = exact_topk(x, q, mask=mask)
        np.save(d / "fgt_ids.npy", ids); np.save(d / "fgt_scores.npy", sc)
    return {"name": f"{kind}-{n}", "dir": d, "vectors": d / "vectors.npy", "queries": d / "queries.npy",
            "gt": (np.load(d / "gt_ids.npy"), np.load(d / "gt_scores.npy")),
            "fgt": (np.load(d / "fgt_ids.npy"), np.load(d / "fgt_scores.npy")),
            "where": '{"part": {"$eq": 0}}', "cuisines": None}


def real_dataset():
    d = DATA / "real"
    d.mkdir(parents=True, exist_ok=True)
    cuisines = d / "cuisines.txt"
    if not cuisines.exists():
        rows = [json.loads(l) for l in open(REAL / "passages.jsonl", encoding="utf-8")]
        cuisines.write_text("\n".join((r.get("cuisine") or "") for r in rows), encoding="utf-8")
    return {"name": "real-15995", "dir": d, "vectors": REAL / "passages.npy", "queries": REAL / "queries.npy",
            "gt": (np.load(REAL / "gt_top10_ids.npy"), np.load(REAL / "gt_top10_scores.npy")),
            "fgt": (np.load(REAL / "gt_filtered_cuisine_top10_ids.npy"),
                    np.load(REAL / "gt_filtered_cuisine_top10_scores.npy")),
            "where": '{"cuisine": {"$eq": "한식"}}', "cuisines": cuisines}


def recall(results, gt, vectors, queries):
    """Tie-aware recall@10: a hit counts when it is in the true top 10 or scores ≥ the 10th true score."""
    gt_ids, gt_scores = gt
    x = np.load(vectors, mmap_mode="r")
    q = np.load(queries)
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    hits = 0
    for i, found in enumerate(results):
        truth = set(int(v) for v in gt_ids[i])
        tenth = float(gt_scores[i][-1])
        for r in found[:10]:
            if r in truth:
                hits += 1
            elif r >= 0:
                v = np.asarray(x[r], dtype="float32")
                if float(q[i] @ (v / np.linalg.norm(v))) >= tenth - 1e-5:
                    hits += 1
    return hits / (10 * len(results))


# MARK: - processes

def run_json(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {cmd[1]} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


def du(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def store_path(system, ds, run_dir):
    return run_dir / f"{system}-{ds['name']}"


def ingest_system(system, ds, run_dir):
    """One ingest of every row into a fresh store (fresh process)."""
    store = store_path(system, ds, run_dir)
    shutil.rmtree(store, ignore_errors=True)
    if system == "ours":
        ingest = ["--dir", store, "--name", "bench", "--vectors", ds["vectors"]]
        if ds["cuisines"]:
            ingest += ["--cuisines", ds["cuisines"]]
        r = run_json([BIN, "store-ingest"] + ingest)
    else:
        w = [PY, HERE / "peers" / "chroma_worker.py"]
        r = run_json(w + ["ingest", store, "bench", ds["vectors"]] + ([ds["cuisines"]] if ds["cuisines"] else []))
    return {"ingest_s": r["ingest_s"], "ingest_cpu_s": r.get("ingest_cpu_s", float("nan")), "ingest_rss": r["peak_rss"],
            "disk_bytes": du(store)}


def query_round(system, ds, run_dir, rnd):
    """One round: every query unfiltered, then filtered, then one cold start (each a fresh process)."""
    store = store_path(system, ds, run_dir)
    res_path = run_dir / f"{system}-{ds['name']}-results-{rnd}.json"
    fres_path = run_dir / f"{system}-{ds['name']}-fresults-{rnd}.json"
    if system == "ours":
        base = ["--dir", store, "--name", "bench", "--queries", ds["queries"]]
        r_q = run_json([BIN, "store-query"] + base + ["--out", res_path])
        r_f = run_json([BIN, "store-query"] + base + ["--out", fres_path, "--where", ds["where"]])
        cold = run_json([BIN, "store-cold"] + base)["wall_s"]
    else:
        w = [PY, HERE / "peers" / "chroma_worker.py"]
        r_q = run_json(w + ["query", store, "bench", ds["queries"], res_path])
        r_f = run_json(w + ["query", store, "bench", ds["queries"], fres_path, ds["where"]])
        cold = run_json(w + ["cold", store, "bench", ds["queries"]])["wall_s"]
    return {"p50_ms": r_q["p50_ms"], "p99_ms": r_q["p99_ms"], "qps": r_q["qps"], "query_rss": r_q["peak_rss"],
            "cpu_p50_ms": r_q.get("cpu_p50_ms", float("nan")), "filtered_cpu_p50_ms": r_f.get("cpu_p50_ms", float("nan")),
            "filtered_p50_ms": r_f["p50_ms"], "cold_s": cold,
            "first_query_s": r_q["first_query_s"], "open_s": r_q["open_s"],
            "recall": recall(json.load(open(res_path)), ds["gt"], ds["vectors"], ds["queries"]),
            "filtered_recall": recall(json.load(open(fres_path)), ds["fgt"], ds["vectors"], ds["queries"])}


def measure_systems(ds, run_dir, rounds):
    """Ingest into both stores, then `rounds` query rounds that alternate which system goes first
    (ours, chroma | chroma, ours | ...), so a slow spell of the shared VM hits both; every figure
    is the median over the rounds, and the per-round p50s are kept in results.json."""
    out = {}
    for system in ("ours", "chroma"):
        log(f"   {system}: ingest")
        out[system] = ingest_system(system, ds, run_dir)
    per_round = {"ours": [], "chroma": []}
    for rnd in range(rounds):
        order = ("ours", "chroma") if rnd % 2 == 0 else ("chroma", "ours")
        for system in order:
            log(f"   {system}: query round {rnd + 1}/{rounds}")
            per_round[system].append(query_round(system, ds, run_dir, rnd))
    for system, rs in per_round.items():
        for key in rs[0]:
            out[system][key] = statistics.median(r[key] for r in rs)
        out[system]["recall_min"] = min(r["recall"] for r in rs)
        out[system]["filtered_recall_min"] = min(r["filtered_recall"] for r in rs)
        out[system]["p50_rounds_ms"] = [r["p50_ms"] for r in rs]
        out[system]["filtered_p50_rounds_ms"] = [r["filtered_p50_ms"] for r in rs]
    return out


def measure_references(ds, run_dir):
    out = run_dir / f"refs-{ds['name']}.json"
    r = run_json([PY, HERE / "peers" / "lib_worker.py", ds["vectors"], ds["queries"], out])
    res = json.load(open(out))
    for key in ("hnswlib_ef64", "hnswlib_ef128", "faiss_flat"):
        r[key]["recall"] = recall(res[key], ds["gt"], ds["vectors"], ds["queries"])
    return r


def measure_index(ds, run_dir, efs):
    out = run_dir / f"index-{ds['name']}.json"
    r = run_json([BIN, "index", "--vectors", ds["vectors"], "--queries", ds["queries"], "--ef", efs, "--out", out])
    res = json.load(open(out))
    r["exact"]["recall"] = recall(res["exact"], ds["gt"], ds["vectors"], ds["queries"])
    r["quantized"]["recall"] = recall(r["quantized"].pop("results"), ds["gt"], ds["vectors"], ds["queries"])
    if "results" in r.get("projected", {}):
        r["projected"]["recall"] = recall(r["projected"].pop("results"), ds["gt"], ds["vectors"], ds["queries"])
    for ef, rows in res["hnsw"].items():
        r["hnsw"][ef]["recall"] = recall(rows, ds["gt"], ds["vectors"], ds["queries"])
    return r


# MARK: - report

def fmt_bytes(n):
    return f"{n / 1e6:.1f} MB"


def table(results):
    lines = ["| data | system | ingest s | p50 ms | p99 ms | QPS | recall@10 | filtered p50 ms | filtered recall | cold s | disk | query RSS | CPU p50 ms (filtered) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        for system in ("ours", "chroma"):
            s = r.get(system)
            if not s:
                continue
            lines.append(f"| {name} | {system} | {s['ingest_s']:.2f} (CPU {s['ingest_cpu_s']:.2f}) | {s['p50_ms']:.3f} | {s['p99_ms']:.3f} | {s['qps']:.0f} | "
                         f"{s['recall']:.3f} | {s['filtered_p50_ms']:.3f} | {s['filtered_recall']:.3f} | {s['cold_s']:.3f} | "
                         f"{fmt_bytes(s['disk_bytes'])} | {fmt_bytes(s['query_rss'])} | {s['cpu_p50_ms']:.3f} ({s['filtered_cpu_p50_ms']:.3f}) |")
        refs = r.get("refs")
        if refs:
            for key in ("hnswlib_ef64", "hnswlib_ef128", "faiss_flat"):
                v = refs[key]
                build = f"{refs['hnswlib_build_s']:.2f} (CPU {refs['hnswlib_build_cpu_s']:.2f})" if key.startswith("hnswlib") else "-"
                lines.append(f"| {name} | {key} (in memory) | {build} | {v['p50_ms']:.3f} | {v['p99_ms']:.3f} | {v['qps']:.0f} | {v['recall']:.3f} | - | - | - | - | - | {v['cpu_p50_ms']:.3f} |")
        idx = r.get("index")
        if idx:
            e = idx["exact"]
            lines.append(f"| {name} | VectorIndex flat (in memory) | - | {e['p50_ms']:.3f} | {e['p99_ms']:.3f} | {e['qps']:.0f} | {e['recall']:.3f} | - | - | - | - | - | {e['cpu_p50_ms']:.3f} |")
            qz = idx["quantized"]
            lines.append(f"| {name} | VectorIndex quantised exact (in memory; 8-bit codes {fmt_bytes(qz['code_bytes'])}) | {qz['build_s']:.2f} | {qz['p50_ms']:.3f} | {qz['p99_ms']:.3f} | {qz['qps']:.0f} | {qz['recall']:.3f} | - | - | - | - | - | {qz['cpu_p50_ms']:.3f} |")
            pj = idx.get("projected", {})
            if "recall" in pj:
                lines.append(f"| {name} | VectorIndex projected exact (in memory; rank {pj['rank']}, {fmt_bytes(pj['code_bytes'])}) | {pj['build_s']:.2f} | {pj['p50_ms']:.3f} | {pj['p99_ms']:.3f} | {pj['qps']:.0f} | {pj['recall']:.3f} | - | - | - | - | - | {pj['cpu_p50_ms']:.3f} |")
            elif pj:
                lines.append(f"| {name} | VectorIndex projected exact (in memory) | {pj.get('build_s', 0):.2f} | {pj.get('skipped', '-')} | - | - | - | - | - | - | - | - | - |")
            for ef, v in sorted(idx["hnsw"].items(), key=lambda kv: int(kv[0])):
                lines.append(f"| {name} | VectorIndex HNSW ef {ef} (in memory) | {idx['build_s']:.2f} (CPU {idx['build_cpu_s']:.2f}) | {v['p50_ms']:.3f} | {v['p99_ms']:.3f} | {v['qps']:.0f} | {v['recall']:.3f} | - | - | - | - | - | {v['cpu_p50_ms']:.3f} |")
            lines.append(f"| {name} | memory bandwidth bound (one scan; median of 9, best {idx.get('bandwidth_best_ms', idx['bandwidth_bound_ms']):.3f}) | - | {idx['bandwidth_bound_ms']:.3f} | - | - | - | - | - | - | {idx['bandwidth_gbps']:.1f} GB/s | - | - |")
    return "\n".join(lines)


def ratio(a, b):
    return float("nan") if not b else a / b


def main():
    quick = "--quick" in sys.argv
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RUNS / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    if quick:
        plan = [("realistic", 2_000), ("realistic", 20_000)]
    else:
        plan = [("uniform", 2_000), ("realistic", 2_000), ("uniform", 20_000), ("realistic", 20_000),
                ("realistic", 100_000)]
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), None)
    if only:  # e.g. --only=realistic-100000 (iterating on one set; the report needs a full run)
        plan = [(k, n) for k, n in plan if f"{k}-{n}" == only]
    sets = [dataset(k, n) for k, n in plan]
    if only and only != "real-15995":
        log(f"   --only={only}: the other sets are skipped")
    elif (REAL / "passages.npy").exists():
        sets.append(real_dataset())
    else:
        log(f"!! real review embeddings not found at {REAL}: skipping the real set")
    results = {}
    for ds in sets:
        log(f"== {ds['name']}")
        r = measure_systems(ds, run_dir, rounds=3)
        n = np.load(ds["vectors"], mmap_mode="r").shape[0]
        if not quick or ds["name"].startswith("real-"):
            log("   VectorIndex (in memory)")
            r["index"] = measure_index(ds, run_dir, "64,128,256,512" if n >= 15_000 else "64,128")
            log("   hnswlib / faiss")
            r["refs"] = measure_references(ds, run_dir)
        results[ds["name"]] = r
        shutil.rmtree(run_dir / f"chroma-{ds['name']}", ignore_errors=True)
        shutil.rmtree(run_dir / f"ours-{ds['name']}", ignore_errors=True)

    machine = {"cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
               "cores": os.cpu_count(), "python": platform.python_version(), "kernel": platform.release(),
               "mode": "quick" if quick else "full", "elapsed_s": time.time() - t0}
    (run_dir / "results.json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    print(f"machine: {machine}")
    print(table(results))
    print("Query rounds (fresh processes, alternating which system goes first); the table shows their medians:")
    for name, r in results.items():
        for system in ("ours", "chroma"):
            rounds = ", ".join(f"{v:.3f}" for v in r[system]["p50_rounds_ms"])
            frounds = ", ".join(f"{v:.3f}" for v in r[system]["filtered_p50_rounds_ms"])
            print(f"  {name} {system}: p50 ms per round [{rounds}], filtered [{frounds}]")
    keys = {}
    two, twenty, real = results.get("realistic-2000"), results.get("realistic-20000"), results.get("real-15995")
    if two:
        keys.update(qps_ratio_2k=ratio(two["ours"]["qps"], two["chroma"]["qps"]),
                    cold_ratio_2k=ratio(two["chroma"]["cold_s"], two["ours"]["cold_s"]),
                    ingest_ratio_2k=ratio(two["chroma"]["ingest_s"], two["ours"]["ingest_s"]),
                    cpu_qps_ratio_2k=ratio(two["chroma"]["cpu_p50_ms"], two["ours"]["cpu_p50_ms"]),
                    disk_fraction_2k=ratio(two["ours"]["disk_bytes"], two["chroma"]["disk_bytes"]),
                    recall_2k=two["ours"]["recall_min"])
    if twenty:
        keys.update(recall_20k=twenty["ours"]["recall_min"], qps_ratio_20k=ratio(twenty["ours"]["qps"], twenty["chroma"]["qps"]),
                    cpu_ratio_20k=ratio(twenty["chroma"]["cpu_p50_ms"], twenty["ours"]["cpu_p50_ms"]))
    if real:
        keys.update(recall_real=real["ours"]["recall_min"],
                    p50_ratio_real=ratio(real["chroma"]["p50_ms"], real["ours"]["p50_ms"]),
                    filtered_ratio_real=ratio(real["chroma"]["filtered_p50_ms"], real["ours"]["filtered_p50_ms"]),
                    filtered_recall_real=real["ours"]["filtered_recall_min"],
                    cpu_p50_ratio_real=ratio(real["chroma"]["cpu_p50_ms"], real["ours"]["cpu_p50_ms"]),
                    cold_ratio_real=ratio(real["chroma"]["cold_s"], real["ours"]["cold_s"]),
                    ingest_ratio_real=ratio(real["chroma"]["ingest_s"], real["ours"]["ingest_s"]))
    big = results.get("realistic-100000")
    if big:
        o, c, idx = big["ours"], big["chroma"], big.get("index", {})
        keys.update(recall_100k=o["recall_min"], chroma_recall_100k=c["recall_min"],
                    p50_ratio_100k=ratio(c["p50_ms"], o["p50_ms"]), qps_ratio_100k=ratio(o["qps"], c["qps"]),
                    filtered_ratio_100k=ratio(c["filtered_p50_ms"], o["filtered_p50_ms"]),
                    ingest_ratio_100k=ratio(c["ingest_s"], o["ingest_s"]))
        if idx:
            bound = idx["bandwidth_bound_ms"]
            keys.update(exact_over_bound_100k=idx["exact"]["p50_ms"] / bound,
                        quantized_exact_over_bound_100k=idx["quantized"]["p50_ms"] / bound)
            if "recall" in idx.get("projected", {}):
                keys.update(projected_exact_recall_100k=idx["projected"]["recall"],
                            projected_exact_p50_ratio_100k=ratio(c["p50_ms"], idx["projected"]["p50_ms"]))
            sweep = sorted(((int(ef), v) for ef, v in idx["hnsw"].items()), key=lambda kv: kv[0])
            at95 = next((v for ef, v in sweep if v["recall"] >= 0.95), None)
            if at95:
                keys.update(hnsw_p50_at_095_over_chroma_100k=at95["p50_ms"] / c["p50_ms"])
            atc = next((v for ef, v in sweep if v["recall"] >= c["recall_min"]), None)
            if atc:
                keys.update(hnsw_qps_ratio_at_chroma_recall_100k=atc["qps"] / c["qps"])
    print(f"results: {run_dir / 'results.json'}")
    print(" ".join(f"{k}={v:.3f}" for k, v in keys.items()))


if __name__ == "__main__":
    main()
