"""Helpers shared by the check modules: tolerant field access and container visiting.

Manifests are untrusted: any field can be missing, ``null`` or of the wrong type. These
helpers never raise on such input; a value of the wrong type reads as absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubeflow_devtools.policy.pss.registry import FieldPath

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def get(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]...`` through mappings only; ``None`` where any step is missing."""
    for key in keys:
        if not isinstance(obj, dict) and not isinstance(obj, Mapping):  # dict: no ABC check
            return None
        obj = obj.get(key)
    return obj


def mapping(obj: Any) -> Mapping[str, Any]:
    """``obj`` if it is a mapping, else an empty one."""
    return obj if isinstance(obj, (dict, Mapping)) else {}


def items(obj: Any) -> list[Any]:
    """``obj`` if it is a list, else an empty list."""
    return obj if isinstance(obj, list) else []


def visit_containers(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], FieldPath]]:
    """Every container of the pod spec: ``(name, container, path)``.

    Containers, then init containers (native sidecars included), then ephemeral
    containers: the same set PSA visits (PSA starts with init containers; the order does not
    change any verdict). Entries that are not mappings are skipped.
    """
    for list_name in CONTAINER_LISTS:
        for index, container in enumerate(items(get(spec, list_name))):
            if isinstance(container, Mapping):
                name = container.get("name")
                yield (
                    (str(name) if name is not None else f"{list_name}[{index}]"),
                    container,
                    (
                        list_name,
                        index,
                    ),
                )


def text(obj: Any) -> str:
    """A string field as Go sees it after decoding: the string, else ``""`` (its zero value)."""
    return obj if isinstance(obj, str) else ""


def integer(obj: Any) -> int | None:
    """An integer field: ``obj`` if it is an ``int`` (not a ``bool``), else ``None`` (absent)."""
    return obj if isinstance(obj, int) and not isinstance(obj, bool) else None


def raw_name(container: Mapping[str, Any]) -> str:
    """The container's name as PSA reads it (``""`` when missing or not a string)."""
    return text(container.get("name"))


def is_windows_pod(spec: Mapping[str, Any]) -> bool:
    """``spec.os.name == "windows"``: PSA exempts such pods from some restricted checks (v1.25+)."""
    return bool(get(spec, "os", "name") == "windows")


def in_user_namespace(spec: Mapping[str, Any]) -> bool:
    """``spec.hostUsers`` is explicitly ``false``: the pod runs in a user namespace."""
    return get(spec, "hostUsers") is False


def annotation_items(metadata: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The pod's annotations as ``(key, value)`` pairs, as Go decodes a ``map[string]string``.

    A ``null`` value reads as ``""``; entries with a non-string key or value are skipped.
    """
    return [
        (key, "" if value is None else value)
        for key, value in mapping(get(metadata, "annotations")).items()
        if isinstance(key, str) and (value is None or isinstance(value, str))
    ]
