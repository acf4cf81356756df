"""Benchmark ``docgen build`` against a plain recursive-autosummary Sphinx build, same SDKs.

Measures, in one run and each in a fresh process: docgen's cold build (empty output folder), a
rebuild with nothing changed, a forced rebuild on a warm cache, and a plain Sphinx build
(autodoc + autosummary ``:recursive:`` + napoleon + sphinx-autodoc-typehints + furo) of the same
packages; prints the times, the plain build's warning count and the ratio.

    python benchmarks/docgen_build.py [--nitpicky-plain] [--keep DIR]

Goals (issue 17): cold build under 0.25x plain Sphinx's time, with docgen's pages telling what
the code says (lint's rules on every documented object, evaluated defaults, pages for the
types signatures name); no-change rebuild under 2 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGES = ("kubeflow.katib", "kubeflow.training")

PLAIN_CONF = """\
project = "plain"
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx_autodoc_typehints",
]
autosummary_generate = True
# The SDKs' public API is re-exported from their __init__ modules: without imported members a
# plain build documents none of it (and with them, every kubernetes.client class re-exported by
# the models packages too).
autosummary_imported_members = True
autodoc_default_options = {"members": True}
html_theme = "furo"
"""


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``command`` in a fresh process; return wall seconds and the result."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


def plain_project(root: Path) -> Path:
    """Write the plain recursive-autosummary Sphinx project; return its source folder."""
    src = root / "plain-src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(PLAIN_CONF, encoding="utf-8")
    modules = "\n".join(f"   {p}" for p in PACKAGES)
    index = (
        f"API\n===\n\n.. autosummary::\n   :toctree: _autosummary\n   :recursive:\n\n{modules}\n"
    )
    (src / "index.rst").write_text(index, encoding="utf-8")
    return src


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nitpicky-plain", action="store_true", help="plain build with -n")
    parser.add_argument("--keep", type=Path, help="work in DIR (kept) instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        out = root / "docgen"
        docgen = [
            sys.executable,
            "-m",
            "kubeflow_devtools.docgen.cli",
            "build",
            "katib",
            "training",
            "-q",
        ]
        cold, result = timed([*docgen, "--out", str(out)], root)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            return 1
        nochange, result = timed([*docgen, "--out", str(out)], root)
        assert "up to date" in result.stdout, result.stdout
        forced, _ = timed([*docgen, "--out", str(out), "--force"], root)

        src = plain_project(root)
        warnings_file = root / "plain-warnings.txt"
        plain_cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-w", str(warnings_file)]
        if args.nitpicky_plain:
            plain_cmd.append("-n")
        plain, result = timed([*plain_cmd, str(src), str(root / "plain-html")], root)
        text = warnings_file.read_text(encoding="utf-8") if warnings_file.exists() else ""
        plain_warnings = sum(
            1 for line in text.splitlines() if "WARNING:" in line or "ERROR:" in line
        )

    print(f"docgen cold build             {cold:7.2f} s  (warnings as errors, nitpicky)")
    print(f"docgen rebuild, no change     {nochange:7.2f} s  (goal < 2 s)")
    print(f"docgen forced rebuild (warm)  {forced:7.2f} s")
    mode = " -n" if args.nitpicky_plain else ""
    print(f"plain Sphinx{mode:3} autosummary    {plain:7.2f} s  ({plain_warnings} warnings)")
    print(f"ratio cold / plain            {cold / plain:7.2f}   (goal < 0.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
