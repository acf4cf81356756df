"""hostPathVolumes: no hostPath volumes."""

from __future__ import annotations

from kubeflow_devtools.policy.pss import Level, evaluate_pod
from kubeflow_devtools.policy.pss.checks.host_path_volumes import host_path_volumes_1_0


def test_host_path_forbidden() -> None:
    spec = {
        "containers": [{"name": "a"}],
        "volumes": [{"name": "ok", "emptyDir": {}}, {"name": "host", "hostPath": {"path": "/"}}],
    }
    (violation,) = host_path_volumes_1_0({}, spec)
    assert violation.field == ("volumes", 1, "hostPath")
    assert '"host"' in violation.message
    assert [c.id for c, _ in evaluate_pod({}, spec, Level.BASELINE)] == ["hostPathVolumes"]


def test_other_volumes_and_junk_allowed() -> None:
    spec = {"volumes": [{"name": "n", "nfs": {}}, {"hostPath": None}, "x", {"hostPath": "/"}]}
    assert host_path_volumes_1_0({}, spec) == []
    assert host_path_volumes_1_0({}, {"volumes": {"hostPath": {}}}) == []
