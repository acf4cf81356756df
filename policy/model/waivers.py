"""Waivers: which findings are known and accepted, until when; and the built-in ones.

:mod:`kubeflow_devtools.policy.waivers` reads them from the configuration file and from
objects' annotations; the scan marks the findings they match as waived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase

from kubeflow_devtools.policy.model.findings import Finding


@dataclass(frozen=True)
class Waiver:
    """Waives findings matching every field given (shell-style patterns; ``None``: any)."""

    reason: str
    rules: tuple[str, ...] = ("*",)
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    container: str | None = None
    expires: date | None = None
    source: str = "built-in"
    file: str | None = None
    line: int | None = None

    def expired(self, today: date) -> bool:
        """Whether the waiver's expiry date has passed (it lasts through that day)."""
        return self.expires is not None and self.expires < today

    def describe(self) -> str:
        """The waiver in a few words, for messages."""
        parts = [f"rules={','.join(self.rules)}"]
        for label, value in (
            ("kind", self.kind),
            ("namespace", self.namespace),
            ("name", self.name),
            ("container", self.container),
        ):
            if value is not None:
                parts.append(f"{label}={value}")
        return " ".join(parts)

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver covers ``finding``."""
        if not any(fnmatchcase(finding.rule, rule) for rule in self.rules):
            return False
        for pattern, value in (
            (self.kind, finding.kind),
            (self.namespace, finding.namespace),
            (self.name, finding.name),
            (self.container, finding.container),
        ):
            if pattern is not None and not fnmatchcase(value or "", pattern):
                return False
        return True


DEFAULT_WAIVERS = (
    Waiver(
        reason="Istio CNI node agent (istio-cni-node): configures pod networking on each node, "
        "needs root, host paths and NET_ADMIN by design (built-in waiver)",
        kind="DaemonSet",
        name="istio-cni-node",
    ),
    Waiver(
        reason="Istio ambient node agent (ztunnel): runs the node's secure overlay, needs root "
        "and NET_ADMIN by design (built-in waiver)",
        kind="DaemonSet",
        name="ztunnel",
    ),
)
"""The built-in waivers: the mesh's node agents, which need root by design."""


def first_match(finding: Finding, waivers: Iterable[Waiver]) -> Waiver | None:
    """The first waiver that covers ``finding``, if any."""
    return next((w for w in waivers if w.matches(finding)), None)


@dataclass(frozen=True)
class Exclusion:
    """Inputs not to check: a shell-style pattern over their paths, and why."""

    pattern: str
    reason: str
