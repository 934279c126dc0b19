"""Benchmark: the queue consumer forwarding whole batches to Bento beside one request per message.

    .venv/bin/python bench/queue_batching.py [--messages 1000] [--batch-size 10] [--rounds 3]
                                             [--bento-ms 0]

Same run, same machine: for each round and each forwarding mode a fresh workerd (miniflare, real
local queue, harness/queue-harness.mjs) with one warm container instance (a warm-up batch goes
through first), then ``--messages`` messages are posted to the ingest endpoint as NDJSON (100
per request) and the clock runs until the stand-in Bento (tests/worker/queue_standin.py, never
failing) has accepted them all. Modes:

  batch                 the product: queue() sends the whole batch in one multipart request
  per-message           each message of the batch in its own request, one after another
  per-message-parallel  each message in its own request, all of the batch's at once

Reports container requests per 1,000 messages and messages per second. A benchmark, not a
test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker_latency import SETTINGS as REQUEST_SETTINGS  # noqa: E402
from bento_cf_component.worker.bundle import WORKER_DIR, build_worker_bundle  # noqa: E402
from bento_cf_component.worker.queue_runtime import QueueRuntime  # noqa: E402
from tests.worker.conftest import call  # noqa: E402
from tests.worker.queue_standin import QueueKnobs, QueueStandIn  # noqa: E402
from tests.worker.queue_workerd import QueueConsumerConfig, running_queue_worker  # noqa: E402
from tests.worker.workerd import missing_js_dependencies  # noqa: E402

TOKEN = "bench-token"
MODES = ("batch", "per-message", "per-message-parallel")
# The request benchmark's settings, as the queue pattern.
SETTINGS = replace(
    REQUEST_SETTINGS,
    pattern="queue",
    response_mode="accepted",
    queue=QueueRuntime(binding="BENTO_QUEUE", ingest_path="/ingest", retry_delay_seconds=0),
)


def accepted_count(standin: QueueStandIn) -> int:
    requests = standin.snapshot()[0]
    return sum(len(r.parts) for r in requests if r.accepted)


def post_ndjson(url: str, lines: list[bytes]) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"}
    for start in range(0, len(lines), 100):
        reply = call(url, "POST", "/ingest", headers=headers, body=b"\n".join(lines[start : start + 100]))
        if reply.status != 202:
            raise RuntimeError(f"ingest answered {reply.status}: {reply.body!r}")


def wait_accepted(standin: QueueStandIn, count: int, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while accepted_count(standin) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {accepted_count(standin)} of {count} messages reached Bento")
        time.sleep(0.005)


def run_mode(mode: str, args: argparse.Namespace, standin: QueueStandIn) -> dict[str, float]:
    bundle = build_worker_bundle()
    consumer = QueueConsumerConfig(max_batch_size=args.batch_size, max_batch_timeout_s=0.05, max_retries=3)
    standin.reset(QueueKnobs(delay_s=args.bento_ms / 1000))
    with running_queue_worker(
        bundle,
        SETTINGS,
        standin_url=standin.url,
        text_bindings={"BENTO_CF_ACCESS_TOKEN": TOKEN},
        consumer=consumer,
        forwarding=mode,
        report_invocations=False,
    ) as worker:
        warmup = [json.dumps({"warmup": n}).encode() for n in range(args.batch_size)]
        post_ndjson(worker.url, warmup)
        wait_accepted(standin, len(warmup))
        time.sleep(0.2)
        before_requests = len(standin.snapshot()[0])
        before_accepted = accepted_count(standin)

        lines = [json.dumps({"n": n, "payload": "x" * 200}).encode() for n in range(args.messages)]
        started = time.perf_counter()
        post_ndjson(worker.url, lines)
        ingested = time.perf_counter() - started
        wait_accepted(standin, before_accepted + args.messages)
        elapsed = time.perf_counter() - started
        requests = len(standin.snapshot()[0]) - before_requests
    return {
        "requests_per_1000": requests * 1000 / args.messages,
        "messages_per_s": args.messages / elapsed,
        "elapsed_s": elapsed,
        "ingest_s": ingested,
    }


def versions() -> dict[str, str]:
    def package_version(name: str) -> str:
        data = json.loads((WORKER_DIR / "node_modules" / name / "package.json").read_text())
        return str(data["version"])

    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "machine": f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs",
        "node": node,
        "miniflare": package_version("miniflare"),
        "workerd": package_version("workerd"),
        "@cloudflare/containers": package_version("@cloudflare/containers"),
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=10, help="the consumer's max_batch_size")
    parser.add_argument("--rounds", type=int, default=3, help="each mode this many times, interleaved")
    parser.add_argument(
        "--bento-ms", type=float, default=0.0, help="time the stand-in Bento takes per request"
    )
    args = parser.parse_args()

    reason = missing_js_dependencies()
    if reason is not None:
        print(f"cannot run: {reason}")
        return 2

    standin = QueueStandIn().start()
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    try:
        for round_number in range(1, args.rounds + 1):
            for mode in MODES:
                result = run_mode(mode, args, standin)
                results[mode].append(result)
                print(
                    f"round {round_number} {mode:>21}: "
                    f"{result['requests_per_1000']:7.1f} requests/1000 msgs, "
                    f"{result['messages_per_s']:8.1f} msgs/s ({result['elapsed_s']:.2f} s, "
                    f"ingest {result['ingest_s']:.2f} s)",
                    flush=True,
                )
    finally:
        standin.close()

    print()
    print(f"command: .venv/bin/python bench/queue_batching.py {' '.join(sys.argv[1:])}".rstrip())
    for key, value in versions().items():
        print(f"{key}: {value}")
    print(f"load average (1/5/15 min): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"messages {args.messages}, max_batch_size {args.batch_size}, stand-in per request {args.bento_ms} ms"
    )
    print()
    print("| mode | requests per 1,000 msgs | msgs/s (median of rounds) | msgs/s per round |")
    print("|---|---|---|---|")
    medians = {}
    for mode in MODES:
        rates = [r["messages_per_s"] for r in results[mode]]
        medians[mode] = statistics.median(rates)
        per_1000 = statistics.median(r["requests_per_1000"] for r in results[mode])
        rounds = ", ".join(f"{rate:.0f}" for rate in rates)
        print(f"| {mode} | {per_1000:.1f} | {medians[mode]:.0f} | {rounds} |")
    print()
    for mode in MODES[1:]:
        print(f"batch vs {mode}: {medians['batch'] / medians[mode]:.1f}x messages per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
