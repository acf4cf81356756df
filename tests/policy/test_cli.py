"""The rootless-check command: exit codes, formats, output files, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kubeflow_devtools.policy.cli import main

GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: web
        image: nginx
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]
"""

BAD = GOOD.replace("allowPrivilegeEscalation: false", "privileged: true")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A good manifest, a bad one and a malformed one."""
    paths = {"good": tmp_path / "good.yaml", "bad": tmp_path / "bad.yaml"}
    paths["good"].write_text(GOOD)
    paths["bad"].write_text(BAD)
    paths["broken"] = tmp_path / "broken.yaml"
    paths["broken"].write_text("kind: Pod\nspec: [\n")
    return paths


def test_exit_0_on_clean_input(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(files["good"])]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok: 0 finding(s)")


def test_exit_1_on_findings(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(files["bad"]), "--profile", "baseline"]) == 1
    out = capsys.readouterr().out
    assert "Deployment apps/web" in out
    assert "privileged" in out
    assert out.rstrip().splitlines()[-1].startswith("FAIL: 1 finding(s)")


def test_json_contract(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(files["bad"]), "--format", "json", "--profile", "baseline"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    assert report["summary"]["resources"] == 1
    assert report["summary"]["pod_specs"] == 1
    assert report["summary"]["containers"] == 1
    assert report["summary"]["findings"] == 1
    [finding] = report["findings"]
    assert finding == finding | {
        "rule": "privileged",
        "level": "baseline",
        "severity": "error",
        "kind": "Deployment",
        "namespace": "apps",
        "name": "web",
        "container": "web",
        "path": "spec.template.spec.containers[0].securityContext.privileged",
        "file": str(files["bad"]),
        "line": 17,
        "injected": False,
        "waived": False,
    }
    assert isinstance(finding["message"], str) and finding["message"]


def test_relative_paths_stay_relative(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files["bad"].parent)
    main([".", "--format", "json", "--profile", "baseline"])
    report = json.loads(capsys.readouterr().out)
    assert {f["file"] for f in report["findings"]} == {"./bad.yaml"}


def test_output_file(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert main([str(files["good"]), "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["summary"]["findings"] == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_malformed_input_is_one_line_exit_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(files["broken"]), str(files["bad"]), "--profile", "baseline"]) == 2
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"rootless-check: error: {files['broken']}:")
    # the broken file does not hide the findings of the other one
    assert "privileged" in captured.out


@pytest.mark.parametrize(
    "argv",
    [["--pss-version", "v2.0", "x"], ["--profile", "nope", "x"], [], ["--format", "xml", "x"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.yaml")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_unwritable_output(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    target = files["good"].parent / "missing-dir" / "r.json"
    assert main([str(files["good"]), "--output", str(target)]) == 2
    assert capsys.readouterr().err.startswith("rootless-check: error:")


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m kubeflow_devtools.policy`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "kubeflow_devtools.policy", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )


def test_python_m_policy_reads_stdin() -> None:
    result = run("-", "--profile", "baseline", stdin=BAD.encode())
    assert result.returncode == 1
    assert b"<stdin>" in result.stdout


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02binary", b"a: \xff\xfe\n", b"a: [\n", b"a: *x\n", b"- [" * 5000 + b"\n"],
)
def test_bad_bytes_never_traceback(data: bytes) -> None:
    result = run("-", stdin=data)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().count("\n") == 1
    assert result.stderr.startswith(b"rootless-check: error: <stdin>")


def test_list_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-checks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["ID", "LEVEL", "SEVERITY", "VERSIONS", "TITLE"]
    assert any(line.split()[:4] == ["privileged", "baseline", "error", "v1.0+"] for line in out)
    assert any(line.split()[:4] == ["istioInit", "mesh", "error", "-"] for line in out)


def test_output_to_a_device_writes_in_place(files: dict[str, Path]) -> None:
    import stat

    assert main([str(files["good"]), "--output", "/dev/null"]) == 0
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
