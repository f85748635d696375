"""Chroma side of bench/vectorstore. Each mode runs in a fresh process and prints one JSON line.

modes: ingest DIR NAME VECTORS.npy [CUISINES.txt] | query DIR NAME QUERIES.npy OUT.json [WHERE_JSON]
       | cold DIR NAME QUERIES.npy
"""
import json
import sys
import time

T_START = time.perf_counter()


def peak_rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def client(path):
    import chromadb
    from chromadb.config import Settings
    return chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))


def ingest(path, name, vectors_path, cuisines_path=None):
    import numpy as np
    x = np.load(vectors_path)
    cuisines = open(cuisines_path).read().split("\n") if cuisines_path else None
    t0 = time.perf_counter()
    c0 = time.process_time()
    c = client(path)
    col = c.create_collection(name, metadata={"hnsw:space": "cosine"})
    batch = min(5000, c.get_max_batch_size())
    for s in range(0, len(x), batch):
        e = min(s + batch, len(x))
        metas = []
        for i in range(s, e):
            m = {"part": i % 3}
            if cuisines is not None:
                m["cuisine"] = cuisines[i]
            metas.append(m)
        col.add(ids=[f"r{i}" for i in range(s, e)], embeddings=x[s:e], metadatas=metas)
    n = col.count()
    print(json.dumps({"ingest_s": time.perf_counter() - t0, "ingest_cpu_s": time.process_time() - c0,
                      "count": n, "peak_rss": peak_rss()}))


def query(path, name, queries_path, out, where=None):
    import numpy as np
    t_import = time.perf_counter()
    q = np.load(queries_path)
    w = json.loads(where) if where else None
    t0 = time.perf_counter()
    col = client(path).get_collection(name)
    t1 = time.perf_counter()
    col.query(query_embeddings=q[0:1], n_results=10, where=w)
    t2 = time.perf_counter()
    lat, cpu, res = [], [], []
    for i in range(len(q)):
        c = time.process_time()
        s = time.perf_counter()
        r = col.query(query_embeddings=q[i:i + 1], n_results=10, where=w, include=["distances"])
        lat.append(time.perf_counter() - s)
        cpu.append(time.process_time() - c)
        res.append([int(x[1:]) for x in r["ids"][0]])
    json.dump(res, open(out, "w"))
    qps = len(lat) / sum(lat)
    lat.sort()
    cpu.sort()
    p = lambda f, v=lat: v[min(len(v) - 1, round(f * (len(v) - 1)))] * 1000
    print(json.dumps({"p50_ms": p(0.5), "p99_ms": p(0.99), "qps": qps, "cpu_p50_ms": p(0.5, cpu),
                      "import_s": t_import - T_START, "open_s": t1 - t0, "first_query_s": t2 - t1,
                      "peak_rss": peak_rss()}))


def cold(path, name, queries_path):
    import numpy as np
    q = np.load(queries_path)
    col = client(path).get_collection(name)
    r = col.query(query_embeddings=q[0:1], n_results=10)
    print(json.dumps({"hits": len(r["ids"][0]), "peak_rss": peak_rss()}))


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"ingest": ingest, "query": query, "cold": cold}[mode](*args)
