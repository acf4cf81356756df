"""Several SDKs, separate environments: one site from parts built apart, then merged.

The unified ``kubeflow`` SDK and the legacy ``kubeflow-katib``/``kubeflow-training`` cannot be
installed together (each installs ``kubeflow/__init__.py``). When the distribution of an SDK
asked for is not installed here (or with ``isolated``), :func:`build_site` groups them by
:attr:`~kubeflow_devtools.docgen.config.SdkConfig.environment`, builds each group in an
environment of its own (:func:`~kubeflow_devtools.docgen.environments.sdk_environment`; a group
importable here is built here unless ``isolated``) with ``python -m
kubeflow_devtools.docgen.cli build --part FILE``, into ``OUT/.parts/GROUP``, then merges the
parts into ``OUT/html`` and ``OUT/hugo``.

Every part is told the whole site (:class:`~kubeflow_devtools.docgen.project.SiteSdk`: each
SDK's title, version and folder), so each part's root index and navigation list every SDK, the
other parts' by a stub index page; the merge takes the SDK folders from the part that built
them (the stubs give way to the real pages) and the shared pages (root index, search, static
files) from the first part, and joins the parts' ``objects.inv`` and ``defects.json``.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.docgen.build import BuildError, BuildResult, build, publish_folder
from kubeflow_devtools.docgen.config import SdkConfig, installed
from kubeflow_devtools.docgen.environments import sdk_environment
from kubeflow_devtools.docgen.project import SiteSdk
from kubeflow_devtools.errors import ToolError

PARTS = ".parts"
"""The folder of ``OUT`` that holds each part's own build (incremental, like ``OUT/.cache``)."""


@dataclass(frozen=True)
class Part:
    """One group of SDKs built together: where, and what came of it.

    Attributes:
        sdks: The SDKs (ids) of the part.
        environment: ``this environment``, or the folder of the environment it was built in.
        skipped: Nothing had changed since the part's last build.
    """

    sdks: tuple[str, ...]
    environment: str
    skipped: bool


@dataclass(frozen=True)
class SiteResult:
    """What :func:`build_site` produced: the site (as :func:`.build.build` describes one)
    and the parts it was built from (one, built here, when no SDK needed another
    environment)."""

    build: BuildResult
    parts: tuple[Part, ...]


def groups(sdks: Sequence[SdkConfig]) -> list[tuple[str, list[SdkConfig]]]:
    """The SDKs by environment: those naming the same ``environment`` together, each other one
    alone (its id names its group), in the order the SDKs are given.

    Args:
        sdks: The SDKs of the site.

    Returns:
        ``(group name, SDKs)`` pairs.
    """
    found: dict[str, list[SdkConfig]] = {}
    for sdk in sdks:
        found.setdefault(sdk.environment or sdk.id, []).append(sdk)
    return list(found.items())


def build_site(
    sdks: Sequence[SdkConfig],
    out: Path,
    *,
    isolated: bool = False,
    status: TextIO | None = None,
    nitpicky: bool = True,
    jobs: int = 1,
    force: bool = False,
    formats: Sequence[str] = ("html",),
    cache: Path | None = None,
) -> SiteResult:
    """Build one site of ``sdks`` into ``out``: here when their distributions are all
    installed here (and not ``isolated``), else one part per environment, merged.

    A group whose distributions are all installed here is built here unless ``isolated``
    (then a version that does not match an SDK's ``version_spec`` is an error, as in any
    build here).

    Args:
        sdks: The SDKs, in the order of the site's index.
        out: The output folder (``html/``, ``hugo/``, and ``.parts/`` when built apart).
        isolated: Build every group in an environment of its own, even if importable here.
        status: Where progress goes (which environment each part is built in).
        nitpicky: Warn about unresolved references (warnings are errors).
        jobs: Parallel Sphinx processes.
        force: Rebuild even if nothing changed.
        formats: ``html`` and/or ``hugo``.
        cache: Where environments are kept (default ``$DOCGEN_CACHE``, see
            :func:`~kubeflow_devtools.docgen.environments.default_cache`).

    Returns:
        The site and its parts.

    Raises:
        BuildError: A part's build failed.
        ToolError: An environment cannot be made, or an SDK cannot be documented.
    """
    here = f"this environment ({sys.prefix})"
    options: dict[str, Any] = {"nitpicky": nitpicky, "jobs": jobs, "force": force,
                               "formats": formats}  # fmt: skip
    if not isolated and all(installed(sdk) for sdk in sdks):
        result = build(sdks, out, status=status, **options)
        return SiteResult(result, (Part(tuple(s.id for s in sdks), here, result.skipped),))
    started = time.perf_counter()
    plan: list[tuple[str, list[SdkConfig], Path | None]] = []
    for name, members in groups(sdks):
        if not isolated and all(installed(sdk) for sdk in members):
            plan.append((name, members, None))
        else:
            plan.append((name, members, sdk_environment(_requirements(members), cache=cache,
                                                         status=status)))  # fmt: skip
    site: list[SiteSdk] = []
    for _, members, python in plan:
        versions = _versions(members, python)
        site += [SiteSdk(s.id, s.title, versions.get(s.id, ""), s.out_dir) for s in members]
    order = {sdk.id: n for n, sdk in enumerate(sdks)}
    site.sort(key=lambda entry: order[entry.id])
    parts: list[Part] = []
    built: list[tuple[list[SdkConfig], Path]] = []
    for name, members, python in plan:
        folder = out / PARTS / name
        if python is None:
            result = build(members, folder, status=status, site=site, **options)
            parts.append(Part(tuple(s.id for s in members), here, result.skipped))
        else:
            env = str(python.parents[1])
            if status is not None:
                print(f"docgen: building {', '.join(s.id for s in members)} in {env}", file=status)
            skipped = _build_part(python, members, site, folder, status, **options)
            parts.append(Part(tuple(s.id for s in members), env, skipped))
        built.append((members, folder))
    chosen = [f for f in ("html", "hugo") if f in formats]
    try:
        defects = merge(built, out, chosen)
    except OSError as exc:
        raise ToolError(f"{out}: cannot write the merged site: {exc}") from None
    pages = 1 + sum(_own_pages(members, folder) for members, folder in built)
    result = BuildResult(out / "html", (), pages, (), defects, time.perf_counter() - started,
                         all(p.skipped for p in parts), out / "hugo")  # fmt: skip
    return SiteResult(result, tuple(parts))


def _requirements(sdks: Sequence[SdkConfig]) -> list[str]:
    """What pip installs for ``sdks``; an SDK that names nothing to install is an error."""
    found: list[str] = []
    for sdk in sdks:
        if not sdk.pip_requirements:
            raise ToolError(
                f"{sdk.id}: {sdk.package} cannot be imported here and the SDK names no "
                "distribution or requirements to install in an environment of its own"
            )
        found += [r for r in sdk.pip_requirements if r not in found]
    return found


def _versions(sdks: Sequence[SdkConfig], python: Path | None) -> dict[str, str]:
    """The installed version of each SDK's distribution, here or in ``python``'s environment."""
    dists = {sdk.id: sdk.distribution for sdk in sdks if sdk.distribution}
    if python is None:
        return {i: importlib.metadata.version(d) for i, d in dists.items() if installed_dist(d)}
    code = ("import importlib.metadata as m, json, sys\n"
            "print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))")  # fmt: skip
    result = subprocess.run([str(python), "-c", code, *dists.values()], capture_output=True,
                            text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ToolError(f"{python}: cannot read the SDK versions: {last}")
    versions: dict[str, str] = json.loads(result.stdout)
    return {i: versions[d] for i, d in dists.items()}


def installed_dist(name: str) -> bool:
    """Whether the distribution ``name`` is installed here."""
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def write_part(path: Path, sdks: Sequence[SdkConfig], site: Sequence[SiteSdk]) -> None:
    """Write what a part builds (``--part FILE``): its SDKs (whole definitions) and the site.

    Args:
        path: The JSON file.
        sdks: The SDKs the part builds.
        site: Every SDK of the site.
    """
    record = {"sdks": [dataclasses.asdict(s) for s in sdks],
              "site": [dataclasses.asdict(s) for s in site]}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(record, indent=1, sort_keys=True) + "\n")


def read_part(path: Path) -> tuple[list[SdkConfig], list[SiteSdk]]:
    """Read a file :func:`write_part` wrote.

    Args:
        path: The JSON file.

    Returns:
        The SDKs to build, and the site they are part of.

    Raises:
        ToolError: The file cannot be read or is not a part.
    """
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        fields: list[dict[str, Any]] = [
            {k: tuple(v) if isinstance(v, list) else v for k, v in s.items()}
            for s in record["sdks"]
        ]
        sdks = [SdkConfig(**values) for values in fields]
        site = [SiteSdk(**entry) for entry in record["site"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolError(f"{path}: not a docgen part: {exc}") from None
    return sdks, site


def _build_part(
    python: Path,
    sdks: Sequence[SdkConfig],
    site: Sequence[SiteSdk],
    folder: Path,
    status: TextIO | None,
    *,
    nitpicky: bool,
    jobs: int,
    force: bool,
    formats: Sequence[str],
) -> bool:
    """Build one part with ``python`` (``docgen build --part``); return whether it was skipped
    (nothing changed). Its output is passed on to ``status`` line by line."""
    part = folder / "part.json"
    write_part(part, sdks, site)
    fmt = "all" if {"html", "hugo"} <= set(formats) else formats[0]
    command = [str(python), "-m", "kubeflow_devtools.docgen.cli", "build", "--part", str(part),
               "--out", str(folder), "--format", fmt, "-j", str(jobs)]  # fmt: skip
    command += ["--no-nitpicky"] * (not nitpicky) + ["--force"] * force + ["-q"] * (status is None)
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if status is not None:
                print(line, end="", file=status)
    ids = ", ".join(s.id for s in sdks)
    where = f"building {ids} in {python.parents[1]}"
    if process.returncode == 1:
        last = next((ln for ln in reversed(lines) if ln.startswith("docgen: ")), "")
        why = last.removeprefix("docgen: ").removeprefix("build failed: ")
        raise BuildError(f"{why} ({where})", () if status is not None else lines[:-1])
    if process.returncode != 0:
        errors = [ln.removeprefix("docgen: error: ") for ln in lines if "error:" in ln]
        raise ToolError("\n".join(errors) or f"{where}: exit code {process.returncode}")
    return any(": up to date in " in line for line in lines)


def _own_pages(sdks: Sequence[SdkConfig], folder: Path) -> int:
    """How many pages of its own SDKs a part's generated project holds."""
    src = folder / ".cache" / "src"
    return sum(sum(1 for _ in (src / s.out_dir).rglob("*.md")) for s in sdks)


def merge(
    parts: Sequence[tuple[Sequence[SdkConfig], Path]], out: Path, formats: Sequence[str]
) -> tuple[dict[str, str], ...]:
    """Merge the parts' outputs into ``out/html`` and ``out/hugo`` (each swapped in whole).

    Each SDK's folder comes from the part that built it; everything else of the HTML (root
    index, search, general index, static files) from the first part; ``objects.inv`` and
    ``defects.json`` join every part's.

    Args:
        parts: Each part's SDKs and output folder, the first part first.
        out: The site's output folder.
        formats: ``html`` and/or ``hugo``.

    Returns:
        The defects of every part (the rows of ``defects.json``).
    """
    defects: list[dict[str, str]] = []
    for fmt in formats:
        staging = out / PARTS / f".merged-{fmt}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        rows: list[dict[str, str]] = []
        reported = False
        for position, (sdks, folder) in enumerate(parts):
            source = folder / fmt
            own = {s.out_dir if fmt == "html" else s.id for s in sdks}
            for entry in sorted(source.iterdir()):
                shared = position == 0 and fmt == "html" and not _is_sdk_folder(entry, parts)
                if entry.name in own or shared:
                    _copy(entry, staging / entry.name)
            report = source / "defects.json"
            if report.is_file():
                reported = True
                rows += json.loads(report.read_text(encoding="utf-8"))
        if fmt == "html":
            inventories = [(p / "html" / "objects.inv", _stubs(sdks, parts)) for sdks, p in parts]
            (staging / "objects.inv").write_bytes(merge_inventories(inventories))
        if reported:
            text = json.dumps(rows, indent=1, sort_keys=True) + "\n"
            (staging / "defects.json").write_text(text, encoding="utf-8")
        publish_folder(staging, out / fmt)
        shutil.rmtree(staging, ignore_errors=True)
        defects = defects or rows
    return tuple(defects)


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)


def _is_sdk_folder(entry: Path, parts: Sequence[tuple[Sequence[SdkConfig], Path]]) -> bool:
    return any(entry.name == s.out_dir for sdks, _ in parts for s in sdks)


def _stubs(own: Sequence[SdkConfig], parts: Sequence[tuple[Sequence[SdkConfig], Path]]) -> set[str]:
    """The SDK folders of the other parts (a part holds only their stub index)."""
    mine = {s.out_dir for s in own}
    return {s.out_dir for sdks, _ in parts for s in sdks} - mine


_ENTRY = re.compile(r"(?P<name>.+?)\s+(?P<type>\S+:\S+)\s+-?\d+\s+?(?P<uri>\S*)\s+.*")
"""One entry of a version 2 inventory, read as Sphinx reads it (``sphinx.util.inventory``)."""


def merge_inventories(inventories: Sequence[tuple[Path, set[str]]]) -> bytes:
    """One Sphinx inventory (``objects.inv``, version 2) of every part's objects.

    Args:
        inventories: Each part's ``objects.inv`` and the folders whose entries it must not
            give (the other parts' SDKs, of which it holds stubs).

    Returns:
        The merged file: the first part's header, each entry once (the first part giving it).
    """
    header: list[bytes] = []
    entries: dict[bytes, bytes] = {}
    for path, skipped in inventories:
        if not path.is_file():
            continue
        data = path.read_bytes()
        lines = data.split(b"\n", 4)
        if not header:
            header = lines[:4]
        for line in zlib.decompress(lines[4]).decode("utf-8").splitlines():
            match = _ENTRY.fullmatch(line.rstrip())
            if match is None or match["uri"].split("/", 1)[0] in skipped:
                continue
            entries.setdefault(f"{match['name']} {match['type']}".encode(), line.encode())
    body = zlib.compress(b"".join(line + b"\n" for line in entries.values()))
    return b"\n".join([*header, body])
