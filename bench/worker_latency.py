"""Benchmark: latency the Worker adds per request in workerd, beside calling Bento directly.

    .venv/bin/python bench/worker_latency.py [--requests 2000] [--warmup 200] [--concurrency 8]

Same run, same Bento stand-in (tests/worker/bento_standin.py, echoing a 1 KiB POST): each
measured request goes once straight to the stand-in and once through the Worker (workerd via
miniflare -> BentoContainer Durable Object -> @cloudflare/containers containerFetch -> the
stand-in), alternating, over keep-alive connections. Reports p50/p99 and sequential throughput
for both, the difference, and a concurrent throughput figure. This is a benchmark, not a test:
it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bento_cf_component.worker.bundle import WORKER_DIR, build_worker_bundle  # noqa: E402
from bento_cf_component.worker.runtime_settings import RuntimeSettings  # noqa: E402
from tests.worker.bento_standin import BentoStandIn  # noqa: E402
from tests.worker.workerd import missing_js_dependencies, running_worker  # noqa: E402

TOKEN = "bench-token"
BODY = bytes(range(256)) * 4
SETTINGS = RuntimeSettings(
    pattern="request",
    port=4195,
    input_path="/post",
    input_methods=("POST",),
    response_mode="sync",
    instance_count=1,
    sticky_header=None,
    access_mode="bearer",
    startup_budget_ms=20_000,
    retry_after_seconds=10,
    sleep_after="10m",
)


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        self.headers = {"Content-Type": "application/octet-stream", **headers}

    def post(self) -> float:
        started = time.perf_counter()
        self.connection.request("POST", "/post", body=BODY, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or body != BODY:
            raise SystemExit(f"unexpected reply {response.status}")
        return elapsed

    def ping(self) -> float:
        """GET /ping: answered by the Worker itself (no Durable Object, no container)."""
        started = time.perf_counter()
        self.connection.request("GET", "/ping")
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or body != b"pong":
            raise SystemExit(f"unexpected ping reply {response.status}")
        return elapsed

    def close(self) -> None:
        self.connection.close()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(samples: list[float], wall_s: float) -> dict[str, float]:
    return {
        "p50_ms": percentile(samples, 0.50) * 1000,
        "p99_ms": percentile(samples, 0.99) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "sequential_rps": len(samples) / wall_s,
    }


def concurrent_rps(base_url: str, headers: dict[str, str], concurrency: int, total: int) -> float:
    clients = [Client(base_url, headers) for _ in range(concurrency)]
    per_client = total // concurrency

    def run(client: Client) -> None:
        for _ in range(per_client):
            client.post()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(run, clients))
    wall = time.perf_counter() - started
    for client in clients:
        client.close()
    return per_client * concurrency / wall


def versions() -> dict[str, str]:
    def package_version(name: str) -> str:
        path = WORKER_DIR / "node_modules" / name / "package.json"
        return str(json.loads(path.read_text())["version"])

    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {
        "node": node,
        "miniflare": package_version("miniflare"),
        "workerd": package_version("workerd"),
        "@cloudflare/containers": package_version("@cloudflare/containers"),
        "python": platform.python_version(),
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    reason = missing_js_dependencies()
    if reason is not None:
        raise SystemExit(f"cannot run: {reason}")

    load_before = os.getloadavg()[0]
    standin = BentoStandIn().start()
    try:
        with running_worker(
            build_worker_bundle(),
            SETTINGS,
            standin_url=standin.url,
            text_bindings={"BENTO_CF_ACCESS_TOKEN": TOKEN},
        ) as worker:
            direct = Client(standin.url, {})
            through = Client(worker.url, {"Authorization": f"Bearer {TOKEN}"})
            for _ in range(args.warmup):  # also starts the (single) container instance
                direct.post()
                through.post()

            direct_samples: list[float] = []
            worker_samples: list[float] = []
            started = time.perf_counter()
            for _ in range(args.requests):  # alternate, so both see the same machine
                direct_samples.append(direct.post())
                worker_samples.append(through.post())
            wall = time.perf_counter() - started
            # Where the time goes: workerd + the Worker's own routing, without the DO hop.
            ping_samples = [through.ping() for _ in range(args.requests)]
            direct.close()
            through.close()
            # Each side took roughly its own share of the alternating wall time.
            direct_wall = wall * sum(direct_samples) / (sum(direct_samples) + sum(worker_samples))
            worker_wall = wall - direct_wall

            direct_rps = concurrent_rps(standin.url, {}, args.concurrency, args.requests)
            worker_rps = concurrent_rps(
                worker.url, {"Authorization": f"Bearer {TOKEN}"}, args.concurrency, args.requests
            )
    finally:
        standin.close()

    direct_summary = summary(direct_samples, direct_wall)
    worker_summary = summary(worker_samples, worker_wall)
    added = [w - d for w, d in zip(worker_samples, direct_samples, strict=True)]
    report = {
        "requests": args.requests,
        "warmup": args.warmup,
        "body_bytes": len(BODY),
        "direct": direct_summary,
        "worker": worker_summary,
        "added_p50_ms": worker_summary["p50_ms"] - direct_summary["p50_ms"],
        "added_p99_ms": worker_summary["p99_ms"] - direct_summary["p99_ms"],
        "paired_added_p50_ms": statistics.median(added) * 1000,
        "worker_ping_p50_ms": percentile(ping_samples, 0.50) * 1000,
        "worker_ping_p99_ms": percentile(ping_samples, 0.99) * 1000,
        "concurrency": args.concurrency,
        "concurrent_rps": {"direct": direct_rps, "worker": worker_rps},
        "machine": machine(),
        # Other work on the machine shows up in the tails; the 1-minute load says how much.
        "load_avg_1m": {"before": load_before, "after": os.getloadavg()[0]},
        "versions": versions(),
    }
    print(f"{'':10}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}{'seq req/s':>12}{'conc req/s':>12}")
    for name, row, rps in (
        ("direct", direct_summary, direct_rps),
        ("worker", worker_summary, worker_rps),
    ):
        print(
            f"{name:10}{row['p50_ms']:10.3f}{row['p99_ms']:10.3f}{row['mean_ms']:10.3f}"
            f"{row['sequential_rps']:12.0f}{rps:12.0f}"
        )
    print(
        f"added by the Worker: p50 {report['added_p50_ms']:.3f} ms, p99 {report['added_p99_ms']:.3f} ms "
        f"(median of paired differences {report['paired_added_p50_ms']:.3f} ms)"
    )
    print(
        f"GET /ping through the Worker (no container): p50 {report['worker_ping_p50_ms']:.3f} ms, "
        f"p99 {report['worker_ping_p99_ms']:.3f} ms"
    )
    print(f"1-min load average: {load_before:.2f} before, {report['load_avg_1m']['after']:.2f} after")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
