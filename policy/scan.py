"""The scan: sources -> documents -> resources -> pod specs -> (mesh) -> checks -> findings.

:func:`scan` is the library entry point the CLI and tests call. It works in two phases:
first every input is read into resources (the mesh's configuration and the namespaces can be
anywhere in the input), then every pod spec is admitted (with the sidecars the mesh would
inject) and checked. Bad input never stops the scan: each unreadable file or broken document
becomes an :class:`InputError` in the report and the rest is still checked.

What it reads and fills in is the data model (:mod:`kubeflow_devtools.policy.model`): the scan
is the only module that runs every stage, and nothing of the model or the reports imports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from kubeflow_devtools.policy.baseline import apply_baseline
from kubeflow_devtools.policy.documents import (
    check_chunk,
    parse_chunk,
    peek_group_kind,
    peek_kind,
)
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.mesh.config import read_mesh_config
from kubeflow_devtools.policy.mesh.inject import admit
from kubeflow_devtools.policy.mesh.rules import (
    MeshProblem,
    install_problems,
    pod_ambient_conflict,
    pod_problems,
)
from kubeflow_devtools.policy.model.findings import Finding, Named, fails_run
from kubeflow_devtools.policy.model.mesh import Admitted, MeshConfig, MeshMode
from kubeflow_devtools.policy.model.objects import PodSpec, Resource, format_path
from kubeflow_devtools.policy.model.report import Options, Report, Workload
from kubeflow_devtools.policy.model.runtime import Runtime, RuntimePod
from kubeflow_devtools.policy.model.waivers import Waiver, first_match
from kubeflow_devtools.policy.namespaces import collect_namespaces
from kubeflow_devtools.policy.origins import OriginResolver, where
from kubeflow_devtools.policy.podspecs import find_pod_specs
from kubeflow_devtools.policy.pss import Evaluate, Memo, evaluate_pod, max_minor
from kubeflow_devtools.policy.pss._util import visit_containers
from kubeflow_devtools.policy.resources import locate, resources_of
from kubeflow_devtools.policy.rules import WAIVER_EXPIRED, WAIVER_UNUSED, all_rules, pss_rule
from kubeflow_devtools.policy.runtime import Prediction, predict
from kubeflow_devtools.policy.runtime.answers import answers
from kubeflow_devtools.policy.scopes import cluster_kinds, crd_scope
from kubeflow_devtools.policy.sources import FileSource, Source, expand_paths, open_source
from kubeflow_devtools.policy.waivers import WAIVE_ANNOTATION, annotation_waiver

SKIPPED_WITHOUT_PARSING = frozenset({"CustomResourceDefinition"})
"""Kinds whose documents are counted but never built: they cannot hold a pod spec."""

UNREAD_GROUPS = frozenset(
    {
        "rbac.authorization.k8s.io",
        "networking.k8s.io",
        "policy",
        "autoscaling",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "coordination.k8s.io",
        "certificates.k8s.io",
        "discovery.k8s.io",
        "cert-manager.io",
        "networking.istio.io",
        "security.istio.io",
    }
)
"""API groups none of whose objects any check reads: no pod spec in them (see
:data:`~kubeflow_devtools.policy.podspecs.NEVER_POD_GROUPS`), no configuration the mesh or
the run-time prediction reads (those read Namespaces, ConfigMaps, Nodes, workloads, the
injection webhook, Profiles, PodDefaults and the cluster runtimes)."""

UNREAD_KINDS = frozenset(
    {
        ("", "Service"),
        ("", "ServiceAccount"),
        ("", "Secret"),
        ("", "PersistentVolumeClaim"),
        ("", "Endpoints"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    }
)
"""Kinds of other groups that no check reads."""


def unread(text: str) -> bool:
    """Whether a document is, by its top-level ``apiVersion`` and ``kind`` lines, an object no
    check reads (RBAC, Services, network and mesh policies...: half of a Kubeflow render's
    YAML nodes). A plain run checks that such documents are well-formed YAML (in C, nothing
    built) and counts them."""
    found = peek_group_kind(text)
    return found is not None and (found[0] in UNREAD_GROUPS or found in UNREAD_KINDS)


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


def load_source(source: Source | FileSource, report: Report, *, every_object: bool = False) -> None:
    """Phase 1: add the resources of one source to ``report`` (errors for broken documents).

    Objects no check reads (:func:`unread`) are checked for well-formed YAML and counted but
    not built, unless ``every_object`` is asked for (a repository run looks for duplicates) or
    schema validation is on.
    """
    report.summary.files += 1
    skip_unread = not every_object and report.options.schema_version is None
    for chunk in source.chunks():
        report.summary.documents += 1
        if peek_kind(chunk.text) in SKIPPED_WITHOUT_PARSING:
            report.summary.resources += 1
            report.cluster_kinds |= cluster_kinds(filter(None, [crd_scope(chunk.text)]))
            continue
        if skip_unread and unread(chunk.text):
            try:
                check_chunk(source.name, chunk)
            except InputError as exc:
                report.errors.append(exc)
                continue
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


def analyze(
    report: Report,
    origins: OriginResolver | None = None,
    assumed_mesh: MeshConfig | None = None,
    *,
    config_waiver_findings: bool = True,
) -> Counter[Waiver]:
    """Phase 2: read the mesh and namespaces, then admit and check every pod spec.

    ``origins`` locates fields in the sources of a kustomize build; ``assumed_mesh`` is the
    mesh to assume when the input has no Istio configuration of its own. Without
    ``config_waiver_findings`` the configuration's unused or expired waivers are left to the
    caller (a repository run counts their use over every root). Returns each waiver's use.
    """
    options = report.options
    origins = origins or OriginResolver()
    report.rules = tuple(all_rules())
    report.warnings.extend(version_warnings(options))
    report.mesh = read_mesh_config(report.resources, options.mesh, options.kubernetes_version)
    if assumed_mesh is not None and not report.mesh.present and options.mesh == MeshMode.AUTO:
        report.mesh = assumed_mesh
    else:
        report.errors.extend(report.mesh.errors)
    report.namespaces = collect_namespaces(report.resources, options.namespace_labels)
    prediction = predict(
        report.resources, report.namespaces, options.namespace_labels, pods=options.runtime
    )
    report.errors.extend(prediction.errors)
    active = tuple(w for w in options.waivers if not w.expired(options.today))
    usage: Counter[Waiver] = Counter()
    declared: list[Waiver] = [
        w for w in options.waivers if w.source != "built-in" and config_waiver_findings
    ]
    findings: list[Finding] = []
    for resource in report.resources:
        pods: list[PodSpec] | None = None
        try:
            pods = find_pod_specs(resource)
            own = resource_waivers(resource, pods)
        except InputError as exc:
            report.errors.append(exc)
            own = []
        declared += own
        try:
            own_checked = check_resource(resource, report, (*own, *active), usage, origins, pods)
            for workload in own_checked:
                report.workloads.append(workload)
                findings.extend(workload.findings)
        except Exception as exc:  # a bug must not hide the other resources' findings
            where = f"{resource.kind} {resource.name}"
            report.errors.append(
                InputError(
                    resource.file, resource.line, f"internal error checking {where}: {exc!r}"
                )
            )
    if options.runtime and prediction.namespaces:
        report.runtime = check_runtime(prediction, report, active, usage)
        findings.extend(f for w in report.runtime_workloads for f in w.findings)
    injected_any = any(w.admitted.injected for w in report.workloads)
    for problem in install_problems(report.mesh, report.namespaces, injected_any):
        findings.append(_waive(mesh_finding(problem, origins=origins), active, usage))
    if options.schema_version is not None:
        from kubeflow_devtools.policy.schema import check_schemas  # off by default

        checked = check_schemas(report.resources, options.schema_version, origins)
        findings += [_waive(f, active, usage) for f in checked.findings]
        report.errors += checked.errors
        report.summary.schema_skipped = checked.skipped
    findings += waiver_findings(declared, usage, options.today)
    if options.baseline is not None:
        findings = apply_baseline(findings, options.baseline)
    report.findings = findings
    s = report.summary
    s.pod_specs = len(report.workloads)
    s.containers = sum(
        sum(1 for _ in visit_containers(w.admitted.pod.spec))
        - sum(1 for c in w.admitted.injected if c.declared is None)
        for w in report.workloads
    )
    s.injected_pods = sum(1 for w in report.workloads if w.admitted.injected)
    s.findings = len(findings)
    s.failing = sum(1 for f in findings if fails_run(f, options.fail_on))
    s.waived = sum(1 for f in findings if f.waived)
    s.errors = len(report.errors)
    return usage


def version_warnings(options: Options) -> list[str]:
    """A ``--pss-version`` newer than the newest policy the checks know is evaluated as that
    one, and the report says so."""
    newest = max_minor()
    if options.version is not None and options.version > newest:
        return [
            f"--pss-version v1.{options.version} is newer than v1.{newest}, the newest policy "
            f"this release knows: evaluated as v1.{newest}"
        ]
    return []


def resource_waivers(resource: Resource, pods: Sequence[PodSpec] | None = None) -> list[Waiver]:
    """The waivers an object declares with its waive annotation (object or pod template).

    ``pods`` are the object's pod specs when the caller has found them already.
    """
    waivers = []
    places: list[tuple[Any, tuple[str | int, ...]]] = [
        (resource.obj.get("metadata"), ("metadata",))
    ]
    for pod in find_pod_specs(resource) if pods is None else pods:
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
    out = []
    for waiver in waivers:
        if waiver.expired(today):
            rule, message = WAIVER_EXPIRED, f"waiver expired on {waiver.expires}: {waiver.reason}"
        elif usage[waiver] == 0:
            rule, message = WAIVER_UNUSED, f"waiver matches no finding: {waiver.reason}"
        else:
            continue
        out.append(
            Finding.of(
                rule,
                Named("Waiver", waiver.describe(), waiver.namespace),
                message,
                at=(waiver.file, waiver.line),
                container=waiver.container,
                found_by=waiver.source,
            )
        )
    return out


def check_resource(
    resource: Resource,
    report: Report,
    waivers: Iterable[Waiver] = (),
    usage: Counter[Waiver] | None = None,
    origins: OriginResolver | None = None,
    pods: Sequence[PodSpec] | None = None,
) -> list[Workload]:
    """Admit and check each pod spec of one resource; apply ``waivers`` (counting their use).

    With ``origins``, findings point at the source files of a kustomize render; ``pods`` are
    the resource's pod specs when the caller has found them already.
    """
    waivers = tuple(waivers)
    workloads = []
    for pod in find_pod_specs(resource) if pods is None else pods:
        admitted = admit(pod, report.namespaces, report.mesh)
        memo = Memo()  # the profile and the namespace's enforce level are often the same
        findings = check_pod(admitted, report.options, origins, memo)
        for problem in pod_problems(admitted, report.namespaces, memo):
            findings.append(mesh_finding(problem, admitted.pod, origins))
        for problem in pod_ambient_conflict(admitted):
            findings.append(mesh_finding(problem, admitted.pod, origins))
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


def check_pod(
    admitted: Admitted,
    options: Options,
    origins: OriginResolver | None = None,
    evaluate: Evaluate = evaluate_pod,
) -> list[Finding]:
    """Run the Pod Security checks for ``options`` on one admitted pod (with ``evaluate``:
    :func:`evaluate_pod`, or a memo of it)."""
    pod = admitted.pod
    resource = pod.resource
    injected = {(c.list_name, c.index) for c in admitted.injected if c.declared is None}
    findings = []
    for check, violation in evaluate(pod.metadata, pod.spec, options.level, options.version):
        relative = pod.field_path(violation.field, violation.root)
        from_mesh = violation.root == "spec" and tuple(violation.field[:2]) in injected
        findings.append(
            Finding.of(
                pss_rule(check),
                resource,
                violation.message + (" (injected by the mesh)" if from_mesh else ""),
                at=where(resource, relative, origins),
                path=format_path(relative),
                pod_path=format_path(pod.path),
                container=violation.container,
                found_by=pod.found_by,
                injected=from_mesh,
            )
        )
    return findings


MESH = Named("Mesh", "istio")
"""What an install-wide mesh finding (no resource to name) is about."""


def mesh_finding(
    problem: MeshProblem, pod: PodSpec | None = None, origins: OriginResolver | None = None
) -> Finding:
    """A mesh rule's problem as a report finding."""
    resource = problem.resource
    return Finding.of(
        problem.rule,
        resource or MESH,
        problem.message,
        at=where(resource, problem.path, origins) if resource else (None, None),
        path=format_path(problem.path),
        pod_path=format_path(pod.path) if pod else None,
        container=problem.container,
        found_by=pod.found_by if pod else None,
        injected=problem.container is not None and pod is not None and problem.path == pod.path,
        severity=problem.effective_severity,
    )


def check_runtime(
    prediction: Prediction,
    report: Report,
    waivers: Iterable[Waiver] = (),
    usage: Counter[Waiver] | None = None,
) -> Runtime:
    """Admit and check every run-time pod like any pod; sum the verdicts up per namespace.

    The findings are marked ``runtime`` with their component, creator and fixing switch, and
    point at the configuration that decided the pod. Pod Security findings at the chosen
    profile are warnings (the platform's code, not the input, writes these pods); a pod the
    namespace's own enforce level rejects is an error (``namespaceLevelViolation``).
    """
    waivers = tuple(waivers)
    # A template put in several namespaces with the same labels is admitted and checked once.
    seen: dict[tuple[str, str], tuple[Admitted, list[Finding]]] = {}
    memo = Memo()
    for pod, template in prediction.pods:
        resource = runtime_resource(pod)
        labels = report.namespaces.selector_labels(pod.namespace)
        labels.pop("kubernetes.io/metadata.name", None)
        # Keyed by content: the same pod from two templates is admitted once too.
        content = {k: v for k, v in pod.pod["metadata"].items() if k not in ("name", "namespace")}
        key = (
            repr(sorted(labels.items())),
            repr((content, pod.pod["spec"], template.after_mesh is not None)),
        )
        cached = seen.get(key)
        if cached is not None:
            admitted = replace(cached[0], pod=replace(cached[0].pod, resource=resource))
            findings = [replace(f, namespace=pod.namespace, name=resource.name) for f in cached[1]]
        else:
            admitted = admit(find_pod_specs(resource)[0], report.namespaces, report.mesh)
            if template.after_mesh is not None and admitted.injected:
                changed = template.after_mesh(admitted.pod.spec, admitted.pod.metadata)
                admitted = replace(admitted, pod=replace(admitted.pod, spec=changed))
            findings = check_pod(admitted, report.options, evaluate=memo)
            seen[key] = (admitted, findings)
        findings = [
            *findings,
            *(
                mesh_finding(p, admitted.pod)
                for p in pod_problems(admitted, report.namespaces, memo)
            ),
        ]
        marked = tuple(_waive(_mark(f, pod), waivers, usage) for f in findings)
        report.runtime_workloads.append(Workload(admitted, marked, runtime=pod))
    runtime = Runtime(
        namespaces=list(prediction.namespaces),
        versions=list(prediction.versions),
        pods=len(prediction.pods),
    )
    runtime.answers = answers(prediction.namespaces, report.runtime_workloads, report.options, memo)
    runtime.notes = [v.note for v in prediction.versions if v.note]
    report.warnings.extend(runtime.notes)
    return runtime


def runtime_resource(pod: RuntimePod) -> Resource:
    """A run-time pod as a resource: a ``Pod`` named ``component/name`` in its namespace, at
    the configuration that decided it."""
    return Resource(
        api_version="v1",
        kind="Pod",
        name=f"{pod.component}/{pod.name}",
        namespace=pod.namespace,
        obj=pod.pod,
        file=pod.file or "",
        document=0,
        line=pod.line or 0,
        root=pod.pod,
        base=(),
    )


def _mark(finding: Finding, pod: RuntimePod) -> Finding:
    """A finding about a run-time pod: marked, located at its configuration, with its fix."""
    fix = pod.fixes.get(finding.container or "")
    switch = fix.switch if fix is not None and finding.rule in fix.checks else None
    pss = finding.level in ("baseline", "restricted")
    return replace(
        finding,
        runtime=True,
        component="istio" if finding.injected else pod.component,
        found_by=pod.creator,
        file=pod.file,
        line=pod.line,
        path=pod.path,
        pod_path=None,
        fix=switch,
        severity="warning" if pss else finding.severity,
        message=finding.message + (f" (fix: {switch})" if switch else ""),
    )
