"""Baselines: a ratchet (:mod:`kubeflow_devtools.ratchet`). Findings already in an earlier
run's JSON report do not fail the run.

A finding matches a baseline entry by rule, kind, namespace, name and container, not by line,
so unrelated edits that move a manifest around do not turn old findings into new ones. Each
baseline entry absorbs one finding: two identical findings where the baseline had one leave
one new finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.ratchet import absorbed, diff, load_entries

Key = tuple[str, ...]


def finding_key(entry: dict[str, object]) -> Key:
    """The matching key of a JSON report's finding entry (see :attr:`Finding.key`)."""
    key = tuple(str(entry.get(name) or "") for name in _KEY_FIELDS)
    return (*key, str(entry["input"])) if entry.get("input") else key


_KEY_FIELDS = ("rule", "kind", "namespace", "name", "container")


def load_baseline(path: str) -> Counter[Key]:
    """The finding keys of a JSON report (``--format json``, version 1), with multiplicity.

    Raises :class:`~kubeflow_devtools.errors.InputError` for a file that is missing or is not such a
    report.
    """
    findings = load_entries(path, tool="rootless-check", entries="findings")
    return Counter(finding_key(f) for f in findings if not f.get("waived"))


def apply_baseline(findings: Iterable[Finding], baseline: Counter[Key]) -> list[Finding]:
    """``findings`` with ``baselined`` set on those the baseline already has (never waived)."""
    findings = list(findings)
    hits = absorbed(findings, baseline, _key, eligible=lambda f: not f.waived)
    return [replace(f, baselined=True) if hit else f for f, hit in zip(findings, hits, strict=True)]


def diff_findings(
    base: Iterable[Finding], head: Iterable[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """``(added, fixed)``: head findings the base lacks, and base findings the head lacks."""
    return diff((f for f in base if not f.waived), (f for f in head if not f.waived), _key)


def _key(finding: Finding) -> Key:
    return finding.key
