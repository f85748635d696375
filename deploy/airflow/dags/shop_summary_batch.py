"""Airflow 3 DAG `shop_summary_batch`: the shop-summary batch as Kubernetes pods.

init -> generate (one mapped pod per category x shard) -> merge -> backup -> verify -> prune

Every task runs the same image (`shop-summary:latest` by default) with a command line the binary
accepts; the argument lists are built by the plain functions below, so tests render them offline and
run the binary's own parser on them. Deployment values come from environment variables of the DAG
processor (see `DeploySettings.from_env`), with the original setup's names as defaults.

Why Asia/Seoul: the batch is "02:00 on the 1st and 15th" in the team's own (Korean) time, when the
shops are closed and nobody reads the summaries. Without an explicit zone the cron would follow
`[core] default_timezone` (UTC by default), i.e. 11:00 KST in the middle of business hours. Korea has
no daylight saving time, so the slot never repeats or disappears.

`SHOP_SUMMARY_DAG_MODE=local` builds the same DAG from BashOperators that run the local binary with
the same arguments (a test mode for one machine; no Kubernetes needed).
"""

from __future__ import annotations

import json
import os
import shlex
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pendulum
from kubernetes.client import models as k8s

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, BaseNotifier, Param, chain, task

DAG_ID = "shop_summary_batch"
TIMEZONE = "Asia/Seoul"
SCHEDULE = "0 2 1,15 * *"
CATEGORIES = ("fine_dining_and_susi_omakase", "low_to_mid_price_dining", "waiting_hotplace")
LLM_CHOICES = ("vertex", "gemini", "openai", "offline")


@dataclass(frozen=True)
class DeploySettings:
    """Deployment values (environment of the DAG processor; defaults = the original setup)."""

    mode: str = "kubernetes"
    image: str = "shop-summary:latest"
    namespace: str = "airflow"
    service_account: str = "shop-summary"
    pvc: str = "vector-db-pvc"
    mount_path: str = "/data/vector_db"
    data_dir: str = "/data/vector_db/store"
    output_dir: str = "/data/vector_db/runs"
    input: str = "/data/vector_db/input/shops.jsonl.gz"
    mapping: str = "/etc/shop-summary/mapping-naver-place.json"
    rules: str = "/etc/shop-summary/category-rules.json"
    prompts: str = "/etc/shop-summary"
    config_map: str = "shop-summary-config"
    config_path: str = "/etc/shop-summary"
    backup_url: str = "s3://my-rag-bucket/vector-db-backups"
    keep_days: int = 30
    incremental: bool = False
    gcp_secret: str = "gcp-sa-key"
    gcp_secret_key: str = "gcp-key.json"
    gcp_secret_path: str = "/secrets"
    gcp_project: str = ""
    gcp_location: str = "asia-northeast3"
    aws_region: str = "ap-northeast-2"
    llm: str = "vertex"
    shards: int = 2
    concurrency: int = 4
    max_failure_ratio: str = ""
    grace_seconds: int = 20
    max_parallel_pods: int = 6
    generate_requests: str = "cpu=1,memory=2Gi"
    generate_limits: str = "cpu=2,memory=4Gi"
    alert_emails: tuple[str, ...] = ("data-team@example.com",)
    in_cluster: bool = True
    deferrable: bool = False
    pool: str = ""
    binary: str = "shop-summary"
    extra_env: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_env(env: dict[str, str] | os._Environ[str]) -> DeploySettings:
        """Reads `SHOP_SUMMARY_*` variables; unset ones keep the defaults above."""
        base = DeploySettings()
        values: dict[str, Any] = {}
        for name in base.__dataclass_fields__:
            if name == "extra_env":
                continue
            raw = env.get(f"SHOP_SUMMARY_{name.upper()}")
            if raw is None or raw == "":
                continue
            current = getattr(base, name)
            if isinstance(current, bool):
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(current, int):
                values[name] = int(raw)
            elif isinstance(current, tuple):
                values[name] = tuple(part.strip() for part in raw.split(",") if part.strip())
            else:
                values[name] = raw
        if env.get("SHOP_SUMMARY_DAG_MODE"):
            values["mode"] = env["SHOP_SUMMARY_DAG_MODE"]
        settings = DeploySettings(**values)
        if settings.mode not in ("kubernetes", "local"):
            raise ValueError(f"SHOP_SUMMARY_DAG_MODE must be kubernetes or local, got {settings.mode!r}")
        if settings.llm not in LLM_CHOICES:
            raise ValueError(f"SHOP_SUMMARY_LLM must be one of {LLM_CHOICES}, got {settings.llm!r}")
        return settings


# --- command lines (exactly the CLI contract) ---------------------------------------------------

def init_args(s: DeploySettings) -> list[str]:
    """Restore the store from the newest good backup when it is missing or damaged."""
    return ["init", "--data-dir", s.data_dir, "--backup-url", s.backup_url]


def generate_args(s: DeploySettings, *, category: str, shard: int, shards: int, run_id: str,
                  input_file: str, llm: str) -> list[str]:
    """One category, one shard (`--shard i/n`, 1 <= i <= n, as the binary counts)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if not 1 <= shard <= shards:
        raise ValueError(f"shard {shard} outside 1..{shards}")
    args = ["generate", "--category", category, "--input", input_file] + _input_options(s)
    if s.prompts:
        args += ["--prompts", s.prompts]
    if s.max_failure_ratio:  # unset: the binary's default (0.1 of the shard's shops)
        args += ["--max-failure-ratio", s.max_failure_ratio]
    return args + [
        "--data-dir", s.data_dir, "--output", s.output_dir, "--run-id", run_id,
        "--shard", f"{shard}/{shards}", "--concurrency", str(s.concurrency),
        "--grace-seconds", str(s.grace_seconds), "--llm", llm,
    ]


def merge_args(s: DeploySettings, *, run_id: str, input_file: str) -> list[str]:
    """Combine the shard outputs into one file per category and check completeness."""
    args = ["merge", "--run-id", run_id, "--input", input_file] + _input_options(s)
    return args + ["--output", s.output_dir]


def _input_options(s: DeploySettings) -> list[str]:
    """How the input is read and categorised: generate and merge must agree, or merge's
    completeness check would count different shops."""
    args = ["--mapping", s.mapping] if s.mapping else []
    return args + (["--rules", s.rules] if s.rules else [])


def backup_args(s: DeploySettings) -> list[str]:
    """Snapshot -> archive -> `<prefix>/<timestamp>/`, then `latest/`."""
    args = ["backup", "--data-dir", s.data_dir, "--backup-url", s.backup_url]
    return args + (["--incremental"] if s.incremental else [])


def verify_args(s: DeploySettings) -> list[str]:
    """Download `latest`, check every checksum, open the store, run a smoke query."""
    return ["backup", "verify", "--backup-url", s.backup_url, "--at", "latest"]


def prune_args(s: DeploySettings) -> list[str]:
    """Delete backups older than the retention (never `latest` or the newest good one)."""
    return ["backup", "prune", "--backup-url", s.backup_url, "--keep-days", str(s.keep_days)]


def slot_run_id(params: Any, logical_date: Any, dag_run: Any) -> str:
    """`--run-id`: the schedule slot's date in Seoul (2026-12-01), so every retry of the same run
    resumes the same ledger. A manual run without a logical date uses its `run_after`; the DAG
    param `run_id` overrides both (e.g. to redo a slot from scratch under a new id)."""
    override = (params or {}).get("run_id") if hasattr(params, "get") else None
    if override:
        return str(override)
    moment = logical_date or getattr(dag_run, "run_after", None)
    if moment is None:
        raise ValueError("no logical date and no run_after: cannot derive --run-id")
    return pendulum.instance(moment).in_timezone(TIMEZONE).strftime("%Y-%m-%d")


def shard_plan(s: DeploySettings, *, shards: int, run_id: str, input_file: str, llm: str) -> list[dict[str, Any]]:
    """Mapped kwargs for `generate`: one entry per category x shard."""
    plan = []
    for category in CATEGORIES:
        for shard in range(1, shards + 1):
            args = generate_args(s, category=category, shard=shard, shards=shards, run_id=run_id,
                                 input_file=input_file, llm=llm)
            if s.mode == "local":
                plan.append({"bash_command": bash_line(s, args)})
            else:
                plan.append({"arguments": args,
                             "labels": {**common_labels("generate"), "shop-summary/category": category,
                                        "shop-summary/shard": f"{shard}-of-{shards}"}})
    return plan


def bash_line(s: DeploySettings, args: list[str]) -> str:
    """Local mode: the same arguments, run by the local binary."""
    return "exec " + shlex.join([s.binary, *args])


# --- Kubernetes pod pieces ----------------------------------------------------------------------

def common_labels(step: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": "shop-summary", "app.kubernetes.io/component": step}


def _quantities(text: str) -> dict[str, str]:
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    if any(len(p) != 2 or p[0].strip() not in ("cpu", "memory") for p in pairs):
        raise ValueError(f"expected 'cpu=…,memory=…', got {text!r}")
    return {k.strip(): v.strip() for k, v in pairs}


def resources(step: str, s: DeploySettings | None = None) -> k8s.V1ResourceRequirements:
    """generate: 1 CPU / 2 GiB requested, 2 CPU / 4 GiB limit (original; raise with
    SHOP_SUMMARY_GENERATE_REQUESTS/LIMITS, see OPERATIONS.md). The other steps stream files."""
    if step == "generate":
        s = s or DeploySettings()
        return k8s.V1ResourceRequirements(requests=_quantities(s.generate_requests),
                                          limits=_quantities(s.generate_limits))
    return k8s.V1ResourceRequirements(requests={"cpu": "250m", "memory": "512Mi"},
                                      limits={"cpu": "1", "memory": "1Gi"})


def volumes(s: DeploySettings) -> tuple[list[k8s.V1Volume], list[k8s.V1VolumeMount]]:
    """EFS PVC (store, inputs, run outputs), the config ConfigMap, and a scratch /tmp."""
    vols = [
        k8s.V1Volume(name="vector-db",
                     persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name=s.pvc)),
        k8s.V1Volume(name="config", config_map=k8s.V1ConfigMapVolumeSource(name=s.config_map)),
        k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="2Gi")),
    ]
    mounts = [
        k8s.V1VolumeMount(name="vector-db", mount_path=s.mount_path),
        k8s.V1VolumeMount(name="config", mount_path=s.config_path, read_only=True),
        k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),
    ]
    return vols, mounts


def env_vars(s: DeploySettings, step: str) -> list[k8s.V1EnvVar]:
    """AWS comes from IRSA (the EKS webhook injects AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE from
    the service account); only generate gets the Google settings."""
    env = {"AWS_REGION": s.aws_region, "TZ": TIMEZONE}
    if step == "generate":
        env["GOOGLE_APPLICATION_CREDENTIALS"] = f"{s.gcp_secret_path}/{s.gcp_secret_key}"
        env["GOOGLE_CLOUD_LOCATION"] = s.gcp_location
        if s.gcp_project:
            env["GOOGLE_CLOUD_PROJECT"] = s.gcp_project
    env.update(s.extra_env)
    return [k8s.V1EnvVar(name=k, value=v) for k, v in sorted(env.items())]


def pod_kwargs(s: DeploySettings, step: str) -> dict[str, Any]:
    """Everything a pod needs except its arguments."""
    vols, mounts = volumes(s)
    kwargs: dict[str, Any] = dict(
        namespace=s.namespace, image=s.image, image_pull_policy="IfNotPresent",
        name=f"shop-summary-{step}", cmds=["shop-summary"],
        labels=common_labels(step), service_account_name=s.service_account,
        volumes=vols, volume_mounts=mounts, env_vars=env_vars(s, step),
        container_resources=resources(step, s),
        security_context=k8s.V1PodSecurityContext(run_as_non_root=True, run_as_user=10001,
                                                  run_as_group=10001, fs_group=10001),
        container_security_context=k8s.V1SecurityContext(
            allow_privilege_escalation=False, read_only_root_filesystem=True,
            capabilities=k8s.V1Capabilities(drop=["ALL"])),
        # Failed pods stay for `kubectl logs/describe`; successful ones are removed.
        on_finish_action="delete_succeeded_pod",
        in_cluster=s.in_cluster, get_logs=True, log_events_on_failure=True,
        # True frees the worker slot while a pod runs (needs a triggerer).
        deferrable=s.deferrable,
        # EFS mounts can take minutes on a cold node (CSI + mount helper + TLS stunnel).
        startup_timeout_seconds=600,
        # SIGTERM -> the binary stops new work, finishes in-flight calls within --grace-seconds,
        # flushes its ledger and exits 75; Kubernetes must wait longer than that.
        termination_grace_period=s.grace_seconds + 40,
    )
    if step == "generate":
        kwargs["secrets"] = [Secret("volume", s.gcp_secret_path, s.gcp_secret, s.gcp_secret_key)]
    return kwargs


# --- failure notifications ----------------------------------------------------------------------

class WebhookNotifier(BaseNotifier):
    """Posts a Slack-compatible JSON message (`{"text": …}`), like the product's `--notify-url`.
    The URL is read from `SHOP_SUMMARY_NOTIFY_URL` when the callback runs, never stored in the DAG."""

    template_fields = ("text",)

    def __init__(self, text: str, url_env: str = "SHOP_SUMMARY_NOTIFY_URL", timeout: float = 10.0):
        super().__init__()
        self.text = text
        self.url_env = url_env
        self.timeout = timeout

    def notify(self, context: Any) -> None:
        url = os.environ.get(self.url_env, "")
        if not url:
            self.log.info("%s is not set; no webhook notification", self.url_env)
            return
        body = json.dumps({"text": self.text}).encode()
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


FAILURE_TEXT = "shop_summary_batch failed: run {{ run_id }} ({{ ds }}); see Airflow task logs and the run report."


def failure_callbacks(s: DeploySettings) -> list[BaseNotifier]:
    """One alert per failed DAG run (not one per failed shard)."""
    callbacks: list[BaseNotifier] = [WebhookNotifier(text=FAILURE_TEXT)]
    if s.alert_emails:
        callbacks.insert(0, SmtpNotifier(to=list(s.alert_emails),
                                         subject="[shop-summary] {{ dag.dag_id }} failed ({{ ds }})",
                                         html_content=FAILURE_TEXT))
    return callbacks


# --- the DAG ------------------------------------------------------------------------------------

RUN_ID = "{{ slot_run_id(params, logical_date, dag_run) }}"


def build_dag(s: DeploySettings) -> DAG:
    """Builds the DAG for `s` (kubernetes pods, or local BashOperators in local mode)."""
    default_args = {
        "owner": "data-team",
        "depends_on_past": False,
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
    }
    with DAG(
        dag_id=DAG_ID,
        description="RAG few-shot shop summaries: init -> generate (category x shard) -> merge -> backup -> verify",
        schedule=SCHEDULE,
        start_date=pendulum.datetime(2025, 1, 1, tz=TIMEZONE),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        tags=["llm", "batch", "rag"],
        params={
            "shards": Param(s.shards, type="integer", minimum=1, maximum=64,
                            description="shards per category (one pod each)"),
            "input": Param(s.input, type="string", description="shops file (JSONL/.gz) as seen by the pods"),
            "llm": Param(s.llm, type="string", enum=list(LLM_CHOICES)),
            "run_id": Param("", type="string", description="override --run-id (default: the slot date)"),
        },
        user_defined_macros={"slot_run_id": slot_run_id},
        on_failure_callback=failure_callbacks(s),
        render_template_as_native_obj=False,
    ) as dag:

        @task(task_id="plan_shards")
        def plan(params: dict[str, Any] | None = None, logical_date: Any = None, dag_run: Any = None) -> list[dict[str, Any]]:
            """Category x shard kwargs for the mapped `generate` task (shard count = DAG param)."""
            run_id = slot_run_id(params, logical_date, dag_run)
            return shard_plan(s, shards=int(params["shards"]), run_id=run_id,
                              input_file=str(params["input"]), llm=str(params["llm"]))

        input_file = "{{ params.input }}"
        steps = {
            "init": init_args(s),
            "merge": merge_args(s, run_id=RUN_ID, input_file=input_file),
            "backup": backup_args(s),
            "verify": verify_args(s),
            "prune": prune_args(s),
        }
        shard_kwargs = plan()
        if s.mode == "local":
            ops = {name: BashOperator(task_id=name, bash_command=bash_line(s, args)) for name, args in steps.items()}
            generate = BashOperator.partial(task_id="generate", max_active_tis_per_dagrun=s.max_parallel_pods,
                                            execution_timeout=timedelta(hours=6)).expand_kwargs(shard_kwargs)
        else:
            ops = {name: KubernetesPodOperator(task_id=name, arguments=args, **pod_kwargs(s, name))
                   for name, args in steps.items()}
            generate_kwargs = pod_kwargs(s, "generate")
            generate_kwargs.pop("labels")  # per pod, from the plan (category and shard added)
            if s.pool:  # a Pool sized to the LLM quota caps concurrent generate pods across runs
                generate_kwargs["pool"] = s.pool
            generate = KubernetesPodOperator.partial(
                task_id="generate", max_active_tis_per_dagrun=s.max_parallel_pods,
                execution_timeout=timedelta(hours=6), **generate_kwargs,
            ).expand_kwargs(shard_kwargs)
        chain(ops["init"], generate, ops["merge"], ops["backup"], ops["verify"], ops["prune"])
    return dag


dag = build_dag(DeploySettings.from_env(os.environ))
