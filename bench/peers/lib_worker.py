"""hnswlib and faiss references for bench/vectorstore (in memory, one thread). Prints one JSON line."""
import json
import sys
import time

import numpy as np


def summary(lat, cpu):
    qps = len(lat) / sum(lat)
    lat, cpu = sorted(lat), sorted(cpu)
    p = lambda f, v: v[min(len(v) - 1, round(f * (len(v) - 1)))] * 1000
    return {"p50_ms": p(0.5, lat), "p99_ms": p(0.99, lat), "qps": qps, "cpu_p50_ms": p(0.5, cpu)}


def main(vectors_path, queries_path, out):
    import faiss
    import hnswlib
    faiss.omp_set_num_threads(1)
    x = np.load(vectors_path).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = np.load(queries_path).astype("float32")
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    report, results = {}, {}
    t = time.perf_counter()
    c = time.process_time()
    p = hnswlib.Index("ip", x.shape[1])
    p.init_index(len(x), 16, 200, 100)
    p.set_num_threads(1)
    p.add_items(x)
    report["hnswlib_build_s"] = time.perf_counter() - t
    report["hnswlib_build_cpu_s"] = time.process_time() - c
    for ef in (64, 128):
        p.set_ef(ef)
        lat, cpu, res = [], [], []
        for i in range(len(q)):
            c = time.process_time()
            s = time.perf_counter()
            labels, _ = p.knn_query(q[i:i + 1], 10)
            lat.append(time.perf_counter() - s)
            cpu.append(time.process_time() - c)
            res.append([int(v) for v in labels[0]])
        report[f"hnswlib_ef{ef}"] = summary(lat, cpu)
        results[f"hnswlib_ef{ef}"] = res
    f = faiss.IndexFlatIP(x.shape[1])
    f.add(x)
    lat, cpu, res = [], [], []
    for i in range(len(q)):
        c = time.process_time()
        s = time.perf_counter()
        _, labels = f.search(q[i:i + 1], 10)
        lat.append(time.perf_counter() - s)
        cpu.append(time.process_time() - c)
        res.append([int(v) for v in labels[0]])
    report["faiss_flat"] = summary(lat, cpu)
    results["faiss_flat"] = res
    json.dump(results, open(out, "w"))
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])
