"""The Istio mesh model: reading the configuration, predicting injection, and the mesh rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeflow_devtools.policy import Options, Report, scan_text
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.errors import InputError, UsageError
from kubeflow_devtools.policy.mesh.builtin import BUILTIN_SIDECAR
from kubeflow_devtools.policy.model.mesh import MeshMode
from kubeflow_devtools.policy.namespaces import parse_namespace_labels
from kubeflow_devtools.policy.pss import Level


def injector(
    cni: bool | None = False,
    *,
    privileged: bool = False,
    policy: str = "enabled",
    never: list[Any] | None = None,
    always: list[Any] | None = None,
    values_as_yaml: bool = False,
    legacy_key: bool = False,
) -> dict[str, Any]:
    """An istio-sidecar-injector ConfigMap."""
    values: dict[str, Any] = {"global": {"proxy": {"privileged": privileged}}}
    if cni is not None:
        if legacy_key:
            values["istio_cni"] = {"enabled": cni}
        else:
            values["pilot"] = {"cni": {"enabled": cni, "provider": "default"}}
    config = {
        "policy": policy,
        "neverInjectSelector": never or [],
        "alwaysInjectSelector": always or [],
        "templates": {"sidecar": BUILTIN_SIDECAR},
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "istio-sidecar-injector", "namespace": "istio-system"},
        "data": {
            "values": yaml.safe_dump(values) if values_as_yaml else json.dumps(values),
            "config": yaml.safe_dump(config),
        },
    }


def istiod(**env: str) -> dict[str, Any]:
    """An istiod Deployment with the given environment."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "istiod", "namespace": "istio-system"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "istiod"}},
                "spec": {
                    "securityContext": {
                        "runAsNonRoot": True,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": "discovery",
                            "image": "pilot",
                            "env": [{"name": k, "value": v} for k, v in env.items()],
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]},
                            },
                        }
                    ],
                },
            }
        },
    }


def daemonset(name: str, namespace: str = "kube-system") -> dict[str, Any]:
    """A node-agent DaemonSet that needs root (hostPath, NET_ADMIN)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "agent",
                            "image": "agent",
                            "securityContext": {
                                "privileged": True,
                                "capabilities": {"add": ["NET_ADMIN"]},
                            },
                        }
                    ],
                    "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
                }
            }
        },
    }


def namespace(name: str, **labels: str) -> dict[str, Any]:
    """A Namespace with labels (underscores in keys become '/' after the first '__')."""
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def deployment(
    name: str = "app",
    ns: str = "apps",
    *,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    host_network: bool = False,
    root: bool = False,
) -> dict[str, Any]:
    """A restricted-compliant Deployment (unless ``root``)."""
    spec: dict[str, Any] = {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "main",
                "image": "app",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    **({"privileged": True} if root else {}),
                },
            }
        ],
    }
    if host_network:
        spec["hostNetwork"] = True
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "template": {
                "metadata": {"labels": labels or {}, "annotations": annotations or {}},
                "spec": spec,
            }
        },
    }


INJECT = {"istio-injection": "enabled"}


def run(*docs: dict[str, Any], **options: Any) -> Report:
    """Scan the documents as one YAML stream."""
    return scan_text("m.yaml", yaml.safe_dump_all(docs), Options(**options))


def workload(report: Report, name: str = "app") -> Any:
    """The admitted workload called ``name``."""
    return next(w for w in report.workloads if w.admitted.pod.resource.name == name)


def injected_names(report: Report, name: str = "app") -> list[str]:
    """Names of the containers injected into workload ``name``."""
    return [c.name for c in workload(report, name).admitted.injected]


def rules(report: Report) -> list[str]:
    """Rule ids of all findings, sorted."""
    return sorted(f.rule for f in report.findings)


# --- which pods are injected -------------------------------------------------------------


def test_namespace_label_injects() -> None:
    report = run(injector(), namespace("apps", **INJECT), deployment())
    assert injected_names(report) == ["istio-init", "istio-proxy"]
    assert "istio-injection=enabled" in workload(report).admitted.decision.reason


def test_namespace_disabled_does_not_inject() -> None:
    report = run(injector(), namespace("apps", **{"istio-injection": "disabled"}), deployment())
    assert injected_names(report) == []


def test_unlabeled_namespace_does_not_inject() -> None:
    report = run(injector(), namespace("apps"), deployment())
    assert injected_names(report) == []


def test_pod_label_false_opts_out() -> None:
    pod = deployment(labels={"sidecar.istio.io/inject": "false"})
    assert injected_names(run(injector(), namespace("apps", **INJECT), pod)) == []


def test_pod_annotation_false_opts_out() -> None:
    pod = deployment(annotations={"sidecar.istio.io/inject": "false"})
    assert injected_names(run(injector(), namespace("apps", **INJECT), pod)) == []


def test_label_wins_over_annotation() -> None:
    both = {"labels": {"sidecar.istio.io/inject": "true"}}
    pod = deployment(**both, annotations={"sidecar.istio.io/inject": "false"})
    assert injected_names(run(injector(), namespace("apps", **INJECT), pod)) != []
    pod = deployment(
        labels={"sidecar.istio.io/inject": "false"}, annotations={"sidecar.istio.io/inject": "true"}
    )
    assert injected_names(run(injector(), namespace("apps", **INJECT), pod)) == []


def test_annotation_alone_in_unlabeled_namespace_does_nothing() -> None:
    pod = deployment(annotations={"sidecar.istio.io/inject": "true"})
    assert injected_names(run(injector(), namespace("apps"), pod)) == []


def test_label_alone_in_unlabeled_namespace_injects() -> None:
    pod = deployment(labels={"sidecar.istio.io/inject": "true"})
    report = run(injector(), namespace("apps"), pod)
    assert injected_names(report) == ["istio-init", "istio-proxy"]
    assert "sidecar.istio.io/inject=true" in workload(report).admitted.decision.reason


def test_revision_label_injects() -> None:
    report = run(injector(), namespace("apps", **{"istio.io/rev": "default"}), deployment())
    assert injected_names(report) == ["istio-init", "istio-proxy"]


def test_host_network_is_never_injected() -> None:
    pod = deployment(host_network=True)
    report = run(injector(), namespace("apps", **INJECT), pod)
    assert injected_names(report) == []
    assert "hostNetwork" in workload(report).admitted.decision.reason


def test_system_namespaces_are_never_injected() -> None:
    report = run(injector(), namespace("kube-system", **INJECT), deployment(ns="kube-system"))
    assert injected_names(report) == []


def test_policy_disabled_needs_an_explicit_opt_in() -> None:
    ns = namespace("apps", **INJECT)
    assert injected_names(run(injector(policy="disabled"), ns, deployment())) == []
    pod = deployment(annotations={"sidecar.istio.io/inject": "true"})
    assert injected_names(run(injector(policy="disabled"), ns, pod)) != []


def test_never_and_always_inject_selectors() -> None:
    never = [{"matchLabels": {"app": "batch"}}]
    ns = namespace("apps", **INJECT)
    pod = deployment(labels={"app": "batch"})
    assert injected_names(run(injector(never=never), ns, pod)) == []
    always = [{"matchExpressions": [{"key": "app", "operator": "Exists"}]}]
    report = run(injector(policy="disabled", always=always), ns, pod)
    assert injected_names(report) != []


def test_webhook_from_the_input_replaces_the_defaults() -> None:
    hook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": "istio-sidecar-injector"},
        "webhooks": [
            {
                "name": "namespace.sidecar-injector.istio.io",
                "namespaceSelector": {"matchLabels": {"mesh": "yes"}},
                "objectSelector": {},
            }
        ],
    }
    assert injected_names(run(injector(), hook, namespace("apps", mesh="yes"), deployment())) != []
    assert injected_names(run(injector(), hook, namespace("apps", **INJECT), deployment())) == []


def test_namespace_labels_from_the_command_line() -> None:
    report = run(injector(), deployment(), namespace_labels={"apps": INJECT})
    assert injected_names(report) == ["istio-init", "istio-proxy"]


# --- what is injected ----------------------------------------------------------------------


def containers(report: Report, name: str = "app") -> dict[str, dict[str, Any]]:
    """The admitted pod's containers (all lists) by name."""
    spec = workload(report, name).admitted.pod.spec
    return {c["name"]: c for key in ("initContainers", "containers") for c in spec.get(key, [])}


def test_cni_off_injects_root_istio_init() -> None:
    init = containers(run(injector(cni=False), namespace("apps", **INJECT), deployment()))
    sc = init["istio-init"]["securityContext"]
    assert (sc["runAsUser"], sc["runAsNonRoot"]) == (0, False)
    assert sc["capabilities"]["add"] == ["NET_ADMIN", "NET_RAW"]


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("as_yaml", [False, True])
def test_cni_on_injects_istio_validation(legacy: bool, as_yaml: bool) -> None:
    config = injector(cni=True, legacy_key=legacy, values_as_yaml=as_yaml)
    found = containers(run(config, namespace("apps", **INJECT), deployment()))
    assert "istio-init" not in found
    sc = found["istio-validation"]["securityContext"]
    assert (sc["runAsUser"], sc["runAsNonRoot"], sc["capabilities"]) == (
        1337,
        True,
        {"drop": ["ALL"]},
    )


def test_native_sidecars_put_the_proxy_in_init_containers() -> None:
    report = run(
        injector(cni=True),
        istiod(ENABLE_NATIVE_SIDECARS="true"),
        namespace("apps", **INJECT),
        deployment(),
    )
    spec = workload(report).admitted.pod.spec
    proxy = next(c for c in spec["initContainers"] if c["name"] == "istio-proxy")
    assert proxy["restartPolicy"] == "Always"
    assert [c["name"] for c in spec["containers"]] == ["main"]


def test_proxy_without_native_sidecars_is_a_container() -> None:
    report = run(
        injector(cni=True),
        istiod(ENABLE_NATIVE_SIDECARS="false"),
        namespace("apps", **INJECT),
        deployment(),
    )
    spec = workload(report).admitted.pod.spec
    assert [c["name"] for c in spec["containers"]] == ["main", "istio-proxy"]


@pytest.mark.parametrize(
    ("annotations", "add"),
    [
        ({"sidecar.istio.io/interceptionMode": "TPROXY"}, ["NET_ADMIN"]),
        ({"sidecar.istio.io/capNetBindService": "true"}, ["NET_BIND_SERVICE"]),
    ],
)
def test_annotations_that_make_the_proxy_root(annotations: dict[str, str], add: list[str]) -> None:
    report = run(
        injector(cni=True), namespace("apps", **INJECT), deployment(annotations=annotations)
    )
    sc = containers(report)["istio-proxy"]["securityContext"]
    assert (sc["runAsUser"], sc["runAsNonRoot"], sc["capabilities"]["add"]) == (0, False, add)


def test_interception_mode_none_has_no_init_container() -> None:
    pod = deployment(annotations={"sidecar.istio.io/interceptionMode": "NONE"})
    report = run(injector(cni=False), namespace("apps", **INJECT), pod)
    assert injected_names(report) == ["istio-proxy"]


def test_findings_on_injected_containers_are_marked() -> None:
    report = run(
        injector(cni=True, privileged=True),
        namespace("apps", **INJECT),
        deployment(),
        level=Level.BASELINE,
    )
    privileged = [f for f in report.findings if f.rule == "privileged"]
    assert {f.container for f in privileged} == {"istio-validation", "istio-proxy"}
    assert all(f.injected for f in privileged)
    assert all("injected by the mesh" in f.message for f in privileged)
    assert all(f.line is not None for f in privileged)


# --- mesh rules ------------------------------------------------------------------------------


def test_istio_init_rule_and_cni_disabled() -> None:
    report = run(injector(cni=False), namespace("apps", **INJECT), deployment())
    [init] = [f for f in report.findings if f.rule == "istioInit"]
    assert (init.kind, init.name, init.container, init.injected) == (
        "Deployment",
        "app",
        "istio-init",
        True,
    )
    assert "istio-injection=enabled" in init.message
    [cni] = [f for f in report.findings if f.rule == "meshCniDisabled"]
    assert (cni.kind, cni.name, cni.severity) == ("ConfigMap", "istio-sidecar-injector", "error")
    assert "pilot.cni.enabled=false" in cni.message
    assert report.exit_code == 1


def test_written_istio_init_is_reported() -> None:
    pod = deployment()
    pod["spec"]["template"]["spec"]["initContainers"] = [{"name": "istio-init", "image": "proxy"}]
    report = run(pod, level=Level.BASELINE)
    [init] = [f for f in report.findings if f.rule == "istioInit"]
    assert (init.injected, init.path) == (False, "spec.template.spec.initContainers[0]")


def test_no_istio_init_with_cni() -> None:
    report = run(
        injector(cni=True), daemonset("istio-cni-node"), namespace("apps", **INJECT), deployment()
    )
    assert "istioInit" not in rules(report)
    assert "meshCniDisabled" not in rules(report)
    assert "meshCniMissing" not in rules(report)


def test_cni_missing_is_a_warning() -> None:
    report = run(injector(cni=True), namespace("apps", **INJECT), deployment())
    [missing] = [f for f in report.findings if f.rule == "meshCniMissing"]
    assert missing.severity == "warning"
    assert report.exit_code == 0


def test_ambient_sidecar_conflict_namespace_and_pod() -> None:
    ns = namespace("apps", **INJECT, **{"istio.io/dataplane-mode": "ambient"})
    report = run(
        injector(cni=True),
        daemonset("istio-cni-node"),
        daemonset("ztunnel", "istio-system"),
        ns,
        deployment(),
    )
    conflicts = [f for f in report.findings if f.rule == "ambientSidecarConflict"]
    assert [(f.kind, f.name) for f in conflicts] == [("Namespace", "apps")]
    pod = deployment(
        labels={"istio.io/dataplane-mode": "ambient", "sidecar.istio.io/inject": "true"}
    )
    report = run(namespace("apps"), pod)
    assert [f.kind for f in report.findings if f.rule == "ambientSidecarConflict"] == ["Deployment"]


def test_ambient_namespace_without_ztunnel() -> None:
    report = run(
        istiod(PILOT_ENABLE_AMBIENT="true"),
        namespace("apps", **{"istio.io/dataplane-mode": "ambient"}),
    )
    [missing] = [f for f in report.findings if f.rule == "ambientZtunnelMissing"]
    assert missing.severity == "warning"


def test_namespace_level_violation_enforce_and_warn() -> None:
    enforce = namespace("apps", **{"pod-security.kubernetes.io/enforce": "baseline"})
    report = run(enforce, deployment(root=True), level=Level.BASELINE)
    [violation] = [f for f in report.findings if f.rule == "namespaceLevelViolation"]
    assert violation.severity == "error"
    assert "privileged" in violation.message and "enforce=baseline@latest" in violation.message
    warn = namespace("apps", **{"pod-security.kubernetes.io/warn": "baseline"})
    report = run(warn, deployment(root=True), level=Level.BASELINE)
    [violation] = [f for f in report.findings if f.rule == "namespaceLevelViolation"]
    assert violation.severity == "warning"


def test_namespace_level_violation_after_injection() -> None:
    enforce = namespace("apps", **INJECT, **{"pod-security.kubernetes.io/enforce": "baseline"})
    report = run(injector(cni=True, privileged=True), enforce, deployment(), level=Level.BASELINE)
    [violation] = [f for f in report.findings if f.rule == "namespaceLevelViolation"]
    assert "after injection" in violation.message
    report = run(injector(cni=True), enforce, deployment(), level=Level.BASELINE)
    assert "namespaceLevelViolation" not in rules(report)


# --- --mesh and waivers ---------------------------------------------------------------------


def test_no_istio_configuration_assumes_no_injection() -> None:
    report = run(namespace("apps", **INJECT), deployment())
    assert injected_names(report) == []
    assert "no Istio configuration" in report.mesh.description


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (MeshMode.SIDECAR, ["istio-init", "istio-proxy"]),
        (MeshMode.CNI, ["istio-validation", "istio-proxy"]),
        (MeshMode.AMBIENT, []),
        (MeshMode.NONE, []),
    ],
)
def test_mesh_mode_overrides_the_input(mode: MeshMode, expected: list[str]) -> None:
    report = run(injector(cni=True), namespace("apps", **INJECT), deployment(), mesh=mode)
    assert injected_names(report) == expected


def test_node_agents_are_waived_by_default() -> None:
    report = run(
        daemonset("istio-cni-node"), daemonset("ztunnel", "istio-system"), level=Level.BASELINE
    )
    assert report.findings and all(f.waived for f in report.findings)
    assert all("built-in waiver" in (f.waiver_reason or "") for f in report.findings)
    assert report.exit_code == 0
    report = run(daemonset("istio-cni-node"), level=Level.BASELINE, waivers=())
    assert report.exit_code == 1


def test_cli_mesh_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(yaml.safe_dump_all([deployment()]))
    labels = tmp_path / "labels.yaml"
    labels.write_text("apps:\n  istio-injection: enabled\n")
    assert (
        main(
            [
                str(manifest),
                "--mesh",
                "sidecar",
                "--namespace-labels",
                str(labels),
                "--format",
                "json",
            ]
        )
        == 1
    )
    report = json.loads(capsys.readouterr().out)
    assert report["mesh"]["mode"] == "sidecar"
    assert {f["rule"] for f in report["findings"]} >= {"istioInit", "meshCniDisabled"}
    assert report["namespaces"] == [
        {
            "name": "apps",
            "mesh": "sidecar",
            "enforce": "-",
            "workloads": 1,
            "injected": 1,
            "rootless": 0,
        }
    ]
    assert (
        main(
            [
                str(manifest),
                "--mesh",
                "sidecar",
                "--namespace-labels",
                "apps=istio-injection=disabled",
            ]
        )
        == 0
    )
    with pytest.raises(SystemExit) as info:
        main([str(manifest), "--namespace-labels", "=x"])
    assert info.value.code == 2


def test_parse_namespace_labels(tmp_path: Path) -> None:
    assert parse_namespace_labels(["a=x=1,y=2", "b="]) == {"a": {"x": "1", "y": "2"}, "b": {}}
    with pytest.raises(UsageError):
        parse_namespace_labels(["a=x"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    with pytest.raises(InputError, match=r"bad\.yaml"):
        parse_namespace_labels([str(bad)])
    with pytest.raises(InputError):
        parse_namespace_labels([str(tmp_path / "missing.yaml")])


def istio_operator(cni: bool) -> dict[str, Any]:
    """An IstioOperator that sets the CNI component."""
    return {
        "apiVersion": "install.istio.io/v1alpha1",
        "kind": "IstioOperator",
        "metadata": {"name": "installed-state", "namespace": "istio-system"},
        "spec": {"components": {"cni": {"enabled": cni}}},
    }


@pytest.mark.parametrize("cni", [True, False])
def test_cni_from_istio_operator(cni: bool) -> None:
    report = run(istio_operator(cni), injector(cni=None), namespace("apps", **INJECT), deployment())
    assert report.mesh.cni_enabled is cni
    assert injected_names(report)[0] == ("istio-validation" if cni else "istio-init")


def test_cni_from_istiod_environment() -> None:
    report = run(
        injector(cni=None),
        istiod(ISTIO_CNI_ENABLED="true"),
        namespace("apps", **INJECT),
        deployment(),
    )
    assert report.mesh.cni_enabled
    assert report.mesh.cni_origin is not None and "ISTIO_CNI_ENABLED" in report.mesh.cni_origin.what


def test_injector_values_win_over_operator_and_environment() -> None:
    report = run(
        istio_operator(True),
        istiod(ISTIO_CNI_ENABLED="true"),
        injector(cni=False),
        namespace("apps", **INJECT),
        deployment(),
    )
    assert not report.mesh.cni_enabled
    assert injected_names(report)[0] == "istio-init"
