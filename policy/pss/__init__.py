"""Pod Security Standards: the checks of Kubernetes' Pod Security Admission, in Python.

Importing this package registers every check (:mod:`~kubeflow_devtools.policy.pss.checks`);
:func:`evaluate_pod` runs those of a level and policy version on one pod.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubeflow_devtools.policy.pss import checks
from kubeflow_devtools.policy.pss.registry import (
    Check,
    Level,
    VersionedCheck,
    Violation,
    all_checks,
    checks_for,
    get_check,
    max_minor,
    parse_version,
)

__all__ = [
    "Check",
    "Evaluate",
    "Level",
    "Memo",
    "VersionedCheck",
    "Violation",
    "all_checks",
    "checks",
    "checks_for",
    "evaluate_pod",
    "get_check",
    "max_minor",
    "parse_version",
]


def evaluate_pod(
    metadata: Mapping[str, Any],
    spec: Mapping[str, Any],
    level: Level = Level.RESTRICTED,
    minor: int | None = None,
) -> list[tuple[Check, Violation]]:
    """Run every check of ``level`` at policy ``v1.<minor>`` (``None``: latest) on one pod.

    Returns ``(check, violation)`` pairs in PSA's check order; empty when the pod is allowed.
    """
    results: list[tuple[Check, Violation]] = []
    for check, versioned in checks_for(level, minor):
        results.extend((check, v) for v in versioned.check_pod(metadata, spec))
    return results


Evaluate = Callable[
    [Mapping[str, Any], Mapping[str, Any], Level, "int | None"], list[tuple[Check, Violation]]
]
"""A function with :func:`evaluate_pod`'s signature (``Memo`` is one)."""


class Memo:
    """:func:`evaluate_pod` remembered per pod object, level and version.

    For pods that are shared, never changed, and checked several times (a run-time pod put
    in several namespaces, judged at each level). It keeps the pods it has seen alive, so an
    object's identity is never reused while it is remembered.
    """

    def __init__(self) -> None:
        """An empty memo."""
        self._seen: dict[
            tuple[int, int, Level, int | None],
            tuple[Mapping[str, Any], Mapping[str, Any], list[tuple[Check, Violation]]],
        ] = {}

    def __call__(
        self,
        metadata: Mapping[str, Any],
        spec: Mapping[str, Any],
        level: Level = Level.RESTRICTED,
        minor: int | None = None,
    ) -> list[tuple[Check, Violation]]:
        """:func:`evaluate_pod` of the pod, computed once."""
        key = (id(metadata), id(spec), level, minor)
        found = self._seen.get(key)
        if found is None:
            found = (metadata, spec, evaluate_pod(metadata, spec, level, minor))
            self._seen[key] = found
        return found[2]
