"""Repository mode on small repositories built here: discovery, worlds, locations, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.discovery import discover
from kubeflow_devtools.policy.kustomize import failure_cause
from kubeflow_devtools.policy.scopes import crd_scope
from tests.policy.test_kustomize import needs_kustomize
from tests.policy.test_mesh import injector

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: busybox
    securityContext:
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
"""

PATCH = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    securityContext:
      privileged: true
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: runtimes.example.com
spec:
  group: example.com
  names:
    kind: ClusterRuntime
    plural: runtimes
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          scope: {type: string}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def repository(top: Path) -> Path:
    """A base, an overlay with a patch, a Component, a chart and a plain manifest."""
    write(top / "app/base/kustomization.yaml", "resources:\n- pod.yaml\n")
    write(top / "app/base/pod.yaml", POD)
    write(top / "app/base/leftover.yaml", POD.replace("runAsNonRoot: true", "privileged: true"))
    write(
        top / "app/overlay/kustomization.yaml",
        "namespace: apps\nresources:\n- ../base\npatches:\n- path: patch.yaml\n",
    )
    write(top / "app/overlay/patch.yaml", PATCH)
    write(
        top / "comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
    )
    write(top / "chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
    write(top / "chart/templates/pod.yaml", "{{ if .Values.x }}\nkind: {{ .Values.kind }}\n")
    write(top / "plain/pod.yaml", POD.replace("name: p", "name: plain"))
    return top


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_discovery_finds_roots_components_charts_and_plain_files(tmp_path: Path) -> None:
    repo = discover(str(repository(tmp_path)))
    kinds = {Path(i.path).relative_to(tmp_path).as_posix(): i.kind for i in repo.inputs}
    assert kinds == {
        "app/overlay": "kustomization",
        "comp": "kustomization",
        "chart": "helm",
        ".": "files",
    }
    overlay = next(i for i in repo.inputs if i.path.endswith("overlay"))
    reads = {Path(p).relative_to(tmp_path).as_posix() for p in overlay.reads}
    assert reads == {
        "app/overlay/kustomization.yaml",
        "app/overlay/patch.yaml",
        "app/base/kustomization.yaml",
        "app/base/pod.yaml",
    }
    [files] = [i for i in repo.inputs if i.kind == "files"]
    assert files.reads == (str(tmp_path / "plain/pod.yaml"),)
    assert repo.unlisted == (str(tmp_path / "app/base/leftover.yaml"),)
    assert next(i for i in repo.inputs if i.path.endswith("comp")).component


@needs_kustomize
def test_repository_run_reads_no_patch_and_points_at_the_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = repository(tmp_path / "repo")
    code, out, err = run([str(top), "--format", "json", "--cache", str(tmp_path / "cache")], capsys)
    assert code == 1, err
    data = json.loads(out)
    status = {Path(i["path"]).name: (i["kind"], i["status"]) for i in data["inputs"]}
    assert status == {
        "overlay": ("kustomization", "checked"),
        "comp": ("kustomization", "skipped"),
        "chart": ("helm", "skipped" if not shutil.which("helm") else "checked"),
        "repo": ("files", "checked"),
    }
    failing = [f for f in data["findings"] if not f["waived"]]
    assert [(f["rule"], f["name"], Path(f["file"]).name, f["line"]) for f in failing] == [
        ("privileged", "p", "patch.yaml", 9)
    ]
    assert failing[0]["input"] == str(top / "app/overlay")
    assert "leftover" not in out and "invalid YAML" not in out


@needs_kustomize
def test_warm_run_builds_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = repository(tmp_path / "repo")
    args = [str(top), "--format", "json", "--cache", str(tmp_path / "cache")]
    first = json.loads(run(args, capsys)[1])
    second = json.loads(run(args, capsys)[1])
    assert first["findings"] == second["findings"]
    cached = {Path(i["path"]).name: i["cached"] for i in second["inputs"]}
    assert cached["overlay"] is True
    (top / "app/base/pod.yaml").write_text(POD.replace("busybox", "busybox:2"))
    third = json.loads(run(args, capsys)[1])
    assert {Path(i["path"]).name: i["cached"] for i in third["inputs"]}["overlay"] is False


@needs_kustomize
def test_failed_build_is_one_line_and_fails_the_run_unless_excluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = repository(tmp_path / "repo")
    write(top / "broken/kustomization.yaml", "resources:\n- missing.yaml\n")
    code, out, err = run([str(top), "--no-cache", "-q"], capsys)
    assert code == 2
    [line] = [e for e in err.splitlines() if "broken" in e]
    assert line.startswith(f"rootless-check: error: {top / 'broken'}: kustomize build failed: ")
    assert "missing.yaml: no such file or directory" in line and len(line) < 400
    code, out, err = run([str(top), "--no-cache", "--exclude", "*/broken"], capsys)
    assert code == 1, err
    assert "broken  (kustomization)  excluded" in out


def test_failure_cause_drops_warnings_and_names_the_remote() -> None:
    log = (
        "# Warning: 'vars' is deprecated. Please use 'replacements' instead.\n"
        'E1203 run.go:72] "command failed" err=<\n\taccumulating resources: '
        "accumulation err='accumulating resources from 'https://github.com/a/b?ref=v1': "
        "dial tcp: lookup github.com: no such host': failed to run '/usr/bin/git fetch "
        "--depth=1 https://github.com/a/b v1': Could not resolve host: github.com\n >\n"
    )
    assert failure_cause(log, ("https://github.com/a/b?ref=v1",)) == (
        "remote base https://github.com/a/b?ref=v1: no network"
    )


def test_crd_scope_reads_spec_fields_not_schema_properties() -> None:
    assert crd_scope(CRD) == ("example.com", "ClusterRuntime", "Cluster")


@needs_kustomize
def test_cluster_scoped_custom_resources_lose_the_stamped_namespace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = tmp_path / "repo"
    write(top / "rt/crd.yaml", CRD)
    runtime = POD.replace("kind: Pod", "kind: ClusterRuntime").replace(
        "apiVersion: v1", "apiVersion: example.com/v1"
    )
    write(top / "rt/runtime.yaml", runtime.replace("spec:\n", "spec:\n  hostNetwork: true\n"))
    write(
        top / "rt/kustomization.yaml", "namespace: apps\nresources:\n- crd.yaml\n- runtime.yaml\n"
    )
    write(top / "other/kustomization.yaml", "resources:\n- ../plain\n")
    write(top / "plain/kustomization.yaml", "resources: []\n")
    _, out, _ = run([str(top), "--format", "json", "--no-cache"], capsys)
    findings = json.loads(out)["findings"]
    assert {(f["kind"], f["namespace"]) for f in findings} == {("ClusterRuntime", None)}


def git(top: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@e", "-c", "user.name=t", *args],
        cwd=top,
        check=True,
        capture_output=True,
    )


@needs_kustomize
def test_changed_since_checks_only_affected_roots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = repository(tmp_path / "repo")
    write(top / "other/kustomization.yaml", "resources:\n- pod.yaml\n")
    write(top / "other/pod.yaml", POD.replace("name: p", "name: other"))
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "init")
    monkeypatch.chdir(top)
    edited = POD.replace("name: p", "name: other").replace(
        "runAsNonRoot: true", "runAsNonRoot: true\n      privileged: true"
    )
    (top / "other/pod.yaml").write_text(edited)
    _, out, _ = run([".", "--changed-since", "HEAD", "--format", "json", "--no-cache"], capsys)
    data = json.loads(out)
    checked = {i["path"] for i in data["inputs"] if i["status"] == "checked"}
    assert checked == {"other"}
    assert [(f["rule"], f["file"], f["line"]) for f in data["findings"] if not f["waived"]] == [
        ("privileged", "other/pod.yaml", 11)
    ]
    _, out, _ = run(["--affected", "app/overlay/patch.yaml", "--format", "json"], capsys)
    checked = {i["path"] for i in json.loads(out)["inputs"] if i["status"] == "checked"}
    assert checked == {"app/overlay"}


@needs_kustomize
def test_diff_between_revisions_with_a_root_new_on_one_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = repository(tmp_path / "repo")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "init")
    write(top / "new/kustomization.yaml", "resources:\n- pod.yaml\n")
    write(
        top / "new/pod.yaml",
        POD.replace("runAsNonRoot: true", "runAsNonRoot: true\n      privileged: true"),
    )
    git(top, "add", "-A")
    git(top, "commit", "-qm", "new root")
    monkeypatch.chdir(top)
    code, out, err = run(["diff", "HEAD~1", "HEAD", ".", "--format", "json", "--no-cache"], capsys)
    assert code == 1, err
    data = json.loads(out)
    assert [(f["rule"], f["input"], f["file"]) for f in data["added"]] == [
        ("privileged", "new", "new/pod.yaml")
    ]
    assert data["fixed"] == []
    for fmt in ("sarif", "github", "junit", "markdown"):
        code, out, err = run(["diff", "HEAD~1", "HEAD", "--format", fmt, "--no-cache"], capsys)
        assert code == 1 and "new/pod.yaml" in out, (fmt, err)


INJECTOR = yaml.safe_dump(injector(cni=False))
"""An injector ConfigMap as Istio's chart writes it (the sidecar template), CNI off."""

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shared
  labels:
    {labels}
"""


@needs_kustomize
def test_config_assumes_a_mesh_overlay_and_excludes_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = tmp_path / "repo"
    write(top / "mesh/injector.yaml", INJECTOR)
    write(top / "mesh/kustomization.yaml", "resources:\n- injector.yaml\n")
    write(top / "app/ns.yaml", NAMESPACE.format(labels="istio-injection: enabled"))
    write(top / "app/pod.yaml", POD.replace("metadata:\n", "metadata:\n  namespace: shared\n"))
    write(top / "app/kustomization.yaml", "resources:\n- ns.yaml\n- pod.yaml\n")
    write(top / "broken/kustomization.yaml", "resources:\n- missing.yaml\n")
    write(
        top / ".rootless-check.yaml",
        "meshOverlay: mesh\nexclude:\n- path: broken\n  reason: broken upstream (issue 1)\n",
    )
    monkeypatch.chdir(top)
    code, out, err = run([".", "--format", "json", "--no-cache"], capsys)
    assert code == 1, err
    data = json.loads(out)
    status = {i["path"]: (i["status"], i["reason"]) for i in data["inputs"]}
    assert status["broken"] == ("excluded", "broken upstream (issue 1)")
    app = [f for f in data["findings"] if f["input"] == "app" and not f["waived"]]
    assert "istioInit" in {f["rule"] for f in app}
    # the pod is compliant as written: what it gets is what the assumed mesh injects
    assert all(f["injected"] for f in app if f["kind"] == "Pod")
    (top / ".rootless-check.yaml").write_text("exclude: [broken]\n")
    code, out, err = run([".", "--format", "json", "--no-cache"], capsys)
    assert code == 0, out
    monkeypatch.chdir(tmp_path)  # the repository's configuration, checked from elsewhere
    code, out, err = run([str(top), "--no-cache"], capsys)
    assert code == 0, out + err


@needs_kustomize
def test_each_root_has_its_own_namespaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = tmp_path / "repo"
    labels = "pod-security.kubernetes.io/enforce: {}"
    write(top / "loose/ns.yaml", NAMESPACE.format(labels=labels.format("privileged")))
    write(top / "loose/kustomization.yaml", "resources:\n- ns.yaml\n")
    write(top / "strict/ns.yaml", NAMESPACE.format(labels=labels.format("restricted")))
    bare = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\n  namespace: shared\n"
    write(top / "strict/pod.yaml", bare + "spec:\n  containers:\n  - name: c\n    image: b\n")
    write(top / "strict/kustomization.yaml", "resources:\n- pod.yaml\n- ns.yaml\n")
    code, out, _ = run([str(top), "--format", "json", "--no-cache"], capsys)
    data = json.loads(out)
    violations = [f for f in data["findings"] if f["rule"] == "namespaceLevelViolation"]
    assert [f["input"] for f in violations] == [str(top / "strict")]
    rows = {(r["input"], r["name"]): r["enforce"] for r in data["namespaces"]}
    assert rows == {(str(top / "strict"), "shared"): "restricted"}
    assert code == 1


@needs_kustomize
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed")
def test_action_checks_what_a_pull_request_affects(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = repository(tmp_path / "work")
    write(work / "other/kustomization.yaml", "resources:\n- pod.yaml\n")
    write(work / "other/pod.yaml", POD.replace("name: p", "name: other"))
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "base")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    git(work, "checkout", "-q", "-b", "change")
    (work / "other/pod.yaml").write_text(
        POD.replace("name: p", "name: other").replace(
            "runAsNonRoot: true", "runAsNonRoot: true\n      privileged: true"
        )
    )
    git(work, "commit", "-qam", "change")
    git(work, "update-ref", "-d", "refs/remotes/origin/main")  # as a fresh checkout: no base
    root = Path(__file__).resolve().parents[2]
    output = tmp_path / "out"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "INPUT_SARIF_FILE": str(tmp_path / "r.sarif"),
        "INPUT_ARGS": "--no-cache",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
    }
    script = root / ".github/actions/rootless-check/run.sh"
    result = subprocess.run(
        ["bash", str(script)], env=env, cwd=work, capture_output=True, text=True, check=False
    )
    assert "exit-code=1" in output.read_text(), result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 1 and "file=other/pod.yaml,line=11" in errors[0]
    assert "app/overlay" in result.stdout  # listed: not affected by the change


@needs_kustomize
def test_templates_and_data_files_outside_charts_are_skipped_not_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = repository(tmp_path / "repo")
    write(top / "plain/data.json", '{"weights": [1, 2, 3]}\n')
    write(top / "fragments/patch.yaml", 'kind: Pod\nspec:\n  {{- include "x" . | nindent 2 }}\n')
    write(top / "samples/pod.yaml", POD.replace("runAsNonRoot: true", "privileged: true"))
    args = [str(top), "--format", "json", "--no-cache", "--exclude", "samples"]
    code, out, err = run(args, capsys)
    assert code == 1 and "invalid YAML" not in err
    status = {Path(i["path"]).name: (i["status"], i["reason"]) for i in json.loads(out)["inputs"]}
    assert status["data.json"] == ("skipped", "holds no Kubernetes object: not a manifest")
    assert status["patch.yaml"] == ("skipped", "a Go template (Helm), not YAML: not a manifest")
    assert status["pod.yaml"] == ("excluded", "excluded by --exclude samples")


@needs_kustomize
def test_a_chart_is_rendered_by_helm_when_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = repository(tmp_path / "repo")
    tools = tmp_path / "bin"
    render = POD.replace("runAsNonRoot: true", "runAsNonRoot: true\n      privileged: true")
    # a stand-in for helm: `helm template RELEASE CHART` prints the chart's render, which
    # defines one object twice (as a chart with two templates of one name would)
    write(tools / "helm", f"#!/bin/sh\ncat <<'EOF'\n{render}---\n{render}EOF\n").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    code, out, _ = run([str(top), "--format", "json", "--no-cache"], capsys)
    data = json.loads(out)
    [chart] = [i for i in data["inputs"] if i["kind"] == "helm"]
    assert (chart["status"], chart["pods"]) == ("checked", 2)
    rules = {f["rule"] for f in data["findings"] if f["input"] == chart["path"]}
    assert {"privileged", "duplicateObject"} <= rules
    assert code == 1


@needs_kustomize
def test_every_format_groups_by_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = repository(tmp_path / "repo")
    overlay = str(top / "app/overlay")
    base = [str(top), "--no-cache", "--format"]
    sarif = json.loads(run([*base, "sarif"], capsys)[1])["runs"][0]
    assert {r["properties"]["input"] for r in sarif["results"]} == {overlay}
    assert {i["status"] for i in sarif["properties"]["inputs"]} == {"checked", "skipped"}
    github = run([*base, "github"], capsys)[1]
    assert f"title=rootless-check privileged ({overlay.replace(':', '%3A')})" in github
    assert "::notice title=rootless-check%3A kustomization skipped::" in github
    junit = run([*base, "junit"], capsys)[1]
    assert f'<testsuite name="{overlay}"' in junit and "<skipped" in junit
    markdown = run([*base, "markdown"], capsys)[1]
    assert "### Inputs" in markdown and f"`{overlay}` | kustomization | checked" in markdown
    text = run([*base, "text"], capsys)[1]
    assert text.startswith(f"{overlay}  (kustomization)  1 pod(s)  not rootless")


@needs_kustomize
def test_a_change_to_the_assumed_mesh_selects_every_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    top = repository(tmp_path / "repo")
    write(top / "mesh/injector.yaml", INJECTOR)
    write(top / "mesh/kustomization.yaml", "resources:\n- injector.yaml\n")
    write(top / ".rootless-check.yaml", "meshOverlay: mesh\n")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "init")
    monkeypatch.chdir(top)
    write(top / "mesh/injector.yaml", yaml.safe_dump(injector(cni=True)))
    _, out, _ = run([".", "--changed-since", "HEAD", "--format", "json", "--no-cache"], capsys)
    checked = {i["path"] for i in json.loads(out)["inputs"] if i["status"] == "checked"}
    assert {"app/overlay", "mesh"} <= checked
    write(top / ".rootless-check.yaml", "meshOverlay: nowhere\n")
    code, _, err = run([".", "--no-cache"], capsys)
    assert code == 2 and "nowhere: meshOverlay: not a kustomization folder" in err
