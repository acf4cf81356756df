"""The manifest, ``.docgen-manifest.json``: which files of a section docgen owns.

Every section docgen publishes holds one: the files docgen wrote there with their sha256 and
the public names they document, and the section's alias table. :func:`read_manifest`
validates one read from disk (a corrupt manifest is an error, never ignored);
:func:`manifest_bytes` writes the new one, byte for byte deterministic.

A manifest alone never makes a file docgen's: each entry carries docgen's :func:`seal` of the
SDK, the path and the sha256, which a hand-made entry (a file's ``sha256sum`` typed in, a bad
merge) does not have. An entry without a valid seal is not docgen's: its file is treated as
hand-written (never overwritten, never deleted) and the entry is dropped. The seal guards
against mistakes, not against someone who reimplements it on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kubeflow_devtools.docgen.hugo.publish.model import PublishError, Section
from kubeflow_devtools.docgen.hugo.publish.paths import page_path_problem, url_problem

MANIFEST_NAME = ".docgen-manifest.json"
"""The manifest docgen keeps in every section it publishes."""

MANIFEST_VERSION = 1
"""The format version written to (and required of) manifests."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ManifestEntry:
    """One file a manifest lists with docgen's seal.

    Attributes:
        sha256: The sha256 of the file as docgen wrote it.
        anchors: The public names the page documents.
    """

    sha256: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """A manifest read from a section (validated by :func:`read_manifest`).

    Attributes:
        sdk: The SDK the section belongs to.
        source: What its pages were generated from.
        files: The files docgen wrote there (entries with a valid seal), by path relative
            to the section.
        aliases: The alias table: old URL -> page (relative to the section) it redirects to.
        raw: The manifest's bytes as read.
        unsealed: Paths listed without a valid seal: not docgen's, left alone.
    """

    sdk: str
    source: str
    files: dict[str, ManifestEntry]
    aliases: dict[str, str]
    raw: bytes
    unsealed: tuple[str, ...] = ()


def seal(sdk: str, path: str, sha256: str) -> str:
    """docgen's seal of a manifest entry: the entry was written by docgen for this SDK's section.

    Args:
        sdk: The SDK of the section.
        path: The file, relative to the section.
        sha256: The sha256 of the file as docgen wrote it.

    Returns:
        The seal (hexadecimal).
    """
    return hashlib.sha256(f"docgen manifest entry\0{sdk}\0{path}\0{sha256}".encode()).hexdigest()


def read_manifest(path: Path, shown: str) -> Manifest | None:
    """The manifest at ``path`` (``None`` when there is none); ``shown`` names it in errors.

    Args:
        path: Where the manifest is (or would be).
        shown: Its name in error messages (relative to the website root).

    Returns:
        The manifest, or ``None`` when there is none.

    Raises:
        PublishError: The manifest is not a regular file or is corrupt.
        OSError: It cannot be read.
    """
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
    files: dict[str, ManifestEntry] = {}
    unsealed: list[str] = []
    for name, entry in raw_files.items():
        problem = page_path_problem(name)
        if problem is not None:
            raise bad(problem)
        if not isinstance(entry, dict):
            raise bad(f"entry of {name!r} is not an object")
        digest, anchors = entry.get("sha256"), entry.get("anchors", [])
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise bad(f"entry of {name!r} has no valid sha256")
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            raise bad(f"anchors of {name!r} must be a list of strings")
        if entry.get("seal") == seal(sdk, name, digest):
            files[name] = ManifestEntry(digest, tuple(anchors))
        else:
            unsealed.append(name)
    aliases: dict[str, str] = {}
    for url, target in raw_aliases.items():
        problem = url_problem(url)
        if problem is not None:
            raise bad(f"alias {url!r} {problem}")
        if page_path_problem(target) is not None:
            raise bad(f"alias {url!r} must be mapped to a page path")
        aliases[url] = target
    return Manifest(sdk, source, files, aliases, raw, tuple(sorted(unsealed)))


def manifest_bytes(
    section: Section, contents: Mapping[str, bytes], aliases: Mapping[str, str]
) -> bytes:
    """The bytes of a section's new manifest: sorted keys, two-space indent, one final newline.

    Args:
        section: The section published.
        contents: The bytes of every generated page, by path relative to the section.
        aliases: The section's alias table: old URL -> page it redirects to.

    Returns:
        The manifest (UTF-8 JSON); equal input gives equal bytes.
    """
    files = {}
    for path in sorted(contents):
        digest = hashlib.sha256(contents[path]).hexdigest()
        files[path] = {
            "sha256": digest,
            "seal": seal(section.sdk, path, digest),
            "anchors": sorted(set(section.pages[path].anchors)),
        }
    data = {
        "version": MANIFEST_VERSION,
        "generator": "docgen",
        "sdk": section.sdk,
        "source": section.source,
        "files": files,
        "aliases": dict(sorted(aliases.items())),
    }
    return (json.dumps(data, sort_keys=True, indent=2) + "\n").encode("utf-8")
