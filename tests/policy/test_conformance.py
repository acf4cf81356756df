"""Conformance: every Pod Security Admission test vector gets PSA's verdict.

The vectors live outside this repository, in ``../shared/conformance/pod-security-admission`` (see
its README) or, with ``PSA_VECTORS`` set, in a checkout of kubernetes/pod-security-admission
(``test/testdata``, the same layout): ``<level>/<version>/{pass,fail}/<check><n>.yaml``. A ``pass``
pod must get no violation at that level and version; a ``fail`` pod must get a violation of
the check its file is named after (``runasnonroot`` is ``runAsNonRoot``), or, where the level
runs a restricted check in that check's place, of the check that overrides it
(``capabilities_baseline`` at restricted is ``capabilities_restricted``).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubeflow_devtools.policy.pss import Level, all_checks, checks_for, evaluate_pod, parse_version

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
    return "/".join(path.parts[-4:])


CHECK_IDS = {check.id.lower(): check.id for check in all_checks()}
"""A vector file's check prefix (``runasnonroot``) to its PSA check id (``runAsNonRoot``)."""


def named_check(path: Path) -> str:
    """The PSA check id a vector is named after (``hostports3.yaml``: ``hostPorts``)."""
    prefix = re.sub(r"\d+$", "", path.stem)
    assert prefix in CHECK_IDS, f"{describe(path)}: no check is called {prefix!r}"
    return CHECK_IDS[prefix]


def expected_check(path: Path, level: Level, minor: int | None) -> str:
    """The check that must fire for a failing vector at ``level`` and ``v1.<minor>``: the one
    it is named after, or the restricted check that runs in its place."""
    named = named_check(path)
    active = checks_for(level, minor)
    if any(check.id == named for check, _ in active):
        return named
    overriding = [c.id for c, v in active if named in v.override_check_ids]
    assert overriding, f"{describe(path)}: {named} does not run at {level.value} v1.{minor}"
    return overriding[0]


def check_verdict(path: Path, level: Level, minor: int | None, expect_pass: bool) -> None:
    """Assert the verdict of ``evaluate_pod`` for one vector: for a failing one, that the check
    it is named after (or the one overriding it) is among the violations."""
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
        expected = expected_check(path, level, minor)
        fired = sorted({check.id for check, _ in violations})
        assert expected in fired, (
            f"{describe(path)} must fail {expected} at {level.value}:{version}; fired: {fired}"
        )


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


def test_named_checks_map_to_psa_ids() -> None:
    """Every failing vector names a check PSA has, and an overridden baseline check maps to
    the restricted check that runs in its place."""
    fails = [p for p in FILES if p.parts[-2] == "fail"]
    assert {named_check(p) for p in fails} == set(CHECK_IDS.values())
    path = VECTORS / "restricted" / "v1.37" / "fail" / "capabilities_baseline0.yaml"
    assert named_check(path) == "capabilities_baseline"
    assert expected_check(path, Level.RESTRICTED, 37) == "capabilities_restricted"
    assert expected_check(path, Level.BASELINE, 37) == "capabilities_baseline"


def test_a_failing_vector_must_fire_its_own_check(tmp_path: Path) -> None:
    """A pod that fails for another reason than the check its name says fails the test."""
    source = VECTORS / "baseline" / "v1.37" / "fail" / "privileged0.yaml"
    renamed = tmp_path / "baseline" / "v1.37" / "fail" / "hostports0.yaml"
    renamed.parent.mkdir(parents=True)
    renamed.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(AssertionError, match="must fail hostPorts"):
        check_verdict(renamed, Level.BASELINE, 37, expect_pass=False)
