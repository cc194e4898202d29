"""Records/s through the project's Timestream sink, side by side with a blackhole, and its batching.

Three sinks for the same rows (agent_state_by_queue-shaped, from datagen in the JVM):
- `blackhole`: Flink's blackhole connector, the cost of the source and the job alone;
- `timestream → null endpoint`: the project's sink into `bench.null_timestream`, which accepts every
  call at once: the sink's own cost (mapping, JSON, AWS SDK, HTTP on loopback);
- `timestream → moto`: the project's sink into moto's Timestream over HTTP, as in the local stack;
  calls are counted from moto's request recording.
Each run of each variant is its own worker process (`bench.sink_job`), so that the memory of its
whole process tree (Python driver + JVM) is its own; runs are interleaved, variant order rotating.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.moto import MotoServer
from bench.proctree import PeakTreeMemory
from bench.sink_job import DATABASE
from local_stack.ports import free_port
from local_stack.processes import ManagedProcess

BLACKHOLE, NULL, MOTO = "blackhole", "timestream → null endpoint", "timestream → moto"
VARIANTS = (BLACKHOLE, NULL, MOTO)
WORKER_NAMES = {BLACKHOLE: "blackhole", NULL: "null", MOTO: "moto"}
TABLE = "agent_state_by_queue"
WORKER_TIMEOUT_SECONDS = 1800


@dataclass(frozen=True, slots=True)
class SinkSettings:
    runs: int
    blackhole_rows: int  # per timed job; each sink gets enough rows for a run of several seconds
    null_rows: int
    moto_rows: int
    warmup_rows: int
    overhead_rows: int
    queues: int
    checkpoint_seconds: int
    parallelism: int
    jar: Path  # a copy of the connectors jar taken at the start: a rebuild during the run cannot break it
    shared_jvm: bool = False  # quick mode: all variants of a run in one worker (memory not per variant)


@dataclass
class RunResult:
    variant: str
    run: int
    rows: int
    seconds: float
    overhead_rows: int
    overhead_seconds: float
    startup_seconds: float
    peak_rss_mib: float
    calls: list[int] = field(default_factory=list)  # records per WriteRecords call (timed job only)
    bodies: list[dict] = field(default_factory=list)  # moto: request bodies (kept for metering)

    @property
    def records_per_second(self) -> float:
        """Marginal rate: the extra rows of the timed job over the small one, per extra second (steady state)."""
        extra = self.seconds - self.overhead_seconds
        if not self.overhead_rows or extra <= 0:
            return self.end_to_end_per_second
        return (self.rows - self.overhead_rows) / extra

    @property
    def end_to_end_per_second(self) -> float:
        """rows / (job submitted → every record acknowledged), the fixed cost of a job included."""
        return self.rows / self.seconds


class NullEndpoint:
    def __init__(self, run_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process = ManagedProcess(
            "null Timestream endpoint",
            [sys.executable, "-m", "bench.null_timestream", "--port", str(self.port)],
            run_dir / "null-timestream.log",
        )

    def __enter__(self) -> "NullEndpoint":
        try:
            self._process.wait_healthy(f"{self.url}/health", timeout=15)
        except BaseException:
            self._process.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.stop()

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/stats/reset", method="POST"), timeout=5).close()

    def calls(self, table: str) -> list[int]:
        with urllib.request.urlopen(f"{self.url}/stats", timeout=10) as response:
            return [records for name, records in json.load(response) if name == table]


def _worker(
    variants: list[str], settings: SinkSettings, rows: int, endpoints: dict[str, str], log: Path
) -> tuple[list[dict], float]:
    """Runs one worker; returns its result lines and the peak RSS (MiB) of its process tree."""
    command = [sys.executable, "-m", "bench.sink_job", "--rows", str(rows), "--queues", str(settings.queues)]
    command += ["--warmup-rows", str(settings.warmup_rows), "--overhead-rows", str(settings.overhead_rows)]
    command += ["--table", TABLE, "--jar", str(settings.jar)]
    command += ["--checkpoint-seconds", str(settings.checkpoint_seconds), "--parallelism", str(settings.parallelism)]
    for variant in variants:
        command += ["--variant", WORKER_NAMES[variant]]
    command += ["--moto-endpoint", endpoints[MOTO], "--null-endpoint", endpoints[NULL]]
    with log.open("ab") as stderr:
        # its own process group, so that the worker and its JVM are stopped together if anything goes wrong
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            with PeakTreeMemory(process.pid) as memory:
                out, _ = process.communicate(timeout=WORKER_TIMEOUT_SECONDS)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"bench.sink_job {' '.join(variants)} failed (exit {process.returncode}); see {log}")
    return [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")], memory.peak_mib


def run_sink_bench(settings: SinkSettings, run_dir: Path, progress: Callable[[str], None]) -> list[RunResult]:
    results: list[RunResult] = []
    log = run_dir / "sink-workers.log"
    with MotoServer(run_dir) as moto, NullEndpoint(run_dir) as null:
        endpoints = {NULL: null.url, MOTO: moto.url}
        for run in range(1, settings.runs + 1):
            shift = (run - 1) % len(VARIANTS)
            order = list(VARIANTS[shift:] + VARIANTS[:shift])
            for group in [order] if settings.shared_jvm else [[v] for v in order]:
                results.extend(_run_group(group, run, settings, endpoints, moto, null, log, progress))
    return results


def _run_group(
    group: list[str],
    run: int,
    settings: SinkSettings,
    endpoints: dict[str, str],
    moto: MotoServer,
    null: NullEndpoint,
    log: Path,
    progress: Callable[[str], None],
) -> list[RunResult]:
    rows = min(
        {BLACKHOLE: settings.blackhole_rows, NULL: settings.null_rows, MOTO: settings.moto_rows}[v] for v in group
    )
    moto.reset(DATABASE, [TABLE, TABLE + "_warmup"])
    null.reset()
    progress(f"sink run {run}/{settings.runs}: {' + '.join(group)}, {rows:,} rows …")
    began = time.monotonic()
    lines, peak = _worker(group, settings, rows, endpoints, log)
    if len(lines) != len(group):
        raise RuntimeError(f"bench.sink_job reported {len(lines)} jobs, expected {len(group)}; see {log}")
    results = []
    for variant, line in zip(group, lines, strict=True):
        result = RunResult(
            variant,
            run,
            line["rows"],
            line["seconds"],
            line["overhead_rows"],
            line["overhead_seconds"],
            line["startup_seconds"],
            peak,
        )
        if variant == MOTO:
            calls = [c for c in moto.write_calls() if c.table == TABLE]
            result.calls = [c.records for c in calls]
            result.bodies = [c.body for c in calls[:50]]
            if sum(result.calls) != result.rows:
                raise RuntimeError(f"moto received {sum(result.calls)} records, the job wrote {result.rows}")
        elif variant == NULL:
            result.calls = null.calls(TABLE)
        results.append(result)
        progress(
            f"    {variant}: {result.records_per_second:,.0f} records/s marginal, {result.end_to_end_per_second:,.0f} "
            f"end to end ({result.seconds:.1f} s), tree peak {peak:,.0f} MiB, {time.monotonic() - began:.0f} s "
            "with start-up"
        )
    return results
