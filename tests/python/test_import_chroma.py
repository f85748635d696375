"""`shop-summary db import-chroma` against a directory written by the real `chromadb` package.

chromadb is heavy (≈ 1 min+ to install with its onnxruntime/grpc dependencies), so it has its own
venv: scripts/test.sh prepares .venv-chroma from tests/requirements-chroma.txt and sets
$CHROMA_PYTHON and SHOP_SUMMARY_REQUIRE_CHROMA=1, so in the suite (and CI) these tests always run.
Run alone, the fixture is written by $CHROMA_PYTHON, else the benchmark's venv (bench/.work/venv),
else this interpreter; without one the chromadb tests skip visibly. The error-path tests always run.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("SHOP_SUMMARY_BIN", str(ROOT / ".build" / "debug" / "shop-summary"))


def chroma_python():
    candidates = [os.environ.get("CHROMA_PYTHON"), str(ROOT / "bench" / ".work" / "venv" / "bin" / "python"), sys.executable]
    for c in candidates:
        if c and Path(c).exists():
            r = subprocess.run([c, "-c", "import chromadb; print(chromadb.__version__)"], capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip().startswith("1.5"):
                return c
    return None


CHROMA_PY = chroma_python()
if CHROMA_PY is None and os.environ.get("SHOP_SUMMARY_REQUIRE_CHROMA") == "1":
    # scripts/test.sh installs chromadb for this test: missing it there is a failure, not a skip.
    raise RuntimeError(f"SHOP_SUMMARY_REQUIRE_CHROMA=1 but no Python with chromadb 1.5.x (CHROMA_PYTHON={os.environ.get('CHROMA_PYTHON')})")
needs_chroma = pytest.mark.skipif(CHROMA_PY is None, reason="no Python with chromadb 1.5.x (run bench/vectorstore once or set CHROMA_PYTHON)")

# Records written into Chroma: (id, document, metadata); one without a document.
EXAMPLES = [
    (f"ex{i}", f"예시 요약 {i}: 파스타가 맛있고 웨이팅이 {i}분 정도인 집. Great pasta #{i}",
     {"cuisine": "양식" if i % 2 else "한식", "rating": 4.0 + i / 10, "visits": i, "michelin": i % 3 == 0})
    for i in range(40)
] + [("no-doc", None, {"cuisine": "한식"})]
OTHER = [("x1", "초밥 오마카세", {"price": 120000}), ("x2", "김치찌개", {})]

WRITER = r"""
import json, sys, chromadb
from chromadb.config import Settings
path, spec = sys.argv[1], json.loads(sys.argv[2])
client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
for name, meta, rows in spec:
    col = client.create_collection(name, metadata=meta) if meta else client.create_collection(name)
    dim = 8
    col.add(ids=[r[0] for r in rows],
            embeddings=[[float((i + j) % 5) + 0.5 for j in range(dim)] for i in range(len(rows))],
            documents=[r[1] for r in rows],
            metadatas=[r[2] or None for r in rows])
print(client.get_collection(spec[0][0]).count())
"""


def run(*args, check=None):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check is not None:
        assert r.returncode == check, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    return r


def snapshot(directory):
    """Every file with its size, mtime and sha256 (to prove the import never touches the source)."""
    out = {}
    for p in sorted(Path(directory).rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(directory))] = (st.st_size, st.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


@pytest.fixture(scope="module")
def chroma_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("chroma") / "persist"
    spec = [["examples", {"hnsw:space": "cosine", "owner": "curation"}, EXAMPLES], ["other", None, OTHER]]
    r = subprocess.run([CHROMA_PY, "-c", WRITER, str(d), json.dumps(spec, ensure_ascii=False)],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    assert r.returncode == 0, r.stderr[-2000:]
    return d


def get_records(data_dir, collection):
    r = run("db", "get", "--collection", collection, "--data-dir", data_dir, "--json", check=0)
    return {rec["id"]: rec for rec in json.loads(r.stdout)}


@needs_chroma
def test_import_copies_ids_documents_metadata_and_never_touches_source(chroma_dir, tmp_path):
    before = snapshot(chroma_dir)
    data = tmp_path / "db"
    r = run("db", "import-chroma", chroma_dir, "--data-dir", data, check=0)
    assert "re-embedded" in r.stdout and "not copied" in r.stdout
    assert "examples → examples: 40 records imported (cosine), 1 skipped (no document to re-embed)" in r.stdout
    assert "other → other: 2 records imported (l2)" in r.stdout
    assert snapshot(chroma_dir) == before, "the Chroma directory changed"

    got = get_records(data, "examples")
    assert set(got) == {e[0] for e in EXAMPLES if e[1] is not None}
    for id_, doc, meta in EXAMPLES:
        if doc is None:
            continue
        assert got[id_]["document"] == doc
        assert got[id_]["metadata"]["cuisine"] == meta["cuisine"]
        assert got[id_]["metadata"]["visits"] == meta["visits"]
        assert got[id_]["metadata"]["michelin"] is meta["michelin"]
        assert abs(got[id_]["metadata"]["rating"] - meta["rating"]) < 1e-9
    other = get_records(data, "other")
    assert other["x1"]["metadata"] == {"price": 120000} and other["x2"]["document"] == "김치찌개"

    # Filters work on imported metadata; vectors have the embedder's dimension (384), not Chroma's 8.
    r = run("db", "get", "--collection", "examples", "--data-dir", data, "--json",
            "--where", '{"$and": [{"cuisine": {"$eq": "한식"}}, {"visits": {"$gte": 30}}]}', check=0)
    assert sorted(x["id"] for x in json.loads(r.stdout)) == sorted(f"ex{i}" for i in range(30, 40) if i % 2 == 0)
    r = run("db", "query", "--collection", "examples", "--data-dir", data, "--vector", json.dumps([0.1] * 8))
    assert r.returncode != 0, "an 8-d Chroma vector must not fit the re-embedded 384-d collection"


@needs_chroma
def test_existing_collection_needs_replace_and_tar_gz_backup_imports(chroma_dir, tmp_path):
    data = tmp_path / "db"
    run("db", "import-chroma", chroma_dir, "--data-dir", data, "--collection", "examples", check=0)
    r = run("db", "import-chroma", chroma_dir, "--data-dir", data, "--collection", "examples", check=65)
    assert "already exists" in r.stderr and "--replace" in r.stderr
    run("db", "import-chroma", chroma_dir, "--data-dir", data, "--collection", "examples", "--replace", check=0)
    assert len(get_records(data, "examples")) == 40

    archive = tmp_path / "chroma-backup.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(chroma_dir, arcname="persist")
    r = run("db", "import-chroma", archive, "--data-dir", data, "--prefix", "old_", check=0)
    assert "examples → old_examples: 40 records imported" in r.stdout
    assert get_records(data, "old_examples") == get_records(data, "examples")


def test_missing_directory_is_a_clear_error(tmp_path):
    r = run("db", "import-chroma", tmp_path / "nowhere", "--data-dir", tmp_path / "db", check=66)
    assert "chroma.sqlite3" in r.stderr and "Traceback" not in r.stderr


def test_sqlite_that_is_not_chroma_is_rejected_read_only(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    con = sqlite3.connect(src / "chroma.sqlite3")
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    before = snapshot(src)
    r = run("db", "import-chroma", src, "--data-dir", tmp_path / "db", check=65)
    assert "not a Chroma database" in r.stderr
    assert snapshot(src) == before


def test_damaged_database_with_a_journal_is_named_by_its_source_path(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "chroma.sqlite3").write_bytes(b"not a database at all" * 100)
    (src / "chroma.sqlite3-journal").write_bytes(b"x")
    before = snapshot(src)
    r = run("db", "import-chroma", src, "--data-dir", tmp_path / "db")
    assert r.returncode == 65, r.stderr
    assert str(src / "chroma.sqlite3") in r.stderr and "shop-summary-chroma-" not in r.stderr, r.stderr
    assert snapshot(src) == before


def test_unsafe_archive_entry_is_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(payload, arcname="../escape/chroma.sqlite3")
    r = run("db", "import-chroma", archive, "--data-dir", tmp_path / "db", check=65)
    assert "unsafe entry name" in r.stderr
    assert not (tmp_path / "escape").exists()


HOT_JOURNAL = r"""
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=10")  # a tiny cache spills the transaction's pages into the file
con.execute("BEGIN")
con.execute("DELETE FROM embedding_metadata")
con.execute("DELETE FROM embeddings")
con.execute("CREATE TABLE junk (x BLOB)")
for _ in range(2000):
    con.execute("INSERT INTO junk VALUES (randomblob(1000))")
os._exit(0)  # dies mid-transaction: the journal stays hot
"""


@needs_chroma
def test_hot_journal_is_rolled_back_on_a_private_copy(chroma_dir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(chroma_dir, src)
    db = src / "chroma.sqlite3"
    subprocess.run([sys.executable, "-c", HOT_JOURNAL, str(db)], check=True, timeout=120)
    journal = src / "chroma.sqlite3-journal"
    assert journal.exists() and journal.stat().st_size > 0, "the writer must leave a hot journal"
    # The hazard is real: read immutably (journal ignored), the file shows the half-done transaction.
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        torn = con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        con.close()
    except sqlite3.DatabaseError:
        torn = None
    assert torn != len(EXAMPLES) + len(OTHER)

    before = snapshot(src)
    data = tmp_path / "db"
    r = run("db", "import-chroma", src, "--data-dir", data, check=0)
    assert "chroma.sqlite3-journal found" in r.stdout and "private copy" in r.stdout
    assert "examples → examples: 40 records imported" in r.stdout
    got = get_records(data, "examples")
    assert {i: got[i]["document"] for i in got} == {e[0]: e[1] for e in EXAMPLES if e[1] is not None}
    assert snapshot(src) == before, "the Chroma directory changed"

    # Through a symbolic link: SQLite keeps the journal next to the link's target, and so does the
    # importer (the link's folder has no journal); the target stays untouched.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "chroma.sqlite3").symlink_to(db)
    r = run("db", "import-chroma", linked, "--data-dir", tmp_path / "db2", check=0)
    assert "chroma.sqlite3-journal found" in r.stdout
    assert len(get_records(tmp_path / "db2", "examples")) == 40
    assert snapshot(src) == before, "the Chroma directory changed through the link"


ORACLE = r"""
import json, sys, chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
g = client.get_collection("examples").get(include=["documents", "metadatas"])
print(json.dumps({i: [d, m] for i, d, m in zip(g["ids"], g["documents"], g["metadatas"])}, ensure_ascii=False))
"""


@needs_chroma
def test_logged_writes_chroma_had_not_applied_are_replayed_as_chroma_does(chroma_dir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(chroma_dir, src)
    con = sqlite3.connect(src / "chroma.sqlite3")
    (cid,) = con.execute("SELECT id FROM collections WHERE name = 'examples'").fetchone()
    (topic,) = con.execute("SELECT topic FROM embeddings_queue WHERE topic LIKE ? LIMIT 1", (f"%/{cid}",)).fetchone()
    (top,) = con.execute("SELECT max(seq_id) FROM embeddings_queue").fetchone()
    vector = struct.pack("<8f", *([0.25] * 8))
    # Logged after the metadata segment's max_seq_id: what a copy taken mid-write holds.
    writes = [
        (0, "late1", {"cuisine": "한식", "visits": 7, "chroma:document": "늦게 기록된 예시"}),  # ADD
        (1, "ex1", {"visits": 99, "rating": None}),                                           # UPDATE: merge, null drops
        (3, "ex2", None),                                                                      # DELETE
        (2, "ex3", {"chroma:document": "바뀐 문서 3", "cuisine": "중식"}),                      # UPSERT existing
        (0, "ex4", {"chroma:document": "ignored: the id exists"}),                             # ADD existing
        (2, "new2", {"chroma:document": "새 문서", "visits": 1.5}),                             # UPSERT new
    ]
    con.executemany(
        "INSERT INTO embeddings_queue (seq_id, operation, topic, id, vector, encoding, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(top + 1 + n, op, topic, id_, None if op == 3 else vector, None if op == 3 else "FLOAT32",
          None if meta is None else json.dumps(meta, ensure_ascii=False)) for n, (op, id_, meta) in enumerate(writes)])
    con.commit()
    con.close()
    # The oracle: what chromadb itself shows for the same directory (it replays its log on open).
    oracle_dir = tmp_path / "oracle"
    shutil.copytree(src, oracle_dir)
    r = subprocess.run([CHROMA_PY, "-c", ORACLE, str(oracle_dir)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    assert r.returncode == 0, r.stderr[-2000:]
    oracle = {i: v for i, v in json.loads(r.stdout).items() if v[0] is not None}
    assert "late1" in oracle and "ex2" not in oracle, "chromadb did not replay the logged writes"

    before = snapshot(src)
    data = tmp_path / "db"
    r = run("db", "import-chroma", src, "--data-dir", data, "--collection", "examples", check=0)
    assert "5 logged write(s) Chroma had not applied yet were replayed" in r.stdout
    assert snapshot(src) == before
    got = get_records(data, "examples")
    assert set(got) == set(oracle)
    for id_, (document, metadata) in oracle.items():
        assert got[id_]["document"] == document, id_
        assert got[id_]["metadata"] == pytest.approx(metadata or {}), id_


def _as_nobody(*args):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "TMPDIR=/tmp", *map(str, args)]


@needs_chroma
def test_read_only_source_with_hot_journal_imports_for_an_unprivileged_user(chroma_dir):
    """Copies keep the source's mode; SQLite must still be able to roll back the private copy."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the import as an unprivileged user")
    if subprocess.run(_as_nobody("test", "-x", BIN)).returncode != 0:
        pytest.skip(f"uid 65534 cannot execute {BIN} (a parent folder is private)")
    base = Path(tempfile.mkdtemp(prefix="chroma-ro-"))
    try:
        os.chmod(base, 0o777)
        src = base / "src"
        shutil.copytree(chroma_dir, src)
        subprocess.run([sys.executable, "-c", HOT_JOURNAL, str(src / "chroma.sqlite3")], check=True, timeout=120)
        for p in [src, *src.rglob("*")]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        before = snapshot(src)
        r = subprocess.run(_as_nobody(BIN, "db", "import-chroma", src, "--data-dir", base / "db"),
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert "chroma.sqlite3-journal found" in r.stdout
        assert "examples → examples: 40 records imported" in r.stdout
        assert snapshot(src) == before
    finally:
        for p in [base, *base.rglob("*")]:
            if p.is_dir():
                os.chmod(p, 0o755)
        shutil.rmtree(base, ignore_errors=True)
