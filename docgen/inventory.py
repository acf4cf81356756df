"""The public API of an SDK: what gets a page, at which public path.

``collect(sdk)`` imports the SDK's package and returns a plain :class:`Inventory`. Nothing here
knows about Sphinx; the project writer turns an inventory into pages.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import importlib.util
import inspect
import re
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from kubeflow_devtools.docgen.config import SdkConfig
from kubeflow_devtools.docgen.grammar import first_paragraph, first_sentence, strip_noqa
from kubeflow_devtools.errors import ToolError

Kind = Literal["class", "function", "module", "data"]


class InventoryError(ToolError):
    """The SDK cannot be documented as configured (not installed, wrong version, bad name)."""


@dataclass(frozen=True)
class ApiObject:
    """One documented object. ``path`` is where it is documented, ``canonical`` where defined.

    ``summary`` is the first sentence of its docstring (:func:`summary_of`).
    """

    name: str
    path: str
    kind: Kind
    canonical: str
    members: tuple[ApiObject, ...] = ()
    summary: str = ""
    group: str = ""
    """The subpackage it belongs to (``trainer`` of ``kubeflow.trainer``), for an SDK whose
    API is several subpackages (``"trainer.*"`` in its configured ``api``); else empty."""


@dataclass(frozen=True)
class Alias:
    """A public name that re-exports an object documented under another public path.

    ``kubeflow.optimizer.KubernetesBackendConfig`` is ``kubeflow.common.types.
    KubernetesBackendConfig``, which ``kubeflow.trainer``, ``kubeflow.optimizer`` and
    ``kubeflow.spark`` export (``kubeflow.pipelines`` has one of its own, kfp's): documented
    once (``target``), listed in every subpackage that exports it, linked to that one page.
    """

    name: str
    path: str
    group: str
    target: str


@dataclass(frozen=True)
class ModelField:
    """One field of a model: Python attribute, serialized key, type and description."""

    attribute: str
    key: str
    type: str
    description: str


@dataclass(frozen=True)
class Model:
    """A data model (OpenAPI-generated or pydantic) documented as a field table.

    ``intro`` is the opening paragraph of its docstring (shown above the table), ``summary``
    that paragraph's first sentence (the index shows it); both empty for the OpenAPI
    generator's boilerplate.
    """

    name: str
    path: str
    canonical: str
    signature: str
    summary: str
    fields: tuple[ModelField, ...]
    flavour: Literal["openapi", "pydantic"]
    intro: str = ""
    group: str = ""


@dataclass(frozen=True)
class Inventory:
    """Everything documented for one SDK, in page order.

    Attributes:
        sdk: The SDK's configuration.
        version: The installed version of its distribution.
        objects: Its public API.
        models: Its data models (field lists).
        types: Classes the SDK does not export that its public signatures name (documented where
            they are defined: ``kubeflow.storage_initializer.hugging_face.HuggingFaceModelParams``).
        aliases: Public names that re-export an object documented at another path.
        groups: The subpackages of an SDK whose API is several (``"trainer.*"``), in order,
            each with its summary; empty for an SDK of one package.
    """

    sdk: SdkConfig
    version: str
    objects: tuple[ApiObject, ...]
    models: tuple[Model, ...]
    types: tuple[ApiObject, ...] = ()
    aliases: tuple[Alias, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()

    def canonical_map(self) -> dict[str, str]:
        """Map every canonical (defining) path, and every re-exporting public path, to the
        public path it is documented at."""
        result: dict[str, str] = {alias.path: alias.target for alias in self.aliases}
        for obj in (*self.objects, *self.types):
            result[obj.canonical] = obj.path
            for member in obj.members:
                result[member.canonical] = member.path
        for model in self.models:
            result[model.canonical] = model.path
        return result


def distribution_of(package: str) -> str | None:
    """The installed distribution whose files hold ``package`` (``kubeflow.trainer``:
    ``kubeflow``, though ``kubeflow-katib`` may install ``kubeflow/`` too), else ``None``."""
    folder = package.replace(".", "/") + "/"
    names = importlib.metadata.packages_distributions().get(package.split(".")[0], [])
    for name in dict.fromkeys(names):
        files = importlib.metadata.distribution(name).files or []
        if any(str(f).startswith(folder) for f in files):
            return name
    return None


def installed_version(sdk: SdkConfig, module: types.ModuleType) -> str:
    """The installed version of the SDK's distribution (for a package documented ad hoc, of
    the distribution that installed it); checks ``version_spec`` when given."""
    if sdk.distribution is None:
        found = distribution_of(sdk.package)
        if found is not None:
            return importlib.metadata.version(found)
        return str(getattr(module, "__version__", "unknown"))
    try:
        version = importlib.metadata.version(sdk.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise InventoryError(
            f"{sdk.distribution} is not installed (install it, e.g. pip install "
            f"'{sdk.distribution}{sdk.version_spec}')"
        ) from None
    if sdk.version_spec:
        try:
            ok = Version(version) in SpecifierSet(sdk.version_spec)
        except (InvalidSpecifier, InvalidVersion) as exc:
            raise InventoryError(
                f"{sdk.id}: bad version_spec {sdk.version_spec!r}: {exc}"
            ) from None
        if not ok:
            raise InventoryError(
                f"{sdk.distribution} {version} is installed, {sdk.id} needs {sdk.version_spec}"
            )
    return version


def import_package(name: str) -> types.ModuleType:
    """Import ``name``, turning any failure into an :class:`InventoryError`."""
    try:
        return importlib.import_module(name)
    except Exception as exc:  # an SDK's import can fail in any way
        raise InventoryError(f"cannot import {name}: {type(exc).__name__}: {exc}") from None


def resolve_dotted(path: str) -> Any:
    """The object a dotted path names: the longest prefix that imports, then attributes.

    Args:
        path: ``package.module.Class.attr`` (``kubeflow.katib.search`` is an attribute of
            ``kubeflow.katib``, not a module).

    Returns:
        The object, or ``None`` when no prefix imports or an attribute is missing.
    """
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # an SDK's import can fail in any way: try a shorter prefix
            continue
        for part in parts[cut:]:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value
    return None


def canonical_name(obj: Any) -> str:
    """Where ``obj`` is defined: ``module.qualname`` (a module's own name for modules)."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    module = getattr(obj, "__module__", None) or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    return f"{module}.{qualname}" if module else str(qualname)


def kind_of(obj: Any) -> Kind:
    """Classify a public object."""
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def is_openapi_model(obj: Any) -> bool:
    """True for OpenAPI-generator model classes (``openapi_types`` and ``attribute_map``)."""
    return (
        inspect.isclass(obj)
        and isinstance(getattr(obj, "openapi_types", None), dict)
        and isinstance(getattr(obj, "attribute_map", None), dict)
    )


def is_pydantic_model(obj: Any) -> bool:
    """True for pydantic v2 model classes."""
    return inspect.isclass(obj) and isinstance(getattr(obj, "model_fields", None), dict)


def default_api(module: types.ModuleType) -> tuple[str, ...]:
    """The public names of a package: ``__all__``, else names defined in the package itself."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return tuple(str(name) for name in declared)
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if kind_of(value) == "data":
            if name.isupper():
                names.append(name)
            continue
        if canonical_name(value).startswith(module.__name__ + "."):
            names.append(name)
    return tuple(sorted(names))


def module_path(package: str, name: str, module: types.ModuleType) -> str:
    """Where a public module is documented: ``package.name`` when that is only reachable as an
    attribute (``kubeflow.katib.search``, defined as ``kubeflow.katib.api.search``), its own
    name when ``package.name`` is importable as some other module (or is itself)."""
    public = f"{package}.{name}"
    try:
        spec = importlib.util.find_spec(public)
    except (ImportError, ValueError):
        spec = None
    return public if spec is None else module.__name__


def _module_members(module: types.ModuleType, path: str) -> tuple[ApiObject, ...]:
    declared = getattr(module, "__all__", None)
    members = []
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if declared is not None and name not in declared:
            continue
        kind = kind_of(value)
        if kind == "data":
            if declared is None and not name.isupper():
                continue
            canonical = f"{module.__name__}.{name}"
        else:
            canonical = canonical_name(value)
            if getattr(value, "__module__", None) != module.__name__:
                continue
        members.append(ApiObject(name, f"{path}.{name}", kind, canonical))
    return tuple(members)


# A constructor's docstring that only says it is one ("KatibClient constructor.").
_CONSTRUCTOR_ONLY = re.compile(r"(?:\w+\s+)?(?:constructor|initiali[sz]er)\.?", re.I)


def summary_of(obj: Any) -> str:
    """The first sentence of an object's own docstring (a class: else its constructor's).

    Args:
        obj: A class, function or module (data has no summary: its ``__doc__`` is its type's).

    Returns:
        :func:`~kubeflow_devtools.docgen.grammar.first_sentence` of the docstring's opening
        paragraph; empty when there is none, when it is the signature a dataclass writes, or
        when a class's constructor only says that it is one ("KatibClient constructor.": it
        does not say what the class is).
    """
    if kind_of(obj) == "data":
        return ""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    if not doc and inspect.isclass(obj) and "__init__" in vars(obj):
        sentence = first_sentence(first_paragraph(obj.__init__.__doc__))
        return "" if _CONSTRUCTOR_ONLY.fullmatch(sentence) else sentence
    text = first_paragraph(doc)
    if inspect.isclass(obj) and text.startswith(f"{obj.__name__}("):
        return ""  # the signature dataclasses write as a docstring
    return first_sentence(text)


def openapi_field_description(model: type, attribute: str) -> str:
    """The description of an OpenAPI model property: its docstring without the generated
    "Gets the ... of this ..." line, the ``:return:``/``:rtype:`` fields and ``# noqa`` marks."""
    prop = getattr(model, attribute, None)
    doc = inspect.getdoc(prop) if isinstance(prop, property) else None
    if not doc:
        return ""
    lines = [strip_noqa(line).rstrip() for line in doc.splitlines()]
    if lines and re.match(r"Gets the \w+ of this \w+\.?$", lines[0].strip()):
        lines = lines[1:]
    kept = [line for line in lines if not re.match(r"\s*:(return|rtype|param|type)\b", line)]
    return " ".join(" ".join(kept).split())


def _model_signature(cls: type) -> str:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return ""
    # names and defaults only: the field table shows the types
    params = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in signature.parameters.values()
        if p.name != "local_vars_configuration"
    ]
    return str(signature.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _type_text(annotation: Any) -> str:
    if inspect.isclass(annotation) and not getattr(annotation, "__args__", None):
        module = annotation.__module__
        return annotation.__qualname__ if module == "builtins" else canonical_name(annotation)
    return str(annotation).replace("typing.", "")


def model_of(cls: type, path: str) -> Model:
    """Describe an OpenAPI or pydantic model class as a :class:`Model`."""
    intro = first_paragraph(cls.__doc__)
    if re.fullmatch(r"NOTE: This class is auto generated by OpenAPI Generator\..*", intro):
        intro = ""
    summary = first_sentence(intro)
    if is_openapi_model(cls):
        openapi_types: dict[str, str] = cls.openapi_types  # type: ignore[attr-defined]
        attribute_map: dict[str, str] = cls.attribute_map  # type: ignore[attr-defined]
        fields = tuple(
            ModelField(
                attribute=attr,
                key=attribute_map.get(attr, attr),
                type=str(type_name),
                description=openapi_field_description(cls, attr),
            )
            for attr, type_name in openapi_types.items()
        )
        flavour: Literal["openapi", "pydantic"] = "openapi"
    else:
        model_fields: dict[str, Any] = cls.model_fields  # type: ignore[attr-defined]
        fields = tuple(
            ModelField(
                attribute=name,
                key=str(getattr(info, "alias", None) or name),
                type=_type_text(getattr(info, "annotation", "")),
                description=" ".join(str(getattr(info, "description", None) or "").split()),
            )
            for name, info in model_fields.items()
        )
        flavour = "pydantic"
    return Model(
        cls.__name__,
        path,
        canonical_name(cls),
        _model_signature(cls),
        summary,
        fields,
        flavour,
        intro,
    )


_CLASS_NAME = re.compile(r"(?<![\w.])[A-Z]\w*")


def _qualified(model: Model, cls: type) -> Model:
    """A model another distribution generated (``kfp_server_api``, exported by
    ``kubeflow.pipelines``) with the classes its fields name written as the paths that define
    them: its own models are not Kubernetes' (``V2beta1RunDetails`` is no
    ``kubernetes.client`` class), so they link to their page, or are text."""
    package = sys.modules.get(cls.__module__.rpartition(".")[0])

    def qualify(match: re.Match[str]) -> str:
        value = getattr(package, match.group(), None)
        return canonical_name(value) if inspect.isclass(value) else match.group()

    if package is None or package.__name__.startswith("kubernetes"):
        return model
    fields = tuple(
        dataclasses.replace(f, type=_CLASS_NAME.sub(qualify, f.type)) for f in model.fields
    )
    return dataclasses.replace(model, fields=fields)


def sdk_model(sdk: SdkConfig, cls: type, path: str) -> Model:
    """:func:`model_of`, for a model another distribution defines with the classes its fields
    name written as their defining paths (see :func:`_qualified`)."""
    model = model_of(cls, path)
    return model if canonical_name(cls).startswith(sdk.package + ".") else _qualified(model, cls)


def page_name(sdk: SdkConfig, group: str, name: str) -> str:
    """The document of an object's or model's page: ``name`` in the SDK's folder, in its
    subpackage's folder for an SDK of several (``kubeflow/trainer/TrainerClient``)."""
    return f"{sdk.out_dir}/{group}/{name}" if group else f"{sdk.out_dir}/{name}"


def group_of(sdk: SdkConfig, groups: Sequence[str], module: str) -> str:
    """The subpackage (of ``groups``) whose package holds ``module``, else empty."""
    for group in groups:
        package = f"{sdk.package}.{group}"
        if module == package or module.startswith(package + "."):
            return group
    return ""


@dataclass(frozen=True)
class _Entry:
    group: str
    name: str
    path: str
    value: Any
    package: str


def _entries(sdk: SdkConfig, package: types.ModuleType) -> list[_Entry]:
    """Every configured public name, with its subpackage: ``"trainer.*"`` is each public name
    of ``package.trainer`` (its ``__all__``, else :func:`default_api`)."""
    entries: list[_Entry] = []
    for entry in sdk.api or default_api(package):
        group, module, names = "", package, [entry]
        if entry.endswith(".*"):
            group = entry[:-2]
            module = import_package(f"{sdk.package}.{group}")
            names = list(default_api(module))
        for name in names:
            try:
                value = getattr(module, name)
            except Exception:  # AttributeError, or a lazy __getattr__'s ImportError
                raise InventoryError(
                    f"{sdk.id}: {module.__name__} has no public name {name!r}"
                ) from None
            entries.append(_Entry(group, name, f"{module.__name__}.{name}", value, module.__name__))
    return entries


def _place(
    sdk: SdkConfig, entries: Sequence[_Entry], groups: Sequence[str]
) -> tuple[list[_Entry], list[Alias]]:
    """Document each object once: a class or function several public names export is
    documented in the subpackage that defines it (``TrainJobTemplate`` in ``kubeflow.trainer``,
    not ``kubeflow.optimizer``), else where it is defined when that is in the SDK
    (``kubeflow.common.types.KubernetesBackendConfig``), else at its first public name; the
    other names are aliases of it (:class:`Alias`)."""
    by_object: dict[int, list[_Entry]] = {}
    for entry in entries:
        if kind_of(entry.value) in {"class", "function"}:
            by_object.setdefault(id(entry.value), []).append(entry)
    placed: list[_Entry] = []
    aliases: list[Alias] = []
    for entry in entries:
        same = by_object.get(id(entry.value), [entry])
        if len(same) == 1:
            placed.append(entry)
            continue
        if entry is not same[0]:
            continue
        module = getattr(entry.value, "__module__", "") or ""
        home = [e for e in same if module == e.package or module.startswith(e.package + ".")]
        if home:
            chosen = home[0]
        elif module.startswith(sdk.package + "."):
            name = entry.value.__qualname__
            group = group_of(sdk, groups, module) or module.split(".")[len(sdk.package.split("."))]
            chosen = _Entry(group, name, f"{module}.{name}", entry.value, module)
        else:
            chosen = entry
        placed.append(chosen)
        aliases += [Alias(e.name, e.path, e.group, chosen.path) for e in same if e is not chosen]
    return placed, aliases


def collect(sdk: SdkConfig) -> Inventory:
    """Import the SDK and list what gets documented, and where."""
    package = import_package(sdk.package)
    version = installed_version(sdk, package)
    entries = _entries(sdk, package)
    groups = list(dict.fromkeys(e.group for e in entries if e.group))
    placed, aliases = _place(sdk, entries, groups)
    groups += [e.group for e in placed if e.group and e.group not in groups]
    objects: list[ApiObject] = []
    models: dict[str, Model] = {}
    for entry in placed:
        name, path, value, group = entry.name, entry.path, entry.value, entry.group
        if is_openapi_model(value) or is_pydantic_model(value):
            model = sdk_model(sdk, value, path)
            models[path] = dataclasses.replace(model, name=name, group=group)
            continue
        kind = kind_of(value)
        if kind == "module":
            where = module_path(entry.package, name, value)
            members = _module_members(value, where)
            objects.append(
                ApiObject(name, where, kind, value.__name__, members, summary_of(value), group)
            )
        elif kind == "data":
            objects.append(ApiObject(name, path, kind, path, group=group))
        else:
            summary = summary_of(value)
            objects.append(
                ApiObject(name, path, kind, canonical_name(value), summary=summary, group=group)
            )
    if sdk.models:
        models_name = f"{sdk.package}.{sdk.models}"
        models_module = import_package(models_name)
        for name, value in sorted(vars(models_module).items()):
            if not (is_openapi_model(value) or is_pydantic_model(value)):
                continue
            if not getattr(value, "__module__", "").startswith(models_name + "."):
                continue  # re-exported foreign classes (kubernetes.client) get no page
            public = getattr(package, name, None) is value
            path = f"{sdk.package}.{name}" if public else f"{models_name}.{name}"
            models.setdefault(path, model_of(value, path))
    ordered_models = tuple(sorted(models.values(), key=lambda m: m.name))
    summaries = tuple((g, summary_of(import_package(f"{sdk.package}.{g}"))) for g in groups)
    return Inventory(
        sdk, version, tuple(objects), ordered_models, aliases=tuple(aliases), groups=summaries
    )


def documented_once(inventories: Sequence[Inventory]) -> list[Inventory]:
    """The inventories with every class, function and model documented once: one an earlier
    inventory documents already becomes an :class:`Alias` linked to it (``--package
    kubeflow.trainer --package kubeflow.optimizer``: ``TrainJobTemplate`` is the trainer's).

    Args:
        inventories: The SDKs, in build order.

    Returns:
        The same inventories, re-exports of earlier ones moved to their ``aliases``.
    """
    seen: dict[str, str] = {}
    result = []
    for inv in inventories:
        aliases = list(inv.aliases)
        objects = []
        for obj in inv.objects:
            if obj.kind in {"class", "function"} and obj.canonical in seen:
                aliases.append(Alias(obj.name, obj.path, obj.group, seen[obj.canonical]))
            else:
                objects.append(obj)
        models = []
        for model in inv.models:
            if model.canonical in seen:
                aliases.append(Alias(model.name, model.path, model.group, seen[model.canonical]))
            else:
                models.append(model)
        for obj in objects:
            if obj.kind in {"class", "function"}:
                seen.setdefault(obj.canonical, obj.path)
        for model in models:
            seen.setdefault(model.canonical, model.path)
        result.append(
            dataclasses.replace(
                inv, objects=tuple(objects), models=tuple(models), aliases=tuple(aliases)
            )
        )
    return result
