#!/usr/bin/env bash
# Starts the loopback fake LLM server (tests/servers/fake_llm.py) with a fresh RSA test key pair
# and a service-account JSON whose token_uri points at it. Prints `export` lines on stdout;
# appends the server PID to $SERVICE_PIDS when set.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${TEST_PYTHON:-python3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/fake-llm.XXXXXX")
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/key.pem" 2>/dev/null
openssl pkey -in "$DIR/key.pem" -pubout -out "$DIR/pub.pem" 2>/dev/null
EMAIL="shop-summary-test@fake-project.iam.gserviceaccount.com"
"$PY" "$ROOT/tests/servers/fake_llm.py" --port-file "$DIR/port" --public-key "$DIR/pub.pem" \
  --client-email "$EMAIL" ${FAKE_LLM_FAULTS:+--faults "$FAKE_LLM_FAULTS"} >"$DIR/server.log" 2>&1 &
PID=$!
[ -n "${SERVICE_PIDS:-}" ] && echo "$PID" >> "$SERVICE_PIDS"
for _ in $(seq 1 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
[ -s "$DIR/port" ] || { echo "fake_llm did not start: $(cat "$DIR/server.log")" >&2; kill "$PID"; exit 1; }
PORT=$(cat "$DIR/port")
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$URL/_health" >/dev/null 2>&1 && break; sleep 0.05; done
"$PY" - "$DIR/key.pem" "$DIR/sa.json" "$EMAIL" "$URL/token" <<'PYEOF'
import json, sys
key = open(sys.argv[1]).read()
json.dump({"type": "service_account", "project_id": "fake-project", "private_key_id": "test-kid-1",
           "private_key": key, "client_email": sys.argv[3], "client_id": "1",
           "token_uri": sys.argv[4]}, open(sys.argv[2], "w"), indent=2)
PYEOF
echo "export SHOP_SUMMARY_TEST_LLM_URL=$URL"
echo "export SHOP_SUMMARY_TEST_LLM_PID=$PID"
echo "export SHOP_SUMMARY_TEST_SA_KEY_FILE=$DIR/sa.json"
echo "export SHOP_SUMMARY_TEST_SA_PUBLIC_KEY=$DIR/pub.pem"
echo "export SHOP_SUMMARY_TEST_GEMINI_API_KEY=test-gemini-key-0123456789"
echo "export SHOP_SUMMARY_TEST_OPENAI_API_KEY=test-openai-key-0123456789"
