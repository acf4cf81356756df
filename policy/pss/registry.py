"""The Pod Security Standards check registry, shaped like Kubernetes' Pod Security Admission.

Every check is a :class:`Check` with PSA's check id, its level and one or more
:class:`VersionedCheck` entries; each entry holds a pure function
``(pod metadata, pod spec) -> list[Violation]`` that applies from its minimum policy
version on. An empty list means the pod passes. :func:`checks_for` selects, for a level
and a policy version, the same set of functions PSA's registry would run, including the
overrides by which a restricted check replaces its baseline twin.

The registry imports only the standard library and never a check: each check module
registers itself when :mod:`kubeflow_devtools.policy.pss.checks` imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

FieldPath = tuple[str | int, ...]
"""A path into the pod: mapping keys and list indices, relative to the spec or metadata."""


class Level(str, Enum):
    """A Pod Security Standards level."""

    BASELINE = "baseline"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Violation:
    """One reason a pod fails a check.

    ``field`` locates the offending value (or, for a missing required value, where it
    belongs), relative to the pod spec (``root="spec"``) or the pod metadata
    (``root="metadata"``). ``container`` names the container it concerns, if any.
    """

    message: str
    container: str | None = None
    field: FieldPath = ()
    root: Literal["spec", "metadata"] = "spec"


CheckPodFn = Callable[[Mapping[str, Any], Mapping[str, Any]], list[Violation]]
"""A check function: ``(pod metadata, pod spec) -> violations`` (empty when allowed)."""


@dataclass(frozen=True)
class VersionedCheck:
    """One version of a check: the function that applies from policy ``v1.<minimum_version>``."""

    minimum_version: int
    check_pod: CheckPodFn
    override_check_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """A Pod Security Standards check, named by its Pod Security Admission id."""

    id: str
    level: Level
    title: str
    versions: tuple[VersionedCheck, ...]
    doc: str = ""


_REGISTRY: dict[str, Check] = {}
_SELECTED: dict[tuple[Level, int | None], list[tuple[Check, VersionedCheck]]] = {}
"""What :func:`checks_for` chose, per level and version (emptied when a check registers)."""


def register(check: Check) -> Check:
    """Add ``check`` to the registry (called once by each check module at import)."""
    if not check.versions:
        raise ValueError(f"check {check.id} has no versions")
    minimums = [v.minimum_version for v in check.versions]
    if minimums != sorted(set(minimums)):
        raise ValueError(f"check {check.id}: versions must be strictly increasing")
    if check.id in _REGISTRY and _REGISTRY[check.id] is not check:
        raise ValueError(f"check {check.id} registered twice")
    _REGISTRY[check.id] = check
    _SELECTED.clear()
    return check


def all_checks() -> list[Check]:
    """Every registered check, baseline first, each level sorted by id (PSA's order)."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.level != Level.BASELINE, c.id))


def get_check(check_id: str) -> Check:
    """The check with id ``check_id``; raises ``KeyError`` if there is none."""
    return _REGISTRY[check_id]


_VERSION_RE = re.compile(r"^v1\.(0|[1-9][0-9]*)$")


def parse_version(text: str) -> int | None:
    """Parse a policy version: ``"v1.N"`` gives ``N``, ``"latest"`` gives ``None``.

    Raises ``ValueError`` for anything else.
    """
    if text == "latest":
        return None
    match = _VERSION_RE.match(text)
    if not match:
        raise ValueError(f"invalid policy version {text!r}: expected 'latest' or 'v1.N'")
    return int(match.group(1))


def _active(check: Check, minor: int) -> VersionedCheck | None:
    """The newest version of ``check`` whose minimum is at or below ``minor``."""
    chosen: VersionedCheck | None = None
    for versioned in check.versions:
        if versioned.minimum_version <= minor:
            chosen = versioned
    return chosen


def max_minor() -> int:
    """The newest minimum version of any registered check (PSA's ``maxVersion``)."""
    return max(v.minimum_version for c in all_checks() for v in c.versions)


def checks_for(level: Level, minor: int | None) -> list[tuple[Check, VersionedCheck]]:
    """The checks PSA runs for ``level`` at policy version ``v1.<minor>`` (``None``: latest).

    Versions newer than the newest known rules evaluate as the newest. At the restricted
    level the baseline checks run too, except those a restricted check overrides. The list is
    computed once per level and version (it is the caller's to read, not to change).
    """
    chosen = _SELECTED.get((level, minor))
    if chosen is None:
        chosen = _SELECTED[(level, minor)] = _select(level, minor)
    return chosen


def _select(level: Level, minor: int | None) -> list[tuple[Check, VersionedCheck]]:
    newest = max_minor()
    effective = newest if minor is None or minor > newest else minor
    selected: list[tuple[Check, VersionedCheck]] = []
    overridden: set[str] = set()
    for check in all_checks():
        if level == Level.BASELINE and check.level != Level.BASELINE:
            continue
        versioned = _active(check, effective)
        if versioned is None:
            continue
        selected.append((check, versioned))
        if check.level == Level.RESTRICTED:
            overridden.update(versioned.override_check_ids)
    return [(c, v) for c, v in selected if not (c.level == Level.BASELINE and c.id in overridden)]
