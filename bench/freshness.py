"""Freshness (issue 8, item 2): from an event's time to the row that shows it being stored in the local Timestream.

The real parts, live: a local Kinesis (moto's by default, or kinesis-local as `make run` uses; 2 shards) and
moto's Timestream from `local_stack`, the project's traffic generator (its simulation starting at the wall
clock, so event times are real times, and its Kinesis sink) sending in real time, and the real job (`python -m
flink_app run`) with the Timestream sink pointed at moto through `bench.timing_proxy`, which stamps every
`WriteRecords` call with the moment moto answered it. The records are paced here, not by `python -m
traffic_generator --pace realtime`: that sends each record alone as its time comes, one `PutRecords` per
record or two at 200 records/s, which kinesis-local could not keep up with on a loaded 2-core machine (40-100
records/s); here one `PutRecords` per round (`send_period_seconds`, 0.5 s) carries the records whose time has
come, and each record's send time is kept. kinesis-local's CPU per record grows with the stream (measured
here: 3.4 ms per record on a fresh stream, 5-13 ms at 10,000 records of 2.7 KB, one core at 100 %), so whether
it keeps up for minutes is reported with every run (the send delay), not assumed. One job per watermark out-
of-orderness setting, side by side on the same stream (each writes its own database), so the settings see the
same records on the same machine at the same time.

Definitions (the results file repeats them):

- `agent_state_by_queue`: for each agent event (first copy of its `EventId`) with event time e, the boundary
  T that first counts it (the first multiple of the interval after e: a snapshot at T counts events before T);
  visible = the moment moto accepted the last of the WriteRecords calls carrying T's rows, every queue of the
  instance (the whole snapshot); freshness = visible - e.
- `queue_contact_metrics`: for each CTR (first delivery of its `ContactId`, with a queue), e = its arrival on
  the stream (the generator's schedule: Connect puts a CTR on the stream a minute or more after the contact, a
  delay the job cannot shorten); its window's row counts it from the first write, after e, whose
  `contacts_queued` reaches the CTR's rank among its window's contacts by arrival; freshness = that write's
  acceptance - e.

The simulation runs in this process, so every record's event time, scheduled arrival and actual send time are
known without reading the stream back.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.job_metrics import AGENT_STAGES, BATCH_FILL, CONTACT_STAGES, MetricsSampler, SamplingThread, StageFigure
from bench.timing_proxy import TimedCall, TimingProxy
from connect_model.ctr import ContactTraceRecord
from flink_app.config import PROPERTY_GROUPS, properties_document
from flink_app.outputs import TABLES
from local_stack.job_output import parse_output_line
from local_stack.ports import free_port
from local_stack.processes import ServerFailed
from local_stack.stack import CREDENTIALS, REPO_ROOT, LocalStack
from local_stack.timestream import create_tables
from traffic_generator.simulation import Emission, SimulationConfig, simulate
from traffic_generator.sinks import MAX_PUT_RECORDS, KinesisSink

AGENT_STATE = "agent_state_by_queue"
CONTACTS = "queue_contact_metrics"
TIMESTREAM_REGION = "eu-west-1"
SHARDS = 2  # kinesis-local, as `make run`
# moto's Kinesis: one shard. With two, concurrent PutRecords and GetRecords raced inside moto (its log:
# "RuntimeError: OrderedDict mutated during iteration") and it handed the job the same records again (7,336
# agent events up to 16 times in one run, which the job rightly refused as too_late duplicates).
MOTO_SHARDS = 1
DEFAULT_OOO = int(PROPERTY_GROUPS["metrics"]["watermark.out_of_orderness.seconds"].default or 0)
TIME_SCALE = {"MILLISECONDS": 1e3, "SECONDS": 1.0, "MICROSECONDS": 1e6, "NANOSECONDS": 1e9}


@dataclass(frozen=True)
class FreshnessSettings:
    agents: int = 8000
    queues: int = 20
    routing_profiles: int = 8
    seed: int = 7
    lead_seconds: int = 180  # simulated before the start and not sent (past the simulation's 60 s login ramp)
    warmup_seconds: int = 60  # from the start; also at least one interval after every job's first write
    measure_seconds: int = 600  # the "sustained for at least 10 minutes"
    out_of_orderness_seconds: tuple[int, ...] = (5,)  # one job each, side by side (each job adds Kinesis reads)
    # One job per source and out-of-orderness, side by side: "kinesis" reads the local endpoint; "paced" reads the
    # same records from a file, each at its scheduled arrival (`flink_app run --paced-input`): the job alone.
    sources: tuple[str, ...] = ("kinesis", "paced")
    interval_seconds: int = 10  # agent_state.interval.seconds (the job's default)
    contact_emit_seconds: int = 60  # contact.emit_interval.seconds (the job's default)
    contact_window_seconds: int = 60  # contact.window.seconds (the job's default)
    parallelism: int = 1
    checkpoint_seconds: int = 10  # what `flink_app run` sets (flink_app/environment.py)
    startup_timeout_seconds: int = 240
    metrics_period_seconds: float = 5.0  # how often the jobs' own metrics are read over REST
    send_period_seconds: float = 0.5  # the sender's rounds: records wait up to this long for their PutRecords
    # The Kinesis endpoint: moto (its Kinesis keeps up with this rate; the job's polling consumer reads it with
    # the AWS SDK's CBOR off, AWS_CBOR_DISABLE) or kinesis-local (`make run`'s, which stalls after about
    # 11,000 records of 2.7 KB at 200 records/s: one Node thread at 100 %).
    kinesis: str = "moto"

    def variants(self) -> list[tuple[str, int]]:
        return [(source, ooo) for source in self.sources for ooo in self.out_of_orderness_seconds]

    @property
    def drain_seconds(self) -> int:
        """After the measured window: long enough for the last measured event's row to be written."""
        agent = self.interval_seconds + max(self.out_of_orderness_seconds) + 10
        return max(agent, self.contact_emit_seconds + 15)

    def simulation(self, start: datetime) -> SimulationConfig:
        """The generator's simulation, as `python -m traffic_generator --pace realtime` runs it (no end)."""
        return SimulationConfig(
            start=start,
            duration_seconds=None,
            seed=self.seed,
            agents=self.agents,
            queues=self.queues,
            routing_profiles=self.routing_profiles,
        )


@dataclass(frozen=True)
class Delays:
    """Seconds per measured record; `missing`: measured records with no row by the end of the run."""

    values: list[float]
    missing: int = 0
    excluded: int = 0  # agent events the job refused as too_late (their snapshot was final): never visible
    after_boundary: list[float] = field(default_factory=list)  # agent state: visible - T

    def percentile(self, p: float) -> float:
        return _percentile(self.values, p)


@dataclass(frozen=True)
class VariantResult:
    source: str  # "kinesis" (the local endpoint) or "paced" (the same records from a file, each at its time)
    out_of_orderness_seconds: int
    agent_state: Delays
    contacts: Delays
    write_calls: int
    first_write_after_start: float  # seconds from the generator's start to the job's first snapshot write
    stages: dict[str, StageFigure | None] = field(default_factory=dict)  # the job's own metrics, by stage label
    back_pressure_max: float = float("nan")  # the busiest vertex's backPressuredTimeMsPerSecond, highest sample
    metric_samples: int = 0


@dataclass
class FreshnessResults:
    settings: FreshnessSettings
    measured_from: float  # seconds after the generator's start
    measured_seconds: float
    run_seconds: float
    scheduled_rate: float  # records/s the generator's schedule puts on the stream in the measured window
    achieved_rate: float  # records/s whose PutRecords returned within the measured window
    send_delay: "Delays"  # per measured record: its PutRecords returned - its scheduled arrival
    measured_records: dict[str, int]
    variants: list[VariantResult] = field(default_factory=list)
    fell_behind_at: float | None = None  # seconds after the start when a PutRecords first returned > 2 s late


def _percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _last_segment(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _instance_id(arn: str) -> str:
    return arn.split("instance/", 1)[1].split("/", 1)[0]


# --- the input, from the generator's schedule ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentEventIn:
    event_id: str
    instance_id: str
    event_time: float


@dataclass(frozen=True, slots=True)
class CtrIn:
    window: tuple[str, str, str, int]  # instance_id, queue_id, channel, window end (ms)
    arrival: float
    rank: int  # among its window's first deliveries, by arrival (1 = first)


@dataclass
class Schedule:
    arrivals: list[float]  # every stream record's scheduled arrival, in sending order
    agent_events: list[AgentEventIn]
    ctrs: list[CtrIn]


def _schedule(emissions: list[Emission], window_seconds: int) -> Schedule:
    """The measurable input of the records sent: agent events (first copies) and CTRs (first deliveries)."""
    arrivals: list[float] = []
    agent_events: list[AgentEventIn] = []
    ctrs: list[CtrIn] = []
    seen_events: set[str] = set()
    seen_contacts: set[str] = set()
    ranks: dict[tuple[str, str, str, int], int] = {}
    window_ms = window_seconds * 1000
    for emission in emissions:
        if not emission.on_stream:
            continue
        arrival = emission.arrival.timestamp()
        arrivals.append(arrival)
        if emission.kind == "agent_event":
            doc = json.loads(emission.data)
            if doc["EventId"] not in seen_events:
                seen_events.add(doc["EventId"])
                instance = _instance_id(doc["InstanceARN"])
                agent_events.append(AgentEventIn(doc["EventId"], instance, _timestamp(doc["EventTimestamp"])))
        elif emission.kind == "ctr":
            doc = json.loads(emission.data)
            # As the job counts (docs/METRICS.md): a contact counts for its queue only if it was queued; an
            # outbound call carries its queue but no EnqueueTimestamp.
            if doc["ContactId"] in seen_contacts or not ContactTraceRecord.from_json(doc).queued:
                continue
            seen_contacts.add(doc["ContactId"])
            disconnect_ms = round(_timestamp(doc["DisconnectTimestamp"]) * 1000)
            end = disconnect_ms - disconnect_ms % window_ms + window_ms
            key = (_instance_id(doc["InstanceARN"]), _last_segment(doc["Queue"]["ARN"]), doc["Channel"], end)
            ranks[key] = ranks.get(key, 0) + 1
            ctrs.append(CtrIn(key, arrival, ranks[key]))
    return Schedule(arrivals, agent_events, ctrs)


# --- the output, from the timed WriteRecords calls ---------------------------------------------------------------


def _rows(call: TimedCall) -> list[tuple[dict[str, str], int, dict[str, str]]]:
    """(dimensions, time in ms, measure values as text) of every record of the call."""
    common = call.body.get("CommonAttributes") or {}
    rows = []
    for record in call.body.get("Records", []):
        merged = {**common, **record}
        dimensions = {d["Name"]: d["Value"] for d in common.get("Dimensions", []) + record.get("Dimensions", [])}
        millis = round(int(merged["Time"]) * 1000 / TIME_SCALE[merged.get("TimeUnit", "MILLISECONDS")])
        measures = {m["Name"]: m["Value"] for m in merged.get("MeasureValues", [])}
        rows.append((dimensions, millis, measures))
    return rows


def _agent_state_visible(calls: list[TimedCall]) -> dict[tuple[str, int], float]:
    """(instance, T in ms) -> when the last queue's row of snapshot T was first accepted."""
    first: dict[tuple[str, int, str], float] = {}
    for call in calls:
        for dimensions, millis, _ in _rows(call):
            first.setdefault((dimensions["instance_id"], millis, dimensions["queue_id"]), call.accepted)
    visible: dict[tuple[str, int], float] = {}
    for (instance, millis, _), accepted in first.items():
        visible[(instance, millis)] = max(visible.get((instance, millis), 0.0), accepted)
    return visible


def _contact_writes(calls: list[TimedCall]) -> dict[tuple[str, str, str, int], list[tuple[float, int]]]:
    """Window key -> [(accepted, contacts_queued)] in the order moto accepted them."""
    writes: dict[tuple[str, str, str, int], list[tuple[float, int]]] = {}
    for call in calls:
        for dimensions, millis, measures in _rows(call):
            key = (dimensions["instance_id"], dimensions["queue_id"], dimensions["channel"], millis)
            writes.setdefault(key, []).append((call.accepted, int(measures.get("contacts_queued", "0"))))
    return writes


def _too_late_event_ids(job_log: Path) -> set[str]:
    ids = set()
    if not job_log.exists():
        return ids
    for line in job_log.read_text(errors="replace").splitlines():
        document = parse_output_line(line)
        if document and document.get("reason") == "too_late":
            try:
                ids.add(json.loads(document.get("record", "{}")).get("EventId", ""))
            except json.JSONDecodeError:
                continue
    return ids


def agent_state_delays(
    events: list[AgentEventIn], calls: list[TimedCall], interval_seconds: int, too_late: set[str]
) -> Delays:
    visible = _agent_state_visible(calls)
    step = interval_seconds * 1000
    values, after, missing, excluded = [], [], 0, 0
    for event in events:
        if event.event_id in too_late:
            excluded += 1
            continue
        millis = round(event.event_time * 1000)
        boundary = millis - millis % step + step  # a snapshot at T counts events before T
        seen = visible.get((event.instance_id, boundary))
        if seen is None:
            missing += 1
            continue
        values.append(seen - event.event_time)
        after.append(seen - boundary / 1000)
    return Delays(values, missing, excluded, after)


def contact_delays(ctrs: list[CtrIn], calls: list[TimedCall]) -> Delays:
    writes = _contact_writes(calls)
    values, missing = [], 0
    for ctr in ctrs:
        seen = next((at for at, queued in writes.get(ctr.window, []) if at > ctr.arrival and queued >= ctr.rank), None)
        if seen is None:
            missing += 1
        else:
            values.append(seen - ctr.arrival)
    return Delays(values, missing)


# --- the run -----------------------------------------------------------------------------------------------------


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopping it takes its JVM and workers too
        )


def _stop(process: subprocess.Popen[Any] | None, first: signal.Signals = signal.SIGTERM) -> None:
    """Stop the process group of a child this module started, by its PID."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, first)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


class _PacedSender:
    """The generator's records into Kinesis in real time: each round, one `PutRecords` (≤ 500 records) of every
    record whose time has come, rounds at least `period` seconds apart. Keeps (record, when its call returned)."""

    def __init__(self, emissions: Iterator[Emission], sink: KinesisSink, period: float, not_before: float) -> None:
        self.sent: list[tuple[Emission, float]] = []
        self.error: BaseException | None = None
        self._emissions = (e for e in emissions if e.on_stream and e.arrival.timestamp() >= not_before)
        self._sink = sink
        self._period = period
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paced sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            upcoming = next(self._emissions, None)
            while upcoming is not None and not self._stopping.is_set():
                began = time.time()
                due = upcoming.arrival.timestamp()
                if due > began:
                    self._stopping.wait(due - began)
                    continue
                batch = []
                while upcoming is not None and upcoming.arrival.timestamp() <= began:
                    batch.append(upcoming)
                    self._sink.write(upcoming)
                    upcoming = next(self._emissions, None)
                self._sink.flush()
                done = time.time()
                self.sent += [(e, done) for e in batch]
                self._stopping.wait(max(0.0, began + self._period - done))
        except BaseException as error:  # reported by the main loop
            self.error = error


def _properties(
    run_dir: Path, kinesis_url: str, stream: str, sink_url: str, database: str, ooo: int, s: FreshnessSettings
) -> Path:
    groups = {
        "source": {
            "stream.name": stream,
            "aws.region": "eu-west-2",
            "aws.endpoint": kinesis_url,
            "initial.position": "TRIM_HORIZON",
        },
        "metrics": {
            "agent_state.interval.seconds": str(s.interval_seconds),
            "watermark.out_of_orderness.seconds": str(ooo),
            "contact.window.seconds": str(s.contact_window_seconds),
            "contact.emit_interval.seconds": str(s.contact_emit_seconds),
        },
        "sink": {
            "types": "timestream",
            "timestream.database": database,
            "timestream.region": TIMESTREAM_REGION,
            "timestream.endpoint": sink_url,
            "timestream.dead_letter.path": str(run_dir / f"rejected-{database}.jsonl"),
        },
    }
    path = run_dir / f"properties-{database}.json"
    path.write_text(json.dumps(properties_document(groups), indent=2))
    return path


Variant = tuple[str, int]  # (source, out-of-orderness seconds)


def database_name(variant: Variant) -> str:
    source, ooo = variant
    return f"freshness_{source}_ooo{ooo}"


class RecordTee:
    """One simulation for both sources: takes the generator's stream records from `start` on, appends each to the
    paced file (`<arrival ms>\\t<record>` lines) `ahead` seconds before its time, whole lines only, and hands it
    to the Kinesis sender (`records()`), in the schedule's order."""

    def __init__(self, emissions: Iterator[Emission], start: float, paced: Path | None, ahead: float = 5.0) -> None:
        self.written = 0
        self.error: BaseException | None = None
        self._emissions = emissions
        self._start = start
        self._paced = paced
        self._ahead = ahead
        self._queue: queue.Queue[Emission | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="record tee", daemon=True)

    def start(self) -> "RecordTee":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def records(self) -> Iterator[Emission]:
        return iter(self._queue.get, None)

    def _run(self) -> None:
        fd = os.open(self._paced, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) if self._paced else None
        pending: list[str] = []

        def flush() -> None:
            if fd is not None and pending:
                os.write(fd, "".join(pending).encode())  # the source reads a line only once its newline is there
                self.written += len(pending)
                pending.clear()

        try:
            for emission in self._emissions:
                if self._stopping.is_set():
                    break
                at = emission.arrival.timestamp()
                if not emission.on_stream or at < self._start:
                    continue
                if at - self._ahead > time.time():
                    flush()
                    self._stopping.wait(at - self._ahead - time.time())
                pending.append(f"{round(at * 1000)}\t{emission.data}\n")
                self._queue.put(emission)
            flush()
        except BaseException as error:  # reported by the main loop through the sender
            self.error = error
        finally:
            self._queue.put(None)
            if fd is not None:
                os.close(fd)


def run_freshness(
    settings: FreshnessSettings, run_dir: Path, progress: Callable[[str], None] = lambda _: None
) -> FreshnessResults:
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**CREDENTIALS, "PYTHONUNBUFFERED": "1"}
    jobs: dict[Variant, subprocess.Popen[bytes]] = {}
    samplers: dict[Variant, MetricsSampler] = {}
    sender: _PacedSender | None = None
    sampling: SamplingThread | None = None
    began = time.monotonic()
    tee: RecordTee | None = None
    # The generator's start, after the jobs' start-up has begun. The simulation starts `lead_seconds` earlier and
    # what falls before `start` is not sent: a center already staffed, without the login burst of its first
    # minute; the tee simulates that lead before `start`.
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)
    t0 = start.timestamp()
    simulated_from = start - timedelta(seconds=settings.lead_seconds)
    paced = run_dir / "paced-records.tsv"
    paced.write_text("")  # the paced job opens it at once; the tee fills it as the records' times come
    with LocalStack(run_dir, shards=SHARDS) as endpoints, TimingProxy(endpoints.moto_url) as proxy:
        try:
            kinesis_url, kinesis = endpoints.kinesis_url, endpoints.kinesis_client()
            if settings.kinesis == "moto":
                kinesis_url, kinesis = endpoints.moto_url, endpoints.moto_client("kinesis")
                kinesis.create_stream(StreamName=endpoints.stream_name, ShardCount=MOTO_SHARDS)
                env["AWS_CBOR_DISABLE"] = "true"  # moto's Kinesis speaks JSON only (AWS SDK v1 of the consumer)
            for variant in settings.variants():
                source, ooo = variant
                database = database_name(variant)
                create_tables(endpoints.moto_url, TIMESTREAM_REGION, database, TABLES)
                properties = _properties(
                    run_dir, kinesis_url, endpoints.stream_name, proxy.url, database, ooo, settings
                )
                port = free_port()
                command = [sys.executable, "-m", "flink_app", "run", "--properties", str(properties)]
                command += ["--parallelism", str(settings.parallelism), "--rest-port", str(port)]
                if source == "paced":
                    command += ["--paced-input", str(paced)]
                jobs[variant] = _start(command, run_dir / f"job-{database}.log", env)
                samplers[variant] = MetricsSampler(f"http://127.0.0.1:{port}")
            progress(
                f"freshness: Kinesis: {settings.kinesis} {kinesis_url}, Timestream: moto {endpoints.moto_url} behind "
                f"a timing proxy; {len(jobs)} job(s) starting ("
                + ", ".join(f"{source}, out-of-orderness {ooo} s" for source, ooo in jobs)
                + f"); the generator's {settings.agents:,} agents in real time from {start:%H:%M:%S}"
            )
            sink = KinesisSink(kinesis, endpoints.stream_name, batch_size=MAX_PUT_RECORDS)
            _, emissions = simulate(settings.simulation(simulated_from))
            tee = RecordTee(emissions, t0, paced if "paced" in settings.sources else None).start()
            sender = _PacedSender(tee.records(), sink, settings.send_period_seconds, t0)
            sender.start()
            first_writes: dict[Variant, float] = {}
            measured_from: float | None = None
            stop_at: float | None = None
            sampling = SamplingThread(
                list(samplers.values()),
                settings.metrics_period_seconds,
                lambda: measured_from is not None and time.time() >= measured_from,
            ).start()
            next_report = t0 + 30
            while stop_at is None or time.time() < stop_at:
                if sender.error is not None or not sender.alive() or tee.error is not None:
                    raise ServerFailed(
                        f"freshness: sending to {settings.kinesis} failed: {sender.error or tee.error!r}"
                    )
                for variant, process in jobs.items():
                    if process.poll() is not None:
                        raise ServerFailed(
                            f"freshness: the job {variant} stopped (code {process.returncode}); "
                            f"see {run_dir / f'job-{database_name(variant)}.log'}"
                        )
                if stop_at is None:
                    for call in proxy.calls():
                        for variant in jobs:
                            if call.body.get("DatabaseName") == database_name(variant):
                                first_writes.setdefault(variant, call.accepted)
                    if len(first_writes) == len(jobs):
                        measured_from = max(
                            t0 + settings.warmup_seconds, max(first_writes.values()) + settings.interval_seconds
                        )
                        stop_at = measured_from + settings.measure_seconds + settings.drain_seconds
                        progress(
                            f"freshness: every job writes (first at {max(first_writes.values()) - t0:.0f} s); "
                            f"measuring {settings.measure_seconds} s from {measured_from - t0:.0f} s, then "
                            f"{settings.drain_seconds} s for their last rows"
                        )
                    elif time.time() - t0 > settings.startup_timeout_seconds:
                        raise ServerFailed(
                            f"freshness: no write within {settings.startup_timeout_seconds} s of the start; see the "
                            f"job logs in {run_dir}"
                        )
                if time.time() >= next_report:
                    next_report += 30
                    behind = time.time() - sender.sent[-1][0].arrival.timestamp() if sender.sent else float("nan")
                    left = f", {stop_at - time.time():.0f} s to go" if stop_at else ""
                    progress(
                        f"freshness: {len(sender.sent):,} records sent, the last {behind:.1f} s after its time{left}"
                    )
                time.sleep(0.5)
        finally:
            if sampling is not None:
                sampling.stop()
            if tee is not None:
                tee.stop()
            if sender is not None:
                sender.stop()
            for process in jobs.values():
                _stop(process)
            paced.unlink(missing_ok=True)  # up to a GB; the seeded simulation gives the same records again
        calls = proxy.calls()
    progress(f"freshness: stopped the sender, the job(s), the proxy and the local stack; {len(calls)} writes")
    assert measured_from is not None
    _, again = simulate(settings.simulation(simulated_from))  # the same records: the schedule, sent or not
    scheduled = []
    for emission in again:
        if emission.arrival.timestamp() >= measured_from + settings.measure_seconds:
            break
        if emission.on_stream and emission.arrival.timestamp() >= t0:
            scheduled.append(emission)
    return _results(settings, run_dir, t0, measured_from, began, scheduled, sender.sent, calls, first_writes, samplers)


def _results(
    settings: FreshnessSettings,
    run_dir: Path,
    t0: float,
    measured_from: float,
    began: float,
    scheduled: list[Emission],
    sent: list[tuple[Emission, float]],
    calls: list[TimedCall],
    first_writes: dict[Variant, float],
    samplers: dict[Variant, MetricsSampler],
) -> FreshnessResults:
    measured_to = measured_from + settings.measure_seconds
    schedule = _schedule(scheduled, settings.contact_window_seconds)
    in_window = [e for e in scheduled if measured_from <= e.arrival.timestamp()]
    delivered = [at for _, at in sent if measured_from <= at < measured_to]
    send_delays = [at - e.arrival.timestamp() for e, at in sent if measured_from <= e.arrival.timestamp() < measured_to]
    events = [e for e in schedule.agent_events if measured_from <= e.event_time < measured_to]
    ctrs = [c for c in schedule.ctrs if measured_from <= c.arrival < measured_to]
    results = FreshnessResults(
        settings=settings,
        measured_from=measured_from - t0,
        measured_seconds=settings.measure_seconds,
        run_seconds=time.monotonic() - began,
        scheduled_rate=len(in_window) / settings.measure_seconds,
        achieved_rate=len(delivered) / settings.measure_seconds,
        send_delay=Delays(send_delays, missing=len(in_window) - len(send_delays)),
        measured_records={"stream records": len(in_window), "agent events": len(events), "queued CTRs": len(ctrs)},
        fell_behind_at=next((e.arrival.timestamp() - t0 for e, at in sent if at - e.arrival.timestamp() > 2.0), None),
    )
    for variant in settings.variants():
        source, ooo = variant
        own = [c for c in calls if c.status == 200 and c.body.get("DatabaseName") == database_name(variant)]
        too_late = _too_late_event_ids(run_dir / f"job-{database_name(variant)}.log")
        sampler = samplers[variant]
        results.variants.append(
            VariantResult(
                source=source,
                out_of_orderness_seconds=ooo,
                agent_state=agent_state_delays(
                    events,
                    [c for c in own if c.body.get("TableName") == AGENT_STATE],
                    settings.interval_seconds,
                    too_late,
                ),
                contacts=contact_delays(ctrs, [c for c in own if c.body.get("TableName") == CONTACTS]),
                write_calls=len(own),
                first_write_after_start=first_writes[variant] - t0,
                stages={st.label: sampler.figure(st) for st in (*AGENT_STAGES, *CONTACT_STAGES, BATCH_FILL)},
                back_pressure_max=max(sampler.back_pressure, default=float("nan")),
                metric_samples=len(sampler.back_pressure),
            )
        )
    return results


# --- the results file ---------------------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return "-" if value != value else f"{value:,.1f}"  # NaN: nothing measured


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


OUR_SHARE_SECONDS = 2.0  # the job's share after the window and the watermark the definitions require


def target(table: str, ooo: int, settings: FreshnessSettings) -> float:
    """p99 target (issue 14). Agent state: boundary T → stored ≤ out-of-orderness + 2 s (event → stored is then
    ≤ interval + out-of-orderness + 2 s by construction). Contacts: CTR arrival → stored ≤ emit interval + 2 s."""
    wait = ooo if table == AGENT_STATE else settings.contact_emit_seconds
    return wait + OUR_SHARE_SECONDS


def judged(table: str, v: "VariantResult") -> list[float]:
    """The delays the target is about: boundary → stored for agent state, arrival → stored for contacts."""
    return v.agent_state.after_boundary if table == AGENT_STATE else v.contacts.values


def verdict(delays: Delays, values: list[float], goal: float) -> str:
    if not values:
        return "not measured"
    return "met" if _percentile(values, 99) <= goal and not delays.missing else "NOT met"


def _pair(values: list[float]) -> str:
    return f"{_seconds(_percentile(values, 50))} / {_seconds(_percentile(values, 99))}"


def _stage_cell(figure: StageFigure | None, scale: float = 1000.0) -> str:
    if figure is None:
        return "-"
    return f"{figure.p50 / scale:,.2f} / {figure.p99 / scale:,.2f}"


def section_lines(r: FreshnessResults) -> list[str]:
    """The `## Freshness` section of bench/RESULTS.md."""
    s = r.settings
    out = ["## Freshness: event time → row stored in the local Timestream (issues 8 and 14)", ""]
    out += [
        "Live, on the real parts, two sources side by side in one run: **kinesis**, "
        + (
            f"moto's Kinesis ({MOTO_SHARDS} shard, plain HTTP on loopback; the job's polling consumer reads it with "
            "the AWS SDK's CBOR off, `AWS_CBOR_DISABLE=true`, as moto speaks JSON only. Why moto: kinesis-local, "
            "`make run`'s endpoint, cannot hold this rate: it stalled after about 11,500 records of 2.7 KB sent "
            "at 220 records/s, its one Node thread at 100 %. Why one shard: with two, concurrent PutRecords and "
            "GetRecords raced inside moto (`RuntimeError: OrderedDict mutated during iteration`) and it handed the "
            "job the same records again. moto's own `Shard` lists every sequence number it holds on each put and "
            "scans from the start on each `GetRecords`, so its cost per record grows with the stream: it fell behind "
            "after about 200 s (39,000 records) at this rate and stalled; `local_stack.moto_main` makes that cost "
            "constant and changes nothing else)"
            if s.kinesis == "moto"
            else f"kinesis-local (the npm Node build of kinesis-mock, {SHARDS} shards, plain HTTP on loopback)"
        )
        + ", and **paced**, the same records from a file, each emitted by the job's source at its scheduled "
        "arrival (`python -m flink_app run --paced-input`, Java `PacedLineSource`, the same event-time rule as "
        "one shard): a source that cannot be the bottleneck, so the difference between the two is the local "
        "endpoint's share. Input: the project's traffic generator, its seeded simulation "
        f"(`traffic_generator.simulation`, seed {s.seed}, {s.agents:,} agents, {s.queues} queues, "
        f"{s.routing_profiles} routing profiles, its defaults otherwise: 1 % duplicate agent events, 10 % CTRs "
        "re-delivered, outbound calls, transfers, callbacks, chats) starting at the wall clock, so event times "
        f"are real times; sent to Kinesis by its `KinesisSink`, every {s.send_period_seconds:g} s one "
        f"`PutRecords` of the records whose time has come. The simulation starts {s.lead_seconds} s before the "
        "benchmark and what falls before is not sent (a center already staffed). Agent events reach the stream "
        "0-1 s after their `EventTimestamp` (the simulation's delivery jitter); on Kinesis they also wait up to "
        "one round for their `PutRecords`. Each source is read by its own job (`python -m flink_app run "
        f"--parallelism {s.parallelism}`: from TRIM_HORIZON, checkpoints every {s.checkpoint_seconds} s, "
        f"snapshot interval {s.interval_seconds} s, contact windows of {s.contact_window_seconds} s written at "
        f"most every {s.contact_emit_seconds} s, watermark out-of-orderness "
        + " and ".join(sorted({f"{v.out_of_orderness_seconds} s" for v in r.variants}))
        + "; Timestream sink at its defaults) writing its own database in moto through a pass-through proxy "
        "(`bench/timing_proxy.py`) that stamps each `WriteRecords` call with the moment moto answered it.",
        "",
        f"Rate: the schedule puts **{r.scheduled_rate:,.0f} records/s** on the stream over the measured "
        f"{r.measured_seconds:,.0f} s and {s.kinesis} took **{r.achieved_rate:,.0f} records/s** in it; a record's "
        f"`PutRecords` returned {_seconds(r.send_delay.percentile(50))} s (p50), "
        f"{_seconds(r.send_delay.percentile(99))} s (p99), {_seconds(max(r.send_delay.values, default=float('nan')))} "
        "s (max) after its scheduled time"
        + (
            " (the endpoint took the writes in time)."
            if r.send_delay.values and r.send_delay.percentile(99) <= 2.0 and not r.send_delay.missing
            else f"; {r.send_delay.missing:,} of the window's records were not sent by the end: **{s.kinesis} "
            "did not keep up with this rate**"
            + (
                f" (its `PutRecords` first returned more than 2 s late for a record due {r.fell_behind_at:,.0f} s "
                "after the start)"
                if r.fell_behind_at is not None
                else ""
            )
            + ", and its backlog is inside the kinesis figures below; the paced job's are the job's own."
        )
        + f" Measured: the records with event times (CTRs: arrivals) in {r.measured_seconds:,.0f} s from "
        f"{r.measured_from:,.0f} s after the start (at least {s.warmup_seconds} s, and one interval after every "
        "job's first write, which came at "
        + ", ".join(f"{v.first_write_after_start:,.0f} s ({v.source})" for v in r.variants)
        + "): "
        + ", ".join(f"{v:,} {k}" for k, v in r.measured_records.items())
        + f"; then {s.drain_seconds} s more for their last rows. Whole run {r.run_seconds:,.0f} s.",
        "",
    ]
    rows = []
    for v in r.variants:
        for table, delays in ((AGENT_STATE, v.agent_state), (CONTACTS, v.contacts)):
            goal = target(table, v.out_of_orderness_seconds, s)
            judged_values = judged(table, v)
            rows.append(
                [
                    f"**{v.source}**",
                    f"`{table}`",
                    f"{v.out_of_orderness_seconds} s"
                    + (" (default)" if v.out_of_orderness_seconds == DEFAULT_OOO else ""),
                    f"{len(delays.values):,}",
                    _pair(delays.values),
                    _seconds(max(delays.values, default=float("nan"))),
                    _pair(v.agent_state.after_boundary) if table == AGENT_STATE else "-",
                    ("boundary → stored" if table == AGENT_STATE else "arrival → stored") + f" ≤ {goal:,.0f} s",
                    f"**{verdict(delays, judged_values, goal)}**",
                    f"{delays.missing:,}" + (f" (+{delays.excluded:,} too_late)" if delays.excluded else ""),
                ]
            )
    out += _markdown_table(
        [
            "source",
            "table",
            "out-of-orderness",
            "records measured",
            "event (CTR: arrival) → stored, p50 / p99 s",
            "max, s",
            "boundary T → stored, p50 / p99 s",
            "target, p99",
            "verdict",
            "no row by the end",
        ],
        rows,
    )
    out += [
        "",
        "Where the time goes, by the job's own metrics (the gauges Managed Flink publishes to CloudWatch, read "
        f"over the local REST API every {s.metrics_period_seconds:g} s during the measured window: p50 = the "
        "median of the sampled p50 gauges, p99 = the highest sampled p99 gauge, each gauge over its operator's "
        "last 1,000 samples; plain gauges: median / highest sample), seconds:",
        "",
    ]
    header = ["stage (metric)"] + [f"{v.source}, {v.out_of_orderness_seconds} s" for v in r.variants]
    stage_rows = []
    for stage in (*AGENT_STAGES, *CONTACT_STAGES):
        stage_rows.append(
            [f"{stage.label} (`{stage.metric}`)"] + [_stage_cell(v.stages.get(stage.label)) for v in r.variants]
        )
    stage_rows.append(
        [f"{BATCH_FILL.label} (`{BATCH_FILL.metric}`), records"]
        + [_stage_cell(v.stages.get(BATCH_FILL.label), scale=1.0) for v in r.variants]
    )
    stage_rows.append(
        ["back-pressure: the busiest vertex's `backPressuredTimeMsPerSecond`, highest sample, ms/s"]
        + [_seconds(v.back_pressure_max) for v in r.variants]
    )
    out += _markdown_table(header, stage_rows)
    out += [
        "",
        f"Definitions. `{AGENT_STATE}`: for each agent event (first copy of its `EventId`) with event time e, the "
        "snapshot boundary T that first counts it (the next multiple of the interval after e: the snapshot at T "
        "counts events before T); visible = when moto accepted the last `WriteRecords` call carrying a row of T "
        "(every queue of the instance: the whole snapshot is in); event → stored = visible - e, boundary → "
        "stored = visible - T. The snapshot at T is written when the watermark passes T, i.e. once an agent "
        "event later than T + out-of-orderness has been read: the out-of-orderness is the definitions' share of "
        "boundary → stored, the rest is the reading, the job and the sink. Events the job refused as `too_late` "
        f"(their snapshot was already final) are never visible and counted apart. `{CONTACTS}`: for each queued "
        "CTR (first delivery of its `ContactId`, with `Queue.EnqueueTimestamp`: the contacts the job counts), "
        "from its arrival on the stream (Connect sends a CTR a minute or more after the contact; that delay is "
        "Connect's) to the first accepted write of its tumbling window whose `contacts_queued` reaches the "
        "CTR's rank among the window's queued contacts by arrival. A window's figures go out at most once per "
        "emit interval, so that interval bounds the figure. Targets (issue 14): p99 within the out-of-"
        f"orderness (agent state) or the emit interval (contacts) + {OUR_SHARE_SECONDS:g} s, and every measured "
        "record visible by the end.",
        "",
    ]
    return out


def summary(r: FreshnessResults) -> list[str]:
    lines = []
    for v in r.variants:
        for table in (AGENT_STATE, CONTACTS):
            delays = v.agent_state if table == AGENT_STATE else v.contacts
            goal = target(table, v.out_of_orderness_seconds, r.settings)
            values = judged(table, v)
            what = "boundary → stored" if table == AGENT_STATE else "arrival → stored"
            lines.append(
                f"freshness, {v.source}, {table}, out-of-orderness {v.out_of_orderness_seconds} s: {what} "
                f"p50 {_seconds(_percentile(values, 50))} s, p99 {_seconds(_percentile(values, 99))} s "
                f"(target ≤ {goal:,.0f} s: {verdict(delays, values, goal)}) at {r.achieved_rate:,.0f} records/s"
            )
    return lines
