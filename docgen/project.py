"""Write the Sphinx project (conf.py and MyST pages) for a set of SDK inventories.

One page per public object, one field-table page per model, an index per SDK and a root index.
Files are rewritten only when their text changes, so Sphinx's incremental build sees no change
when there is none; pages that are no longer generated are removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubeflow_devtools.docgen.grammar import NAPOLEON_CUSTOM_SECTIONS, code_spans
from kubeflow_devtools.docgen.inventory import (
    Alias,
    ApiObject,
    Inventory,
    Model,
    ModelField,
    page_name,
)

TITLE = "Kubeflow SDK reference"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|~$!&+])")
_TYPE_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"|[A-Za-z_][\w.]*")
_BUILTIN_TYPES = {"str", "int", "bool", "float", "object", "list", "dict", "bytes", "None"}
_DATETIME_TYPES = {"datetime": "datetime.datetime", "date": "datetime.date"}


@dataclass(frozen=True)
class Project:
    """A written Sphinx project: its folder and the pages it holds (relative, without suffix)."""

    root: Path
    pages: tuple[str, ...]


@dataclass(frozen=True)
class SiteSdk:
    """An SDK of the site, as its root index and navigation name it: the whole site, when the
    SDKs are built apart in environments of their own (one part each), see :mod:`.site`."""

    id: str
    title: str
    version: str
    out_dir: str


def _site_of(inventories: Sequence[Inventory], site: Sequence[SiteSdk]) -> list[SiteSdk]:
    """The site's SDKs, in order: ``site`` when given, else the SDKs of ``inventories``."""
    if site:
        return list(site)
    return [SiteSdk(i.sdk.id, i.sdk.title, i.version, i.sdk.out_dir) for i in inventories]


def stub_page(sdk: SiteSdk) -> str:
    """The index of an SDK of another part: its title for the navigation; the merge of the
    parts replaces it with the real page."""
    return f"# {md_escape(sdk.title)} {md_escape(sdk.version)}\n\nBuilt in another environment.\n"


def md_escape(text: str) -> str:
    """Escape Markdown punctuation so that ``text`` renders literally in MyST."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def source_url(inv: Inventory) -> str | None:
    """The URL of the SDK's source tree at the installed release's tag, if a repository is set."""
    sdk = inv.sdk
    if not sdk.repository:
        return None
    tag = sdk.tag.format(version=inv.version)
    root = f"/{sdk.source_root.strip('/')}" if sdk.source_root.strip("/") else ""
    return f"{sdk.repository.rstrip('/')}/tree/{tag}{root}"


def type_markup(type_text: str, targets: Mapping[str, str]) -> str:
    """MyST for a model field's type: every name a cross-reference, punctuation escaped.

    ``targets`` maps short model names (and canonical paths) to public paths; ``V1...`` names
    unknown to the SDK are Kubernetes client models; builtins and ``datetime`` are standard.
    """
    out: list[str] = []
    pos = 0
    for match in _TYPE_TOKEN.finditer(type_text):
        out.append(md_escape(type_text[pos : match.start()]))
        name = match.group()
        pos = match.end()
        if name[0] in "'\"":
            out.append(f"`{name}`")
        elif name in targets:
            out.append(f"{{py:class}}`~{targets[name]}`")
        elif name in _BUILTIN_TYPES:
            out.append(f"{{py:class}}`{name}`")
        elif name in _DATETIME_TYPES:
            out.append(f"{{py:class}}`~{_DATETIME_TYPES[name]}`")
        elif re.fullmatch(r"V\d\w*", name):
            out.append(f"{{py:class}}`~kubernetes.client.{name}`")
        elif name in typing.__all__:
            out.append(f"{{py:class}}`~typing.{name}`")
        elif "." in name:
            out.append(f"{{py:class}}`~{name}`")
        else:
            out.append(f"`{name}`")
    out.append(md_escape(type_text[pos:]))
    return "".join(out)


def _fence(directive: str, argument: str, options: Sequence[str], body: str = "") -> str:
    head = f"```{{{directive}}} {argument}".rstrip()
    lines = [head, *options]
    if body:
        lines += ["", body.rstrip()]
    return "\n".join([*lines, "```", ""])


def _rst(body: str) -> str:
    return f"```{{eval-rst}}\n{body.rstrip()}\n```\n"


def object_page(obj: ApiObject) -> str:
    """The MyST page of one public object (autodoc does the rest)."""
    if obj.kind == "class":
        # every public method, documented or not: the build checks (and reports) each one
        body = (
            f".. autoclass:: {obj.path}\n   :members:\n   :undoc-members:\n"
            "   :member-order: bysource\n"
        )
    elif obj.kind == "function":
        body = f".. autofunction:: {obj.path}\n"
    elif obj.kind == "module":
        if obj.path == obj.canonical:
            body = f".. automodule:: {obj.path}\n\n"
        else:  # documented at its public path: the docstring from where it is defined
            body = (
                f".. py:module:: {obj.path}\n\n.. automodule:: {obj.canonical}\n   :no-index:\n\n"
                f".. currentmodule:: {obj.path}\n\n"
            )
        directives = {"class": "autoclass", "function": "autofunction", "data": "autodata"}
        for member in obj.members:
            body += f".. {directives.get(member.kind, 'autodata')}:: {member.path}\n"
            if member.kind == "class":
                body += "   :members:\n"
            body += "\n"
    else:
        body = f".. autodata:: {obj.path}\n"
    return f"# {md_escape(obj.name)}\n\n{_rst(body)}"


def constants_page(package: str, constants: Sequence[ApiObject]) -> str:
    """One page for the top-level constants of a package (the SDK's, or a subpackage's)."""
    body = "".join(f".. autodata:: {c.path}\n\n" for c in constants)
    return f"# Constants\n\nConstants exported by `{package}`.\n\n{_rst(body)}"


def field_entry(field: ModelField, targets: Mapping[str, str]) -> str:
    """One field of a model as a definition: the Python attribute and its YAML/JSON key, then
    the type and the description, which get the page's width (a table gave it to the names)."""
    definition = type_markup(field.type, targets)
    if field.description:
        definition += f" \u2013 {summary_markup(field.description)}"
    return f"`{field.attribute}` \u00b7 YAML/JSON key `{field.key}`\n: {definition}\n"


def model_page(model: Model, targets: Mapping[str, str]) -> str:
    """The page of one model: its class entry and a definition list of its fields."""
    module, _, name = model.path.rpartition(".")
    fields = "\n".join(field_entry(field, targets) for field in model.fields)
    body = ""
    if model.intro:
        body += summary_markup(model.intro) + "\n\n"
    body += fields if model.fields else "This model has no fields."
    options = [f":module: {module}", f":canonical: {model.canonical}"]
    return f"# {md_escape(name)}\n\n" + _fence("py:class", name + model.signature, options, body)


def summary_markup(text: str) -> str:
    """Docstring text (a first sentence, a model's field description) as MyST: code spans
    kept, RST roles read as code, the rest escaped."""
    parts = re.split(r"(`[^`]+`)", code_spans(text))
    return "".join(p if i % 2 else md_escape(p) for i, p in enumerate(parts))


def _link_list(items: Iterable[tuple[str, str, str]]) -> str:
    lines = []
    for role, target, summary in items:
        tail = f": {summary_markup(summary)}" if summary else ""
        lines.append(f"- {{py:{role}}}`~{target}`{tail}\n")
    return "".join(lines)


def _toctree(pages: Sequence[str]) -> str:
    return _fence("toctree", "", [":hidden:", ":maxdepth: 1"], "\n".join(pages))


_ROLES = {"class": "class", "function": "func", "module": "mod", "data": "data"}


def _api_lists(
    objects: Sequence[ApiObject],
    types: Sequence[ApiObject],
    models: Sequence[Model],
    aliases: Sequence[Alias],
) -> list[str]:
    """The lists of an index page: classes, functions, modules, constants, data models (of a
    subpackage; an SDK's generated models have an index of their own), re-exports and the
    types signatures name."""
    groups = [
        ("Classes", [(_ROLES[o.kind], o.path, o.summary) for o in objects if o.kind == "class"]),
        ("Functions", [("func", o.path, o.summary) for o in objects if o.kind == "function"]),
        ("Modules", [("mod", o.path, o.summary) for o in objects if o.kind == "module"]),
        ("Constants", [("data", o.path, o.summary) for o in objects if o.kind == "data"]),
        ("Data models", [("class", m.path, m.summary) for m in models]),
        (
            "Re-exported",
            [("obj", a.path, f"documented as `{a.target}`.") for a in aliases],
        ),
        ("Types in signatures", [("class", o.path, o.summary) for o in types]),
    ]
    lines: list[str] = []
    for title, items in groups:
        if items:
            lines += [f"## {title}", "", _link_list(items)]
    return lines


def sdk_index(inv: Inventory, object_pages: Sequence[str], model_pages: Sequence[str]) -> str:
    """The index page of one SDK: version, source link, and links to every page (an SDK of
    several subpackages: to the index page of each)."""
    sdk = inv.sdk
    lines = [f"# {md_escape(sdk.title)} {inv.version}", ""]
    dist = f"`{sdk.distribution}` {inv.version}, " if sdk.distribution else ""
    lines += [f"{dist}import package `{sdk.package}`.", ""]
    url = source_url(inv)
    if url:
        tag = sdk.tag.format(version=inv.version)
        lines += [f"Source: [{md_escape(tag)}]({url}).", ""]
    if inv.groups:
        lines += ["## Packages", ""]
        for group, summary in inv.groups:
            tail = f": {summary_markup(summary)}" if summary else ""
            lines.append(f"- {{doc}}`{sdk.package}.{group} <{group}/index>`{tail}")
        lines += ["", _toctree([f"{group}/index" for group, _ in inv.groups])]
        return "\n".join(lines)
    lines += _api_lists(inv.objects, inv.types, [], inv.aliases)
    if inv.models:
        package = f"{sdk.package}.{sdk.models}" if sdk.models else sdk.package
        what = (
            "generated models of `{}` (Kubernetes resources and their fields)"
            if sdk.models
            else "data models of `{}` (their fields)"
        )
        lines += [
            "## Models",
            "",
            f"The {len(inv.models)} {what.format(package)}: {{doc}}`models <models/index>`.",
            "",
        ]
    lines.append(_toctree([*object_pages, *(["models/index"] if model_pages else [])]))
    return "\n".join(lines)


def group_index(inv: Inventory, group: str, summary: str) -> str:
    """The index page of one subpackage of an SDK of several: its public names (re-exports
    linked to where they are documented), its data models and the types its signatures name."""
    package = f"{inv.sdk.package}.{group}"
    # the subpackage as a module target: references to it resolve here, and "Edit this page"
    # opens its __init__.py
    lines = [f"# {md_escape(package)}", "", _rst(f".. py:module:: {package}"), ""]
    if summary:
        lines += [summary_markup(summary), ""]
    objects = [o for o in inv.objects if o.group == group]
    types = [o for o in inv.types if o.group == group]
    models = [m for m in inv.models if m.group == group]
    aliases = [a for a in inv.aliases if a.group == group]
    lines += _api_lists(objects, types, models, aliases)
    pages = [o.name for o in objects if o.kind != "data"]
    if any(o.kind == "data" for o in objects):
        pages.append("constants")
    pages += [o.name for o in types] + [m.name for m in models]
    lines.append(_toctree(pages))
    return "\n".join(lines)


def models_index(inv: Inventory, model_pages: Sequence[str]) -> str:
    """The index page of the SDK's models package: every model with its first sentence."""
    sdk = inv.sdk
    package = f"{sdk.package}.{sdk.models}" if sdk.models else sdk.package
    lines = [
        "# Models",
        "",
        f"Models of `{package}`: the Kubernetes resources of {md_escape(sdk.title)} and their"
        " fields, as attributes and as YAML/JSON keys."
        if sdk.models
        else f"Data models of `{package}` and their fields, as attributes and as keys.",
        "",
        _link_list(("class", m.path, m.summary) for m in inv.models),
        _toctree([page.removeprefix("models/") for page in model_pages]),
    ]
    return "\n".join(lines)


def object_docname(inv: Inventory, obj: ApiObject) -> str:
    """The document of an object's page (its name in the SDK's, or its subpackage's, folder)."""
    return page_name(inv.sdk, obj.group, obj.name)


def model_docname(inv: Inventory, model: Model) -> str:
    """The document of a model's page: in the SDK's ``models`` folder, or for an SDK of
    several subpackages beside the objects of its subpackage."""
    if model.group:
        return page_name(inv.sdk, model.group, model.name)
    return f"{inv.sdk.out_dir}/models/{model.name}"


def page_summaries(inventories: Sequence[Inventory]) -> dict[str, str]:
    """The summary of every page that documents one object or model, by document name.

    It is what the SDK index shows beside the object, so a builder that describes a page
    (the Hugo front matter's ``description``) describes it with the same sentence.
    """
    found: dict[str, str] = {}
    for inv in inventories:
        for obj in inv.objects:
            if obj.kind != "data":
                found[object_docname(inv, obj)] = obj.summary
        for model in inv.models:
            found[model_docname(inv, model)] = model.summary
        for obj in inv.types:
            found[object_docname(inv, obj)] = obj.summary
    return found


def code_hash() -> str:
    """A hash of docgen's own code: when it changes, Sphinx must re-read every page."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def conf_py(
    inventories: Sequence[Inventory],
    signature_types: Mapping[str, Mapping[str, str]] | None = None,
    unresolved: Mapping[str, Sequence[str]] | None = None,
    mocked: Sequence[str] = (),
    site: Sequence[SiteSdk] = (),
) -> str:
    """The generated conf.py: Sphinx settings plus what our extensions need to know.

    Args:
        inventories: The SDKs.
        signature_types: Per documented callable, the names its annotations use for classes
            and where each is defined (forward references the module never imports included).
        unresolved: Per documented callable, why a class its signature names has no page.
        mocked: Modules autodoc mocks to import those classes (not installed).
        site: Every SDK of the site, when ``inventories`` are one part of it.

    Returns:
        The text of ``conf.py``.
    """
    sdks = {
        inv.sdk.id: {
            "package": inv.sdk.package,
            "version": inv.version,
            "repository": inv.sdk.repository or "",
            "tag": inv.sdk.tag.format(version=inv.version),
            "source_root": inv.sdk.source_root,
        }
        for inv in inventories
    }
    hugo = {
        inv.sdk.id: {
            "folder": inv.sdk.out_dir,
            "section": inv.sdk.content_section,
            "link_title": inv.sdk.website_title,
            "weight": inv.sdk.website_weight,
            "source": f"{inv.sdk.distribution or inv.sdk.package} {inv.version}",
        }
        for inv in inventories
    }
    canonical: dict[str, str] = {}
    for inv in inventories:
        canonical.update(inv.canonical_map())
    versions = ", ".join(f"{sdk.title} {sdk.version}" for sdk in _site_of(inventories, site))
    return f'''"""Sphinx configuration generated by docgen; do not edit."""

from kubeflow_devtools.docgen.sphinxext.links import linkcode_resolver

project = {TITLE!r}
release = {versions!r}
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_autodoc_typehints",
    "sphinx.ext.linkcode",
    "kubeflow_devtools.docgen.sphinxext",
]
source_suffix = {{".md": "markdown"}}
myst_enable_extensions = ["deflist"]
root_doc = "index"
exclude_patterns = ["_build"]
nitpicky = True
# sphinx-autodoc-typehints warns about annotations naming undefined classes; docgen reports them
# as docstring defects (see defects.json) and renders the name as text.
suppress_warnings = ["sphinx_autodoc_typehints.forward_reference"]
smartquotes = False
html_theme = "furo"
html_title = {f"{TITLE} ({versions})"!r}
html_show_sourcelink = False
html_copy_source = False

autoclass_content = "both"
autodoc_class_signature = "mixed"
autodoc_preserve_defaults = True
autodoc_member_order = "bysource"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_include_init_with_doc = False
napoleon_use_rtype = True
napoleon_custom_sections = {list(NAPOLEON_CUSTOM_SECTIONS)!r}
typehints_document_rtype = True
typehints_use_rtype = True
always_document_param_types = False
typehints_defaults = None
# signatures carry the types and the return type, one parameter per line when long
typehints_use_signature = True
typehints_use_signature_return = True
python_maximum_signature_line_length = 88

docgen_code = {code_hash()!r}
docgen_sdks = {json.dumps(sdks, indent=4, sort_keys=True)}
docgen_canonical = {json.dumps(canonical, indent=4, sort_keys=True)}
docgen_hugo = {json.dumps(hugo, indent=4, sort_keys=True)}
docgen_summaries = {json.dumps(page_summaries(inventories), indent=4, sort_keys=True)}
docgen_signature_types = {json.dumps(signature_types or {}, indent=4, sort_keys=True)}
docgen_unresolved_types = {json.dumps(unresolved or {}, indent=4, sort_keys=True)}
autodoc_mock_imports = {json.dumps(sorted(mocked))}
linkcode_resolve = linkcode_resolver(docgen_sdks)
# docgen's own references: strict references, models on pages of their own, defects.json
docgen_strict_references = True
docgen_model_tables = False
docgen_defects_file = "defects.json"
'''


def root_index(inventories: Sequence[Inventory], site: Sequence[SiteSdk] = ()) -> str:
    """The root page: one entry per SDK of the site (``site``, else ``inventories``)."""
    sdks = _site_of(inventories, site)
    lines = [f"# {TITLE}", ""]
    for sdk in sdks:
        lines.append(f"- [{md_escape(sdk.title)} {sdk.version}]({sdk.out_dir}/index.md)")
    lines.append("")
    lines.append(_toctree([f"{sdk.out_dir}/index" for sdk in sdks]))
    return "\n".join(lines)


def render(
    inventories: Sequence[Inventory],
    signature_types: Mapping[str, Mapping[str, str]] | None = None,
    unresolved: Mapping[str, Sequence[str]] | None = None,
    mocked: Sequence[str] = (),
    site: Sequence[SiteSdk] = (),
) -> dict[str, str]:
    """Every file of the project, by relative path (see :func:`conf_py` for the rest); the
    SDKs of ``site`` that ``inventories`` do not hold get a :func:`stub_page`."""
    files: dict[str, str] = {
        "conf.py": conf_py(inventories, signature_types, unresolved, mocked, site),
        "index.md": root_index(inventories, site),
    }
    here = {inv.sdk.id for inv in inventories}
    for sdk in site:
        if sdk.id not in here:
            files[f"{sdk.out_dir}/index.md"] = stub_page(sdk)
    targets: dict[str, str] = {}
    for inv in inventories:
        for model in inv.models:
            targets.setdefault(model.name, model.path)
            targets.setdefault(model.canonical.rpartition(".")[2], model.path)
    for inv in inventories:
        base = inv.sdk.out_dir
        object_pages = [o.name for o in inv.objects if o.kind != "data"]
        if any(o.kind == "data" and not o.group for o in inv.objects):
            object_pages.append("constants")
        object_pages += [o.name for o in inv.types]
        for obj in (*inv.objects, *inv.types):
            if obj.kind != "data":
                files[f"{object_docname(inv, obj)}.md"] = object_page(obj)
        for group in ["", *(g for g, _ in inv.groups)]:
            constants = [o for o in inv.objects if o.kind == "data" and o.group == group]
            package = f"{inv.sdk.package}.{group}" if group else inv.sdk.package
            if constants:
                files[f"{page_name(inv.sdk, group, 'constants')}.md"] = constants_page(
                    package, constants
                )
        model_pages = []
        for model in inv.models:
            files[f"{model_docname(inv, model)}.md"] = model_page(model, targets)
            if not model.group:
                model_pages.append(f"models/{model.name}")
        files[f"{base}/index.md"] = sdk_index(inv, object_pages, model_pages)
        if model_pages:
            files[f"{base}/models/index.md"] = models_index(inv, model_pages)
        for group, summary in inv.groups:
            files[f"{page_name(inv.sdk, group, 'index')}.md"] = group_index(inv, group, summary)
    return files


def write_project(
    inventories: Sequence[Inventory],
    root: Path,
    signature_types: Mapping[str, Mapping[str, str]] | None = None,
    unresolved: Mapping[str, Sequence[str]] | None = None,
    mocked: Sequence[str] = (),
    site: Sequence[SiteSdk] = (),
) -> Project:
    """Write the project into ``root``: changed files only, stale pages removed (the other
    arguments are :func:`render`'s)."""
    files = render(inventories, signature_types, unresolved, mocked, site)
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and path.suffix in {".md", ".py"} and rel not in files:
            path.unlink()
    pages = tuple(sorted(rel[:-3] for rel in files if rel.endswith(".md")))
    return Project(root, pages)
