"""The ``rootless-check`` command: a thin shell over :func:`policy.scan.scan`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from policy.errors import InputError, UsageError
from policy.mesh.config import MeshMode
from policy.namespaces import parse_namespace_labels
from policy.pss import Level, all_checks, parse_version
from policy.report import RENDERERS
from policy.scan import Options, scan
from policy.waivers import DEFAULT_WAIVERS

PROG = "rootless-check"


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 and one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(
        prog=PROG,
        description="Check Kubernetes manifests against the Pod Security Standards, with the "
        "verdicts of Kubernetes' Pod Security Admission. Exit codes: 0 clean, 1 findings, "
        "2 usage or input error.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="YAML/JSON files, folders (every *.yaml, *.yml, *.json below), or - for stdin",
    )
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
        "--no-default-waivers",
        action="store_true",
        help="do not waive the mesh node agents (istio-cni-node, ztunnel)",
    )
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--list-checks", action="store_true", help="list the checks with their levels and versions"
    )
    return parser


def list_checks() -> str:
    """The check registry as a table: id, level, policy versions, title."""
    rows = [("ID", "LEVEL", "VERSIONS", "TITLE")]
    for check in all_checks():
        versions = ", ".join(f"v1.{v.minimum_version}+" for v in check.versions)
        rows.append((check.id, check.level.value, versions, check.title))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join(
        f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}\n" for a, b, c, d in rows
    )


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 clean, 1 findings, 2 usage/input error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        version = parse_version(args.pss_version)
    except ValueError as exc:
        parser.error(str(exc))
    if args.list_checks:
        sys.stdout.write(list_checks())
        return 0
    if not args.paths:
        parser.error("no PATH given (use - to read standard input)")
    try:
        labels = parse_namespace_labels(args.namespace_labels)
    except UsageError as exc:
        parser.error(str(exc))
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    options = Options(
        level=Level(args.profile),
        version=version,
        mesh=MeshMode(args.mesh),
        namespace_labels=labels,
        waivers=() if args.no_default_waivers else DEFAULT_WAIVERS,
    )
    report = scan(args.paths, options)
    text = RENDERERS[args.format](report)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            print(f"{PROG}: error: {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    for error in report.errors:
        print(f"{PROG}: error: {error}", file=sys.stderr)
    return report.exit_code


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s code, no traceback on Ctrl-C."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 1
    sys.exit(code)
