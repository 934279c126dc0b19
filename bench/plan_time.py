"""Benchmark: offline plan wall time and peak memory beside importing the two providers.

    .venv/bin/python bench/plan_time.py [--runs 7]

Both are measured in the same run as child processes (wall time; peak RSS from
``resource.getrusage(RUSAGE_CHILDREN)`` deltas), and reported as median, min-max and ratio.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = [sys.executable, "-c", "import pulumi_cloudflare, pulumi_docker"]
PLAN = [str(Path(sys.executable).with_name("bento-cf")), "plan", "--stack", "dev"]


def measure_isolated(command: list[str]) -> tuple[float, int]:
    probe = (
        "import resource, subprocess, sys, time, json;"
        "t=time.perf_counter();"
        f"r=subprocess.run({command!r}, cwd={str(ROOT)!r}, capture_output=True);"
        "e=time.perf_counter()-t;"
        "print(json.dumps([e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    elapsed, peak_kib, code = json.loads(out.stdout)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return float(elapsed), int(peak_kib)


def summarise(samples: list[tuple[float, int]]) -> dict[str, float]:
    times = [s[0] for s in samples]
    peaks = [s[1] / 1024 for s in samples]
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "median_peak_mib": statistics.median(peaks),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    measure_isolated(PLAN)  # warm the page cache and the Worker bundle's node_modules
    baseline, plan = [], []
    for _ in range(args.runs):  # interleaved so machine noise hits both alike
        baseline.append(measure_isolated(BASELINE))
        plan.append(measure_isolated(PLAN))
    b, p = summarise(baseline), summarise(plan)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"runs: {args.runs}")
    print(
        f"import pulumi_cloudflare, pulumi_docker: median {b['median_s']:.2f} s "
        f"(min {b['min_s']:.2f}, max {b['max_s']:.2f}), peak {b['median_peak_mib']:.0f} MiB"
    )
    print(
        f"bento-cf plan --stack dev:              median {p['median_s']:.2f} s "
        f"(min {p['min_s']:.2f}, max {p['max_s']:.2f}), peak {p['median_peak_mib']:.0f} MiB"
    )
    print(
        f"ratio plan/import: time {p['median_s'] / b['median_s']:.2f}x, "
        f"memory {p['median_peak_mib'] / b['median_peak_mib']:.2f}x"
    )


if __name__ == "__main__":
    main()
