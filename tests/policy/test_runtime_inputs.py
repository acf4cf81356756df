"""Run-time prediction on small inputs written here: the profile controller's label merge
rules, the new-profile row, bad configuration, repository mode, ``--no-runtime``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.model.report import Options
from kubeflow_devtools.policy.runtime.profiles import merge_labels
from kubeflow_devtools.policy.scan import scan_text
from tests.policy.test_kustomize import needs_kustomize

CONTROLLER = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: profiles-deployment, namespace: kubeflow}
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/kubeflow/kubeflow/profile-controller:v1.10.0
        volumeMounts: [{name: labels, mountPath: /etc/profile-controller}]
      volumes:
      - name: labels
        configMap: {name: namespace-labels-data-2k29b64d74}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tensorboard-controller-deployment, namespace: kubeflow}
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/kubeflow/kubeflow/tensorboard-controller:v1.9.0
        env: [{name: TENSORBOARD_IMAGE, value: "tensorflow/tensorflow:2.5.1"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: namespace-labels-data-2k29b64d74, namespace: kubeflow}
data:
  namespace-labels.yaml: |
    katib.kubeflow.org/metrics-collector-injection: "enabled"
    istio-injection: ""
    pod-security.kubernetes.io/enforce: "{enforce}"
"""

PROFILE = """\
---
apiVersion: kubeflow.org/v1beta1
kind: Profile
metadata: {name: alice}
spec:
  owner: {kind: User, name: alice@example.com}
"""


def test_merge_rules_empty_deletes_others_only_if_absent() -> None:
    labels = {"a": "1", "b": "2"}
    assert merge_labels(labels, {"a": "changed", "b": "", "c": "3"}) == {"a": "1", "c": "3"}


def test_profile_namespace_and_new_profile_row() -> None:
    text = CONTROLLER.replace("{enforce}", "restricted") + PROFILE
    report = scan_text("in.yaml", text)
    assert report.runtime is not None
    users = {u.name: u for u in report.runtime.namespaces}
    assert set(users) == {"alice", "(new profile)"}
    # istio-injection from the code, deleted by the file's empty value
    assert dict(users["alice"].labels) == {
        "katib.kubeflow.org/metrics-collector-injection": "enabled",
        "pod-security.kubernetes.io/enforce": "restricted",
    }
    assert dict(users["alice"].annotations) == {"owner": "alice@example.com"}
    [answer] = [a for a in report.runtime.answers if a.namespace == "alice"]
    assert [b.component for b in answer.restricted] == ["tensorboard"]
    assert not answer.admitted and not answer.injection
    rejected = [f for f in report.findings if f.rule == "namespaceLevelViolation" and f.runtime]
    assert {(f.namespace, f.name, f.severity) for f in rejected} == {
        ("alice", "tensorboard/tensorboard", "error"),
        ("(new profile)", "tensorboard/tensorboard", "error"),
    }
    # tensorboard-controller v1.9.0 is not modelled: said, with the version used
    assert "tensorboard v1.9.0 is not modelled: predicted as v1.10.0" in " ".join(report.warnings)


def test_existing_namespace_keeps_its_labels_and_gets_no_istio_label() -> None:
    namespace = (
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: alice\n"
        "  annotations: {owner: alice@example.com}\n"
        "  labels: {pod-security.kubernetes.io/enforce: privileged}\n"
    )
    report = scan_text("in.yaml", CONTROLLER.replace("{enforce}", "baseline") + PROFILE + namespace)
    assert report.runtime is not None
    [alice] = [u for u in report.runtime.namespaces if u.name == "alice"]
    assert dict(alice.labels) == {
        "pod-security.kubernetes.io/enforce": "privileged",
        "katib.kubeflow.org/metrics-collector-injection": "enabled",
    }


def test_no_profile_controller_no_user_namespaces() -> None:
    report = scan_text("in.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert report.runtime is None and report.runtime_workloads == []


def test_no_runtime_keeps_the_answer_out() -> None:
    text = CONTROLLER.replace("{enforce}", "baseline") + PROFILE
    report = scan_text("in.yaml", text, Options(runtime=False))
    assert report.runtime is None and not any(f.runtime for f in report.findings)


def test_bad_configuration_is_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        CONTROLLER.replace("{enforce}", "baseline")
        + PROFILE
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: katib-config}\n"
        + "data:\n  katib-config.yaml: '- just a list'\n"
    )
    code = main([str(bad)])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"{bad}:" in out + err and "katib-config.yaml is not a YAML mapping" in out + err
    assert "Traceback" not in out + err


@needs_kustomize
def test_repository_mode_answers_per_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = tmp_path / "repo"
    (top / "platform").mkdir(parents=True)
    (top / "platform/all.yaml").write_text(CONTROLLER.replace("{enforce}", "baseline") + PROFILE)
    (top / "platform/kustomization.yaml").write_text("resources:\n- all.yaml\n")
    (top / "other").mkdir()
    (top / "other/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    (top / "other/kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    code = main([str(top), "--format", "json", "--no-cache"])
    data = json.loads(capsys.readouterr().out)
    [part] = data["runtime"]["inputs"]
    assert part["input"] == str(top / "platform")
    alice = next(n for n in part["namespaces"] if n["name"] == "alice")
    assert alice["enforce"] == "baseline" and alice["baseline"]["ok"]
    assert [b["component"] for b in alice["restricted"]["blockedBy"]] == ["tensorboard"]
    rows = {(r["input"], r["name"]) for r in data["namespaces"]}
    assert (str(top / "platform"), "alice") in rows
    runtime = [f for f in data["findings"] if f["runtime"]]
    assert runtime and {f["severity"] for f in runtime} == {"warning"}  # baseline admits them
    assert {f["input"] for f in runtime} == {str(top / "platform")}
    assert code == 1  # the controllers' own Deployments are not restricted
    main([str(top), "--no-cache"])
    text = capsys.readouterr().out
    assert text.startswith("User namespaces")
    assert f"[{top / 'platform'}] alice: enforce baseline; baseline: ok" in text


def test_artifact_proxy_only_when_enabled() -> None:
    """sync.py:257: the per-namespace ml-pipeline-ui-artifact Deployment exists only with
    ARTIFACTS_PROXY_ENABLED "true", and has no securityContext at all."""
    install = (
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: pipeline-install-config}\n"
        'data:\n  ARTIFACTS_PROXY_ENABLED: "{on}"\n  defaultSecurityContextRunAsNonRoot: ""\n'
    )
    base = CONTROLLER.replace("{enforce}", "baseline") + PROFILE
    off = scan_text("in.yaml", base + install.replace("{on}", "false"))
    names = {w.runtime.name for w in off.runtime_workloads if w.runtime is not None}
    assert "ml-pipeline-ui-artifact" not in names and {"driver", "executor"} <= names
    on = scan_text("in.yaml", base + install.replace("{on}", "true"))
    [proxy] = [
        w
        for w in on.runtime_workloads
        if w.runtime is not None
        and w.runtime.name == "ml-pipeline-ui-artifact"
        and w.runtime.namespace == "alice"
    ]
    assert {f.rule for f in proxy.findings if f.container == "ml-pipeline-ui-artifact"} == {
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "runAsNonRoot",
        "seccompProfile_restricted",
    }


def test_configuration_that_is_not_yaml_is_an_input_error() -> None:
    text = (
        CONTROLLER.replace("{enforce}", "baseline")
        + PROFILE
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: katib-config}\n"
        + "data:\n  katib-config.yaml: 'a: [unclosed'\n"
    )
    report = scan_text("in.yaml", text)
    [error] = report.errors
    assert error.file == "in.yaml" and "katib-config.yaml is not valid YAML" in error.message
    assert report.exit_code == 2


def test_a_poddefault_is_judged_in_its_namespace_only() -> None:
    """main.go:540-550: a PodDefault's sidecars and volumes are added as written, in its own
    namespace (a hostPath volume and a privileged sidecar fail baseline)."""
    poddefault = (
        "---\napiVersion: kubeflow.org/v1alpha1\nkind: PodDefault\n"
        "metadata: {name: debug, namespace: alice}\n"
        "spec:\n  selector: {matchLabels: {debug: 'true'}}\n"
        "  sidecars:\n  - {name: debugger, image: busybox, securityContext: {privileged: true}}\n"
        "  volumes:\n  - {name: host, hostPath: {path: /}}\n"
    )
    report = scan_text(
        "in.yaml", CONTROLLER.replace("{enforce}", "baseline") + PROFILE + poddefault
    )
    assert report.runtime is not None
    where = {
        w.runtime.namespace
        for w in report.runtime_workloads
        if w.runtime and w.runtime.name == "poddefault-debug"
    }
    assert where == {"alice"}
    [answer] = [a for a in report.runtime.answers if a.namespace == "alice"]
    blockers = {b.component: b.containers for b in answer.baseline}
    assert set(blockers) == {"poddefaults"} and "debugger" in blockers["poddefaults"]
    assert not answer.admitted
