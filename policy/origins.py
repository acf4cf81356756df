"""Point findings at the source files of a kustomize render, not at the render.

When a kustomization sets ``buildMetadata: [originAnnotations]``, every rendered object
carries ``config.kubernetes.io/origin`` with the ``path`` of the file it came from, relative
to the kustomization that was built. The resolver reads that file, finds the same object
(kind and name) in it and locates the field there; when the field was added by a patch, the
closest field the source file does have is used. Objects from remote bases (``repo:``) and
files that cannot be found keep the render's location.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from kubeflow_devtools.policy.documents import parse_chunk, split_documents
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.objects import Path, Resource
from kubeflow_devtools.policy.resources import locate, resources_of
from kubeflow_devtools.policy.sources import decode

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


def origin_path(resource: Resource) -> str | None:
    """The local ``path`` of a resource's origin annotation, if it has one."""
    metadata = resource.obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    value = annotations.get(ORIGIN_ANNOTATION) if isinstance(annotations, Mapping) else None
    if not isinstance(value, str):
        return None
    entries: dict[str, str] = {}
    for line in value.splitlines():
        key, sep, rest = line.partition(":")
        if sep and not line.startswith(" "):
            entries[key.strip()] = rest.strip().strip("'\"")
    if "repo" in entries:
        return None
    return entries.get("path") or None


@dataclass
class OriginResolver:
    """Maps a (resource, field path) to the source file and line its origin annotation names."""

    _files: dict[str, list[Resource] | None] = field(default_factory=dict)

    def _resources(self, path: str) -> list[Resource] | None:
        if path not in self._files:
            found: list[Resource] = []
            try:
                with open(path, "rb") as handle:
                    text = decode(path, handle.read())
                for chunk in split_documents(text):
                    found.extend(resources_of(parse_chunk(path, chunk)))
                self._files[path] = found
            except (OSError, InputError):
                self._files[path] = None
        return self._files[path]

    def locate(self, resource: Resource, relative: Path) -> tuple[str, int | None] | None:
        """The source ``(file, line)`` of field ``relative`` of ``resource``, or ``None``."""
        origin = origin_path(resource)
        if origin is None:
            return None
        root = resource.file if os.path.isdir(resource.file) else os.path.dirname(resource.file)
        source = os.path.normpath(os.path.join(root, origin))
        candidates = self._resources(source)
        if not candidates:
            return None
        match = next(
            (r for r in candidates if r.kind == resource.kind and r.name == resource.name), None
        )
        if match is None:
            return None
        return source, locate(match.root, (*match.base, *relative))


def where(
    resource: Resource, relative: Path, origins: OriginResolver | None
) -> tuple[str, int | None]:
    """The file and line of field ``relative`` of ``resource``: in the source file its origin
    annotation names, if any, else in the input."""
    if origins is not None:
        source = origins.locate(resource, relative)
        if source is not None:
            return source
    return resource.file, locate(resource.root, (*resource.base, *relative))
