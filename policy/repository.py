"""Repository mode: ``rootless-check .`` in a checkout of kubeflow/manifests.

:func:`scan_repository` is the library entry point of a repository run:

    paths -> inputs (discovery: kustomization roots | Helm charts | plain files)
          -> builds (kustomize through the annotating wrapper, in parallel, cached)
          -> one world per input: documents -> resources -> cluster model -> checks
          -> findings (waivers, baseline) -> one report with every input listed

Each input is its own world: its own mesh (or the repository's assumed mesh overlay when it
has no Istio configuration), its own namespaces, its own verdict. An input that cannot be
built fails the run (exit code 2) unless it is excluded. Paths that hold no kustomization
and no chart (files, plain folders, standard input) are checked exactly as :func:`scan` does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.findings import Finding, fails_run
from kubeflow_devtools.policy.model.report import Options, Report, Settings
from kubeflow_devtools.policy.scan import scan
from kubeflow_devtools.policy.sources import MANIFEST_SUFFIXES, STDIN


def scan_repository(paths: Sequence[str], options: Options, settings: Settings) -> Report:
    """Check ``paths``: folders with kustomizations or charts input by input, the rest as
    :func:`~kubeflow_devtools.policy.scan.scan` does (unchanged when no path is a repository)."""
    if any(p != STDIN and os.path.isdir(p) for p in paths):
        # Discovery, builds, the cache and the build threads are loaded for folders only.
        from kubeflow_devtools.policy.repository_run import run_folders

        report = run_folders(paths, options, settings)
        if report is not None:
            return report
    if settings.changed is not None:
        changed = (os.path.relpath(p) for p in sorted(settings.changed))
        return scan([p for p in changed if _is_manifest(p)], options)
    return scan(paths, options)


def diff_report(head: Report, added: list[Finding]) -> Report:
    """The report of a diff for the formats that show one run: the head's inputs, mesh and
    errors, and only the findings the change adds."""
    report = Report(head.options, rules=head.rules, inputs=head.inputs, mesh=head.mesh)
    report.warnings = list(head.warnings)
    report.findings = list(added)
    report.errors = list(head.errors)
    report.summary.findings = len(added)
    report.summary.failing = sum(1 for f in added if fails_run(f, head.options.fail_on))
    report.summary.errors = len(head.errors)
    return report


def rebase_report(report: Report, folder: str, shown: str) -> Report:
    """``report`` with the paths below ``folder`` (a revision's export) named below ``shown``,
    so that the reports of two revisions name the same file alike."""

    def move(path: str | None) -> str | None:
        if path is None or not (path == folder or path.startswith(folder + os.sep)):
            return path
        return os.path.normpath(os.path.join(shown, os.path.relpath(path, folder)))

    report.findings = [replace(f, file=move(f.file), input=move(f.input)) for f in report.findings]
    report.inputs = [replace(i, path=move(i.path) or i.path) for i in report.inputs]
    report.errors = [InputError(move(e.file) or e.file, e.line, e.message) for e in report.errors]
    return report


def _is_manifest(path: str) -> bool:
    return path.endswith(MANIFEST_SUFFIXES) and os.path.isfile(path)
