"""The input's objects as the checks see them: resources, their pod specs, and namespaces.

:func:`~kubeflow_devtools.policy.resources.resources_of` makes the :class:`Resource` s of a
document, :func:`~kubeflow_devtools.policy.podspecs.find_pod_specs` the :class:`PodSpec` s of
a resource and :func:`~kubeflow_devtools.policy.namespaces.collect_namespaces` the
:class:`Namespaces`; this module only describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
"""A field path: mapping keys and list indices (``("spec", "containers", 0, "image")``)."""

DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object of the input.

    ``root`` is the whole document it came from and ``base`` its path in that document
    (``()`` for a top-level object, ``("items", 3)`` for the fourth item of a List), so
    any field of the object can be located in the file.
    """

    api_version: str
    kind: str
    name: str
    namespace: str | None
    obj: Mapping[str, Any]
    file: str
    document: int
    line: int
    root: Any
    base: Path

    @property
    def group(self) -> str:
        """The API group (``""`` for the core group)."""
        return self.api_version.rpartition("/")[0]


def format_path(path: Path) -> str:
    """``("spec", "containers", 0, "image")`` as ``spec.containers[0].image``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            text = str(step)
            if not text or any(c in text for c in ".[]"):
                text = f"[{text!r}]" if text else "['']"
                out += text
            else:
                out += f".{text}" if out else text
    return out


@dataclass(frozen=True)
class PodSpec:
    """A pod spec found in a resource.

    ``path`` is where the spec is in the resource's object (``("spec", "template", "spec")``
    for a Deployment) and ``metadata_path`` where its pod metadata is (``None`` when the
    resource has none). ``remap`` maps field prefixes of an assembled spec back to the paths
    they were written at.
    """

    resource: Resource
    path: Path
    spec: Mapping[str, Any]
    metadata: Mapping[str, Any]
    metadata_path: Path | None
    found_by: str
    remap: tuple[tuple[Path, Path], ...] = ()

    def field_path(self, field: Path, root: str = "spec") -> Path:
        """Where ``field`` of the pod's spec (or metadata) is, relative to the resource."""
        if root == "metadata":
            return (*self.metadata_path, *field) if self.metadata_path is not None else self.path
        best: tuple[Path, Path] | None = None
        for prefix, target in self.remap:
            if field[: len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = (prefix, target)
        if best is not None:
            return (*best[1], *field[len(best[0]) :])
        return (*self.path, *field)


@dataclass(frozen=True)
class Namespace:
    """A namespace: its labels and, if the input defines it, the Namespace object."""

    name: str
    labels: Mapping[str, str]
    resource: Resource | None = None


@dataclass
class Namespaces:
    """Every namespace known from the input and the command line."""

    known: dict[str, Namespace] = field(default_factory=dict)

    def get(self, name: str | None) -> Namespace:
        """The namespace ``name`` (``default`` for ``None``); unknown ones have no labels."""
        name = name or DEFAULT_NAMESPACE
        return self.known.get(name) or Namespace(name, {})

    def selector_labels(self, name: str | None) -> dict[str, str]:
        """Labels as a namespaceSelector sees them (with ``kubernetes.io/metadata.name``)."""
        namespace = self.get(name)
        return {**namespace.labels, "kubernetes.io/metadata.name": namespace.name}
