"""Conformance: every Pod Security Admission test vector gets PSA's verdict.

The vectors live outside this repository, in ``../shared/conformance/pod-security-admission`` (see
its README) or, with ``PSA_VECTORS`` set, in a checkout of kubernetes/pod-security-admission
(``test/testdata``, the same layout): ``<level>/<version>/{pass,fail}/<check><n>.yaml``. A ``pass``
pod must get no violation at that level and version, a ``fail`` pod at least one.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeflow_devtools.policy.pss import Level, evaluate_pod, parse_version

VECTORS_ENV = "PSA_VECTORS"
"""Set it to a ``test/testdata`` folder of kubernetes/pod-security-admission (CI does): the
vectors are then required, never skipped."""

VECTORS = Path(
    os.environ.get(VECTORS_ENV)
    or Path(__file__).resolve().parents[2].parent
    / "shared"
    / "conformance"
    / "pod-security-admission"
)

if not (VECTORS / "README.md").is_file():
    if os.environ.get(VECTORS_ENV):
        raise RuntimeError(f"{VECTORS_ENV}={VECTORS}: no PSA test vectors there")
    pytest.skip(
        f"PSA conformance vectors not found at {VECTORS} (the shared checkout is missing)",
        allow_module_level=True,
    )

FILES = sorted(VECTORS.glob("*/v1.*/*/*.yaml"))
NEWEST_VECTORS = max(parse_version(p.parts[-3]) or 0 for p in FILES)


@cache
def load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pod's metadata and spec."""
    pod = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return pod.get("metadata") or {}, pod.get("spec") or {}


def describe(path: Path) -> str:
    """The vector's path relative to the vectors directory, for test ids and messages."""
    return path.relative_to(VECTORS).as_posix()


def check_verdict(path: Path, level: Level, minor: int | None, expect_pass: bool) -> None:
    """Assert the verdict of ``evaluate_pod`` for one vector."""
    metadata, spec = load(path)
    violations = evaluate_pod(metadata, spec, level, minor)
    version = "latest" if minor is None else f"v1.{minor}"
    if expect_pass:
        assert not violations, (
            f"{describe(path)} must pass {level.value}:{version}, got "
            + "; ".join(f"{c.id}: {v.message}" for c, v in violations)
        )
    else:
        assert violations, f"{describe(path)} must fail {level.value}:{version}, but passed"


def test_vectors_are_there() -> None:
    """The vector set is the one the README describes (both levels, v1.0 to v1.37)."""
    assert len(FILES) > 3900
    levels = {p.parts[-4] for p in FILES}
    assert levels == {"baseline", "restricted"}
    assert NEWEST_VECTORS == 37
    assert {p.parts[-2] for p in FILES} == {"pass", "fail"}


@pytest.mark.parametrize("path", FILES, ids=describe)
def test_vector(path: Path) -> None:
    """Each vector gets its verdict at its own level and version."""
    level, version, verdict = path.parts[-4:-1]
    check_verdict(path, Level(level), parse_version(version), verdict == "pass")


def relaxed_from_v1_35(path: Path) -> bool:
    """Whether a newer policy version legitimately turns this failing vector into a pass.

    From v1.35 the baseline ``procMount`` check allows any ``procMount`` for a pod in a user
    namespace (``hostUsers: false``); the restricted level keeps forbidding it
    (``procMount_restricted``).
    """
    level, _version, verdict = path.parts[-4:-1]
    _metadata, spec = load(path)
    return (
        level == "baseline"
        and verdict == "fail"
        and spec.get("hostUsers") is False
        and path.name.startswith("procmount")
    )


NEWEST = [p for p in FILES if p.parts[-3] == f"v1.{NEWEST_VECTORS}"]
BEFORE_RELAXATION = [p for p in FILES if p.parts[-3] == "v1.34"]


@pytest.mark.parametrize("path", NEWEST, ids=describe)
def test_newest_vectors_at_latest(path: Path) -> None:
    """The newest vectors keep their verdict at ``latest``: it is the newest policy."""
    level, _version, verdict = path.parts[-4:-1]
    check_verdict(path, Level(level), None, verdict == "pass")


def test_latest_exceptions_are_real() -> None:
    """The v1.35 relaxation: the v1.34 vectors it turns into a pass fail at v1.34 and at
    restricted latest, and pass at baseline v1.35 and latest."""
    relaxed = [p for p in BEFORE_RELAXATION if relaxed_from_v1_35(p)]
    assert relaxed, "expected v1.34 baseline procMount vectors with hostUsers: false"
    for path in relaxed:
        check_verdict(path, Level.BASELINE, 34, expect_pass=False)
        check_verdict(path, Level.BASELINE, 35, expect_pass=True)
        check_verdict(path, Level.BASELINE, None, expect_pass=True)
        check_verdict(path, Level.RESTRICTED, None, expect_pass=False)
