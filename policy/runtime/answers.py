"""The answer per user namespace: which levels admit everything the platform runs there.

Every run-time pod, as admitted (Istio's containers included), is evaluated at ``baseline``
and at ``restricted`` with Pod Security Admission's checks; the containers that fail are
grouped by the component that creates them (``istio`` for the containers Istio injects), with
the switch that fixes them where one exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubeflow_devtools.policy.model.report import Options, Workload
from kubeflow_devtools.policy.model.runtime import Answer, Blocker, UserNamespace
from kubeflow_devtools.policy.pss import Evaluate, Level, evaluate_pod, parse_version
from kubeflow_devtools.policy.pss._util import visit_containers
from kubeflow_devtools.policy.runtime import COMPONENTS

_ORDER = {module.NAME: i for i, module in enumerate(COMPONENTS)}


def answers(
    namespaces: Iterable[UserNamespace],
    workloads: Sequence[Workload],
    options: Options,
    evaluate: Evaluate = evaluate_pod,
) -> list[Answer]:
    """One :class:`Answer` per user namespace, from its run-time workloads (``evaluate``:
    :func:`evaluate_pod` or a memo of it, shared with the checks)."""
    out = []
    for user in namespaces:
        own = [w for w in workloads if w.runtime is not None and w.runtime.namespace == user.name]
        enforce = user.labels.get("pod-security.kubernetes.io/enforce", "privileged")
        version = user.labels.get("pod-security.kubernetes.io/enforce-version", "latest")
        try:
            minor = parse_version(version)
        except ValueError:
            minor = None
        baseline = _blockers(own, Level.BASELINE, options.version, evaluate)
        restricted = _blockers(own, Level.RESTRICTED, options.version, evaluate)
        admitted = True
        if enforce in ("baseline", "restricted"):
            admitted = not _blockers(own, Level(enforce), minor, evaluate)
        out.append(
            Answer(
                namespace=user.name,
                enforce=enforce,
                injection=any(w.admitted.injected for w in own),
                baseline=baseline,
                restricted=restricted,
                admitted=admitted,
            )
        )
    return out


def _blockers(
    workloads: Sequence[Workload],
    level: Level,
    minor: int | None,
    evaluate: Evaluate,
) -> tuple[Blocker, ...]:
    """The components whose containers fail ``level``, in the registry's order."""
    failed: dict[tuple[str, str], set[str]] = {}
    fixable: dict[tuple[str, str], set[str | None]] = {}
    for workload in workloads:
        pod = workload.admitted.pod
        runtime = workload.runtime
        if runtime is None:
            continue
        injected = {
            (c.list_name, c.index) for c in workload.admitted.injected if c.declared is None
        }
        names = {tuple(path[:2]): name for name, _, path in visit_containers(pod.spec)}
        here: dict[tuple[str, str], set[str]] = {}
        for check, violation in evaluate(pod.metadata, pod.spec, level, minor):
            where = tuple(violation.field[:2])
            component = "istio" if where in injected else runtime.component
            container = violation.container or names.get(where) or runtime.name
            label = f"{runtime.name} {container}" if container == "main" else container
            here.setdefault((component, label), set()).add(check.id)
            fix = runtime.fixes.get(container)
            ok = fix is not None and component == runtime.component
            switch = fix.switch if fix is not None and ok and check.id in fix.checks else None
            fixable.setdefault((component, label), set()).add(switch)
        for found, checks in here.items():
            failed.setdefault(found, set()).update(checks)
    items: dict[str, list[str]] = {}
    fixes: dict[str, dict[str, None]] = {}
    for (component, label), checks in failed.items():
        switches = fixable[(component, label)]
        if len(switches) == 1 and None not in switches:
            switch = next(iter(switches))
            assert switch is not None
            # in brackets: in "a, b, c [checks — set switch]" the checks are c's alone
            label += f" [{', '.join(sorted(checks))} — set {switch}]"
            fixes.setdefault(component, {})[switch] = None
        items.setdefault(component, []).append(label)
    ordered = sorted(items, key=lambda c: (_ORDER.get(c, len(_ORDER)), c))
    return tuple(Blocker(c, tuple(items[c]), tuple(fixes.get(c, {}))) for c in ordered)
