"""Benchmark rootless-check on a whole-platform render; every figure is a ratio measured in one run.

    .venv/bin/python benchmarks/rootless_bench.py [RENDER] [--repeat N] [--no-checkov]

1. speed: ``rootless-check RENDER`` against a bare ``yaml.load_all(..., Loader=CSafeLoader)`` of
   the same file, both as fresh processes (interpreter start-up included in both). Goal: < 0.3
   (issues #15 and #19: injection and run-time pods included).
2. memory: rootless-check's peak RSS against 2x the file size plus the peak RSS of a bare
   interpreter (``python -c pass``). Goal: < 1.
3. scaling: the render concatenated 10 times against once. Goal: < 11.
4. Checkov (installed in its own virtual environment on first use), on a copy of the render
   without the ``istio-sidecar-injector`` ConfigMap it cannot parse, against rootless-check on
   that same copy.

Peak RSS is read with GNU time (``/usr/bin/time -f %M``) when it exists, else from ``wait4``.
Nothing here is a pass/fail test: the script prints the figures and whether each goal is met
(exit code 1 when one is not).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RENDER = REPO.parent / "shared/corpus/kubeflow-manifests/master-009c880/example.yaml"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubeflow-devtools-bench"
CHECKOV_VERSION = "3.3.30"
GNU_TIME = "/usr/bin/time"
SPEED_GOAL = 0.3
"""rootless-check's time over the bare C-loader parse it must stay under."""
MIB = 1024 * 1024

C_LOADER_PARSE = (
    "import sys, yaml\n"
    "with open(sys.argv[1]) as f:\n"
    "    for _ in yaml.load_all(f, Loader=yaml.CSafeLoader): pass\n"
)


@dataclass(frozen=True)
class Measure:
    """One process run: wall-clock seconds, peak RSS in bytes, exit code."""

    seconds: float
    peak_rss: int
    code: int


def measure(argv: Sequence[str], env: dict[str, str] | None = None) -> Measure:
    """Run a command (output discarded); its wall-clock time and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        timed = list(argv)
        if os.path.exists(GNU_TIME):
            timed = [GNU_TIME, "-f", "%M", "-o", report.name, *argv]
        start = time.perf_counter()
        child = subprocess.Popen(
            timed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if timed is not argv and os.path.exists(GNU_TIME):
            lines = [ln for ln in Path(report.name).read_text().splitlines() if ln.strip()]
            peak = int(lines[-1]) * 1024
        else:
            peak = usage.ru_maxrss * 1024
    return Measure(seconds, peak, child.returncode)


def repeat(argv: Sequence[str], times: int) -> list[Measure]:
    """``times`` runs of a command."""
    return [measure(argv) for _ in range(times)]


def best(runs: list[Measure]) -> float:
    """The fastest run's seconds."""
    return min(r.seconds for r in runs)


def median(runs: list[Measure]) -> float:
    """The median run's seconds."""
    return statistics.median(r.seconds for r in runs)


def rootless_check(path: Path | str, *extra: str) -> list[str]:
    """The command line of a rootless-check run on ``path`` (JSON report to /dev/null)."""
    return [sys.executable, "-m", "kubeflow_devtools.policy", str(path), "--format", "json", *extra]


def concatenate(render: Path, copies: int, target: Path) -> None:
    """``copies`` copies of a render in one multi-document stream."""
    data = render.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    with target.open("wb") as out:
        for i in range(copies):
            if i:
                out.write(b"---\n")
            out.write(data)


def without_injector_config(render: Path, target: Path) -> int:
    """Copy a render without the istio-sidecar-injector ConfigMap; how many documents it had."""
    sys.path.insert(0, str(REPO))
    from kubeflow_devtools.policy.documents import peek_kind, split_documents

    text = render.read_text(encoding="utf-8")
    kept, dropped = [], 0
    name = re.compile(r"^  name: istio-sidecar-injector\s*$", re.MULTILINE)
    for chunk in split_documents(text):
        if peek_kind(chunk.text) == "ConfigMap" and name.search(chunk.text):
            dropped += 1
            continue
        body = chunk.text
        kept.append(body if body.startswith("---") else "---\n" + body)
    target.write_text("".join(k if k.endswith("\n") else k + "\n" for k in kept))
    return dropped


def checkov_venv() -> Path:
    """The Checkov executable, installed into its own virtual environment on first use."""
    venv = CACHE / "checkov-venv"
    exe = venv / "bin" / "checkov"
    if exe.exists():
        return exe
    CACHE.mkdir(parents=True, exist_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)
    print(f"installing checkov=={CHECKOV_VERSION} into {venv} ...", flush=True)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, f"checkov=={CHECKOV_VERSION}"], check=True)
    return exe


def checkov_summary(output: Path) -> str:
    """passed/failed counts from Checkov's JSON output (a list or one object)."""
    try:
        data = json.loads(output.read_text())
    except (OSError, ValueError):
        return "no JSON output"
    reports = data if isinstance(data, list) else [data]
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    failed = sum(r.get("summary", {}).get("failed", 0) for r in reports)
    resources = sum(r.get("summary", {}).get("resource_count", 0) for r in reports)
    return f"{resources} resources, {passed} passed / {failed} failed checks"


def verdict(ok: bool) -> str:
    """The goal column."""
    return "ok" if ok else "GOAL MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("render", nargs="?", type=Path, default=DEFAULT_RENDER)
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (default: 7)")
    parser.add_argument("--no-checkov", action="store_true", help="skip the Checkov comparison")
    args = parser.parse_args(argv)
    render: Path = args.render
    if not render.is_file():
        parser.error(f"{render}: no such file")
    size = render.stat().st_size
    goals: list[bool] = []
    os.chdir(REPO)
    # An installed package runs from compiled bytecode (pip compiles it on install), so every
    # command here does too: bytecode may be written, and each command runs once untimed first.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    measure(rootless_check(render))
    measure([sys.executable, "-c", C_LOADER_PARSE, str(render)])

    print(f"date      {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine   {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"render    {render} ({size / 1e6:.1f} MB)")
    print(f"command   {' '.join([Path(sys.executable).name, *sys.argv])}")
    print("bytecode  compiled and cached (one untimed run of each command first)")
    print()

    # 1. speed, interleaved so that both see the same machine state
    ours: list[Measure] = []
    parse: list[Measure] = []
    for _ in range(args.repeat):
        ours.append(measure(rootless_check(render)))
        parse.append(measure([sys.executable, "-c", C_LOADER_PARSE, str(render)]))
    ratio = median(ours) / median(parse)
    goals.append(ratio < SPEED_GOAL)
    print(f"1. speed ({args.repeat} runs each)             best     median")
    print(f"   rootless-check                  {best(ours):7.3f} s {median(ours):7.3f} s")
    print(f"   yaml.load_all(CSafeLoader)      {best(parse):7.3f} s {median(parse):7.3f} s")
    print(
        f"   ratio (median)                  {ratio:7.2f}   (best: {best(ours) / best(parse):.2f})"
        f"   goal < {SPEED_GOAL}: {verdict(ratio < SPEED_GOAL)}"
    )
    print()

    # 2. memory
    bare = min(r.peak_rss for r in repeat([sys.executable, "-c", "pass"], 3))
    peak = max(r.peak_rss for r in ours)
    limit = 2 * size + bare
    goals.append(peak < limit)
    print("2. memory (peak RSS)")
    print(f"   python -c pass                  {bare / MIB:7.1f} MiB")
    print(f"   rootless-check (max of runs)    {peak / MIB:7.1f} MiB")
    print(f"   2 x file + interpreter          {limit / MIB:7.1f} MiB")
    print(
        f"   ratio                           {peak / limit:7.2f}   "
        f"goal < 1: {verdict(peak < limit)}"
    )
    print()

    with tempfile.TemporaryDirectory(prefix="rootless-bench-") as scratch:
        # 3. scaling
        ten = Path(scratch) / "platform-x10.yaml"
        concatenate(render, 10, ten)
        runs = max(3, args.repeat // 2)
        one_x: list[Measure] = []
        ten_x: list[Measure] = []
        for _ in range(runs):
            one_x.append(measure(rootless_check(render)))
            ten_x.append(measure(rootless_check(ten)))
        scale = median(ten_x) / median(one_x)
        goals.append(scale < 11)
        print(f"3. scaling ({runs} runs each, median)")
        print(f"   1 copy   ({size / 1e6:6.1f} MB)           {median(one_x):7.3f} s")
        print(
            f"   10 copies ({ten.stat().st_size / 1e6:6.1f} MB)          {median(ten_x):7.3f} s"
            f"   peak RSS {max(r.peak_rss for r in ten_x) / MIB:.0f} MiB"
        )
        print(f"   ratio                           {scale:7.2f}   goal < 11: {verdict(scale < 11)}")
        print()

        # 4. Checkov
        print("4. Checkov")
        if args.no_checkov:
            print("   skipped (--no-checkov)")
        else:
            try:
                exe = checkov_venv()
            except (OSError, subprocess.CalledProcessError) as exc:
                print(f"   NOT RUN: checkov=={CHECKOV_VERSION} could not be installed: {exc}")
                exe = None
            if exe is not None:
                copy = Path(scratch) / "without-injector-config.yaml"
                dropped = without_injector_config(render, copy)
                out = Path(scratch) / "checkov.json"
                cmd = [str(exe), "-f", str(copy), "--framework", "kubernetes", "--quiet"]
                cmd += ["--compact", "-o", "json", "--output-file-path", scratch]
                theirs = measure(cmd)
                produced = Path(scratch) / "results_json.json"
                if produced.exists():
                    shutil.move(produced, out)
                mine = repeat(rootless_check(copy), 3)
                print(f"   copy without istio-sidecar-injector ({dropped} document dropped)")
                print(
                    f"   checkov {CHECKOV_VERSION}                 {theirs.seconds:7.2f} s"
                    f"   peak RSS {theirs.peak_rss / MIB:.0f} MiB   ({checkov_summary(out)})"
                )
                print(
                    f"   rootless-check (median of 3)    {median(mine):7.2f} s"
                    f"   peak RSS {max(r.peak_rss for r in mine) / MIB:.0f} MiB"
                )
                print(
                    f"   Checkov / rootless-check        {theirs.seconds / median(mine):7.1f}x time"
                    f"   {theirs.peak_rss / max(r.peak_rss for r in mine):.1f}x memory"
                )
    print()
    print("all goals met" if all(goals) else "SOME GOALS MISSED")
    return 0 if all(goals) else 1


if __name__ == "__main__":
    sys.exit(main())
