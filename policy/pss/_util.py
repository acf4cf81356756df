"""Helpers shared by the check modules: tolerant field access and container visiting.

Manifests are untrusted: any field can be missing, ``null`` or of the wrong type. These
helpers never raise on such input; a value of the wrong type reads as absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policy.pss.registry import FieldPath

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def get(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]...`` through mappings only; ``None`` where any step is missing."""
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def mapping(obj: Any) -> Mapping[str, Any]:
    """``obj`` if it is a mapping, else an empty one."""
    return obj if isinstance(obj, Mapping) else {}


def items(obj: Any) -> list[Any]:
    """``obj`` if it is a list, else an empty list."""
    return obj if isinstance(obj, list) else []


def visit_containers(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], FieldPath]]:
    """Every container of the pod spec: ``(name, container, path)``.

    Containers, then init containers (native sidecars included), then ephemeral
    containers, as PSA visits them. Entries that are not mappings are skipped.
    """
    for list_name in CONTAINER_LISTS:
        for index, container in enumerate(items(get(spec, list_name))):
            if isinstance(container, Mapping):
                name = container.get("name")
                yield (str(name) if name is not None else f"{list_name}[{index}]"), container, (
                    list_name,
                    index,
                )


def quote_list(values: list[str]) -> str:
    """``"a", "b"``: values quoted and joined as PSA's messages do."""
    return ", ".join(f'"{v}"' for v in values)
