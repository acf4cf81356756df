"""Source links: every signature links to its lines in the SDK's repository at the release tag.

:func:`locate` finds where an object of a configured SDK is defined (file, lines, the line of
the docstring a page shows); the HTML build's ``linkcode_resolve`` and the Hugo pages' source
links and "Edit this page" parameters are all made from it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeflow_devtools.docgen.inventory import resolve_dotted
from kubeflow_devtools.docgen.sources import source_lines

LinkResolver = Callable[[str, Mapping[str, Any]], "str | None"]


@dataclass(frozen=True)
class SourceLocation:
    """Where an object is defined in its SDK's repository, at the release tag.

    Attributes:
        repository: The repository's URL (``https://github.com/kubeflow/katib``).
        tag: The release tag (``v0.19.0``).
        path: The file, relative to the repository root.
        start: The first line of the definition.
        end: Its last line.
        docstring: The line where the docstring a page shows starts (a class without one: its
            constructor's), else :attr:`start`.
    """

    repository: str
    tag: str
    path: str
    start: int
    end: int
    docstring: int

    @property
    def url(self) -> str:
        """The definition's lines on GitHub."""
        base = self.repository.rstrip("/")
        return f"{base}/blob/{self.tag}/{self.path}#L{self.start}-L{self.end}"

    @property
    def edit_path(self) -> str:
        """``tag/path#Lline`` of the docstring: what follows ``/edit/`` in an edit URL."""
        return f"{self.tag}/{self.path}#L{self.docstring}"


def _lookup(module_name: str, fullname: str) -> Any:
    obj = resolve_dotted(module_name)
    if obj is None:
        return None
    for part in filter(None, fullname.split(".")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if isinstance(obj, property):
        obj = obj.fget
    return inspect.unwrap(obj) if callable(obj) else obj


def _docstring_line(obj: Any, lines: Sequence[str], start: int) -> int:
    """The line of ``obj``'s docstring (a class without one: its own ``__init__``'s)."""
    if inspect.isclass(obj) and not obj.__dict__.get("__doc__") and "__init__" in vars(obj):
        init = inspect.unwrap(vars(obj)["__init__"])
        found = source_lines(init)
        if found is None:
            return start
        return _docstring_line(init, found[0], found[1])
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return start
    body = tree.body if inspect.ismodule(obj) else getattr(tree.body[0], "body", [])
    first = body[0] if body else None
    is_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if is_docstring and isinstance(first.value.value, str):  # type: ignore[union-attr]
        return start + first.lineno - 1  # type: ignore[union-attr]
    return start


def locate(sdk: Mapping[str, str], module_name: str, fullname: str) -> SourceLocation | None:
    """Where ``module_name.fullname`` (a module, class or function) of ``sdk`` is defined.

    Args:
        sdk: One entry of ``docgen_sdks``: ``package``, ``repository``, ``tag``, ``source_root``.
        module_name: The module the object is documented in.
        fullname: Its name in the module (empty: the module itself).

    Returns:
        The location, or ``None`` when there is no repository, the object is data, or it is
        defined outside the SDK (a dependency).
    """
    if not sdk.get("repository"):
        return None
    obj = _lookup(module_name, fullname)
    if obj is None or not (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj)):
        return None
    found = source_lines(obj)
    try:
        filename = inspect.getsourcefile(obj)
        package = importlib.import_module(sdk["package"])
    except (TypeError, OSError, ImportError):
        return None
    if found is None:
        return None
    lines, start = found[0], 1 if inspect.ismodule(obj) else found[1]
    if filename is None or package.__file__ is None:
        return None
    root = Path(package.__file__).parents[len(sdk["package"].split("."))]
    try:
        rel = Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # defined outside the SDK (a dependency)
    if not rel.startswith(sdk["package"].split(".")[0] + "/"):
        return None  # a dependency installed beside it (kfp, which kubeflow.pipelines exports)
    prefix = sdk.get("source_root", "").strip("/")
    path = f"{prefix}/{rel}" if prefix else rel
    end = start + max(len(lines), 1) - 1
    return SourceLocation(
        sdk["repository"], sdk["tag"], path, start, end, _docstring_line(obj, lines, start)
    )


def sdk_of(sdks: Mapping[str, Mapping[str, str]], module: str) -> Mapping[str, str] | None:
    """The configured SDK whose package holds ``module`` (the most specific one)."""
    candidates = [
        sdk for sdk in sdks.values()
        if module == sdk["package"] or module.startswith(sdk["package"] + ".")
    ]  # fmt: skip
    return max(candidates, key=lambda s: len(s["package"])) if candidates else None


def linkcode_resolver(sdks: Mapping[str, Mapping[str, str]]) -> LinkResolver:
    """A ``linkcode_resolve`` function for ``sphinx.ext.linkcode`` over the configured SDKs."""

    def resolve(domain: str, info: Mapping[str, Any]) -> str | None:
        if domain != "py" or not info.get("module"):
            return None
        module = str(info["module"])
        sdk = sdk_of(sdks, module)
        if sdk is None:
            return None
        found = locate(sdk, module, str(info.get("fullname", "")))
        return found.url if found is not None else None

    return resolve
