"""``docgen lint``: docstrings that disagree with the code, as a CI gate.

Exit codes: 0 clean, 1 problems (not in the baseline), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.cli import ArgumentParser, guard
from kubeflow_devtools.docgen.config import DEFAULTS, SdkConfig, default_sdks, load_config
from kubeflow_devtools.docgen.lint.engine import LintReport, lint
from kubeflow_devtools.docgen.lint.model import Problem
from kubeflow_devtools.docgen.lint.report import RENDERERS
from kubeflow_devtools.docgen.lint.settings import display_path, keep, load_settings, with_options
from kubeflow_devtools.ratchet import absorbed, load_entries


def sdk_target(sdk: SdkConfig) -> tuple[str, tuple[str, ...] | None]:
    """What lints a built-in SDK: its package and configured public API (as ``docgen build``
    documents it; the generated models are not linted: their docstrings are machine output)."""
    paths = tuple(path for path in sdk.api_paths if not path.endswith(".*"))
    return sdk.package, paths or None


def sdk_targets(sdk: SdkConfig) -> list[tuple[str, tuple[str, ...] | None]]:
    """:func:`sdk_target`, and each subpackage whose every public name the SDK documents
    (``"trainer.*"`` in its ``api``: ``kubeflow.trainer`` and its ``__all__``)."""
    subpackages = [path[:-2] for path in sdk.api_paths if path.endswith(".*")]
    package, paths = sdk_target(sdk)
    whole: list[tuple[str, tuple[str, ...] | None]] = [(sub, None) for sub in subpackages]
    return [(package, paths), *whole] if paths or not subpackages else whole


def build_parser(prog: str = "docgen lint") -> argparse.ArgumentParser:
    """The command-line interface of ``docgen lint``."""
    parser = ArgumentParser(
        prog=prog,
        description="Check that docstrings agree with the code, statically (nothing is "
        "imported). Exit codes: 0 clean, 1 problems, 2 usage or input error.",
    )
    parser.add_argument(
        "sdks", nargs="*", metavar="SDK", help=f"built-in SDKs ({', '.join(DEFAULTS)})"
    )
    parser.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="NAME",
        help="lint an importable package (its __all__, else its public names); repeatable",
    )
    parser.add_argument(
        "--recursive",
        action="store_true",
        help="with --package: every public module of the package, not only its exported API",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--baseline", metavar="FILE", help="JSON report of an earlier run: only new problems fail"
    )
    parser.add_argument(
        "--show-baselined",
        action="store_true",
        help="list baselined problems too (the JSON report always does)",
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="run only these rules (comma-separated ids; repeatable; replaces the config's)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="skip these rules (comma-separated ids; repeatable; replaces the config's)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read [tool.docgen] from FILE (default: ./pyproject.toml, then ./docgen.toml)",
    )
    parser.add_argument(
        "--search-path",
        action="append",
        default=[],
        metavar="DIR",
        help="where to find packages (default: the installed packages)",
    )
    return parser


def load_baseline(path: str) -> Counter[tuple[str, str, str]]:
    """Problem keys of a JSON lint report.

    Raises :class:`~kubeflow_devtools.errors.InputError` if it is not one.
    """
    problems = load_entries(path, tool="docgen lint", entries="problems")
    return Counter(
        (str(p.get("rule")), str(p.get("object")), str(p.get("message"))) for p in problems
    )


def apply_baseline(
    problems: list[Problem], baseline: Counter[tuple[str, str, str]]
) -> list[Problem]:
    """Mark the problems the baseline already has (each entry absorbs one problem)."""
    hits = absorbed(problems, baseline, lambda problem: problem.key)
    return [replace(p, baselined=True) if hit else p for p, hit in zip(problems, hits, strict=True)]


def run_lint(args: argparse.Namespace, parser: argparse.ArgumentParser) -> LintReport:
    """Lint what the arguments name, with the project's settings: the rules selected, files'
    ignores applied, paths as reports show them (relative to the working directory, or to
    the folder a package was found in)."""
    sdks = load_config(Path.cwd(), args.config)
    unknown = [s for s in args.sdks if s not in sdks]
    if unknown:
        parser.error(f"unknown SDK {unknown[0]!r} (known: {', '.join(sdks)})")
    settings = with_options(load_settings(Path.cwd(), args.config), args.select, args.ignore)
    jobs = [job for s in args.sdks for job in sdk_targets(sdks[s])]
    jobs += [(package, None) for package in args.package]
    if not jobs and not args.sdks:  # the enabled SDKs that are installed, as docgen build
        jobs = [job for sdk in default_sdks(sdks)[0] for job in sdk_targets(sdk)]
    search = args.search_path or None
    report = LintReport(show_baselined=args.show_baselined)
    rules = settings.rules()
    linted: set[tuple[str, int, str]] = set()  # a re-export is linted once, in its first job
    for package, targets in jobs:
        one = lint(package, targets, search, args.recursive and targets is None, rules, linted)
        shown = [replace(p, file=display_path(p.file, search or ())) for p in one.problems]
        report.problems += [p for p in shown if keep(p, settings)]
        report.objects += one.objects
        report.packages += one.packages
    return report


def main(argv: Sequence[str] | None = None, prog: str = "docgen lint") -> int:
    """Run ``docgen lint``; returns the exit code."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    return guard(prog, lambda: _lint_command(parser, args))


def _lint_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    report = run_lint(args, parser)
    if args.baseline:
        report.problems = apply_baseline(report.problems, load_baseline(args.baseline))
    text = RENDERERS[args.format](report)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if any(not p.baselined for p in report.problems) else 0
