"""Rules and findings: what a scan reports, and which findings fail the run.

Every rule except the Pod Security checks is a :class:`RuleInfo` (the mesh rules, the waiver
rules, ``schema``); the Pod Security checks keep the shape of Kubernetes' Pod Security
Admission and are described as a :class:`RuleInfo` by
:func:`~kubeflow_devtools.policy.rules.pss_rule`. Every finding is made by :meth:`Finding.of`,
from a rule, what it is about and a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

DOCS_URL = "https://github.com/kubeflow/kubeflow-devtools/blob/main/docs/rules.md"
"""Where the generated rule reference lives; each rule links to its anchor there."""


@dataclass(frozen=True)
class RuleInfo:
    """What a report needs to know about a rule.

    ``level`` is the Pod Security level (``baseline``, ``restricted``) or the family of the
    rule (``mesh``, ``config``, ``schema``); ``severity`` ``error`` fails the run, ``warning``
    does not (unless ``--fail-on warning``); ``doc`` is the rule reference's text.
    """

    id: str
    level: str
    severity: str
    title: str
    doc: str
    versions: str = ""

    @property
    def help_uri(self) -> str:
        """The rule's section in the rule reference."""
        return f"{DOCS_URL}#{self.id.lower()}"

    @property
    def summary(self) -> str:
        """The first paragraph of the rule's documentation, on one line."""
        first = self.doc.strip().split("\n\n")[0] if self.doc.strip() else self.title
        return " ".join(first.split())


class Subject(Protocol):
    """What a finding is about: a resource of the input, or a :class:`Named` stand-in."""

    @property
    def kind(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Named:
    """A finding's subject that is no object of the input: the mesh as a whole, a waiver."""

    kind: str
    name: str
    namespace: str | None = None
    api_version: str = ""


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
    input: str | None = None
    """The repository input (kustomization root, chart, plain files) it was found in."""
    runtime: bool = False
    """About a pod a Kubeflow controller creates at run time (not written in the input)."""
    component: str | None = None
    """The Kubeflow component that creates that pod (``katib``, ``pipelines``, ...)."""
    fix: str | None = None
    """The configuration switch that fixes it, where one exists."""

    @classmethod
    def of(
        cls,
        rule: RuleInfo,
        subject: Subject,
        message: str,
        *,
        at: tuple[str | None, int | None] = (None, None),
        path: str = "",
        pod_path: str | None = None,
        container: str | None = None,
        found_by: str | None = None,
        injected: bool = False,
        severity: str | None = None,
        runtime: bool = False,
        component: str | None = None,
        fix: str | None = None,
    ) -> Finding:
        """A finding of ``rule`` about ``subject``: the one way every rule makes its findings.

        Args:
            rule: The rule that found it; gives the id, level and severity.
            subject: The resource (or stand-in) it is about; gives kind, apiVersion,
                namespace and name.
            message: What is wrong, in one sentence.
            at: The file and line to point at.
            path: The field, as ``spec.containers[0].image`` (``""``: the whole object).
            pod_path: Where the pod spec it concerns is in the resource, if any.
            container: The container it concerns, if any.
            found_by: How the pod spec (or the waiver) was found.
            injected: Whether it concerns a container the mesh injects.
            severity: This finding's severity, when it differs from the rule's.
            runtime: Whether it is about a pod a controller creates at run time.
            component: The component that creates that pod.
            fix: The configuration switch that fixes it, if any.

        Returns:
            The finding, neither waived nor baselined.
        """
        return cls(
            rule=rule.id,
            level=rule.level,
            severity=severity or rule.severity,
            kind=subject.kind,
            api_version=subject.api_version,
            namespace=subject.namespace,
            name=subject.name,
            container=container,
            path=path,
            pod_path=pod_path,
            message=message,
            file=at[0],
            line=at[1],
            found_by=found_by,
            injected=injected,
            runtime=runtime,
            component=component,
            fix=fix,
        )

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies a finding across runs (baselines, diffs): not its line.

        Rule, kind, namespace, name and container, and the input when the run had several
        (each kustomization root is a world of its own).
        """
        key = (self.rule, self.kind, self.namespace or "", self.name, self.container or "")
        return (*key, self.input) if self.input else key

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
            "input": self.input,
            "runtime": self.runtime,
            "component": self.component,
            "fix": self.fix,
        }


SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}
FAIL_ON = {"error": 2, "warning": 1, "never": 3}


def fails_run(finding: Finding, fail_on: str = "error") -> bool:
    """Whether ``finding`` fails the run: not waived or baselined, and severe enough."""
    return finding.fails and SEVERITY_RANK.get(finding.severity, 2) >= FAIL_ON[fail_on]
