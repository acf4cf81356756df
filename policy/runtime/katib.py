"""Katib: the metrics collector injected into trial pods, and the suggestion Deployments.

kubeflow/katib@v0.19.0:pkg/webhook/v1beta1/pod/inject_webhook.go: pods whose owners reach a
Trial, in namespaces the webhook selects (``katib.kubeflow.org/metrics-collector-injection:
enabled``, manifests/v1beta1/components/webhook/webhooks.yaml:62), get a sidecar appended to
``spec.containers`` (:171-175), named ``metrics-logger-and-collector`` for the StdOut and File
collectors (utils.go:313-319), ``shareProcessNamespace: true`` (:182-183) and an emptyDir
``metrics-volume`` (:185-190). The sidecar has no securityContext unless katib-config's
``init.controller.injectSecurityContext`` is true; then it copies the primary container's
(:244-250). The trial's own container comes from the ``trial-templates`` ConfigMap's default
template (its securityContext untouched).

pkg/controller.v1beta1/suggestion/composer/composer.go:72-146 and :184-262: a Deployment per
Experiment with a ``suggestion`` container copied from katib-config's suggestion entry (a
``securityContext`` can be set there), optionally an ``early-stopping`` container, no pod
securityContext, and the pod label ``sidecar.istio.io/inject: "false"``
(pkg/controller.v1beta1/util/labels.go:35).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.model.runtime import Fix
from kubeflow_devtools.policy.runtime.base import PodTemplate, as_dict, as_list, at, truthy
from kubeflow_devtools.policy.runtime.inputs import Inputs
from kubeflow_devtools.policy.selectors import selector_matches

NAME = "katib"
IMAGE = "/katib-controller:"
MODELLED = ("v0.19.0",)
SWITCH = "katib-config: init.controller.injectSecurityContext: true (copies the trial container's)"
INJECTION_LABEL = "katib.kubeflow.org/metrics-collector-injection"
WEBHOOK = "mutator.pod.katib.kubeflow.org"
SIDECAR_NAMES = {"StdOut": "metrics-logger-and-collector", "File": "metrics-logger-and-collector"}
_ALL = frozenset(
    {
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "runAsNonRoot",
        "seccompProfile_restricted",
    }
)


def _selector(inputs: Inputs) -> Any:
    """The pod mutator's namespaceSelector from the input, else upstream's."""
    for hook_config in inputs.kind("MutatingWebhookConfiguration"):
        for hook in as_list(hook_config.obj.get("webhooks")):
            if isinstance(hook, Mapping) and hook.get("name") == WEBHOOK:
                return hook.get("namespaceSelector") or {}
    return {"matchLabels": {INJECTION_LABEL: "enabled"}}


def _trial_container(inputs: Inputs) -> dict[str, Any]:
    """The primary container of the default trial template (``trial-templates``)."""
    resource = inputs.configmap("trial-templates")
    data = as_dict(resource.obj.get("data")) if resource is not None else {}
    for key in sorted(data, key=lambda k: (k != "defaultTrialTemplate.yaml", k)):
        try:
            job = yaml.load(str(data[key]), Loader=Loader)
        except yaml.YAMLError:
            continue
        spec = as_dict(as_dict(as_dict(as_dict(job).get("spec")).get("template")).get("spec"))
        containers = as_list(spec.get("containers"))
        if containers and isinstance(containers[0], Mapping):
            return dict(containers[0])
    return {"name": "training-container", "image": "docker.io/kubeflowkatib/mxnet-mnist"}


def templates(inputs: Inputs) -> list[PodTemplate]:
    """The trial pod (with and without the collector) and the suggestion pods."""
    setting = inputs.parsed("katib-config", "katib-config.yaml")
    if setting is None:
        return []
    config = setting.value
    controller = as_dict(as_dict(config.get("init")).get("controller"))
    inject_sc = truthy(controller.get("injectSecurityContext"))
    runtime = as_dict(config.get("runtime"))
    collectors = [as_dict(c) for c in as_list(runtime.get("metricsCollectors"))]
    collector = next((c for c in collectors if c.get("kind") == "StdOut"), None)
    primary = _trial_container(inputs)
    primary.setdefault("name", "training-container")
    out: list[PodTemplate] = []
    selector = _selector(inputs)
    labels = {"katib.kubeflow.org/trial": "trial"}
    plain = {"containers": [primary]}
    out.append(
        PodTemplate(
            NAME,
            "trial",
            "Katib trial (trial-templates), not selected by the metrics-collector webhook",
            {"labels": labels},
            plain,
            at(setting),
            selects=lambda ns: not selector_matches(selector, ns),
        )
    )
    if collector is not None:
        sidecar: dict[str, Any] = {
            "name": SIDECAR_NAMES.get(str(collector.get("kind")), "metrics-collector"),
            "image": collector.get("image", ""),
            "volumeMounts": [{"name": "metrics-volume", "mountPath": "/var/log/katib"}],
        }
        if inject_sc and "securityContext" in primary:
            sidecar["securityContext"] = primary["securityContext"]
        mounted = {
            **primary,
            "volumeMounts": [*as_list(primary.get("volumeMounts")), sidecar["volumeMounts"][0]],
        }
        spec = {
            "containers": [mounted, sidecar],
            "shareProcessNamespace": True,
            "volumes": [{"name": "metrics-volume", "emptyDir": {}}],
        }
        fixes = {} if inject_sc else {sidecar["name"]: Fix(SWITCH, _ALL)}
        out.append(
            PodTemplate(
                NAME,
                "trial",
                "Katib trial (trial-templates) + metrics collector (Katib pod webhook)",
                {"labels": labels},
                spec,
                at(setting),
                fixes,
                selects=lambda ns: selector_matches(selector, ns),
            )
        )
    seen: set[str] = set()
    early = [as_dict(e) for e in as_list(runtime.get("earlyStoppings"))]
    for entry in (as_dict(s) for s in as_list(runtime.get("suggestions"))):
        container: dict[str, Any] = {"name": "suggestion", "image": entry.get("image", "")}
        if "securityContext" in entry:
            container["securityContext"] = entry["securityContext"]
        key = repr(container.get("securityContext"))
        if key in seen:
            continue
        seen.add(key)
        containers = [container]
        if early:
            containers.append({"name": "early-stopping", "image": early[0].get("image", "")})
        algorithm = str(entry.get("algorithmName", "suggestion"))
        out.append(
            PodTemplate(
                NAME,
                f"suggestion-{algorithm}",
                f"Katib suggestion Deployment ({algorithm}, katib-config)",
                {"labels": {"sidecar.istio.io/inject": "false", "suggestion": algorithm}},
                {"containers": containers},
                at(setting),
            )
        )
    return out
