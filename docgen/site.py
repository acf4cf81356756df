"""Several SDKs, separate environments: one site from parts built apart, then merged.

The unified ``kubeflow`` SDK and the legacy ``kubeflow-katib``/``kubeflow-training`` cannot be
installed together (each installs ``kubeflow/__init__.py``). When the distribution of an SDK
asked for is not installed here (or with ``isolated``), :func:`build_site` groups them by
:attr:`~kubeflow_devtools.docgen.config.SdkConfig.environment`, builds each group in an
environment of its own (:func:`~kubeflow_devtools.docgen.environments.sdk_environment`; a group
whose distributions are installed here is built here unless ``isolated``) with ``python -m
kubeflow_devtools.docgen.cli build --part FILE``, into ``OUT/.parts/GROUP``, then merges the
parts into ``OUT/html`` and ``OUT/hugo``.

Every part is told the whole site (:class:`~kubeflow_devtools.docgen.project.SiteSdk`: each
SDK's title, version and folder), so each part's root index and navigation list every SDK, the
other parts' by a stub index page that the merge (:mod:`.merge`) replaces.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.docgen.build import BuildError, BuildResult, OutputError, build
from kubeflow_devtools.docgen.config import SdkConfig, installed
from kubeflow_devtools.docgen.environments import sdk_environment
from kubeflow_devtools.docgen.hugo.settings import MarkdownSettings
from kubeflow_devtools.docgen.merge import PartOutput, merge
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
    markdown: MarkdownSettings | None = None,
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
        markdown: The Markdown settings of the website the Hugo pages are for (default: the
            Kubeflow website's).
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
        result = build(sdks, out, status=status, markdown=markdown, **options)
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
    built: list[PartOutput] = []
    pages = 1  # the root index
    for name, members, python in plan:
        folder = out / PARTS / name
        if python is None:
            result = build(members, folder, status=status, site=site, markdown=markdown,
                           **options)  # fmt: skip
            parts.append(Part(tuple(s.id for s in members), here, result.skipped))
        else:
            env = str(python.parents[1])
            if status is not None:
                print(f"docgen: building {', '.join(s.id for s in members)} in {env}", file=status)
            spec = PartSpec(tuple(members), tuple(site), markdown)
            skipped = _build_part(python, spec, folder, status, **options)
            parts.append(Part(tuple(s.id for s in members), env, skipped))
        built.append(PartOutput(folder, frozenset(s.out_dir for s in members),
                                frozenset(s.id for s in members)))  # fmt: skip
        pages += _own_pages(members, folder)
    chosen = [f for f in ("html", "hugo") if f in formats]
    try:
        defects = merge(built, out, chosen)
    except OSError as exc:
        raise OutputError.of(exc, out) from exc
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
        return {i: importlib.metadata.version(d) for i, d in dists.items()}
    code = ("import importlib.metadata as m, json, sys\n"
            "print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))")  # fmt: skip
    result = subprocess.run([str(python), "-c", code, *dists.values()], capture_output=True,
                            text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ToolError(f"{python}: cannot read the SDK versions: {last}")
    versions: dict[str, str] = json.loads(result.stdout)
    return {i: versions[d] for i, d in dists.items()}


@dataclass(frozen=True)
class PartSpec:
    """What one part builds (the file ``docgen build --part FILE`` reads).

    Attributes:
        sdks: Its SDKs (whole definitions: the part's process reads no configuration).
        site: Every SDK of the site.
        markdown: The Markdown settings of the Hugo pages (``None``: the Kubeflow website's).
    """

    sdks: tuple[SdkConfig, ...]
    site: tuple[SiteSdk, ...]
    markdown: MarkdownSettings | None = None

    def write(self, path: Path) -> None:
        """Write the part as JSON (what :meth:`read` reads back).

        Args:
            path: The file.
        """
        record = {"sdks": [dataclasses.asdict(s) for s in self.sdks],
                  "site": [dataclasses.asdict(s) for s in self.site],
                  "markdown": self.markdown.to_dict() if self.markdown else None}  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, indent=1, sort_keys=True) + "\n")

    @classmethod
    def read(cls, path: Path) -> PartSpec:
        """Read a part :meth:`write` wrote.

        Args:
            path: The file.

        Returns:
            The part.

        Raises:
            ToolError: The file cannot be read or holds no part.
        """
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            fields: list[dict[str, Any]] = [
                {k: tuple(v) if isinstance(v, list) else v for k, v in s.items()}
                for s in record["sdks"]
            ]
            markdown = record["markdown"]
            return cls(
                tuple(SdkConfig(**values) for values in fields),
                tuple(SiteSdk(**entry) for entry in record["site"]),
                None if markdown is None else MarkdownSettings.from_dict(markdown),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ToolError(f"{path}: not a docgen part: {exc}") from None


def _build_part(
    python: Path,
    spec: PartSpec,
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
    spec.write(part)
    sdks = spec.sdks
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
            if status is not None and not line.startswith("docgen: error: "):  # raised below
                print(line, end="", file=status)
    ids = ", ".join(s.id for s in sdks)
    where = f"building {ids} in {python.parents[1]}"
    if process.returncode == 1:
        last = next((ln for ln in reversed(lines) if ln.startswith("docgen: ")), "")
        why = last.removeprefix("docgen: ").removeprefix("build failed: ")
        raise BuildError(f"{why} ({where})", () if status is not None else lines[:-1])
    if process.returncode != 0:
        prefix = "docgen: error: "
        errors = [ln.removeprefix(prefix) for ln in lines if ln.startswith(prefix)]
        raise ToolError("\n".join(errors) or f"{where}: exit code {process.returncode}")
    return any(": up to date in " in line for line in lines)


def _own_pages(sdks: Sequence[SdkConfig], folder: Path) -> int:
    """How many pages of its own SDKs a part's generated project holds."""
    src = folder / ".cache" / "src"
    return sum(sum(1 for _ in (src / s.out_dir).rglob("*.md")) for s in sdks)
