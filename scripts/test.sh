#!/usr/bin/env bash
# The whole test suite, as README command 2 and .ci/run run it.
#  1. installs what the tests need (Python virtualenvs from PyPI; Debian packages if missing),
#  2. starts loopback servers (tests/services/start-*.sh; each prints `export VAR=…` lines and
#     writes its PID to $SERVICE_PIDS),
#  3. runs `swift test`, then every tests/e2e/*.sh, then the pytest suites,
#  4. stops what it started (by PID) and ends with one line: `N passed, N failed`.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
export SHOP_SUMMARY_ROOT=$ROOT
LOGDIR=${TEST_LOG_DIR:-$ROOT/.build/test-logs}
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
export SERVICE_PIDS=$LOGDIR/pids; : > "$SERVICE_PIDS"
passed=0; failed=0; skipped=0
note() { printf '== %s\n' "$*"; }

stop_services() {
  [ -f "$SERVICE_PIDS" ] || return 0
  while read -r pid; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done < "$SERVICE_PIDS"
  sleep 0.3
  while read -r pid; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; done < "$SERVICE_PIDS"
  : > "$SERVICE_PIDS"
}
trap 'stop_services' EXIT
trap 'stop_services; exit 130' INT TERM

# --- 1. dependencies -------------------------------------------------------------------------
need_debs=()
for pkg in libssl-dev libsqlite3-dev zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_debs+=("$pkg")
done
if [ ${#need_debs[@]} -gt 0 ]; then
  note "installing Debian packages: ${need_debs[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need_debs[@]}" >/dev/null
fi
if ! command -v chromium >/dev/null 2>&1; then  # for the HTML report's browser test
  note "installing chromium (Debian) for the HTML report test"
  apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq chromium >/dev/null 2>&1 || echo "chromium install failed"
fi
# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"
ensure_venv "$ROOT/.venv-test" "$ROOT/tests/requirements.txt" || { echo "0 passed, 1 failed"; exit 1; }
export TEST_PYTHON="$ROOT/.venv-test/bin/python"
# The Chroma import test writes its fixture with the real chromadb (heavy: its own venv). It must
# run, not skip: a failed install counts as a failure.
if ensure_venv "$ROOT/.venv-chroma" "$ROOT/tests/requirements-chroma.txt"; then
  export CHROMA_PYTHON="$ROOT/.venv-chroma/bin/python" SHOP_SUMMARY_REQUIRE_CHROMA=1
else
  echo "chromadb venv could not be prepared: the Chroma import tests cannot run"; failed=$((failed + 1))
fi

# --- 2. services -----------------------------------------------------------------------------
for starter in tests/services/start-*.sh; do
  [ -e "$starter" ] || continue
  note "starting $(basename "$starter")"
  if exports=$(bash "$starter" 2>"$LOGDIR/$(basename "$starter").err"); then
    eval "$exports"
  else
    echo "service $(basename "$starter") failed to start:"; tail -5 "$LOGDIR/$(basename "$starter").err"
    failed=$((failed + 1))
  fi
done

# --- 3a. swift test --------------------------------------------------------------------------
note "swift build"
if ! swift build --build-tests 2>&1 | tee "$LOGDIR/build.log" | grep -E "error:|warning:" ; then :; fi
if grep -q "error:" "$LOGDIR/build.log"; then
  echo "build failed (see $LOGDIR/build.log)"; failed=$((failed + 1))
else
  note "swift test"
  swift test --skip-build --disable-xctest 2>&1 | tee "$LOGDIR/swift-test.log" \
    | grep -E "^(✘|􀢄)|recorded an issue|skipped|Test run with" || true
  sp=$(grep -cE "^(✔|􁁛) Test [^r].* passed" "$LOGDIR/swift-test.log")
  sf=$(grep -cE "^(✘|􀢄) Test [^r].* failed after" "$LOGDIR/swift-test.log")
  ss=$(grep -cE "^(➜|􀙟) Test .* skipped" "$LOGDIR/swift-test.log")
  if [ "$sf" -eq 0 ] && grep -qE "Test run with [0-9]+ tests? .*failed" "$LOGDIR/swift-test.log"; then sf=1; fi
  if ! grep -qE "Test run with [0-9]+ test" "$LOGDIR/swift-test.log"; then
    echo "swift test did not finish (crash?): last lines:"; tail -20 "$LOGDIR/swift-test.log"; sf=$((sf + 1))
  fi
  echo "swift test: $sp passed, $sf failed, $ss skipped"
  passed=$((passed + sp)); failed=$((failed + sf)); skipped=$((skipped + ss))
fi

# --- 3b. end-to-end scripts ------------------------------------------------------------------
if [ -x .build/debug/shop-summary ]; then export SHOP_SUMMARY_BIN=$ROOT/.build/debug/shop-summary; fi
for t in tests/e2e/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  if bash "$t" >"$LOGDIR/e2e-$name.log" 2>&1; then
    echo "e2e $name: passed"; passed=$((passed + 1))
  else
    echo "e2e $name: FAILED (log: $LOGDIR/e2e-$name.log)"; tail -15 "$LOGDIR/e2e-$name.log" | sed 's/^/   | /'
    failed=$((failed + 1))
  fi
done

# --- 3c. pytest suites -----------------------------------------------------------------------
run_pytest() { # venv dir, requirements, test dir, label
  local venv=$1 req=$2 dir=$3 label=$4
  [ -d "$dir" ] && ls "$dir"/test_*.py >/dev/null 2>&1 || return 0
  ensure_venv "$venv" "$req" || { failed=$((failed + 1)); return; }
  note "pytest $label"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$dir" >"$LOGDIR/pytest-$label.log" 2>&1
  local summary; summary=$(grep -E "^(=+ )?[0-9]+ (passed|failed)|no tests ran|error" "$LOGDIR/pytest-$label.log" | tail -1)
  local p f e; p=$(grep -oE "[0-9]+ passed" <<<"$summary" | grep -oE "[0-9]+"); f=$(grep -oE "[0-9]+ failed" <<<"$summary" | grep -oE "[0-9]+")
  e=$(grep -oE "[0-9]+ error" <<<"$summary" | grep -oE "[0-9]+")
  local s; s=$(grep -oE "[0-9]+ skipped" <<<"$summary" | grep -oE "[0-9]+")
  echo "pytest $label: ${p:-0} passed, ${f:-0} failed, ${e:-0} errors, ${s:-0} skipped"
  [ -z "$p$f$e" ] && { tail -20 "$LOGDIR/pytest-$label.log"; f=1; }
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
}
run_pytest "$ROOT/.venv-test" "$ROOT/tests/requirements.txt" tests/python python
run_pytest "$ROOT/.venv-airflow" "$ROOT/deploy/tests/requirements.txt" deploy/tests deploy

stop_services
[ "$skipped" -gt 0 ] && echo "($skipped skipped; see the logs for why)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
