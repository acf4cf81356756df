"""The GitHub Action's script and the pre-commit hook, run locally as CI would run them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".github" / "actions" / "rootless-check" / "run.sh"
BIN = Path(sys.executable).parent


def action() -> dict[str, object]:
    """The parsed action.yml."""
    data: dict[str, object] = yaml.safe_load((ROOT / "action.yml").read_text())
    return data


def test_action_inputs_and_script_agree() -> None:
    spec = action()
    inputs = spec["inputs"]
    assert isinstance(inputs, dict)
    steps = spec["runs"]["steps"]  # type: ignore[index]
    check = next(s for s in steps if s.get("id") == "check")
    env = check["env"]
    script = SCRIPT.read_text()
    used = set(re.findall(r"INPUT_[A-Z_]+", script))
    assert used <= set(env), used - set(env)
    for name, value in env.items():
        match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", value)
        assert match and match.group(1) in inputs, name
    assert "run.sh" in check["run"]


def run_action(
    tmp_path: Path, paths: str, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path, Path, Path]:
    """Run the action's script with the environment GitHub gives it."""
    output, summary, sarif = tmp_path / "out", tmp_path / "summary.md", tmp_path / "r.sarif"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "INPUT_PATHS": paths,
        "INPUT_SARIF_FILE": str(sarif),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )
    return result, output, summary, sarif


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed")
def test_action_script_on_failing_manifests(tmp_path: Path) -> None:
    result, output, summary, sarif = run_action(
        tmp_path, "examples/noncompliant\nexamples/manifests", fail_on="error"
    )
    assert result.returncode == 0, result.stderr
    assert "exit-code=1" in output.read_text()
    assert re.search(
        r"^::error file=examples/noncompliant/workloads\.yaml,line=\d+,", result.stdout, re.M
    )
    assert summary.read_text().startswith("## ❌ rootless-check: not rootless")
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed")
def test_action_script_on_clean_manifests(tmp_path: Path) -> None:
    result, output, summary, _ = run_action(tmp_path, "examples/manifests")
    assert result.returncode == 0, result.stderr
    assert "exit-code=0" in output.read_text()
    assert summary.read_text().startswith("## ✅ rootless-check: rootless")


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed")
def test_action_script_passes_extra_args(tmp_path: Path) -> None:
    result, output, _, _ = run_action(tmp_path, "examples/noncompliant", args="--fail-on never")
    assert result.returncode == 0
    assert "exit-code=0" in output.read_text()


def test_pre_commit_hook_runs_as_pre_commit_would() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "rootless-check"]
    assert hook["id"] == "rootless-check" and hook["language"] == "python"
    assert hook["require_serial"] is True

    def run(files: list[str]) -> int:
        command = [str(BIN / hook["entry"]), *hook["args"], *files]
        return subprocess.run(command, cwd=ROOT, capture_output=True, check=False).returncode

    clean = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "manifests").glob("*.yaml")
    )
    assert run(clean) == 0
    assert run([*clean, "examples/noncompliant/workloads.yaml"]) == 1
