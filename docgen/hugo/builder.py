"""The ``docgen-hugo`` Sphinx builder: every SDK document as a Hugo/Docsy page.

Documents are mapped to pages by the ``docgen_hugo`` configuration (one entry per SDK: the
folder its documents are in, the section in the website it is published to, titles, weight):
``<sdk>/index`` becomes the section's ``_index.md``, ``<sdk>/models/index`` the models
package's ``models/_index.md``, any other document ``<name>.md``. Pages are ordered (``weight``)
as the SDK index lists them. The builder writes, per SDK, ``<outdir>/<sdk>/pages.json`` (front
matter, body and documented names of every page, what ``docgen publish`` installs) and the
rendered ``.md`` files beside it, for reading.

Front matter is what Docsy reads: ``title``; ``description`` (the lead), the summary of the
object a page documents, else the page's opening paragraph (then not repeated in the body);
``no_list`` on section pages (their body lists the pages already); and Docsy's per-page edit
parameters, ``github_repo`` and ``path_base_for_github_subdir``, so that "Edit this page" opens
the docstring in the SDK's repository at the release tag, never the generated file. Markdown
follows the site's settings (``docgen_markdown``, else
:data:`~kubeflow_devtools.docgen.hugo.settings.DEFAULT`).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.util import logging

from kubeflow_devtools.docgen.grammar import plain_text
from kubeflow_devtools.docgen.hugo import markdown as md
from kubeflow_devtools.docgen.hugo.publish import Page, render_page
from kubeflow_devtools.docgen.hugo.settings import DEFAULT, MarkdownSettings
from kubeflow_devtools.docgen.hugo.translator import (
    INTERNAL,
    HugoTranslator,
    Link,
    collect_anchors,
    object_names,
    page_subject,
)
from kubeflow_devtools.docgen.sphinxext.links import SourceLocation, locate, sdk_of

logger = logging.getLogger(__name__)

PAGES_FILE = "pages.json"


@dataclass(frozen=True)
class SdkSection:
    """Where one SDK's documents go: read from the ``docgen_hugo`` configuration value."""

    id: str
    folder: str
    section: str
    link_title: str
    weight: int
    source: str

    @classmethod
    def from_config(cls, sdk_id: str, data: Mapping[str, Any]) -> SdkSection:
        """Build from one entry of ``docgen_hugo``."""
        return cls(
            id=sdk_id,
            folder=str(data["folder"]),
            section=str(data["section"]).strip("/"),
            link_title=str(data.get("link_title", "")),
            weight=int(data.get("weight", 0)),
            source=str(data.get("source", "")),
        )


class HugoBuilder(Builder):
    """Write Hugo/Docsy Markdown pages (TOML front matter, explicit heading ids, relref links)."""

    name = "docgen-hugo"
    format = "markdown"
    epilog = "Hugo pages are in %(outdir)s."
    allow_parallel = False
    supported_image_types: ClassVar[list[str]] = []

    def init(self) -> None:
        """Read the SDK sections from the configuration."""
        raw: Mapping[str, Mapping[str, Any]] = self.config.docgen_hugo or {}
        self.sections = [SdkSection.from_config(k, v) for k, v in sorted(raw.items())]
        self.pages: dict[str, dict[str, Page]] = {s.id: {} for s in self.sections}
        self.anchors: dict[str, dict[str, str]] = {}
        self.weights: dict[str, int] = {}
        self.summaries: Mapping[str, str] = self.config.docgen_summaries or {}
        self.sdks: Mapping[str, Mapping[str, str]] = self.config.docgen_sdks or {}
        markdown = self.config.docgen_markdown
        self.settings = MarkdownSettings.from_dict(markdown) if markdown else DEFAULT

    def get_outdated_docs(self) -> Iterator[str]:
        """Every page is written on every build (writing is cheap; reading is cached)."""
        yield from sorted(self.env.found_docs)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """References between documents keep the document name; the translator maps it."""
        return INTERNAL + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        """See :meth:`get_target_uri`."""
        return self.get_target_uri(to)

    def section_of(self, docname: str) -> tuple[SdkSection, str] | None:
        """The SDK a document belongs to and its page path in that section, if published."""
        for sdk in self.sections:
            prefix = sdk.folder.strip("/") + "/"
            if docname.startswith(prefix):
                rest = docname[len(prefix) :]
                if rest == "index":
                    return sdk, "_index.md"
                if rest.endswith("/index"):
                    return sdk, rest[: -len("index")] + "_index.md"
                return sdk, rest + ".md"
        return None

    def page_path(self, docname: str) -> str | None:
        """The content-relative path of a document's page (``None``: not published)."""
        found = self.section_of(docname)
        if found is None:
            return None
        sdk, rel = found
        return posixpath.join(sdk.section, rel)

    def prepare_writing(self, docnames: AbstractSet[str]) -> None:
        """Collect every page's heading ids and every page's weight before writing any."""
        for docname in sorted(self.env.found_docs):
            self.anchors[docname] = collect_anchors(self.env.get_doctree(docname))
        for docname in sorted(self.env.found_docs):
            children = self.env.toctree_includes.get(docname, [])
            for position, child in enumerate(children):
                self.weights.setdefault(child, 10 * (position + 1))

    def resolve(self, docname: str, ident: str) -> Link | None:
        """Where a reference to ``docname#ident`` points, or ``None`` if it is not published."""
        page = self.page_path(docname)
        if page is None:
            return None
        anchors = self.anchors.get(docname, {})
        if ident and ident not in anchors:
            logger.warning("docgen-hugo: %s has no anchor %r", docname, ident, type="docgen")
        return Link(page, anchors.get(ident, ""))

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        """Translate one document into its page record."""
        found = self.section_of(docname)
        if found is None:
            return
        sdk, rel = found

        def warn(message: str, node: nodes.Node) -> None:
            logger.warning(message, location=node, type="docgen")

        translator = HugoTranslator(
            doctree,
            page=posixpath.join(sdk.section, rel),
            anchors=self.anchors.get(docname, {}),
            resolve=self.resolve,
            warn=warn,
            settings=self.settings,
            source=self.source_url,
            take_lead=docname not in self.summaries,
        )
        page = translator.translate()
        front: dict[str, Any] = {"title": page.title or posixpath.basename(docname)}
        if rel == "_index.md" and sdk.link_title:
            front["linkTitle"] = sdk.link_title
        description = self.description(docname, doctree, sdk, page.lead)
        if description:
            front["description"] = description
        weight = sdk.weight if rel == "_index.md" else self.weights.get(docname, 0)
        if weight:
            front["weight"] = weight
        if rel.endswith("_index.md"):
            front["no_list"] = True
        location = self.page_source(sdk, doctree)
        if location is not None:
            front["github_repo"] = location.repository
            front["path_base_for_github_subdir"] = {"from": "^.*$", "to": location.edit_path}
        names = tuple(object_names(doctree))
        self.pages[sdk.id][rel] = Page(front=front, body=page.body, anchors=names)

    def description(self, docname: str, doctree: nodes.document, sdk: SdkSection, lead: str) -> str:
        """Docsy's lead and meta description: the summary of the object the page documents
        (``docgen_summaries``, what the SDK index shows beside it); an object without one gets
        a line naming it and the release (else Docsy would take the page's opening text,
        signature and all); a page about no one object, its opening paragraph (``lead``)."""
        if docname not in self.summaries:
            return lead
        if self.summaries[docname]:
            return md.text(plain_text(self.summaries[docname]), self.settings)
        named = [*_subject_ids(doctree), *_module_names(doctree)]
        if not named:
            return ""
        release = f" ({sdk.source})" if sdk.source else ""
        return md.text(f"API reference of {named[0]}{release}.", self.settings)

    def locate(self, module: str, fullname: str) -> SourceLocation | None:
        """Where an object of a configured SDK is defined (``None``: unknown, or data)."""
        sdk = sdk_of(self.sdks, module)
        return locate(sdk, module, fullname) if sdk is not None and module else None

    def source_url(self, signature: addnodes.desc_signature) -> str | None:
        """The source link of a documented object (what ``linkcode`` adds to the HTML)."""
        found = self.locate(str(signature.get("module") or ""), str(signature.get("fullname", "")))
        return found.url if found is not None else None

    def page_source(self, sdk: SdkSection, doctree: nodes.document) -> SourceLocation | None:
        """What "Edit this page" opens: the docstring of the module the page documents, else of
        its first object with a source (its subject comes first), else the SDK package's
        ``__init__.py``, where its public names are declared."""
        modules = [(name, "") for name in _module_names(doctree)]
        objects = [
            (str(s.get("module") or ""), str(s.get("fullname", "")))
            for s in doctree.findall(addnodes.desc_signature)
        ]
        package = (self.sdks.get(sdk.id, {}).get("package", ""), "")
        found = (self.locate(*name) for name in [*modules, *objects, package])
        return next((location for location in found if location is not None), None)

    def finish(self) -> None:
        """Write ``pages.json`` and the rendered pages of every SDK."""
        out = Path(self.outdir)
        for sdk in self.sections:
            pages = self.pages[sdk.id]
            write_pages(out / sdk.id / PAGES_FILE, sdk, pages)
            for rel, page in pages.items():
                path = out / sdk.id / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(render_page(page, ()), encoding="utf-8")


def _module_names(doctree: nodes.document) -> list[str]:
    """The modules a page documents (their ``module-`` ids, on a target or its section)."""
    ids: list[str] = [str(i) for node in doctree.findall(nodes.Element) for i in node["ids"]]
    return [ident.removeprefix("module-") for ident in ids if ident.startswith("module-")]


def _subject_ids(doctree: nodes.document) -> list[str]:
    """The public names of the object a page is about (none when it is about no one)."""
    subject = page_subject(doctree)
    if subject is None:
        return []
    return [str(i) for s in subject.findall(addnodes.desc_signature) for i in s["ids"]]


def write_pages(path: Path, sdk: SdkSection, pages: Mapping[str, Page]) -> None:
    """Write the pages of one SDK as JSON (what :func:`read_pages` reads back).

    Args:
        path: The ``pages.json`` file to write.
        sdk: The SDK and section the pages belong to, and the release they come from.
        pages: The pages, by path relative to the section.
    """
    records = {
        rel: {"front": dict(page.front), "body": page.body, "anchors": list(page.anchors)}
        for rel, page in sorted(pages.items())
    }
    record = {"sdk": sdk.id, "section": sdk.section, "source": sdk.source, "pages": records}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def read_pages(path: Path) -> tuple[str, dict[str, Page]]:
    """Read a ``pages.json`` written by :func:`write_pages`.

    Args:
        path: The file.

    Returns:
        The release the pages come from, and the pages by path relative to their section.
    """
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    pages = {
        rel: Page(front=data["front"], body=data["body"], anchors=tuple(data["anchors"]))
        for rel, data in record["pages"].items()
    }
    return str(record.get("source", "")), pages
