"""Cross-references resolved by docgen, explicitly and offline.

- SDK objects referred to by where they are defined (``kubeflow.katib.models.v1beta1_...``) go to
  the page of their public path;
- ``kubernetes.client`` models go to the Kubernetes Python client's model docs;
- built-ins, ``typing`` and the standard library go to docs.python.org;
- anything else is rendered as text and reported as a defect (never a warning, never a guess).

No loose matching: Sphinx's "ends with ``.name``" search is switched off for the Python domain, and
built-in names in type positions always mean the built-in (``list`` is never some class's
``list`` attribute, ``int`` never the Katib ``search.int`` function).

All of it only with ``docgen_strict_references = True`` (docgen's generated ``conf.py`` sets
it): a project of its own that adds the extension keeps Sphinx's own resolution unless it asks.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import re
import sys
import types
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from kubeflow_devtools.docgen.sphinxext import defects
from kubeflow_devtools.docgen.sphinxext.normalize import Defect

PYTHON_DOCS = "https://docs.python.org/3"
K8S_SOURCE = "https://github.com/kubernetes-client/python/blob/master"
K8S_MODEL_DOCS = "https://github.com/kubernetes-client/python/blob/master/kubernetes/docs"

_K8S = re.compile(r"^(?:kubernetes\.)?client(?:\.models(?:\.\w+)?)?\.(V\d\w*|\w+V\d\w*)$")
_STDTYPES = {"str", "list", "dict", "tuple", "set", "frozenset", "bytes", "bytearray", "range",
             "memoryview"}  # fmt: skip
_CONSTANTS = {"None", "True", "False", "Ellipsis", "NotImplemented"}
_TYPE_ROLES = {"class", "exc", "obj", "data"}


def builtin_url(name: str) -> str | None:
    """docs.python.org URL for a built-in name (type, function, exception, constant)."""
    if name in _CONSTANTS:
        return f"{PYTHON_DOCS}/library/constants.html#{name}"
    value = getattr(builtins, name, None)
    if value is None:
        return None
    if inspect.isclass(value) and issubclass(value, BaseException):
        return f"{PYTHON_DOCS}/library/exceptions.html#{name}"
    if name in _STDTYPES:
        return f"{PYTHON_DOCS}/library/stdtypes.html#{name}"
    return f"{PYTHON_DOCS}/library/functions.html#{name}"


def stdlib_url(target: str) -> str | None:
    """docs.python.org URL for a standard-library object such as ``typing.Optional``."""
    parts = target.split(".")
    if parts[0] not in sys.stdlib_module_names or parts[0] == "builtins":
        return None
    page = parts[0]
    for i in range(2, len(parts) + 1):
        candidate = ".".join(parts[:i])
        if candidate not in sys.modules:
            try:
                importlib.import_module(candidate)
            except Exception:
                break
        page = candidate
    anchor = target if target != page else f"module-{page}"
    return f"{PYTHON_DOCS}/library/{page}.html#{anchor}"


def kubernetes_url(target: str) -> str | None:
    """The Kubernetes Python client's doc page for a ``kubernetes.client`` model."""
    match = _K8S.match(target)
    return f"{K8S_MODEL_DOCS}/{match.group(1)}.md" if match else None


def kubernetes_source_url(target: str) -> str | None:
    """Other ``kubernetes`` classes (``Configuration``, ``ApiException``): their source file."""
    module, _, name = target.rpartition(".")
    if not module.startswith("kubernetes.") or not name[:1].isupper():
        return None
    try:
        importlib.import_module(module)
    except Exception:
        return None
    path = module.replace(".", "/")
    return f"{K8S_SOURCE}/{path}.py"


def external_url(target: str) -> str | None:
    """The URL for a target outside the SDKs, or None when docgen does not know it."""
    if target.startswith("builtins."):
        return builtin_url(target[len("builtins.") :])
    return (
        builtin_url(target)
        or kubernetes_url(target)
        or kubernetes_source_url(target)
        or stdlib_url(target)
    )


def scope_lookup(module_name: str, class_name: str, target: str) -> str | None:
    """Resolve a bare name the way Python would in the module that defines the documented
    object (its imports included); return the canonical path of what it names, or None."""
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception:
        return None
    for part in filter(None, class_name.split(".")):
        obj = getattr(obj, part, None)
    home = sys.modules.get(getattr(obj, "__module__", "") or "")
    if home is None:
        return None
    value = vars(home).get(target)
    if value is None:
        return None
    if isinstance(value, types.ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "_name", None)
    return f"{module}.{qualname}" if module and qualname else None


class StrictPythonReferences(SphinxPostTransform):
    """Before Sphinx resolves references: no fuzzy search; built-in type names are built-ins."""

    default_priority = 5  # before ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        """Rewrite the Python-domain pending cross-references of the document."""
        defects.start_document(self.env.docname)
        if not self.config.docgen_strict_references:
            return
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("refdomain") != "py":
                continue
            if node.get("refspecific"):
                node["refspecific"] = False
            target = str(node.get("reftarget", ""))
            if node.get("reftype") in _TYPE_ROLES and (
                target in _CONSTANTS or inspect.isclass(getattr(builtins, target, None))
            ):
                node["reftarget"] = f"builtins.{target}"


def _external(url: str, contnode: nodes.Element) -> nodes.reference:
    ref = nodes.reference("", "", internal=False, refuri=url)
    ref += contnode
    return ref


def _owner(node: nodes.Node) -> str | None:
    """The documented object whose entry holds ``node`` (its signature's id)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.desc):
            for signature in parent.findall(addnodes.desc_signature):
                ids = signature.get("ids")
                if ids:
                    return str(ids[0])
        parent = parent.parent
    return None


def resolve_missing(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Node | None:
    """``missing-reference``: SDK canonical paths, Kubernetes, Python; else text and a defect."""
    if node.get("refdomain") != "py" or not app.config.docgen_strict_references:
        return None
    target = str(node.get("reftarget", ""))
    canonical: dict[str, str] = app.config.docgen_canonical
    public = canonical.get(target)
    if public is None and node.get("py:module"):
        public = canonical.get(f"{node['py:module']}.{target}")
    if public is not None and public != target:
        domain = env.domains["py"]
        resolved: nodes.Node | None = domain.resolve_xref(
            env, node.get("refdoc", ""), app.builder, node["reftype"], public, node, contnode
        )
        if resolved is not None:
            return resolved
    owner = _owner(node)
    named: dict[str, dict[str, str]] = app.config.docgen_signature_types
    defined = named.get(owner or "", {}).get(target)
    if defined is not None and canonical.get(defined) is not None:
        # a class the signature names by a name its module never imports (``tune`` takes
        # ``"HuggingFaceModelParams"``): where the function's own imports say it is defined
        domain = env.domains["py"]
        found: nodes.Node | None = domain.resolve_xref(
            env, node.get("refdoc", ""), app.builder, node["reftype"], canonical[defined], node,
            contnode,
        )  # fmt: skip
        if found is not None:
            return found
    url = external_url(target)
    if url is None and "." not in target and node.get("py:module"):
        scoped = scope_lookup(str(node["py:module"]), str(node.get("py:class") or ""), target)
        if scoped is not None:
            public = canonical.get(scoped)
            if public is not None:
                domain = env.domains["py"]
                return domain.resolve_xref(
                    env,
                    node.get("refdoc", ""),
                    app.builder,
                    node["reftype"],
                    public,
                    node,
                    contnode,
                )
            url = external_url(scoped)
    if url is not None:
        return _external(url, contnode)
    docname = str(node.get("refdoc", ""))
    where = (
        _owner(node)
        or ".".join(str(node.get(k)) for k in ("py:module", "py:class") if node.get(k))
        or docname
    )
    message = f"unresolved reference {target!r} (rendered as text)"
    defects.record_reference(docname, Defect(where, "reference", message))
    return contnode


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the strict-reference transform and the missing-reference resolver."""
    app.add_config_value("docgen_canonical", {}, "env", types=[dict])
    app.add_config_value("docgen_signature_types", {}, "env", types=[dict])
    app.add_config_value("docgen_strict_references", False, "env", types=[bool])
    app.add_post_transform(StrictPythonReferences)
    app.connect("missing-reference", resolve_missing)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
