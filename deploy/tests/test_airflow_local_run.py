"""Airflow itself runs the DAG (local mode, `dag.test()` with a fresh sqlite metadata DB): the plan
task's XCom drives the mapped generate tasks, templates and the user macro render at run time, and
the commands arrive in DAG order. The "binary" here is a recorder that logs its arguments, so this
checks Airflow's side; test_e2e_local.py runs the same commands with the real binary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import CATEGORIES, DAGS

RUNNER = textwrap.dedent("""
    import os, sys
    import pendulum
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    assert bag.import_errors == {}, bag.import_errors
    dag = bag.dags["shop_summary_batch"]
    run = dag.test(logical_date=pendulum.datetime(2026, 12, 1, 2, tz="Asia/Seoul"))
    print("DAGRUN_STATE", run.state)
""")

RECORDER = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    with open(os.environ["RECORD_FILE"], "a") as f:
        f.write(json.dumps(sys.argv[1:]) + "\\n")
""")


def test_airflow_runs_the_whole_dag_in_local_mode(tmp_path):
    home = tmp_path / "airflow-home"
    home.mkdir()
    recorder = tmp_path / "shop-summary"
    recorder.write_text(RECORDER.format(python=sys.executable))
    recorder.chmod(0o755)
    record = tmp_path / "calls.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SHOP_SUMMARY_"))}
    env.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "SHOP_SUMMARY_DAG_MODE": "local",
                "SHOP_SUMMARY_BINARY": str(recorder), "SHOP_SUMMARY_SHARDS": "2", "RECORD_FILE": str(record),
                "PYTHONWARNINGS": "error::DeprecationWarning"})
    airflow = Path(sys.executable).parent / "airflow"
    migrate = subprocess.run([str(airflow), "db", "migrate"], env=env, capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    out = subprocess.run([sys.executable, "-c", RUNNER], env=env, capture_output=True, text=True, timeout=600,
                         cwd=tmp_path)
    assert "DAGRUN_STATE success" in out.stdout, (out.stdout[-3000:], out.stderr[-3000:])

    calls = [json.loads(line) for line in record.read_text().splitlines()]
    steps = [c[0] if c[0] != "backup" or len(c) < 2 or c[1].startswith("--") else f"backup {c[1]}" for c in calls]
    assert steps[0] == "init"
    assert steps[1:7] == ["generate"] * 6
    assert steps[7:] == ["merge", "backup", "backup verify", "backup prune"]
    generated = {(c[c.index("--category") + 1], c[c.index("--shard") + 1]) for c in calls[1:7]}
    assert generated == {(cat, f"{i}/2") for cat in CATEGORIES for i in (1, 2)}
    run_ids = {c[c.index("--run-id") + 1] for c in calls if "--run-id" in c}
    assert run_ids == {"2026-12-01"}  # generate (from XCom) and merge (template) agree
