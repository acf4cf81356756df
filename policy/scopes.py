"""Which kinds are cluster-scoped: Kubernetes' own, and those the input's CRDs declare so.

kustomize's ``namespace:`` stamps a namespace on every object it does not know to be
cluster-scoped, custom resources included (a ``ClusterTrainingRuntime`` gets
``namespace: kubeflow-system``). A cluster-scoped object has no namespace: its pod templates
run wherever the objects that use them are created, so they are checked as templates, not as
workloads of the stamped namespace. :func:`crd_scope` reads a CRD's group, kind and scope from
its text without parsing the whole document (CRDs are most of a render's bytes);
:func:`unstamp` drops the namespace of every cluster-scoped object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kubeflow_devtools.policy.model.objects import Resource

BUILT_IN_CLUSTER_KINDS = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("networking.k8s.io", "IngressClass"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("policy", "PodSecurityPolicy"),
    }
)
"""``(group, kind)`` of Kubernetes' cluster-scoped kinds."""

KNOWN_CLUSTER_CUSTOM_KINDS = frozenset(
    {
        ("serving.kserve.io", "ClusterServingRuntime"),
        ("serving.kserve.io", "ClusterStorageContainer"),
        ("serving.kserve.io", "LocalModelCache"),
        ("serving.kserve.io", "LocalModelNode"),
        ("serving.kserve.io", "LocalModelNodeGroup"),
        ("trainer.kubeflow.org", "ClusterTrainingRuntime"),
        ("argoproj.io", "ClusterWorkflowTemplate"),
        ("kubeflow.org", "Profile"),
        ("cert-manager.io", "ClusterIssuer"),
    }
)
"""``(group, kind)`` of the cluster-scoped custom resources of the Kubeflow platform, as their
CRDs say (``scope: Cluster`` in kubeflow/manifests@009c880, ``example``'s render), for inputs
that hold such a resource without its CRD (an overlay that adds a runtime)."""

_SPEC = re.compile(r"^spec:[ \t]*\r?\n(?:[ \t]*(?:#.*)?\r?\n)*([ \t]+)\S", re.MULTILINE)


def crd_scope(text: str) -> tuple[str, str, str] | None:
    """``(group, kind, scope)`` of a CustomResourceDefinition's text, or ``None``.

    Reads the keys at the indentation of ``spec``'s own fields (``group``, ``scope``, and
    ``names.kind`` one level below), so a property called ``scope`` deep in the schema is
    never taken for it.
    """
    spec = _SPEC.search(text)
    if spec is None:
        return None
    indent = spec.group(1)
    body = text[spec.start(1) :]
    fields = {}
    for key in ("group", "scope"):
        match = re.search(rf"^{indent}{key}:[ \t]*['\"]?([\w.-]+)", body, re.MULTILINE)
        if match is None:
            return None
        fields[key] = match.group(1)
    names = re.search(
        rf"^{indent}names:[ \t]*\r?\n((?:{indent}[ \t]+.*\r?\n|[ \t]*\r?\n)*)", body, re.MULTILINE
    )
    kind = names and re.search(r"^[ \t]+kind:[ \t]*['\"]?(\w+)", names.group(1), re.MULTILINE)
    if not kind:
        return None
    return fields["group"], kind.group(1), fields["scope"]


def cluster_kinds(crds: Iterable[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """``(group, kind)`` of the CRDs (as :func:`crd_scope` reads them) that are cluster-scoped."""
    return {(group, kind) for group, kind, scope in crds if scope == "Cluster"}


def unstamp(resources: Iterable[Resource], custom: set[tuple[str, str]]) -> Iterator[Resource]:
    """The resources, with no namespace on those whose kind is cluster-scoped."""
    for resource in resources:
        key = (resource.group, resource.kind)
        known = key in BUILT_IN_CLUSTER_KINDS or key in KNOWN_CLUSTER_CUSTOM_KINDS
        if resource.namespace and (known or key in custom):
            yield replace(resource, namespace=None)
        else:
            yield resource
