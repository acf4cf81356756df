"""Pod Security Standards: the checks of Kubernetes' Pod Security Admission, in Python.

Importing this package registers every check (:mod:`~kubeflow_devtools.policy.pss.checks`);
:func:`evaluate_pod` runs those of a level and policy version on one pod.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "Level",
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
