"""The scan: sources -> documents -> resources -> pod specs -> (mesh) -> checks -> findings.

:func:`scan` is the library entry point the CLI and tests call. It works in two phases:
first every input is read into resources (the mesh's configuration and the namespaces can be
anywhere in the input), then every pod spec is admitted (with the sidecars the mesh would
inject) and checked. Bad input never stops the scan: each unreadable file or broken document
becomes an :class:`InputError` in the report and the rest is still checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from kubeflow_devtools.policy.documents import parse_chunk, peek_kind
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.mesh.config import MeshConfig, MeshMode, read_mesh_config
from kubeflow_devtools.policy.mesh.inject import Admitted, admit
from kubeflow_devtools.policy.mesh.rules import (
    MeshProblem,
    install_problems,
    pod_ambient_conflict,
    pod_problems,
)
from kubeflow_devtools.policy.namespaces import Namespaces, collect_namespaces
from kubeflow_devtools.policy.origins import OriginResolver
from kubeflow_devtools.policy.podspecs import PodSpec, find_pod_specs
from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss._util import visit_containers
from kubeflow_devtools.policy.resources import Resource, format_path, locate, resources_of
from kubeflow_devtools.policy.sources import FileSource, Source, expand_paths, open_source
from kubeflow_devtools.policy.waivers import (
    DEFAULT_WAIVERS,
    WAIVE_ANNOTATION,
    Waiver,
    annotation_waiver,
    first_match,
)

SKIPPED_WITHOUT_PARSING = frozenset({"CustomResourceDefinition"})
"""Kinds whose documents are counted but never built: they cannot hold a pod spec."""


@dataclass(frozen=True)
class Options:
    """What to check and what to assume.

    ``level``/``version``: the Pod Security Standards level and policy version (``None``:
    latest). ``mesh``: what to assume about Istio (``auto``: what the input says).
    ``namespace_labels``: labels of namespaces defined outside the input. ``waivers``: the
    waivers in force (the built-in node-agent waivers by default).
    """

    level: Level = Level.RESTRICTED
    version: int | None = None
    mesh: MeshMode = MeshMode.AUTO
    namespace_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = DEFAULT_WAIVERS
    fail_on: str = "error"
    baseline: Counter[tuple[str, str, str, str, str]] | None = None
    today: date = field(default_factory=date.today)
    schema_version: str | None = None
    """``--schema``: the Kubernetes version (``1.N``) to validate objects against; ``None``: off."""


@dataclass(frozen=True)
class Finding:
    """One problem in one resource: the JSON report's ``findings[]`` entry."""

    rule: str
    level: str
    severity: str
    kind: str
    api_version: str
    namespace: str | None
    name: str
    container: str | None
    path: str
    pod_path: str | None
    message: str
    file: str | None
    line: int | None
    found_by: str | None
    injected: bool = False
    waived: bool = False
    waiver_reason: str | None = None
    baselined: bool = False

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies a finding across runs (baselines, diffs): not its line."""
        return (self.rule, self.kind, self.namespace or "", self.name, self.container or "")

    @property
    def fails(self) -> bool:
        """Whether this finding counts against the run (not waived, not in the baseline)."""
        return not self.waived and not self.baselined

    def to_json(self) -> dict[str, Any]:
        """The finding as the JSON contract's object."""
        return {
            "rule": self.rule,
            "level": self.level,
            "severity": self.severity,
            "kind": self.kind,
            "apiVersion": self.api_version,
            "namespace": self.namespace,
            "name": self.name,
            "container": self.container,
            "path": self.path,
            "podPath": self.pod_path,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "foundBy": self.found_by,
            "injected": self.injected,
            "waived": self.waived,
            "waiverReason": self.waiver_reason,
            "baselined": self.baselined,
        }


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


@dataclass
class Report:
    """The result of a scan: findings, counts, input errors, and what was checked."""

    options: Options
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    mesh: MeshConfig = field(default_factory=MeshConfig)
    namespaces: Namespaces = field(default_factory=Namespaces)
    summary: Summary = field(default_factory=Summary)
    origins: OriginResolver = field(default_factory=OriginResolver)

    @property
    def pod_specs(self) -> list[PodSpec]:
        """Every pod spec found, as written."""
        return [w.admitted.pod for w in self.workloads]

    def namespace_summaries(self) -> list[NamespaceSummary]:
        """One row per namespace with workloads (cluster-scoped ones under ``(cluster)``)."""
        groups: dict[str, list[Workload]] = {}
        for workload in self.workloads:
            resource = workload.admitted.pod.resource
            groups.setdefault(resource.namespace or "(cluster)", []).append(workload)
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


SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}
FAIL_ON = {"error": 2, "warning": 1, "never": 3}


def fails_run(finding: Finding, fail_on: str = "error") -> bool:
    """Whether ``finding`` fails the run: not waived or baselined, and severe enough."""
    return finding.fails and SEVERITY_RANK.get(finding.severity, 2) >= FAIL_ON[fail_on]


def scan(paths: Iterable[str], options: Options | None = None) -> Report:
    """Read every path (files, folders, kustomizations, ``-`` for stdin) and check it all."""
    report = Report(options or Options())
    for item in expand_paths(list(paths)):
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        try:
            load_source(open_source(item), report)
        except InputError as exc:  # unreadable, binary or not UTF-8: the rest of it is not read
            report.errors.append(exc)
    analyze(report)
    return report


def scan_text(name: str, text: str, options: Options | None = None) -> Report:
    """Check one YAML/JSON text, as if read from a file called ``name``."""
    report = Report(options or Options())
    load_source(Source(name, text), report)
    analyze(report)
    return report


def load_source(source: Source | FileSource, report: Report) -> None:
    """Phase 1: add the resources of one source to ``report`` (errors for broken documents)."""
    report.summary.files += 1
    for chunk in source.chunks():
        report.summary.documents += 1
        if peek_kind(chunk.text) in SKIPPED_WITHOUT_PARSING:
            report.summary.resources += 1
            continue
        try:
            document = parse_chunk(source.name, chunk)
        except InputError as exc:
            report.errors.append(exc)
            continue
        resources = list(resources_of(document))
        if not resources:
            report.summary.non_objects += 1
        report.summary.resources += len(resources)
        report.resources.extend(resources)


def analyze(report: Report) -> None:
    """Phase 2: read the mesh and namespaces, then admit and check every pod spec."""
    options = report.options
    report.mesh = read_mesh_config(report.resources, options.mesh)
    report.namespaces = collect_namespaces(report.resources, options.namespace_labels)
    active = tuple(w for w in options.waivers if not w.expired(options.today))
    usage: Counter[Waiver] = Counter()
    declared: list[Waiver] = [w for w in options.waivers if w.source != "built-in"]
    findings: list[Finding] = []
    for resource in report.resources:
        try:
            own = resource_waivers(resource)
        except InputError as exc:
            report.errors.append(exc)
            own = []
        declared += own
        try:
            for workload in check_resource(resource, report, (*own, *active), usage):
                report.workloads.append(workload)
                findings.extend(workload.findings)
        except Exception as exc:  # a bug must not hide the other resources' findings
            where = f"{resource.kind} {resource.name}"
            report.errors.append(
                InputError(
                    resource.file, resource.line, f"internal error checking {where}: {exc!r}"
                )
            )
    injected_any = any(w.admitted.injected for w in report.workloads)
    for problem in install_problems(report.mesh, report.namespaces, injected_any):
        findings.append(_waive(mesh_finding(problem, origins=report.origins), active, usage))
    if options.schema_version is not None:
        from kubeflow_devtools.policy.schema import check_schemas

        checked = check_schemas(report.resources, options.schema_version, report.origins)
        findings += [_waive(f, active, usage) for f in checked.findings]
        report.errors += checked.errors
        report.summary.schema_skipped = checked.skipped
    findings += waiver_findings(declared, usage, options.today)
    if options.baseline is not None:
        from kubeflow_devtools.policy.baseline import apply_baseline

        findings = apply_baseline(findings, options.baseline)
    report.findings = findings
    s = report.summary
    s.pod_specs = len(report.workloads)
    s.containers = sum(
        sum(1 for _ in visit_containers(w.admitted.pod.spec)) - len(w.admitted.injected)
        for w in report.workloads
    )
    s.injected_pods = sum(1 for w in report.workloads if w.admitted.injected)
    s.findings = len(findings)
    s.failing = sum(1 for f in findings if fails_run(f, options.fail_on))
    s.waived = sum(1 for f in findings if f.waived)
    s.errors = len(report.errors)


def resource_waivers(resource: Resource) -> list[Waiver]:
    """The waivers an object declares with its waive annotation (object or pod template)."""
    waivers = []
    places: list[tuple[Any, tuple[str | int, ...]]] = [
        (resource.obj.get("metadata"), ("metadata",))
    ]
    for pod in find_pod_specs(resource):
        if pod.metadata_path is not None:
            places.append((pod.metadata, pod.metadata_path))
    for metadata, path in places:
        annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
        if isinstance(annotations, Mapping) and WAIVE_ANNOTATION in annotations:
            line = locate(resource.root, (*resource.base, *path, "annotations", WAIVE_ANNOTATION))
            waivers.append(
                annotation_waiver(
                    annotations[WAIVE_ANNOTATION],
                    file=resource.file,
                    line=line,
                    kind=resource.kind,
                    namespace=resource.namespace,
                    name=resource.name,
                )
            )
    return waivers


def waiver_findings(
    waivers: Iterable[Waiver], usage: Counter[Waiver], today: date
) -> list[Finding]:
    """``waiverExpired`` for expired waivers, ``waiverUnused`` for those that matched nothing."""
    from kubeflow_devtools.policy.rules import WAIVER_EXPIRED, WAIVER_UNUSED

    out = []
    for waiver in waivers:
        if waiver.expired(today):
            rule, message = WAIVER_EXPIRED, f"waiver expired on {waiver.expires}: {waiver.reason}"
        elif usage[waiver] == 0:
            rule, message = WAIVER_UNUSED, f"waiver matches no finding: {waiver.reason}"
        else:
            continue
        out.append(
            Finding(
                rule=rule.id,
                level=rule.level,
                severity=rule.severity,
                kind="Waiver",
                api_version="",
                namespace=waiver.namespace,
                name=waiver.describe(),
                container=waiver.container,
                path="",
                pod_path=None,
                message=message,
                file=waiver.file,
                line=waiver.line,
                found_by=waiver.source,
            )
        )
    return out


def check_resource(
    resource: Resource,
    report: Report,
    waivers: Iterable[Waiver] = (),
    usage: Counter[Waiver] | None = None,
) -> list[Workload]:
    """Admit and check each pod spec of one resource; apply ``waivers`` (counting their use)."""
    waivers = tuple(waivers)
    workloads = []
    for pod in find_pod_specs(resource):
        admitted = admit(pod, report.namespaces, report.mesh)
        findings = check_pod(admitted, report.options, report.origins)
        for problem in pod_problems(admitted, report.namespaces):
            findings.append(mesh_finding(problem, admitted.pod, report.origins))
        for problem in pod_ambient_conflict(admitted):
            findings.append(mesh_finding(problem, admitted.pod, report.origins))
        waived = tuple(_waive(f, waivers, usage) for f in findings)
        workloads.append(Workload(admitted, waived))
    return workloads


def _waive(finding: Finding, waivers: Iterable[Waiver], usage: Counter[Waiver] | None) -> Finding:
    waiver = first_match(finding, waivers)
    if waiver is None:
        return finding
    if usage is not None:
        usage[waiver] += 1
    return replace(finding, waived=True, waiver_reason=waiver.reason)


def where(
    resource: Resource, relative: tuple[str | int, ...], origins: OriginResolver | None
) -> tuple[str, int | None]:
    """The file and line of a field: in the source file its origin annotation names, if any,
    else in the input."""
    if origins is not None:
        source = origins.locate(resource, relative)
        if source is not None:
            return source
    return resource.file, locate(resource.root, (*resource.base, *relative))


def check_pod(
    admitted: Admitted, options: Options, origins: OriginResolver | None = None
) -> list[Finding]:
    """Run the Pod Security checks for ``options`` on one admitted pod."""
    pod = admitted.pod
    resource = pod.resource
    injected = {(list_name, index) for list_name, index, _ in admitted.injected}
    findings = []
    for check, violation in evaluate_pod(pod.metadata, pod.spec, options.level, options.version):
        relative = pod.field_path(violation.field, violation.root)
        from_mesh = violation.root == "spec" and tuple(violation.field[:2]) in injected
        file, line = where(resource, relative, origins)
        findings.append(
            Finding(
                rule=check.id,
                level=check.level.value,
                severity="error",
                kind=resource.kind,
                api_version=resource.api_version,
                namespace=resource.namespace,
                name=resource.name,
                container=violation.container,
                path=format_path(relative),
                pod_path=format_path(pod.path),
                message=violation.message + (" (injected by the mesh)" if from_mesh else ""),
                file=file,
                line=line,
                found_by=pod.found_by,
                injected=from_mesh,
            )
        )
    return findings


def mesh_finding(
    problem: MeshProblem, pod: PodSpec | None = None, origins: OriginResolver | None = None
) -> Finding:
    """A mesh rule's problem as a report finding."""
    resource = problem.resource
    path = format_path(problem.path)
    file, line = where(resource, problem.path, origins) if resource else (None, None)
    return Finding(
        rule=problem.rule.id,
        level="mesh",
        severity=problem.effective_severity,
        kind=resource.kind if resource else "Mesh",
        api_version=resource.api_version if resource else "",
        namespace=resource.namespace if resource else None,
        name=resource.name if resource else "istio",
        container=problem.container,
        path=path,
        pod_path=format_path(pod.path) if pod else None,
        message=problem.message,
        file=file,
        line=line,
        found_by=pod.found_by if pod else None,
        injected=problem.container is not None and pod is not None and problem.path == pod.path,
    )
