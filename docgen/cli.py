"""The ``docgen`` command: a thin shell over :mod:`kubeflow_devtools.docgen.build`.

Exit codes: 0 built (or published, or ``publish --check`` found the website up to date), 1 the
build failed (Sphinx warnings are errors) or ``publish --check`` found differences, 2 usage or
input error (including a website that cannot take the pages: a hand-written file in the way).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kubeflow_devtools.cli import ArgumentParser, entry_point, guard
from kubeflow_devtools.docgen.build import BuildError, build
from kubeflow_devtools.docgen.config import (
    ConfigError,
    SdkConfig,
    adhoc_sdk,
    default_sdks,
    load_config,
)
from kubeflow_devtools.docgen.hugo.publish import DEFAULT_WAIT


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="docgen", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build the API reference of one or more SDKs")
    b.add_argument("sdks", nargs="*", metavar="SDK", help="SDK ids (default: all configured)")
    b.add_argument(
        "--package",
        action="append",
        default=[],
        metavar="IMPORT.NAME",
        help="document any installed package with default settings (repeatable)",
    )
    b.add_argument("--out", type=Path, default=Path("build/docgen"), help="output folder")
    b.add_argument("--format", choices=["html", "hugo", "all"], default="html")
    b.add_argument("--config", type=Path, help="a docgen.toml or pyproject.toml to read")
    b.add_argument("--root", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    b.add_argument("-j", "--jobs", type=int, default=1, help="parallel Sphinx processes")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    b.add_argument("--no-nitpicky", action="store_true", help="do not warn on missing refs")
    b.add_argument("--list-defects", action="store_true", help="print every docstring defect")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    b.add_argument(
        "--isolated",
        action="store_true",
        help="build each SDK (or group of SDKs) in a cached environment of its own "
        "(automatic for an SDK whose distribution is not installed here)",
    )
    b.add_argument("--part", type=Path, help=argparse.SUPPRESS)  # one part of such a build
    p = commands.add_parser("publish", help="write the Hugo pages into a website checkout")
    p.add_argument("sdks", nargs="*", metavar="SDK", help="SDK ids (default: all configured)")
    p.add_argument("--website", type=Path, required=True, help="root of the website checkout")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the website differs from what would be written",
    )
    p.add_argument(
        "--force", action="store_true", help="overwrite generated pages that were edited by hand"
    )
    p.add_argument(
        "--create-parents",
        action="store_true",
        help="publish even if the folder a section is in is not a Hugo section (no _index.md)",
    )
    p.add_argument("--out", type=Path, help="keep the build in this folder (default: temporary)")
    p.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help="wait this long for another publish of the website (default %(default)g)",
    )
    p.add_argument("--config", type=Path, help="a docgen.toml or pyproject.toml to read")
    p.add_argument("--root", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(package=[], isolated=False)
    commands.add_parser("lint", help="check SDK docstrings statically (see docgen lint --help)")
    return parser  # fmt: skip


def _select(args: argparse.Namespace) -> tuple[list[SdkConfig], list[str]]:
    """The SDKs to build, and the notes naming the enabled ones left out (printed once the
    command succeeded: an error stays one line)."""
    configured = load_config(args.root, args.config)
    if args.package:
        chosen = [configured[s] for s in args.sdks if s in configured]
        return chosen + [adhoc_sdk(p) for p in args.package], []
    unknown = [s for s in args.sdks if s not in configured]
    if unknown:
        raise ConfigError(f"unknown SDK(s): {', '.join(unknown)} (known: {', '.join(configured)})")
    if args.sdks:
        return [configured[s] for s in args.sdks], []
    if args.isolated:  # every SDK built in an environment of its own: every enabled one
        return [sdk for sdk in configured.values() if sdk.enabled], []
    # with three built-ins that cannot share an environment, publish too takes those installed,
    # and says which it leaves out (the website's CI names the SDK it checks)
    chosen, missing = default_sdks(configured)
    if not chosen:
        names = ", ".join(f"{s.id} ({s.distribution})" for s in missing) or "none is enabled"
        raise ConfigError(f"no configured SDK is installed: {names}; install one or use --package")
    prog = "docgen publish" if args.command == "publish" else "docgen"
    return chosen, [f"{prog}: skipping {s.id}: {s.distribution} is not installed" for s in missing]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["lint"]:
        from kubeflow_devtools.docgen.lint.cli import main as lint_main

        return lint_main(arguments[1:], prog="docgen lint")
    args = _parser().parse_args(arguments)
    if args.command == "publish":
        return guard("docgen publish", lambda: _built("docgen publish", _publish, args))
    return guard("docgen", lambda: _built("docgen", _build, args))


def run() -> None:
    """Console-script entry point: exit with :func:`main`'s code, no traceback on Ctrl-C."""
    entry_point(main, "docgen", hard=True)


def _built(
    prog: str, command: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run a command that builds; a failed build prints Sphinx's warnings and exits 1."""
    try:
        return command(args)
    except BuildError as exc:
        for warning in exc.warnings:
            print(warning, file=sys.stderr)
        kept = ", the website was not changed" if args.command == "publish" else ""
        print(f"{prog}: build failed{kept}: {exc}", file=sys.stderr)
        return 1


def _build(args: argparse.Namespace) -> int:
    from kubeflow_devtools.docgen.site import PartSpec, build_site
    from kubeflow_devtools.docgen.sphinxext.defects import defect_summary  # Sphinx: not for lint

    notes: list[str] = []
    formats = ["html", "hugo"] if args.format == "all" else [args.format]
    status = None if args.quiet else sys.stderr
    options = {"nitpicky": not args.no_nitpicky, "jobs": args.jobs, "force": args.force,
               "formats": formats}  # fmt: skip
    if args.part is not None:  # one part of a site built in several environments
        spec = PartSpec.read(args.part)
        sdks = list(spec.sdks)
        result = build(sdks, args.out, status=status, site=spec.site, markdown=spec.markdown,
                       **options)  # fmt: skip
    else:
        sdks, notes = _select(args)
        built = build_site(sdks, args.out, isolated=args.isolated, status=status, **options)
        result = built.build
        if len(built.parts) > 1 or args.isolated:
            for part in built.parts:
                print(f"docgen: {', '.join(part.sdks)}: built in {part.environment}")
    names = ", ".join(s.id for s in sdks)
    what = "up to date" if result.skipped else f"built {result.pages} pages"
    where = [f"{result.html}/index.html" if f == "html" else f"{result.hugo}/" for f in formats]
    print(f"docgen: {names}: {what} in {result.seconds:.1f}s -> {', '.join(where)}")
    if args.list_defects:
        for d in result.defects:
            print(f"  {d['object']}: [{d['kind']}] {d['message']}")
    print(defect_summary(result.defects, args.out / formats[0] / "defects.json"))
    for note in notes:
        print(note, file=sys.stderr)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from kubeflow_devtools.docgen.hugo.publish import format_changes
    from kubeflow_devtools.docgen.hugo.website import publish

    sdks, notes = _select(args)
    outcome = publish(sdks, args.website, out=args.out, check_only=args.check, force=args.force,
                      create_parents=args.create_parents,
                      status=None if args.quiet else sys.stderr, wait=args.wait)  # fmt: skip
    names = ", ".join(s.id for s in sdks)
    for note in notes:
        print(note, file=sys.stderr)
    if outcome.recovered is not None:
        print(f"docgen publish: {outcome.recovered}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"docgen publish: warning: {warning}", file=sys.stderr)
    if args.check:
        if outcome.changes:
            print(format_changes(outcome.changes))
            return 1
        print(f"docgen publish --check: {names}: the website is up to date")
        return 0
    if outcome.applied is None:
        print(f"docgen publish: {names}: the website is already up to date")
        return 0
    for warning in outcome.applied.warnings:
        print(f"docgen publish: warning: {warning}", file=sys.stderr)
    print(f"docgen publish: {names}: {outcome.applied}")
    return 0


if __name__ == "__main__":
    run()
