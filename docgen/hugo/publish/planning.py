"""Plan a publish: read the website and decide what to create, update and delete.

:func:`plan` writes nothing and fails on any clash (every problem of every section is
reported at once); :func:`check` and :func:`format_changes` report what a publish would
change, for CI.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from kubeflow_devtools.docgen.hugo.publish.frontmatter import render_page
from kubeflow_devtools.docgen.hugo.publish.manifest import (
    MANIFEST_NAME,
    manifest_bytes,
    read_manifest,
)
from kubeflow_devtools.docgen.hugo.publish.model import PublishError, Section
from kubeflow_devtools.docgen.hugo.publish.paths import clean_relative, page_path_problem, posix
from kubeflow_devtools.docgen.hugo.publish.urls import alias_table, page_url

Action = Literal["create", "update", "unchanged", "delete"]
Status = Literal["missing", "changed", "stale"]


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
        force: Whether hand-edited generated files are overwritten (never deleted: when
            stale, they are kept as hand-written files).
        warnings: What the publish leaves alone and why (one line each): files a manifest
            lists without docgen's seal, hand-edited stale pages kept, aliases dropped
            because a page serves their URL.
    """

    root: Path
    sections: tuple[SectionPlan, ...]
    force: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every file that publishing would create, rewrite or delete (manifests included)."""
        changes: list[Change] = []
        for sp in self.sections:
            base = PurePosixPath(posix(sp.directory.relative_to(self.root)))
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


def sha256_of(path: Path) -> tuple[bytes, str]:
    """The bytes of a file and their sha256.

    Args:
        path: The file.

    Returns:
        Its bytes and their sha256 (hexadecimal).
    """
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


def _symlinked(root: Path, relative: PurePosixPath) -> PurePosixPath | None:
    """The first component of ``relative`` (under ``root``) that is a symbolic link."""
    for depth in range(1, len(relative.parts) + 1):
        if (root / PurePosixPath(*relative.parts[:depth])).is_symlink():
            return PurePosixPath(*relative.parts[:depth])
    return None


def _serving(content: Path, url: str) -> Path | None:
    """The file under the content folder whose page has the URL ``url``, if one exists.

    Hugo lowercases URLs: ``/a/b/`` is served by ``a/b.md``, ``a/b/_index.md`` or
    ``a/b/index.md`` in any case (a page's own ``url`` or ``slug`` is not read).
    """
    parts = [part for part in url.split("/") if part]
    candidates = [(parts[:-1], f"{parts[-1]}.md"), (parts, "_index.md"), (parts, "index.md")]
    for folders, name in candidates:
        current = content
        for part in [*folders, name]:
            try:
                entries = {e.name.lower(): e.name for e in os.scandir(current)}
            except OSError:
                break
            if part.lower() not in entries:
                break
            current = current / entries[part.lower()]
        else:
            if current.is_file():
                return current
    return None


def _plan_section(
    root: Path,
    spath: PurePosixPath,
    section: Section,
    section_url: str,
    live: set[str],
    force: bool,
    problems: list[str],
    warnings: list[str],
    content_dir: PurePosixPath,
) -> SectionPlan | None:
    """Plan one section; problems and warnings are appended (``None`` when it cannot be)."""
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
    link = _symlinked(root, spath)
    if link is not None:
        problems.append(f"{link}: is a symbolic link; docgen publishes into real folders only")
        return None

    def shown(path: str) -> str:
        return str(spath / path)

    try:
        old = read_manifest(directory / MANIFEST_NAME, shown(MANIFEST_NAME))
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

    if old is not None:
        warnings.extend(
            f"{shown(path)}: listed in {MANIFEST_NAME} without docgen's seal (by hand, or by "
            "a merge?): not docgen's, left alone"
            for path in old.unsealed
        )
    old_files = old.files if old is not None else {}

    def deleted(file: Path) -> bool:  # a stale page this publish deletes
        path = posix(file.relative_to(directory)) if _inside(str(file), str(directory)) else ""
        entry = old_files.get(path)
        if entry is None or path in section.pages or file.is_symlink():
            return False
        return sha256_of(file)[1] == entry.sha256

    aliases = {}
    for url, redirect in alias_table(old, section.pages, section_url, live).items():
        server = _serving(root / content_dir, url)
        if server is None or deleted(server):
            aliases[url] = redirect
        else:
            warnings.append(f"{spath}: alias {url} dropped: {posix(server.relative_to(root))} "
                            "serves that URL")  # fmt: skip
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
    for path, content in contents.items():
        target = directory / path
        blocking = _blocking_ancestor(directory, PurePosixPath(path).parent)
        if blocking is not None:
            problems.append(f"{shown(str(blocking))}: exists but is not a folder")
            continue
        link = _symlinked(directory, PurePosixPath(path).parent)
        if link is not None:
            problems.append(f"{shown(str(link))}: is a symbolic link; pages go in real folders")
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
        current, digest = sha256_of(target)
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
        _, digest = sha256_of(target)
        if digest != old_files[path].sha256:  # not what docgen wrote: never deleted
            if force:
                warnings.append(f"{shown(path)}: stale, but edited by hand since docgen "
                                "generated it: kept as a hand-written file")  # fmt: skip
            else:
                problems.append(
                    f"{shown(path)}: stale, but edited by hand since docgen generated it; "
                    "move it away, or publish with --force to keep it as a hand-written file"
                )
            continue
        files.append(PlannedFile(path, "delete", None, digest))

    if len(problems) > count:
        return None
    manifest = manifest_bytes(section, contents, aliases)
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
    content = clean_relative(content_dir.rstrip("/"))
    if content is None:
        raise PublishError(f"content_dir {content_dir!r} is not a relative path inside {root}")
    if not (root / content).is_dir():
        raise PublishError(f"{root}: not a Hugo website checkout (no {content}/ folder)")
    return content


def missing_parent(root: Path, content: PurePosixPath, section: PurePosixPath) -> str | None:
    """The folder ``section`` is in when it is not a Hugo section (missing, or without an
    ``_index.md``) nor the content folder, else ``None``: a section published there would have
    no section page above it in the site's menus and breadcrumbs."""
    parent = section.parent
    if parent == content or (root / parent / "_index.md").is_file():
        return None
    return str(parent)


def plan(
    website_root: str | os.PathLike[str],
    sections: Sequence[Section],
    *,
    content_dir: str = "content/en",
    force: bool = False,
    create_parents: bool = False,
) -> Plan:
    """Decide what publishing ``sections`` into a website checkout does; nothing is written.

    Every generated page is compared with the file on disk (after its aliases are added):
    it is created, updated or left unchanged; files the previous manifest lists (with
    docgen's seal) that are no longer generated are stale and will be deleted, if their bytes
    are still what docgen wrote. Every problem of every section is found before the error is
    raised; what is left alone, and why, is in the plan's warnings.

    Args:
        website_root: The website checkout (the folder holding ``content/``).
        sections: The sections to publish (distinct folders, none inside another).
        content_dir: Hugo's content folder for the language, relative to the root: URLs are
            section paths relative to it.
        force: Overwrite generated files edited by hand since docgen wrote them; a stale one
            is kept as a hand-written file (no longer listed), never deleted. Files docgen did
            not generate are never touched, forced or not.
        create_parents: Publish a section even when the folder it is in is not a Hugo section
            (no ``_index.md``): missing folders are created, without a section page.

    Returns:
        The plan, for :func:`apply` and :func:`check`.

    Raises:
        PublishError: The root is not a website folder, a section path is invalid, escapes
            the root or goes through a symbolic link, its parent is not a section (unless
            ``create_parents``), a manifest is corrupt or belongs to another SDK, a generated
            path is taken by a hand-written file, or (without ``force``) a generated file was
            edited.
    """
    root = Path(website_root)
    content = check_website(root, content_dir)
    problems: list[str] = []
    warnings: list[str] = []
    valid: list[tuple[PurePosixPath, Section, str]] = []
    for section in sections:
        spath = clean_relative(section.path.rstrip("/"))
        if spath is None:
            problems.append(f"section path {section.path!r} is not a relative path inside {root}")
            continue
        try:
            under = spath.relative_to(content)
        except ValueError:
            problems.append(f"section path {spath} is not inside the content folder {content}")
            continue
        parent = None if create_parents else missing_parent(root, content, spath)
        if parent is not None:
            problems.append(
                f"section {spath}: its parent {parent} does not exist as a section (no "
                f"{parent}/_index.md); create it, choose another website_section, or publish "
                "with --create-parents"
            )
        for other, _, _ in valid:
            if spath == other or other in spath.parents or spath in other.parents:
                problems.append(f"section path {spath} overlaps section {other}")
        bad = [p for p in map(page_path_problem, section.pages) if p is not None]
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
            result = _plan_section(
                root, spath, section, section_url, live, force, problems, warnings, content
            )
        except OSError as exc:
            problems.append(f"{spath}: cannot read the section: {exc}")
            continue
        if result is not None:
            planned.append(result)
    if problems:
        raise PublishError(*dict.fromkeys(problems))  # once each: one file can block many pages
    return Plan(root=root, sections=tuple(planned), force=force, warnings=tuple(warnings))


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
