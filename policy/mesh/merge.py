"""Kubernetes' strategic merge patch, for a rendered injection template over a pod.

Istio lays each rendered template over the pod with ``strategicpatch`` and the ``corev1.Pod``
type (istio/istio@1.28.0:pkg/kube/inject/webhook.go, ``applyOverlayYAML``). The rules, from
kubernetes/apimachinery:pkg/util/strategicpatch/patch.go:

- maps merge key by key; a ``null`` in the patch deletes the key;
- lists the pod type marks ``patchStrategy:"merge"`` merge their items by the merge key
  (containers by ``name``, ports by ``containerPort``, volume mounts by ``mountPath``, ...):
  an item of the patch merges into the item with the same key, new ones are added; other
  lists are replaced by the patch's;
- the result's order: the patch's items in the patch's order, with the pod's other items
  put back where they stood relative to them (``normalizeElementOrder``), so a new item comes
  before the pod's items that follow no patch item;
- ``$patch: replace`` and ``$patch: delete`` in a map or list item are honoured;
- then, as after Go's typed decoding, ``null`` values are gone.

Not modelled: ``$retainKeys``, ``$setElementOrder`` and ``$deleteFromPrimitiveList`` (dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, tuple[str | None, "Schema | None"]]
"""Per field: the merge key of a list (``None``: replace; ``""``: a merged list of scalars),
and the schema of the nested map or of the list's items."""

CONTAINER: Schema = {
    "ports": ("containerPort", None),
    "env": ("name", None),
    "volumeMounts": ("mountPath", None),
    "volumeDevices": ("devicePath", None),
}
POD_SPEC: Schema = {
    "volumes": ("name", None),
    "initContainers": ("name", CONTAINER),
    "containers": ("name", CONTAINER),
    "ephemeralContainers": ("name", CONTAINER),
    "imagePullSecrets": ("name", None),
    "hostAliases": ("ip", None),
    "topologySpreadConstraints": ("topologyKey", None),
    "resourceClaims": ("name", None),
    "schedulingGates": ("name", None),
}
OBJECT_META: Schema = {"ownerReferences": ("uid", None), "finalizers": ("", None)}
POD: Schema = {"metadata": (None, OBJECT_META), "spec": (None, POD_SPEC)}
"""The patch metadata of ``corev1.Pod`` (k8s.io/api/core/v1/types.go struct tags)."""

DIRECTIVE = "$patch"


class MergeError(Exception):
    """A patch the strategic merge rejects (for example a list item without its merge key)."""


def strategic_merge(original: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``patch`` merged over the pod ``original`` (neither is changed). What the result takes
    from the patch has no ``null`` values left (``original`` is assumed to have none)."""
    return _merge_map(original, patch, POD)


def strip_nulls(value: Any) -> Any:
    """``value`` without ``null`` values and ``$`` directives (what typed decoding leaves):
    the value itself when it has none, else a copy of what changes."""
    if isinstance(value, dict):
        out: dict[Any, Any] | None = None
        for index, (key, item) in enumerate(value.items()):
            kept = None if isinstance(key, str) and key.startswith("$") else item
            if kept is not None and isinstance(kept, (dict, list)):
                kept = strip_nulls(kept)
            if out is None and (kept is None or kept is not item):
                out = dict(list(value.items())[:index])
            if out is not None and kept is not None:
                out[key] = kept
        return value if out is None else out
    if isinstance(value, list):
        items = [strip_nulls(v) if isinstance(v, (dict, list)) else v for v in value]
        if all(new is old for new, old in zip(items, value, strict=True)) and None not in items:
            return value
        return [v for v in items if v is not None]
    return value


def _directive_free(value: Any) -> tuple[Any, bool]:
    """``removeDirectives`` (and the ``null`` values typed decoding drops): the value without
    them, and whether to keep it at all."""
    if isinstance(value, (dict, list)):
        kept = _free(value)
        return (None, False) if kept is _DROP else (kept, True)
    return value, True


_DROP = object()
"""What :func:`_free` returns for a mapping with a ``$patch`` directive (dropped)."""


def _free(value: Any) -> Any:
    """The dict or list ``value`` without directives and ``null`` values, or :data:`_DROP`:
    the value itself when it has none (nothing here changes a value in place, and neither
    does the injection after it: every change is made on a copy), else a copy."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return _DROP
        out: dict[str, Any] | None = None
        for index, (key, item) in enumerate(value.items()):
            kept = item
            if kept is not None and isinstance(kept, (dict, list)):
                kept = _free(kept)
                if kept is _DROP:
                    kept = None
            if out is None and (kept is None or kept is not item):
                out = dict(list(value.items())[:index])
            if out is not None and kept is not None:
                out[key] = kept
        return value if out is None else out
    items: list[Any] | None = None
    for index, item in enumerate(value):
        kept = item
        if kept is not None and isinstance(kept, (dict, list)):
            kept = _free(kept)
            if kept is _DROP:
                kept = None
        if items is None and (kept is None or kept is not item):
            items = list(value[:index])
        if items is not None and kept is not None:
            items.append(kept)
    return value if items is None else items


def _merge_map(
    original: Mapping[str, Any], patch: Mapping[str, Any], schema: Schema | None
) -> dict[str, Any]:
    directive = patch.get(DIRECTIVE)
    if directive == "replace":
        return {k: v for k, v in patch.items() if k != DIRECTIVE}
    if directive == "delete":
        return {}
    if directive is not None:
        raise MergeError(f"unknown patch type {directive!r}")
    result = dict(original)
    for key, value in patch.items():
        if isinstance(key, str) and key.startswith("$"):
            continue
        if value is None:
            result.pop(key, None)
            continue
        current = result.get(key)
        list_key, nested = (schema or {}).get(key, (None, None))
        if key not in result or _shape(current) != _shape(value):
            kept, keep = _directive_free(value)
            if keep:
                result[key] = kept
            else:
                result.pop(key, None)
        elif isinstance(value, dict) and isinstance(current, dict):
            result[key] = _merge_map(current, value, nested)
        elif isinstance(value, list) and isinstance(current, list) and list_key is not None:
            result[key] = _merge_list(current, value, list_key, nested)
        else:
            result[key], _ = (
                _directive_free(value) if isinstance(value, (dict, list)) else (value, True)
            )
    return result


def _shape(value: Any) -> type:
    if isinstance(value, dict):
        return dict
    if isinstance(value, list):
        return list
    return type(value)


def _key_of(item: Any, merge_key: str) -> Any:
    if merge_key == "":
        return item
    if not isinstance(item, dict) or merge_key not in item:
        raise MergeError(f"a list item has no merge key {merge_key!r}: {item!r}")
    return item[merge_key]


def _merge_list(
    original: list[Any], patch: list[Any], merge_key: str, schema: Schema | None
) -> list[Any]:
    if not original and not patch:
        return list(original)
    if merge_key == "" or not all(isinstance(v, dict) for v in [*original, *patch]):
        merged: list[Any] = []
        for item in [*original, *patch]:
            if item not in merged:
                merged.append(item)
        patch_items = patch
    else:
        base = list(original)
        plain: list[Mapping[str, Any]] = []
        for item in patch:
            directive = item.get(DIRECTIVE)
            if directive == "delete":
                value = _key_of(item, merge_key)
                base = [o for o in base if _key_of(o, merge_key) != value]
            elif directive == "replace":
                base = []
            elif directive is not None:
                raise MergeError(f"unknown patch type {directive!r}")
            else:
                plain.append(item)
        if any(item.get(DIRECTIVE) == "replace" for item in patch):
            return [_directive_free(item)[0] for item in plain]
        merged = base
        for item in plain:
            value = _key_of(item, merge_key)
            index = next((i for i, o in enumerate(merged) if _key_of(o, merge_key) == value), None)
            if index is None:
                merged.append(_directive_free(item)[0])
            else:
                merged[index] = _merge_map(merged[index], item, schema)
        patch_items = plain
    return _normalize_order(merged, patch_items, original, merge_key)


def _normalize_order(
    merged: list[Any], patch: list[Any], original: list[Any], merge_key: str
) -> list[Any]:
    """``normalizeElementOrder``: the patch's items in patch order, the others put back."""

    def position(items: list[Any], item: Any) -> int:
        key = _key_of(item, merge_key)
        return next((i for i, o in enumerate(items) if _key_of(o, merge_key) == key), -1)

    patch_keys = [_key_of(p, merge_key) for p in patch]
    from_patch = [m for m in merged if _key_of(m, merge_key) in patch_keys]
    server_only = [m for m in merged if _key_of(m, merge_key) not in patch_keys]
    from_patch.sort(key=lambda m: position(patch, m))
    server_only.sort(key=lambda m: position(original, m))
    out: list[Any] = []
    i = j = 0
    while i < len(server_only) or j < len(from_patch):
        if i >= len(server_only):
            out.append(from_patch[j])
            j += 1
        elif j >= len(from_patch):
            out.append(server_only[i])
            i += 1
        else:
            left = position(original, server_only[i])
            right = position(original, from_patch[j])
            if left >= 0 and right >= 0 and left < right:
                out.append(server_only[i])
                i += 1
            else:
                out.append(from_patch[j])
                j += 1
    return out
