"""Translate one resolved Sphinx doctree into the Markdown body of a Hugo/Docsy page.

Each documented object becomes a short heading with an explicit, stable id (its public dotted
name), its full signature in a fenced code block, a link to its source, then its description;
the object a page is about (its title) gets no heading of its own: Docsy shows the title.
Field lists (parameters, returns, raises) and definition lists become lists, admonitions
Docsy ``alert`` shortcodes, references Hugo ``relref`` links (or in-page ``#id`` links).
Nothing a docstring holds reaches the page unescaped (see
:mod:`kubeflow_devtools.docgen.hugo.markdown`, which follows the site's Markdown settings), and
no raw HTML is ever written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes

from kubeflow_devtools.docgen.hugo import markdown as md
from kubeflow_devtools.docgen.hugo.settings import MarkdownSettings

#: ``refuri`` prefix of references between documents (set by the builder's ``get_target_uri``).
INTERNAL = "docgen-doc:"
#: Longest signature kept on one line in its code block.
SIGNATURE_WIDTH = 88

_ALERTS: dict[str, tuple[str, str]] = {
    "note": ("Note", "info"),
    "hint": ("Hint", "info"),
    "tip": ("Tip", "success"),
    "important": ("Important", "primary"),
    "attention": ("Attention", "warning"),
    "caution": ("Caution", "warning"),
    "warning": ("Warning", "warning"),
    "danger": ("Danger", "danger"),
    "error": ("Error", "danger"),
    "seealso": ("See also", "info"),
    "admonition": ("", "primary"),
}
_LANGUAGES = {"default": "python", "python3": "python", "py": "python", "none": "text", "": ""}
_SKIP = (
    nodes.comment,
    nodes.target,
    nodes.substitution_definition,
    nodes.system_message,
    addnodes.index,
    addnodes.toctree,
    nodes.meta,
)


@dataclass(frozen=True)
class Link:
    """Where a reference points in the website: a content-relative page path and an anchor."""

    page: str
    anchor: str = ""


@dataclass
class Page:
    """The translation of one document: title, lead and body.

    ``lead`` is the plain text of the page's opening paragraph, taken out of the body, when
    the translator was asked for it (a page that documents no one object).
    """

    title: str = ""
    lead: str = ""
    body: str = ""


def _top_section(doctree: nodes.document) -> nodes.section | None:
    return next((c for c in doctree.children if isinstance(c, nodes.section)), None)


def page_subject(doctree: nodes.document) -> addnodes.desc | None:
    """The object a page is about: a description right in the top section whose name is the
    page's title (``# KatibClient`` then ``KatibClient``'s class); the title is its heading."""
    top = _top_section(doctree)
    if top is None:
        return None
    title = next((c.astext() for c in top.children if isinstance(c, nodes.title)), None)
    for child in top.children:
        if isinstance(child, addnodes.desc):
            names = [n.astext() for s in _signatures(child) for n in s.findall(addnodes.desc_name)]
            return child if names[:1] == [title] else None
    return None


def collect_anchors(doctree: nodes.document) -> dict[str, str]:
    """Map every id of ``doctree`` to the heading id the page will show (``""``: the page top).

    The ids of the top section and of the page's subject (:func:`page_subject`) are the page
    itself; a subsection or another documented object (all ids of all its signatures) gets a
    heading of its own; any other id (targets, module markers) points at the heading that
    encloses it.
    """
    found: dict[str, str] = {}
    subject = page_subject(doctree)

    def visit(node: nodes.Element, current: str, top: bool) -> None:
        here = current
        if isinstance(node, nodes.section) and node["ids"]:
            here = "" if top else md.anchor_id(node["ids"][0])
            top = False
        elif node is subject:
            for ident in (i for s in _signatures(node) for i in s["ids"]):
                found.setdefault(ident, "")
        elif isinstance(node, addnodes.desc):
            signature_ids = [i for s in _signatures(node) for i in s["ids"]]
            if signature_ids:
                here = md.anchor_id(signature_ids[0])
                for ident in signature_ids:
                    found.setdefault(ident, here)
        for ident in node.get("ids", []):
            found.setdefault(ident, here)
        for child in node.children:
            if isinstance(child, nodes.Element):
                visit(child, here, top and not isinstance(node, nodes.section))

    visit(doctree, "", True)
    return found


def object_names(doctree: nodes.document) -> list[str]:
    """The public names a page documents: its signatures' ids and the modules it describes."""
    names: list[str] = []
    for node in doctree.findall(nodes.Element):
        if isinstance(node, addnodes.desc_signature):
            names += node["ids"]
        else:
            ids: list[str] = node.get("ids", [])
            names += [i.removeprefix("module-") for i in ids if i.startswith("module-")]
    return sorted(set(names))


def _all_inline(node: nodes.Element) -> bool:
    return all(isinstance(c, (nodes.Text, nodes.Inline)) for c in node.children)


def _signatures(desc: addnodes.desc) -> list[addnodes.desc_signature]:
    return [c for c in desc.children if isinstance(c, addnodes.desc_signature)]


def signature_text(signature: addnodes.desc_signature) -> str:
    """One signature as Python-like text; parameters one per line when it would be too long."""
    head: list[str] = []
    params: list[str] | None = None
    tail: list[str] = []
    for child in signature.children:
        if isinstance(child, nodes.comment):
            continue
        if isinstance(child, addnodes.desc_parameterlist) and params is None:
            params = [p.astext() for p in child.children]
        elif params is None:
            head.append(child.astext())
        else:
            tail.append(child.astext())
    if params is None:
        return "".join(head).strip()
    one_line = f"{''.join(head)}({', '.join(params)}){''.join(tail)}"
    if len(one_line) <= SIGNATURE_WIDTH or not params:
        return one_line.strip()
    lines = [f"{''.join(head)}(".strip(), *(f"    {p}," for p in params), f"){''.join(tail)}"]
    return "\n".join(lines)


class HugoTranslator:
    """Render one resolved doctree as Markdown for Hugo.

    ``page`` is the page's path relative to the content folder; ``resolve`` maps a document
    name and an id to a :class:`Link` (``None`` when that document is not published);
    ``anchors`` maps this page's ids to heading ids; ``warn`` reports what cannot be rendered
    (it is a Sphinx warning, so a strict build fails); ``settings`` are the site's Markdown
    settings; ``source`` gives a signature's source URL (or ``None``); with ``take_lead``, an
    opening paragraph becomes the page's :attr:`Page.lead` instead of part of its body.
    """

    def __init__(
        self,
        document: nodes.document,
        *,
        page: str,
        anchors: dict[str, str],
        resolve: Callable[[str, str], Link | None],
        warn: Callable[[str, nodes.Node], None],
        settings: MarkdownSettings,
        source: Callable[[addnodes.desc_signature], str | None] = lambda _: None,
        take_lead: bool = False,
    ) -> None:
        """Prepare to translate ``document``; see the class docstring for the arguments."""
        self.document = document
        self.page = page
        self.anchors = anchors
        self.resolve = resolve
        self.warn = warn
        self.settings = settings
        self.source = source
        self.take_lead = take_lead
        self.subject = page_subject(document)
        self.result = Page()
        self.section_level = 0
        self.desc_depth = 0
        self.in_table = False

    def text(self, value: str) -> str:
        """Prose, escaped for the site (:func:`kubeflow_devtools.docgen.hugo.markdown.text`)."""
        return md.text(value, self.settings)

    def translate(self) -> Page:
        """Translate the document; return its title, lead and Markdown body."""
        lines = self.blocks(self.document.children)
        self.result.body = "\n".join(lines).strip("\n") + "\n"
        return self.result

    def _lead(self, children: list[nodes.Node]) -> list[nodes.Node]:
        """With ``take_lead``, the opening paragraph is the page's lead, not part of its body."""
        first = next((c for c in children if not isinstance(c, (*_SKIP, nodes.Invisible))), None)
        if not self.take_lead or not isinstance(first, nodes.paragraph):
            return children
        self.result.lead = self.text(" ".join(first.astext().split()))
        return [c for c in children if c is not first]

    # blocks -------------------------------------------------------------------------------

    def blocks(self, children: Iterable[nodes.Node]) -> list[str]:
        """Render block-level nodes, separated by blank lines (loose inline runs as paragraphs)."""
        out: list[str] = []
        run: list[nodes.Node] = []

        def add(lines: Sequence[str]) -> None:
            if lines:
                if out:
                    out.append("")
                out.extend(lines)

        for child in children:
            if isinstance(child, (nodes.Text, nodes.Inline)):
                run.append(child)
                continue
            if run and isinstance(child, nodes.paragraph) and _all_inline(child):
                # Sphinx's field lists put "name (type) --" before the description's first
                # paragraph: one paragraph on the page.
                left = "".join(self.inline(n) for n in run).strip()
                add([md.line_start(f"{left} {self.inline_children(child).strip()}".strip())])
                run = []
                continue
            if run:
                add(self._paragraph_of(run))
                run = []
            add(self.block(child))
        if run:
            add(self._paragraph_of(run))
        return out

    def _paragraph_of(self, inlines: Sequence[nodes.Node]) -> list[str]:
        text = "".join(self.inline(n) for n in inlines).strip()
        return [md.line_start(text)] if text else []

    def block(self, node: nodes.Node) -> list[str]:
        """Render one block-level node as lines of Markdown."""
        if isinstance(node, (*_SKIP, nodes.Invisible)):
            return []
        method = getattr(self, f"block_{type(node).__name__}", None)
        if method is not None:
            lines: list[str] = method(node)
            return lines
        if isinstance(node, nodes.Element) and isinstance(node, nodes.Admonition):
            return self.block_admonition(node)
        if isinstance(node, nodes.Element):
            if not isinstance(node, (nodes.container, nodes.compound)):
                self.warn(f"docgen-hugo: no Markdown for <{node.tagname}>, kept its content", node)
            return self.blocks(node.children)
        return []

    def block_section(self, node: nodes.section) -> list[str]:
        """The first section titles the page; deeper ones are headings with their ids."""
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        rest = [c for c in node.children if c is not title]
        if self.section_level == 0 and not self.result.title:
            self.result.title = title.astext() if title else ""
            self.section_level = 1
            lines = self.blocks(self._lead(rest))
            self.section_level = 0
            return lines
        level = min(self.section_level + 1, 6)
        text = self.inline_children(title) if title else ""
        anchor = md.anchor_id(node["ids"][0]) if node["ids"] else ""
        head = md.heading(level, text, anchor) if anchor else f"{'#' * level} {text}"
        saved = self.section_level
        self.section_level = level
        lines = [head, "", *self.blocks(rest)]
        self.section_level = saved
        return lines

    def block_desc(self, node: addnodes.desc) -> list[str]:
        """A documented object: ``## name {#id}`` (none for the page's subject: the title is
        its heading), its signature, a link to its source, then its description."""
        signatures = _signatures(node)
        level = min(self.section_level + 1 + self.desc_depth, 6)
        lines: list[str] = []
        if signatures:
            first = signatures[0]
            names = list(first.findall(addnodes.desc_name))
            name = names[0].astext() if names else first.astext()
            ids = [i for s in signatures for i in s["ids"]]
            if node is self.subject:
                pass
            elif ids:
                lines += [md.heading(level, self.text(name), md.anchor_id(ids[0])), ""]
            else:
                lines += [f"{'#' * level} {md.line_start(self.text(name))}", ""]
            code = "\n".join(signature_text(s) for s in signatures)
            lines += md.code_block(code, "python")
            url = md.url(self.source(first) or "")
            if url:
                lines += ["", f"[Source]({url})"]
        content = [c for c in node.children if isinstance(c, addnodes.desc_content)]
        depth = 0 if node is self.subject else 1
        self.desc_depth += depth
        for part in content:
            body = self.blocks(part.children)
            if body:
                lines += ["", *body]
        self.desc_depth -= depth
        return lines

    def block_paragraph(self, node: nodes.paragraph) -> list[str]:
        """One line of inline Markdown (Sphinx's field lists may nest lists in a paragraph)."""
        if not _all_inline(node):
            return self.blocks(node.children)
        return self._paragraph_of(node.children)

    block_compact_paragraph = block_paragraph

    def block_rubric(self, node: nodes.rubric) -> list[str]:
        """A rubric ("Examples", "Notes") as a bold line."""
        text = self.inline_children(node).strip()
        return [f"**{text}**"] if text else []

    def block_literal_block(self, node: nodes.literal_block) -> list[str]:
        """A fenced code block in the node's language."""
        language = str(node.get("language", ""))
        return md.code_block(node.astext(), _LANGUAGES.get(language, language))

    def block_doctest_block(self, node: nodes.doctest_block) -> list[str]:
        """An interactive Python session."""
        return md.code_block(node.astext(), "pycon")

    def block_math_block(self, node: nodes.math_block) -> list[str]:
        """Display math, shown as its source."""
        return md.code_block(node.astext(), "text")

    def _list(self, items: Iterable[nodes.Node], markers: Iterable[str]) -> list[str]:
        lines: list[str] = []
        for item, marker in zip(items, markers, strict=False):
            body = self.blocks(item.children) if isinstance(item, nodes.Element) else []
            lines += self._list_item(marker, body or [""])
        return lines

    @staticmethod
    def _list_item(marker: str, body: Sequence[str]) -> list[str]:
        """``marker`` and the first line, the further lines indented under it."""
        pad = " " * (len(marker) + 1)
        return [f"{marker} {body[0]}".rstrip(), *(pad + line if line else "" for line in body[1:])]

    def block_bullet_list(self, node: nodes.bullet_list) -> list[str]:
        """A ``-`` list; items' further blocks indented under them."""
        return self._list(node.children, iter(lambda: "-", None))

    def block_enumerated_list(self, node: nodes.enumerated_list) -> list[str]:
        """A numbered list (Markdown numbers it from its first number)."""
        start = int(node.get("start", 1))
        return self._list(node.children, (f"{start + i}." for i in range(len(node.children))))

    def block_definition_list(self, node: nodes.definition_list) -> list[str]:
        """A list: each term, then its definition indented under it.

        Not a Markdown definition list: Docsy styles code in a ``<dt>`` (a model field's
        name) in its pale code colour, and code right in a list item's paragraph in the
        text's own."""
        items: list[tuple[str, list[str]]] = []
        for item in node.children:
            if not isinstance(item, nodes.definition_list_item):
                continue
            term = " ".join(self.inline_children(t).strip() for t in item.findall(nodes.term))
            body: list[str] = []
            for definition in item.findall(nodes.definition):
                body += self.blocks(definition.children)
            items.append((term.strip(), body))
        lines: list[str] = []
        for term, body in items:
            lines += self._list_item("-", [term, *(["", *body] if body else [])])
        return lines

    def block_field_list(self, node: nodes.field_list) -> list[str]:
        """Parameters, returns, raises: a bold name, then the body (a list when there are many)."""
        lines: list[str] = []
        for item in node.children:
            if not isinstance(item, nodes.field) or len(item.children) < 2:
                continue
            name = self.inline_children(item.children[0]).strip()
            body = item.children[1]
            parts = [c for c in body.children if not isinstance(c, _SKIP)]
            if lines:
                lines.append("")
            if len(parts) == 1 and isinstance(parts[0], nodes.paragraph) and _all_inline(parts[0]):
                lines.append(f"**{name}:** {self.inline_children(parts[0]).strip()}".rstrip())
            else:
                lines += [f"**{name}:**", "", *self.blocks(parts)]
        return lines

    def block_block_quote(self, node: nodes.block_quote) -> list[str]:
        """A quotation (also what RST makes of stray indentation)."""
        body = self.blocks(node.children)
        return [f"> {line}" if line else ">" for line in body]

    def block_attribution(self, node: nodes.attribution) -> list[str]:
        """The source line of a quotation."""
        return [f"\u2014 {self.inline_children(node).strip()}"]

    def block_line_block(self, node: nodes.line_block) -> list[str]:
        """Lines kept apart with hard line breaks (a trailing backslash)."""
        texts = [self.inline_children(line).strip() for line in node.findall(nodes.line)]
        last = len(texts) - 1
        return [md.line_start(t) + ("\\" if i < last else "") for i, t in enumerate(texts)]

    def block_transition(self, node: nodes.transition) -> list[str]:
        """A thematic break."""
        return ["***"]

    def block_title(self, node: nodes.title) -> list[str]:
        """A title outside a section (topics, sidebars): a bold line."""
        return [f"**{self.inline_children(node).strip()}**"]

    block_subtitle = block_title

    def block_admonition(self, node: nodes.Element) -> list[str]:
        """A note, warning, "see also"... as Docsy's ``alert`` shortcode."""
        default_title, color = _ALERTS.get(node.tagname, ("Note", "info"))
        title_node = next((c for c in node.children if isinstance(c, nodes.title)), None)
        title = title_node.astext() if title_node is not None else default_title
        body = self.blocks(c for c in node.children if c is not title_node)
        head = f'{{{{< alert title={md.shortcode_string(title)} color="{color}" >}}}}'
        return [head, *body, "{{< /alert >}}"]

    block_seealso = block_admonition

    def block_versionmodified(self, node: nodes.Element) -> list[str]:
        """``deprecated`` / ``versionadded`` / ``versionchanged``: their text as paragraphs."""
        if node.get("type") == "deprecated":
            body = self.blocks(node.children)
            return ['{{< alert title="Deprecated" color="warning" >}}', *body, "{{< /alert >}}"]
        return self.blocks(node.children)

    def block_table(self, node: nodes.table) -> list[str]:
        """A pipe table; a cell's paragraphs are joined (a Markdown cell is one line)."""
        head_rows = [r for t in node.findall(nodes.thead) for r in t.findall(nodes.row)]
        body_rows = [r for t in node.findall(nodes.tbody) for r in t.findall(nodes.row)]
        self.in_table = True
        head = [self._cells(r) for r in head_rows]
        body = [self._cells(r) for r in body_rows]
        self.in_table = False
        rows = head[:1] if head else body[:1]
        rest = head[1:] + (body if head else body[1:])
        if not rows:
            return []
        width = max(len(r) for r in [*rows, *rest])
        lines = []
        for i, row in enumerate([*rows, *rest]):
            cells = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0:
                lines.append("|" + "|".join(["---"] * width) + "|")
        titles = [
            self.inline_children(t).strip() for t in node.children if isinstance(t, nodes.title)
        ]
        return ([f"**{titles[0]}**", ""] if titles else []) + lines

    def _cells(self, row: nodes.row) -> list[str]:
        cells = []
        for entry in row.children:
            parts = []
            for child in entry.children:
                if isinstance(child, (nodes.bullet_list, nodes.enumerated_list)):
                    parts.append("; ".join(self.inline_children(i).strip() for i in child.children))
                elif isinstance(child, nodes.Element):
                    parts.append(self.inline_children(child).strip())
            cells.append(" ".join(p for p in parts if p))
        return cells

    def block_footnote(self, node: nodes.footnote) -> list[str]:
        """A footnote as a paragraph starting with its label."""
        label = next((c.astext() for c in node.children if isinstance(c, nodes.label)), "")
        body = self.blocks(c for c in node.children if not isinstance(c, nodes.label))
        if body:
            body[0] = f"{self.text(f'[{label}]')} {body[0]}"
        return body

    block_citation = block_footnote

    def block_raw(self, node: nodes.raw) -> list[str]:
        """Raw markup is never copied into the site."""
        self.warn("docgen-hugo: raw markup dropped (pages hold no raw HTML)", node)
        return []

    # inline -------------------------------------------------------------------------------

    def inline_children(self, node: nodes.Node) -> str:
        """The Markdown of a node's children, on one line."""
        if not isinstance(node, nodes.Element):
            return self.inline(node)
        return "".join(self.inline(child) for child in node.children)

    def inline(self, node: nodes.Node) -> str:
        """Render one inline node."""
        if isinstance(node, nodes.Text):
            value = node.astext()
            return " \u2013 " if value == " -- " else self.text(value)
        if isinstance(node, (addnodes.index, nodes.comment, nodes.system_message)):
            return ""
        method = getattr(self, f"inline_{type(node).__name__}", None)
        if method is not None:
            result: str = method(node)
            return result
        if isinstance(node, nodes.Element) and not isinstance(
            node, (nodes.inline, nodes.Inline, nodes.TextElement)
        ):
            self.warn(f"docgen-hugo: no inline Markdown for <{node.tagname}>", node)
        return self.inline_children(node)

    def _wrap(self, marker: str, content: str) -> str:
        stripped = content.strip()
        if not stripped:
            return content
        lead = content[: len(content) - len(content.lstrip())]
        trail = content[len(content.rstrip()) :]
        return f"{lead}{marker}{stripped}{marker}{trail}"

    def inline_emphasis(self, node: nodes.emphasis) -> str:
        """``*text*``."""
        return self._wrap("*", self.inline_children(node))

    def inline_strong(self, node: nodes.strong) -> str:
        """``**text**``."""
        return self._wrap("**", self.inline_children(node))

    def inline_title_reference(self, node: nodes.title_reference) -> str:
        """RST's default role (single backticks): emphasis."""
        return self._wrap("*", self.inline_children(node))

    def inline_literal(self, node: nodes.literal) -> str:
        """A code span."""
        return md.code_span(node.astext(), in_table=self.in_table)

    inline_math = inline_literal

    def inline_literal_strong(self, node: nodes.Element) -> str:
        """A parameter name: code (Docsy styles code right in a list item or paragraph with
        the text's own colour; inside ``**`` it would be its pale code colour)."""
        return md.code_span(node.astext(), in_table=self.in_table)

    inline_literal_emphasis = inline_literal_strong

    def inline_desc_inline(self, node: nodes.Element) -> str:
        """Inline signature markup: code."""
        return md.code_span(node.astext(), in_table=self.in_table)

    def inline_footnote_reference(self, node: nodes.Element) -> str:
        """``[1]`` as text."""
        return self.text(f"[{node.astext()}]")

    inline_citation_reference = inline_footnote_reference

    def inline_image(self, node: nodes.Element) -> str:
        """Images are not copied; their alternative text stays."""
        return self.text(str(node.get("alt", "")))

    def inline_raw(self, node: nodes.raw) -> str:
        """Raw markup is never copied into the site."""
        self.warn("docgen-hugo: raw markup dropped (pages hold no raw HTML)", node)
        return ""

    def inline_reference(self, node: nodes.reference) -> str:
        """A link: in-page ``#id``, Hugo ``relref`` to another page, or an external URL."""
        label = self.inline_children(node).strip() or self.text(str(node.get("refuri", "")))
        if "refid" in node:
            link: Link | None = Link(self.page, self.anchors.get(node["refid"], ""))
            if node["refid"] not in self.anchors:
                self.warn(f"docgen-hugo: no anchor for in-page reference #{node['refid']}", node)
        else:
            refuri = str(node.get("refuri", ""))
            if not refuri.startswith(INTERNAL):
                target = md.url(refuri)
                return f"[{label}]({target})" if target else label
            docname, _, ident = refuri[len(INTERNAL) :].partition("#")
            link = self.resolve(docname, ident)
        if link is None:
            return label
        return f"[{label}]({self.destination(link)})"

    def destination(self, link: Link) -> str:
        """A link destination: ``#id`` on this page, else ``{{< relref "path#id" >}}``."""
        if link.page == self.page and link.anchor:
            return f"#{link.anchor}"
        path = posixpath.relpath(link.page, posixpath.dirname(self.page) or ".")
        target = f"{path}#{link.anchor}" if link.anchor else path
        return f'{{{{< relref "{target}" >}}}}'
