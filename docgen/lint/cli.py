"""``docgen lint``: docstrings that disagree with the code, as a CI gate.

Exit codes: 0 clean, 1 problems (not in the baseline), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from kubeflow_devtools.docgen.lint.engine import LintError, LintReport, lint
from kubeflow_devtools.docgen.lint.model import Problem
from kubeflow_devtools.docgen.lint.report import RENDERERS

DEFAULT_TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "katib": (
        "kubeflow.katib",
        (
            "kubeflow.katib.KatibClient",
            "kubeflow.katib.report_metrics",
            "kubeflow.katib.search",
            "kubeflow.katib.TrainerResources",
        ),
    ),
    "training": ("kubeflow.training", ("kubeflow.training.TrainingClient",)),
}
"""The hand-written public API of the built-in SDKs (the generated OpenAPI models are not
linted: their docstrings are machine output)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(prog: str = "docgen lint") -> argparse.ArgumentParser:
    """The command-line interface of ``docgen lint``."""
    parser = _Parser(
        prog=prog,
        description="Check that docstrings agree with the code, statically (nothing is "
        "imported). Exit codes: 0 clean, 1 problems, 2 usage or input error.",
    )
    parser.add_argument(
        "sdks", nargs="*", metavar="SDK", help=f"built-in SDKs ({', '.join(DEFAULT_TARGETS)})"
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
        "--search-path",
        action="append",
        default=[],
        metavar="DIR",
        help="where to find packages (default: the installed packages)",
    )
    return parser


def load_baseline(path: str) -> Counter[tuple[str, str, str]]:
    """Problem keys of a JSON lint report. Raises :class:`LintError` if it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LintError(f"{path}: cannot read baseline: {exc}") from None
    problems = data.get("problems") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(problems, list):
        raise LintError(f"{path}: not a docgen lint JSON report (version 1)")
    return Counter(
        (str(p.get("rule")), str(p.get("object")), str(p.get("message")))
        for p in problems
        if isinstance(p, dict)
    )


def apply_baseline(
    problems: list[Problem], baseline: Counter[tuple[str, str, str]]
) -> list[Problem]:
    """Mark the problems the baseline already has (each entry absorbs one problem)."""
    remaining = Counter(baseline)
    out = []
    for problem in problems:
        if remaining[problem.key] > 0:
            remaining[problem.key] -= 1
            problem = replace(problem, baselined=True)
        out.append(problem)
    return out


def run_lint(args: argparse.Namespace, parser: argparse.ArgumentParser) -> LintReport:
    """Lint what the arguments name."""
    unknown = [s for s in args.sdks if s not in DEFAULT_TARGETS]
    if unknown:
        parser.error(f"unknown SDK {unknown[0]!r} (known: {', '.join(DEFAULT_TARGETS)})")
    jobs: list[tuple[str, tuple[str, ...] | None]] = [DEFAULT_TARGETS[s] for s in args.sdks]
    jobs += [(package, None) for package in args.package]
    if not jobs:
        jobs = list(DEFAULT_TARGETS.values())
    search = args.search_path or None
    report = LintReport()
    for package, targets in jobs:
        one = lint(package, targets, search, recursive=args.recursive and targets is None)
        report.problems += one.problems
        report.objects += one.objects
        report.packages += one.packages
    return report


def main(argv: Sequence[str] | None = None, prog: str = "docgen lint") -> int:
    """Run ``docgen lint``; returns the exit code."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        report = run_lint(args, parser)
        if args.baseline:
            report.problems = apply_baseline(report.problems, load_baseline(args.baseline))
        text = RENDERERS[args.format](report)
        if args.output:
            _write_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    except LintError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{prog}: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 1 if any(not p.baselined for p in report.problems) else 0


def _write_atomic(path: str, text: str) -> None:
    if os.path.exists(path) and not os.path.isfile(path):
        # A device or pipe (/dev/null, /dev/stdout): write in place, never replace it.
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
