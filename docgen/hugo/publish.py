"""Write generated Hugo pages into a checkout of the Kubeflow website, safely.

The website is a Hugo site whose pages carry TOML front matter (``+++``). docgen owns only
the files it generated: every section (one SDK reference, e.g.
``content/en/docs/components/katib/reference/python-sdk``) holds a manifest,
``.docgen-manifest.json``, listing the files docgen wrote there with their sha256 and the
public names they document. A file not in the manifest is hand-written and is never
overwritten or deleted; a generated file edited by hand since it was written is not
overwritten unless forced.

Publishing is two steps: :func:`plan` reads the website and decides what to create, update
and delete (and fails, writing nothing, on any clash); :func:`apply` performs the plan
atomically: either every file is in place and the manifests are updated, or the website is
left byte for byte as it was. :func:`check` lists what a publish would change, for CI.

When a page disappears (a renamed or removed public name), its URL becomes a Hugo alias of
the page that now documents most of its names, or of the nearest ``_index.md``, so old links
keep working. The alias table persists in the manifest.

Example:
    ```python
    from kubeflow_devtools.docgen.hugo.publish import Page, Section, apply, format_changes, plan

    section = Section(
        sdk="katib",
        path="content/en/docs/components/katib/reference/python-sdk",
        pages={"_index.md": Page(front={"title": "Katib SDK"}, body="...")},
        source="kubeflow-katib 0.19.0",
    )
    planned = plan("website", [section])
    print(format_changes(planned.changes))
    apply(planned)
    ```
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Literal, TypeAlias

MANIFEST_NAME = ".docgen-manifest.json"
"""The manifest docgen keeps in every section it publishes."""

MANIFEST_VERSION = 1
"""The format version written to (and required of) manifests."""

FrontValue: TypeAlias = str | int | list[str] | tuple[str, ...]
"""A front matter value: a string, an integer (or boolean) or a list of strings."""

Action = Literal["create", "update", "unchanged", "delete"]
Status = Literal["missing", "changed", "stale"]

_FRONT_ORDER = ("title", "linkTitle", "description", "weight", "aliases")
_TMP_SUFFIX = ".docgen-tmp"
_BAK_SUFFIX = ".docgen-bak"
_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INT64 = (-(2**63), 2**63 - 1)


class PublishError(Exception):
    """The website cannot be published to: a clash, a corrupt manifest, or a failed write.

    ``str(error)`` is one line per problem; :attr:`problems` holds them separately. Nothing
    was written when it is raised (a failed :func:`apply` rolls back first).
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


@dataclass(frozen=True)
class Page:
    """One generated Markdown page.

    Attributes:
        front: Front matter (``title``, ``description``, ``weight``, ...); values are strings,
            integers or lists of strings.
        body: The Markdown text after the front matter.
        anchors: The public names (heading ids) the page documents; they decide where the
            URL of a page that disappears is redirected.
    """

    front: Mapping[str, FrontValue]
    body: str
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """The pages of one SDK reference, published under one folder of the website.

    Attributes:
        sdk: The SDK id (``katib``); a section belongs to one SDK.
        path: The folder, relative to the website root, POSIX separators
            (``content/en/docs/components/katib/reference/python-sdk``).
        pages: Every page, by path relative to :attr:`path` (``models/V1beta1Experiment.md``).
        source: What the pages were generated from (``kubeflow-katib 0.19.0``), recorded in
            the manifest.
    """

    sdk: str
    path: str
    pages: Mapping[str, Page]
    source: str = ""


@dataclass(frozen=True)
class PlannedFile:
    """What publishing does to one file of a section.

    Attributes:
        path: Relative to the section, POSIX separators.
        action: ``create``, ``update``, ``unchanged`` or ``delete``.
        content: The bytes to write (``None`` for ``delete``).
        expected: The sha256 of the file on disk when planned (``None``: it did not exist);
            :func:`apply` refuses to run when the file changed since.
    """

    path: str
    action: Action
    content: bytes | None
    expected: str | None


@dataclass(frozen=True)
class SectionPlan:
    """The plan for one section: its files, its aliases and its new manifest.

    Attributes:
        section: The section planned.
        directory: Its folder on disk.
        files: Every generated page and every stale file, sorted by path.
        aliases: The alias table: old URL -> page (relative to the section) it redirects to.
        manifest: The bytes of the new manifest.
        manifest_expected: The sha256 of the manifest on disk (``None``: there is none).
        manifest_changed: Whether the manifest on disk differs from :attr:`manifest`.
    """

    section: Section
    directory: Path
    files: tuple[PlannedFile, ...]
    aliases: Mapping[str, str]
    manifest: bytes
    manifest_expected: str | None
    manifest_changed: bool

    def paths(self, action: Action) -> tuple[str, ...]:
        """The files of the section with one action.

        Args:
            action: ``create``, ``update``, ``unchanged`` or ``delete``.

        Returns:
            Their paths relative to the section, sorted.
        """
        return tuple(f.path for f in self.files if f.action == action)


@dataclass(frozen=True)
class Change:
    """A file of the website that differs from what publishing would write.

    Attributes:
        path: Relative to the website root, POSIX separators.
        status: ``missing`` (would be created), ``changed`` (would be rewritten) or ``stale``
            (would be deleted).
        sdk: The SDK of the section the file belongs to.
    """

    path: str
    status: Status
    sdk: str

    def __str__(self) -> str:
        """``path: status``."""
        return f"{self.path}: {self.status}"


@dataclass(frozen=True)
class Plan:
    """What publishing would do to a website; made by :func:`plan`, performed by :func:`apply`.

    Attributes:
        root: The website checkout.
        sections: One plan per section, in the order given.
        force: Whether hand-edited generated files are overwritten (and deleted when stale).
    """

    root: Path
    sections: tuple[SectionPlan, ...]
    force: bool = False

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every file that publishing would create, rewrite or delete (manifests included)."""
        changes: list[Change] = []
        for sp in self.sections:
            base = PurePosixPath(_posix(sp.directory.relative_to(self.root)))
            found = [
                Change(str(base / f.path), _STATUS[f.action], sp.section.sdk)
                for f in sp.files
                if f.action != "unchanged"
            ]
            if sp.manifest_changed:
                status: Status = "missing" if sp.manifest_expected is None else "changed"
                found.append(Change(str(base / MANIFEST_NAME), status, sp.section.sdk))
            changes.extend(sorted(found, key=lambda c: c.path))
        return tuple(changes)


_STATUS: dict[Action, Status] = {"create": "missing", "update": "changed", "delete": "stale"}


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply` did.

    Attributes:
        created: Files created, relative to the website root (manifests included).
        updated: Files rewritten, relative to the website root (manifests included).
        deleted: Stale files deleted, relative to the website root.
        unchanged: How many generated pages were already up to date (not rewritten).
        warnings: Clean-up that failed after the publish succeeded (a backup file or an empty
            folder left behind); the published pages are complete regardless.
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: int = 0
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        """One line: how many files were created, updated, deleted and left unchanged."""
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.deleted)} deleted, {self.unchanged} unchanged"
        )


# --- Front matter -------------------------------------------------------------------------


def _toml_string(text: str, where: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise PublishError(f"{where}: lone surrogate U+{code:04X} cannot be written as TOML")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_-]+", key):
        return key
    return _toml_string(key, f"front matter key {key!r}")


def _toml_value(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise PublishError(f"{where}: {value} does not fit in a TOML integer")
        return str(value)
    if isinstance(value, str):
        return _toml_string(value, where)
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise PublishError(f"{where}: lists may hold only strings, not {item!r}")
            items.append(_toml_string(item, where))
        return "[" + ", ".join(items) + "]"
    raise PublishError(f"{where}: unsupported front matter value {value!r}")


def render_page(page: Page, aliases: Iterable[str] = ()) -> str:
    """The text of a page's file: TOML front matter between ``+++`` lines, then the body.

    Keys come in a fixed order (``title``, ``linkTitle``, ``description``, ``weight``,
    ``aliases``, then the others sorted); strings are TOML basic strings with every quote,
    backslash and control character escaped, so no value can end the front matter. Line
    endings are LF and the text ends with one newline: equal input gives equal text.

    Args:
        page: The page.
        aliases: URLs to add to the page's ``aliases`` (merged with any in its front matter,
            sorted, duplicates removed).

    Returns:
        The file's text.

    Raises:
        PublishError: A front matter key is not a string, or a value is not a string, an
            integer or a list of strings.
    """
    front: dict[str, object] = {}
    for key, value in page.front.items():
        if not isinstance(key, str):
            raise PublishError(f"front matter key {key!r} is not a string")
        front[key] = value
    merged = set(aliases)
    given = front.pop("aliases", [])
    if isinstance(given, str) or not isinstance(given, (list, tuple)):
        raise PublishError(f"front matter 'aliases' must be a list of strings, not {given!r}")
    merged.update(given)
    if merged:
        front["aliases"] = sorted(merged)
    order = [k for k in _FRONT_ORDER if k in front]
    order += sorted(k for k in front if k not in _FRONT_ORDER)
    lines = ["+++"]
    lines += [
        f"{_toml_key(key)} = {_toml_value(front[key], f'front matter {key!r}')}" for key in order
    ]
    lines.append("+++")
    body = page.body.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    if body:
        lines.append(body)
    return "\n".join(lines) + "\n"


# --- Paths, URLs and aliases --------------------------------------------------------------


def _posix(path: Path | PurePosixPath) -> str:
    return "/".join(path.parts)


def _relative(text: object) -> PurePosixPath | None:
    """``text`` as a clean relative POSIX path (no ``.``, ``..`` or empty part), else ``None``."""
    if not isinstance(text, str) or "\\" in text or "\0" in text or re.match("[A-Za-z]:", text):
        return None
    if any(part in ("", ".", "..") for part in text.split("/")):
        return None
    return PurePosixPath(text)


def _page_path_problem(path: object) -> str | None:
    """Why ``path`` cannot be a generated page (relative to its section), or ``None``."""
    clean = _relative(path)
    if clean is None:
        return f"page path {path!r} is not a relative POSIX path inside the section"
    if any(part.startswith(".") for part in clean.parts):
        return f"page path {path!r} has a hidden component (Hugo ignores it)"
    if clean.suffix != ".md":
        return f"page path {path!r} is not a Markdown file (*.md)"
    return None


def page_url(section_url: str, page: str) -> str:
    """The Hugo URL of a page: the section URL plus the page path, lowercased.

    ``_index.md`` (and a leaf bundle's ``index.md``) is the URL of its folder; any other
    page is its path without ``.md``, as a folder. Hugo lowercases paths by default.

    Args:
        section_url: The section's URL (``/docs/components/katib/reference/python-sdk/``).
        page: The page's path relative to the section (``models/V1beta1Experiment.md``).

    Returns:
        The URL, with a leading and a trailing slash.
    """
    parts = list(PurePosixPath(page).parts)
    name = parts.pop()
    if name not in ("_index.md", "index.md"):
        parts.append(name.removesuffix(".md"))
    return section_url + "".join(f"{part.lower()}/" for part in parts)


def _successor(old: str, anchors: Iterable[str], pages: Mapping[str, Page]) -> str | None:
    """The page that replaces ``old``: the one sharing most of its anchors, else an index."""
    wanted = set(anchors)
    best, best_count = None, 0
    for path in sorted(pages):
        count = len(wanted.intersection(pages[path].anchors))
        if count > best_count:
            best, best_count = path, count
    if best is not None:
        return best
    folder = PurePosixPath(old).parent
    while True:
        index = "_index.md" if str(folder) == "." else f"{folder}/_index.md"
        if index in pages and index != old:
            return index
        if str(folder) == ".":
            return None
        folder = folder.parent


def _alias_table(
    old: _Manifest | None, pages: Mapping[str, Page], section_url: str, live: set[str]
) -> dict[str, str]:
    """The new alias table of a section: old URL -> page it redirects to."""
    if old is None:
        return {}
    gone = sorted(p for p in old.files if p not in pages)
    moved = {p: _successor(p, old.files[p].anchors, pages) for p in gone}
    table = dict(old.aliases)
    for path in gone:
        table[page_url(section_url, path)] = path
    result: dict[str, str] = {}
    for url, target in sorted(table.items()):
        if url in live:
            continue
        if target not in pages:
            replacement = moved[target] if target in moved else _successor(target, (), pages)
            if replacement is None:
                continue
            target = replacement
        result[url] = target
    return result


# --- Manifest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    sha256: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class _Manifest:
    sdk: str
    source: str
    files: dict[str, _Entry]
    aliases: dict[str, str]
    raw: bytes


def _read_manifest(path: Path, shown: str) -> _Manifest | None:
    """The manifest at ``path`` (``None`` when there is none); ``shown`` names it in errors."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        raise PublishError(f"{shown}: docgen manifest is not a regular file")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PublishError(f"{shown}: corrupt docgen manifest: not UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise PublishError(
            f"{shown}: line {exc.lineno}: corrupt docgen manifest: {exc.msg}"
        ) from exc

    def bad(why: str) -> PublishError:
        return PublishError(f"{shown}: corrupt docgen manifest: {why}")

    if not isinstance(data, dict):
        raise bad("not a JSON object")
    if data.get("version") != MANIFEST_VERSION:
        raise bad(f"unsupported version {data.get('version')!r} (expected {MANIFEST_VERSION})")
    sdk, source = data.get("sdk"), data.get("source")
    if not isinstance(sdk, str) or not isinstance(source, str):
        raise bad("'sdk' and 'source' must be strings")
    raw_files, raw_aliases = data.get("files"), data.get("aliases", {})
    if not isinstance(raw_files, dict) or not isinstance(raw_aliases, dict):
        raise bad("'files' and 'aliases' must be objects")
    files: dict[str, _Entry] = {}
    for name, entry in raw_files.items():
        problem = _page_path_problem(name)
        if problem is not None:
            raise bad(problem)
        if not isinstance(entry, dict):
            raise bad(f"entry of {name!r} is not an object")
        digest, anchors = entry.get("sha256"), entry.get("anchors", [])
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise bad(f"entry of {name!r} has no valid sha256")
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            raise bad(f"anchors of {name!r} must be a list of strings")
        files[name] = _Entry(digest, tuple(anchors))
    aliases: dict[str, str] = {}
    for url, target in raw_aliases.items():
        if not url.startswith("/") or _page_path_problem(target) is not None:
            raise bad(f"alias {url!r} must be a URL mapped to a page path")
        aliases[url] = target
    return _Manifest(sdk, source, files, aliases, raw)


def _manifest_bytes(
    section: Section, contents: Mapping[str, bytes], aliases: Mapping[str, str]
) -> bytes:
    data = {
        "version": MANIFEST_VERSION,
        "generator": "docgen",
        "sdk": section.sdk,
        "source": section.source,
        "files": {
            path: {
                "sha256": hashlib.sha256(contents[path]).hexdigest(),
                "anchors": sorted(set(section.pages[path].anchors)),
            }
            for path in sorted(contents)
        },
        "aliases": dict(sorted(aliases.items())),
    }
    return (json.dumps(data, sort_keys=True, indent=2) + "\n").encode("utf-8")


# --- Planning -----------------------------------------------------------------------------


def _sha256_of(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _blocking_ancestor(root: Path, relative: PurePosixPath) -> PurePosixPath | None:
    """The first existing component of ``relative`` (under ``root``) that is not a folder."""
    current = root
    for depth, part in enumerate(relative.parts, 1):
        current = current / part
        if os.path.lexists(current) and not current.is_dir():
            return PurePosixPath(*relative.parts[:depth])
    return None


def _plan_section(
    root: Path,
    spath: PurePosixPath,
    section: Section,
    section_url: str,
    live: set[str],
    force: bool,
    problems: list[str],
) -> SectionPlan | None:
    """Plan one section; problems are appended to ``problems`` (``None`` when it cannot be)."""
    count = len(problems)
    directory = root / spath
    blocking = _blocking_ancestor(root, spath)
    if blocking is not None:
        problems.append(f"{blocking}: exists but is not a folder (section {spath})")
        return None
    real_root = os.path.realpath(root)
    if not _inside(os.path.realpath(directory), real_root):
        problems.append(f"{spath}: section folder resolves outside the website root")
        return None

    def shown(path: str) -> str:
        return str(spath / path)

    try:
        old = _read_manifest(directory / MANIFEST_NAME, shown(MANIFEST_NAME))
    except OSError as exc:
        problems.append(f"{shown(MANIFEST_NAME)}: cannot read docgen manifest: {exc.strerror}")
        return None
    except PublishError as exc:
        problems.extend(exc.problems)
        return None
    if old is not None and old.sdk != section.sdk:
        problems.append(
            f"{shown(MANIFEST_NAME)}: section belongs to SDK {old.sdk!r}, not {section.sdk!r}"
        )
        return None

    aliases = _alias_table(old, section.pages, section_url, live)
    by_page: dict[str, list[str]] = {}
    for url, page in aliases.items():
        by_page.setdefault(page, []).append(url)
    contents: dict[str, bytes] = {}
    for path in sorted(section.pages):
        try:
            text = render_page(section.pages[path], by_page.get(path, ()))
            contents[path] = text.encode("utf-8")
        except PublishError as exc:
            problems.extend(f"{shown(path)}: {p}" for p in exc.problems)
        except UnicodeEncodeError as exc:
            problems.append(f"{shown(path)}: body cannot be written as UTF-8 ({exc.reason})")

    real_dir = os.path.realpath(directory)
    files: list[PlannedFile] = []
    old_files = old.files if old is not None else {}
    for path, content in contents.items():
        target = directory / path
        blocking = _blocking_ancestor(directory, PurePosixPath(path).parent)
        if blocking is not None:
            problems.append(f"{shown(str(blocking))}: exists but is not a folder")
            continue
        if not _inside(os.path.realpath(target.parent), real_dir):
            problems.append(f"{shown(path)}: folder resolves outside the section")
            continue
        exists = os.path.lexists(target)
        if path not in old_files:
            if exists:
                problems.append(
                    f"{shown(path)}: exists but was not generated by docgen "
                    f"(not in {MANIFEST_NAME}); move it away or rename the page"
                )
            else:
                files.append(PlannedFile(path, "create", content, None))
            continue
        if not exists:
            files.append(PlannedFile(path, "create", content, None))
            continue
        if target.is_symlink() or not target.is_file():
            problems.append(f"{shown(path)}: generated page replaced by a non-file; remove it")
            continue
        current, digest = _sha256_of(target)
        if digest != old_files[path].sha256 and not force:
            problems.append(
                f"{shown(path)}: edited by hand since docgen generated it; "
                "publish with --force to overwrite it"
            )
            continue
        action: Action = "unchanged" if current == content else "update"
        files.append(PlannedFile(path, action, content, digest))

    for path in sorted(set(old_files) - set(section.pages)):
        target = directory / path
        if not os.path.lexists(target):
            continue
        if not _inside(os.path.realpath(target.parent), real_dir):
            problems.append(f"{shown(path)}: folder resolves outside the section")
            continue
        if target.is_symlink() or not target.is_file():
            if not force:
                problems.append(f"{shown(path)}: stale page replaced by a non-file; remove it")
            continue
        _, digest = _sha256_of(target)
        if digest != old_files[path].sha256 and not force:
            problems.append(
                f"{shown(path)}: stale, but edited by hand since docgen generated it; "
                "publish with --force to delete it"
            )
            continue
        files.append(PlannedFile(path, "delete", None, digest))

    if len(problems) > count:
        return None
    manifest = _manifest_bytes(section, contents, aliases)
    expected = hashlib.sha256(old.raw).hexdigest() if old is not None else None
    return SectionPlan(
        section=section,
        directory=directory,
        files=tuple(sorted(files, key=lambda f: f.path)),
        aliases=aliases,
        manifest=manifest,
        manifest_expected=expected,
        manifest_changed=old is None or old.raw != manifest,
    )


def check_website(root: Path, content_dir: str) -> PurePosixPath:
    """Make sure ``root`` is a Hugo website checkout with the content folder ``content_dir``.

    Args:
        root: The website checkout.
        content_dir: Hugo's content folder for the language, relative to the root.

    Returns:
        The content folder, as a clean relative path.

    Raises:
        PublishError: The root does not exist or is not a folder, or the content folder is
            not a relative path inside it or does not exist.
    """
    if not root.exists():
        raise PublishError(f"{root}: not a website checkout: the folder does not exist")
    if not root.is_dir():
        raise PublishError(f"{root}: not a website checkout: not a folder")
    content = _relative(content_dir.rstrip("/"))
    if content is None:
        raise PublishError(f"content_dir {content_dir!r} is not a relative path inside {root}")
    if not (root / content).is_dir():
        raise PublishError(f"{root}: not a Hugo website checkout (no {content}/ folder)")
    return content


def plan(
    website_root: str | os.PathLike[str],
    sections: Sequence[Section],
    *,
    content_dir: str = "content/en",
    force: bool = False,
) -> Plan:
    """Decide what publishing ``sections`` into a website checkout does; nothing is written.

    Every generated page is compared with the file on disk (after its aliases are added):
    it is created, updated or left unchanged; files the previous manifest lists that are no
    longer generated are stale and will be deleted. Every problem of every section is found
    before the error is raised.

    Args:
        website_root: The website checkout (the folder holding ``content/``).
        sections: The sections to publish (distinct folders, none inside another).
        content_dir: Hugo's content folder for the language, relative to the root: URLs are
            section paths relative to it.
        force: Overwrite (and delete, when stale) generated files edited by hand since docgen
            wrote them. Files docgen did not generate are never touched, forced or not.

    Returns:
        The plan, for :func:`apply` and :func:`check`.

    Raises:
        PublishError: The root is not a website folder, a section path is invalid or escapes
            the root, a manifest is corrupt or belongs to another SDK, a generated path is
            taken by a hand-written file, or (without ``force``) a generated file was edited.
    """
    root = Path(website_root)
    content = check_website(root, content_dir)
    problems: list[str] = []
    valid: list[tuple[PurePosixPath, Section, str]] = []
    for section in sections:
        spath = _relative(section.path.rstrip("/"))
        if spath is None:
            problems.append(f"section path {section.path!r} is not a relative path inside {root}")
            continue
        try:
            under = spath.relative_to(content)
        except ValueError:
            problems.append(f"section path {spath} is not inside the content folder {content}")
            continue
        for other, _, _ in valid:
            if spath == other or other in spath.parents or spath in other.parents:
                problems.append(f"section path {spath} overlaps section {other}")
        bad = [p for p in map(_page_path_problem, section.pages) if p is not None]
        problems.extend(f"{spath}: {p}" for p in bad)
        section_url = "/" + "".join(f"{part.lower()}/" for part in under.parts)
        urls: dict[str, str] = {}
        if not bad:
            for path in sorted(section.pages):
                url = page_url(section_url, path)
                if url in urls:
                    problems.append(f"{spath}: pages {urls[url]} and {path} have one URL {url}")
                urls[url] = path
        valid.append((spath, section, section_url))
    if problems:
        raise PublishError(*problems)

    live = {page_url(url, path) for _, section, url in valid for path in section.pages}
    planned: list[SectionPlan] = []
    for spath, section, section_url in valid:
        try:
            result = _plan_section(root, spath, section, section_url, live, force, problems)
        except OSError as exc:
            problems.append(f"{spath}: cannot read the section: {exc}")
            continue
        if result is not None:
            planned.append(result)
    if problems:
        raise PublishError(*problems)
    return Plan(root=root, sections=tuple(planned), force=force)


def check(planned: Plan) -> tuple[Change, ...]:
    """What differs between the website and what publishing would write (nothing is written).

    Args:
        planned: A plan made by :func:`plan`.

    Returns:
        The files that would be created (``missing``), rewritten (``changed``, manifests
        included) or deleted (``stale``); empty when the website is up to date.
    """
    return planned.changes


def format_changes(changes: Sequence[Change], limit: int = 20) -> str:
    """A short human summary of :func:`check`'s result: one line per file, then a count.

    Args:
        changes: The changes.
        limit: At most this many files are listed, then ``... and N more``.

    Returns:
        The summary, lines separated by newlines (no trailing newline).
    """
    if not changes:
        return "the website is up to date"
    lines = [str(change) for change in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"... and {len(changes) - limit} more")
    counts = {status: 0 for status in ("missing", "changed", "stale")}
    for change in changes:
        counts[change.status] += 1
    detail = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    noun = "file differs" if len(changes) == 1 else "files differ"
    lines.append(f"{len(changes)} {noun} from what docgen would publish ({detail})")
    return "\n".join(lines)


# --- Applying -----------------------------------------------------------------------------


class _Journal:
    """Undo actions of the writes done so far, run in reverse order on failure."""

    def __init__(self) -> None:
        self._undo: list[tuple[str, Callable[[], object]]] = []

    def add(self, what: str, undo: Callable[[], object]) -> None:
        self._undo.append((what, undo))

    def rollback(self) -> list[str]:
        failures = []
        for what, undo in reversed(self._undo):
            try:
                undo()
            except OSError as exc:
                failures.append(f"{what}: {exc}")
        self._undo.clear()
        return failures


def _unlink_missing_ok(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _makedirs(root: Path, folder: Path, journal: _Journal) -> None:
    """Create ``folder`` (under ``root``) and its missing parents, journaling each."""
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if not current.is_dir():
            os.mkdir(current)
            journal.add(f"remove folder {current}", partial(os.rmdir, current))


def _unique(target: Path, suffix: str) -> Path:
    """A hidden sibling of ``target`` that does not exist: ``.NAME.RANDOM<suffix>``."""
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"no free name for a temporary file beside {target}")


def _write_temp(target: Path, data: bytes, mode: int | None, journal: _Journal) -> Path:
    """Write ``data`` to a new hidden file beside ``target``; return its path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = _unique(target, _TMP_SUFFIX)
        try:
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        break
    journal.add(f"remove {temp}", partial(_unlink_missing_ok, temp))
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
    if mode is not None:
        os.chmod(temp, mode)
    return temp


def _verify(planned: Plan) -> None:
    """Refuse to apply a plan when a file it touches changed since it was made."""
    problems = []
    for sp in planned.sections:
        states = [(f.path, f.expected) for f in sp.files if f.action != "unchanged"]
        if sp.manifest_changed:
            states.append((MANIFEST_NAME, sp.manifest_expected))
        for path, expected in states:
            target = sp.directory / path
            shown = _posix(target.relative_to(planned.root))
            try:
                if expected is None:
                    changed = os.path.lexists(target)
                else:
                    changed = (
                        target.is_symlink()
                        or not target.is_file()
                        or _sha256_of(target)[1] != expected
                    )
            except OSError as exc:
                problems.append(f"{shown}: cannot be read: {exc.strerror}")
                continue
            if changed:
                problems.append(f"{shown}: changed since the publish was planned; plan again")
    if problems:
        raise PublishError(*problems)


def apply(planned: Plan) -> ApplyResult:
    """Perform a plan atomically: every change is made, or none is.

    New contents are first written to hidden temporary files beside their targets; only then
    are the files to replace or delete moved aside to hidden backups, the temporary files
    renamed into place and, last, each section's manifest. If any step fails, every step
    done is undone (backups restored, new files and folders removed), so the website is as
    it was. After success the backups are deleted and folders left empty by stale files are
    removed. Unchanged files are not rewritten; files docgen did not generate are never
    touched.

    Args:
        planned: A plan made by :func:`plan`.

    Returns:
        What was created, updated and deleted.

    Raises:
        PublishError: A file changed since the plan was made (nothing is written), or a
            write failed (the website was restored first).
    """
    _verify(planned)
    root = planned.root
    journal = _Journal()
    temps: list[tuple[Path, Path, bool]] = []  # target, temp, created
    manifest_temps: list[tuple[Path, Path, bool]] = []
    backups: list[Path] = []
    created: list[Path] = []
    updated: list[Path] = []
    deleted: list[Path] = []
    emptied: set[Path] = set()
    unchanged = 0
    try:
        for sp in planned.sections:
            for f in sp.files:
                target = sp.directory / f.path
                if f.action == "unchanged":
                    unchanged += 1
                elif f.action in ("create", "update"):
                    assert f.content is not None
                    _makedirs(root, target.parent, journal)
                    mode = stat.S_IMODE(target.stat().st_mode) if f.action == "update" else None
                    temp = _write_temp(target, f.content, mode, journal)
                    temps.append((target, temp, f.action == "create"))
                    (created if f.action == "create" else updated).append(target)
            if sp.manifest_changed:
                target = sp.directory / MANIFEST_NAME
                _makedirs(root, sp.directory, journal)
                exists = sp.manifest_expected is not None
                mode = stat.S_IMODE(target.stat().st_mode) if exists else None
                temp = _write_temp(target, sp.manifest, mode, journal)
                manifest_temps.append((target, temp, not exists))
                (updated if exists else created).append(target)
        for sp in planned.sections:
            aside = [f.path for f in sp.files if f.action in ("update", "delete")]
            if sp.manifest_changed and sp.manifest_expected is not None:
                aside.append(MANIFEST_NAME)
            for path in aside:
                target = sp.directory / path
                backup = _unique(target, _BAK_SUFFIX)
                os.replace(target, backup)
                journal.add(f"restore {target}", partial(os.replace, backup, target))
                backups.append(backup)
            for f in sp.files:
                if f.action == "delete":
                    deleted.append(sp.directory / f.path)
                    folder = (sp.directory / f.path).parent
                    while folder != sp.directory:
                        emptied.add(folder)
                        folder = folder.parent
        for target, temp, new in temps + manifest_temps:
            os.replace(temp, target)
            if new:
                journal.add(f"remove {target}", partial(os.unlink, target))
    except BaseException as exc:
        failures = journal.rollback()
        if not isinstance(exc, Exception):
            raise
        if failures:
            raise PublishError(
                f"publishing failed ({exc}) and could not be fully undone: " + "; ".join(failures)
            ) from exc
        raise PublishError(f"publishing failed, the website was left as it was: {exc}") from exc

    warnings: list[str] = []
    for backup in backups:
        try:
            os.unlink(backup)
        except OSError as exc:
            warnings.append(f"{_posix(backup.relative_to(root))}: backup not removed: {exc}")
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty (other files): it stays
            os.rmdir(folder)

    def shown(paths: list[Path]) -> tuple[str, ...]:
        return tuple(_posix(p.relative_to(root)) for p in paths)

    return ApplyResult(
        created=shown(created),
        updated=shown(updated),
        deleted=shown(deleted),
        unchanged=unchanged,
        warnings=tuple(warnings),
    )
