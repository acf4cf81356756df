"""Benchmark ``docgen build kubeflow`` against the SDK's own Sphinx build of its ``docs/``.

In one run, each a fresh process: kubeflow/sdk's documentation as its Read the Docs build makes
it (``sphinx-build -b html docs/source``, from the ``kubeflow`` sdist of the installed version;
kubeflow/sdk@0.5.0:.readthedocs.yaml), then docgen's cold build of the built-in ``kubeflow`` SDK
(empty output folder, warnings as errors, nitpicky). Prints both times, the ratio and how many
of the public names (``__all__`` of the subpackages) each documents.

Run it from this project's environment; both builds run in docgen's own environment for the
SDK with kubeflow/sdk's docs requirements (furo, sphinx-copybutton, sphinx-design, myst-parser,
sphinx-autodoc-typehints), made from PyPI on the first run and cached:

    .venv/bin/python benchmarks/docgen_kubeflow.py [--repeat N] [--keep DIR]

Goal (issue 18): docgen's cold build at most 1.0x the SDK's own build, while documenting every
public name. Intersphinx's downloads are made to fail at once on both sides (an unreachable
proxy): the SDK's build would otherwise wait on docs.python.org where the network is closed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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


VERSION = "0.5.0"
"""The release measured (the built-in ``kubeflow`` SDK's)."""


def sdist(root: Path) -> Path:
    """Download and unpack the ``kubeflow`` sdist from PyPI (with this Python's pip); return
    its folder (``docs/source`` is kubeflow/sdk's Sphinx project)."""
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*pip, f"kubeflow=={VERSION}", "-d", str(root)], check=True)
    with tarfile.open(root / f"kubeflow-{VERSION}.tar.gz") as tar:
        tar.extractall(root, filter="data")
    return root / f"kubeflow-{VERSION}"


def environment(folder: Path) -> str:
    """docgen's own environment with the SDK, its extras and kubeflow/sdk's ``docs`` dependency
    group (kubeflow/sdk@0.5.0:.readthedocs.yaml runs ``uv sync --group docs``): both builds run
    there, with the same Python packages."""
    from kubeflow_devtools.docgen.environments import sdk_environment

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    docs = [str(r) for r in project["dependency-groups"]["docs"]]
    return str(sdk_environment([f"kubeflow[hub,spark,pipelines]=={VERSION}", *docs]))


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build (default: 3)")
    parser.add_argument("--keep", type=Path, help="work in DIR (kept) instead of a temp folder")
    args = parser.parse_args()
    env = {**os.environ, "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    with tempfile.TemporaryDirectory(prefix="docgen-kubeflow-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        folder = sdist(root / "sdist")
        python = environment(folder)
        docs = folder / "docs" / "source"
        public: dict[str, list[str]] = json_of(python, _PUBLIC_NAMES)
        own_times: list[float] = []
        cold_times: list[float] = []
        for run in range(args.repeat):  # interleaved: both see the same machine
            own_html = root / f"sdk-html-{run}"
            out = root / f"docgen-{run}"
            for stale in (own_html, out):  # cold on both sides, also in a kept --keep folder
                shutil.rmtree(stale, ignore_errors=True)
            own, _ = timed([python, "-m", "sphinx", "-b", "html", "-q", str(docs), str(own_html)],
                           root, env)  # fmt: skip
            own_times.append(own)
            docgen = [python, "-m", "kubeflow_devtools.docgen.cli", "build", "kubeflow", "-q"]
            cold, _ = timed([*docgen, "--out", str(out)], root, env)
            cold_times.append(cold)
            print(f"run {run + 1}: SDK's own {own:6.2f} s, docgen cold {cold:6.2f} s", flush=True)
        own_names = set(json_of(python, _DOCUMENTED, str(own_html / "objects.inv")))
        docgen_names = set(json_of(python, _DOCUMENTED, str(out / "html" / "objects.inv")))

    own, cold = statistics.median(own_times), statistics.median(cold_times)
    own_count, docgen_count = documented(public, own_names), documented(public, docgen_names)
    print(f"SDK's own Sphinx build (docs/)  {own:7.2f} s median  ({own_count} of {len(public)} "
          "public names)")  # fmt: skip
    print(f"docgen build kubeflow, cold     {cold:7.2f} s median  ({docgen_count} of "
          f"{len(public)} public names)")  # fmt: skip
    ratio = cold / own
    runs = [c / o for c, o in zip(cold_times, own_times, strict=True)]
    met = ratio <= 1.0 and docgen_count == len(public)
    print(f"ratio docgen / SDK's own        {ratio:7.2f}   goal <= 1.0, every public name: "
          f"{'ok' if met else 'GOAL MISSED'}")  # fmt: skip
    print(f"ratio of each run               {min(runs):7.2f} to {max(runs):.2f}  (docgen faster in "
          f"{sum(r < 1.0 for r in runs)} of {len(runs)} runs)")  # fmt: skip
    missing = sorted(name for name, where in public.items() if docgen_names.isdisjoint(where))
    if missing:
        print(f"not documented by docgen: {', '.join(missing)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
