"""The DAG loads in a real Airflow 3.3 install with no import errors and no deprecation warnings,
and has the schedule, defaults, graph and notifications the issue asks for."""

from __future__ import annotations

import http.server
import json
import threading
import warnings
from datetime import timedelta

import pendulum
import pytest

from conftest import CATEGORIES, DAGS, load_dag_module

DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def test_dagbag_imports_without_errors_or_deprecation_warnings(airflow_home):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    assert list(bag.dags) == ["shop_summary_batch"]
    deprecations = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})"
                    for w in caught if issubclass(w.category, DEPRECATIONS)]
    assert deprecations == []
    assert all(not v for v in bag.captured_warnings.values()), bag.captured_warnings
    # Airflow used the temp AIRFLOW_HOME (never ~/airflow) and needed no metadata database.
    from airflow.configuration import AIRFLOW_HOME

    assert AIRFLOW_HOME == str(airflow_home)


def test_the_old_airflow2_spellings_are_gone():
    source = (DAGS / "shop_summary_batch.py").read_text()
    for removed in ("days_ago", "schedule_interval", "operators.kubernetes_pod", "is_delete_operator_pod",
                    "email_on_failure", "from airflow import DAG", "airflow.decorators", "resources={"):
        assert removed not in source, removed


def test_schedule_timezone_catchup_and_limits(dag):
    assert dag.dag_id == "shop_summary_batch"
    timetable = dag.timetable
    assert type(timetable).__name__ == "CronTriggerTimetable"
    assert timetable.expression == "0 2 1,15 * *"
    assert str(timetable.timezone.name) == "Asia/Seoul"
    assert str(dag.timezone.name) == "Asia/Seoul"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert set(dag.tags) == {"llm", "batch", "rag"}
    # The next slots are 02:00 KST on the 1st and 15th (= 17:00 UTC the day before).
    after = pendulum.datetime(2026, 11, 20, tz="UTC")
    from airflow.serialization.encoders import coerce_to_core_timetable

    info = coerce_to_core_timetable(timetable).next_dagrun_info(last_automated_data_interval=None,
                                      restriction=_restriction(after))
    assert info.logical_date == pendulum.datetime(2026, 12, 1, 2, 0, tz="Asia/Seoul")
    assert info.logical_date.in_timezone("UTC") == pendulum.datetime(2026, 11, 30, 17, 0, tz="UTC")
    later = coerce_to_core_timetable(timetable).next_dagrun_info(
        last_automated_data_interval=info.data_interval, restriction=_restriction(after))
    assert later.logical_date == pendulum.datetime(2026, 12, 15, 2, 0, tz="Asia/Seoul")


def _restriction(earliest):
    from airflow.timetables.base import TimeRestriction

    return TimeRestriction(earliest=earliest, latest=None, catchup=False)


def test_default_args_on_every_task(dag):
    for task in dag.tasks:
        assert task.owner == "data-team", task.task_id
        assert task.retries == 2, task.task_id
        assert task.retry_delay == timedelta(minutes=5), task.task_id
        assert task.depends_on_past is False


def test_task_graph_is_init_generate_merge_backup_verify_prune(dag):
    ids = {t.task_id for t in dag.tasks}
    assert ids == {"plan_shards", "init", "generate", "merge", "backup", "verify", "prune"}
    up = {t.task_id: set(t.upstream_task_ids) for t in dag.tasks}
    assert up["init"] == set()
    assert up["plan_shards"] == set()
    assert up["generate"] == {"init", "plan_shards"}
    assert up["merge"] == {"generate"}
    assert up["backup"] == {"merge"}
    assert up["verify"] == {"backup"}
    assert up["prune"] == {"verify"}
    generate = dag.get_task("generate")
    assert type(generate).__name__ == "MappedOperator"
    assert generate.operator_class.__name__ == "KubernetesPodOperator"
    assert generate.partial_kwargs["max_active_tis_per_dagrun"] >= 1


def test_shard_count_is_a_dag_param_and_drives_the_map(dag, dag_module):
    params = dag.params.dump()
    assert params["shards"] == 2 and params["llm"] == "vertex"
    plan = dag.get_task("plan_shards").python_callable
    logical = pendulum.datetime(2026, 12, 1, 2, tz="Asia/Seoul")
    for shards in (1, 2, 5):
        kwargs = plan(params={**params, "shards": shards}, logical_date=logical, dag_run=None)
        assert len(kwargs) == 3 * shards
        seen = {(_opt(k["arguments"], "--category"), _opt(k["arguments"], "--shard")) for k in kwargs}
        assert seen == {(c, f"{i}/{shards}") for c in CATEGORIES for i in range(1, shards + 1)}
        assert {_opt(k["arguments"], "--run-id") for k in kwargs} == {"2026-12-01"}
        for k in kwargs:
            assert "name" not in k  # the provider adds a random suffix per pod


def _opt(args, name):
    return args[args.index(name) + 1]


def test_run_id_is_the_slot_date_in_seoul_so_retries_resume(dag_module):
    slot = dag_module.slot_run_id
    scheduled = pendulum.datetime(2026, 11, 30, 17, 0, tz="UTC")  # 2026-12-01 02:00 KST
    assert slot({"run_id": ""}, scheduled, None) == "2026-12-01"
    assert slot({"run_id": "redo-1"}, scheduled, None) == "redo-1"

    class ManualRun:
        run_after = pendulum.datetime(2026, 12, 7, 23, 30, tz="UTC")

    assert slot({}, None, ManualRun()) == "2026-12-08"
    with pytest.raises(ValueError):
        slot({}, None, None)


def test_failure_notifications_are_smtp_and_webhook(dag):
    callbacks = dag.on_failure_callback
    names = [type(cb).__name__ for cb in callbacks]
    assert names == ["SmtpNotifier", "WebhookNotifier"]
    smtp = callbacks[0]
    assert smtp.to == ["data-team@example.com"]
    assert "failed" in smtp.subject


def test_webhook_notifier_posts_slack_compatible_json(dag_module, monkeypatch):
    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"ct": self.headers["Content-Type"], "body": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("SHOP_SUMMARY_NOTIFY_URL", f"http://127.0.0.1:{server.server_port}/hook")
        notifier = dag_module.WebhookNotifier(text="shop_summary_batch failed: run r1")
        notifier.notify({})
    finally:
        server.shutdown()
    assert received == [{"ct": "application/json", "body": {"text": "shop_summary_batch failed: run r1"}}]


def test_webhook_notifier_without_url_does_nothing(dag_module, monkeypatch):
    monkeypatch.delenv("SHOP_SUMMARY_NOTIFY_URL", raising=False)
    dag_module.WebhookNotifier(text="x").notify({})  # no exception, no request


def test_settings_from_environment_override_defaults():
    module = load_dag_module({"SHOP_SUMMARY_IMAGE": "123.dkr.ecr.ap-northeast-2.amazonaws.com/shop-summary:1.2.0",
                              "SHOP_SUMMARY_SHARDS": "4", "SHOP_SUMMARY_ALERT_EMAILS": "a@x.io, b@x.io",
                              "SHOP_SUMMARY_INCREMENTAL": "true"}, name="dag_env_override")
    s = module.DeploySettings.from_env({"SHOP_SUMMARY_SHARDS": "4", "SHOP_SUMMARY_ALERT_EMAILS": "a@x.io, b@x.io",
                                        "SHOP_SUMMARY_INCREMENTAL": "true"})
    assert s.shards == 4 and s.alert_emails == ("a@x.io", "b@x.io") and s.incremental is True
    assert module.dag.params.dump()["shards"] == 4
    assert module.dag.get_task("init").image.endswith("shop-summary:1.2.0")
    assert module.dag.get_task("backup").arguments[-1] == "--incremental"
    with pytest.raises(ValueError):
        module.DeploySettings.from_env({"SHOP_SUMMARY_DAG_MODE": "docker"})
    with pytest.raises(ValueError):
        module.DeploySettings.from_env({"SHOP_SUMMARY_LLM": "claude"})


def test_local_mode_runs_the_same_commands_with_bash(dag_module):
    local = load_dag_module({"SHOP_SUMMARY_DAG_MODE": "local", "SHOP_SUMMARY_BINARY": "/opt/bin/shop-summary"},
                            name="dag_local_mode")
    kube = dag_module.dag
    ldag = local.dag
    assert {t.task_id for t in ldag.tasks} == {t.task_id for t in kube.tasks}
    for task_id in ("init", "backup", "verify", "prune"):
        bash = ldag.get_task(task_id)
        assert type(bash).__name__ == "BashOperator"
        import shlex

        words = shlex.split(bash.bash_command)
        assert words[:2] == ["exec", "/opt/bin/shop-summary"]
        assert words[2:] == kube.get_task(task_id).arguments
    assert ldag.get_task("generate").operator_class.__name__ == "BashOperator"
