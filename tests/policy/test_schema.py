"""``--schema``: objects against the Kubernetes OpenAPI schema, custom resources skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubeflow_devtools.policy import schema
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.errors import UsageError
from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.report import Options
from kubeflow_devtools.policy.rules import rule_index
from kubeflow_devtools.policy.scan import scan, scan_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubeflow-manifests"
LATEST = schema.latest_kubernetes_version()

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: three
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: http
      - image: sidecar
"""

NOTEBOOK = """\
apiVersion: kubeflow.org/v1
kind: Notebook
metadata: {name: nb, namespace: apps}
spec: {template: {spec: {containers: []}}}
"""


def schema_findings(text: str, version: str = LATEST) -> tuple[list[Finding], Any]:
    """The ``schema`` findings of a text, and its report."""
    report = scan_text("m.yaml", text, Options(schema_version=version))
    return [f for f in report.findings if f.rule == "schema"], report


def test_wrong_typed_fields_have_path_and_line() -> None:
    findings, report = schema_findings(DEPLOYMENT)
    assert report.errors == []
    got = {(f.path, f.line) for f in findings}
    assert got == {
        ("spec.replicas", 7),
        ("spec.template.spec.containers[0].ports[0].containerPort", 18),
        # a missing required field: where it belongs, at the line of its parent
        ("spec.template.spec.containers[1].name", 19),
    }
    replicas = next(f for f in findings if f.path == "spec.replicas")
    assert (replicas.kind, replicas.namespace, replicas.name) == ("Deployment", "apps", "web")
    assert (replicas.level, replicas.severity, replicas.container) == ("schema", "error", None)
    assert "expected integer, got string 'three'" in replicas.message
    assert f"Kubernetes {LATEST}" in replicas.message
    assert report.exit_code == 1


def test_each_missing_required_field_is_its_own_finding() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {}\n"
    findings, _ = schema_findings(text)
    assert {f.path for f in findings} >= {"spec.containers[0].name"}
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r}\n"
    findings, _ = schema_findings(role + "subjects: []\n")
    assert {(f.path, f.line) for f in findings} == {("roleRef", 1)}
    binding = role + "roleRef: {}\n"
    findings, _ = schema_findings(binding)
    assert {f.path for f in findings} == {"roleRef.kind", "roleRef.name"}


def test_custom_resources_are_skipped_and_counted() -> None:
    findings, report = schema_findings(NOTEBOOK + "---\n" + DEPLOYMENT)
    assert {f.kind for f in findings} == {"Deployment"}
    assert report.summary.schema_skipped == 1
    assert report.errors == []


def test_a_kind_of_another_group_is_not_checked_as_the_builtin_one() -> None:
    # kubernetes-validate's file names drop the group's domain: apps.example.com/v1 would
    # otherwise be checked against apps/v1's Deployment schema.
    text = "apiVersion: apps.example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: 3\n"
    findings, report = schema_findings(text)
    assert findings == []
    assert report.summary.schema_skipped == 1


def test_items_of_a_list_are_located_in_the_list() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
        "  spec:\n    ports:\n    - port: '80'\n"
    )
    [finding] = schema_findings(text)[0]
    assert (finding.kind, finding.path, finding.line) == ("Service", "spec.ports[0].port", 9)


def test_off_by_default() -> None:
    report = scan_text("m.yaml", DEPLOYMENT + "---\n" + NOTEBOOK, Options())
    assert not any(f.rule == "schema" for f in report.findings)
    assert report.summary.schema_skipped == 0


def test_older_version_is_used() -> None:
    oldest = schema.kubernetes_versions()[0]
    findings, _ = schema_findings(DEPLOYMENT, oldest)
    assert len(findings) == 3
    assert all(f"Kubernetes {oldest} schema" in f.message for f in findings)


def test_a_validator_crash_is_one_error_and_hides_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = schema.validator_for

    class Broken:
        def iter_errors(self, obj: Any) -> Any:
            raise RuntimeError("boom")

    def flaky(version: str, kind: str, api_version: str) -> Any:
        return Broken() if kind == "Service" else real(version, kind, api_version)

    monkeypatch.setattr(schema, "validator_for", flaky)
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n" + DEPLOYMENT
    findings, report = schema_findings(text)
    assert len(findings) == 3
    [error] = report.errors
    assert (error.file, error.line) == ("m.yaml", 1)
    assert "cannot validate Service s" in error.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.30", "1.30"), ("v1.30", "1.30"), ("1.30.4", "1.30"), ("latest", LATEST)],
)
def test_parse_kubernetes_version(text: str, expected: str) -> None:
    assert schema.parse_kubernetes_version(text) == expected


@pytest.mark.parametrize("text", ["1.2", "2.0", "one", "1.99"])
def test_unknown_kubernetes_version(text: str) -> None:
    with pytest.raises(UsageError):
        schema.parse_kubernetes_version(text)


def test_rule_is_registered() -> None:
    rule = rule_index()["schema"]
    assert (rule.level, rule.severity) == ("schema", "error")


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DEPLOYMENT + "---\n" + NOTEBOOK)
    args = [str(path), "--schema", "--kubernetes-version", "v1.31", "--format", "json"]
    assert main(args) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["schemaSkipped"] == 1
    found = [f for f in report["findings"] if f["rule"] == "schema"]
    assert (found[0]["path"], found[0]["line"], found[0]["file"]) == ("spec.replicas", 7, str(path))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kubernetes-version", "1.x"], "invalid Kubernetes version '1.x'"),
        (["--schema", "--kubernetes-version", "1.2"], "no schemas for Kubernetes 1.2"),
    ],
)
def test_cli_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DEPLOYMENT)
    with pytest.raises(SystemExit) as info:
        main([str(path), *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not present")
def test_whole_platform_validates_without_error() -> None:
    path = CORPUS / "master-009c880" / "example.yaml"
    report = scan([str(path)], Options(schema_version=LATEST))
    assert report.errors == []
    # the Kubeflow platform's own objects are valid; its custom resources are skipped
    assert not [f for f in report.findings if f.rule == "schema"]
    assert report.summary.schema_skipped > 0
