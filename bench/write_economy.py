"""Write economy: Timestream records, WriteRecords calls and 1 KiB writes per million input records,
for the per-event baseline (a Lambda writing one record per agent event) and for the job's output.

- Input: the project's traffic generator (`traffic_generator.simulation`, the engine behind
  `python -m traffic_generator`), a seeded contact center: agent events, CTRs, duplicates.
- Baseline, counted: one Timestream record per agent event on the stream.
- Baseline, measured: `lambdas/persist_agent_event.py` run in-process against moto, invoked as the
  Kinesis event source mapping would (`bench.lambda_baseline`); its calls counted from moto's recording.
- Job: its output tables over the same records, counted with the independent references
  (`tests/reference.py`, `tests/reference_queue.py`): `agent_state_by_queue` and
  `queue_contacts_waiting`, one record per queue (and channel) per 10 s boundary; the three contact
  views, one per queue and channel per 60 s window that has contacts (rolling: in its last 15 minutes).
  1 KiB writes per agent_state_by_queue record are metered from the sink benchmark's real request
  bodies when it ran; otherwise records are modelled from the reference rows.
- Job, measured: `python -m flink_app replay` over the same records, when the job has it.
"""

import json
import math
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import metering
from bench.moto import MotoServer
from bench.replay import run_replay
from traffic_generator.simulation import SimulationConfig, simulate

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
LAMBDA_DATABASE = "connect_monitor_baseline"
LAMBDA_TABLE = "agent_events"
RECORDS_PER_CALL = 100
HOURS_PER_MONTH = 730  # 365 x 24 / 12: a center staffed around the clock
# Timestream for LiveAnalytics writes, us-east-1 / us-east-2 / eu-west-1 (see the sources in RESULTS.md).
PRICE_PER_MILLION_WRITES_USD = 0.50
# Runtime properties for a coarser dashboard (no code change): agent state every minute, contacts per
# 15 minutes (Connect's own reporting interval). The job's rows are per queue per period whatever the
# traffic, so the period sets the cost.
TUNED_PROPERTIES = {
    "metrics": {
        "agent_state.interval.seconds": "60",
        "agent_state.stale_after.seconds": "360",
        "contact.window.seconds": "900",
        "contact.emit_interval.seconds": "900",
    }
}


@dataclass(frozen=True, slots=True)
class EconomySettings:
    agents: int
    queues: int
    routing_profiles: int
    duration_seconds: int
    seed: int
    interval_seconds: int = 10
    stale_after_seconds: int = 330
    contact_window_seconds: int = 60
    rolling_seconds: int = 900  # metrics/contact.rolling.seconds default
    shards: int = 1  # Terraform default: stream_shard_count
    batch_size: int = 100  # Terraform default: agent_event_batch.batch_size
    window_seconds: float = 1.0  # Terraform default: agent_event_batch.batching_window_seconds
    agents_at_scale: int = 10_000
    queues_at_scale: int = 100

    def generator_command(self) -> str:
        return (
            f".venv/bin/python -m traffic_generator --agents {self.agents} --queues {self.queues} "
            f"--routing-profiles {self.routing_profiles} --seed {self.seed} --duration {self.duration_seconds} "
            f"--start {START:%Y-%m-%dT%H:%M:%SZ} --contact-events-to-stream --output day.jsonl"
        )


@dataclass(frozen=True, slots=True)
class RequestShape:
    """Metered bytes of a request's CommonAttributes and of one record's own attributes (averages)."""

    common_bytes: float
    record_bytes: float
    source: str

    def units(self, records: int) -> int:
        """1 KiB writes of one WriteRecords call carrying `records` records."""
        return math.ceil((self.common_bytes + records * self.record_bytes) / metering.KIB)

    def units_of_rows(self, rows: int) -> int:
        """1 KiB writes of `rows` records sent together, in calls of at most 100."""
        full, rest = divmod(rows, RECORDS_PER_CALL)
        return full * self.units(RECORDS_PER_CALL) + (self.units(rest) if rest else 0)

    @classmethod
    def of(cls, bodies: list[dict[str, Any]], source: str) -> "RequestShape":
        records = [r for b in bodies for r in b["Records"]]
        common = sum(metering.attribute_bytes(b.get("CommonAttributes") or {}) for b in bodies) / len(bodies)
        return cls(common, sum(metering.attribute_bytes(r) for r in records) / len(records), source)


@dataclass(frozen=True, slots=True)
class JobTable:
    """One output table of the job over the simulated traffic, per the independent reference."""

    name: str
    period_seconds: int  # one emission per boundary (agent state) or window (contacts)
    rows_per_emission: list[int]  # rows at each emission time that has rows
    shape: RequestShape

    @property
    def records(self) -> int:
        return sum(self.rows_per_emission)

    @property
    def calls_live(self) -> int:
        """Live, each emission's rows come as one burst, out within the sink's flush timeout: ceil(rows/100) calls."""
        return sum(math.ceil(n / RECORDS_PER_CALL) for n in self.rows_per_emission)

    @property
    def calls_backlog(self) -> int:
        """Catching up on a backlog, calls are full: ceil(records/100)."""
        return math.ceil(self.records / RECORDS_PER_CALL)

    @property
    def write_units_live(self) -> int:
        return sum(self.shape.units_of_rows(n) for n in self.rows_per_emission)


@dataclass
class Economy:
    settings: EconomySettings
    input_records: int
    kinds: dict[str, int]
    queues_used: int
    baseline_records: int  # one per agent event
    lambda_invocations: int
    lambda_calls: int
    lambda_records: int
    lambda_write_units: int
    lambda_batch_item_failures: int
    lambda_shape: RequestShape
    job_tables: list[JobTable]
    replay_records: dict[str, int] | None = None  # measured with `python -m flink_app replay`, by table
    replay_note: str = ""
    tuned_records: dict[str, int] | None = None  # the same replay with TUNED_PROPERTIES
    unchanged_share: float | None = None  # agent_state_by_queue rows equal to the queue's previous row

    def monthly_measured(self, records: dict[str, int]) -> dict[str, float]:
        """Records/month at scale from a replay's counts: per simulated hour and served queue, times the
        queues and hours at scale; the baseline likewise from its agent events."""
        s = self.settings
        hours = s.duration_seconds / 3600
        job = sum(records.values()) / hours / self.queues_used * s.queues_at_scale * HOURS_PER_MONTH
        baseline = self.baseline_records / self.agent_hours * s.agents_at_scale * HOURS_PER_MONTH
        return {"job_records": job, "baseline_records": baseline, "share": job / baseline}

    def per_million(self, value: float) -> float:
        return value * 1_000_000 / self.input_records

    @property
    def job_records(self) -> int:
        return sum(t.records for t in self.job_tables)

    @property
    def job_calls_live(self) -> int:
        return sum(t.calls_live for t in self.job_tables)

    @property
    def job_calls_backlog(self) -> int:
        return sum(t.calls_backlog for t in self.job_tables)

    @property
    def job_write_units_live(self) -> int:
        return sum(t.write_units_live for t in self.job_tables)

    @property
    def agent_hours(self) -> float:
        return self.settings.agents * self.settings.duration_seconds / 3600

    def monthly(self) -> dict[str, Any]:
        """The arithmetic for `agents_at_scale` agents in `queues_at_scale` queues, a month of 730 h."""
        s = self.settings
        events_per_agent_hour = self.baseline_records / self.agent_hours
        baseline_records = events_per_agent_hour * s.agents_at_scale * HOURS_PER_MONTH
        events_per_second = events_per_agent_hour * s.agents_at_scale / 3600
        # the event source mapping: per shard, one invocation per batching window, ≤ batch_size records
        batch = max(1.0, min(s.batch_size, events_per_second / s.shards * s.window_seconds))
        baseline_calls = baseline_records / batch
        baseline_units = baseline_calls * self.lambda_shape.units(round(batch))
        hours = self.settings.duration_seconds / 3600
        tables = {}
        for t in self.job_tables:
            # rows per emission scale with the number of queues (the simulation's rows per served queue)
            rows = t.records / len(t.rows_per_emission) / self.queues_used * s.queues_at_scale
            emissions = HOURS_PER_MONTH * 3600 / t.period_seconds
            tables[t.name] = {
                "period": t.period_seconds,
                "rows_per_emission": rows,
                "emissions": emissions,
                "emitting_share": len(t.rows_per_emission) * t.period_seconds / (hours * 3600),
                "records": rows * emissions,
                "calls": emissions * math.ceil(rows / RECORDS_PER_CALL),
                "units": emissions * t.shape.units_of_rows(round(rows)),
            }
        job_records = sum(t["records"] for t in tables.values())
        job_calls = sum(t["calls"] for t in tables.values())
        job_units = sum(t["units"] for t in tables.values())
        price = PRICE_PER_MILLION_WRITES_USD / 1e6
        return {
            "agents": s.agents_at_scale,
            "queues": s.queues_at_scale,
            "events_per_agent_hour": events_per_agent_hour,
            "events_per_second": events_per_second,
            "hours": HOURS_PER_MONTH,
            "baseline_batch": batch,
            "baseline_records": baseline_records,
            "baseline_calls": baseline_calls,
            "baseline_units": baseline_units,
            "baseline_cost": baseline_units * price,
            "baseline_cost_one_unit_per_record": baseline_records * price,
            "tables": tables,
            "job_records": job_records,
            "job_calls": job_calls,
            "job_units": job_units,
            "job_cost": job_units * price,
            "job_cost_one_unit_per_record": job_records * price,
            # queues (at this many agents) at which the job's records reach 1% of the baseline's
            "queues_for_one_percent": 0.01 * baseline_records / (job_records / s.queues_at_scale),
        }


def generate(settings: EconomySettings, path: Path, data_path: Path) -> tuple[Counter, list[str], int]:
    """Writes the stream records with arrival and partition key to `path`, and as on the stream (one
    record's data per line, what `python -m traffic_generator --output` writes) to `data_path`;
    returns the kinds, the data lines and the number of queues some routing profile serves."""
    config = SimulationConfig(
        start=START,
        duration_seconds=settings.duration_seconds,
        seed=settings.seed,
        agents=settings.agents,
        queues=settings.queues,
        routing_profiles=settings.routing_profiles,
        contact_events_on_stream=True,  # as the Terraform's EventBridge rule puts them (the live queue)
    )
    topology, emissions = simulate(config)
    kinds: Counter = Counter()
    data: list[str] = []
    with path.open("w") as handle, data_path.open("w") as data_handle:
        for emission in emissions:
            if not emission.on_stream:
                continue
            kinds[emission.kind] += 1
            data.append(emission.data)
            line = {"arrival": emission.arrival.timestamp(), "partition_key": emission.partition_key}
            handle.write(json.dumps({**line, "data": emission.data}) + "\n")
            data_handle.write(emission.data + "\n")
    served = {q.arn for p in topology.routing_profiles for q in p.queues}
    return kinds, data, len(served)


def job_tables(settings: EconomySettings, data: list[str], agent_state_shape: RequestShape | None) -> list[JobTable]:
    """The job's output tables over `data`, per the independent references (tests/reference.py and
    tests/reference_queue.py), up to the end of the simulated traffic.

    Each reference row is one record the job writes (key: emission time first), except the daily view:
    its one row per queue, channel and day is rewritten whenever a contact of that queue and channel comes
    in, at most once per emit interval (60 s, the window), so it is counted as one write per tumbling row.
    Records are metered with a shape modelled from the rows (dimensions instance, queue id and name,
    channel if any; every measure 8 bytes), or for agent_state_by_queue with the sink benchmark's real
    request bodies."""
    from tests import reference, reference_queue

    end = START.timestamp() * 1000 + settings.duration_seconds * 1000

    def until_end(rows: dict[tuple, Any]) -> dict[tuple, Any]:
        return {k: v for k, v in rows.items() if datetime.fromisoformat(k[0]).timestamp() * 1000 <= end}

    window = settings.contact_window_seconds
    tumbling = reference.queue_contact_metrics(data, window)
    waiting = reference_queue.queue_contacts_waiting(data, settings.interval_seconds, until_ms=int(end))
    found = {
        "agent_state_by_queue": (
            settings.interval_seconds,
            reference.agent_state_by_queue(data, settings.interval_seconds, settings.stale_after_seconds),
        ),
        "queue_contact_metrics": (window, tumbling),
        "queue_contact_metrics_rolling": (
            window,
            until_end(reference.queue_contact_metrics_rolling(data, window, settings.rolling_seconds)),
        ),
        "queue_contact_metrics_daily": (window, tumbling),
        "queue_contacts_waiting": (
            settings.interval_seconds,
            {
                key: {
                    "queue_name": row.queue_name,
                    "measures": {"contacts_in_queue": row.low, "oldest_contact_age_seconds": row.oldest},
                }
                for key, row in waiting.items()
            },
        ),
    }
    tables = []
    for name, (period, rows) in found.items():
        if not rows:
            continue
        per_time = Counter(key[0] for key in rows)
        shape = agent_state_shape if name == "agent_state_by_queue" and agent_state_shape else _modelled(rows)
        tables.append(JobTable(name, period, [per_time[t] for t in sorted(per_time)], shape))
    return tables


def _modelled(rows: dict[tuple, dict[str, Any]]) -> RequestShape:
    """Records as the sink would send them, from reference rows: the instance hoisted into CommonAttributes."""
    bodies = []
    for key, row in list(rows.items())[:200]:
        dimensions = [{"Name": "queue_id", "Value": key[2]}, {"Name": "queue_name", "Value": row.get("queue_name", "")}]
        if len(key) > 3:
            dimensions.append({"Name": "channel", "Value": key[3]})
        measures = [{"Name": m, "Value": "0", "Type": "DOUBLE"} for m in row["measures"]]
        bodies.append(
            {
                "CommonAttributes": {"Dimensions": [{"Name": "instance_id", "Value": key[1]}], "MeasureName": "m"},
                "Records": [{"Time": "0", "Dimensions": dimensions, "MeasureValues": measures}],
            }
        )
    return RequestShape.of(bodies, "modelled from the reference rows")


def _unchanged_share(path: Path) -> float | None:
    """Share of a queue's rows whose measures equal its previous row: what writing on change would save."""
    previous: dict[str, Any] = {}
    same = total = 0
    with path.open() as handle:
        rows = sorted((json.loads(line) for line in handle if line.strip()), key=lambda r: r["time"])
    for row in rows:
        key = json.dumps(row["dimensions"], sort_keys=True)
        if key in previous:
            total += 1
            same += previous[key] == row["measures"]
        previous[key] = row["measures"]
    return same / total if total else None


def run_baseline_lambda(settings: EconomySettings, stream: Path, run_dir: Path, log: Path) -> dict[str, Any]:
    with MotoServer(run_dir / "baseline-moto") as moto:
        moto.reset(LAMBDA_DATABASE, [LAMBDA_TABLE])
        result = run_dir / "baseline-lambda.json"
        command = [sys.executable, "-m", "bench.lambda_baseline", "--input", str(stream), "--endpoint", moto.url]
        command += ["--database", LAMBDA_DATABASE, "--result", str(result), "--shards", str(settings.shards)]
        command += ["--batch-size", str(settings.batch_size), "--window-seconds", str(settings.window_seconds)]
        with log.open("ab") as output:
            completed = subprocess.run(
                command, stdout=output, stderr=output, stdin=subprocess.DEVNULL, check=False, timeout=1800
            )
        if completed.returncode != 0:
            raise RuntimeError(f"bench.lambda_baseline failed (exit {completed.returncode}); see {log}")
        summary = json.loads(result.read_text())
        calls = [c for c in moto.write_calls() if c.table == LAMBDA_TABLE]
    summary["calls"] = len(calls)
    summary["records"] = sum(c.records for c in calls)
    summary["write_units"] = sum(metering.write_units(c.body) for c in calls)
    summary["shape"] = RequestShape.of([c.body for c in calls], "measured: persist_agent_event's calls to moto")
    return summary


def run_economy(
    settings: EconomySettings,
    run_dir: Path,
    job_bodies: list[dict[str, Any]],
    progress: Callable[[str], None],
    replay: bool = True,
) -> Economy:
    (run_dir / "baseline-moto").mkdir(parents=True, exist_ok=True)
    stream = run_dir / "stream.jsonl"
    progress(
        f"write economy: generating {settings.duration_seconds} s of traffic for {settings.agents} agents "
        f"in {settings.queues} queues …"
    )
    data_file = run_dir / "stream-data.jsonl"
    kinds, data, queues_used = generate(settings, stream, data_file)
    progress(f"    {len(data):,} stream records ({', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))})")
    progress("write economy: the per-event Lambda (persist_agent_event) in-process against moto …")
    baseline = run_baseline_lambda(settings, stream, run_dir, run_dir / "baseline-lambda.log")
    progress(f"    {baseline['records']:,} records in {baseline['calls']:,} WriteRecords calls")
    progress("write economy: the job's output tables per the independent reference …")
    measured = (
        RequestShape.of(job_bodies, f"measured: {len(job_bodies)} calls of the sink benchmark to moto")
        if job_bodies
        else None
    )
    tables = job_tables(settings, data, measured)
    progress("    " + ", ".join(f"{t.name} {t.records:,} records" for t in tables))
    replay_records, replay_note = None, "not run (--no-replay)"
    tuned_records, unchanged_share = None, None
    if replay:
        progress("write economy: the job itself over the same records (python -m flink_app replay) …")
        measured = run_replay(data_file, run_dir / "replay", run_dir / "replay.log")
        if measured is None:
            replay_note = "not available: this checkout's `python -m flink_app` has no `replay` command"
        else:
            replay_records, peak = measured
            replay_note = f"measured: `python -m flink_app replay`, process tree peak {peak:,.0f} MiB"
        progress(f"    {replay_note}: {replay_records}")
        if measured is not None:
            unchanged_share = _unchanged_share(run_dir / "replay" / "agent_state_by_queue.jsonl")
            progress("write economy: the same replay with coarser periods (runtime properties) …")
            tuned = run_replay(data_file, run_dir / "replay-tuned", run_dir / "replay.log", TUNED_PROPERTIES)
            tuned_records = tuned[0] if tuned else None
            progress(f"    {tuned_records}")
    return Economy(
        replay_records=replay_records,
        replay_note=replay_note,
        tuned_records=tuned_records,
        unchanged_share=unchanged_share,
        settings=settings,
        input_records=len(data),
        kinds=dict(kinds),
        queues_used=queues_used,
        baseline_records=kinds.get("agent_event", 0),
        lambda_invocations=baseline["invocations"],
        lambda_calls=baseline["calls"],
        lambda_records=baseline["records"],
        lambda_write_units=baseline["write_units"],
        lambda_batch_item_failures=baseline["batch_item_failures"],
        lambda_shape=baseline["shape"],
        job_tables=tables,
    )
