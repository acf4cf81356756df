"""Types a user must build to call the API get pages, wherever they are defined.

A public signature can name a class the SDK does not export: ``KatibClient.tune`` takes
``HuggingFaceModelParams`` (``kubeflow.storage_initializer.hugging_face``), written as a string
that its module never imports (the class is imported inside ``tune``). :func:`find` reads every
annotation of every documented callable, resolves each name as Python would (the defining
module's scope, else the ``from M import name`` statements of the function itself), and returns
the classes of the SDKs' namespace that no inventory documents: :func:`add_pages` gives each a
page in the first SDK whose signature names it. A module the class needs but that is not
installed (``transformers``, ``peft``) is mocked to read it (and for autodoc: the build's
``autodoc_mock_imports``); a name that still cannot be resolved is a :class:`SignatureType`
without a ``canonical`` path, which the build reports as a defect of the signature
(``unlinked-type``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import re
import sys
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kubeflow_devtools.docgen.inventory import (
    ApiObject,
    Inventory,
    Model,
    canonical_name,
    group_of,
    is_openapi_model,
    is_pydantic_model,
    page_name,
    resolve_dotted,
    sdk_model,
    summary_of,
)
from kubeflow_devtools.docgen.local_imports import local_import, type_checking_import
from kubeflow_devtools.docgen.sources import source


@dataclass(frozen=True)
class SignatureType:
    """A class named by a public signature: who names it, how, and where it is defined.

    ``canonical`` is ``None`` when the name cannot be resolved to a class; ``reason`` says why.
    """

    owner: str
    name: str
    canonical: str | None
    reason: str = ""


def _callables(inv: Inventory) -> Iterator[tuple[str, Any]]:
    """``(public path, function)`` of every documented callable of an inventory."""
    for obj in (*inv.objects, *inv.types):
        members = obj.members if obj.kind == "module" else (obj,)
        for member in members:
            value = resolve_dotted(member.canonical) if member.kind != "data" else None
            if inspect.isclass(value):
                init = vars(value).get("__init__")
                if inspect.isfunction(init):
                    yield member.path, init
                for name, attribute in vars(value).items():
                    method = getattr(attribute, "__func__", attribute)  # static, class methods
                    if not name.startswith("_") and inspect.isfunction(method):
                        yield f"{member.path}.{name}", method
            elif inspect.isfunction(value):
                yield member.path, value


def _names(annotation: Any) -> Iterator[Any]:
    """The classes and unresolved names (strings) an annotation is made of."""
    if isinstance(annotation, str):
        yield annotation
    elif isinstance(annotation, typing.ForwardRef):
        yield annotation.__forward_arg__
    elif inspect.isclass(annotation) and not typing.get_args(annotation):
        yield annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, list):  # Callable[[A, B], C]
            for item in arg:
                yield from _names(item)
        else:
            yield from _names(arg)


def import_mocking(module: str, mocked: list[str]) -> Any:
    """Import ``module``, mocking the third-party modules it needs that are not installed
    (added to ``mocked``, which lists those mocked already).

    Returns:
        The module.

    Raises:
        ImportError: It cannot be imported even so.
    """
    from sphinx.ext.autodoc.mock import mock  # type: ignore[attr-defined]

    for _ in range(10):
        try:
            with mock(list(mocked)):
                return importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing = (exc.name or "").split(".")[0]
            if not missing or missing in mocked or missing == module.split(".")[0]:
                raise
            mocked.append(missing)
    raise ImportError(f"{module}: too many missing modules")


def _import_of(function: Any, name: str) -> str | None:
    """What ``name`` is imported as for ``function`` (``M.X``): a ``from M import X as name``
    in its own body, else in an ``if TYPE_CHECKING:`` block of its module (names that exist
    only for type checkers)."""
    text = source(function)
    found = local_import(text, name) if text is not None else None
    if found is None:
        module = sys.modules.get(getattr(function, "__module__", None) or "")
        text = source(module) if module is not None else None
        found = type_checking_import(text, name) if text is not None else None
    return found


_UNRESOLVED = object()


def _imported(module: str, name: str, mocked: list[str]) -> Any:
    """``name`` of ``module`` (importing ``module.name`` when it is a submodule not imported
    yet); ``_UNRESOLVED`` when it has none."""
    value = getattr(import_mocking(module, mocked), name, _UNRESOLVED)
    if value is _UNRESOLVED:
        with contextlib.suppress(ImportError):
            value = import_mocking(f"{module}.{name}", mocked)
    return value


def resolve(name: str, function: Any, mocked: list[str]) -> tuple[Any, str]:
    """What ``name`` (an annotation's text) means for ``function``: the object, or
    ``_UNRESOLVED`` and why it means nothing (modules mocked to import it join ``mocked``).

    The text is evaluated as Python reads it, in the function's module; each name missing
    there (``ModelVersion`` in ``Iterator[ModelVersion]``) is imported from where the function
    or its module's ``if TYPE_CHECKING:`` block imports it, and the text evaluated again."""
    scope = dict(getattr(function, "__globals__", {}))
    for _ in range(20):  # one missing name imported per round
        try:
            return eval(name, scope), ""  # the annotation's own text, as Python reads it
        except NameError as exc:
            missing = getattr(exc, "name", None)
        except Exception as exc:
            return _UNRESOLVED, f"{type(exc).__name__}: {exc}"
        if not missing or missing in scope:
            return _UNRESOLVED, "its module neither defines nor imports it"
        target = _import_of(function, missing)
        if target is None:
            what = "it" if missing == name else repr(missing)
            return _UNRESOLVED, f"its module neither defines nor imports {what}"
        module, attribute = target.rsplit(".", 1)
        try:
            value = _imported(module, attribute, mocked)
        except Exception as exc:
            return _UNRESOLVED, f"cannot import {module}: {type(exc).__name__}: {exc}"
        if value is _UNRESOLVED:
            return value, f"{module} has no {attribute!r}"
        scope[missing] = value
    return _UNRESOLVED, "it names too many things to import"


def _documentable(cls: type, top: str) -> bool:
    """A class of the SDK's namespace, or a data model of a distribution it uses (the
    ``kubeflow_katib_api`` model ``kubeflow.optimizer.Search`` returns); never Kubernetes'
    (linked to its client's docs) or pydantic's own."""
    module = getattr(cls, "__module__", "") or ""
    if module.startswith(("kubernetes", "pydantic")):
        return False
    return module.split(".")[0] == top or is_openapi_model(cls) or is_pydantic_model(cls)


def find(inventories: Sequence[Inventory], mocked: list[str]) -> list[SignatureType]:
    """Every class of the SDKs' namespace named by a documented signature, in order, and every
    name a signature uses that resolves to nothing (``canonical`` ``None``); the modules mocked
    to import them join ``mocked``."""
    found: list[SignatureType] = []
    for inv in inventories:
        top = inv.sdk.package.split(".")[0]
        for owner, function in _callables(inv):
            annotations = getattr(function, "__annotations__", {}) or {}
            pending: list[tuple[str | None, Any]] = [
                (None, item) for a in annotations.values() for item in _names(a)
            ]
            for _ in range(1000):  # names inside evaluated strings, a bounded walk
                if not pending:
                    break
                written, item = pending.pop(0)
                if isinstance(item, str):
                    value, reason = resolve(item, function, mocked)
                    if value is _UNRESOLVED:
                        found.append(SignatureType(owner, item, None, reason))
                    elif inspect.isclass(value):
                        pending.append((item, value))
                    else:
                        pending += [(None, inner) for inner in _names(value)]
                elif inspect.isclass(item) and _documentable(item, top):
                    name = written or item.__name__
                    found.append(SignatureType(owner, name, canonical_name(item)))
    return list(dict.fromkeys(found))


_DOTTED = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.\w+)+")


def _field_types(inv: Inventory) -> Iterator[SignatureType]:
    """The data models the fields of another distribution's models name (``kfp_server_api``'s
    ``V2beta1Run`` has ``run_details: V2beta1RunDetails``), as if a signature of the SDK
    named them (only for their pages: no signature links to them)."""
    top = inv.sdk.package.split(".")[0]
    for model in inv.models:
        if model.canonical.startswith(top + "."):
            continue  # the SDK's own: their field types are the SDK's (or Kubernetes')
        owner = f"{inv.sdk.package}.{model.group}.{model.name}" if model.group else model.path
        for field in model.fields:
            for name in _DOTTED.findall(field.type):
                cls = resolve_dotted(name)
                if is_openapi_model(cls) or is_pydantic_model(cls):
                    yield SignatureType(owner, name, canonical_name(cls))


def add_pages(
    inventories: Sequence[Inventory],
) -> tuple[list[Inventory], list[SignatureType], list[str]]:
    """The inventories with a page for every class their signatures name that none documents
    (in the first SDK naming it), every signature type found (for links and defects), and the
    modules mocked to import them (autodoc must mock them too).

    The signatures of the classes given a page are read too, and the fields of the models of
    other distributions, until no new class is found (``TrainerClient.get_job`` returns
    ``TrainJob``, whose ``steps`` are a list of ``Step``)."""
    mocked: list[str] = []
    result = list(inventories)
    found: list[SignatureType] = []
    documented: set[str] = set()
    pages: set[str] = set()
    for inv in inventories:
        documented |= set(inv.canonical_map())
        pages |= {page_name(inv.sdk, o.group, o.name) for o in (*inv.objects, *inv.types)}
        pages |= {page_name(inv.sdk, m.group, m.name) for m in inv.models}
    for _ in range(20):  # each round reads the classes the round before added
        new = [t for t in find(result, mocked) if t not in found]
        found += new
        added_any = False
        for index, inv in enumerate(result):
            added: list[ApiObject] = []
            models: list[Model] = []
            groups = [g for g, _ in inv.groups]
            for item in [*new, *_field_types(inv)]:
                if item.canonical is None or item.canonical in documented:
                    continue
                if not item.owner.startswith(inv.sdk.package + "."):
                    continue
                cls = resolve_dotted(item.canonical)
                name = item.canonical.rpartition(".")[2]
                group = group_of(inv.sdk, groups, item.canonical.rpartition(".")[0])
                group = group or group_of(inv.sdk, groups, item.owner)
                if cls is None or page_name(inv.sdk, group, name) in pages:
                    continue
                documented.add(item.canonical)
                pages.add(page_name(inv.sdk, group, name))
                if not item.canonical.startswith(inv.sdk.package.split(".")[0] + "."):
                    # a model of another distribution: its fields, as the SDK's own models
                    model = sdk_model(inv.sdk, cls, item.canonical)
                    models.append(dataclasses.replace(model, group=group))
                    continue
                summary = summary_of(cls)
                added.append(
                    ApiObject(name, item.canonical, "class", item.canonical, (), summary, group)
                )
            if added or models:
                result[index] = dataclasses.replace(
                    inv, types=(*inv.types, *added), models=(*inv.models, *models)
                )
                added_any = True
        if not added_any:
            break
    return result, found, sorted(mocked)
