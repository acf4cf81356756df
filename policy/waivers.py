"""Waivers: findings that are known and accepted. Waived findings stay in every report.

The built-in list waives the mesh's node agents, which need root, host paths and extra
capabilities by design: ``istio-cni-node`` (the CNI plugin's DaemonSet) and ``ztunnel``
(ambient mode's DaemonSet). ``--no-default-waivers`` turns the list off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol


class Waivable(Protocol):
    """What a waiver matches on (a finding)."""

    @property
    def rule(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def container(self) -> str | None: ...


@dataclass(frozen=True)
class Waiver:
    """Waives findings matching every field given (shell-style patterns; ``None``: any)."""

    reason: str
    rules: tuple[str, ...] = ("*",)
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    container: str | None = None
    source: str = "built-in"

    def matches(self, finding: Waivable) -> bool:
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


def first_match(finding: Waivable, waivers: Iterable[Waiver]) -> Waiver | None:
    """The first waiver that covers ``finding``, if any."""
    return next((w for w in waivers if w.matches(finding)), None)
