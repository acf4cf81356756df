"""Would ``--jobs N`` help? Parse a render's documents serially and in worker processes.

    .venv/bin/python benchmarks/rootless_jobs.py [RENDER] [--jobs 2] [--repeat 5]

Prints, measured in one run: where rootless-check's time goes (start-up, reading and
splitting, parsing, checking), and the load phase (split + parse into line-numbered objects)
done serially against the same work with the parsing spread over a ``fork`` process pool,
whose results come back pickled. Splitting stays in the parent: a stream can only be cut in
order. Checking is not parallelised here; it is a small share of the total.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kubeflow_devtools.policy.documents import Chunk, Document, parse_chunk, peek_kind  # noqa: E402
from kubeflow_devtools.policy.model.report import Options, Report  # noqa: E402
from kubeflow_devtools.policy.scan import SKIPPED_WITHOUT_PARSING, analyze, load_source  # noqa: E402
from kubeflow_devtools.policy.sources import open_source  # noqa: E402

DEFAULT_RENDER = REPO.parent / "shared/corpus/kubeflow-manifests/master-009c880/example.yaml"


def _chunks(path: str) -> list[Chunk]:
    """The chunks that would be parsed (CustomResourceDefinitions are skipped unparsed)."""
    return [
        c for c in open_source(path).chunks() if peek_kind(c.text) not in SKIPPED_WITHOUT_PARSING
    ]


def _parse(job: tuple[str, Chunk]) -> Document:
    return parse_chunk(*job)


def serial(path: str) -> int:
    """Split and parse in this process; the number of documents parsed."""
    return len([_parse((path, c)) for c in _chunks(path)])


def parallel(path: str, jobs: int) -> int:
    """Split here, parse in ``jobs`` forked workers (pool start-up included)."""
    chunks = _chunks(path)
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        return len(pool.map(_parse, [(path, c) for c in chunks], chunksize=16))


def timed(func: Callable[[], Any], repeat: int) -> float:
    """The median wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the experiment and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("render", nargs="?", type=Path, default=DEFAULT_RENDER)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = str(args.render)

    cli = [sys.executable, "-m", "kubeflow_devtools.policy", path, "--format", "json"]
    startup = [sys.executable, "-c", "import kubeflow_devtools.policy.cli"]
    null = subprocess.DEVNULL
    whole = timed(
        lambda: subprocess.run(cli, check=False, stdout=null, stderr=null, cwd=REPO), args.repeat
    )
    imports = timed(lambda: subprocess.run(startup, check=True, cwd=REPO), args.repeat)
    split = timed(lambda: _chunks(path), args.repeat)

    def load() -> Report:
        report = Report(Options())
        load_source(open_source(path), report)
        return report

    loaded = timed(load, args.repeat)
    report = load()
    check = timed(lambda: analyze(Report(Options(), resources=report.resources)), args.repeat)

    print(f"render {path}, {args.jobs} workers, median of {args.repeat}")
    print(f"  rootless-check, whole command     {whole:6.3f} s")
    print(f"    interpreter + imports           {imports:6.3f} s")
    print(f"    read + split (+ peek kinds)     {split:6.3f} s")
    print(f"    parse                           {loaded - split:6.3f} s")
    print(f"    check (mesh, PSA, findings)     {check:6.3f} s")
    one = timed(lambda: serial(path), args.repeat)
    many = timed(lambda: parallel(path, args.jobs), args.repeat)
    print(f"  load serially                     {one:6.3f} s")
    print(f"  load with {args.jobs} workers               {many:6.3f} s   ({one / many:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
