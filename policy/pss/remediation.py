"""Why each Pod Security check matters and how to fix a finding, for the rule reference.

The check modules quote what the standard enforces; this table adds the maintainer's side:
the risk, the fix, and a compliant example. ``tests`` keep it complete (one entry per check).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Remediation:
    """Why a check matters, how to fix a finding, and a compliant snippet."""

    why: str
    fix: str
    example: str


RESTRICTED_CONTAINER = """\
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault"""

REMEDIATION: dict[str, Remediation] = {
    "privileged": Remediation(
        "A privileged container has every capability and the host's devices: it is root on the "
        "node.",
        "Remove `securityContext.privileged: true`; grant the one capability or device the "
        "workload really needs instead, or move node-level work to a dedicated agent.",
        "securityContext:\n  privileged: false",
    ),
    "hostNamespaces": Remediation(
        "Sharing the host's network, PID or IPC namespace lets the pod see and reach the node's "
        "processes and interfaces.",
        "Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false); expose ports "
        "through a Service.",
        "spec:\n  hostNetwork: false",
    ),
    "capabilities_baseline": Remediation(
        "Capabilities beyond the runtime's default set (NET_ADMIN, SYS_ADMIN, ...) give a "
        "container root powers over the node's kernel objects.",
        "Drop the extra entries from `securityContext.capabilities.add`.",
        "securityContext:\n  capabilities:\n    drop: [ALL]",
    ),
    "hostPathVolumes": Remediation(
        "A hostPath volume exposes the node's file system to the pod.",
        "Use a PersistentVolumeClaim, an emptyDir, a ConfigMap or a Secret instead.",
        "volumes:\n- name: data\n  persistentVolumeClaim:\n    claimName: data",
    ),
    "hostPorts": Remediation(
        "A host port binds the node's network interface and bypasses network policy.",
        "Remove `hostPort` and expose the port through a Service.",
        "ports:\n- containerPort: 8080",
    ),
    "hostProbesAndHostLifecycle": Remediation(
        "A probe or lifecycle handler with `host` set makes the kubelet connect to an arbitrary "
        "address: a server-side request forgery path.",
        "Remove `host` from `httpGet`/`tcpSocket` probes and lifecycle handlers.",
        "readinessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080",
    ),
    "appArmorProfile": Remediation(
        "An unconfined AppArmor profile removes a layer of mandatory access control.",
        "Leave the AppArmor profile unset, or set `RuntimeDefault` or a `Localhost` profile.",
        "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault",
    ),
    "seLinuxOptions": Remediation(
        "Custom SELinux users, roles or types can escape the container's confinement.",
        "Remove `seLinuxOptions.user`/`role`, and use one of the allowed container types.",
        "securityContext:\n  seLinuxOptions:\n    type: container_t",
    ),
    "procMount": Remediation(
        "An unmasked /proc exposes kernel settings the default mask hides.",
        "Remove `securityContext.procMount` or set it to `Default`.",
        "securityContext:\n  procMount: Default",
    ),
    "procMount_restricted": Remediation(
        "An unmasked /proc exposes kernel settings, even in a user namespace.",
        "Remove `securityContext.procMount` or set it to `Default`.",
        "securityContext:\n  procMount: Default",
    ),
    "seccompProfile_baseline": Remediation(
        "An unconfined seccomp profile allows every system call.",
        "Set `seccompProfile.type` to `RuntimeDefault` or `Localhost` (or leave it unset).",
        "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
    ),
    "sysctls": Remediation(
        "Sysctls outside the safe set change the node's kernel for every pod on it.",
        "Remove the sysctl, or set it on the node instead.",
        "securityContext:\n  sysctls:\n  - name: net.ipv4.ip_local_port_range\n    value: "
        '"1024 65535"',
    ),
    "windowsHostProcess": Remediation(
        "A Windows HostProcess container runs directly on the host with full access.",
        "Remove `windowsOptions.hostProcess: true`.",
        "securityContext:\n  windowsOptions:\n    hostProcess: false",
    ),
    "restrictedVolumes": Remediation(
        "Volume types outside the restricted set (hostPath, NFS, iSCSI, ...) reach storage "
        "outside the pod's control.",
        "Use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, "
        "projected or secret volumes.",
        "volumes:\n- name: scratch\n  emptyDir: {}",
    ),
    "allowPrivilegeEscalation": Remediation(
        "Without `allowPrivilegeEscalation: false` a process can gain more privileges than its "
        "parent (setuid binaries).",
        "Set `allowPrivilegeEscalation: false` on every container.",
        RESTRICTED_CONTAINER,
    ),
    "runAsNonRoot": Remediation(
        "A container that may run as uid 0 is root inside the container, one kernel bug away "
        "from root on the node.",
        "Set `runAsNonRoot: true` on the pod (or every container) and build the image with a "
        "non-root `USER`.",
        "spec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000",
    ),
    "runAsUser": Remediation(
        "`runAsUser: 0` runs the container as root.",
        "Use a non-zero uid, or remove `runAsUser` and rely on the image's non-root user.",
        "securityContext:\n  runAsUser: 1000",
    ),
    "seccompProfile_restricted": Remediation(
        "Without a seccomp profile, every system call is allowed.",
        "Set `seccompProfile.type: RuntimeDefault` on the pod (or every container).",
        "spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault",
    ),
    "capabilities_restricted": Remediation(
        "Every capability kept is kernel power the container does not need.",
        "Drop ALL capabilities; add back only NET_BIND_SERVICE if the container binds a port "
        "below 1024.",
        RESTRICTED_CONTAINER,
    ),
}
