"""The S3 lifecycle rule and the backup IAM policy in deploy/: valid for the real APIs (moto's
in-process mock parses them like S3/IAM do) and saying exactly what the backup design needs."""
import json
import pathlib

import boto3
import pytest
from moto import mock_aws

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIFECYCLE = json.loads((ROOT / "deploy/s3/lifecycle.json").read_text())
POLICY = json.loads((ROOT / "deploy/iam/backup-policy.json").read_text())
BUCKET = "shop-summary-backups-111122223333"
PREFIX = "vector-db-backups/"


def rules_by_id():
    return {rule["ID"]: rule for rule in LIFECYCLE["Rules"]}


def test_dated_backups_expire_after_30_days_but_latest_and_objects_do_not():
    rule = rules_by_id()["expire-dated-backups-after-30-days"]
    assert rule["Status"] == "Enabled" and rule["Expiration"] == {"Days": 30}
    prefix = rule["Filter"]["Prefix"]
    # Backup folders are <prefix>/<YYYYmmdd_HHMMSS>/: the rule matches them ...
    assert f"{PREFIX}20261201_020000/store.tar.gz".startswith(prefix)
    # ... but never latest/ (the pointer) nor objects/ (shared incremental files; `backup prune` owns them).
    for key in ("latest/manifest.json", "latest/store.tar.gz", "objects/sha256/ab/ab12"):
        assert not (PREFIX + key).startswith(prefix)


def test_incomplete_multipart_uploads_are_aborted_within_a_week():
    rule = rules_by_id()["abort-incomplete-multipart-uploads"]
    assert rule["Status"] == "Enabled" and rule["Filter"]["Prefix"] == PREFIX
    assert 1 <= rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] <= 7


def test_intelligent_tiering_is_offered_but_optional():
    rule = rules_by_id()["optional-intelligent-tiering"]
    assert rule["Status"] == "Disabled"
    assert rule["Transitions"][0]["StorageClass"] == "INTELLIGENT_TIERING"


@mock_aws
def test_lifecycle_document_is_accepted_by_the_s3_api():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration=LIFECYCLE)
    stored = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert {rule["ID"] for rule in stored} == set(rules_by_id())


@mock_aws
def test_policy_document_is_accepted_by_iam():
    iam = boto3.client("iam", region_name="us-east-1")
    arn = iam.create_policy(PolicyName="shop-summary-backup", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    assert arn.endswith(":policy/shop-summary-backup")


def allows():
    return [s for s in POLICY["Statement"] if s["Effect"] == "Allow"]


def test_no_bucket_wide_or_wildcard_rights():
    for statement in allows():
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert all("*" not in action for action in actions), statement["Sid"]
        for resource in resources:
            assert resource != "*", statement["Sid"]
            if resource.startswith("arn:aws:s3:::") and "/" in resource:
                assert resource == f"arn:aws:s3:::{BUCKET}/{PREFIX}*", statement["Sid"]


def test_listing_is_limited_to_the_backup_prefix():
    (listing,) = [s for s in allows() if s["Action"] == "s3:ListBucket"]
    assert listing["Resource"] == f"arn:aws:s3:::{BUCKET}"
    assert set(listing["Condition"]["StringLike"]["s3:prefix"]) == {PREFIX, PREFIX + "*"}


def test_object_rights_cover_exactly_what_the_backup_commands_do():
    (objects,) = [s for s in allows() if s["Resource"].endswith("/*")]
    # Get: get/head/download/copy source; Put: put/copy target/multipart; Delete: prune;
    # Abort + ListParts: multipart cleanup.
    assert set(objects["Action"]) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                      "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}


def test_kms_use_is_only_through_s3():
    (kms,) = [s for s in allows() if any(a.startswith("kms:") for a in s["Action"])]
    assert kms["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")


@pytest.mark.parametrize("statement", [s for s in POLICY["Statement"] if s["Effect"] == "Deny"])
def test_plain_http_is_denied(statement):
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
