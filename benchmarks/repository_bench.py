"""Benchmark ``rootless-check .`` on the whole kubeflow/manifests repository, in one run.

    .venv/bin/python benchmarks/repository_bench.py [REPO] [--jobs N]

On a copy of the repository (made a git repository here), with the repository config that
kubeflow/manifests would commit (the roots that cannot build offline excluded; see
docs/adopting-rootless-check.md), each command a fresh process:

1. cold: ``rootless-check .`` with an empty cache, against ``kubectl kustomize`` of the same
   roots (those the run checked) one after another. Goal: <= 1.0. The two are measured in
   turn ``--repeat`` times and the best of each kept, so that a moment of load on a shared
   machine weighs on neither; the CPU time they used (their children's user + system time)
   is printed too.
2. warm: the same command again, nothing changed. Goal: < 1 s.
3. Katib: ``privileged: true`` added to Katib's controller.yaml (not committed), then
   ``rootless-check . --changed-since HEAD`` with the warm cache. Goal: < 2 s.

Prints the figures and whether each goal is met (exit code 1 when one is not).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPO = ROOT.parent / "shared/corpus/kubeflow-manifests/repo-009c880"
CONTROLLER = "applications/katib/upstream/components/controller/controller.yaml"
CONFIG = """\
meshOverlay: common/istio/istio-install/overlays/oauth2-proxy
exclude:
{entries}
"""


def rootless(*args: str) -> list[str]:
    """The rootless-check command of this checkout's environment."""
    return [str(Path(sys.executable).with_name("rootless-check")), *args]


def timed(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall-clock seconds and exit code of one command (output discarded)."""
    start = time.perf_counter()
    code = subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ).returncode
    return time.perf_counter() - start, code


def cpu() -> float:
    """User + system seconds of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def unbuildable(top: Path) -> list[str]:
    """The roots that cannot build here (remote bases without network, broken upstream)."""
    result = subprocess.run(
        rootless(".", "--format", "json", "--no-cache", "-q"), cwd=top, capture_output=True
    )
    data = json.loads(result.stdout)
    return [i["path"] for i in data["inputs"] if i["status"] == "failed"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three measurements and print them; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", type=Path, default=DEFAULT_REPO)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    kubectl = shutil.which("kubectl")
    if kubectl is None or not args.repo.is_dir():
        print(f"needs kubectl and {args.repo}", file=sys.stderr)
        return 2
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory(prefix="repo-bench-") as scratch:
        top = Path(scratch) / "repo"
        shutil.copytree(args.repo, top, symlinks=True)
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
            git = ["git", "-c", "user.email=b@e", "-c", "user.name=bench", *step]
            subprocess.run(git, cwd=top, check=True, capture_output=True)
        failed = unbuildable(top)
        entries = "".join(f"  - {path}\n" for path in failed)
        (top / ".rootless-check.yaml").write_text(CONFIG.format(entries=entries))
        report = Path(scratch) / "report.json"
        colds: list[float] = []
        serials: list[float] = []
        cpu_cold = cpu_serial = 0.0
        for attempt in range(max(args.repeat, 1)):
            env = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch) / f"cache{attempt}")}
            before = cpu()
            argv = rootless(".", *jobs, "--format", "json", "-o", str(report))
            cold, code = timed(argv, top, env)
            cpu_cold = cpu() - before
            colds.append(cold)
            data = json.loads(report.read_text())
            roots = [
                i["path"]
                for i in data["inputs"]
                if i["status"] == "checked" and i["kind"] != "files"
            ]
            before = cpu()
            serials.append(sum(timed([kubectl, "kustomize", root], top)[0] for root in roots))
            cpu_serial = cpu() - before
        cold, serial = min(colds), min(serials)
        warm, warm_code = timed(rootless(".", *jobs), top, env)
        target = top / CONTROLLER
        target.write_text(
            target.read_text().replace(
                "securityContext:\n", "securityContext:\n            privileged: true\n", 1
            )
        )
        katib, katib_code = timed(rootless(".", *jobs, "--changed-since", "HEAD"), top, env)
    findings = data["findings"]
    located = sum(1 for f in findings if f["file"] and f["line"] and f["input"] != ".")
    of_roots = sum(1 for f in findings if f["input"] != ".")
    ratio = cold / serial
    rows = [
        (
            f"1. cold, {len(roots)} roots (exit {code})",
            f"{cold:.2f} s (CPU {cpu_cold:.1f} s)",
            f"kubectl kustomize one after another: {serial:.2f} s (CPU {cpu_serial:.1f} s)",
            f"{ratio:.2f}",
            "<= 1.0",
            ratio <= 1.0,
        ),
        (f"2. warm re-run (exit {warm_code})", f"{warm:.2f} s", "-", "-", "< 1 s", warm < 1.0),
        (
            f"3. Katib --changed-since HEAD (exit {katib_code})",
            f"{katib:.2f} s",
            "-",
            "-",
            "< 2 s",
            katib < 2.0,
        ),
    ]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"{stamp}, {machine}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")
    print(
        "cold runs: "
        + ", ".join(f"{c:.1f} s" for c in colds)
        + "; serial: "
        + ", ".join(f"{c:.1f} s" for c in serials)
    )
    print(
        f"{len(failed)} roots excluded (cannot build offline); {len(findings)} findings, "
        f"{located}/{of_roots} of the roots' findings with a source file and line"
    )
    print("| | measured | reference | ratio | goal | met |")
    print("|---|---|---|---|---|---|")
    for name, measured, reference, rate, goal, ok in rows:
        print(f"| {name} | {measured} | {reference} | {rate} | {goal} | {'yes' if ok else 'no'} |")
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
