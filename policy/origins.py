"""Point findings at the source files of a kustomize render, not at the render.

When a kustomization sets ``buildMetadata: [originAnnotations]``, every rendered object
carries ``config.kubernetes.io/origin`` with the ``path`` of the file it came from, relative
to the kustomization that was built. The resolver reads that file, finds the same object
(kind and name) in it and locates the field there; when the field was added by a patch, the
closest field the source file does have is used. Objects from remote bases (``repo:``) and
files that cannot be found keep the render's location.

A repository run builds each root through a wrapper that also turns
``transformerAnnotations`` on (:func:`kubeflow_devtools.policy.kustomize.build`): every object
then names the kustomizations whose patches changed it
(``alpha.config.kubernetes.io/transformations``). Given those kustomizations' patches
(:class:`~kubeflow_devtools.policy.discovery.Patch`), a field that a patch sets is located in
the patch (the last patch applied wins): strategic merge patches match list items by their
merge key (``name``, ``mountPath``, ``containerPort``), JSON patches by their operation's
path. List items of the source file are matched the same way, so a container that a patch
moved is still found.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubeflow_devtools.policy.documents import parse_chunk, peek_kind, split_documents
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.objects import Path, Resource
from kubeflow_devtools.policy.resources import locate, resources_of
from kubeflow_devtools.policy.sources import decode

if TYPE_CHECKING:  # discovery is loaded for folders only
    from kubeflow_devtools.policy.discovery import Patch

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations"
PATCH_TRANSFORMERS = frozenset(
    {"PatchTransformer", "PatchStrategicMergeTransformer", "PatchJson6902Transformer"}
)
NEVER_LOCATED = frozenset({"CustomResourceDefinition"})
"""Kinds whose sources are never parsed to locate a field (they hold no pod; they are big)."""
MERGE_KEYS = ("name", "mountPath", "containerPort", "devicePath")
"""The keys strategic merge patches match list items by (the ones pod specs use)."""


def _annotation(resource: Resource, name: str) -> str | None:
    metadata = resource.obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    value = annotations.get(name) if isinstance(annotations, Mapping) else None
    return value if isinstance(value, str) else None


def patched_by(resource: Resource) -> list[str]:
    """The kustomization files (as the build names them) whose patches changed ``resource``,
    in the order they were applied."""
    value = _annotation(resource, TRANSFORMATIONS_ANNOTATION)
    if value is None:
        return []
    files: list[str] = []
    configured_in = None
    for line in value.splitlines():
        key, _, rest = line.strip().removeprefix("- ").partition(":")
        if key == "configuredIn":
            configured_in = rest.strip().strip("'\"")
        elif key == "kind" and rest.strip() in PATCH_TRANSFORMERS and configured_in:
            if configured_in in files:
                files.remove(configured_in)
            files.append(configured_in)
    return files


def origin_path(resource: Resource) -> str | None:
    """The local ``path`` of a resource's origin annotation, if it has one."""
    value = _annotation(resource, ORIGIN_ANNOTATION)
    if value is None:
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
    """Maps a (resource, field path) to the source file and line its origin annotation names.

    ``base``: the folder the build's annotation paths are relative to (the wrapper of a
    repository build; ``None``: the rendered folder, or the render's own folder).
    ``patches``: the patches of each kustomization file (absolute path) of the build.
    """

    base: str | None = None
    patches: Mapping[str, tuple[Patch, ...]] = field(default_factory=dict)
    _files: dict[str, list[Resource] | None] = field(default_factory=dict)
    _patch_docs: dict[tuple[str, int, str | None], list[Any]] = field(default_factory=dict)

    def _path(self, relative: str) -> str:
        """A path of the build's annotations as the user sees it (relative to the cwd)."""
        assert self.base is not None
        absolute = os.path.normpath(os.path.join(self.base, relative))
        shown = os.path.relpath(absolute)
        return absolute if shown.startswith("..") else shown

    def _resources(self, path: str) -> list[Resource] | None:
        if path not in self._files:
            found: list[Resource] = []
            try:
                with open(path, "rb") as handle:
                    text = decode(path, handle.read())
                for chunk in split_documents(text):
                    if peek_kind(chunk.text) not in NEVER_LOCATED:
                        found.extend(resources_of(parse_chunk(path, chunk)))
                self._files[path] = found
            except (OSError, InputError):
                self._files[path] = None
        return self._files[path]

    def locate(self, resource: Resource, relative: Path) -> tuple[str, int | None] | None:
        """The source ``(file, line)`` of field ``relative`` of ``resource``, or ``None``."""
        if self.base is not None:
            patched = self._in_patches(resource, relative)
            if patched is not None:
                return patched
        origin = origin_path(resource)
        if origin is None:
            return None
        if self.base is not None:
            source = self._path(origin)
        else:
            folder = resource.file if os.path.isdir(resource.file) else None
            source = os.path.normpath(
                os.path.join(folder or os.path.dirname(resource.file), origin)
            )
        candidates = self._resources(source)
        if not candidates:
            return None
        match = next(
            (r for r in candidates if r.kind == resource.kind and r.name == resource.name), None
        )
        if match is None:
            same_kind = [r for r in candidates if r.kind == resource.kind and r.name]
            named = [r for r in same_kind if r.name in resource.name]
            match = named[0] if len(named) == 1 else None
        if match is None:
            return None
        if self.base is None:
            return source, locate(match.root, (*match.base, *relative))
        line, _ = follow(resource.obj, _at(match.root, match.base), relative)
        return source, line

    def _in_patches(self, resource: Resource, relative: Path) -> tuple[str, int] | None:
        """Where the last patch that sets field ``relative`` of ``resource`` sets it."""
        for configured_in in reversed(patched_by(resource)):
            file = os.path.abspath(os.path.normpath(os.path.join(self.base or "", configured_in)))
            for patch in reversed(self.patches.get(file, ())):
                line = self._patch_line(patch, resource, relative)
                if line is not None:
                    shown = os.path.relpath(patch.file)
                    return (patch.file if shown.startswith("..") else shown), line
        return None

    def _docs(self, patch: Patch) -> list[Any]:
        """The parsed documents of a patch, each with the offset of its lines in the file."""
        key = (patch.file, patch.line, patch.text)
        if key not in self._patch_docs:
            docs: list[Any] = []
            try:
                if patch.text is None:
                    with open(patch.file, "rb") as handle:
                        text = decode(patch.file, handle.read())
                else:
                    text = patch.text
                docs = [parse_chunk(patch.file, chunk).data for chunk in split_documents(text)]
            except (OSError, InputError):
                docs = []
            self._patch_docs[key] = docs
        return self._patch_docs[key]

    def _patch_line(self, patch: Patch, resource: Resource, relative: Path) -> int | None:
        """The line (in the patch's file) where ``patch`` sets field ``relative``, if it does."""
        offset = patch.line - _first_line(patch.text) if patch.text is not None else 0
        for doc in self._docs(patch):
            if patch.json6902 or isinstance(doc, list):
                if patch.target is None or not _targets(patch.target, resource):
                    continue
                line = _json_patch_line(doc, resource, relative)
            else:
                if not isinstance(doc, Mapping):
                    continue
                if patch.target is not None:
                    if not _targets(patch.target, resource):
                        continue
                elif not _same_object(doc, resource):
                    continue
                line, complete = follow(resource.obj, doc, relative)
                line = line if complete else None
            if line is not None:
                return line + offset
        return None


def _first_line(text: str | None) -> int:
    """The 1-based line of the first non-blank line of an inline patch's text."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            return number
    return 1


def _at(obj: Any, path: Path) -> Any:
    for step in path:
        obj = obj[step]
    return obj


def _same_object(doc: Mapping[str, Any], resource: Resource) -> bool:
    """Whether a strategic merge patch document is about ``resource`` (kind and name)."""
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return doc.get("kind") == resource.kind and isinstance(name, str) and name in resource.name


def _targets(target: Mapping[str, Any], resource: Resource) -> bool:
    """Whether a patch's ``target`` selector (kind, name, group, version) selects ``resource``."""
    version = resource.api_version.rpartition("/")[2]
    for key, value in (
        ("kind", resource.kind),
        ("name", resource.name),
        ("group", resource.group),
        ("version", version),
    ):
        pattern = target.get(key)
        if isinstance(pattern, str) and pattern:
            try:
                hit = re.fullmatch(pattern, value) is not None
            except re.error:
                hit = pattern == value
            if not hit and not (key == "name" and pattern in value):
                return False
    return True


def _merge_key(item: Any) -> tuple[str, Any] | None:
    if isinstance(item, Mapping):
        for key in MERGE_KEYS:
            if key in item:
                return key, item[key]
    return None


def follow(rendered: Any, source: Any, path: Path) -> tuple[int | None, bool]:
    """The line of field ``path`` of the rendered object in ``source`` (a source object or a
    patch), and whether the whole path exists there.

    List items are matched by merge key (the rendered item's ``name``, ...), else by index;
    a field ``source`` lacks gives the line of its closest existing parent.
    """
    line: int | None = getattr(source, "line", None)
    for step in path:
        if isinstance(step, int):
            if not isinstance(source, list):
                return line, False
            item = rendered[step] if isinstance(rendered, list) and step < len(rendered) else None
            key = _merge_key(item)
            index = step
            if key is not None:
                index = next((i for i, s in enumerate(source) if _merge_key(s) == key), len(source))
            if not 0 <= index < len(source):
                return line, False
            lines = getattr(source, "item_lines", None)
            line = lines[index] if lines is not None else line
            source, rendered = source[index], item
        else:
            if not isinstance(source, Mapping) or step not in source:
                return line, False
            key_lines = getattr(source, "key_lines", None)
            line = key_lines.get(step, line) if key_lines is not None else line
            source = source[step]
            rendered = rendered.get(step) if isinstance(rendered, Mapping) else None
    return line, True


def _pointer(path: str) -> Path:
    """A JSON pointer (``/spec/containers/0``) as a field path."""
    steps: list[str | int] = []
    for part in path.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        steps.append(int(part) if part.isdigit() else part)
    return tuple(steps)


def _json_patch_line(ops: Any, resource: Resource, relative: Path) -> int | None:
    """The line of the last ``add``/``replace`` operation of a JSON patch that sets the field."""
    if not isinstance(ops, list):
        return None
    for op in reversed(ops):
        if not isinstance(op, Mapping) or op.get("op") not in ("add", "replace"):
            continue
        if not isinstance(op.get("path"), str):
            continue
        pointer = _pointer(op["path"])
        if pointer and pointer[-1] == "-":
            parent: Any = resource.obj
            for step in pointer[:-1]:
                parent = parent.get(step) if isinstance(parent, Mapping) else None
            pointer = (*pointer[:-1], len(parent) - 1 if isinstance(parent, list) else 0)
        if relative[: len(pointer)] != pointer:
            continue
        value_line = getattr(op, "key_lines", {}).get("value", getattr(op, "line", None))
        rest = relative[len(pointer) :]
        if not rest:
            return int(value_line) if value_line is not None else None
        line, complete = follow(None, op.get("value"), rest)
        if complete:
            return line
    return None


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
