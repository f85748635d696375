#!/usr/bin/env bash
# Starts two moto_server instances on 127.0.0.1 (free ports) for the S3 tests:
#  1. default mode (no signature checks) → SHOP_SUMMARY_TEST_S3_ENDPOINT
#  2. authenticated mode (INITIAL_NO_AUTH_ACTION_COUNT=3: the first three calls create an IAM
#     user, an access key and an allow-all policy; afterwards every request must be correctly
#     signed with that key) → SHOP_SUMMARY_TEST_S3_AUTH_ENDPOINT / _KEY_ID / _SECRET, plus STS
#     AssumeRole session credentials → SHOP_SUMMARY_TEST_S3_AUTH_SESSION_KEY_ID / _SECRET / _TOKEN
# Prints `export VAR=value` lines on stdout; appends both PIDs to $SERVICE_PIDS (if set);
# logs go to $TEST_LOG_DIR (or .build/test-logs). Stop them by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${TEST_PYTHON:-$ROOT/.venv-test/bin/python}
if [ ! -x "$PY" ]; then
  python3 -m venv "$ROOT/.venv-test" >&2
  "$ROOT/.venv-test/bin/pip" install -q --disable-pip-version-check -r tests/requirements.txt >&2
  PY=$ROOT/.venv-test/bin/python
fi
MOTO=$(dirname "$PY")/moto_server
[ -x "$MOTO" ] || { echo "moto_server not found next to $PY (pip install -r tests/requirements.txt)" >&2; exit 1; }
LOGDIR=${TEST_LOG_DIR:-$ROOT/.build/test-logs}
mkdir -p "$LOGDIR"

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_ready() { # url pid
  "$PY" - "$1" "$2" <<'PYEOF' >&2
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 30
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"moto_server (pid {pid}) exited early")
    try:
        urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(f"moto_server at {url} did not answer within 30 s")
PYEOF
}

start_moto() { # name, then extra env assignments
  local name=$1; shift
  local port; port=$(free_port)
  env "$@" "$MOTO" -H 127.0.0.1 -p "$port" >"$LOGDIR/moto-$name.log" 2>&1 &
  local pid=$!
  if [ -n "${SERVICE_PIDS:-}" ]; then echo "$pid" >> "$SERVICE_PIDS"; else echo "moto $name pid $pid" >&2; fi
  wait_ready "http://127.0.0.1:$port" "$pid"
  echo "$port"
}

plain_port=$(start_moto plain)
echo "export SHOP_SUMMARY_TEST_S3_ENDPOINT=http://127.0.0.1:$plain_port"

auth_port=$(start_moto auth INITIAL_NO_AUTH_ACTION_COUNT=3)
keys=$("$PY" - "http://127.0.0.1:$auth_port" <<'PYEOF'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="shop-summary-test")
key = iam.create_access_key(UserName="shop-summary-test")["AccessKey"]
iam.put_user_policy(UserName="shop-summary-test", PolicyName="allow-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
# Temporary (session) credentials through STS AssumeRole, signed with the new key: moto verifies
# x-amz-security-token for them, so the signer's session-token path is checked end to end.
signed = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
              aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
iam = boto3.client("iam", **signed)
trust = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
iam.create_role(RoleName="shop-summary-test-role", AssumeRolePolicyDocument=json.dumps(trust))
iam.put_role_policy(RoleName="shop-summary-test-role", PolicyName="allow-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
session = boto3.client("sts", **signed).assume_role(
    RoleArn="arn:aws:iam::123456789012:role/shop-summary-test-role", RoleSessionName="shop-summary-test",
    DurationSeconds=43200)["Credentials"]
print(key["AccessKeyId"], key["SecretAccessKey"], session["AccessKeyId"], session["SecretAccessKey"],
      session["SessionToken"])
PYEOF
)
read -r key_id secret session_key_id session_secret session_token <<<"$keys"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_ENDPOINT=http://127.0.0.1:$auth_port"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_KEY_ID='$key_id'"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_SECRET='$secret'"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_SESSION_KEY_ID='$session_key_id'"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_SESSION_SECRET='$session_secret'"
echo "export SHOP_SUMMARY_TEST_S3_AUTH_SESSION_TOKEN='$session_token'"
