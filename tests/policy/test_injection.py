"""Injection as Istio's injector does it: templates, merges, native sidecars, failures, reports.

Most tests run the built-in template (``policy/mesh/builtin.py``) put in an injector ConfigMap;
those marked ``real`` run Istio 1.28.0's own templates, read from the conformance cases in
``../shared/conformance/istio-injection/`` (skipped when that checkout is missing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeflow_devtools.policy import Options, Report, scan_text
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.errors import UsageError
from kubeflow_devtools.policy.mesh.merge import MergeError, strategic_merge
from kubeflow_devtools.policy.mesh.native import kubernetes_version, native_sidecars
from kubeflow_devtools.policy.mesh.renders import RenderError, to_partial_pod
from kubeflow_devtools.policy.model.mesh import KubernetesVersion
from kubeflow_devtools.policy.pss import Level
from tests.policy.test_mesh import INJECT, deployment, injector, istiod, namespace, workload

CONFORMANCE = (
    Path(__file__).resolve().parents[2].parent / "shared/conformance/istio-injection/1.28.0"
)
HELLO = CONFORMANCE / "87_hello.yaml.injected" / "input.yaml"


class _Literal(yaml.SafeDumper):
    """Multi-line strings as ``|`` blocks, as ConfigMaps write templates."""


_Literal.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


def dump(docs: tuple[dict[str, Any], ...]) -> str:
    return yaml.dump_all(docs, Dumper=_Literal, sort_keys=False)


def run(*docs: dict[str, Any], **options: Any) -> Report:
    """Scan the documents as one YAML stream."""
    return scan_text("m.yaml", dump(docs), Options(**options))


def layout(report: Report, name: str = "app") -> list[tuple[str, str]]:
    spec = workload(report, name).admitted.pod.spec
    return [(key, c["name"]) for key in ("initContainers", "containers") for c in spec.get(key, [])]


def container(report: Report, name: str, pod: str = "app") -> dict[str, Any]:
    spec = workload(report, pod).admitted.pod.spec
    return next(
        c
        for key in ("initContainers", "containers")
        for c in spec.get(key, [])
        if c["name"] == name
    )


def with_templates(config: dict[str, Any], **templates: str) -> dict[str, Any]:
    """An injector ConfigMap with more templates in its config."""
    data = yaml.safe_load(config["data"]["config"])
    data["templates"].update(templates)
    return {**config, "data": {**config["data"], "config": yaml.dump(data, Dumper=_Literal)}}


# --- the strategic merge -------------------------------------------------------------------


def test_strategic_merge_merges_containers_by_name_and_the_patch_wins() -> None:
    pod = {
        "spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "E", "value": "1"}]}]}
    }
    patch = {
        "spec": {
            "containers": [
                {"name": "b", "image": "y"},
                {"name": "a", "image": "z", "env": [{"name": "F", "value": "2"}]},
            ],
            "volumes": [{"name": "v", "emptyDir": None}],
        }
    }
    merged = strategic_merge(pod, patch)
    assert [c["name"] for c in merged["spec"]["containers"]] == ["b", "a"]
    assert merged["spec"]["containers"][1]["image"] == "z"
    assert [e["name"] for e in merged["spec"]["containers"][1]["env"]] == ["F", "E"]
    assert merged["spec"]["volumes"] == [{"name": "v"}]
    assert pod["spec"]["containers"][0]["image"] == "x"


def test_strategic_merge_null_deletes_and_directives() -> None:
    pod = {
        "metadata": {"labels": {"a": "1", "b": "2"}},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
    }
    patch = {
        "metadata": {"labels": {"a": None}},
        "spec": {"containers": [{"name": "a", "$patch": "delete"}]},
    }
    merged = strategic_merge(pod, patch)
    assert merged["metadata"]["labels"] == {"b": "2"}
    assert merged["spec"]["containers"] == [{"name": "b"}]
    with pytest.raises(MergeError):
        strategic_merge(pod, {"spec": {"containers": [{"image": "no name"}]}})


# --- rendered templates: one parse per skeleton ----------------------------------------------


def render(template: str, data: dict[str, Any]) -> Any:
    from kubeflow_devtools.policy.gotemplate import parse
    from kubeflow_devtools.policy.gotemplate.sprig import FUNCTIONS

    output = parse(template, FUNCTIONS).render(data)
    return to_partial_pod(output), yaml.safe_load(output.text)


@pytest.mark.parametrize(
    "value",
    ["plain", "with-dash", "80", "true", "", "a: b", "x #y", "'q'", '"dq"', "-lead", "a,b", "null"],
)
def test_a_skeleton_gives_what_a_full_parse_gives(value: str) -> None:
    template = (
        'metadata:\n  labels:\n    plain: {{ .v }}\n    quoted: "{{ .v }}"\n'
        "    flow: {a: {{ .v }}}\n    joined: x-{{ .v }}\nspec:\n  v: |\n    {{ .v }}\n"
    )
    render(template, {"v": "seed"})  # the skeleton, parsed with another value
    try:
        fast, full = render(template, {"v": value})
    except RenderError:  # the YAML itself breaks: so must the full parse
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(template.replace("{{ .v }}", value))
        return
    assert fast == full


# --- native sidecars -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "istio", "nodes", "option", "enabled", "source"),
    [
        ({}, None, {"a": 33, "b": 34}, None, True, "nodes"),
        ({}, None, {"a": 33, "b": 28}, None, False, "nodes"),
        ({}, None, {"a": None}, None, False, "nodes"),
        ({}, None, {}, 32, False, "--kubernetes-version"),
        ({}, None, {}, None, True, "default"),
        ({"ENABLE_NATIVE_SIDECARS": "false"}, 28, {"a": 34}, None, False, "nodes"),
        ({"ENABLE_NATIVE_SIDECARS": "true"}, 28, {"a": 28}, None, True, "nodes"),
        ({}, 26, {"a": 34}, None, False, "nodes"),
        ({"ENABLE_NATIVE_SIDECARS": "true"}, 26, {}, None, True, "default"),
        ({"ENABLE_NATIVE_SIDECARS": "auto"}, 26, {}, None, False, "default"),
    ],
)
def test_native_sidecars(
    env: dict[str, str],
    istio: int | None,
    nodes: dict[str, int | None],
    option: int | None,
    enabled: bool,
    source: str,
) -> None:
    version = kubernetes_version(nodes, option)
    assert version.source == source
    assert native_sidecars(env, istio, version, nodes).enabled is enabled


def node(name: str, version: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"nodeInfo": {"kubeletVersion": version}},
    }


def test_native_sidecars_follow_the_nodes_and_the_report_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = run(
        injector(cni=True),
        node("n1", "v1.34.1"),
        node("n2", "v1.32.0"),
        namespace("apps", **INJECT),
        deployment(),
    )
    assert layout(old)[-1] == ("containers", "istio-proxy")
    assert "Node n2 has a kubelet older than 1.33" in old.mesh.description
    new = run(injector(cni=True), node("n1", "v1.34.1"), namespace("apps", **INJECT), deployment())
    assert layout(new)[:2] == [
        ("initContainers", "istio-validation"),
        ("initContainers", "istio-proxy"),
    ]
    assert container(new, "istio-proxy")["restartPolicy"] == "Always"
    pinned = run(
        injector(cni=True), namespace("apps", **INJECT), deployment(), kubernetes_version=30
    )
    assert layout(pinned)[-1] == ("containers", "istio-proxy")
    assert "Kubernetes 1.30 from --kubernetes-version" in pinned.mesh.description


def test_a_pod_on_a_named_node_follows_that_node() -> None:
    pod = deployment()
    pod["spec"]["template"]["spec"]["nodeName"] = "n2"
    report = run(
        injector(cni=True),
        node("n1", "v1.34.0"),
        node("n2", "v1.34.0"),
        namespace("apps", **INJECT),
        pod,
    )
    assert container(report, "istio-proxy")["restartPolicy"] == "Always"


# --- what the templates decide -------------------------------------------------------------


def test_privileged_and_seccomp_and_trace_logging_values_reach_the_proxy() -> None:
    config = injector(cni=True, privileged=True)
    values = json.loads(config["data"]["values"])
    values["global"]["proxy"]["seccompProfile"] = {"type": "RuntimeDefault"}
    config["data"]["values"] = json.dumps(values)
    mesh = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "istio", "namespace": "istio-system"},
        "data": {
            "mesh": yaml.safe_dump(
                {"defaultConfig": {"proxyMetadata": {"IPTABLES_TRACE_LOGGING": "true"}}}
            )
        },
    }
    report = run(
        config,
        mesh,
        istiod(ENABLE_NATIVE_SIDECARS="false"),
        namespace("apps", **INJECT),
        deployment(),
        level=Level.BASELINE,
    )
    proxy = container(report, "istio-proxy")["securityContext"]
    assert (proxy["privileged"], proxy["runAsUser"], proxy["capabilities"]["add"]) == (
        True,
        0,
        ["NET_ADMIN"],
    )
    assert proxy["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container(report, "istio-validation")["securityContext"]["privileged"] is True
    found = {(f.rule, f.container, f.injected) for f in report.findings}
    assert ("privileged", "istio-proxy", True) in found


def test_openshift_uid_range() -> None:
    ns = namespace("apps", **INJECT)
    ns["metadata"]["annotations"] = {"openshift.io/sa.scc.uid-range": "1000620000/10000"}
    report = run(injector(cni=True), istiod(PLATFORM="openshift"), ns, deployment())
    assert container(report, "istio-proxy")["securityContext"]["runAsUser"] == 1000629999
    assert container(report, "istio-validation")["securityContext"]["runAsGroup"] == 1000629999


def test_a_declared_proxy_is_merged_and_its_fields_win() -> None:
    pod = deployment()
    pod["spec"]["template"]["spec"]["containers"].append(
        {
            "name": "istio-proxy",
            "image": "auto",
            "securityContext": {"runAsUser": 4242, "readOnlyRootFilesystem": False},
        }
    )
    report = run(
        injector(cni=True), istiod(ENABLE_NATIVE_SIDECARS="true"), namespace("apps", **INJECT), pod
    )
    proxy = container(report, "istio-proxy")["securityContext"]
    assert (proxy["runAsUser"], proxy["readOnlyRootFilesystem"], proxy["runAsNonRoot"]) == (
        4242,
        False,
        True,
    )
    assert container(report, "istio-validation")["securityContext"]["runAsUser"] == 4242
    [merged] = [c for c in workload(report).admitted.injected if c.name == "istio-proxy"]
    assert (merged.list_name, merged.native, merged.declared) == (
        "initContainers",
        True,
        ("containers", 1),
    )


def test_templates_annotation_aliases_and_custom_templates() -> None:
    custom = (
        "spec:\n  securityContext:\n    runAsNonRoot: true\n"
        "    sysctls: [{name: kernel.msgmax, value: '1'}]\n"
    )
    config = with_templates(injector(cni=True), custom=custom)
    data = yaml.safe_load(config["data"]["config"])
    data["aliases"] = {"both": ["sidecar", "custom"]}
    config["data"]["config"] = yaml.dump(data, Dumper=_Literal)
    pod = deployment(annotations={"inject.istio.io/templates": "both"})
    report = run(config, namespace("apps", **INJECT), pod, level=Level.BASELINE)
    assert workload(report).admitted.templates == ("sidecar", "custom")
    assert "sysctls" in {f.rule for f in report.findings}


def test_gateway_template_has_no_init_container() -> None:
    gateway = "spec:\n  containers:\n  - name: istio-proxy\n    image: {{ .ProxyImage | quote }}\n"
    config = with_templates(injector(cni=False), gateway=gateway)
    pod = deployment(annotations={"inject.istio.io/templates": "gateway"})
    report = run(config, namespace("apps", **INJECT), pod)
    assert layout(report) == [("containers", "main"), ("containers", "istio-proxy")]
    assert "istioInit" not in {f.rule for f in report.findings}


# --- when Istio would fail ------------------------------------------------------------------


def test_a_template_istio_refuses_is_an_input_error_naming_configmap_and_lines() -> None:
    config = with_templates(injector(cni=True), broken="a: 1\nb: {{ nosuch .x }}\n")
    report = run(config, namespace("apps", **INJECT), deployment())
    [error] = report.errors
    assert error.file == "m.yaml" and error.line is not None
    assert 'template "broken" line 2' in error.message
    assert 'function "nosuch" not defined' in error.message
    assert "ConfigMap istio-system/istio-sidecar-injector" in error.message
    text = dump((config, namespace("apps", **INJECT), deployment()))
    assert text.splitlines()[error.line - 1].strip().startswith("b: {{ nosuch")
    [failed] = [f for f in report.findings if f.rule == "injectionFailed"]
    assert "does not load" in failed.message
    assert report.exit_code == 2


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        ({"inject.istio.io/templates": "nope"}, 'requested template "nope" not found'),
        ({"traffic.sidecar.istio.io/includeOutboundIPRanges": "bad"}, "includeOutboundIPRanges"),
        (
            {"inject.istio.io/templates": "failing"},
            "template 'failing' line 2: error calling fail: boom",
        ),
        ({"inject.istio.io/templates": "scalar"}, "its output is not a mapping"),
    ],
)
def test_injection_failures_are_findings(annotations: dict[str, str], message: str) -> None:
    config = with_templates(
        injector(cni=True), failing="a: 1\n{{ fail `boom` }}\n", scalar="just text\n"
    )
    report = run(config, namespace("apps", **INJECT), deployment(annotations=annotations))
    [failed] = [f for f in report.findings if f.rule == "injectionFailed"]
    assert message in failed.message
    assert failed.severity == "error" and report.exit_code == 1
    assert not report.errors


# --- reports --------------------------------------------------------------------------------


def test_json_report_lists_pods_and_how_native_sidecars_were_decided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        yaml.safe_dump_all(
            [injector(cni=True), node("n1", "1.34.0"), namespace("apps", **INJECT), deployment()]
        )
    )
    main([str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    mesh = report["mesh"]
    assert (mesh["nativeSidecars"], mesh["kubernetesVersion"], mesh["kubernetesVersionSource"]) == (
        True,
        "1.34",
        "nodes",
    )
    [pod] = [p for p in report["pods"] if p["name"] == "app"]
    assert pod["injected"] and pod["templates"] == ["sidecar"]
    assert [(c["name"], c["list"], c["index"], c["native"]) for c in pod["containers"]] == [
        ("istio-validation", "initContainers", 0, False),
        ("istio-proxy", "initContainers", 1, True),
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_a_policy_version_newer_than_known_is_evaluated_as_the_newest_with_a_warning(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(deployment(root=True)))
    code = main([str(path), "--pss-version", "v1.99", "--format", fmt])
    out = capsys.readouterr().out
    assert "v1.99 is newer than v1.37, the newest policy this release knows" in out
    assert code == 1


def test_kubernetes_version_option_is_checked() -> None:
    from kubeflow_devtools.policy.mesh.native import parse_kubernetes_minor

    assert (parse_kubernetes_minor("v1.34.2"), parse_kubernetes_minor("latest")) == (34, None)
    with pytest.raises(UsageError):
        parse_kubernetes_minor("2.1")
    assert KubernetesVersion(34, "nodes", "").minor == 34


# --- Istio's own templates ------------------------------------------------------------------

real = pytest.mark.skipif(not HELLO.is_file(), reason=f"{HELLO} not found (no shared checkout)")


def istio_config(**values: Any) -> list[dict[str, Any]]:
    """Istio 1.28.0's injector ConfigMap (all its templates) and mesh ConfigMap, with values."""
    docs = [d for d in yaml.safe_load_all(HELLO.read_text()) if d]
    config = next(
        d
        for d in docs
        if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "istio-sidecar-injector"
    )
    mesh = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "istio")
    data = json.loads(config["data"]["values"])
    for dotted, value in values.items():
        target = data
        *path, last = dotted.split("__")
        for key in path:
            target = target.setdefault(key, {})
        target[last] = value
    config["data"]["values"] = json.dumps(data)
    return [config, mesh]


@real
def test_real_sidecar_template_with_cap_net_bind_service_and_seccomp() -> None:
    docs = istio_config(
        global__proxy__capNetBindService=True,
        global__proxy__seccompProfile={"type": "RuntimeDefault"},
    )
    report = run(
        *docs, istiod(ENABLE_NATIVE_SIDECARS="false"), namespace("apps", **INJECT), deployment()
    )
    proxy = container(report, "istio-proxy")["securityContext"]
    assert (proxy["runAsUser"], proxy["runAsNonRoot"]) == (0, False)
    assert proxy["capabilities"]["add"] == ["NET_BIND_SERVICE"]
    assert proxy["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container(report, "istio-init")["securityContext"]["seccompProfile"] == {
        "type": "RuntimeDefault"
    }


@real
def test_real_gateway_template_takes_the_gateways_security_context() -> None:
    docs = istio_config(gateways__securityContext={"runAsNonRoot": True, "fsGroup": 1337})
    pod = deployment(annotations={"inject.istio.io/templates": "gateway"})
    report = run(*docs, namespace("apps", **INJECT), pod)
    admitted = workload(report).admitted
    context = admitted.pod.spec["securityContext"]
    assert (context["runAsNonRoot"], context["fsGroup"]) == (True, 1337)
    assert "sysctls" not in context
    assert layout(report) == [("containers", "main"), ("containers", "istio-proxy")]
    default = run(*istio_config(), namespace("apps", **INJECT), pod)
    sysctls = workload(default).admitted.pod.spec["securityContext"]["sysctls"]
    assert sysctls == [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]
