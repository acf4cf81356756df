"""Build the references: inventories -> Sphinx project -> Sphinx (HTML) -> published folder.

The output folder holds ``html/`` and/or ``hugo/`` (each replaced atomically: built elsewhere,
then renamed into place) and ``.cache/`` (the generated project, doctrees and Sphinx's own
output, for incremental builds). When nothing that affects the output changed since the last
successful build, the build is skipped without importing the SDKs. An error of the file system
while building (a full disk, a folder the user cannot write) is an :class:`OutputError` naming
the file, or the output folder when the error names none.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import shutil
import sys
import time
import warnings as python_warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kubeflow_devtools.cli import describe_os_error
from kubeflow_devtools.docgen import signature_types
from kubeflow_devtools.docgen.config import SdkConfig
from kubeflow_devtools.docgen.hugo.settings import DEFAULT, MarkdownSettings
from kubeflow_devtools.docgen.inventory import Inventory, collect, documented_once
from kubeflow_devtools.docgen.project import SiteSdk, write_project
from kubeflow_devtools.errors import ToolError

_TOOLS = ("sphinx", "myst-parser", "sphinx-autodoc-typehints", "furo", "docutils")


class BuildError(Exception):
    """The build failed (Sphinx warnings with warnings as errors, or a Sphinx error)."""

    def __init__(self, message: str, warnings: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


class OutputError(ToolError):
    """The output folder cannot be written (full disk, permissions): one line, exit code 2."""

    @classmethod
    def of(cls, exc: OSError, out: Path) -> OutputError:
        """The error for ``exc``, raised while building into ``out``.

        Args:
            exc: The error (``shutil.Error`` lists the files a copy failed on).
            out: The output folder, named when ``exc`` names no file.

        Returns:
            ``FILE: reason``, the first failed file of a copy, else ``OUT: reason``.
        """
        if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
            _, target, why = exc.args[0][0]
            return cls(f"{target}: {why}")
        if exc.filename:
            return cls(describe_os_error(exc))
        return cls(f"{out}: cannot write the build: {describe_os_error(exc)}")


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    html: Path
    inventories: tuple[Inventory, ...]
    pages: int
    warnings: tuple[str, ...]
    defects: tuple[dict[str, str], ...]
    seconds: float
    skipped: bool
    hugo: Path


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _package_files(package: str) -> list[str]:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return [f"{package}:missing"]
    if spec is None:
        return [f"{package}:missing"]
    locations = list(spec.submodule_search_locations or [])
    if not locations and spec.origin:
        locations = [os.path.dirname(spec.origin)]
    entries = []
    for location in locations:
        for folder, dirs, files in os.walk(location):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    stat = os.stat(os.path.join(folder, name))
                    entries.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return entries


def fingerprint(sdks: Sequence[SdkConfig], options: dict[str, Any]) -> str:
    """A hash of everything the output depends on, computed without importing the SDKs."""
    digest = hashlib.sha256()
    digest.update(repr((list(sdks), sorted(options.items()), sys.version)).encode())
    for dist in _TOOLS:
        digest.update(f"{dist}={_version(dist)}".encode())
    for sdk in sdks:
        if sdk.distribution:
            digest.update(f"{sdk.distribution}={_version(sdk.distribution)}".encode())
        digest.update("\n".join(_package_files(sdk.package)).encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publish_folder(source: Path, target: Path) -> None:
    """Copy ``source`` next to ``target``, then swap it into place by renaming.

    Args:
        source: The folder built (Sphinx's ``.buildinfo`` and ``.doctrees`` are left out).
        target: The folder it replaces (``OUT/html``).
    """
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _read_defects(html: Path) -> tuple[dict[str, str], ...]:
    path = html / "defects.json"
    if not path.is_file():
        return ()
    return tuple(json.loads(path.read_text(encoding="utf-8")))


def run_sphinx(
    srcdir: Path,
    outdir: Path,
    doctreedir: Path,
    *,
    status: TextIO | None,
    nitpicky: bool = True,
    jobs: int = 1,
    builder: str = "html",
    overrides: dict[str, Any] | None = None,
) -> tuple[int, list[str]]:
    """Run Sphinx in this process; return how many warnings it emitted, and their text.

    ``overrides`` are configuration values set over the generated ``conf.py``.
    """
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    nocolor()
    warnings = io.StringIO()
    with patch_docutils(srcdir), docutils_namespace(), python_warnings.catch_warnings():
        # Deprecation notices of the extensions themselves are not documentation problems.
        python_warnings.simplefilter("ignore", DeprecationWarning)
        python_warnings.simplefilter("ignore", PendingDeprecationWarning)
        app = Sphinx(
            str(srcdir),
            str(srcdir),
            str(outdir),
            str(doctreedir),
            builder,
            confoverrides={"nitpicky": nitpicky, **(overrides or {})},
            status=status,
            warning=warnings,
            freshenv=False,
            parallel=jobs,
        )
        app.build()
        count = int(getattr(app, "_warncount", 0))
    lines = [line for line in warnings.getvalue().splitlines() if line.strip()]
    return count or len(lines), lines


FORMATS = {"html": "html", "hugo": "docgen-hugo"}


def build(
    sdks: Sequence[SdkConfig],
    out: Path,
    *,
    status: TextIO | None = None,
    nitpicky: bool = True,
    warnings_as_errors: bool = True,
    jobs: int = 1,
    force: bool = False,
    formats: Sequence[str] = ("html",),
    markdown: MarkdownSettings | None = None,
    site: Sequence[SiteSdk] = (),
) -> BuildResult:
    """Build the reference of ``sdks`` into ``out/html`` and/or ``out/hugo`` (see ``formats``).

    With ``site``, ``sdks`` are one part of a site built in several environments
    (:mod:`~kubeflow_devtools.docgen.site`): the root index and the navigation name every SDK
    of ``site``, the others by a stub page that the merge of the parts replaces.

    ``hugo`` output is one folder per SDK holding ``pages.json`` and the rendered Hugo pages,
    written for a site with the Markdown settings ``markdown`` (default: the Kubeflow
    website's, :data:`~kubeflow_devtools.docgen.hugo.settings.DEFAULT`). Raises
    :class:`~kubeflow_devtools.docgen.inventory.InventoryError` for SDKs that cannot be documented,
    :class:`BuildError` when Sphinx warns (with ``warnings_as_errors``) and :class:`OutputError`
    when ``out`` cannot be written; the previous outputs are then left as they were.
    """
    try:
        return _build(
            sdks, out, status, nitpicky, warnings_as_errors, jobs, force, formats, markdown, site
        )
    except OSError as exc:
        raise OutputError.of(exc, out) from exc


def _build(
    sdks: Sequence[SdkConfig],
    out: Path,
    status: TextIO | None,
    nitpicky: bool,
    warnings_as_errors: bool,
    jobs: int,
    force: bool,
    formats: Sequence[str],
    markdown: MarkdownSettings | None,
    site: Sequence[SiteSdk],
) -> BuildResult:
    started = time.perf_counter()
    cache = out / ".cache"
    html = out / "html"
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise BuildError(f"unknown output format(s): {', '.join(unknown)}")
    chosen = [f for f in FORMATS if f in formats]
    settings = (markdown or DEFAULT).to_dict()
    options = {"nitpicky": nitpicky, "warnings_as_errors": warnings_as_errors, "formats": chosen,
               "markdown": settings, "site": list(site)}  # fmt: skip
    stamp = fingerprint(sdks, options)
    stamp_file = cache / "fingerprint"
    if (
        not force
        and all((out / f).is_dir() for f in chosen)
        and stamp_file.is_file()
        and stamp_file.read_text(encoding="utf-8") == stamp
    ):
        pages = sum(1 for _ in html.rglob("*.html")) if "html" in chosen else 0
        return BuildResult(html, (), pages, (), _read_defects(out / chosen[0]),
                           time.perf_counter() - started, True, out / "hugo")  # fmt: skip
    once = documented_once([collect(sdk) for sdk in sdks])
    inventories, found, mocked = signature_types.add_pages(once)
    names: dict[str, dict[str, str]] = {}
    unresolved: dict[str, list[str]] = {}
    for item in found:
        if item.canonical is not None:
            names.setdefault(item.owner, {})[item.name] = item.canonical
        else:
            unresolved.setdefault(item.owner, []).append(
                f"the signature names {item.name!r}, which has no page: {item.reason}"
            )
    project = write_project(inventories, cache / "src", names, unresolved, mocked, site)
    if status is not None:
        read = ", ".join(f"{inv.sdk.id} {inv.version}" for inv in inventories)
        print(f"docgen: {read}: {len(project.pages)} pages; running Sphinx", file=status)
    stamp_file.unlink(missing_ok=True)
    _forget_failed_build(cache)
    pending = cache / PENDING
    pending.write_text("a build is running or failed: its cache is not to be trusted\n")
    try:
        warnings = _run_formats(project.root, cache, chosen, status, nitpicky, warnings_as_errors,
                                jobs, settings)  # fmt: skip
    except BaseException:
        _forget_failed_build(cache)
        raise
    for fmt in chosen:
        publish_folder(cache / fmt, out / fmt)
    if not warnings:  # warnings that were not errors: the next build re-reads every page
        pending.unlink()
    stamp_file.write_text(stamp, encoding="utf-8")
    return BuildResult(
        html,
        tuple(inventories),
        len(project.pages),
        tuple(warnings),
        _read_defects(out / chosen[0]),
        time.perf_counter() - started,
        False,
        out / "hugo",
    )


PENDING = "pending"
"""The file in ``.cache`` that marks a Sphinx run not (yet) finished successfully."""


def _forget_failed_build(cache: Path) -> None:
    """Drop what a failed (or killed) Sphinx run left in ``cache``: its environment and
    doctrees, and its output, so that no later build reuses a document that warned.

    Sphinx caches a document once it was read, warnings or not, and re-reads only documents
    whose source changed: a rebuild would otherwise skip the broken page and pass the gate.
    A run that did not finish leaves the :data:`PENDING` mark, so a killed build is forgotten
    by the next one.
    """
    if not (cache / PENDING).exists():
        return
    for name in ("doctrees", *FORMATS):
        shutil.rmtree(cache / name, ignore_errors=True)
    (cache / PENDING).unlink(missing_ok=True)


def _run_formats(
    root: Path,
    cache: Path,
    chosen: Sequence[str],
    status: TextIO | None,
    nitpicky: bool,
    warnings_as_errors: bool,
    jobs: int,
    settings: dict[str, Any],
) -> list[str]:
    """Run Sphinx once per output format; return the warnings (raise when they are errors)."""
    warnings: list[str] = []
    for fmt in chosen:
        if fmt == "hugo":  # written whole on every build: no page of a removed object survives
            shutil.rmtree(cache / fmt, ignore_errors=True)
        try:
            count, found = run_sphinx(
                root,
                cache / fmt,
                cache / "doctrees",
                status=status,
                nitpicky=nitpicky,
                jobs=jobs,
                builder=FORMATS[fmt],
                overrides={"docgen_markdown": settings},
            )
        except OSError:  # the output folder, not the documentation
            raise
        except Exception as exc:  # Sphinx reports its own errors as exceptions
            raise BuildError(f"Sphinx failed: {type(exc).__name__}: {exc}") from exc
        if (count or found) and warnings_as_errors:
            what = "" if fmt == "html" else f" building the {fmt} pages"
            raise BuildError(f"Sphinx emitted {count} warning(s){what}", found)
        warnings += found
    return warnings
