"""Run every benchmark and write docs/benchmarks.md with the machine, versions and figures.

    .venv/bin/python bench/run.py            # or: make bench

Each benchmark measures its baseline in the same run and prints the ratio; this script only
runs them one after another (never in parallel: they would measure each other) and records
their reports verbatim with the command that produced them.
"""

from __future__ import annotations

import datetime
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker_latency import machine  # noqa: E402

OUT = ROOT / "docs" / "benchmarks.md"

BENCHMARKS = (
    (
        "Offline plan: wall time and peak memory beside importing the providers",
        ["bench/plan_time.py", "--runs", "7"],
        'aim: plan ≤ 1.5x `python -c "import pulumi_cloudflare, pulumi_docker"`',
    ),
    (
        "Worker hop in workerd: added latency and throughput beside calling Bento directly",
        ["bench/worker_latency.py", "--requests", "2000", "--warmup", "200", "--concurrency", "8"],
        "aim: added p50 ≤ 2 ms",
    ),
    (
        "Queue pattern: batch forwarding beside one request per message (max_batch_size 10)",
        ["bench/queue_batching.py", "--messages", "1000", "--rounds", "5", "--batch-size", "10"],
        "aim: one container request per batch; ≥ 5x the messages per second",
    ),
    (
        "Queue pattern: the same at max_batch_size 100",
        ["bench/queue_batching.py", "--messages", "1000", "--rounds", "5", "--batch-size", "100"],
        "aim: one container request per batch; ≥ 5x the messages per second",
    ),
    (
        "Cold start: requests that arrive during a 3 s container start",
        ["bench/cold_start.py", "--runs", "5", "--burst", "20"],
        "baseline: the 3 s start itself (ratio 1.00 = no waiting beyond it)",
    ),
)


def node_version() -> str:
    try:
        return subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not found"


def main() -> None:
    sections = []
    for title, args, aim in BENCHMARKS:
        script = ROOT / args[0]
        command = f".venv/bin/python {' '.join(args)}"
        if not script.exists():
            sections.append(f"## {title}\n\n`{command}` — not present in this checkout.\n")
            continue
        print(f"running: {command}", flush=True)
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        output = (result.stdout + ("\n" + result.stderr if result.returncode else "")).strip()
        status = "" if result.returncode == 0 else f"\n\n**exited {result.returncode}**"
        sections.append(f"## {title}\n\n{aim}.\n\n```\n$ {command}\n{output}\n```{status}\n")
    header = (
        "# Benchmarks\n\n"
        f"Recorded {datetime.date.today().isoformat()} by `.venv/bin/python bench/run.py` "
        "(also `make bench`).\n"
        f"Machine: {machine()}. Python {platform.python_version()}, Node {node_version()}.\n"
        "Figures move with the load of this shared 2-core machine; each benchmark measures its own\n"
        "baseline in the same run, so compare the ratios, not the absolute numbers.\n\n"
    )
    OUT.write_text(header + "\n".join(sections))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
