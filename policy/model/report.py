"""A scan's options and its result: the :class:`Report` every renderer reads.

:func:`~kubeflow_devtools.policy.scan.scan` fills a :class:`Report` in; the renderers of
:mod:`kubeflow_devtools.policy.report` turn it into text, and read nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.findings import Finding, RuleInfo, fails_run
from kubeflow_devtools.policy.model.mesh import Admitted, MeshConfig, MeshMode
from kubeflow_devtools.policy.model.objects import Namespaces, PodSpec, Resource
from kubeflow_devtools.policy.model.runtime import Answer, Runtime, RuntimePod
from kubeflow_devtools.policy.model.waivers import DEFAULT_WAIVERS, Exclusion, Waiver
from kubeflow_devtools.policy.pss.registry import Level


@dataclass(frozen=True)
class Options:
    """What to check and what to assume.

    ``level``/``version``: the Pod Security Standards level and policy version (``None``:
    latest). ``mesh``: what to assume about Istio (``auto``: what the input says).
    ``namespace_labels``: labels of namespaces defined outside the input. ``waivers``: the
    waivers in force (the built-in node-agent waivers by default). ``runtime``: predict the
    user namespaces and the pods Kubeflow creates in them (``--no-runtime`` turns it off).
    """

    level: Level = Level.RESTRICTED
    version: int | None = None
    mesh: MeshMode = MeshMode.AUTO
    namespace_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = DEFAULT_WAIVERS
    fail_on: str = "error"
    baseline: Counter[tuple[str, ...]] | None = None
    today: date = field(default_factory=date.today)
    schema_version: str | None = None
    """``--schema``: the Kubernetes version (``1.N``) to validate objects against; ``None``: off."""
    kubernetes_version: int | None = None
    """``--kubernetes-version``: the cluster's Kubernetes minor version when the input has no
    ``Node`` (Istio's native sidecars depend on it); ``None``: not given."""
    runtime: bool = True


@dataclass(frozen=True)
class Settings:
    """How a repository run selects, builds and caches its inputs.

    ``exclude``: inputs not to check. ``mesh_overlay``: a kustomization whose Istio
    configuration is assumed for inputs that have none. ``changed``: absolute paths of
    changed files; only inputs that read one are checked (``None``: every input), and
    ``changed_since`` says since when, for the reason of the others. ``jobs``: builds at
    once (0: one per core). ``cache``: the cache folder (``None``: no cache). ``timeout``:
    seconds a build may take (``None``: the build tool's default).
    """

    exclude: tuple[Exclusion, ...] = ()
    mesh_overlay: str | None = None
    changed: frozenset[str] | None = None
    changed_since: str = ""
    jobs: int = 0
    cache: Path | None = None
    timeout: float | None = None


@dataclass
class Summary:
    """Counts over the whole scan."""

    files: int = 0
    documents: int = 0
    non_objects: int = 0
    resources: int = 0
    pod_specs: int = 0
    containers: int = 0
    injected_pods: int = 0
    findings: int = 0
    failing: int = 0
    waived: int = 0
    errors: int = 0
    schema_skipped: int = 0


@dataclass(frozen=True)
class Workload:
    """One checked pod spec: as admitted (with injected containers) and its findings."""

    admitted: Admitted
    findings: tuple[Finding, ...]
    input: str | None = None
    """The repository input it belongs to (``None`` outside repository mode)."""
    runtime: RuntimePod | None = None
    """The run-time pod it is (``None``: a pod spec written in the input)."""

    @property
    def rootless(self) -> bool:
        """No unwaived error finding: nothing in it runs as root or with extra privileges."""
        return not any(f.severity == "error" and not f.waived for f in self.findings)


@dataclass(frozen=True)
class NamespaceSummary:
    """Per namespace: its mesh mode, Pod Security enforce level and rootless workloads."""

    name: str
    mesh: str
    enforce: str
    workloads: int
    injected: int
    rootless: int
    input: str | None = None
    """The repository input whose namespace it is (each root has its own namespaces)."""


INPUT_KINDS = ("kustomization", "helm", "files")
INPUT_STATUSES = ("checked", "excluded", "skipped", "failed")


@dataclass(frozen=True)
class InputResult:
    """What became of one repository input: a kustomization root, a Helm chart, plain files.

    ``kind`` is one of :data:`INPUT_KINDS`, ``status`` one of :data:`INPUT_STATUSES`;
    ``reason`` says why it was excluded, skipped or failed (one line); ``log`` is the whole
    output of a failed build; ``report`` the checked input's own report (its own mesh,
    namespaces and findings); ``cached``: its build and check came from the cache.
    """

    path: str
    kind: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    log: str = ""
    report: Report | None = None
    cached: bool = False

    @property
    def failing(self) -> int:
        """How many of its findings fail the run."""
        if self.report is None:
            return 0
        return sum(1 for f in self.report.findings if fails_run(f, self.report.options.fail_on))

    @property
    def verdict(self) -> str:
        """``rootless``, ``not rootless``, or the status when it was not checked."""
        if self.status != "checked":
            return self.status
        return "not rootless" if self.failing else "rootless"


@dataclass
class Report:
    """The result of a scan: findings, counts, input errors, and what was checked.

    ``rules`` is every rule the scan can report (the SARIF report's rule table).
    ``warnings`` are notes on how the scan was run that every format shows (a policy version
    newer than the checks know, evaluated as the newest).
    """

    options: Options
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    mesh: MeshConfig = field(default_factory=MeshConfig)
    namespaces: Namespaces = field(default_factory=Namespaces)
    summary: Summary = field(default_factory=Summary)
    rules: tuple[RuleInfo, ...] = ()
    inputs: list[InputResult] = field(default_factory=list)
    """Repository mode: every input found, checked or not (empty for plain runs)."""
    cluster_kinds: set[tuple[str, str]] = field(default_factory=set)
    """``(group, kind)`` of the custom resources whose CRD in the input says ``scope: Cluster``."""
    warnings: list[str] = field(default_factory=list)
    runtime: Runtime | None = None
    """The user namespaces and run-time pods predicted (``None``: ``--no-runtime``)."""
    runtime_workloads: list[Workload] = field(default_factory=list)
    """The run-time pods as admitted and checked (kept apart from the input's pod specs)."""

    @property
    def pod_specs(self) -> list[PodSpec]:
        """Every pod spec found, as written."""
        return [w.admitted.pod for w in self.workloads]

    def namespace_summaries(self) -> list[NamespaceSummary]:
        """One row per namespace with workloads (cluster-scoped ones under ``(cluster)``).

        In repository mode, the rows of each checked input, in turn (each its own world).
        """
        if self.inputs:
            return [
                replace(row, input=result.path)
                for result in self.inputs
                if result.report is not None
                for row in result.report.namespace_summaries()
            ]
        groups: dict[str, list[Workload]] = {}
        for workload in (*self.workloads, *self.runtime_workloads):
            resource = workload.admitted.pod.resource
            groups.setdefault(resource.namespace or "(cluster)", []).append(workload)
        for user in self.runtime.namespaces if self.runtime else ():
            groups.setdefault(user.name, [])
        rows = []
        for name in sorted(groups):
            workloads = groups[name]
            labels = self.namespaces.get(name).labels if name != "(cluster)" else {}
            injected = sum(1 for w in workloads if w.admitted.injected)
            mesh = "none"
            if injected:
                mesh = "sidecar+cni" if self.mesh.cni_enabled else "sidecar"
            if labels.get("istio.io/dataplane-mode") == "ambient":
                mesh = "ambient" if mesh == "none" else "conflict"
            enforce = labels.get("pod-security.kubernetes.io/enforce", "-")
            version = labels.get("pod-security.kubernetes.io/enforce-version")
            rows.append(
                NamespaceSummary(
                    name=name,
                    mesh=mesh,
                    enforce=f"{enforce}@{version}" if version and enforce != "-" else enforce,
                    workloads=len(workloads),
                    injected=injected,
                    rootless=sum(1 for w in workloads if w.rootless),
                )
            )
        return rows

    def runtime_answers(self) -> list[tuple[str | None, Answer]]:
        """The answer of every user namespace, with its repository input (``None`` outside
        repository mode)."""
        if self.inputs:
            return [
                (result.path, answer)
                for result in self.inputs
                if result.report is not None
                for _, answer in result.report.runtime_answers()
            ]
        return [(None, a) for a in self.runtime.answers] if self.runtime else []

    @property
    def failed(self) -> bool:
        """Whether any finding fails the run (see :func:`fails_run`)."""
        return any(fails_run(f, self.options.fail_on) for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 failing findings, 2 input errors."""
        if self.errors:
            return 2
        return 1 if self.failed else 0
