"""hnswlib and faiss references for bench/vectorstore (in memory, one thread). Prints one JSON line."""
import json
import sys
import time

import numpy as np


def summary(lat):
    lat = sorted(lat)
    p = lambda f: lat[min(len(lat) - 1, round(f * (len(lat) - 1)))] * 1000
    return {"p50_ms": p(0.5), "p99_ms": p(0.99), "qps": len(lat) / sum(lat)}


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
    p = hnswlib.Index("ip", x.shape[1])
    p.init_index(len(x), 16, 200, 100)
    p.set_num_threads(1)
    p.add_items(x)
    report["hnswlib_build_s"] = time.perf_counter() - t
    for ef in (64, 128):
        p.set_ef(ef)
        lat, res = [], []
        for i in range(len(q)):
            s = time.perf_counter()
            labels, _ = p.knn_query(q[i:i + 1], 10)
            lat.append(time.perf_counter() - s)
            res.append([int(v) for v in labels[0]])
        report[f"hnswlib_ef{ef}"] = summary(lat)
        results[f"hnswlib_ef{ef}"] = res
    f = faiss.IndexFlatIP(x.shape[1])
    f.add(x)
    lat, res = [], []
    for i in range(len(q)):
        s = time.perf_counter()
        _, labels = f.search(q[i:i + 1], 10)
        lat.append(time.perf_counter() - s)
        res.append([int(v) for v in labels[0]])
    report["faiss_flat"] = summary(lat)
    results["faiss_flat"] = res
    json.dump(results, open(out, "w"))
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])
