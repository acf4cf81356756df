"""The platform as it runs: user namespaces and the pods Kubeflow's controllers create in them.

:func:`~kubeflow_devtools.policy.runtime.predict` fills these from the input (the ``Profile`` s,
the ``namespace-labels`` ConfigMap, each component's configuration); the scan admits and checks
every :class:`RuntimePod` like any other pod and sums the verdicts up in an :class:`Answer` per
user namespace. This module only describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NEW_PROFILE = "(new profile)"
"""The row of the namespace the profile controller would create for the next ``Profile``."""


@dataclass(frozen=True)
class UserNamespace:
    """A namespace the profile controller creates (or updates) for a ``Profile``.

    ``profile`` is the Profile's name (``None`` for the :data:`NEW_PROFILE` row), ``labels``
    and ``annotations`` what the controller leaves on it, ``file``/``line`` where the Profile
    (or the labels ConfigMap) is written.
    """

    name: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    profile: str | None
    file: str | None = None
    line: int | None = None

    @property
    def enforce(self) -> str:
        """The Pod Security enforce level (``privileged`` when unlabelled)."""
        return self.labels.get("pod-security.kubernetes.io/enforce", "privileged")


@dataclass(frozen=True)
class Fix:
    """A configuration switch that changes what a component creates, and where it is set."""

    switch: str
    checks: frozenset[str]
    """The Pod Security checks it fixes."""


@dataclass(frozen=True)
class RuntimePod:
    """A pod a component creates at run time, before the mutating webhooks Istio adds.

    ``pod`` is a whole ``Pod`` object (``metadata`` and ``spec``) for namespace ``namespace``;
    ``creator`` says what creates it; ``fixes`` maps a container name to the switch that
    fixes its findings; ``file``/``line`` locate the configuration that decided it.
    """

    component: str
    name: str
    namespace: str
    creator: str
    pod: Mapping[str, Any]
    file: str | None
    line: int | None
    path: str = ""
    """The field of that configuration (``data['katib-config.yaml']``, ``spec``)."""
    fixes: Mapping[str, Fix] = field(default_factory=dict)


@dataclass(frozen=True)
class ComponentVersion:
    """A component's version as read from its images, and the version whose behaviour is used."""

    component: str
    found: str | None
    modelled: str

    @property
    def exact(self) -> bool:
        """Whether the behaviour of the version found is the one modelled."""
        return self.found == self.modelled

    @property
    def note(self) -> str | None:
        """What the report says when the version found is not the one modelled."""
        if self.exact:
            return None
        found = self.found or "unknown"
        return (
            f"{self.component} {found} is not modelled: predicted as {self.modelled}, "
            "the nearest version modelled"
        )


@dataclass(frozen=True)
class Blocker:
    """One component that keeps a level from a namespace: its containers (each with the
    checks it fails and the switch to set, when a switch fixes it) and those switches."""

    component: str
    containers: tuple[str, ...]
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """Per user namespace: its enforce level and whether each level admits what runs there."""

    namespace: str
    enforce: str
    injection: bool
    baseline: tuple[Blocker, ...]
    restricted: tuple[Blocker, ...]
    admitted: bool
    """Whether every run-time pod passes the namespace's own enforce level."""

    def line(self) -> str:
        """The answer as one sentence (the first line of the text report per namespace)."""
        return (
            f"{self.namespace}: enforce {self.enforce}; "
            f"baseline: {describe(self.baseline)}; restricted: {describe(self.restricted)}"
        )


def describe(blockers: tuple[Blocker, ...]) -> str:
    """``ok``, or ``blocked by katib (metrics-collector, suggestion), ...``."""
    if not blockers:
        return "ok"
    parts = []
    for b in blockers:
        parts.append(f"{b.component} ({', '.join(b.containers)})")
    return "blocked by " + ", ".join(parts)


@dataclass
class Runtime:
    """What the scan predicted at run time: namespaces, versions, answers, notes."""

    namespaces: list[UserNamespace] = field(default_factory=list)
    versions: list[ComponentVersion] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    pods: int = 0
    notes: list[str] = field(default_factory=list)
