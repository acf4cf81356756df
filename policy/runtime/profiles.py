"""User namespaces: what the profile controller makes of each ``Profile``.

kubeflow/kubeflow@v1.10.0:components/profile-controller/controllers/profile_controller.go:
a new namespace gets the annotation ``owner`` (the Profile's ``spec.owner.name``, :129) and the
label ``istio-injection=enabled`` (:131-133), then the labels of ``namespace-labels.yaml``
(:137, read from ``--namespace-labels-path``, a ConfigMap mounted at
``/etc/profile-controller``) merged by ``setNamespaceLabels`` (:754-773): an empty value
deletes the label, any other is added only when the key is absent; nothing is overwritten.
A namespace that exists already (a ``Namespace`` object of the input) with the same owner only
gets the file's labels merged (:172-198), not ``istio-injection``. The same logic lives in
kubeflow/dashboard@v2.0.0:components/profile-controller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kubeflow_devtools.policy.model.objects import Namespace, Namespaces
from kubeflow_devtools.policy.model.runtime import NEW_PROFILE, UserNamespace
from kubeflow_devtools.policy.runtime.inputs import Inputs, Setting
from kubeflow_devtools.policy.selectors import string_labels

LABELS_KEY = "namespace-labels.yaml"
CONTROLLER_IMAGE = "/profile-controller:"
ISTIO_INJECTION = {"istio-injection": "enabled"}
"""The label the controller's code puts on every new namespace (:131-133)."""


def namespace_labels_file(inputs: Inputs) -> Setting | None:
    """The ``namespace-labels.yaml`` the profile controller mounts, else any ConfigMap's."""
    found = inputs.container(CONTROLLER_IMAGE)
    names: list[str] = []
    if found is not None:
        spec = found[0].obj.get("spec", {}).get("template", {}).get("spec", {})
        for volume in spec.get("volumes") or ():
            ref = volume.get("configMap") if isinstance(volume, Mapping) else None
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                names.append(ref["name"])
    for name in names:
        setting = inputs.parsed(name, LABELS_KEY)
        if setting is not None:
            return setting
    for resources in inputs.configmaps.values():
        for resource in resources:
            if LABELS_KEY in (resource.obj.get("data") or {}):
                return inputs.parsed(resource.name, LABELS_KEY)
    return None


def merge_labels(labels: Mapping[str, str], file_labels: Mapping[str, str]) -> dict[str, str]:
    """``setNamespaceLabels``: empty deletes, others added only if absent, never overwritten."""
    merged = dict(labels)
    for key, value in file_labels.items():
        if value == "":
            merged.pop(key, None)
        elif key not in merged:
            merged[key] = value
    return merged


def user_namespaces(inputs: Inputs, namespaces: Namespaces, new_row: bool) -> list[UserNamespace]:
    """The namespace of every ``Profile`` of the input and, with ``new_row`` and the profile
    controller (or a Profile) in the input, the :data:`NEW_PROFILE` row."""
    setting = namespace_labels_file(inputs)
    file_labels = string_labels(setting.value) if setting is not None else {}
    if setting is not None:
        raw = setting.value
        file_labels.update({str(k): "" for k, v in raw.items() if v is None})
    result: list[UserNamespace] = []
    profiles = inputs.kind("Profile", "kubeflow.org")
    seen: set[str] = set()
    for profile in profiles:
        if profile.name in seen:  # the same Profile twice is one namespace
            continue
        seen.add(profile.name)
        owner = profile.obj.get("spec", {}).get("owner", {})
        owner_name = str(owner.get("name", "")) if isinstance(owner, Mapping) else ""
        existing = namespaces.known.get(profile.name)
        if existing is not None and existing.resource is not None:
            metadata = existing.resource.obj.get("metadata", {})
            annotations = string_labels(metadata.get("annotations"))
            labels = dict(existing.labels)
            if annotations.get("owner") == owner_name:
                labels = merge_labels(labels, file_labels)
        else:
            annotations = {"owner": owner_name}
            labels = merge_labels(ISTIO_INJECTION, file_labels)
        result.append(
            UserNamespace(
                profile.name, labels, annotations, profile.name, profile.file, profile.line
            )
        )
    if new_row and (profiles or inputs.container(CONTROLLER_IMAGE) is not None):
        file, line, _ = setting.at if setting is not None else (None, None, "")
        labels = merge_labels(ISTIO_INJECTION, file_labels)
        result.append(UserNamespace(NEW_PROFILE, labels, {"owner": ""}, None, file, line))
    return result


def add_namespaces(
    namespaces: Namespaces,
    users: list[UserNamespace],
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> list[UserNamespace]:
    """Put the user namespaces into the cluster model; ``--namespace-labels`` (``extra``) are
    merged over them, as over any namespace. Returns the namespaces with those labels."""
    result = []
    for user in users:
        current = namespaces.known.get(user.name)
        resource = current.resource if current is not None else None
        labels = {**user.labels, **(extra or {}).get(user.name, {})}
        namespaces.known[user.name] = Namespace(user.name, labels, resource)
        result.append(replace(user, labels=labels))
    return result
