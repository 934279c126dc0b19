"""Benchmark: latency of requests that arrive while a container takes 3 s to start.

    .venv/bin/python bench/cold_start.py [--runs 5] [--burst 20] [--start-seconds 3]

Each run starts a fresh Worker in workerd (miniflare) with the Bento stand-in set to listen
3 s after the container starts, then sends a burst of concurrent requests at once. The
baseline is the start time itself: the ratio says how close the first replies come to the
moment Bento's port opens (1.00 = no waiting beyond the start). Asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker_latency import SETTINGS, TOKEN, machine, versions  # noqa: E402
from bento_cf_component.worker.bundle import build_worker_bundle  # noqa: E402
from tests.worker.bento_standin import BentoStandIn, Knobs  # noqa: E402
from tests.worker.workerd import missing_js_dependencies, running_worker  # noqa: E402


def post(base_url: str) -> tuple[int, float]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    started = time.perf_counter()
    connection.request("POST", "/post", body=b'{"cold":true}', headers={"Authorization": f"Bearer {TOKEN}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - started


def one_run(burst: int, start_seconds: float) -> list[tuple[int, float]]:
    standin = BentoStandIn().start()
    standin.reset(Knobs(listen_after_s=start_seconds))
    try:
        with (
            running_worker(
                build_worker_bundle(),
                SETTINGS,
                standin_url=standin.url,
                text_bindings={"BENTO_CF_ACCESS_TOKEN": TOKEN},
            ) as worker,
            ThreadPoolExecutor(burst) as pool,
        ):
            return list(pool.map(lambda _: post(worker.url), range(burst)))
    finally:
        standin.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--start-seconds", type=float, default=3.0)
    args = parser.parse_args()
    reason = missing_js_dependencies()
    if reason is not None:
        raise SystemExit(f"cannot run: {reason}")

    latencies: list[float] = []
    failures = 0
    for _ in range(args.runs):
        for status, seconds in one_run(args.burst, args.start_seconds):
            if status == 200:
                latencies.append(seconds)
            else:
                failures += 1
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"machine: {machine()}; versions: {versions()}")
    print(
        f"{args.runs} runs x {args.burst} concurrent requests during a "
        f"{args.start_seconds:.1f} s container start"
    )
    print(f"succeeded: {len(latencies)} of {args.runs * args.burst} ({failures} failed)")
    print(
        f"latency: min {ordered[0]:.2f} s, p50 {p50:.2f} s, p99 {p99:.2f} s, max {ordered[-1]:.2f} s; "
        f"ratio to the start time: p50 {p50 / args.start_seconds:.2f}x, "
        f"max {ordered[-1] / args.start_seconds:.2f}x"
    )


if __name__ == "__main__":
    main()
