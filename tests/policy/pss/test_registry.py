"""The check registry: ids, levels, versions and PSA's override semantics."""

from __future__ import annotations

import pkgutil

import pytest

from kubeflow_devtools.policy.pss import (
    Level,
    all_checks,
    checks,
    checks_for,
    get_check,
    parse_version,
)
from kubeflow_devtools.policy.pss.registry import max_minor

BASELINE = {
    "appArmorProfile": (0,),
    "capabilities_baseline": (0,),
    "hostNamespaces": (0,),
    "hostPathVolumes": (0,),
    "hostPorts": (0,),
    "hostProbesAndHostLifecycle": (34,),
    "privileged": (0,),
    "procMount": (0, 35),
    "seLinuxOptions": (0, 31),
    "seccompProfile_baseline": (0, 19),
    "sysctls": (0, 27, 29, 32, 37),
    "windowsHostProcess": (0,),
}
RESTRICTED = {
    "allowPrivilegeEscalation": (8, 25),
    "capabilities_restricted": (22, 25),
    "procMount_restricted": (35,),
    "restrictedVolumes": (0,),
    "runAsNonRoot": (0, 35),
    "runAsUser": (23, 35),
    "seccompProfile_restricted": (19, 25),
}
OVERRIDES = {
    "capabilities_restricted": ("capabilities_baseline",),
    "procMount_restricted": ("procMount",),
    "restrictedVolumes": ("hostPathVolumes",),
    "seccompProfile_restricted": ("seccompProfile_baseline",),
}


def ids(level: Level, minor: int | None) -> set[str]:
    """The ids of the checks PSA runs for ``level`` at ``v1.<minor>``."""
    return {check.id for check, _ in checks_for(level, minor)}


def test_nineteen_checks_with_exact_ids_and_levels() -> None:
    checks = all_checks()
    assert len(checks) == 19
    assert {c.id: c.level for c in checks} == {
        **dict.fromkeys(BASELINE, Level.BASELINE),
        **dict.fromkeys(RESTRICTED, Level.RESTRICTED),
    }


def test_order_is_baseline_then_restricted_each_sorted() -> None:
    order = [c.id for c in all_checks()]
    assert order == sorted(BASELINE) + sorted(RESTRICTED)


@pytest.mark.parametrize("check_id", sorted({**BASELINE, **RESTRICTED}))
def test_versions_and_overrides(check_id: str) -> None:
    check = get_check(check_id)
    expected = {**BASELINE, **RESTRICTED}[check_id]
    assert tuple(v.minimum_version for v in check.versions) == expected
    for versioned in check.versions:
        assert versioned.override_check_ids == OVERRIDES.get(check_id, ())
    assert check.doc and check.title


def test_get_check_unknown() -> None:
    with pytest.raises(KeyError):
        get_check("nope")


def test_latest_is_newest_rules() -> None:
    # v1.37: the newest policy upstream (kubernetes/pod-security-admission@8f84a87, July 2026)
    assert max_minor() == 37
    assert ids(Level.RESTRICTED, None) == ids(Level.RESTRICTED, 37) == ids(Level.RESTRICTED, 99)
    versions = {c.id: v.minimum_version for c, v in checks_for(Level.RESTRICTED, None)}
    assert versions["procMount_restricted"] == 35
    assert versions["sysctls"] == 37


def test_baseline_has_no_restricted_checks() -> None:
    for minor in (0, 22, 35, None):
        assert ids(Level.BASELINE, minor) <= set(BASELINE)


def test_capabilities_override_from_v1_22() -> None:
    assert "capabilities_baseline" in ids(Level.RESTRICTED, 21)
    assert "capabilities_restricted" not in ids(Level.RESTRICTED, 21)
    assert "capabilities_restricted" in ids(Level.RESTRICTED, 22)
    assert "capabilities_baseline" not in ids(Level.RESTRICTED, 22)
    assert "capabilities_baseline" not in ids(Level.RESTRICTED, 25)
    assert "capabilities_baseline" in ids(Level.BASELINE, 22)


def test_seccomp_override_from_v1_19() -> None:
    assert "seccompProfile_baseline" in ids(Level.RESTRICTED, 18)
    assert "seccompProfile_restricted" not in ids(Level.RESTRICTED, 18)
    assert "seccompProfile_baseline" not in ids(Level.RESTRICTED, 19)
    assert "seccompProfile_restricted" in ids(Level.RESTRICTED, 19)


def test_proc_mount_override_from_v1_35() -> None:
    assert "procMount" in ids(Level.RESTRICTED, 34)
    assert "procMount_restricted" not in ids(Level.RESTRICTED, 34)
    assert "procMount" not in ids(Level.RESTRICTED, 35)
    assert "procMount_restricted" in ids(Level.RESTRICTED, 35)
    assert "procMount" in ids(Level.BASELINE, 35)


def test_host_path_always_overridden_at_restricted() -> None:
    for minor in (0, 10, 35, None):
        assert "hostPathVolumes" not in ids(Level.RESTRICTED, minor)
        assert "restrictedVolumes" in ids(Level.RESTRICTED, minor)
        assert "hostPathVolumes" in ids(Level.BASELINE, minor)


def test_versioned_availability() -> None:
    assert "allowPrivilegeEscalation" not in ids(Level.RESTRICTED, 7)
    assert "allowPrivilegeEscalation" in ids(Level.RESTRICTED, 8)
    assert "runAsUser" not in ids(Level.RESTRICTED, 22)
    assert "runAsUser" in ids(Level.RESTRICTED, 23)
    assert "hostProbesAndHostLifecycle" not in ids(Level.BASELINE, 33)
    assert "hostProbesAndHostLifecycle" in ids(Level.BASELINE, 34)
    assert len(ids(Level.BASELINE, 0)) == 11
    assert len(ids(Level.BASELINE, None)) == 12
    # restricted v1.0: 11 baseline - hostPathVolumes + restrictedVolumes, runAsNonRoot
    assert len(ids(Level.RESTRICTED, 0)) == 12
    assert len(ids(Level.RESTRICTED, None)) == 19 - 4


def test_active_version_function_switches() -> None:
    def fn(minor: int) -> str:
        (versioned,) = [v for c, v in checks_for(Level.BASELINE, minor) if c.id == "sysctls"]
        return versioned.check_pod.__name__

    assert [fn(m) for m in (0, 26, 27, 28, 29, 31, 32, 36, 37, 40)] == [
        "sysctls_1_0",
        "sysctls_1_0",
        "sysctls_1_27",
        "sysctls_1_27",
        "sysctls_1_29",
        "sysctls_1_29",
        "sysctls_1_32",
        "sysctls_1_32",
        "sysctls_1_37",
        "sysctls_1_37",
    ]


@pytest.mark.parametrize(
    ("text", "expected"), [("latest", None), ("v1.0", 0), ("v1.25", 25), ("v1.135", 135)]
)
def test_parse_version(text: str, expected: int | None) -> None:
    assert parse_version(text) == expected


@pytest.mark.parametrize(
    "text", ["", "1.25", "v1", "v2.0", "v1.", "v1.01", "V1.2", "v1.2 ", "Latest", "v1.-1", "v1.x"]
)
def test_parse_version_errors(text: str) -> None:
    with pytest.raises(ValueError, match="invalid policy version"):
        parse_version(text)


def test_the_checks_package_imports_every_check_module() -> None:
    names = {m.name for m in pkgutil.iter_modules(checks.__path__)}
    assert names == set(checks.__all__)
    assert {c.doc for c in all_checks()} == {
        getattr(checks, name).CHECK.doc for name in checks.__all__
    }
