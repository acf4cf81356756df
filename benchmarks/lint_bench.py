"""docgen lint over both default SDKs: wall time, against importing the SDKs, in one run.

Usage: python benchmarks/lint_bench.py [--repeat N]

Prints the best and median wall time of ``python -m kubeflow_devtools.docgen.lint katib training``
(in a fresh process, as CI runs it), the same for a bare ``import kubeflow.katib,
kubeflow.training`` (what lint avoids), their ratio, and whether lint left the SDKs unimported.
Goal: under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

LINT = [
    sys.executable,
    "-m",
    "kubeflow_devtools.docgen.lint",
    "katib",
    "training",
    "--format",
    "json",
    "-o",
    "/dev/null",
]
IMPORT = [sys.executable, "-c", "import kubeflow.katib, kubeflow.training"]
NO_IMPORT_CHECK = (
    "import sys; from kubeflow_devtools.docgen.lint.cli import main;"
    "main(['katib', 'training', '-o', '/dev/null']);"
    "print(any(m.startswith(('kubeflow.katib', 'kubeflow.training')) for m in sys.modules))"
)


def timed(command: list[str], repeat: int) -> list[float]:
    """Wall times of ``repeat`` runs of ``command`` (exit codes 0 and 1 accepted)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{command} failed: {result.stderr.decode()[-500:]}")
    return times


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lint = timed(LINT, args.repeat)
    imports = timed(IMPORT, args.repeat)
    imported = subprocess.run(
        [sys.executable, "-c", NO_IMPORT_CHECK], capture_output=True, text=True, check=False
    ).stdout.strip()
    best_lint, best_import = min(lint), min(imports)
    median_lint, median_import = statistics.median(lint), statistics.median(imports)
    print(f"docgen lint katib training : best {best_lint:.3f} s, median {median_lint:.3f} s")
    print(f"import the two SDKs        : best {best_import:.3f} s, median {median_import:.3f} s")
    print(f"ratio lint / import        : {best_lint / best_import:.2f}")
    print(f"SDK modules imported by lint: {imported}")
    print(f"goal (< 2 s)               : {'met' if best_lint < 2.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
