"""Source links: every signature links to its lines in the SDK's repository at the release tag."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

LinkResolver = Callable[[str, Mapping[str, Any]], "str | None"]


def _lookup(module_name: str, fullname: str) -> Any:
    parts = module_name.split(".")
    obj: Any = None
    for cut in range(len(parts), 0, -1):  # kubeflow.katib.search is kubeflow.katib's attribute
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        break
    if obj is None:
        return None
    for part in filter(None, fullname.split(".")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if isinstance(obj, property):
        obj = obj.fget
    return inspect.unwrap(obj) if callable(obj) else obj


def source_link(sdk: Mapping[str, str], module_name: str, fullname: str) -> str | None:
    """The GitHub URL of ``module_name.fullname`` in ``sdk``'s repository, or None."""
    if not sdk.get("repository"):
        return None
    obj = _lookup(module_name, fullname)
    if obj is None or not (inspect.isclass(obj) or inspect.isroutine(obj)):
        return None
    try:
        filename = inspect.getsourcefile(obj)
        lines, start = inspect.getsourcelines(obj)
        package = importlib.import_module(sdk["package"])
    except (TypeError, OSError, ImportError):
        return None
    if filename is None or package.__file__ is None:
        return None
    root = Path(package.__file__).parents[len(sdk["package"].split("."))]
    try:
        rel = Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # defined outside the SDK (a dependency)
    prefix = sdk.get("source_root", "").strip("/")
    path = f"{prefix}/{rel}" if prefix else rel
    end = start + len(lines) - 1
    return f"{sdk['repository'].rstrip('/')}/blob/{sdk['tag']}/{path}#L{start}-L{end}"


def linkcode_resolver(sdks: Mapping[str, Mapping[str, str]]) -> LinkResolver:
    """A ``linkcode_resolve`` function for ``sphinx.ext.linkcode`` over the configured SDKs."""

    def resolve(domain: str, info: Mapping[str, Any]) -> str | None:
        if domain != "py" or not info.get("module"):
            return None
        module = str(info["module"])
        candidates = [
            sdk for sdk in sdks.values()
            if module == sdk["package"] or module.startswith(sdk["package"] + ".")
        ]  # fmt: skip
        if not candidates:
            return None
        sdk = max(candidates, key=lambda s: len(s["package"]))
        return source_link(sdk, module, str(info.get("fullname", "")))

    return resolve
