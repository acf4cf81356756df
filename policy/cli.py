"""The ``rootless-check`` command: a thin shell over :func:`kubeflow_devtools.policy.scan.scan`.

``rootless-check [PATH ...]`` checks manifests; ``rootless-check diff BASE HEAD`` compares
two renders (or kustomizations) and fails only on the findings the change adds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

# git (changes), tempfile and the repository machinery load only in the runs that use them:
# a check of one file starts in a fraction of the time.
from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.cli import ArgumentParser, entry_point, guard
from kubeflow_devtools.policy.baseline import diff_findings, load_baseline
from kubeflow_devtools.policy.errors import InputError, UsageError
from kubeflow_devtools.policy.mesh.native import parse_kubernetes_minor
from kubeflow_devtools.policy.model.findings import FAIL_ON, Finding, fails_run
from kubeflow_devtools.policy.model.mesh import MeshMode
from kubeflow_devtools.policy.model.report import Options, Report, Settings
from kubeflow_devtools.policy.model.waivers import DEFAULT_WAIVERS, Exclusion
from kubeflow_devtools.policy.namespaces import parse_namespace_labels
from kubeflow_devtools.policy.pss import Level, parse_version
from kubeflow_devtools.policy.report import RENDERERS
from kubeflow_devtools.policy.report.json import finding_list, report_to_json
from kubeflow_devtools.policy.report.text import render_text
from kubeflow_devtools.policy.repository import diff_report, rebase_report, scan_repository
from kubeflow_devtools.policy.rules import all_rules
from kubeflow_devtools.policy.waivers import CONFIG_FILE, Config, load_config

PROG = "rootless-check"
EXTRA_OUTPUTS = ("json", "sarif", "junit", "markdown")


def _common(parser: argparse.ArgumentParser) -> None:
    """Options shared by the scan and ``diff``."""
    parser.add_argument(
        "--profile",
        choices=[level.value for level in Level],
        default=Level.RESTRICTED.value,
        help="Pod Security Standards level to check (default: restricted)",
    )
    parser.add_argument(
        "--pss-version",
        default="latest",
        metavar="v1.N|latest",
        help="policy version, as Pod Security Admission's enforce-version (default: latest)",
    )
    parser.add_argument(
        "--mesh",
        choices=[mode.value for mode in MeshMode],
        default=MeshMode.AUTO.value,
        help="what to assume about Istio: auto (read it from the input, the default), sidecar "
        "(injection without CNI), cni (injection with CNI), ambient, none",
    )
    parser.add_argument(
        "--namespace-labels",
        action="append",
        default=[],
        metavar="NS=k=v,...|FILE",
        help="labels of a namespace defined outside the input (repeatable), or a YAML/JSON file "
        "mapping namespace names to labels",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"configuration file with waivers (default: {CONFIG_FILE} if it exists)",
    )
    parser.add_argument(
        "--no-default-waivers",
        action="store_true",
        help="do not waive the mesh node agents (istio-cni-node, ztunnel)",
    )
    parser.add_argument(
        "--no-runtime",
        action="store_true",
        help="do not predict the user namespaces' run-time pods (what Kubeflow's controllers "
        "create there: notebooks, trials, predictors, pipeline steps, ...)",
    )
    parser.add_argument(
        "--fail-on",
        choices=sorted(FAIL_ON),
        default="error",
        help="lowest severity that fails the run (default: error)",
    )
    parser.add_argument(
        "--schema",
        action="store_true",
        help="also validate every object against the Kubernetes OpenAPI schema (custom "
        "resources have none: they are counted as skipped)",
    )
    parser.add_argument(
        "--kubernetes-version",
        metavar="1.N|latest",
        help="the cluster's Kubernetes version: decides Istio's native sidecars "
        "(ENABLE_NATIVE_SIDECARS=auto) when the input has no Node objects (default: the newest "
        "the Pod Security checks know), and with --schema the schemas to use (default: the "
        "newest kubernetes-validate has)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--quiet", "-q", action="store_true", help="text: failing findings only")
    parser.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text report (auto: only on a terminal, unless NO_COLOR is set)",
    )
    parser.add_argument("--no-color", dest="color", action="store_const", const="never")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="repository mode: do not check the inputs (kustomization roots, charts) whose "
        "path matches GLOB, or is below a folder that does (repeatable)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="repository mode: builds at once (default: one per core)",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="repository mode: cache folder of builds and check results (default: "
        "$XDG_CACHE_HOME/rootless-check or ~/.cache/rootless-check)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="repository mode: build and check everything"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of the scan."""
    parser = ArgumentParser(
        prog=PROG,
        description="Check Kubernetes manifests against the Pod Security Standards, with the "
        "verdicts of Kubernetes' Pod Security Admission, and predict what the Istio mesh "
        "injects. Exit codes: 0 clean, 1 findings, 2 usage or input error. "
        f"'{PROG} diff BASE HEAD' compares two inputs.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="YAML/JSON files, folders (every *.yaml, *.yml, *.json below), kustomization "
        "folders (rendered), or - for stdin",
    )
    _common(parser)
    for name in EXTRA_OUTPUTS:
        parser.add_argument(
            f"--{name}", metavar="FILE", dest=f"{name}_file", help=f"also write a {name} report"
        )
    parser.add_argument(
        "--baseline", metavar="FILE", help="JSON report of an earlier run: only new findings fail"
    )
    parser.add_argument(
        "--write-baseline", metavar="FILE", help="write this run's findings as a baseline"
    )
    parser.add_argument(
        "--list-checks", action="store_true", help="list the rules with their levels and versions"
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="check only the inputs whose build reads a file changed since the git revision "
        "REF (working tree changes and new files included)",
    )
    parser.add_argument(
        "--affected",
        action="store_true",
        help="the PATHs are changed files (as pre-commit passes them): check the inputs of "
        "the repository (the git work tree, else the current folder) that read them",
    )
    return parser


def build_diff_parser() -> argparse.ArgumentParser:
    """The command-line interface of ``rootless-check diff``."""
    parser = ArgumentParser(
        prog=f"{PROG} diff",
        description="Findings a change adds (BASE to HEAD) and the ones it fixes; fails only on "
        "added ones. BASE and HEAD are renders, folders, kustomization folders or git "
        "revisions; with revisions, PATH (default: .) is checked in each revision's tree.",
    )
    parser.add_argument("base", metavar="BASE")
    parser.add_argument("head", metavar="HEAD")
    parser.add_argument("path", metavar="PATH", nargs="?", default=".")
    _common(parser)
    return parser


def list_checks() -> str:
    """The rule registry as a table: id, level, severity, policy versions, title."""
    rows = [("ID", "LEVEL", "SEVERITY", "VERSIONS", "TITLE")]
    for rule in all_rules():
        rows.append((rule.id, rule.level, rule.severity, rule.versions or "-", rule.title))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + f"  {row[4]}\n"
        for row in rows
    )


def _options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Options:
    """Options from parsed arguments. Raises :class:`InputError` for a bad config file."""
    try:
        version = parse_version(args.pss_version)
        labels = parse_namespace_labels(args.namespace_labels)
    except (ValueError, UsageError) as exc:
        parser.error(str(exc))
    schema_version = None
    try:
        kubernetes_minor = parse_kubernetes_minor(args.kubernetes_version or "latest")
    except UsageError as exc:
        parser.error(str(exc))
    if args.schema:
        from kubeflow_devtools.policy.schema import parse_kubernetes_version

        try:
            schema_version = parse_kubernetes_version(args.kubernetes_version or "latest")
        except UsageError as exc:
            parser.error(str(exc))
    config = _config(args)
    waivers: tuple[Any, ...] = ()
    use_defaults = not args.no_default_waivers
    if config is not None:
        waivers = config.waivers
        use_defaults = use_defaults and config.default_waivers
    baseline = load_baseline(args.baseline) if getattr(args, "baseline", None) else None
    return Options(
        level=Level(args.profile),
        version=version,
        mesh=MeshMode(args.mesh),
        namespace_labels=labels,
        waivers=waivers + (DEFAULT_WAIVERS if use_defaults else ()),
        fail_on=args.fail_on,
        baseline=baseline,
        schema_version=schema_version,
        kubernetes_version=kubernetes_minor,
        runtime=not args.no_runtime,
    )


def _config(args: argparse.Namespace) -> Config | None:
    """The configuration file: ``--config``, else ``.rootless-check.yaml`` in the current
    folder, else in the one folder PATH given (the repository checked from elsewhere)."""
    path = args.config or (CONFIG_FILE if os.path.isfile(CONFIG_FILE) else None)
    folders = [p for p in getattr(args, "paths", []) if os.path.isdir(p)]
    if path is None and len(folders) == 1:
        candidate = os.path.join(folders[0], CONFIG_FILE)
        path = candidate if os.path.isfile(candidate) else None
    return load_config(path) if path is not None else None


def default_cache_folder() -> Path:
    """Where repository runs cache builds and checks: ``$XDG_CACHE_HOME/rootless-check``,
    else ``~/.cache/rootless-check``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rootless-check"


def _settings(args: argparse.Namespace, config: Config | None, top: str = ".") -> Settings:
    """Repository-mode settings from the arguments and the configuration file.

    The configuration's paths are relative to its folder; ``top`` is where that folder is
    in the tree being checked (a revision's export for ``diff``).
    """
    exclude = [Exclusion(p, f"excluded by --exclude {p}") for p in args.exclude]
    overlay = None
    if config is not None and config.file is not None:
        folder = os.path.relpath(os.path.dirname(os.path.abspath(config.file)))
        moved = os.path.normpath(os.path.join(top, folder))
        absolute = os.path.abspath(moved)
        exclude += [replace(e, pattern=os.path.join(absolute, e.pattern)) for e in config.exclude]
        if config.mesh_overlay is not None:
            overlay = os.path.normpath(os.path.join(moved, config.mesh_overlay))
    cache = None
    if not args.no_cache:
        cache = Path(args.cache) if args.cache else default_cache_folder()
    return Settings(
        exclude=tuple(exclude), mesh_overlay=overlay, jobs=max(args.jobs, 0), cache=cache
    )


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _render(report: Report, fmt: str, args: argparse.Namespace, *, to_terminal: bool) -> str:
    if fmt == "text":
        color = to_terminal and _use_color(args.color)
        return render_text(report, color=color, quiet=args.quiet)
    return RENDERERS[fmt](report)


def _emit(text: str, output: str | None) -> None:
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 clean, 1 findings, 2 usage/input error)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "diff":
        return diff_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_checks:
        sys.stdout.write(list_checks())
        return 0
    if not args.paths:
        parser.error("no PATH given (use - to read standard input)")
    return guard(PROG, lambda: _scan_command(parser, args))


def _scan_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    options = _options(parser, args)
    settings = _settings(args, _config(args))
    paths = args.paths
    if args.affected and args.changed_since:
        parser.error("--affected and --changed-since exclude each other")
    if args.affected:
        changed = frozenset(os.path.abspath(p) for p in paths)
        top = _work_tree()
        paths = [os.path.relpath(top)]
        settings = replace(settings, changed=changed, changed_since="the files given")
    elif args.changed_since:
        from kubeflow_devtools.policy.changes import changed_files  # git: loaded when asked

        changed = changed_files(args.changed_since, paths[0] if os.path.isdir(paths[0]) else ".")
        settings = replace(settings, changed=changed, changed_since=args.changed_since)
    report = scan_repository(paths, options, settings)
    _emit(_render(report, args.format, args, to_terminal=not args.output), args.output)
    for name in EXTRA_OUTPUTS:
        path = getattr(args, f"{name}_file")
        if path:
            write_atomic(path, _render(report, name, args, to_terminal=False))
    if args.write_baseline:
        baseline = report_to_json(report)
        baseline["findings"] = [f for f in baseline["findings"] if not f["waived"]]
        write_atomic(args.write_baseline, json.dumps(baseline, indent=2) + "\n")
    _print_errors(report.errors)
    return report.exit_code


def _work_tree() -> str:
    """The top of the git work tree around the current folder, else the current folder."""
    from kubeflow_devtools.policy.changes import toplevel

    try:
        return toplevel(".")
    except UsageError:
        return os.getcwd()


def _print_errors(errors: Sequence[InputError]) -> None:
    for error in errors:
        print(f"{PROG}: error: {error}", file=sys.stderr)


def render_diff(added: list[Finding], fixed: list[Finding], fmt: str) -> str:
    """The diff as text (or JSON): added findings, then fixed ones."""
    if fmt == "json":
        data = {"version": 1, "added": finding_list(added), "fixed": finding_list(fixed)}
        return json.dumps(data, indent=2) + "\n"
    lines = []
    for title, findings in (("added", added), ("fixed", fixed)):
        lines.append(f"{len(findings)} finding(s) {title}:")
        for f in findings:
            where = f"{f.kind} {f.namespace + '/' if f.namespace else ''}{f.name}"
            container = f" [{f.container}]" if f.container else ""
            location = f"{f.file}:{f.line}" if f.line is not None else f.file or ""
            mark = "+" if title == "added" else "-"
            lines.append(f"  {mark} {f.rule}  {where}{container}: {f.message}  ({location})")
    return "\n".join(lines) + "\n"


def diff_main(argv: Sequence[str]) -> int:
    """``rootless-check diff BASE HEAD [PATH]``: exit 1 only when the change adds failing
    findings."""
    parser = build_diff_parser()
    args = parser.parse_args(argv)
    args.changed_since = None
    return guard(PROG, lambda: _diff_command(parser, args))


def _diff_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    options = _options(parser, args)
    config = _config(args)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rootless-check-diff-") as scratch:
        base = _diff_side(args.base, args, options, config, os.path.join(scratch, "base"))
        head = _diff_side(args.head, args, options, config, os.path.join(scratch, "head"))
    added, fixed = diff_findings(base.findings, head.findings)
    if args.format in ("text", "json"):
        text = render_diff(added, fixed, args.format)
    else:
        text = RENDERERS[args.format](diff_report(head, added))
    _emit(text, args.output)
    errors = base.errors + head.errors
    _print_errors(errors)
    if errors:
        return 2
    return 1 if any(fails_run(f, options.fail_on) for f in added) else 0


def _diff_side(
    name: str,
    args: argparse.Namespace,
    options: Options,
    config: Config | None,
    scratch: str,
) -> Report:
    """One side of a diff: a path as it is, or ``PATH`` in the tree of a git revision.

    Findings and inputs are named relative to the tree, so both sides compare.
    """
    if os.path.exists(name) or name == "-":
        return scan_repository([name], options, _settings(args, config))
    from kubeflow_devtools.policy.changes import export, is_revision

    if not is_revision(name):
        raise UsageError(f"{name}: neither a file, a folder nor a git revision")
    os.makedirs(scratch)
    folder = export(name, args.path, scratch)
    top = os.path.join(scratch, os.path.relpath(os.path.realpath(os.getcwd()), _work_tree()))
    report = scan_repository([folder], options, _settings(args, config, top))
    return rebase_report(report, folder, args.path)


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s code, no traceback on Ctrl-C."""
    entry_point(main, hard=True)
