# Sourced: ensure_venv DIR REQUIREMENTS — creates/updates a virtualenv only when the
# requirements file changed (stamp holds its sha256).
ensure_venv() {
  local dir=$1 req=$2
  [ -f "$req" ] || return 0
  local want; want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.req-stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  echo "== preparing $(basename "$dir") from $(basename "$req") (PyPI)"
  [ -x "$dir/bin/python" ] || python3 -m venv "$dir" || return 1
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1
  "$dir/bin/python" -m pip install -q --disable-pip-version-check -r "$req" || return 1
  echo "$want" > "$dir/.req-stamp"
}
