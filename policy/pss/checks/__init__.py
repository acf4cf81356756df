"""One module per Pod Security Admission check; importing this package registers them all.

Each check module registers its :class:`~kubeflow_devtools.policy.pss.registry.Check` when it
is imported. The registry never imports the checks: :mod:`kubeflow_devtools.policy.pss` imports
this package, so every check is registered once the package is imported.
"""

from __future__ import annotations

from kubeflow_devtools.policy.pss.checks import (
    allow_privilege_escalation,
    app_armor_profile,
    capabilities_baseline,
    capabilities_restricted,
    host_namespaces,
    host_path_volumes,
    host_ports,
    host_probes_and_host_lifecycle,
    privileged,
    proc_mount,
    proc_mount_restricted,
    restricted_volumes,
    run_as_non_root,
    run_as_user,
    se_linux_options,
    seccomp_profile_baseline,
    seccomp_profile_restricted,
    sysctls,
    windows_host_process,
)

__all__ = [
    "allow_privilege_escalation",
    "app_armor_profile",
    "capabilities_baseline",
    "capabilities_restricted",
    "host_namespaces",
    "host_path_volumes",
    "host_ports",
    "host_probes_and_host_lifecycle",
    "privileged",
    "proc_mount",
    "proc_mount_restricted",
    "restricted_volumes",
    "run_as_non_root",
    "run_as_user",
    "se_linux_options",
    "seccomp_profile_baseline",
    "seccomp_profile_restricted",
    "sysctls",
    "windows_host_process",
]
