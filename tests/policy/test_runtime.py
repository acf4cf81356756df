"""Run-time pods on the platform render: the research table, row by row, and the switches.

Expectations come from ../shared/reference/kubeflow-runtime-pods.md (upstream file:line
evidence at the versions the render deploys), never from what the checker prints. Every test
reading ../shared skips when the corpus is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubeflow_devtools.policy.model.report import Options, Report, Workload
from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.scan import scan

CORPUS = Path(__file__).resolve().parents[3] / "shared/corpus/kubeflow-manifests"
MASTER = CORPUS / "master-009c880/example.yaml"
V1_10 = CORPUS / "v1.10.2/example.yaml"
USER = "kubeflow-user-example-com"

pytestmark = pytest.mark.skipif(not MASTER.exists(), reason="shared corpus not present")

APE, CAPS, NONROOT, SECCOMP = (
    "allowPrivilegeEscalation",
    "capabilities_restricted",
    "runAsNonRoot",
    "seccompProfile_restricted",
)
ALL4 = {APE, CAPS, NONROOT, SECCOMP}


@pytest.fixture(scope="module")
def master() -> Report:
    return scan([str(MASTER)])


def pods(report: Report, namespace: str = USER) -> dict[str, Workload]:
    return {
        w.runtime.name: w
        for w in report.runtime_workloads
        if w.runtime is not None and w.runtime.namespace == namespace
    }


def failing(workload: Workload, container: str) -> set[str]:
    """The Pod Security checks ``container`` fails (restricted, the default profile)."""
    return {
        f.rule
        for f in workload.findings
        if f.container == container and f.level in ("baseline", "restricted")
    }


def container(workload: Workload, name: str, list_name: str = "containers") -> dict[str, object]:
    found = [c for c in workload.admitted.pod.spec.get(list_name, []) if c["name"] == name]
    assert found, (name, list_name)
    return dict(found[0])


# --- the user namespace (research §1) ---


def test_profile_namespace_has_the_research_labels(master: Report) -> None:
    [user] = [n for n in master.runtime.namespaces if n.name == USER]  # type: ignore[union-attr]
    assert dict(user.labels) == {
        "istio-injection": "enabled",
        "katib.kubeflow.org/metrics-collector-injection": "enabled",
        "serving.kubeflow.org/inferenceservice": "enabled",
        "pipelines.kubeflow.org/enabled": "true",
        "app.kubernetes.io/part-of": "kubeflow-profile",
        "pod-security.kubernetes.io/enforce": "baseline",
    }
    assert dict(user.annotations) == {"owner": "user@example.com"}
    rows = {r.name: r for r in master.namespace_summaries()}
    assert rows[USER].enforce == "baseline" and rows[USER].mesh == "sidecar+cni"
    assert "(new profile)" in rows


def test_answer_baseline_ok_restricted_blocked_with_switches(master: Report) -> None:
    [answer] = [a for a in master.runtime.answers if a.namespace == USER]  # type: ignore[union-attr]
    assert answer.enforce == "baseline" and answer.admitted and answer.injection
    assert answer.baseline == ()
    blockers = {b.component: b for b in answer.restricted}
    assert set(blockers) == {
        "katib",
        "kserve",
        "notebooks",
        "pipelines",
        "trainer",
        "tensorboard",
        "volumes",
    }
    assert blockers["pipelines"].fixes == (
        'pipeline-install-config: defaultSecurityContextRunAsNonRoot: "true"',
    )
    assert any("injectSecurityContext" in f for f in blockers["katib"].fixes)
    line = answer.line()
    assert line.startswith(f"{USER}: enforce baseline; baseline: ok; restricted: blocked by katib")
    # a switch's checks belong to the container before them, not to the whole list
    assert "executor main [runAsNonRoot — set pipeline-install-config: " in line
    assert "router [seccompProfile_restricted — set config-features: secure-pod-defaults" in line
    assert not any(":" in c for c in blockers["kserve"].containers if "[" not in c)


def test_no_runtime_turns_it_off() -> None:
    report = scan([str(MASTER)], Options(runtime=False))
    assert report.runtime is None and report.runtime_workloads == []
    assert not any(f.runtime for f in report.findings)


# --- the table at the end of the research note, row by row ---


def test_row_profile_controller_creates_no_pod(master: Report) -> None:
    assert not any(
        w.runtime and w.runtime.component == "profiles" for w in master.runtime_workloads
    )


def test_row_ml_pipeline_ui_artifact_not_created(master: Report) -> None:
    assert "ml-pipeline-ui-artifact" not in pods(master)


def test_row_katib_metrics_collector(master: Report) -> None:
    trial = pods(master)["trial"]
    sidecar = container(trial, "metrics-logger-and-collector")
    assert "securityContext" not in sidecar
    assert trial.admitted.pod.spec["shareProcessNamespace"] is True
    assert failing(trial, "metrics-logger-and-collector") == ALL4


def test_row_katib_trial_primary_container(master: Report) -> None:
    assert failing(pods(master)["trial"], "training-container") == ALL4


def test_row_katib_suggestion_and_early_stopping(master: Report) -> None:
    [suggestion] = [w for n, w in pods(master).items() if n.startswith("suggestion-")]
    assert not suggestion.admitted.injected  # sidecar.istio.io/inject: "false"
    assert failing(suggestion, "suggestion") == ALL4
    assert failing(suggestion, "early-stopping") == ALL4


def test_row_kserve_storage_initializer(master: Report) -> None:
    predictor = pods(master)["predictor-kserve-sklearnserver"]
    init = container(predictor, "storage-initializer", "initContainers")
    assert init["securityContext"] == {"runAsUser": 1337}  # Istio CNI: istio-proxy's user
    assert failing(predictor, "storage-initializer") == ALL4


@pytest.mark.parametrize(
    "runtime",
    [
        "sklearnserver",
        "xgbserver",
        "lgbserver",
        "pmmlserver",
        "paddleserver",
        "huggingfaceserver",
        "mlserver",
        "tensorflow-serving",
        "torchserve",
        "tritonserver",
    ],
)
def test_row_kserve_container_runtime_sc(master: Report, runtime: str) -> None:
    assert failing(pods(master)[f"predictor-kserve-{runtime}"], "kserve-container") == {SECCOMP}


def test_kserve_multinode_runtime_has_no_sc(master: Report) -> None:
    predictor = pods(master)["predictor-kserve-huggingfaceserver-multinode"]
    assert failing(predictor, "kserve-container") == ALL4


def test_row_kserve_container_after_modelcar(master: Report) -> None:
    modelcar = pods(master)["predictor-modelcar"]
    assert container(modelcar, "kserve-container")["securityContext"] == {"runAsUser": 1010}
    assert failing(modelcar, "kserve-container") == ALL4


def test_row_kserve_agent(master: Report) -> None:
    assert failing(pods(master)["predictor-with-logger"], "agent") == {SECCOMP}


def test_row_kserve_modelcar_and_modelcar_init(master: Report) -> None:
    modelcar = pods(master)["predictor-modelcar"]
    assert container(modelcar, "modelcar")["securityContext"] == {"runAsUser": 1010}
    assert "securityContext" not in container(modelcar, "modelcar-init", "initContainers")
    assert failing(modelcar, "modelcar") == ALL4
    assert failing(modelcar, "modelcar-init") == ALL4


def test_row_inferencegraph_router(master: Report) -> None:
    assert failing(pods(master)["inferencegraph-router"], "router") == {SECCOMP}


def test_row_knative_queue_proxy_complies(master: Report) -> None:
    for name, workload in pods(master).items():
        if name.startswith("predictor-"):
            container(workload, "queue-proxy")
            assert failing(workload, "queue-proxy") == set(), name


def test_row_argo_init_and_wait_comply(master: Report) -> None:
    for name in ("driver", "executor"):
        step = pods(master)[name]
        assert not step.admitted.injected  # sidecar.istio.io/inject: "false"
        assert container(step, "init", "initContainers")["securityContext"]["runAsUser"] == 65532  # type: ignore[index]
        assert failing(step, "init") == failing(step, "wait") == set()


def test_row_kfp_driver_complies(master: Report) -> None:
    driver = pods(master)["driver"]
    assert driver.admitted.pod.spec["securityContext"]["runAsNonRoot"] is True
    assert failing(driver, "main") == set()


def test_row_kfp_launcher_complies(master: Report) -> None:
    assert failing(pods(master)["executor"], "kfp-launcher") == set()


def test_row_kfp_executor_main_runasnonroot_only(master: Report) -> None:
    executor = pods(master)["executor"]
    assert failing(executor, "main") == {NONROOT}
    [finding] = [f for f in executor.findings if f.container == "main"]
    assert finding.fix == 'pipeline-install-config: defaultSecurityContextRunAsNonRoot: "true"'
    assert finding.runtime and finding.component == "pipelines" and finding.namespace == USER


def test_row_notebook(master: Report) -> None:
    notebook = pods(master)["notebook"]
    assert notebook.admitted.pod.spec["securityContext"] == {"fsGroup": 100}
    assert "securityContext" not in container(notebook, "notebook")
    assert failing(notebook, "notebook") == ALL4


@pytest.mark.parametrize(
    ("pod", "name"),
    [
        ("torch-distributed-node", "node"),
        ("deepspeed-distributed-node", "node"),
        ("torchtune-llama3.2-1b-dataset-initializer", "dataset-initializer"),
        ("torchtune-llama3.2-1b-model-initializer", "model-initializer"),
    ],
)
def test_row_trainer(master: Report, pod: str, name: str) -> None:
    assert failing(pods(master)[pod], name) == ALL4


def test_row_poddefaults_none_in_render(master: Report) -> None:
    assert not any(n.startswith("poddefault-") for n in pods(master))


def test_row_tensorboard(master: Report) -> None:
    tensorboard = pods(master)["tensorboard"]
    assert container(tensorboard, "tensorboard")["image"] == "tensorflow/tensorflow:2.5.1"
    assert failing(tensorboard, "tensorboard") == ALL4


def test_row_pvcviewer(master: Report) -> None:
    assert failing(pods(master)["pvcviewer"], "main") == {NONROOT, SECCOMP}


def test_baseline_column_every_runtime_container_passes(master: Report) -> None:
    report = scan([str(MASTER)], Options(level=Level.BASELINE))
    assert [f for f in report.findings if f.runtime and f.namespace == USER] == []


def test_findings_are_warnings_located_at_the_configuration(master: Report) -> None:
    lines = MASTER.read_text().splitlines()
    [finding] = [f for f in pods(master)["executor"].findings]
    assert finding.severity == "warning" and finding.file == str(MASTER)
    assert lines[finding.line - 1].strip().startswith("defaultSecurityContextRunAsNonRoot")  # type: ignore[operator]


# --- the switches, on copies of the render ---


def _switched(tmp_path: Path, edit: Callable[[str], str]) -> Report:
    text = MASTER.read_text()
    changed = edit(text)
    assert changed != text
    copy = tmp_path / "example.yaml"
    copy.write_text(changed)
    return scan([str(copy)])


def _verdicts(report: Report) -> dict[tuple[str, str], frozenset[str]]:
    out = {}
    for name, workload in pods(report).items():
        for c in {f.container for f in workload.findings if f.container} | {
            c["name"]
            for lst in ("containers", "initContainers")
            for c in workload.admitted.pod.spec.get(lst, [])
        }:
            out[(name, c)] = frozenset(failing(workload, c))
    return out


def _changed(before: Report, after: Report) -> dict[tuple[str, str], frozenset[str] | None]:
    """Each (pod, container) whose failing checks differ (``None``: no longer there)."""
    old, new = _verdicts(before), _verdicts(after)
    return {k: new.get(k) for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def test_switch_katib_inject_security_context(master: Report, tmp_path: Path) -> None:
    after = _switched(
        tmp_path,
        lambda t: t.replace(
            "        webhookPort: 8443\n",
            "        webhookPort: 8443\n        injectSecurityContext: true\n",
            1,
        ),
    )
    # The sidecar copies the trial container's securityContext; the default template has none.
    assert _changed(master, after) == {}
    sidecar = [
        f for f in pods(after)["trial"].findings if f.container == "metrics-logger-and-collector"
    ]
    assert sidecar and all(f.fix is None for f in sidecar)


def test_switch_knative_secure_pod_defaults(master: Report, tmp_path: Path) -> None:
    marker = "apiVersion: v1\ndata:\n  _example: |-\n"
    at = MASTER.read_text().index("name: config-features")
    after = _switched(
        tmp_path,
        lambda t: (
            t[:at][: t[:at].rindex(marker)]
            + 'apiVersion: v1\ndata:\n  secure-pod-defaults: "Enabled"\n  _example: |-\n'
            + t[t[:at].rindex(marker) + len(marker) :]
        ),
    )
    changed = _changed(master, after)
    # The revision's own containers are defaulted; KServe's webhook containers are not, and
    # modelcar replaces kserve-container's securityContext afterwards.
    expected_ok = {
        (n, "kserve-container") for n in pods(master) if n.startswith("predictor-kserve-")
    }
    expected_ok |= {
        ("predictor-with-logger", "kserve-container"),
        ("predictor-with-logger", "agent"),
    }
    expected_ok |= {("inferencegraph-router", "router")}
    assert set(changed) == expected_ok
    assert all(v == frozenset() for v in changed.values())


def test_switch_kfp_default_run_as_non_root(master: Report, tmp_path: Path) -> None:
    after = _switched(
        tmp_path,
        lambda t: t.replace(
            '  defaultSecurityContextRunAsNonRoot: ""',
            '  defaultSecurityContextRunAsNonRoot: "true"',
            1,
        ),
    )
    assert _changed(master, after) == {("executor", "main"): frozenset()}


def test_switch_namespace_labels_enforce_restricted(master: Report, tmp_path: Path) -> None:
    after = _switched(
        tmp_path,
        lambda t: t.replace(
            '    pod-security.kubernetes.io/enforce: "baseline"\n',
            '    pod-security.kubernetes.io/enforce: "restricted"\n',
            1,
        ),
    )
    assert _changed(master, after) == {}
    [answer] = [a for a in after.runtime.answers if a.namespace == USER]  # type: ignore[union-attr]
    assert answer.enforce == "restricted" and not answer.admitted
    rejected = {
        f.name
        for f in after.findings
        if f.runtime and f.namespace == USER and f.rule == "namespaceLevelViolation"
    }
    assert "notebooks/notebook" in rejected and "pipelines/driver" not in rejected
    assert all(
        f.severity == "error"
        for f in after.findings
        if f.rule == "namespaceLevelViolation" and f.runtime
    )


def _baseline(report: Report) -> dict[tuple[str, str], frozenset[str]]:
    """Each (pod, container) that fails baseline, with its checks."""
    out: dict[tuple[str, str], set[str]] = {}
    for name, workload in pods(report).items():
        pod = workload.admitted.pod
        for check, violation in evaluate_pod(pod.metadata, pod.spec, Level.BASELINE):
            out.setdefault((name, violation.container or ""), set()).add(check.id)
    return {k: frozenset(v) for k, v in out.items()}


def test_switch_istio_cni_off(master: Report, tmp_path: Path) -> None:
    old = '"cni": {\n          "enabled": true,\n          "provider": "default"'
    after = _switched(tmp_path, lambda t: t.replace(old, old.replace("true", "false"), 1))
    assert not after.mesh.cni_enabled
    injected = {n for n, w in pods(master).items() if w.admitted.injected}
    assert injected >= {"notebook", "trial", "tensorboard", "pvcviewer", "predictor-modelcar"}
    assert not {"driver", "executor"} & injected and not any(
        n.startswith("suggestion-") for n in injected
    )
    # With CNI every run-time pod passes baseline; without it, each injected pod gets
    # istio-init (NET_ADMIN, NET_RAW), which baseline refuses, and nothing else changes.
    assert _baseline(master) == {}
    failing_baseline = _baseline(after)
    assert {c for _, c in failing_baseline} == {"istio-init"}
    assert {n for n, _ in failing_baseline} == injected
    for name in injected:
        container(pods(after)[name], "istio-init", "initContainers")
    sklearn = pods(after)["predictor-kserve-sklearnserver"]
    # KServe leaves the storage-initializer alone when istio-init is there.
    assert "securityContext" not in container(sklearn, "storage-initializer", "initContainers")
    [answer] = [a for a in after.runtime.answers if a.namespace == USER]  # type: ignore[union-attr]
    assert [b.component for b in answer.baseline] == ["istio"]
    assert not answer.admitted  # enforce baseline now rejects them


def test_v1_10_2_gives_an_answer() -> None:
    if not V1_10.exists():
        pytest.skip("v1.10.2 render not present")
    report = scan([str(V1_10)])
    assert report.runtime is not None and report.runtime.answers
    assert report.runtime.versions
    inexact = [v for v in report.runtime.versions if not v.exact]
    for version in inexact:
        assert version.note in report.warnings
