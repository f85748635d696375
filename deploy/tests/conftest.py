"""Shared fixtures for the deployment tests. AIRFLOW_HOME points at a fresh temp dir *before*
Airflow is imported anywhere, so no test reads or writes ~/airflow."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="shop-summary-airflow-home-")
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("AIRFLOW__CORE__DAGS_FOLDER", None)
for _name in list(os.environ):
    if _name.startswith("SHOP_SUMMARY_") and _name not in ("SHOP_SUMMARY_BIN", "SHOP_SUMMARY_ROOT"):
        os.environ.pop(_name)

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DAGS = DEPLOY / "airflow" / "dags"
DAG_FILE = DAGS / "shop_summary_batch.py"
CATEGORIES = ("fine_dining_and_susi_omakase", "low_to_mid_price_dining", "waiting_hotplace")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_dag_module(env: dict[str, str] | None = None, name: str = "shop_summary_batch_under_test") -> types.ModuleType:
    """Imports the DAG file as a fresh module with extra environment variables set."""
    saved = dict(os.environ)
    try:
        os.environ.update(env or {})
        spec = importlib.util.spec_from_file_location(name, DAG_FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        os.environ.clear()
        os.environ.update(saved)


def find_binary() -> Path | None:
    """`$SHOP_SUMMARY_BIN` (the runner sets it to the debug build), else a local build."""
    env = os.environ.get("SHOP_SUMMARY_BIN")
    if env:
        return Path(env) if Path(env).exists() else None
    for candidate in (REPO / ".build" / "release" / "shop-summary", REPO / ".build" / "debug" / "shop-summary"):
        if candidate.exists():
            return candidate
    return None


def binary_has_command(binary: Path, path: list[str]) -> bool:
    """True when `shop-summary <path> --help` prints that command's own help."""
    out = subprocess.run([str(binary), *path, "--help"], capture_output=True, text=True, timeout=30)
    return out.returncode == 0 and f"USAGE: shop-summary {' '.join(path)}" in out.stdout


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    return Path(_AIRFLOW_HOME)


@pytest.fixture(scope="session")
def dag_module() -> types.ModuleType:
    return load_dag_module()


@pytest.fixture(scope="session")
def dag(dag_module):
    return dag_module.dag
