"""The arguments in every pod spec are exactly flags the binary accepts: each rendered command line
is checked against the command's own `--help` declaration and then run through the binary's real
parser (paths swapped for temp paths, so nothing outside a temp dir is touched and nothing is
fetched). A parse failure is exit 64; anything else means the parser accepted the line.

Needs the `init`, `generate`, `merge`, `backup`, `backup verify`, `backup prune` commands. While the
binary is the bare skeleton (none of them present, other helpers still building), the tests skip
with that reason; once any batch command exists, every missing one FAILS.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import binary_has_command, find_binary
from test_pod_specs import mapped_pods, render

COMMANDS = {"init": ["init"], "generate": ["generate"], "merge": ["merge"], "backup": ["backup"],
            "verify": ["backup", "verify"], "prune": ["backup", "prune"]}


@pytest.fixture(scope="module")
def binary():
    path = find_binary()
    if path is None:
        pytest.skip("no shop-summary binary (set SHOP_SUMMARY_BIN or run `swift build`)")
    present = {step: binary_has_command(path, words) for step, words in COMMANDS.items()}
    print(f"\nbinary {path}: commands present: {present}")
    if not any(present.values()):
        pytest.skip(f"binary {path} has none of the batch commands yet (skeleton); needs the pipeline/backup work")
    return path, present


def all_command_lines(dag) -> dict[str, list[list[str]]]:
    lines = {step: [render(dag, step)[1].spec.containers[0].args] for step in ("init", "merge", "backup", "verify", "prune")}
    lines["generate"] = [pod.spec.containers[0].args for _, pod in mapped_pods(dag, shards=3)]
    return lines


def declared_options(binary: Path, words: list[str]) -> dict[str, bool]:
    """Option name -> takes a value, from the OPTIONS section of `<command> --help`."""
    out = subprocess.run([str(binary), *words, "--help"], capture_output=True, text=True, timeout=30).stdout
    options: dict[str, bool] = {}
    section = out.split("OPTIONS:", 1)[1] if "OPTIONS:" in out else ""
    for line in section.splitlines():
        # "  --data-dir DIR      help" (value) or "  --incremental      help" (flag): the synopsis is
        # padded with at least two spaces, a placeholder follows the name after exactly one.
        match = re.match(r"^\s+(--[a-z0-9][a-z0-9-]*)(?: (\S+))?(?:\s{2,}|$)", line)
        if match:
            options[match.group(1)] = match.group(2) is not None
    return options


def check_against_help(args: list[str], words: list[str], options: dict[str, bool]) -> list[str]:
    problems = []
    assert args[: len(words)] == words
    rest = args[len(words):]
    i = 0
    while i < len(rest):
        flag = rest[i]
        if not flag.startswith("--"):
            problems.append(f"unexpected positional {flag!r}")
            i += 1
            continue
        if flag not in options:
            problems.append(f"{flag} is not declared by `{' '.join(words)} --help`")
            i += 1
            continue
        if options[flag]:
            if i + 1 >= len(rest) or rest[i + 1].startswith("--"):
                problems.append(f"{flag} needs a value")
            i += 2
        else:
            i += 1
    return problems


def sandboxed(args: list[str], tmp: Path) -> list[str]:
    """Same flags; values that name cluster paths or buckets point into `tmp` instead."""
    swaps = {"/data/vector_db/store": str(tmp / "db"), "/data/vector_db/runs": str(tmp / "out"),
             "/data/vector_db/input/shops.jsonl.gz": str(tmp / "missing-input.jsonl"),
             "/etc/shop-summary/mapping-naver-place.json": str(tmp / "missing-mapping.json"),
             "/etc/shop-summary/category-rules.json": str(tmp / "missing-rules.json"),
             "/etc/shop-summary": str(tmp / "missing-prompts"),
             "s3://my-rag-bucket/vector-db-backups": (tmp / "backups").as_uri()}
    return [swaps.get(a, a) for a in args]


def test_help_declares_every_flag_the_dag_passes(dag, binary):
    path, present = binary
    checked = []
    for step, lines in all_command_lines(dag).items():
        assert present[step], f"`shop-summary {' '.join(COMMANDS[step])}` is missing from the binary"
        options = declared_options(path, COMMANDS[step])
        assert options, f"no OPTIONS parsed from `{' '.join(COMMANDS[step])} --help`"
        for args in lines:
            problems = check_against_help(args, COMMANDS[step], options)
            assert problems == [], f"{' '.join(args)}: {problems}"
        checked.append(step)
    print("checked against --help:", checked)


def test_binary_parser_accepts_every_dag_command_line(dag, binary, tmp_path):
    path, present = binary
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOOGLE_", "GEMINI_", "OPENAI_"))}
    env.update({"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "HOME": str(tmp_path)})
    for step, lines in all_command_lines(dag).items():
        assert present[step], f"`shop-summary {' '.join(COMMANDS[step])}` is missing from the binary"
        for args in lines[:2]:
            run = sandboxed(args, tmp_path)
            try:
                out = subprocess.run([str(path), *run], capture_output=True, text=True, timeout=20,
                                     cwd=tmp_path, env=env)
            except subprocess.TimeoutExpired:
                continue  # still running after 20 s: the parser accepted the line (it fails fast)
            assert out.returncode != 64, f"usage error for {run}: {out.stderr.strip()}"
            assert "unknown option" not in out.stderr and "needs a value" not in out.stderr, out.stderr


def test_the_checker_itself_catches_a_bad_flag():
    options = {"--data-dir": True, "--backup-url": True, "--incremental": False}
    assert check_against_help(["backup", "--data-dir", "/d", "--backup-url", "s3://b/p"], ["backup"], options) == []
    assert check_against_help(["backup", "--data-dir", "/d", "--bucket", "b"], ["backup"], options) == [
        "--bucket is not declared by `backup --help`", "unexpected positional 'b'"]
    assert check_against_help(["backup", "--data-dir", "--incremental"], ["backup"], options) == [
        "--data-dir needs a value"]


def test_cronjob_alternative_runs_a_command_line_the_binary_accepts(binary, tmp_path):
    """The CronJob (deploy/k8s/overlays/cronjob-example) runs `shop-summary run …` in one pod."""
    import kustomize_lite as kz
    from conftest import DEPLOY

    path, _ = binary
    assert binary_has_command(path, ["run"]), "`shop-summary run` is missing from the binary"
    cron = next(o for o in kz.build(DEPLOY / "k8s" / "overlays" / "cronjob-example") if o["kind"] == "CronJob")
    args = kz.pod_specs(cron)[0]["containers"][0]["args"]
    assert check_against_help(args, ["run"], declared_options(path, ["run"])) == []
    out = subprocess.run([str(path), *sandboxed(args, tmp_path)], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)})
    assert out.returncode != 64, out.stderr


def runbook_commands() -> list[list[str]]:
    """Every `shop-summary …` command in the code blocks of docs/OPERATIONS.md."""
    import shlex

    from conftest import REPO

    text = (REPO / "docs" / "OPERATIONS.md").read_text()
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            match = re.search(r"(?:^|-- )shop-summary ([a-z].*)$", line.strip())
            if match:
                commands.append(shlex.split(match.group(1).split("#")[0]))
    for span in re.findall(r"`shop-summary ([a-z][^`]*)`", text):
        if "…" not in span and "<" not in span:  # inline examples; the overview table abbreviates
            commands.append(shlex.split(span))
    return commands


def test_runbook_commands_use_flags_the_binary_declares(binary):
    path, _ = binary
    commands = runbook_commands()
    assert len(commands) >= 7  # seed, backup, generate, verify, restore, dr-drill, db stats
    for words in commands:
        head = [w for w in words[:2] if not w.startswith("-")]
        command = head if len(head) == 2 and binary_has_command(path, head) else head[:1]
        assert binary_has_command(path, command), f"runbook uses `shop-summary {' '.join(command)}`, which does not exist"
        assert check_against_help(words, command, declared_options(path, command)) == [], words
