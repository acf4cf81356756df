"""restrictedVolumes: only core volume types; overrides hostPathVolumes."""

from __future__ import annotations

from typing import Any

import pytest

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.restricted_volumes import (
    ALLOWED_SOURCES,
    RESTRICTED_SOURCES,
    restricted_volumes_1_0,
)


def pod(*volumes: dict[str, Any]) -> dict[str, Any]:
    return {"volumes": list(volumes)}


def test_allowed_list_is_psa_s() -> None:
    assert set(ALLOWED_SOURCES) == {
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
        "persistentVolumeClaim", "projected", "secret",
    }  # fmt: skip


@pytest.mark.parametrize("source", ALLOWED_SOURCES)
def test_allowed_sources(source: str) -> None:
    assert restricted_volumes_1_0({}, pod({"name": "v", source: {}})) == []


@pytest.mark.parametrize("source", RESTRICTED_SOURCES)
def test_restricted_sources(source: str) -> None:
    (violation,) = restricted_volumes_1_0(
        {}, pod({"name": "ok", "emptyDir": {}}, {"name": "v", source: {}})
    )
    assert violation.field == ("volumes", 1, source)
    assert violation.container is None
    assert f'"{source}"' in violation.message


def test_no_source_is_implicit_empty_dir() -> None:
    assert restricted_volumes_1_0({}, pod({"name": "v"}, {"name": "w", "unknownType": {}})) == []
    assert restricted_volumes_1_0({}, pod({"name": "v", "nfs": None})) == []


def test_image_volume_allowed_at_every_version() -> None:
    spec = pod({"name": "v", "image": {"reference": "registry.example/data:1"}})
    assert restricted_volumes_1_0({}, spec) == []
    for minor in (0, 25, None):
        assert "restrictedVolumes" not in [
            c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, minor)
        ]


@pytest.mark.parametrize("source", ALLOWED_SOURCES)
def test_allowed_source_wins_over_a_second_one(source: str) -> None:
    """PSA looks for an allowed source first (API validation rejects two sources anyway)."""
    assert restricted_volumes_1_0({}, pod({"name": "v", source: {}, "hostPath": {}})) == []
    assert len(restricted_volumes_1_0({}, pod({"name": "v", source: None, "hostPath": {}}))) == 1


def test_overrides_host_path_volumes() -> None:
    spec = pod({"name": "host", "hostPath": {"path": "/"}})
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE)] == ["hostPathVolumes"]
    restricted = [c.id for c, _ in evaluate_pod({}, spec, Level.RESTRICTED, 0)]
    assert "restrictedVolumes" in restricted
    assert "hostPathVolumes" not in restricted
