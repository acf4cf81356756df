"""Documents to Kubernetes resources: objects with ``apiVersion`` and ``kind``, Lists expanded."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubeflow_devtools.policy.documents import Document
from kubeflow_devtools.policy.model.objects import Path, Resource


def is_object(data: Any) -> bool:
    """Whether a value looks like a Kubernetes object: a mapping with string kind and apiVersion."""
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("kind"), str)
        and isinstance(data.get("apiVersion"), str)
        and bool(data["kind"])
    )


def is_list_kind(data: Mapping[str, Any]) -> bool:
    """Whether an object is a List (``v1/List`` or any ``*List`` kind) holding ``items``."""
    return str(data.get("kind", "")).endswith("List") and isinstance(data.get("items"), list)


def resources_of(document: Document) -> Iterator[Resource]:
    """The resources of one document: the object itself, or the items of a List (recursively).

    Yields nothing for documents that are not Kubernetes objects.
    """
    stack: list[tuple[Any, Path]] = [(document.data, ())]
    while stack:
        data, base = stack.pop()
        if not is_object(data):
            continue
        if is_list_kind(data):
            items = data["items"]
            stack.extend((items[i], (*base, "items", i)) for i in reversed(range(len(items))))
            continue
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        name = metadata.get("name")
        if not isinstance(name, str):
            generate = metadata.get("generateName")
            name = f"{generate}*" if isinstance(generate, str) else ""
        namespace = metadata.get("namespace")
        yield Resource(
            api_version=data["apiVersion"],
            kind=data["kind"],
            name=name,
            namespace=namespace if isinstance(namespace, str) and namespace else None,
            obj=data,
            file=document.file,
            document=document.index,
            line=getattr(data, "line", document.line),
            root=document.data,
            base=base,
        )


def locate(root: Any, path: Path) -> int | None:
    """The line of the deepest existing field along ``path`` in a parsed document.

    A missing field locates at its closest existing parent, so a finding about a value that
    should be there points at the object that lacks it.
    """
    node = root
    line: int | None = getattr(root, "line", None)
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or not 0 <= step < len(node):
                break
            lines = getattr(node, "item_lines", None)
            line = lines[step] if lines is not None else line
            node = node[step]
        else:
            if not isinstance(node, Mapping) or step not in node:
                break
            key_lines = getattr(node, "key_lines", None)
            line = key_lines.get(step, line) if key_lines is not None else line
            node = node[step]
    return line
