"""IAM and EFS policy documents: valid JSON policies, least privilege, and consistent with the
manifests (service account, file system, access point, log group)."""

from __future__ import annotations

import json
import re

import pytest

import kustomize_lite as kz
from conftest import DEPLOY

IAM = DEPLOY / "iam"
EFS = DEPLOY / "efs"
READ_ONLY_WILDCARD_OK = re.compile(r"^(ec2|elasticfilesystem):Describe[A-Za-z]+$")


def load(path):
    return json.loads(path.read_text())


def statements(policy):
    s = policy["Statement"]
    return s if isinstance(s, list) else [s]


def as_list(value):
    return value if isinstance(value, list) else [value]


def policy_problems(policy, resource_policy=False) -> list[str]:
    problems = []
    if policy.get("Version") != "2012-10-17":
        problems.append("Version must be 2012-10-17")
    for st in statements(policy):
        sid = st.get("Sid", "?")
        if st.get("Effect") not in ("Allow", "Deny"):
            problems.append(f"{sid}: Effect")
        if "Action" not in st:
            problems.append(f"{sid}: no Action")
        if resource_policy != ("Principal" in st):
            problems.append(f"{sid}: Principal {'missing' if resource_policy else 'not allowed'}")
        if st.get("Effect") != "Allow":
            continue
        actions = as_list(st.get("Action", []))
        resources = as_list(st.get("Resource", []))
        for action in actions:
            if action == "*" or action.endswith(":*"):
                problems.append(f"{sid}: wildcard action {action}")
        if "*" in resources and not all(READ_ONLY_WILDCARD_OK.match(a) for a in actions):
            problems.append(f"{sid}: Resource * for non-describe actions {actions}")
    return problems


def all_policy_files():
    return sorted(IAM.glob("*.json")) + sorted(EFS.glob("*policy*.json"))


@pytest.mark.parametrize("path", all_policy_files(), ids=lambda p: p.name)
def test_policy_documents_are_valid_and_least_privilege(path):
    resource_policy = path.name in ("file-system-policy.json",) or "trust" in path.name
    assert policy_problems(load(path), resource_policy=resource_policy) == []


def test_the_checker_flags_broad_policies():
    broad = {"Version": "2012-10-17", "Statement": [
        {"Sid": "a", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "b", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}
    assert policy_problems(broad) == ["a: wildcard action s3:*", "b: Resource * for non-describe actions ['s3:GetObject']"]


def test_irsa_trust_is_limited_to_the_shop_summary_service_account():
    sa = next(o for o in kz.build(DEPLOY / "k8s" / "base") if o["kind"] == "ServiceAccount")
    trust = load(IAM / "shop-summary-trust-policy.json")
    (st,) = statements(trust)
    assert st["Action"] == "sts:AssumeRoleWithWebIdentity"
    conditions = st["Condition"]["StringEquals"]
    subs = [v for k, v in conditions.items() if k.endswith(":sub")]
    auds = [v for k, v in conditions.items() if k.endswith(":aud")]
    assert subs == [f"system:serviceaccount:{sa['metadata']['namespace']}:{sa['metadata']['name']}"]
    assert auds == ["sts.amazonaws.com"]
    role = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role.split(":")[4] == st["Principal"]["Federated"].split(":")[4]  # same account


def test_efs_client_access_goes_through_the_access_point_of_the_pv():
    pv = next(o for o in kz.build(DEPLOY / "k8s" / "base") if o["kind"] == "PersistentVolume")
    fs_id, ap_id = pv["spec"]["csi"]["volumeHandle"].split("::")
    client = load(IAM / "efs-client-policy.json")
    mount = statements(client)[0]
    assert sorted(mount["Action"]) == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert mount["Resource"].endswith(f":file-system/{fs_id}")
    assert mount["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"].endswith(f":access-point/{ap_id}")
    assert "elasticfilesystem:ClientRootAccess" not in json.dumps(client)
    fs_policy = load(EFS / "file-system-policy.json")
    deny_plain = [s for s in statements(fs_policy) if s["Effect"] == "Deny"
                  and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
    assert deny_plain, "the file system policy must refuse unencrypted NFS"
    ap = load(EFS / "access-point.json")
    assert ap["FileSystemId"] == fs_id
    assert ap["PosixUser"] == {"Uid": 10001, "Gid": 10001}  # the image's USER


def test_efs_moves_to_infrequent_access_after_30_days():
    lifecycle = load(EFS / "lifecycle-configuration.json")
    policies = lifecycle["LifecyclePolicies"]
    assert {"TransitionToIA": "AFTER_30_DAYS"} in policies
    assert {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"} in policies


def test_fluent_bit_may_write_only_its_log_group():
    policy = load(IAM / "fluent-bit-policy.json")
    resources = {r for st in statements(policy) for r in as_list(st["Resource"])}
    assert all("log-group:/aws/eks/shop-summary-batch" in r for r in resources)
    assert "logs:PutRetentionPolicy" in statements(policy)[0]["Action"]


def test_backup_policy_and_s3_lifecycle_from_the_backup_work(dag_module):
    """deploy/iam/backup-policy.json and deploy/s3/lifecycle.json are written by the backup work;
    here they are checked against what the DAG does (backup, verify, prune on the backup prefix)."""
    policy_path, lifecycle_path = IAM / "backup-policy.json", DEPLOY / "s3" / "lifecycle.json"
    if not policy_path.exists():
        pytest.skip("deploy/iam/backup-policy.json not merged yet (backup work)")
    policy = load(policy_path)
    assert policy_problems(policy) == []
    text = json.dumps(policy)
    prefix = dag_module.DeploySettings().backup_url.split("/", 3)[3]
    assert prefix in text, f"backup policy does not mention the backup prefix {prefix}"
    actions = {a for st in statements(policy) if st["Effect"] == "Allow" for a in as_list(st["Action"])}
    assert {"s3:GetObject", "s3:PutObject", "s3:ListBucket"} <= actions
    assert "s3:DeleteObject" in actions, "the DAG's prune step deletes expired backups"
    if lifecycle_path.exists():
        assert "30" in lifecycle_path.read_text()
