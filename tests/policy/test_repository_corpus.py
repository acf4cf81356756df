"""Repository mode on a copy of the whole kubeflow/manifests repository (the shared corpus).

Expectations come from real kustomize: every root is built alone with ``kubectl kustomize``
and its render checked as a file; the repository run must report exactly those findings.
The copy is a git repository made here; nothing is written into the shared corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kubeflow_devtools.policy import Options, scan_text
from kubeflow_devtools.policy.cli import main

REPO = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "kubeflow-manifests"
    / "repo-009c880"
)
KUBECTL = shutil.which("kubectl")
CONTROLLER = "applications/katib/upstream/components/controller/controller.yaml"
PATCH = "common/istio/istio-install/base/patches/seccomp-istiod.yaml"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REPO.is_dir(), reason=f"{REPO} is not present"),
    pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed"),
]


def git(top: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=t@e", "-c", "user.name=t", *args],
        cwd=top,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def kubectl(folder: Path) -> str | None:
    """``kubectl kustomize`` of one folder, alone; ``None`` when it fails."""
    assert KUBECTL is not None
    result = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    top = tmp_path_factory.mktemp("manifests") / "repo"
    shutil.copytree(REPO, top, symlinks=True)
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "corpus")
    cwd = os.getcwd()
    os.chdir(top)
    yield top
    os.chdir(cwd)


def rootless(*args: str) -> tuple[int, dict[str, object]]:
    out = Path("report.json")
    code = main([*args, "--format", "json", "--output", str(out), "--cache", ".cache-rc"])
    data = json.loads(out.read_text())
    out.unlink()
    return code, data


@pytest.fixture(scope="module")
def whole(copy: Path) -> tuple[int, dict[str, object]]:
    return rootless(".", "--no-cache")


def failing(findings: object) -> set[tuple[str, ...]]:
    assert isinstance(findings, list)
    return {
        (f["input"], f["rule"], f["kind"], f["name"], f["container"] or "", f["path"])
        for f in findings
        if not f["waived"] and f["severity"] == "error"
    }


def test_every_root_is_reported_and_the_offline_ones_checked(
    whole: tuple[int, dict[str, object]],
) -> None:
    code, data = whole
    assert code == 2
    inputs = data["inputs"]
    assert isinstance(inputs, list)
    roots = [i for i in inputs if i["kind"] == "kustomization"]
    assert len(roots) == 67
    by_status: dict[str, list[dict[str, str]]] = {}
    for root in roots:
        by_status.setdefault(root["status"], []).append(root)
    assert len(by_status["checked"]) == 48
    assert len(by_status["skipped"]) == 2  # the two Components
    failed = by_status["failed"]
    assert len(failed) == 17
    network = [r for r in failed if r["reason"].endswith(": no network")]
    assert len(network) == 16
    assert all(r["reason"].startswith("remote base https://") for r in network)
    [broken] = [r for r in failed if r not in network]
    assert broken["path"] == "applications/model-registry/upstream/options/catalog/options/istio"
    assert "istio-authorization-policy.yaml: no such file or directory" in broken["reason"]
    assert all(len(r["reason"]) < 300 and r["output"] for r in failed)
    helm = [i for i in inputs if i["kind"] == "helm"]
    assert len(helm) == 4 and all(i["status"] == "skipped" for i in helm)
    errors = data["errors"]
    assert isinstance(errors, list)
    assert not any("invalid YAML" in e["message"] for e in errors)


def test_findings_are_those_of_each_root_built_alone(
    copy: Path, whole: tuple[int, dict[str, object]]
) -> None:
    _, data = whole
    inputs = data["inputs"]
    assert isinstance(inputs, list)
    expected: set[tuple[str, ...]] = set()
    for root in (i["path"] for i in inputs if i["status"] == "checked"):
        if root == ".":
            continue
        render = kubectl(copy / root)
        assert render is not None, root
        report = scan_text(root, render, Options())
        expected |= {
            (root, f.rule, f.kind, f.name, f.container or "", f.path)
            for f in report.findings
            if f.fails and f.severity == "error"
        }
    got = {k for k in failing(data["findings"]) if k[0] != "."}
    assert got == expected
    # every finding of a root points at a source file of the repository, never a render
    findings = data["findings"]
    assert isinstance(findings, list)
    of_roots = [f for f in findings if f["input"] not in (None, ".")]
    located = [f for f in of_roots if f["line"] and Path(f["file"]).is_file()]
    assert len(located) >= 0.95 * len(of_roots)
    # no patch is ever read as an object
    patches = {
        str(Path(f["file"])) for f in findings if "/patches/" in f["file"] and f["input"] == "."
    }
    assert patches == set()


def unbuildable(data: dict[str, object]) -> list[str]:
    """``--exclude PATH`` for every root that failed to build."""
    inputs = data["inputs"]
    assert isinstance(inputs, list)
    return [a for i in inputs if i["status"] == "failed" for a in ("--exclude", i["path"])]


def test_with_the_unbuildable_roots_excluded_the_run_passes_or_fails_never_errs(
    whole: tuple[int, dict[str, object]],
) -> None:
    _, data = whole
    code, again = rootless(".", *unbuildable(data))
    assert code in (0, 1)
    assert isinstance(again["inputs"], list)
    assert sum(1 for i in again["inputs"] if i["status"] == "excluded") == 17


def renders(copy: Path, data: dict[str, object], marker: str) -> dict[str, str | None]:
    """The kubectl renders of the checked roots whose render holds ``marker``."""
    inputs = data["inputs"]
    assert isinstance(inputs, list)
    roots = [i["path"] for i in inputs if i["status"] == "checked" and i["path"] != "."]
    before = {r: kubectl(copy / r) for r in roots}
    return {r: text for r, text in before.items() if marker in (text or "")}


def edit_line(path: Path, after: str, added: str) -> int:
    """Insert ``added`` after the first line containing ``after``; its line number."""
    lines = path.read_text().splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if after in line) + 1
    indent = len(lines[at - 1]) - len(lines[at - 1].lstrip()) + 2
    lines.insert(at, " " * indent + added + "\n")
    path.write_text("".join(lines))
    return at + 1


def test_changed_since_builds_only_the_roots_a_katib_edit_affects(
    copy: Path, whole: tuple[int, dict[str, object]]
) -> None:
    _, data = whole
    target = copy / CONTROLLER
    original = target.read_text()
    try:
        before = renders(copy, data, "katib-controller")
        line = edit_line(target, "securityContext:", "privileged: true")
        expected = {root for root, text in before.items() if kubectl(copy / root) != text}
        assert expected
        code, report = rootless(".", "--changed-since", "HEAD", *unbuildable(data))
        assert code == 1
        inputs = report["inputs"]
        assert isinstance(inputs, list)
        assert {i["path"] for i in inputs if i["status"] == "checked"} == expected
        findings = report["findings"]
        assert isinstance(findings, list)
        privileged = [f for f in findings if f["rule"] == "privileged"]
        assert {f["input"] for f in privileged} == expected
        assert {(f["file"], f["line"]) for f in privileged} == {(CONTROLLER, line)}
    finally:
        target.write_text(original)


def test_a_finding_set_by_a_patch_points_at_the_patch(
    copy: Path, whole: tuple[int, dict[str, object]]
) -> None:
    target = copy / PATCH
    original = target.read_text()
    try:
        line = edit_line(target, "securityContext:", "privileged: true")
        code, report = rootless(".", "--changed-since", "HEAD", *unbuildable(whole[1]))
        findings = report["findings"]
        assert isinstance(findings, list)
        privileged = [f for f in findings if f["rule"] == "privileged"]
        assert privileged and code == 1
        assert {(f["file"], f["line"]) for f in privileged} == {(PATCH, line)}
    finally:
        target.write_text(original)


def test_pre_commit_hook_checks_the_roots_a_changed_patch_affects(
    copy: Path, tmp_path: Path
) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (the dev extra has it)")
    hooks = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
    [hook] = [h for h in yaml.safe_load(hooks.read_text()) if h["id"] == "rootless-check"]
    entry = hook["entry"].replace(
        "rootless-check", str(Path(sys.executable).parent / "rootless-check"), 1
    )
    local = {**hook, "entry": entry, "language": "system"}
    config = tmp_path / "pre-commit.yaml"
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    target = copy / PATCH
    original = target.read_text()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    try:
        line = edit_line(target, "securityContext:", "privileged: true")
        result = subprocess.run(
            [str(pre_commit), "run", "-c", str(config), "rootless-check", "--files", PATCH],
            cwd=copy,
            capture_output=True,
            text=True,
            env=env,
        )
    finally:
        target.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    checked = {
        line.split()[0]
        for line in result.stdout.splitlines()
        if "(kustomization)" in line and "pod(s)" in line
    }
    assert checked and all(path.startswith("common/istio/istio-install/") for path in checked)
    assert f"{PATCH}:{line}" in result.stdout or f"(line {line})" in result.stdout
