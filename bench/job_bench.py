"""Job throughput (issue 3, issue 8 items 1 and 5): records/s through the whole job via `flink_app replay`.

Parse, both tables, file sinks, side by side in each run (rotating order): the JVM parse step at
parallelism 1 and 2 and the Python parse step at parallelism 1. Each timed job is preceded by a small job
over the first records of the same file; its time (JVM start, job graph, deploy, finish) is subtracted:
records/s = (records - small records) / (time - small time). Also each parse step alone on one core (the
Python one in this process, the JVM one in `ParseCli --count`): the per-subtask ceiling of the job.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.proctree import PeakTreeMemory

REPO_ROOT = Path(__file__).resolve().parent.parent
JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"


@dataclass(frozen=True)
class Variant:
    """One way to run the job: its parse step (the JVM parser since the Python one left the job) and parallelism."""

    engine: str
    parallelism: int

    @property
    def label(self) -> str:
        return f"{self.engine} parse, parallelism {self.parallelism}"


@dataclass(frozen=True)
class JobSettings:
    runs: int
    agents: int
    queues: int
    routing_profiles: int
    duration_seconds: int
    records: int  # 0: every record the generator writes; else the first N
    overhead_records: int  # records of the small job (0: no subtraction, quick mode)
    variants: tuple[Variant, ...] = (Variant("java", 1), Variant("java", 2))
    seed: int = 7
    start: str = "2026-01-05T09:00:00Z"

    def generator_command(self) -> str:
        return (
            f".venv/bin/python -m traffic_generator --agents {self.agents} --queues {self.queues} "
            f"--routing-profiles {self.routing_profiles} --seed {self.seed} --duration {self.duration_seconds} "
            f"--start {self.start} --output traffic.jsonl"
        )


@dataclass
class JobRun:
    run: int
    variant: Variant
    records: int
    seconds: float
    overhead_records: int
    overhead_seconds: float
    peak_rss_mib: float
    order: int  # position within its run (0 = first)

    @property
    def records_per_second(self) -> float:
        return (self.records - self.overhead_records) / max(self.seconds - self.overhead_seconds, 1e-9)

    @property
    def end_to_end_per_second(self) -> float:
        return self.records / self.seconds


@dataclass
class JobResults:
    settings: JobSettings
    input_records: int
    input_bytes: int
    kinds: dict[str, int]
    parse_records_per_second: float  # the Python parse step alone
    parse_sample: int
    jvm_parse_records_per_second: float  # the JVM parse step alone
    jvm_parse_sample: int
    runs: list[JobRun] = field(default_factory=list)

    @property
    def average_record_bytes(self) -> float:
        return self.input_bytes / self.input_records

    def by_variant(self) -> dict[Variant, list[JobRun]]:
        return {v: [r for r in self.runs if r.variant == v] for v in self.settings.variants}

    def ratios(self, numerator: Variant, denominator: Variant) -> list[float]:
        """Per run: records/s of `numerator` over records/s of `denominator` in the same run."""
        base = {r.run: r.records_per_second for r in self.runs if r.variant == denominator}
        return [r.records_per_second / base[r.run] for r in self.runs if r.variant == numerator and r.run in base]


def _generate(settings: JobSettings, path: Path, log: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "traffic_generator",
        "--agents",
        str(settings.agents),
        "--queues",
        str(settings.queues),
        "--routing-profiles",
        str(settings.routing_profiles),
        "--seed",
        str(settings.seed),
        "--duration",
        str(settings.duration_seconds),
        "--start",
        settings.start,
        "--output",
        str(path),
    ]
    with log.open("ab") as output:
        subprocess.run(command, stdout=output, stderr=output, stdin=subprocess.DEVNULL, check=True)


def _head(source: Path, target: Path, records: int) -> int:
    written = 0
    with source.open("rb") as src, target.open("wb") as dst:
        for line in src:
            if written >= records:
                break
            dst.write(line)
            written += 1
    return written


def _kinds(path: Path) -> tuple[int, int, dict[str, int]]:
    count, size, kinds = 0, 0, {"agent_event": 0, "ctr": 0, "other": 0}
    with path.open("rb") as handle:
        for line in handle:
            count += 1
            size += len(line.rstrip(b"\n"))
            if b'"AWSContactTraceRecordFormatVersion"' in line:
                kinds["ctr"] += 1
            elif b'"EventType"' in line:
                kinds["agent_event"] += 1
            else:
                kinds["other"] += 1
    return count, size, {k: v for k, v in kinds.items() if v}


def _parse_rate(path: Path, sample: int) -> tuple[float, int]:
    """records/s of `flink_app.parsing.parsed_row` alone, in this process (one core), over the first records."""
    from flink_app.parsing import parsed_row

    with path.open() as handle:
        lines = [line.rstrip("\n") for _, line in zip(range(sample), handle, strict=False)]
    for line in lines[: min(200, len(lines))]:  # warm-up
        parsed_row(line)
    began = time.perf_counter()
    for line in lines:
        parsed_row(line)
    return len(lines) / (time.perf_counter() - began), len(lines)


def _jvm_parse_rate(path: Path, sample: int) -> tuple[float, int]:
    """records/s of the JVM parse step alone (`ParseCli --count`: one thread, warmed up, no output)."""
    with path.open("rb") as handle:
        lines = b"".join(line for _, line in zip(range(sample), handle, strict=False))
    result = subprocess.run(
        ["java", "-cp", str(JAR), "io.github.connectmonitor.parse.ParseCli", "--count"],
        input=lines,
        capture_output=True,
        check=True,
        timeout=600,
    )
    figures = json.loads(result.stdout)
    return figures["records_per_second"], figures["records"]


def _properties(run_dir: Path, engine: str) -> Path:
    path = run_dir / f"properties-{engine}.json"
    path.write_text(json.dumps([]))  # every default
    return path


def _replay(data: Path, output: Path, variant: Variant, log: Path) -> tuple[float, float]:
    """Seconds from start to exit of `python -m flink_app replay`, and the process tree's peak RSS (MiB)."""
    command = [
        sys.executable,
        "-m",
        "flink_app",
        "replay",
        "--input",
        str(data),
        "--output",
        str(output),
        "--parallelism",
        str(variant.parallelism),
        "--properties",
        str(_properties(log.parent, variant.engine)),
    ]
    with log.open("ab") as out:
        began = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            with PeakTreeMemory(process.pid) as memory:
                process.wait(timeout=3600)
            seconds = time.monotonic() - began
        finally:
            if process.poll() is None:  # stopped by its PID, with its JVM (its process group)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"python -m flink_app replay failed (exit {process.returncode}); see {log}")
    return seconds, memory.peak_mib


def run_job_bench(settings: JobSettings, run_dir: Path, progress: Callable[[str], None]) -> JobResults:
    run_dir.mkdir(parents=True, exist_ok=True)
    log = run_dir / "job.log"
    generated = run_dir / "traffic.jsonl"
    progress(f"job: generating traffic ({settings.agents} agents, {settings.duration_seconds} s)")
    _generate(settings, generated, log)
    data = generated
    if settings.records:
        data = run_dir / "input.jsonl"
        _head(generated, data, settings.records)
        generated.unlink()
    count, size, kinds = _kinds(data)
    small, small_count = None, 0
    if settings.overhead_records:
        small = run_dir / "small.jsonl"
        small_count = _head(data, small, settings.overhead_records)
    parse_rate, parse_sample = _parse_rate(data, min(count, 20_000))
    jvm_rate, jvm_sample = _jvm_parse_rate(data, min(count, 100_000))
    progress(
        f"job: {count:,} records; parse step alone: Python {parse_rate:,.0f} records/s, JVM {jvm_rate:,.0f} records/s"
    )
    results = JobResults(settings, count, size, kinds, parse_rate, parse_sample, jvm_rate, jvm_sample)
    for run in range(1, settings.runs + 1):
        shift = (run - 1) % len(settings.variants)  # each variant takes each position in turn
        order = list(settings.variants[shift:] + settings.variants[:shift])
        for position, variant in enumerate(order):
            progress(f"job run {run}/{settings.runs}: {variant.label}")
            name = f"{run}-{variant.engine}-p{variant.parallelism}"
            small_seconds = 0.0
            if small is not None:
                small_seconds, _ = _replay(small, run_dir / f"out-small-{name}", variant, log)
            seconds, peak = _replay(data, run_dir / f"out-{name}", variant, log)
            results.runs.append(JobRun(run, variant, count, seconds, small_count, small_seconds, peak, position))
            progress(
                f"job run {run}: {variant.label}: {results.runs[-1].records_per_second:,.0f} records/s "
                f"({seconds:.1f} s, small job {small_seconds:.1f} s)"
            )
    for path in (data, small):  # the input (about 600 MiB at the defaults): regenerated by the next run
        if path is not None:
            path.unlink()
    for path in run_dir.glob("out-*"):  # the job's output files: large, not needed after the run
        for file in path.glob("*"):
            file.unlink()
        path.rmdir()
    return results
