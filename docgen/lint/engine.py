"""Load a package statically with griffe and run every rule over its public objects.

Nothing is imported: griffe reads the source files it finds on the search path (the
installed packages by default), so linting an SDK never runs its code or needs its
dependencies.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from kubeflow_devtools.docgen.lint.docstrings import parse_google
from kubeflow_devtools.docgen.lint.model import LintObject, Problem
from kubeflow_devtools.docgen.lint.rules import RULES
from kubeflow_devtools.docgen.lint.settings import marked
from kubeflow_devtools.docgen.local_imports import local_import
from kubeflow_devtools.errors import ToolError

SKIPPED_MODULE_SUFFIXES = ("_test", "_tests", "_pb2", "_pb2_grpc")
"""Modules never linted: test modules shipped in wheels, generated protobuf/gRPC code."""


class LintError(ToolError):
    """A package or object that cannot be found or read (exit code 2)."""


@dataclass
class LintReport:
    """Problems found, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    objects: int = 0
    packages: list[str] = field(default_factory=list)
    show_baselined: bool = True
    """Whether reports for people (text, GitHub, SARIF, JUnit) list baselined problems; the
    JSON report always does (it is the next baseline)."""

    @property
    def shown(self) -> list[Problem]:
        """The problems reports for people list."""
        return [p for p in self.problems if self.show_baselined or not p.baselined]


def _first_line(obj: Any) -> int:
    """The file line of the first line of an object's cleaned docstring."""
    docstring = obj.docstring
    lineno = docstring.lineno or obj.lineno or 1
    try:
        lines = Path(str(obj.filepath)).read_text(encoding="utf-8").splitlines()
        opening = lines[lineno - 1].strip()
    except (OSError, IndexError, UnicodeDecodeError):
        return int(lineno)
    for quote in ('"""', "'''", 'r"""', "r'''"):
        if opening.startswith(quote):
            rest = opening[len(quote) :].strip()
            return int(lineno) if rest else int(lineno) + 1
    return int(lineno)


def _source(obj: Any) -> str | None:
    try:
        return str(obj.source)
    except (OSError, ValueError, AttributeError, griffe.BuiltinModuleError):
        return None


def to_lint_object(obj: Any, public_path: str) -> LintObject:
    """Turn a griffe function or class into a :class:`LintObject`."""
    parameters: tuple[str, ...] | None = None
    positional: tuple[str, ...] = ()
    var_positional = var_keyword = None
    returns = None
    function = obj
    documented = obj
    if obj.is_class:
        init = obj.members.get("__init__")
        function = init if init is not None and init.is_function else None
        if obj.docstring is None and function is not None and function.docstring is not None:
            documented = function  # the constructor is documented in __init__
    docstring = documented.docstring.value if documented.docstring is not None else None
    parsed = parse_google(docstring, _first_line(documented)) if docstring is not None else None
    if function is not None:
        params = list(function.parameters)
        parameters = tuple(p.name for p in params)
        positional = tuple(
            p.name
            for p in params
            if p.kind.value in ("positional-only", "positional or keyword")
            and p.name not in ("self", "cls")
        )
        var_positional = next(
            (p.name for p in params if p.kind.value == "variadic positional"), None
        )
        var_keyword = next((p.name for p in params if p.kind.value == "variadic keyword"), None)
        if obj.is_function and function.returns is not None:
            returns = str(function.returns)
    return LintObject(
        path=public_path,
        name=obj.name,
        kind="class" if obj.is_class else "function",
        file=str(obj.filepath),
        line=int(obj.lineno or 1),
        docstring=docstring,
        parsed=parsed,
        parameters=parameters,
        positional=positional,
        var_positional=var_positional,
        var_keyword=var_keyword,
        returns=returns,
        source=_source(obj) if obj.is_function else None,
    )


def _public_names(module: Any, *, include_imports: bool) -> list[str]:
    """A module's public names: its ``__all__``, else the names not starting with ``_``.

    Without ``__all__``, imported names count only when ``include_imports`` (the package a
    user names explicitly re-exports its API; a submodule's imports are not its API), and
    submodules do not count (as the build's ``inventory.default_api``: ``kubeflow.common``'s
    ``utils`` is not its API; ``recursive`` walks them).
    """
    exported = module.exports
    if exported:
        return [str(name) for name in exported]
    return [
        name
        for name, member in module.members.items()
        if not name.startswith("_")
        and (include_imports or not member.is_alias)
        and (member.is_alias or not member.is_module)
    ]


def _resolve(obj: Any) -> Any | None:
    if obj.is_alias:
        try:
            return obj.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return obj


def _skipped(obj: Any) -> bool:
    module = obj.module if not obj.is_module else obj
    return any(part.endswith(SKIPPED_MODULE_SUFFIXES) for part in str(module.path).split("."))


def walk_public(
    root: Any, root_path: str, package: str, recursive: bool = False
) -> Iterator[tuple[str, Any]]:
    """``(public path, object)`` for every public function, class and method under ``root``.

    Objects are reached through the public names; each is yielded once (at its first public
    path), and objects defined outside ``package`` (re-exported third-party names) are left out.
    ``recursive`` also walks every public submodule (the whole code base, not just its API).
    """
    seen: set[str] = set()
    stack: list[tuple[str, Any]] = [(root_path, root)]
    while stack:
        path, obj = stack.pop(0)
        target = _resolve(obj)
        if target is None or _skipped(target):
            continue
        if not str(target.path).startswith(package + ".") and str(target.path) != package:
            continue
        if str(target.path) in seen:
            continue
        seen.add(str(target.path))
        if target.is_module:
            names = _public_names(
                target, include_imports=path == root_path and bool(target.is_package)
            )
            if recursive:
                names += [
                    name
                    for name, member in target.members.items()
                    if not name.startswith("_")
                    and not member.is_alias
                    and member.is_module
                    and name not in names
                ]
            stack.extend(
                (f"{path}.{name}", target.members[name]) for name in names if name in target.members
            )
        elif target.is_class:
            yield path, target
            for name, member in target.members.items():
                resolved = None if name.startswith("_") else _resolve(member)
                if resolved is not None and resolved.is_function:
                    stack.append((f"{path}.{name}", member))
        elif target.is_function:
            yield path, target


def load(package: str, search_paths: Iterable[str] | None = None) -> Any:
    """Load a package's object model from source. Raises :class:`LintError` if not found."""
    paths = list(search_paths) if search_paths is not None else [p for p in sys.path if p]
    try:
        return griffe.load(
            package,
            search_paths=paths,
            allow_inspection=False,
            resolve_aliases=False,
            docstring_parser=None,
        )
    except (ModuleNotFoundError, KeyError):  # KeyError: a submodule griffe did not collect
        raise LintError(f"package {package!r} not found on the search path") from None
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise LintError(f"cannot read package {package!r}: {exc}") from None


def collect(
    package: str,
    targets: Iterable[str] | None = None,
    search_paths: Iterable[str] | None = None,
    recursive: bool = False,
) -> list[LintObject]:
    """The public objects of ``package`` (or only ``targets``, dotted public paths) to lint."""
    root = load(package, search_paths)
    top = package.split(".")[0]
    starts: list[tuple[str, Any]] = []
    for target in targets or [package]:
        relative = target[len(package) + 1 :] if target != package else ""
        try:
            obj = root[relative] if relative else root
        except KeyError:
            raise LintError(f"{target!r} not found in package {package!r}") from None
        starts.append((target, obj))
    objects: list[LintObject] = []
    seen: set[str] = set()
    walked: list[Any] = []
    for path, obj in starts:
        for public_path, found in walk_public(obj, path, top, recursive):
            if str(found.path) not in seen:
                seen.add(str(found.path))
                walked.append(found)
                objects.append(to_lint_object(found, public_path))
    paths = list(search_paths) if search_paths is not None else None
    for cls in signature_types(walked, top, seen, paths):
        for public_path, found in walk_public(cls, str(cls.path), top):
            if str(found.path) not in seen:
                seen.add(str(found.path))
                objects.append(to_lint_object(found, public_path))
    return objects


def _annotation_names(function: Any) -> Iterator[Any]:
    """The names (griffe ``ExprName``) in a function's parameter and return annotations."""
    annotations = [p.annotation for p in function.parameters] + [function.returns]
    for annotation in annotations:
        if annotation is None or isinstance(annotation, str):
            continue
        for part in annotation.iterate(flat=True):
            if isinstance(part, griffe.ExprName):
                yield part


def _imported_in_body(function: Any, name: str) -> str | None:
    """``M.X`` when the function's own body says ``from M import X as name`` (or ``X``)."""
    try:
        source = str(function.source)
    except (OSError, ValueError, AttributeError, griffe.BuiltinModuleError):
        return None
    return local_import(source, name)


def _find_class(path: str, search_paths: list[str] | None, loaded: dict[str, Any]) -> Any | None:
    """The griffe class at ``path`` (aliases followed), loading its package if needed."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:cut])
        if package not in loaded:
            try:
                loaded[package] = load(package, search_paths)
            except LintError:
                loaded[package] = None
        root = loaded[package]
        if root is None:
            continue
        try:
            found = _resolve(root[".".join(parts[cut:])])
        except KeyError:
            return None
        return found if found is not None and found.is_class else None
    return None


def _is_model(cls: Any) -> bool:
    """Generated OpenAPI models and pydantic models: the build documents them as field lists
    (their docstrings are machine output), lint does not check them."""
    members = set(cls.members)
    bases = {str(base).rpartition(".")[2] for base in cls.bases}
    return {"openapi_types", "attribute_map"} <= members or "BaseModel" in bases


def signature_types(
    walked: Iterable[Any], top: str, seen: set[str], search_paths: list[str] | None = None
) -> list[Any]:
    """The classes of the ``top`` namespace that the signatures of ``walked`` (griffe functions
    and classes) name and that were not walked (``seen``): what ``docgen build`` gives pages of
    their own (``kubeflow_devtools.docgen.signature_types``), read statically.

    A name the module does not define is looked up in the ``from M import name`` statements of
    the function's own body, as the code does (``KatibClient.tune`` takes
    ``"HuggingFaceModelParams"``). Models are left out.

    Args:
        walked: The functions and classes linted.
        top: The top-level package (``kubeflow``).
        seen: The paths already linted.
        search_paths: Where griffe looks for packages.

    Returns:
        The griffe classes, in the order their signatures name them.
    """
    loaded: dict[str, Any] = {}
    found: list[Any] = []
    for obj in walked:
        functions = [obj] if obj.is_function else []
        if obj.is_class and "__init__" in obj.members and obj.members["__init__"].is_function:
            functions.append(obj.members["__init__"])
        for function in functions:
            for name in _annotation_names(function):
                path = _imported_in_body(function, name.name) or str(name.canonical_path)
                if not path.startswith(top + ".") or path in seen:
                    continue
                cls = _find_class(path, search_paths, loaded)
                if cls is None or str(cls.path) in seen or _is_model(cls):
                    continue
                if all(str(cls.path) != str(f.path) for f in found):
                    found.append(cls)
    return found


def lint_objects(
    objects: Iterable[LintObject], rules: Iterable[str] | None = None
) -> list[Problem]:
    """Run the rules (all, or those named) over the objects; each finding becomes a problem
    of the rule that found it, on the object it was found in, unless a ``# docgen:
    ignore[rule]`` comment on its line or on the line defining the object turns it off."""
    wanted = None if rules is None else set(rules)
    chosen = [r for r in RULES if wanted is None or r.id in wanted]
    problems: list[Problem] = []
    for obj in objects:
        for rule in chosen:
            for finding in rule.check(obj):
                line = finding.line or obj.line
                if marked(obj.file, line, rule.id) or marked(obj.file, obj.line, rule.id):
                    continue  # a ``# docgen: ignore[rule]`` mark on its line or the object's
                problems.append(Problem(rule.id, obj.path, obj.file, line, finding.message))
    return problems


def lint(
    package: str,
    targets: Iterable[str] | None = None,
    search_paths: Iterable[str] | None = None,
    recursive: bool = False,
    rules: Iterable[str] | None = None,
    linted: set[tuple[str, int, str]] | None = None,
) -> LintReport:
    """Lint one package (or some of its public objects; ``recursive``: every public module)
    with every rule, or only those named in ``rules``.

    ``linted`` holds the objects linted already, by where they are defined (file, line,
    name): an object another package re-exports (``KubernetesBackendConfig``, which four
    subpackages of ``kubeflow`` export) is linted, and reported, once. Those of this package
    join it."""
    objects = collect(package, targets, search_paths, recursive)
    if linted is not None:
        objects = [o for o in objects if (o.file, o.line, o.name) not in linted]
        linted.update((o.file, o.line, o.name) for o in objects)
    return LintReport(lint_objects(objects, rules), len(objects), [package])
