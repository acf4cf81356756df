"""Benchmark ``docgen build kubeflow`` against the SDK's own Sphinx build of its ``docs/``.

In one run, each a fresh process: kubeflow/sdk's documentation as its Read the Docs build makes
it (``sphinx-build -b html docs/source``, from the ``kubeflow`` sdist of the installed version;
kubeflow/sdk@0.5.0:.readthedocs.yaml), then docgen's cold build of the built-in ``kubeflow`` SDK
(empty output folder, warnings as errors, nitpicky). Prints both times, the ratio and how many
of the public names (``__all__`` of the subpackages) each documents.

Run it in an environment with ``kubeflow[hub,spark,pipelines]``, the SDK's docs requirements
(furo, sphinx-copybutton, sphinx-design, myst-parser, sphinx-autodoc-typehints) and this project:

    python benchmarks/docgen_kubeflow.py [--python PYTHON] [--keep DIR]

Goal (issue 18): docgen's cold build at most 1.0x the SDK's own build, while documenting every
public name. Intersphinx's downloads are made to fail at once on both sides (an unreachable
proxy): the SDK's build would otherwise wait on docs.python.org where the network is closed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

SUBPACKAGES = ("trainer", "optimizer", "hub", "spark", "pipelines")

_PUBLIC_NAMES = f"""
import importlib, json
paths = {{}}
objects = {{}}
for sub in {SUBPACKAGES!r}:
    module = importlib.import_module("kubeflow." + sub)
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        paths[f"kubeflow.{{sub}}.{{name}}"] = id(value)
        where = objects.setdefault(id(value), [])
        where.append(f"kubeflow.{{sub}}.{{name}}")
        if getattr(value, "__module__", None) and getattr(value, "__qualname__", None):
            where.append(f"{{value.__module__}}.{{value.__qualname__}}")
print(json.dumps({{path: sorted(set(objects[key])) for path, key in paths.items()}}))
"""
"""Each public name, with the paths it counts as documented at: every public path of the same
object (``KubernetesBackendConfig`` is exported by four subpackages), and where it is defined
(a page may document it there: ``kubeflow.spark.api.spark_client.SparkClient``)."""

_DOCUMENTED = """
import json, sys
from sphinx.util.inventory import InventoryFile
with open(sys.argv[1], "rb") as stream:
    inv = InventoryFile.load(stream, "", lambda base, uri: uri)
data = inv.data if hasattr(inv, "data") else inv
print(json.dumps(sorted({name for items in data.values() for name in items})))
"""


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run ``command`` in a fresh process; return wall seconds and its output (it must pass)."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout + result.stderr


def json_of(python: str, program: str, *args: str) -> Any:
    """The JSON ``program`` prints, run by ``python``."""
    result = subprocess.run(
        [python, "-c", program, *args], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def documented(public: dict[str, list[str]], names: set[str]) -> int:
    """How many public names an ``objects.inv`` holds, at their public or defining path."""
    return sum(not names.isdisjoint(where) for where in public.values())


def sdist_docs(python: str, root: Path) -> Path:
    """Download the installed ``kubeflow``'s sdist from PyPI; return its ``docs/source``."""
    program = "import importlib.metadata as m; print(m.version('kubeflow'))"
    found = subprocess.run([python, "-c", program], capture_output=True, text=True, check=True)
    version = found.stdout.strip()
    pip = [python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*pip, f"kubeflow=={version}", "-d", str(root)], check=True)
    with tarfile.open(root / f"kubeflow-{version}.tar.gz") as tar:
        tar.extractall(root, filter="data")
    return root / f"kubeflow-{version}" / "docs" / "source"


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the environment's Python")
    parser.add_argument("--keep", type=Path, help="work in DIR (kept) instead of a temp folder")
    args = parser.parse_args()
    env = {**os.environ, "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    with tempfile.TemporaryDirectory(prefix="docgen-kubeflow-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        docs = sdist_docs(args.python, root / "sdist")
        public: dict[str, list[str]] = json_of(args.python, _PUBLIC_NAMES)
        own_html = root / "sdk-html"
        own, _ = timed([args.python, "-m", "sphinx", "-b", "html", "-q", str(docs), str(own_html)],
                       root, env)  # fmt: skip
        own_names = set(json_of(args.python, _DOCUMENTED, str(own_html / "objects.inv")))
        own_count = documented(public, own_names)
        print(f"SDK's own Sphinx build (docs/)  {own:7.2f} s  ({own_count} of {len(public)} "
              "public names)", flush=True)  # fmt: skip
        docgen = [args.python, "-m", "kubeflow_devtools.docgen.cli", "build", "kubeflow", "-q"]
        cold, _ = timed([*docgen, "--out", str(root / "docgen")], root, env)
        docgen_inv = root / "docgen" / "html" / "objects.inv"
        docgen_names = set(json_of(args.python, _DOCUMENTED, str(docgen_inv)))

    docgen_count = documented(public, docgen_names)
    print(f"docgen build kubeflow, cold     {cold:7.2f} s  ({docgen_count} of {len(public)} "
          "public names)")  # fmt: skip
    print(f"ratio docgen / SDK's own        {cold / own:7.2f}   (goal <= 1.0, every public name)")
    missing = sorted(name for name, where in public.items() if docgen_names.isdisjoint(where))
    if missing:
        print(f"not documented by docgen: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
