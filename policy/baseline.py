"""Baselines: a ratchet. Findings already in an earlier run's JSON report do not fail the run.

A finding matches a baseline entry by rule, kind, namespace, name and container, not by line,
so unrelated edits that move a manifest around do not turn old findings into new ones. Each
baseline entry absorbs one finding: two identical findings where the baseline had one leave
one new finding.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.scan import Finding

Key = tuple[str, str, str, str, str]


def finding_key(entry: dict[str, object]) -> Key:
    """The matching key of a JSON report's finding entry."""
    return (
        str(entry.get("rule") or ""),
        str(entry.get("kind") or ""),
        str(entry.get("namespace") or ""),
        str(entry.get("name") or ""),
        str(entry.get("container") or ""),
    )


def load_baseline(path: str) -> Counter[Key]:
    """The finding keys of a JSON report (``--format json``, version 1), with multiplicity.

    Raises :class:`InputError` for a file that is missing or is not such a report.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, None, f"cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, line, "baseline is not a JSON report") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InputError(path, None, "baseline is not a rootless-check JSON report (version 1)")
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise InputError(path, None, "baseline has no findings list")
    return Counter(finding_key(f) for f in findings if not f.get("waived"))


def apply_baseline(findings: Iterable[Finding], baseline: Counter[Key]) -> list[Finding]:
    """``findings`` with ``baselined`` set on those the baseline already has."""
    remaining = Counter(baseline)
    out = []
    for finding in findings:
        if not finding.waived and remaining[finding.key] > 0:
            remaining[finding.key] -= 1
            finding = replace(finding, baselined=True)
        out.append(finding)
    return out


def diff_findings(
    base: Iterable[Finding], head: Iterable[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """``(added, fixed)``: head findings the base lacks, and base findings the head lacks."""
    base_list = [f for f in base if not f.waived]
    head_list = [f for f in head if not f.waived]
    base_keys = Counter(f.key for f in base_list)
    head_keys = Counter(f.key for f in head_list)
    added = []
    for finding in head_list:
        if base_keys[finding.key] > 0:
            base_keys[finding.key] -= 1
        else:
            added.append(finding)
    fixed = []
    for finding in base_list:
        if head_keys[finding.key] > 0:
            head_keys[finding.key] -= 1
        else:
            fixed.append(finding)
    return added, fixed
