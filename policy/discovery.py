"""Repository discovery: which inputs a folder holds, and what each of them reads.

A maintainer's checkout holds kustomizations (``kustomization.yaml``, ``kustomization.yml``,
``Kustomization``) that include one another, Helm charts (``Chart.yaml``) and a few plain
manifests. :func:`discover` reads every kustomization file below a folder, follows the local
references of each (``resources``, ``bases``, ``components``, ``crds``, ``configurations``,
``patches``, ``patchesStrategicMerge``, ``patchesJson6902``, ``replacements``, the files of
``configMapGenerator``/``secretGenerator``, ``generators``, ``transformers``, ``validators``,
``openapi``) and returns the *inputs* to check:

- every kustomization no other kustomization includes (a *root*), with the files its build
  reads and the remote bases it needs; a root of ``kind: Component`` is listed, never built;
- every Helm chart (rendered by ``helm template`` where ``helm`` is installed);
- the plain manifests outside any kustomization or chart, read as one world as before.

Nothing below a kustomization's folder, and nothing a kustomization reads, is ever read as a
finished object: those are patches, bases that overlays change, generator inputs or leftovers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.kustomize import KUSTOMIZATION_FILES
from kubeflow_devtools.policy.sources import MANIFEST_SUFFIXES

CHART_FILE = "Chart.yaml"
"""The file that makes a folder a Helm chart."""

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)")

_FOLDER_FIELDS = ("resources", "bases", "components")
"""Fields whose entries are kustomizations (folders) or resource files."""

_FILE_FIELDS = ("crds", "configurations")
"""Fields whose entries are files."""

_PLUGIN_FIELDS = ("generators", "transformers", "validators")
"""Fields whose entries are files, kustomization folders or inline configurations."""


@dataclass(frozen=True)
class Patch:
    """A patch a kustomization applies: in a file, or written inline in the kustomization.

    ``file`` is the patch file, or the kustomization file for an inline patch, whose text is
    ``text`` and whose first line is ``line`` of ``file``. ``json6902``: a JSON patch (a list of
    operations); else a strategic merge patch. ``target``: the ``target`` selector, if any.
    """

    file: str
    json6902: bool
    target: Mapping[str, Any] | None = None
    text: str | None = None
    line: int = 1


@dataclass(frozen=True)
class Node:
    """One kustomization: what it includes, reads and needs.

    ``includes`` are the folders of the kustomizations it includes (bases, components,
    plug-in configurations); ``reads`` the other files it reads (resource files, patches,
    generator inputs) and its own kustomization file; ``remotes`` the remote bases it names;
    ``missing`` the local references that resolve to nothing.
    """

    folder: str
    file: str
    kind: str
    includes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    remotes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    patches: tuple[Patch, ...] = ()
    error: InputError | None = None

    @property
    def component(self) -> bool:
        """Whether this is a ``kind: Component`` (only ever built by what includes it)."""
        return self.kind == "Component"


@dataclass(frozen=True)
class Input:
    """One thing to check: a kustomization root, a Helm chart, or the plain manifests.

    ``kind`` is ``kustomization``, ``helm`` or ``files``; ``reads`` every file a build of it
    reads (for a ``files`` input: its files), so the build can be cached by their content and
    selected by a change to any of them; ``nodes`` the kustomizations it builds, the root
    first; ``remotes`` the remote bases it needs.
    """

    path: str
    kind: str
    reads: tuple[str, ...]
    nodes: tuple[str, ...] = ()
    remotes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    component: bool = False


@dataclass(frozen=True)
class Repository:
    """What :func:`discover` found below ``top``."""

    top: str
    nodes: Mapping[str, Node]
    inputs: tuple[Input, ...]
    unlisted: tuple[str, ...]
    """Manifest files below a kustomization that no kustomization reads (never checked)."""
    errors: tuple[InputError, ...] = ()


def kustomization_file(folder: str) -> str | None:
    """The kustomization file of ``folder``, or ``None``."""
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def is_remote(reference: str) -> bool:
    """Whether a kustomization reference names a remote base (a URL or a git repository)."""
    return bool(_REMOTE.match(reference)) or "?ref=" in reference or "//" in reference[1:]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def load_yaml(text: str) -> Any:
    """A kustomization file's content (raises ``yaml.YAMLError`` when it is no YAML)."""
    return yaml.load(text, Loader=Loader)


Load = Callable[[str], Any]
"""How a kustomization file's text becomes data (:func:`load_yaml`, or a memo of it)."""


def read_node(folder: str, load: Load = load_yaml) -> Node:
    """Read the kustomization in ``folder`` and resolve its local references."""
    file = kustomization_file(folder) or os.path.join(folder, KUSTOMIZATION_FILES[0])
    try:
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
        data = load(text)
    except (OSError, UnicodeDecodeError) as exc:
        return Node(folder, file, "Kustomization", error=InputError(file, None, str(exc)))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return Node(folder, file, "Kustomization", error=InputError(file, line, "invalid YAML"))
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        error = InputError(file, 1, "a kustomization must be a mapping")
        return Node(folder, file, "Kustomization", error=error)
    kind = str(data.get("kind") or "Kustomization")
    includes: list[str] = []
    reads: list[str] = [file]
    remotes: list[str] = []
    missing: list[str] = []

    def reference(entry: str, *, folders: bool) -> None:
        path = os.path.normpath(os.path.join(folder, entry))
        if os.path.isdir(path) and folders:
            if kustomization_file(path) is not None:
                includes.append(path)
            else:
                missing.append(entry)
        elif os.path.isfile(path):
            reads.append(path)
        elif is_remote(entry):
            remotes.append(entry)
        else:
            missing.append(entry)

    for key in _FOLDER_FIELDS:
        for entry in _strings(data.get(key)):
            reference(entry, folders=True)
    for key in _FILE_FIELDS:
        for entry in _strings(data.get(key)):
            reference(entry, folders=False)
    for key in _PLUGIN_FIELDS:
        for entry in _strings(data.get(key)):
            if "\n" not in entry:
                reference(entry, folders=True)
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in _mappings(data.get(key)):
            names = _strings(generator.get("files")) + _strings(generator.get("envs"))
            names += _strings(generator.get("env"))
            for entry in names:
                reference(entry.partition("=")[2] or entry, folders=False)
    for replacement in _mappings(data.get("replacements")):
        if isinstance(replacement.get("path"), str):
            reference(replacement["path"], folders=False)
    openapi = data.get("openapi")
    if isinstance(openapi, Mapping) and isinstance(openapi.get("path"), str):
        reference(openapi["path"], folders=False)
    patches = list(_patches(folder, file, text, data, reference))
    return Node(
        folder=folder,
        file=file,
        kind=kind,
        includes=tuple(dict.fromkeys(includes)),
        reads=tuple(dict.fromkeys(reads)),
        remotes=tuple(remotes),
        missing=tuple(missing),
        patches=tuple(patches),
    )


def _patches(
    folder: str, file: str, text: str, data: Mapping[str, Any], reference: Any
) -> Iterator[Patch]:
    """The patches of a kustomization, in the order kustomize applies them."""
    for entry in _strings(data.get("patchesStrategicMerge")):
        if "\n" in entry or not entry.strip().endswith((".yaml", ".yml", ".json")):
            yield Patch(file, False, None, entry, _inline_line(text, entry))
        else:
            reference(entry, folders=False)
            yield Patch(os.path.normpath(os.path.join(folder, entry)), False)
    for key, json6902 in (("patchesJson6902", True), ("patches", False)):
        for item in _mappings(data.get(key)):
            target = item.get("target") if isinstance(item.get("target"), Mapping) else None
            if isinstance(item.get("path"), str):
                reference(item["path"], folders=False)
                path = os.path.normpath(os.path.join(folder, item["path"]))
                yield Patch(path, json6902 or _is_json_patch_file(path), target)
            elif isinstance(item.get("patch"), str):
                patch = item["patch"]
                json_patch = json6902 or patch.lstrip().startswith("-")
                yield Patch(file, json_patch, target, patch, _inline_line(text, patch))


def _inline_line(text: str, patch: str) -> int:
    """The line of ``text`` (a kustomization file) where an inline patch's text begins."""
    first = next((line.strip() for line in patch.splitlines() if line.strip()), "")
    at = text.find(first) if first else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _is_json_patch_file(path: str) -> bool:
    """Whether a patch file holds a JSON 6902 patch (a list of operations)."""
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    content = [line for line in head.splitlines() if line.strip() and not line.startswith("#")]
    return bool(content) and content[0].lstrip().startswith(("-", "["))


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` in sorted order, hidden folders skipped, links followed once."""
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(top, followlinks=True):
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield os.path.normpath(folder), dirs, sorted(files)


def _node(folder: str, nodes: dict[str, Node], load: Load) -> Node:
    if folder not in nodes:
        nodes[folder] = read_node(folder, load)
    return nodes[folder]


def root_input(folder: str, nodes: dict[str, Node], load: Load = load_yaml) -> Input:
    """The input of the kustomization in ``folder``: what its build reads and needs."""
    order: list[str] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        if current in order:
            continue
        order.append(current)
        stack.extend(reversed(_node(current, nodes, load).includes))
    members = [nodes[f] for f in order]
    reads = dict.fromkeys(path for node in members for path in node.reads)
    return Input(
        path=folder,
        kind="kustomization",
        reads=tuple(reads),
        nodes=tuple(order),
        remotes=tuple(dict.fromkeys(r for node in members for r in node.remotes)),
        missing=tuple(os.path.join(node.folder, m) for node in members for m in node.missing),
        component=nodes[folder].component,
    )


def discover(top: str, load: Load = load_yaml) -> Repository:
    """The inputs below the folder ``top``: kustomization roots, Helm charts, plain files.

    A kustomization folder given as ``top`` is its own single root. Paths are ``top`` joined
    with the path below it (normalised), so they read as the user typed them. ``load`` turns
    a kustomization file's text into data.
    """
    top = os.path.normpath(top)
    nodes: dict[str, Node] = {}
    if kustomization_file(top) is not None:
        root = root_input(top, nodes, load)
        return Repository(top, nodes, (root,), (), _node_errors(nodes.values()))
    folders: list[str] = []
    charts: list[str] = []
    manifests: list[str] = []
    for folder, dirs, files in _walk(top):
        if CHART_FILE in files:
            charts.append(folder)
            dirs[:] = []
            continue
        if any(name in files for name in KUSTOMIZATION_FILES):
            folders.append(folder)
        manifests += [
            os.path.normpath(os.path.join(folder, f))
            for f in files
            if f.endswith(MANIFEST_SUFFIXES)
        ]
    for folder in folders:
        _node(folder, nodes, load)
    included = {f for node in list(nodes.values()) for f in node.includes}
    roots = [root_input(f, nodes, load) for f in folders if f not in included]
    read = {path for node in nodes.values() for path in node.reads}
    owned = tuple(f + os.sep for f in folders)
    plain = tuple(p for p in manifests if p not in read and not p.startswith(owned))
    unlisted = tuple(p for p in manifests if p not in read and p.startswith(owned))
    inputs: list[Input] = [*roots]
    inputs += [Input(c, "helm", tuple(_files_below(c))) for c in charts]
    if plain:
        inputs.append(Input(top, "files", plain))
    return Repository(top, nodes, tuple(inputs), unlisted, _node_errors(nodes.values()))


def _files_below(folder: str) -> Iterator[str]:
    for current, _dirs, files in _walk(folder):
        yield from (os.path.join(current, f) for f in files)


def _node_errors(nodes: Iterable[Node]) -> tuple[InputError, ...]:
    return tuple(node.error for node in nodes if node.error is not None)
