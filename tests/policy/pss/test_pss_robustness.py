"""evaluate_pod never raises, whatever JSON-like junk the pod holds."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubeflow_devtools.policy.pss import Level, Violation, evaluate_pod

NAMES = [
    "containers", "initContainers", "ephemeralContainers", "name", "securityContext",
    "privileged", "capabilities", "add", "drop", "ALL", "NET_BIND_SERVICE", "volumes",
    "hostPath", "emptyDir", "image", "nfs", "hostNetwork", "hostPID", "hostIPC", "hostUsers",
    "ports", "hostPort", "appArmorProfile", "type", "seLinuxOptions", "user", "role",
    "procMount", "Unmasked", "seccompProfile", "RuntimeDefault", "Unconfined", "sysctls",
    "windowsOptions", "hostProcess", "livenessProbe", "readinessProbe", "startupProbe",
    "lifecycle", "postStart", "preStop", "httpGet", "tcpSocket", "host", "os", "windows",
    "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser", "annotations",
    "seccomp.security.alpha.kubernetes.io/pod",
    "container.apparmor.security.beta.kubernetes.io/c",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True),
    st.sampled_from(NAMES),
    st.text(max_size=8),
)
keys = st.one_of(st.sampled_from(NAMES), st.text(max_size=6), st.integers(0, 3))
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=30,
)
security_context = st.dictionaries(st.sampled_from(NAMES), json_like, max_size=6)
container = st.dictionaries(
    st.sampled_from(NAMES), st.one_of(json_like, security_context), max_size=6
)
spec = st.one_of(
    st.dictionaries(keys, json_like, max_size=6),
    st.fixed_dictionaries(
        {},
        optional={
            "containers": st.one_of(st.lists(container, max_size=3), json_like),
            "initContainers": st.lists(container, max_size=2),
            "ephemeralContainers": st.lists(container, max_size=2),
            "securityContext": st.one_of(security_context, json_like),
            "volumes": st.lists(st.dictionaries(st.sampled_from(NAMES), json_like), max_size=3),
            "hostUsers": json_like,
            "os": json_like,
        },
    ),
)
metadata = st.one_of(
    json_like,
    st.fixed_dictionaries(
        {}, optional={"annotations": st.dictionaries(keys, json_like, max_size=4)}
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    metadata=metadata,
    spec=spec,
    level=st.sampled_from(list(Level)),
    minor=st.one_of(st.none(), st.integers(0, 40)),
)
def test_evaluate_pod_never_raises(
    metadata: Any, spec: Any, level: Level, minor: int | None
) -> None:
    results = evaluate_pod(metadata, spec, level, minor)
    for check, violation in results:
        assert isinstance(violation, Violation)
        assert violation.message
        assert violation.root in ("spec", "metadata")
        assert check.level == Level.BASELINE or level == Level.RESTRICTED


@settings(max_examples=100, deadline=None)
@given(junk=json_like)
def test_non_mapping_pods(junk: Any) -> None:
    evaluate_pod(junk, junk, Level.RESTRICTED, None)
    evaluate_pod({}, {"containers": junk, "securityContext": junk, "volumes": junk})
