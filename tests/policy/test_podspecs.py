"""Every pod-template location: each finding names the pod spec's path, the field and its line."""

from __future__ import annotations

import textwrap

import pytest

from kubeflow_devtools.policy import Options, scan_text
from kubeflow_devtools.policy.pss import Level

BAD = """\
name: bad
image: busybox
securityContext:
  privileged: true
"""


def container(indent: int) -> str:
    """A privileged container as a YAML list item, indented by ``indent`` spaces."""
    lines = BAD.splitlines()
    first = " " * indent + "- " + lines[0]
    rest = [" " * (indent + 2) + line for line in lines[1:]]
    return "\n".join([first, *rest]) + "\n"


def privileged_findings(text: str) -> list[tuple[str, str, str, int | None]]:
    """(kind, pod path, field path, line) of every finding at the baseline level."""
    report = scan_text("m.yaml", text, Options(level=Level.BASELINE))
    assert not report.errors, report.errors
    return [(f.kind, f.pod_path, f.path, f.line) for f in report.findings if f.rule == "privileged"]


def doc(head: str, containers_at: int) -> str:
    """A manifest: ``head`` then a privileged container indented at ``containers_at``."""
    return textwrap.dedent(head) + container(containers_at)


def privileged_line(text: str) -> int:
    """The line of the ``privileged: true`` field in ``text``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if "privileged: true" in line)


TEMPLATE = """\
apiVersion: {api}
kind: {kind}
metadata:
  name: x
  namespace: ns
spec:
  template:
    spec:
      containers:
"""

CASES: dict[str, tuple[str, int, str]] = {
    "Pod": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n",
        2,
        "spec",
    ),
    "PodTemplate": (
        "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: x\n"
        "template:\n  spec:\n    containers:\n",
        4,
        "template.spec",
    ),
    "Deployment": (TEMPLATE.format(api="apps/v1", kind="Deployment"), 6, "spec.template.spec"),
    "StatefulSet": (TEMPLATE.format(api="apps/v1", kind="StatefulSet"), 6, "spec.template.spec"),
    "DaemonSet": (TEMPLATE.format(api="apps/v1", kind="DaemonSet"), 6, "spec.template.spec"),
    "ReplicaSet": (TEMPLATE.format(api="apps/v1", kind="ReplicaSet"), 6, "spec.template.spec"),
    "ReplicationController": (
        TEMPLATE.format(api="v1", kind="ReplicationController"),
        6,
        "spec.template.spec",
    ),
    "Job": (TEMPLATE.format(api="batch/v1", kind="Job"), 6, "spec.template.spec"),
    "CronJob": (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: x\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        spec:\n          containers:\n",
        10,
        "spec.jobTemplate.spec.template.spec",
    ),
    "Notebook": (
        TEMPLATE.format(api="kubeflow.org/v1", kind="Notebook"),
        6,
        "spec.template.spec",
    ),
    "PyTorchJob": (
        "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata:\n  name: x\nspec:\n"
        "  pytorchReplicaSpecs:\n    Worker:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.pytorchReplicaSpecs.Worker.template.spec",
    ),
    "TFJob": (
        "apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata:\n  name: x\nspec:\n"
        "  tfReplicaSpecs:\n    PS:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.tfReplicaSpecs.PS.template.spec",
    ),
    "MPIJob": (
        "apiVersion: kubeflow.org/v2beta1\nkind: MPIJob\nmetadata:\n  name: x\nspec:\n"
        "  mpiReplicaSpecs:\n    Launcher:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.mpiReplicaSpecs.Launcher.template.spec",
    ),
    "XGBoostJob": (
        "apiVersion: kubeflow.org/v1\nkind: XGBoostJob\nmetadata:\n  name: x\nspec:\n"
        "  xgbReplicaSpecs:\n    Master:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.xgbReplicaSpecs.Master.template.spec",
    ),
    "PaddleJob": (
        "apiVersion: kubeflow.org/v1\nkind: PaddleJob\nmetadata:\n  name: x\nspec:\n"
        "  paddleReplicaSpecs:\n    Worker:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.paddleReplicaSpecs.Worker.template.spec",
    ),
    "JAXJob": (
        "apiVersion: kubeflow.org/v1\nkind: JAXJob\nmetadata:\n  name: x\nspec:\n"
        "  jaxReplicaSpecs:\n    Worker:\n      template:\n        spec:\n"
        "          containers:\n",
        10,
        "spec.jaxReplicaSpecs.Worker.template.spec",
    ),
    "ClusterTrainingRuntime": (
        "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: ClusterTrainingRuntime\n"
        "metadata:\n  name: x\nspec:\n  template:\n    spec:\n      replicatedJobs:\n"
        "      - name: node\n        template:\n          spec:\n            template:\n"
        "              spec:\n                containers:\n",
        16,
        "spec.template.spec.replicatedJobs[0].template.spec.template.spec",
    ),
    "TrainingRuntime": (
        "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainingRuntime\n"
        "metadata:\n  name: x\nspec:\n  template:\n    spec:\n      replicatedJobs:\n"
        "      - name: node\n        template:\n          spec:\n            template:\n"
        "              spec:\n                containers:\n",
        16,
        "spec.template.spec.replicatedJobs[0].template.spec.template.spec",
    ),
    "JobSet": (
        "apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata:\n  name: x\nspec:\n"
        "  replicatedJobs:\n  - name: a\n    template:\n      spec:\n        template:\n"
        "          spec:\n            containers:\n",
        12,
        "spec.replicatedJobs[0].template.spec.template.spec",
    ),
    "Experiment": (
        "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: x\nspec:\n"
        "  trialTemplate:\n    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n"
        "      spec:\n        template:\n          spec:\n            containers:\n",
        12,
        "spec.trialTemplate.trialSpec.spec.template.spec",
    ),
    "ClusterServingRuntime": (
        "apiVersion: serving.kserve.io/v1alpha1\nkind: ClusterServingRuntime\n"
        "metadata:\n  name: x\nspec:\n  containers:\n",
        2,
        "spec",
    ),
    "ServingRuntime.workerSpec": (
        "apiVersion: serving.kserve.io/v1alpha1\nkind: ServingRuntime\n"
        "metadata:\n  name: x\nspec:\n  workerSpec:\n    containers:\n",
        4,
        "spec.workerSpec",
    ),
    "KnativeService": (
        TEMPLATE.format(api="serving.knative.dev/v1", kind="Service"),
        6,
        "spec.template.spec",
    ),
    "GenericCustomResource": (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\nspec:\n"
        "  runner:\n    template:\n      spec:\n        containers:\n",
        8,
        "spec.runner.template.spec",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_pod_template_location(case: str) -> None:
    head, indent, pod_path = CASES[case]
    text = doc(head, indent)
    [(_, found_pod, field, line)] = privileged_findings(text)
    assert found_pod == pod_path
    assert field == f"{pod_path}.containers[0].securityContext.privileged"
    assert line == privileged_line(text)


def test_cluster_storage_container() -> None:
    text = (
        "apiVersion: serving.kserve.io/v1alpha1\nkind: ClusterStorageContainer\n"
        "metadata:\n  name: default\nspec:\n  container:\n    name: s\n    image: i\n"
        "    securityContext:\n      privileged: true\n"
    )
    [(_, pod, field, line)] = privileged_findings(text)
    assert (pod, field, line) == ("spec", "spec.container.securityContext.privileged", 10)


def test_inference_service_model_and_transformer() -> None:
    text = textwrap.dedent(
        """\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata:
          name: x
        spec:
          predictor:
            model:
              modelFormat: {name: sklearn}
              storageUri: s3://b/m
              securityContext:
                privileged: true
          transformer:
            containers:
            - name: t
              image: t
              securityContext:
                privileged: true
        """
    )
    found = privileged_findings(text)
    assert [(p, f, line) for _, p, f, line in found] == [
        ("spec.predictor", "spec.predictor.model.securityContext.privileged", 11),
        ("spec.transformer", "spec.transformer.containers[0].securityContext.privileged", 17),
    ]


def test_argo_workflow_templates() -> None:
    text = textwrap.dedent(
        """\
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          generateName: wf-
        spec:
          templates:
          - name: main
            steps: [[{name: a, template: run}]]
          - name: run
            container:
              image: busybox
              securityContext:
                privileged: true
            sidecars:
            - name: side
              image: x
              securityContext:
                privileged: true
        """
    )
    found = privileged_findings(text)
    assert [(f, line) for _, _, f, line in found] == [
        ("spec.templates[1].container.securityContext.privileged", 13),
        ("spec.templates[1].sidecars[0].securityContext.privileged", 18),
    ]


def test_cron_workflow_uses_workflow_spec() -> None:
    text = textwrap.dedent(
        """\
        apiVersion: argoproj.io/v1alpha1
        kind: CronWorkflow
        metadata:
          name: c
        spec:
          workflowSpec:
            templates:
            - name: run
              script:
                image: python
                source: print(1)
                securityContext:
                  privileged: true
        """
    )
    [(_, _, field, line)] = privileged_findings(text)
    assert field == "spec.workflowSpec.templates[0].script.securityContext.privileged"
    assert line == 13


def test_list_items_are_expanded() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n" + (
        "  metadata:\n    name: p\n  spec:\n    containers:\n" + container(4)
    )
    report = scan_text("l.yaml", text, Options(level=Level.BASELINE))
    [finding] = [f for f in report.findings if f.rule == "privileged"]
    assert (finding.kind, finding.name, finding.line) == ("Pod", "p", privileged_line(text))
    assert report.summary.resources == 1


def test_init_and_ephemeral_containers() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  initContainers:\n"
        + container(2)
        + "  ephemeralContainers:\n"
        + container(2)
    )
    found = privileged_findings(text)
    assert [f for _, _, f, _ in found] == [
        "spec.initContainers[0].securityContext.privileged",
        "spec.ephemeralContainers[0].securityContext.privileged",
    ]


def test_non_objects_are_counted_not_checked() -> None:
    report = scan_text("x.yaml", "just: data\n---\n- a\n- b\n---\n42\n", Options())
    assert report.summary.non_objects == 3
    assert report.summary.resources == 0
    assert not report.errors


def test_core_kinds_without_pods_are_not_searched() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: y\n"
        "spec:\n  containers:\n" + container(2)
    )
    assert privileged_findings(text) == []


def test_namespace_and_name_are_reported() -> None:
    text = doc(TEMPLATE.format(api="apps/v1", kind="Deployment"), 6)
    report = scan_text("m.yaml", text, Options(level=Level.BASELINE))
    finding = report.findings[0]
    assert (finding.namespace, finding.name, finding.container) == ("ns", "x", "bad")
