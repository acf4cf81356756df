"""capabilities_baseline: only the runtime's default capabilities may be added."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.capabilities_baseline import (
    ALLOWED_CAPABILITIES_1_0,
    capabilities_baseline_1_0,
)


def pod(add: Any, kind: str = "containers") -> dict[str, Any]:
    return {kind: [{"name": "app", "securityContext": {"capabilities": {"add": add}}}]}


def test_default_set_allowed() -> None:
    assert len(ALLOWED_CAPABILITIES_1_0) == 13
    assert capabilities_baseline_1_0({}, pod(sorted(ALLOWED_CAPABILITIES_1_0))) == []


@pytest.mark.parametrize("cap", ["SYS_ADMIN", "NET_RAW", "chown", "CAP_CHOWN", "ALL", ""])
def test_forbidden(cap: str) -> None:
    (violation,) = capabilities_baseline_1_0({}, pod(["CHOWN", cap]))
    assert violation.field == ("containers", 0, "securityContext", "capabilities", "add", 1)
    assert violation.container == "app"
    assert f'"{cap}"' in violation.message


@pytest.mark.parametrize("kind", ["initContainers", "ephemeralContainers"])
def test_init_and_ephemeral(kind: str) -> None:
    (violation,) = capabilities_baseline_1_0({}, pod(["SYS_ADMIN"], kind))
    assert violation.field[0] == kind


def test_drop_is_irrelevant_and_junk_tolerated() -> None:
    spec = {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["X"]}}}]}
    assert capabilities_baseline_1_0({}, spec) == []
    assert capabilities_baseline_1_0({}, pod("SYS_ADMIN")) == []  # not a list: absent


def test_overridden_at_restricted_from_v1_22() -> None:
    spec = pod(["CHOWN"])
    spec["containers"][0]["securityContext"]["capabilities"]["drop"] = ["ALL"]
    assert "capabilities_baseline" not in [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE)]
    restricted_21 = [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, 21)]
    restricted_22 = [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, 22)]
    assert "capabilities_baseline" not in restricted_21  # CHOWN is allowed at baseline
    assert "capabilities_restricted" in restricted_22  # but not at restricted v1.22+
