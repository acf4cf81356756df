"""The scan: sources -> documents -> resources -> pod specs -> checks -> findings -> report.

:func:`scan` is the library entry point the CLI and tests call. Bad input never stops the
scan: each unreadable file or broken document becomes an :class:`InputError` in the report
and the rest is still checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from policy.documents import parse_chunk, peek_kind, split_documents
from policy.errors import InputError
from policy.podspecs import PodSpec, find_pod_specs
from policy.pss import Level, evaluate_pod
from policy.pss._util import visit_containers
from policy.resources import Resource, format_path, locate, resources_of
from policy.sources import Source, expand_paths, read_source

SKIPPED_WITHOUT_PARSING = frozenset({"CustomResourceDefinition"})
"""Kinds whose documents are counted but never built: they cannot hold a pod spec."""


@dataclass(frozen=True)
class Options:
    """What to check: the Pod Security Standards level and policy version (``None``: latest)."""

    level: Level = Level.RESTRICTED
    version: int | None = None


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
    pod_path: str
    message: str
    file: str
    line: int | None
    found_by: str
    injected: bool = False
    waived: bool = False

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
    findings: int = 0
    failing: int = 0
    errors: int = 0


@dataclass
class Report:
    """The result of a scan: findings, counts, input errors, and what was checked."""

    options: Options
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    pod_specs: list[PodSpec] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    @property
    def failed(self) -> bool:
        """Whether any finding fails the run (an unwaived error)."""
        return any(f.severity == "error" and not f.waived for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 failing findings, 2 input errors."""
        if self.errors:
            return 2
        return 1 if self.failed else 0


def scan(paths: Iterable[str], options: Options | None = None) -> Report:
    """Read every path (files, folders, ``-`` for stdin) and check every pod spec found."""
    report = Report(options or Options())
    for item in expand_paths(list(paths)):
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        try:
            source = read_source(item)
        except InputError as exc:
            report.errors.append(exc)
            continue
        scan_source(source, report)
    report.summary.errors = len(report.errors)
    return report


def scan_text(name: str, text: str, options: Options | None = None) -> Report:
    """Check one YAML/JSON text, as if read from a file called ``name``."""
    report = Report(options or Options())
    scan_source(Source(name, text), report)
    report.summary.errors = len(report.errors)
    return report


def scan_source(source: Source, report: Report) -> None:
    """Add the findings of one source to ``report``."""
    report.summary.files += 1
    for chunk in split_documents(source.text):
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
        for resource in resources:
            report.summary.resources += 1
            try:
                check_resource(resource, report)
            except Exception as exc:  # a bug must not hide the other resources' findings
                where = f"{resource.kind} {resource.name}"
                report.errors.append(
                    InputError(
                        source.name, resource.line, f"internal error checking {where}: {exc!r}"
                    )
                )


def check_resource(resource: Resource, report: Report) -> None:
    """Find the pod specs of one resource and check each of them."""
    for pod in find_pod_specs(resource):
        report.pod_specs.append(pod)
        report.summary.pod_specs += 1
        report.summary.containers += sum(1 for _ in visit_containers(pod.spec))
        for finding in check_pod(pod, report.options):
            report.findings.append(finding)
            report.summary.findings += 1
            if finding.severity == "error":
                report.summary.failing += 1


def check_pod(pod: PodSpec, options: Options, *, injected: bool = False) -> list[Finding]:
    """Run the Pod Security checks for ``options`` on one pod spec."""
    resource = pod.resource
    findings = []
    for check, violation in evaluate_pod(pod.metadata, pod.spec, options.level, options.version):
        relative = pod.field_path(violation.field, violation.root)
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
                message=violation.message,
                file=resource.file,
                line=locate(resource.root, (*resource.base, *relative)),
                found_by=pod.found_by,
                injected=injected,
            )
        )
    return findings
