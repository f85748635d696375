"""Every pod the DAG can start renders offline (`build_pod_request_obj(dry_run=True)`, no cluster,
no kube client) and has the right image, command, arguments, volumes, secret, service account,
resources and environment."""

from __future__ import annotations

import copy

import pendulum
import pytest
from kubernetes.client import models as k8s

from conftest import CATEGORIES

SLOT = pendulum.datetime(2026, 12, 1, 2, 0, tz="Asia/Seoul")
DATA = "/data/vector_db/store"
OUT = "/data/vector_db/runs"
INPUT = "/data/vector_db/input/shops.jsonl.gz"
MAPPING = "/etc/shop-summary/mapping-naver-place.json"
RULES = "/etc/shop-summary/category-rules.json"
BACKUP = "s3://my-rag-bucket/vector-db-backups"


class _DagRun:
    run_after = SLOT
    run_id = "scheduled__2026-11-30T17:00:00+00:00"


def render(dag, task_id):
    """Renders the templates of a copy of an unmapped task as the worker would; builds its pod."""
    task = copy.deepcopy(dag.get_task(task_id))
    context = {"dag": dag, "task": task, "params": dag.params.dump(), "logical_date": SLOT,
               "dag_run": _DagRun(), "ds": SLOT.strftime("%Y-%m-%d"), "run_id": _DagRun.run_id}
    task.render_template_fields(context)
    return task, task.build_pod_request_obj(dry_run=True)


def mapped_pods(dag, shards=2):
    """Every generate pod: the plan task's real callable gives the mapped kwargs; `unmap` each."""
    generate = dag.get_task("generate")
    plan = dag.get_task("plan_shards").python_callable
    params = {**dag.params.dump(), "shards": shards}
    pods = []
    for kwargs in plan(params=params, logical_date=SLOT, dag_run=_DagRun()):
        op = generate.unmap(kwargs)
        pods.append((op, op.build_pod_request_obj(dry_run=True)))
    return pods


def expected_arguments():
    return {
        "init": ["init", "--data-dir", DATA, "--backup-url", BACKUP],
        "merge": ["merge", "--run-id", "2026-12-01", "--input", INPUT, "--mapping", MAPPING, "--rules", RULES,
                  "--output", OUT],
        "backup": ["backup", "--data-dir", DATA, "--backup-url", BACKUP],
        "verify": ["backup", "verify", "--backup-url", BACKUP, "--at", "latest"],
        "prune": ["backup", "prune", "--backup-url", BACKUP, "--keep-days", "30"],
    }


def container(pod: k8s.V1Pod) -> k8s.V1Container:
    assert len(pod.spec.containers) == 1
    return pod.spec.containers[0]


def check_common(pod: k8s.V1Pod, step: str):
    c = container(pod)
    assert c.image == "shop-summary:latest"
    assert c.command == ["shop-summary"]
    assert pod.metadata.namespace == "airflow"
    assert pod.metadata.name.startswith(f"shop-summary-{step}")
    assert pod.metadata.labels["app.kubernetes.io/name"] == "shop-summary"
    assert pod.metadata.labels["app.kubernetes.io/component"] == step
    assert pod.spec.service_account_name == "shop-summary"
    assert pod.spec.restart_policy == "Never"
    vols = {v.name: v for v in pod.spec.volumes}
    assert vols["vector-db"].persistent_volume_claim.claim_name == "vector-db-pvc"
    assert vols["config"].config_map.name == "shop-summary-config"
    mounts = {m.name: m for m in c.volume_mounts}
    assert mounts["vector-db"].mount_path == "/data/vector_db"
    assert mounts["config"].mount_path == "/etc/shop-summary" and mounts["config"].read_only
    assert mounts["tmp"].mount_path == "/tmp"
    assert pod.spec.security_context.run_as_non_root is True
    assert c.security_context.read_only_root_filesystem is True
    assert c.security_context.allow_privilege_escalation is False
    env = {e.name: e.value for e in c.env}
    assert env["AWS_REGION"] == "ap-northeast-2"
    # IRSA: no static AWS keys anywhere; the EKS webhook injects the web-identity variables.
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(env)
    assert pod.spec.termination_grace_period_seconds >= 20 + 30
    return c, env, vols, mounts


@pytest.mark.parametrize("step", ["init", "merge", "backup", "verify", "prune"])
def test_unmapped_pod_specs(dag, step):
    task, pod = render(dag, step)
    c, env, vols, mounts = check_common(pod, step)
    assert c.args == expected_arguments()[step]
    assert c.resources.requests == {"cpu": "250m", "memory": "512Mi"}
    assert c.resources.limits == {"cpu": "1", "memory": "1Gi"}
    # Only generate talks to Vertex AI: no Google key mounted elsewhere (least privilege).
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in env
    assert not any(v.secret for v in pod.spec.volumes)
    assert task.on_finish_action.value == "delete_succeeded_pod"
    assert task.startup_timeout_seconds == 600


def test_every_generate_pod_spec(dag):
    pods = mapped_pods(dag, shards=2)
    assert len(pods) == 6
    seen = set()
    for op, pod in pods:
        c, env, vols, mounts = check_common(pod, "generate")
        category = c.args[c.args.index("--category") + 1]
        shard = c.args[c.args.index("--shard") + 1]
        seen.add((category, shard))
        assert c.args == ["generate", "--category", category, "--input", INPUT, "--mapping", MAPPING,
                          "--rules", RULES, "--prompts", "/etc/shop-summary", "--data-dir", DATA, "--output", OUT, "--run-id", "2026-12-01", "--shard", shard,
                          "--concurrency", "4", "--grace-seconds", "20", "--llm", "vertex"]
        assert pod.metadata.labels["shop-summary/category"] == category
        assert pod.metadata.labels["shop-summary/shard"] == shard.replace("/", "-of-")
        assert c.resources.requests == {"cpu": "1", "memory": "2Gi"}
        assert c.resources.limits == {"cpu": "2", "memory": "4Gi"}
        secret_vols = [v for v in pod.spec.volumes if v.secret]
        assert [v.secret.secret_name for v in secret_vols] == ["gcp-sa-key"]
        secret_mount = [m for m in c.volume_mounts if m.name == secret_vols[0].name]
        assert secret_mount[0].mount_path == "/secrets" and secret_mount[0].read_only
        assert env["GOOGLE_APPLICATION_CREDENTIALS"] == "/secrets/gcp-key.json"
        assert env["GOOGLE_CLOUD_LOCATION"] == "asia-northeast3"
        assert op.on_finish_action.value == "delete_succeeded_pod"
    assert seen == {(c, f"{i}/2") for c in CATEGORIES for i in range(1, 3)}


def test_run_id_param_override_reaches_generate_and_merge(dag):
    generate = dag.get_task("generate")
    plan = dag.get_task("plan_shards").python_callable
    kwargs = plan(params={**dag.params.dump(), "run_id": "redo-2026-12-01"}, logical_date=SLOT, dag_run=None)
    assert {k["arguments"][k["arguments"].index("--run-id") + 1] for k in kwargs} == {"redo-2026-12-01"}
    op = generate.unmap(kwargs[0])
    assert "redo-2026-12-01" in op.build_pod_request_obj(dry_run=True).spec.containers[0].args
    merge = copy.deepcopy(dag.get_task("merge"))
    ctx = {"dag": dag, "task": merge, "params": {**dag.params.dump(), "run_id": "redo-2026-12-01"},
           "logical_date": SLOT, "dag_run": _DagRun()}
    merge.render_template_fields(ctx)
    assert merge.arguments[:3] == ["merge", "--run-id", "redo-2026-12-01"]


def test_dict_volumes_would_be_rejected_so_ours_are_models(dag):
    """Airflow 3 fails dict volumes at pod-build time; ours are kubernetes model objects."""
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    for task_id in ("init", "backup"):
        assert all(isinstance(v, k8s.V1Volume) for v in dag.get_task(task_id).volumes)
    bad = KubernetesPodOperator(task_id="bad", image="x", volumes=[{"name": "v"}])
    with pytest.raises(Exception):
        bad.build_pod_request_obj(dry_run=True)


def test_generate_resources_can_be_raised_for_out_of_memory():
    from conftest import load_dag_module

    module = load_dag_module({"SHOP_SUMMARY_GENERATE_REQUESTS": "cpu=2,memory=4Gi",
                              "SHOP_SUMMARY_GENERATE_LIMITS": "cpu=4,memory=8Gi"}, name="dag_bigger_pods")
    (op, pod), *_ = mapped_pods(module.dag, shards=1)
    res = pod.spec.containers[0].resources
    assert res.requests == {"cpu": "2", "memory": "4Gi"} and res.limits == {"cpu": "4", "memory": "8Gi"}
    with pytest.raises(ValueError):
        module.resources("generate", module.DeploySettings(generate_limits="gpu=1"))


def test_deferrable_and_pool_are_opt_in():
    from conftest import load_dag_module

    default = load_dag_module({}, name="dag_defaults_again").dag
    assert default.get_task("init").deferrable is False
    assert default.get_task("generate").partial_kwargs.get("pool") in (None, "default_pool")
    module = load_dag_module({"SHOP_SUMMARY_DEFERRABLE": "true", "SHOP_SUMMARY_POOL": "gemini"}, name="dag_deferrable")
    assert module.dag.get_task("init").deferrable is True
    generate = module.dag.get_task("generate")
    assert generate.partial_kwargs["pool"] == "gemini"
    assert generate.partial_kwargs["deferrable"] is True
