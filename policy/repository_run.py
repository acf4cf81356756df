"""One repository run: discovery, builds (kustomize through the annotating wrapper, Helm), in
parallel and cached, then one world per input, checked and summed up into one report.

Loaded by :func:`~kubeflow_devtools.policy.repository.scan_repository` only when a folder
among the paths holds kustomizations or charts: a run over plain files needs none of this.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import pickle
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from kubeflow_devtools.policy import helm, kustomize
from kubeflow_devtools.policy.cache import Cache, Memo, digest
from kubeflow_devtools.policy.discovery import (
    Input,
    Patch,
    Repository,
    discover,
    kustomization_file,
    load_yaml,
)
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.mesh.config import read_mesh_config
from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.mesh import MeshConfig
from kubeflow_devtools.policy.model.objects import Resource
from kubeflow_devtools.policy.model.report import (
    InputResult,
    Options,
    Report,
    Settings,
    Workload,
)
from kubeflow_devtools.policy.model.waivers import Exclusion, Waiver
from kubeflow_devtools.policy.origins import OriginResolver
from kubeflow_devtools.policy.rules import DUPLICATE_OBJECT, all_rules
from kubeflow_devtools.policy.scan import (
    analyze,
    load_source,
    version_warnings,
    waiver_findings,
)
from kubeflow_devtools.policy.scopes import unstamp
from kubeflow_devtools.policy.sources import (
    STDIN,
    Source,
    decode,
    expand_paths,
    open_source,
)

COMPONENT = "kind: Component: built only by the kustomizations that include it"


def run_folders(paths: Sequence[str], options: Options, settings: Settings) -> Report | None:
    """The run of ``paths`` when a folder among them holds kustomizations or charts, else
    ``None`` (then the paths are plain manifests)."""
    cache = Cache(settings.cache)
    load = Memo(cache, "kustomizations", load_yaml)
    repositories = [discover(p, load) for p in paths if p != STDIN and os.path.isdir(p)]
    load.save()
    repositories = [r for r in repositories if any(i.kind != "files" for i in r.inputs)]
    if not repositories:
        return None
    run = Run(options, settings, cache)
    tops = {r.top for r in repositories}
    plain = [p for p in paths if os.path.normpath(p) not in tops]
    return run.execute(repositories, plain)


@dataclass(frozen=True)
class Render:
    """What building an input gave: its text, or why there is none.

    ``base`` is the folder the render's annotation paths are relative to (the wrapper
    kustomization's, as it was when the render was built); ``key`` its cache key (``None``:
    not cacheable).
    """

    text: str | None
    base: str = ""
    key: str | None = None
    cause: str = ""
    log: str = ""
    seconds: float = 0.0


@dataclass
class Run:
    """One repository run: its options, settings, cache, and what every input gave."""

    options: Options
    settings: Settings
    cache: Cache
    patches: dict[str, tuple[Patch, ...]] = field(default_factory=dict)
    usage: Counter[Waiver] = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)
    mesh: MeshConfig | None = None
    mesh_key: str = ""
    skipped: list[InputResult] = field(default_factory=list)

    @property
    def _timeout(self) -> float:
        """Seconds a build may take."""
        return self.settings.timeout or kustomize.DEFAULT_TIMEOUT

    def execute(self, repositories: list[Repository], plain: list[str]) -> Report:
        """Select, build and check every input; one report for all of them."""
        for repo in repositories:
            self.errors += repo.errors
            self._know_patches(repo)
        self._assume_mesh()
        results: list[InputResult | None] = []
        todo: list[tuple[int, Input]] = []
        for repo in repositories:
            for item in repo.inputs:
                status = self._status(repo, item)
                if status is None:
                    todo.append((len(results), item))
                    results.append(None)
                else:
                    results.append(InputResult(item.path, item.kind, *status))
        jobs = self.settings.jobs or os.cpu_count() or 1
        # The largest builds first, so that no big one is left alone at the end.
        todo.sort(key=lambda entry: -_size(entry[1].reads))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [(at, item, pool.submit(self._render, item)) for at, item in todo]
            for at, item, future in futures:
                results[at] = self._check(item, future)
        if plain:
            results.append(self._check_files(", ".join(plain), plain))
        return self._report([*(r for r in results if r is not None), *self.skipped])

    def _know_patches(self, repo: Repository) -> None:
        for node in repo.nodes.values():
            self.patches[os.path.abspath(node.file)] = node.patches

    def _status(self, repo: Repository, item: Input) -> tuple[str, str] | None:
        """``(status, reason)`` of an input that is not built, else ``None``."""
        relative = os.path.relpath(item.path, repo.top)
        exclusion = self._excluded(item.path, relative, os.path.abspath(item.path))
        if exclusion is not None and item.kind != "files":
            return "excluded", exclusion.reason
        if item.component:
            return "skipped", COMPONENT
        changed = self.settings.changed
        if changed is not None and not any(os.path.abspath(p) in changed for p in item.reads):
            return "skipped", f"not affected by the changes since {self.settings.changed_since}"
        if item.kind == "helm" and helm.helm_binary() is None:
            return "skipped", helm.NOT_INSTALLED
        return None

    def _excluded(self, *paths: str) -> Exclusion | None:
        """The first exclusion whose pattern matches one of ``paths`` (or a folder above)."""
        if not self.settings.exclude:
            return None
        prefixes = _prefixes(paths)
        for exclusion in self.settings.exclude:
            regex = _pattern(os.path.normpath(exclusion.pattern))
            if any(regex.match(p) for p in prefixes):
                return exclusion
        return None

    def _assume_mesh(self) -> None:
        """Build the mesh overlay the settings name, if any, and read its Istio configuration."""
        folder = self.settings.mesh_overlay
        if folder is None:
            return
        if kustomization_file(folder) is None:
            raise InputError(folder, None, "meshOverlay: not a kustomization folder")
        repo = discover(folder)
        self._know_patches(repo)
        overlay = repo.inputs[0]
        changed = self.settings.changed
        if changed is not None and any(os.path.abspath(p) in changed for p in overlay.reads):
            # the mesh every root without its own is checked with has changed: check them all
            self.settings = replace(self.settings, changed=None)
        render = self._build(overlay)
        if render.text is None:
            message = f"mesh overlay: kustomize build failed: {render.cause}"
            self.errors.append(InputError(folder, None, message))
            return
        self.mesh_key = render.key or digest([render.text])
        key = digest(
            [
                self.mesh_key,
                folder,
                os.getcwd(),
                repr(self.options.mesh),
                repr(self.options.kubernetes_version),
                _code_fingerprint(),
            ]
        )
        cached = self.cache.load("meshes", key)
        try:
            self.mesh = pickle.loads(cached) if cached is not None else None
        except Exception:  # a damaged entry is a miss
            self.mesh = None
        if not isinstance(self.mesh, MeshConfig):
            report = Report(self.options)
            load_source(Source(folder, render.text), report)  # read for its mesh only
            self.mesh = read_mesh_config(
                report.resources, self.options.mesh, self.options.kubernetes_version
            )
            self.cache.store("meshes", key, pickle.dumps(self.mesh))
        # the overlay's injector errors, once (the roots that assume its mesh do not repeat them)
        self.errors.extend(self.mesh.errors)

    def _build(self, item: Input) -> Render:
        """A kustomization root's render, from the cache when none of its files changed (a
        failed build, or one with remote bases, is never cached)."""
        key = None
        if not item.remotes:
            command = kustomize.render_command(".")
            binary = os.stat(command[0])
            tool = f"{command[0]}:{binary.st_size}:{binary.st_mtime_ns}"
            key = self.cache.key(item.reads, "build", os.path.abspath(item.path), tool, *command)
            cached = self.cache.load("builds", key)
            if cached is not None:
                base, _, text = cached.decode("utf-8").partition("\n")
                return Render(text, base, key)
        result = kustomize.build(item.path, self._timeout, item.remotes)
        if result.output is None:
            return Render(None, cause=result.cause, log=result.log)
        text = decode(item.path, result.output)
        if key is not None:
            self.cache.store("builds", key, f"{result.wrapper}\n{text}".encode())
        return Render(text, result.wrapper, key)

    def _render(self, item: Input) -> Render:
        """The render of a kustomization root or a Helm chart (runs in a worker thread)."""
        begin = time.monotonic()
        render = self._render_now(item)
        return replace(render, seconds=time.monotonic() - begin)

    def _render_now(self, item: Input) -> Render:
        if item.kind == "helm":
            output, why = helm.render_chart(item.path, self._timeout)
            if output is None:
                return Render(None, cause=why)
            return Render(decode(item.path, output))
        if item.kind == "kustomization":
            return self._build(item)
        return Render(None)

    def _check(self, item: Input, future: Future[Render]) -> InputResult:
        """Wait for an input's render and check it as a world of its own."""
        if item.kind == "files":
            changed = self.settings.changed
            reads = []
            for path in item.reads:
                if changed is not None and os.path.abspath(path) not in changed:
                    continue
                relative = os.path.relpath(path, item.path)
                exclusion = self._excluded(path, relative, os.path.abspath(path))
                if exclusion is None:
                    reads.append(path)
                else:
                    self.skipped.append(InputResult(path, "files", "excluded", exclusion.reason))
            return self._check_files(item.path, reads, found=True)
        try:
            render = future.result()
        except InputError as exc:
            render = Render(None, cause=exc.message)
        begin = time.monotonic() - render.seconds
        if render.text is None:
            what = "kustomize build failed" if item.kind == "kustomization" else "not rendered"
            self.errors.append(InputError(item.path, None, f"{what}: {render.cause}"))
            return InputResult(
                item.path, item.kind, "failed", render.cause, render.seconds, render.log
            )
        check_key = None
        if render.key is not None:
            check_key = self._check_key(render.key, item.path)
        cached = self._cached(check_key)
        if cached is not None:
            report, usage = cached
        else:
            report = Report(self.options)
            load_source(Source(item.path, render.text), report, every_object=True)
            origins = OriginResolver(render.base, self.patches) if render.base else None
            usage = self._finish(item.path, report, origins)
            if check_key is not None:
                self.cache.store("checks", check_key, pickle.dumps((report, usage)))
        self.usage.update(usage)
        seconds = time.monotonic() - begin
        return InputResult(
            item.path, item.kind, "checked", "", seconds, report=report, cached=cached is not None
        )

    def _check_files(self, name: str, paths: Sequence[str], found: bool = False) -> InputResult:
        """Plain manifests, read as before (:func:`~.sources.expand_paths`), as one world.

        ``found``: the files were found by discovery (not named on the command line): a file
        that holds no Kubernetes object, or a Go template (``{{``) that is no YAML, is listed
        as skipped instead.
        """
        report = Report(self.options)
        for path in expand_paths(list(paths)):
            if isinstance(path, InputError):
                report.errors.append(path)
                continue
            before = (len(report.resources), len(report.errors))
            try:
                load_source(open_source(path), report, every_object=True)
            except InputError as exc:
                report.errors.append(exc)
            if found and isinstance(path, str):
                reason = _not_a_manifest(path, report, before)
                if reason is not None:
                    del report.resources[before[0] :], report.errors[before[1] :]
                    self.skipped.append(InputResult(path, "files", "skipped", reason))
        self.usage.update(self._finish(name, report))
        return InputResult(name, "files", "checked", report=report)

    def _cached(self, key: str | None) -> tuple[Report, Counter[Waiver]] | None:
        """An input's cached check results, or ``None`` (a damaged entry is a miss)."""
        data = self.cache.load("checks", key) if key is not None else None
        if data is None:
            return None
        try:
            report, usage = pickle.loads(data)
        except Exception:
            return None
        if not isinstance(report, Report) or not isinstance(usage, Counter):
            return None
        report.options = self.options
        return report, usage

    def _check_key(self, build_key: str, shown: str) -> str:
        """The key of an input's check results: its build, how its paths are shown (they are
        relative to the working directory), the options, the mesh, the code."""
        options = self.options
        labels = sorted((k, sorted(v.items())) for k, v in options.namespace_labels.items())
        return digest(
            [
                build_key,
                shown,
                os.getcwd(),
                self.mesh_key,
                repr((options.level, options.version, options.mesh, options.fail_on)),
                repr(options.runtime),
                repr((labels, options.waivers, options.today, options.schema_version)),
                repr(sorted((options.baseline or Counter()).items())),
                _code_fingerprint(),
            ]
        )

    def _finish(
        self, name: str, report: Report, origins: OriginResolver | None = None
    ) -> Counter[Waiver]:
        """Analyse one input's resources as a world of its own; its findings name it.

        Returns how often each waiver was used.
        """
        report.resources = list(unstamp(report.resources, report.cluster_kinds))
        usage = analyze(report, origins, self.mesh, config_waiver_findings=False)
        duplicates = list(duplicate_findings(report.resources))
        report.findings = [replace(f, input=name) for f in [*report.findings, *duplicates]]
        report.workloads = [
            Workload(w.admitted, tuple(replace(f, input=name) for f in w.findings), name)
            for w in report.workloads
        ]
        report.summary.findings = len(report.findings)
        report.summary.failing = sum(
            1 for f in report.findings if fails_run(f, self.options.fail_on)
        )
        report.resources = []  # checked: the findings, workloads and counts are what is kept
        return usage

    def _report(self, results: list[InputResult]) -> Report:
        """One report over every input: findings, errors, counts, configuration waivers."""
        report = Report(self.options, inputs=results, rules=tuple(all_rules()))
        report.warnings = version_warnings(self.options)
        report.errors = list(self.errors)
        if self.mesh is not None:
            report.mesh = self.mesh
        s = report.summary
        for result in results:
            part = result.report
            if part is None:
                continue
            report.findings += part.findings
            report.errors += part.errors
            report.workloads += part.workloads
            for name in _SUMMED:
                setattr(s, name, getattr(s, name) + getattr(part.summary, name))
        declared = [w for w in self.options.waivers if w.source == "config"]
        report.findings += waiver_findings(declared, self.usage, self.options.today)
        s.pod_specs = len(report.workloads)
        s.findings = len(report.findings)
        s.failing = sum(1 for f in report.findings if fails_run(f, self.options.fail_on))
        s.waived = sum(1 for f in report.findings if f.waived)
        s.errors = len(report.errors)
        return report


_SUMMED = ("files", "documents", "non_objects", "resources", "containers", "injected_pods")


TEMPLATE = "a Go template (Helm), not YAML: not a manifest"
NO_OBJECT = "holds no Kubernetes object: not a manifest"


def _not_a_manifest(path: str, report: Report, before: tuple[int, int]) -> str | None:
    """Why a file just read is no manifest (a template, or no object in it), else ``None``."""
    resources, errors = before
    if len(report.errors) > errors:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return TEMPLATE if "{{" in text else None
    return NO_OBJECT if len(report.resources) == resources else None


def _size(files: Sequence[str]) -> int:
    """How many bytes ``files`` hold (what a build of them will roughly cost)."""
    total = 0
    for path in files:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
    return total


def _prefixes(paths: Sequence[str]) -> list[str]:
    """Each of ``paths`` (normalised) and every folder above it."""
    out: list[str] = []
    for path in paths:
        current = os.path.normpath(path)
        while current and current not in out:
            out.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return out


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


def duplicate_findings(resources: Sequence[Resource]) -> Iterator[Finding]:
    """``duplicateObject`` for every definition of an object after its first one in the same
    source (a build, a chart's render, one plain file: plain files are alternatives, samples,
    not one installation)."""
    first: dict[tuple[str, str, str, str, str], Resource] = {}
    for resource in resources:
        key = (
            resource.file,
            resource.group,
            resource.kind,
            resource.namespace or "",
            resource.name,
        )
        if not resource.name:
            continue
        if key not in first:
            first[key] = resource
            continue
        earlier = first[key]
        yield Finding.of(
            DUPLICATE_OBJECT,
            resource,
            f"{resource.kind} {resource.name} is defined again (first at "
            f"{earlier.file}:{earlier.line}); only one definition is kept",
            at=(resource.file, resource.line),
        )


_FINGERPRINT: list[str] = []


def _code_fingerprint() -> str:
    """Size and modification time of every module of this package: a code change is a miss."""
    if not _FINGERPRINT:
        package = Path(__file__).resolve().parent
        stamps = sorted(
            f"{p.relative_to(package)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
            for p in package.rglob("*.py")
        )
        _FINGERPRINT.append(digest(stamps))
    return _FINGERPRINT[0]
