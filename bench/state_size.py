"""State size (issue 8, item 4): bytes of the job's Flink state per agent, per queue and per contact.

The real job graph (`flink_app`: parse step, `MetricsJob`'s keyed Java operators, file sinks) runs on a
local mini-cluster over the traffic generator's records for N agents, read by a file source that keeps
watching its file, so the job never reaches the end of its input (a bounded replay would fire every timer
at the end and empty the state). Once every agent event and CTR has reached its keyed operator (REST
metrics), the worker:

1. measures the JVM heap after a full GC with the state loaded (hashmap state backend: state lives as Java
   objects on the heap), with a class histogram;
2. takes a savepoint (canonical format; for the hashmap backend the same bytes as a full checkpoint) and
   reads its `_metadata` with Flink's own loader: bytes per operator, keyed and operator state;
3. cancels the job and measures the heap again (and a second class histogram: what the job held);
4. restores the same graph from that savepoint on the RocksDB state backend (what Managed Flink uses),
   measures the heap of that job (the same graph, its state off the heap: the baseline of the state's heap),
   takes a native savepoint (RocksDB's own SST files) and measures RocksDB's local working directory.

The contact operators hold hours of contacts in steady state (dedup TTL, allowed lateness): the contact
rate comes from an hours-long generator run at fewer agents, and the same worker over that run checks the
extrapolation in steady state. The Kinesis source's state (shard offsets) is not in a file replay: its bytes
per shard come from the Kinesis consumer's own state serializer over shard entries shaped as a real stream's.

`python -m bench --only state` runs it; `python -m bench.state_size worker ...` is the worker process.
"""

import argparse
import contextlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import window_state
from bench.proctree import PeakTreeMemory

AGENT_VERTEX = "agent state: per agent"
CONTACT_VERTEX = "contacts: best copy per contact"
NEVER = datetime.min.replace(tzinfo=UTC)
HEAP_NOISE_BYTES = 16 * 2**20  # heap differences below this are noise (GC timing, other objects)
KPU_MEMORY_GB = 4  # per KPU: 1 vCPU, 4 GB memory (3 GB heap, 1 GB native), 50 GB running application storage
KPU_HEAP_GB = 3  # AWS writes GB: counted as 10^9 bytes here, the smaller reading
KPU_STORAGE_GB = 50


@dataclass(frozen=True)
class StateSettings:
    agents: int
    queues: int
    routing_profiles: int
    duration_seconds: int
    parallelism: int = 1
    rocksdb: bool = True
    check: bool = True  # also run the job over the contact-rate run's input: steady state, measured
    rate_agents: int = 400  # the contact-rate run: a smaller center, same agents per queue, a day long
    rate_hours: float = 24
    kinesis_shards: int = 50
    seed: int = 7
    start: str = "2026-01-05T09:00:00Z"
    dedup_ttl_seconds: int = 7200  # the job's defaults (flink_app/config.py)
    allowed_lateness_seconds: int = 3600
    window_seconds: int = 60
    rolling_seconds: int = 900
    queue_max_wait_seconds: int = 7200

    @property
    def view_shape(self) -> window_state.ViewShape:
        return window_state.ViewShape(self.window_seconds, self.rolling_seconds, self.allowed_lateness_seconds)

    @property
    def rate_start(self) -> str:
        """The rate run starts at midnight (UTC, the job's default day) of the main run's day: a whole day."""
        return self.start[:10] + "T00:00:00Z"

    @property
    def rate_queues(self) -> int:
        return max(1, round(self.queues * self.rate_agents / self.agents))

    def generator_command(self, rate_run: bool = False) -> list[str]:
        agents, queues, profiles, duration = (
            (self.rate_agents, self.rate_queues, self.rate_queues, int(self.rate_hours * 3600))
            if rate_run
            else (self.agents, self.queues, self.routing_profiles, self.duration_seconds)
        )
        return [
            "-m",
            "traffic_generator",
            "--agents",
            str(agents),
            "--queues",
            str(queues),
            "--routing-profiles",
            str(profiles),
            "--seed",
            str(self.seed),
            "--duration",
            str(duration),
            "--start",
            self.rate_start if rate_run else self.start,
            "--contact-events-to-stream",  # as the Terraform wires them: the live queue has its input
            "--quiet",
        ]


@dataclass
class InputCounts:
    records: int = 0
    bytes: int = 0
    agent_events: int = 0
    ctrs: int = 0
    agents: set[bytes] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)
    event_contacts: dict[str, datetime] = field(default_factory=dict)  # contact id -> its newest contact event
    routing_profiles: set[bytes] = field(default_factory=set)
    queues: set[str] = field(default_factory=set)  # inbound queues of the agents' routing profiles
    last_agent_event: datetime = NEVER


@dataclass
class ContactRate:
    agents: int
    queues: int
    span_seconds: float
    contacts: int  # distinct contacts disconnected within the span (after a warm-up)
    queued: int  # of which reached a queue

    def per_agent_hour(self, queued: bool = False) -> float:
        return (self.queued if queued else self.contacts) / self.agents / (self.span_seconds / 3600)


@dataclass
class StateResults:
    settings: StateSettings
    input_records: int
    input_bytes: int
    agent_events: int
    ctrs: int
    agents: int
    contacts: int
    queues: int  # queues in the per-instance state: those of the routing profiles in the input
    rate: ContactRate
    worker: dict
    peak_rss_mib: float
    seconds: float
    check: dict | None = None  # the worker over the contact-rate run's input (steady state), held contacts added
    views: dict = field(default_factory=dict)  # view -> window_state.Held of this run's input (all held)
    event_contacts: int = 0  # contacts with contact events: the live queue's per-contact keys

    def operator(self, uid: str, backend: str = "hashmap") -> int:
        return sum(o["total_bytes"] for o in self.worker.get(f"{backend}_operators", []) if o["uid"] == uid)

    def total(self, backend: str = "hashmap") -> int:
        return sum(o["total_bytes"] for o in self.worker.get(f"{backend}_operators", []))

    def per_key(self, uid: str, backend: str = "hashmap") -> float:
        return self.operator(uid, backend) / max(self.keys(uid), 1)

    def keys(self, uid: str) -> int:
        """What each operator's state grows with, in this run's input."""
        views = {u: self.views[v].entries for v, u in window_state.VIEW_UIDS.items() if v in self.views}
        return {
            "agent-state-per-agent": self.agents,
            "agent-state-per-instance": self.queues,
            "contacts-dedup": self.contacts,
            **views,
            "live-queue-per-contact": self.event_contacts,
            "live-queue-per-instance": self.queues,
        }[uid]

    @property
    def heap_state_bytes(self) -> int | None:
        """Heap of the state: the hashmap job after GC minus the same job restored on RocksDB (state off heap)."""
        w = self.worker
        if "heap_rocksdb_job" in w:
            return w["heap_with_state"] - w["heap_rocksdb_job"]
        return None

    def steady(self, agents: int) -> dict[str, dict[str, float]]:
        """State held at `agents` agents in steady state: the measured bytes per key times the keys held."""
        s = self.settings
        queues = self.queues * agents / self.agents
        dedup_contacts = self.rate.per_agent_hour() * agents * s.dedup_ttl_seconds / 3600
        rows = {
            "agents": ("agent-state-per-agent", agents),
            "queues": ("agent-state-per-instance", queues),
            "contacts (dedup)": ("contacts-dedup", dedup_contacts),
        }
        for view, held in self.steady_view_entries(agents).items():
            rows[VIEW_ROWS[view]] = (window_state.VIEW_UIDS[view], held)
        rows["live queue: contacts"] = ("live-queue-per-contact", self.steady_live_queue_contacts(agents))
        rows["live queue: queues"] = ("live-queue-per-instance", queues)
        out = {}
        for name, (uid, keys) in rows.items():
            out[name] = {
                "keys": keys,
                "hashmap": keys * self.per_key(uid, "hashmap"),
                "rocksdb": keys * self.per_key(uid, "rocksdb") if self.worker.get("rocksdb_operators") else 0.0,
            }
        kinesis = self.worker.get("kinesis_state_bytes", 0)
        out["Kinesis shards"] = {"keys": self.worker.get("kinesis_shards", 0), "hashmap": kinesis, "rocksdb": kinesis}
        return out

    def steady_view_entries(self, agents: int) -> dict[str, float]:
        """Value entries each view holds in steady state at `agents` (the daily view: at the day's end). Measured:
        the day-long check run's entries per queue (the same agents per queue) times the queues. Without it, a
        model: the steady (window, contact) pairs at the measured rate times this run's entries per pair."""
        queues = self.queues * agents / self.agents
        c = self.check
        if c and c.get("views_held") and c.get("queues"):
            return {view: h["entries"] / c["queues"] * queues for view, h in c["views_held"].items()}
        per_second = self.rate.per_agent_hour(queued=True) * agents / 3600
        pairs = window_state.steady_memberships(per_second, self.settings.view_shape)
        return {view: pairs[view] * h.entries / max(h.memberships, 1) for view, h in self.views.items()}

    def steady_live_queue_contacts(self, agents: int) -> float:
        """Contacts the live queue holds (newest contact event + queue.max_wait not passed), per agent as the
        check run held them; without it, this run's contacts (a short run: a lower bound)."""
        c = self.check
        if c and c.get("live_queue_held") is not None and c.get("agents"):
            return c["live_queue_held"] / c["agents"] * agents
        return self.event_contacts * agents / max(self.agents, 1)


WINDOW_OF = {"tumbling": "minute", "rolling": "window end (the last contact.rolling.seconds)", "daily": "day"}
VIEW_ROWS = {
    "tumbling": "contacts (tumbling windows)",
    "rolling": "contacts (rolling windows)",
    "daily": "contacts (daily windows, at the day's end)",
}
PROFILE = b'"RoutingProfile":{"ARN":"'
CONTACT_EVENT = b'"detail-type":"Amazon Connect Contact Event"'


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _count_input(path: Path) -> InputCounts:
    counts = InputCounts()
    with path.open("rb") as handle:
        for line in handle:
            counts.records += 1
            counts.bytes += len(line.rstrip(b"\n"))
            if b'"AWSContactTraceRecordFormatVersion"' in line:
                counts.ctrs += 1
                record = json.loads(line)
                counts.contacts.add(record["ContactId"])
            elif CONTACT_EVENT in line:
                event = json.loads(line)  # its envelope time: within seconds of its step, held for hours
                contact, stamp = event["detail"].get("contactId"), _time(event["time"])
                counts.event_contacts[contact] = max(counts.event_contacts.get(contact, NEVER), stamp)
            elif b'"EventType"' in line:
                counts.agent_events += 1
                start = line.find(b'"AgentARN":"')
                if start >= 0:
                    counts.agents.add(line[start + 12 : line.index(b'"', start + 12)])
                start = line.find(b'"EventTimestamp":"')
                if start >= 0:
                    stamp = _time(line[start + 18 : line.index(b'"', start + 18)].decode())
                    counts.last_agent_event = max(counts.last_agent_event, stamp)
                start = line.find(PROFILE)
                if start >= 0:
                    profile = line[start + len(PROFILE) : line.index(b'"', start + len(PROFILE))]
                    if profile not in counts.routing_profiles:  # parsed once per profile: its queues
                        counts.routing_profiles.add(profile)
                        configuration = json.loads(line)["CurrentAgentSnapshot"]["Configuration"]
                        counts.queues.update(q["ARN"] for q in configuration["RoutingProfile"]["InboundQueues"])
    return counts


def _contact_rate(settings: StateSettings, path: Path) -> ContactRate:
    """Contacts per agent-hour from the rate run: those disconnected after the first half hour (the warm-up) and
    five minutes before its end (their CTRs may not be out yet), all re-deliveries counted once."""
    start = _time(settings.rate_start)
    warm_up = timedelta(minutes=30)
    span = timedelta(hours=settings.rate_hours) - warm_up - timedelta(minutes=5)
    contacts, queued = set(), set()
    with path.open("rb") as handle:
        for line in handle:
            if b'"AWSContactTraceRecordFormatVersion"' not in line:
                continue
            record = json.loads(line)
            disconnect = _time(record["DisconnectTimestamp"])
            if start + warm_up <= disconnect < start + warm_up + span:
                contacts.add(record["ContactId"])
                if record.get("Queue"):
                    queued.add(record["ContactId"])
    return ContactRate(settings.rate_agents, settings.rate_queues, span.total_seconds(), len(contacts), len(queued))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_worker(
    settings: StateSettings, data: Path, counts: InputCounts, run_dir: Path, rocksdb: bool, log: Path
) -> tuple[dict, float]:
    """The worker process over `data`: its results and the peak RSS (MiB) of its process tree."""
    result_file = run_dir / "worker.json"
    command = [
        sys.executable,
        "-m",
        "bench.state_size",
        "worker",
        "--input",
        str(data),
        "--output-dir",
        str(run_dir / "out"),
        "--savepoints",
        str(run_dir / "savepoints"),
        "--result",
        str(result_file),
        "--parallelism",
        str(settings.parallelism),
        "--agent-events",
        str(counts.agent_events),
        "--ctrs",
        str(counts.ctrs),
        "--last-event-ms",
        str(int(counts.last_agent_event.timestamp() * 1000)),
        "--port",
        str(_free_port()),
        "--kinesis-shards",
        str(settings.kinesis_shards),
        "--rocksdb" if rocksdb else "--no-rocksdb",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            with PeakTreeMemory(process.pid) as memory:
                process.wait(timeout=3600)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # what of its process group outlived it, by the group id
                os.killpg(process.pid, signal.SIGKILL)
    if process.returncode != 0:
        raise RuntimeError(f"the state worker failed (exit {process.returncode}); see {log}")
    result = json.loads(result_file.read_text())
    shutil.rmtree(run_dir / "savepoints", ignore_errors=True)
    return result, memory.peak_mib


def _held(settings: StateSettings, path: Path, counts: InputCounts, watermark: datetime) -> dict:
    """What the contact operators hold at `watermark`, counted in the input: the dedup's contacts (TTL after
    their DisconnectTimestamp not passed), the views' windows (window_state), the live queue's contacts
    (newest contact event + queue.max_wait not passed)."""
    mark = watermark.timestamp() * 1000
    dedup = set()
    with path.open("rb") as handle:
        for line in handle:
            if b'"AWSContactTraceRecordFormatVersion"' not in line:
                continue
            record = json.loads(line)
            if _time(record["DisconnectTimestamp"]).timestamp() * 1000 + settings.dedup_ttl_seconds * 1000 > mark:
                dedup.add(record["ContactId"])
    views = window_state.held_in_file(path, settings.view_shape, int(mark))
    max_wait = timedelta(seconds=settings.queue_max_wait_seconds)
    waiting = sum(1 for newest in counts.event_contacts.values() if newest + max_wait > watermark)
    return {
        "dedup_held": len(dedup),
        "views_held": {view: vars(h) for view, h in views.items()},
        "live_queue_held": waiting,
    }


def run_state_bench(settings: StateSettings, run_dir: Path, progress: Callable[[str], None]) -> StateResults:
    run_dir.mkdir(parents=True, exist_ok=True)
    log = run_dir / "state.log"
    began = time.monotonic()
    data = run_dir / "traffic.jsonl"
    progress(f"state: generating traffic ({settings.agents:,} agents, {settings.duration_seconds} s)")
    with log.open("ab") as out:
        command = [sys.executable, *settings.generator_command(), "--output", str(data)]
        subprocess.run(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, check=True)
    counts = _count_input(data)
    progress(f"state: {counts.records:,} records, {len(counts.agents):,} agents, {len(counts.contacts):,} contacts")
    views = window_state.held_in_file(data, settings.view_shape, None)  # a short run: every window is held
    progress("state: the job on the hashmap backend, savepoint" + (", restored on RocksDB" if settings.rocksdb else ""))
    worker_result, peak = _run_worker(settings, data, counts, run_dir, settings.rocksdb, log)
    data.unlink()  # gigabytes at the defaults: regenerated by the next run
    progress(f"state: contact rate run ({settings.rate_agents} agents, {settings.rate_hours:g} h)")
    rate_data = run_dir / "rate.jsonl"
    with log.open("ab") as out:
        command = [sys.executable, *settings.generator_command(rate_run=True), "--output", str(rate_data)]
        subprocess.run(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, check=True)
    rate = _contact_rate(settings, rate_data)
    check = None
    if settings.check:
        progress("state: the job over the contact-rate run, in steady state (check)")
        rate_counts = _count_input(rate_data)
        check_dir = run_dir / "check"
        check_dir.mkdir(exist_ok=True)
        check, _ = _run_worker(settings, rate_data, rate_counts, check_dir, False, log)
        watermark = rate_counts.last_agent_event - timedelta(seconds=5)  # the job's out-of-orderness default
        check.update(_held(settings, rate_data, rate_counts, watermark))
        check["queues"] = len(rate_counts.queues)
        check["agents"] = len(rate_counts.agents)
    rate_data.unlink()
    results = StateResults(
        settings=settings,
        input_records=counts.records,
        input_bytes=counts.bytes,
        agent_events=counts.agent_events,
        ctrs=counts.ctrs,
        agents=len(counts.agents),
        contacts=len(counts.contacts),
        queues=len(counts.queues),
        rate=rate,
        worker=worker_result,
        peak_rss_mib=peak,
        seconds=time.monotonic() - began,
        check=check,
        views=views,
        event_contacts=len(counts.event_contacts),
    )
    with (run_dir / "results.pickle").open("wb") as handle:  # to re-render without rerunning
        pickle.dump(results, handle)
    return results


KPU_SOURCE = (
    "KPU: Managed Service for Apache Flink developer guide, Review application resources "
    "(https://docs.aws.amazon.com/managed-flink/latest/java/how-resources.html): one KPU is one CPU core, 4 GB of "
    "memory (1 GB native, 3 GB heap) and 50 GB of disk; the pricing page calls the disk 50 GB of running "
    "application storage per KPU. State backend: Apache Flink settings "
    "(https://docs.aws.amazon.com/managed-flink/latest/java/reference-flink-settings.title.html): Managed Flink "
    "uses the RocksDB state backend (setStateBackend has no effect), with incremental and asynchronous snapshots."
)


def _mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def _size(value: float) -> str:
    if value >= 2**30:
        return f"{value / 2**30:,.2f} GiB"
    return _mib(value) if value >= 2**20 else f"{value / 2**10:,.1f} KiB"


def state_section(r: StateResults) -> list[str]:
    s, w = r.settings, r.worker
    rocks = bool(w.get("rocksdb_operators"))
    command = " ".join([".venv/bin/python", *s.generator_command(), "--output", "traffic.jsonl"])
    out = ["## State size: bytes of Flink state per agent, per queue and per contact (issue 8, item 4)", ""]
    out += [
        f"Input: the project's traffic generator, {s.agents:,} agents, {s.queues:,} queues, {s.routing_profiles:,} "
        f"routing profiles, {s.duration_seconds} s (`{command}`): {r.input_records:,} stream records "
        f"({r.agent_events:,} agent events, {r.ctrs:,} CTRs), {r.input_bytes / 2**30:,.2f} GiB. The job: the graph "
        f"of `flink_app` (JVM parse step, the keyed Java "
        "operators of `MetricsJob`, file sinks) at parallelism "
        f"{s.parallelism} on a local mini-cluster, reading the file with a source that keeps watching it, so the "
        "input never ends (a bounded replay fires every timer at its end and empties the state). Once the keyed "
        "operators had read every agent event and CTR (REST metrics) and no operator moved for 6 s "
        f"({w['job_seconds']:,.0f} s after the start): a savepoint in canonical format on the hashmap backend "
        "(the bytes of a full checkpoint), read back with Flink's own `Checkpoints.loadCheckpointMetadata`"
        + (
            "; then the same graph restored from it on the RocksDB backend (Managed Flink's) and a native "
            "savepoint, i.e. RocksDB's own SST files."
            if rocks
            else "."
        )
        + _watermark_clause(w)
        + " Keyed state includes the operators' timers. Keys held, counted in the input: agents, contacts (CTRs "
        "by ContactId), the windows' value entries (`bench/window_state.py`), the contacts with contact events, "
        "and the inbound queues of the agents' routing profiles. "
        f"This benchmark took {r.seconds:,.0f} s (generating the traffic included); the worker's process tree "
        f"(Python, JVM) peaked at {r.peak_rss_mib:,.0f} MiB RSS.",
        "",
    ]
    rows = []
    labels = {
        "agent-state-per-agent": ("`agent state: per agent` (AgentStateFunction)", "agent", r.agents),
        "agent-state-per-instance": (
            "`agent state: per instance` (QueueSnapshotFunction)",
            "instance; divided by its queues",
            r.queues,
        ),
        "contacts-dedup": ("`contacts: best copy per contact` (ContactDedupFunction)", "contact", r.contacts),
        **{
            uid: (
                f"`contacts: per queue {view} window` (ContactWindowFunction)",
                f"instance, queue, channel, {WINDOW_OF[view]}; divided by the value entries it holds "
                f"({r.views[view].entries:,} for {r.views[view].memberships:,} (window, contact) pairs)",
                r.keys(uid),
            )
            for view, uid in window_state.VIEW_UIDS.items()
            if view in r.views
        },
        "live-queue-per-contact": (
            "`live queue: per contact` (ContactQueueFunction)",
            "contact with contact events",
            r.keys("live-queue-per-contact"),
        ),
        "live-queue-per-instance": (
            "`live queue: per instance` (QueueWaitingFunction)",
            "instance; divided by its queues",
            r.keys("live-queue-per-instance"),
        ),
    }
    for uid, (label, keyed, keys) in labels.items():
        rows.append(
            [
                label,
                keyed,
                _fmt(keys),
                _fmt(r.operator(uid)),
                _fmt(r.per_key(uid)),
                _fmt(r.operator(uid, "rocksdb")) if rocks else "-",
                _fmt(r.per_key(uid, "rocksdb")) if rocks else "-",
            ]
        )
    others = r.total() - sum(r.operator(uid) for uid in labels)
    others_rocks = r.total("rocksdb") - sum(r.operator(uid, "rocksdb") for uid in labels)
    rows.append(
        [
            "every other operator (file source and its split enumerator, parse step, filters, sinks)",
            "-",
            "-",
            _fmt(others),
            "-",
            _fmt(others_rocks) if rocks else "-",
            "-",
        ]
    )
    rows.append(
        ["**the job**", "", "", f"**{_fmt(r.total())}**", "", f"**{_fmt(r.total('rocksdb'))}**" if rocks else "-", ""]
    )
    shards = w["kinesis_shards"]
    rows.append(
        [
            f"Kinesis source, not in a file replay: {shards} shard offsets through the consumer's own state "
            "serializer (`KinesisStateUtil.createShardsStateSerializer`)",
            "shard (operator state)",
            _fmt(shards),
            _fmt(w["kinesis_state_bytes"]),
            _fmt(w["kinesis_state_bytes"] / shards),
            "same",
            "same",
        ]
    )
    out += _table(
        [
            "operator",
            "keyed by",
            "keys held",
            "full checkpoint (hashmap), bytes",
            "bytes per key",
            "RocksDB native savepoint, bytes",
            "bytes per key",
        ],
        rows,
    )
    out += [""]
    heap = r.heap_state_bytes
    if heap is not None and heap < HEAP_NOISE_BYTES:
        out += [
            f"Heap: the hashmap job with its state used {_mib(w['heap_with_state'])} after full GCs, the same graph "
            f"restored on RocksDB {_mib(w['heap_rocksdb_job'])}: a difference inside this measurement's noise (a "
            f"few MiB) at this size, so no heap figure here.",
            "",
        ]
        heap = None
    if heap is not None:
        ratio = heap / max(r.total(), 1)
        classes = ", ".join(
            f"{_class_name(name)} {count:,} ({_mib(size)})" for name, count, size in w["histogram_delta"][:8]
        )
        out += [
            f"Heap (hashmap backend: the state lives as Java objects): used heap after full GCs with the state "
            f"loaded {_mib(w['heap_with_state'])}; the same graph restored on RocksDB (state off the heap) "
            f"{_mib(w['heap_rocksdb_job'])}; after the hashmap job was cancelled {_mib(w['heap_after_cancel'])}. "
            f"**The state takes about {_mib(heap)} of heap, {ratio:.1f} x its full checkpoint** "
            f"({heap / max(r.agents, 1):,.0f} bytes per agent of this center, all operators together). Largest "
            f"live classes, with the state minus after cancelling (`jcmd GC.class_histogram`): {classes}."
            + (
                f" RocksDB's working directory after the restore: {_mib(w['rocksdb_local_bytes'])}."
                + (
                    " RocksDB keeps each state in its own column family, compressed, with a fixed cost per SST "
                    "file that outweighs the data of a small operator (the per-instance one here)."
                    if r.per_key("agent-state-per-instance", "rocksdb") > r.per_key("agent-state-per-instance")
                    else ""
                )
                if rocks
                else ""
            ),
            "",
        ]
    steady = r.steady(r.agents)
    rate = r.rate
    dedup_hours = s.dedup_ttl_seconds / 3600
    measured = bool(r.check and r.check.get("views_held"))
    daily = steady.get(VIEW_ROWS["daily"], {"keys": 0.0})["keys"]
    out += [
        f"### Steady state at {r.agents:,} agents",
        "",
        f"This run's input is {s.duration_seconds} s long; in steady state the contact operators hold more: the "
        f"dedup keeps every contact until the watermark passes its DisconnectTimestamp + {dedup_hours:g} h "
        f"(`contact.dedup_ttl.seconds`); a window keeps its value counts until window end + "
        f"{s.allowed_lateness_seconds // 60} min (`contact.allowed_lateness.seconds`): a rolling contact is in "
        f"{s.rolling_seconds // s.window_seconds} windows, a daily window holds the whole day until the next "
        f"midnight + {s.allowed_lateness_seconds // 60} min; the live queue keeps a contact until its newest "
        f"contact event + {s.queue_max_wait_seconds // 3600:g} h (`queue.max_wait.seconds`). Contact rate from "
        f"the same generator over {s.rate_hours:g} h at {rate.agents:,} agents and {rate.queues} queue(s) (the "
        f"same agents per queue; contacts disconnected in {rate.span_seconds / 3600:.2f} h after a 30-minute warm-up): "
        f"**{rate.per_agent_hour():.1f} contacts per agent-hour**, {rate.per_agent_hour(queued=True):.1f} of them "
        f"queued. So a {r.agents:,}-agent center holds **{steady['contacts (dedup)']['keys']:,.0f} contacts in the "
        f"dedup state** ({dedup_hours:g} h) and **{daily:,.0f} value entries in the daily windows at the day's "
        "end** ("
        + (
            f"measured: the same job over the {s.rate_hours:g}-h run from midnight held "
            f"{r.check['views_held']['daily']['entries']:,} entries for "
            f"{r.check['views_held']['daily']['memberships']:,} contacts in {r.check['queues']} queue(s), "
            "times the queues here; the other views' entries likewise"
            if measured
            else "a model: the steady (window, contact) pairs at that rate, a center busy for 24 h, times this "
            "run's entries per pair; an upper bound, as a day repeats durations far more than 6 minutes do"
        )
        + "). Agent and queue state is already at its steady size"
        + (
            "."
            if s.duration_seconds >= 340
            else f" but for the agent-event ids kept for duplicates (330 s + one interval; this input is "
            f"{s.duration_seconds} s long, so the per-agent figure is a little under steady state)."
        )
        + " Bytes per key as measured above; heap estimated as the full checkpoint times the measured "
        + (f"{heap / max(r.total(), 1):.1f} x." if heap is not None else "ratio (not measured here)."),
        "",
    ]
    total_hashmap = sum(v["hashmap"] for v in steady.values())
    total_rocks = sum(v["rocksdb"] for v in steady.values())
    heap_ratio = (heap / max(r.total(), 1)) if heap is not None else None
    rows = [
        [
            name,
            _fmt(v["keys"]),
            _size(v["hashmap"]),
            _size(v["rocksdb"]) if rocks else "-",
            _size(v["hashmap"] * heap_ratio) if heap_ratio and name != "Kinesis shards" else "-",
        ]
        for name, v in steady.items()
    ]
    rows.append(
        [
            "**total**",
            "",
            f"**{_size(total_hashmap)}**",
            f"**{_size(total_rocks)}**" if rocks else "-",
            f"**{_size(total_hashmap * heap_ratio)}**" if heap_ratio else "-",
        ]
    )
    out += _table(
        ["state", "held", "full checkpoint", "RocksDB (SST files)", "heap on the hashmap backend (estimate)"], rows
    )
    out += [""]
    out += _check_lines(r)
    if rocks:
        disk = KPU_STORAGE_GB * 10**9
        margin = disk / max(total_rocks, 1)
        heap_share = total_hashmap * heap_ratio / (KPU_HEAP_GB * 10**9) if heap_ratio else None
        out += [
            f"**Fits one KPU: {'yes' if total_rocks < disk else 'NO'}.** Managed Flink keeps state in RocksDB on the "
            f"KPU's disk: {_size(total_rocks)} is {100 * total_rocks / disk:.2f} % of one KPU's {KPU_STORAGE_GB} GB "
            f"of running application storage, a margin of x{margin:,.0f}"
            + (" (room for RocksDB's compaction overhead and a local checkpoint copy)" if margin >= 4 else "")
            + ". RocksDB's memory is Flink's managed memory (block cache, write buffers), set by configuration, not "
            "by the state; the heap holds the operators, not the state."
            + (
                f" On the hashmap backend (not what Managed Flink runs) the state would take about "
                f"{_size(total_hashmap * heap_ratio)} of heap, {100 * heap_share:.0f} % of the {KPU_HEAP_GB} GB heap "
                f"of a KPU's {KPU_MEMORY_GB} GB."
                if heap_share is not None
                else ""
            )
            + f" A full checkpoint is {_size(total_hashmap)}; Managed Flink's are incremental (only the changed SST "
            "files) and go to a service-owned S3 bucket. The job's parse step, not its state, decides the KPU count "
            "(see the job throughput section).",
            "",
        ]
    out += [KPU_SOURCE, ""]
    return out


def _watermark_clause(w: dict) -> str:
    """How far the timers had got: the per-agent operator's watermark at the savepoint vs the newest agent event."""
    if w.get("agent_watermark_ms") is None or not w.get("last_event_ms"):
        return ""
    lag = (w["last_event_ms"] - w["agent_watermark_ms"]) / 1000
    return (
        f" At the savepoint the per-agent operator's watermark was {lag:,.1f} s behind the newest agent event "
        "(the job's out-of-orderness is 5 s), as in a live job keeping up with its stream."
    )


def _check_lines(r: StateResults) -> list[str]:
    """The model above against the same job measured in steady state (the contact-rate run's hours of input)."""
    c, s = r.check, r.settings
    if not c:
        return []
    ops = {o["uid"]: o["total_bytes"] for o in c["hashmap_operators"] if o["uid"]}
    agents = c["agents"]
    dedup = max(c["dedup_held"], 1)
    model_dedup = r.rate.per_agent_hour() * agents * s.dedup_ttl_seconds / 3600
    pairs = window_state.steady_memberships(r.rate.per_agent_hour(queued=True) * agents / 3600, s.view_shape)
    views = []
    for view, held in c.get("views_held", {}).items():
        uid = window_state.VIEW_UIDS[view]
        model = "" if view == "daily" else f" (model: {pairs[view]:,.0f})"
        views.append(
            f"the {view} windows {held['entries']:,} value entries for {held['memberships']:,} (window, contact) "
            f"pairs{model}, {held['entries'] / max(held['memberships'], 1):.2f} entries per pair, at "
            f"{ops.get(uid, 0) / max(held['entries'], 1):,.0f} bytes per entry (above: {r.per_key(uid):,.0f})"
        )
    return [
        f"Check over a day of input: the same job over the contact-rate run's input ({agents:,} agents, "
        f"{s.rate_hours:g} h from midnight, "
        + (
            "longer than the TTLs, so every operator is in steady state"
            if s.rate_hours * 3600 >= s.dedup_ttl_seconds + 600
            else "shorter than the dedup TTL: not yet in steady state"
        )
        + (
            f"; watermark {(c['last_event_ms'] - c['agent_watermark_ms']) / 1000:,.1f} s behind its newest agent event"
            if c.get("agent_watermark_ms") is not None and c.get("last_event_ms")
            else ""
        )
        + "; hashmap savepoint as above) held "
        f"{c['dedup_held']:,} contacts in the dedup (the model above gives {model_dedup:,.0f}) at "
        f"{ops.get('contacts-dedup', 0) / dedup:,.0f} bytes each (above: {r.per_key('contacts-dedup'):,.0f}); "
        + "; ".join(views)
        + f"; {c.get('live_queue_held', 0):,} contacts in the live queue at "
        f"{ops.get('live-queue-per-contact', 0) / max(c.get('live_queue_held', 0), 1):,.0f} bytes each (above: "
        f"{r.per_key('live-queue-per-contact'):,.0f}); and {ops.get('agent-state-per-agent', 0) / max(agents, 1):,.0f} "
        f"bytes per agent (above: {r.per_key('agent-state-per-agent'):,.0f}; not like for like: there "
        f"{r.rate.queues} queue(s), so routing profiles of fewer queues, and over hours some agents are between "
        "shifts and hold no state). What is held is counted in that input (`bench/window_state.py` for the "
        "windows): whatever's DisconnectTimestamp + TTL, window end + allowed lateness, or newest contact event + "
        "max wait is past the last agent event's time - 5 s. Value entries per pair fall as a window fills: "
        "durations repeat.",
        "",
    ]


def state_summary(r: StateResults) -> list[str]:
    rocks = r.total("rocksdb")
    return [
        f"state at {r.agents:,} agents: {r.per_key('agent-state-per-agent'):,.0f} bytes per agent, "
        f"{r.per_key('agent-state-per-instance'):,.0f} per queue, {r.per_key('contacts-dedup'):,.0f} per contact "
        f"(full checkpoint); the job {_size(r.total())} (RocksDB {_size(rocks)})"
    ]


def _class_name(jvm_name: str) -> str:
    """`[B` -> `byte[]`, `[Ljava.util.HashMap$Node;` -> `HashMap$Node[]`, `java.lang.String` -> `String`."""
    primitives = {"B": "byte", "C": "char", "I": "int", "J": "long", "D": "double", "Z": "boolean"}
    dims = len(jvm_name) - len(jvm_name.lstrip("["))
    base = jvm_name[dims:]
    base = primitives.get(base, base.removeprefix("L").removesuffix(";").rsplit(".", 1)[-1])
    return base + "[]" * dims


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


# ---------------------------------------------------------------------------------------------- worker


def _rest(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.loads(response.read())


def _rest_post(port: int, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _each(collection):
    """A Java collection's elements (py4j does not iterate a Collection by itself)."""
    if not hasattr(collection, "iterator"):  # py4j converted it already
        yield from collection
        return
    iterator = collection.iterator()
    while iterator.hasNext():
        yield iterator.next()


def _log(message: str) -> None:
    print(f"state worker: {message}", file=sys.stderr, flush=True)


def _build_job(args: argparse.Namespace, settings: dict[str, str]):
    """The job graph of `flink_app` over a watched file; returns (env, stream graph, operator names by id)."""
    from pyflink.common import Configuration, Duration, WatermarkStrategy
    from pyflink.datastream.connectors.file_system import FileSource, StreamFormat
    from pyflink.java_gateway import get_gateway

    from flink_app import environment, job, sources
    from flink_app.config import load_config

    config = load_config(None)
    env, t_env = environment.create_environments(parallelism=args.parallelism, checkpoint_seconds=None)
    conf = Configuration()
    for key, value in settings.items():
        conf.set_string(key, value)
    env.configure(conf)
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    path = str(Path(args.input).resolve())
    # Watched, so the input never ends: the state stays as it is when the last record is in.
    source = (
        FileSource.for_record_stream_format(StreamFormat.text_line_format(), path)
        .monitor_continuously(Duration.of_seconds(3600))
        .build()
    )
    strategy = WatermarkStrategy(sources._assigner_class().watermarkStrategy(lateness_ms))
    stream = env.from_source(source, strategy, "file: " + path)
    tables = job.register_views(t_env, config, stream)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    job.add_replay_sinks(t_env, tables, out.resolve())
    graph = env._generate_stream_graph(clear_transformations=True, job_name="connect-monitor state size")
    jvm = get_gateway().jvm
    hashes = jvm.org.apache.flink.streaming.api.graph.StreamGraphHasherV2().traverseStreamGraphAndGenerateHashes(graph)
    names = {}
    for node in _each(graph.getStreamNodes()):
        op_id = jvm.org.apache.flink.runtime.jobgraph.OperatorID(hashes.get(node.getId())).toHexString()
        names[op_id] = {"name": node.getOperatorName(), "uid": node.getTransformationUID()}
    return env, graph, names


def _wait_running(port: int, job_id: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            detail = _rest(port, f"/jobs/{job_id}")
        except OSError:
            time.sleep(1)
            continue
        if detail["state"] in ("FAILED", "CANCELED", "FINISHED"):
            raise RuntimeError(f"job {job_id} is {detail['state']} before running")
        if detail["state"] == "RUNNING" and all(v["status"] == "RUNNING" for v in detail["vertices"]):
            return
        time.sleep(1)
    raise TimeoutError(f"job {job_id} not running after {timeout:.0f} s")


def _vertex_records(detail: dict) -> dict[str, tuple[int, int]]:
    return {v["name"]: (v["metrics"]["read-records"], v["metrics"]["write-records"]) for v in detail["vertices"]}


def _wait_processed(port: int, job_id: str, agent_events: int, ctrs: int, timeout: float) -> float:
    """Until the keyed operators have read every agent event and CTR and no vertex moves any more (contact events
    are not counted: the parse step drops the kinds the live queue does not use)."""
    began = time.monotonic()
    previous, stable = None, 0
    while time.monotonic() - began < timeout:
        detail = _rest(port, f"/jobs/{job_id}")
        if detail["state"] != "RUNNING":
            raise RuntimeError(f"job {job_id} is {detail['state']} while reading its input")
        records = _vertex_records(detail)
        agent = next((r[0] for n, r in records.items() if n.startswith(AGENT_VERTEX)), 0)
        contact = next((r[0] for n, r in records.items() if n.startswith(CONTACT_VERTEX)), 0)
        if agent >= agent_events and contact >= ctrs and records == previous:
            stable += 1
            if stable >= 3:
                return time.monotonic() - began
        else:
            stable = 0
        previous = records
        time.sleep(2)
    raise TimeoutError(f"the job did not take in its input within {timeout:.0f} s")


def _agent_watermark(port: int, job_id: str) -> int | None:
    """The input watermark (epoch ms) of the per-agent operator, the one its timers follow."""
    detail = _rest(port, f"/jobs/{job_id}")
    vertex = next((v["id"] for v in detail["vertices"] if v["name"].startswith(AGENT_VERTEX)), None)
    if vertex is None:
        return None
    values = [int(m["value"]) for m in _rest(port, f"/jobs/{job_id}/vertices/{vertex}/watermarks")]
    return min(values) if values else None


def _heap(jvm) -> int:
    """Heap used after full GCs (bytes)."""
    for _ in range(3):
        jvm.java.lang.System.gc()
        time.sleep(0.5)
    return int(jvm.java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())


def _histogram(pid: int) -> dict[str, tuple[int, int]]:
    """`jcmd PID GC.class_histogram` (live objects after a full GC): class -> (instances, bytes)."""
    jcmd = shutil.which("jcmd") or str(Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "jcmd")
    done = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True, check=False)
    classes = {}
    for line in done.stdout.splitlines():
        match = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if match:
            classes[match.group(3)] = (int(match.group(1)), int(match.group(2)))
    return classes


def _savepoint(port: int, job_id: str, target: Path, format_type: str, timeout: float) -> tuple[str, float]:
    began = time.monotonic()
    trigger = _rest_post(
        port,
        f"/jobs/{job_id}/savepoints",
        {"target-directory": target.as_uri(), "cancel-job": False, "formatType": format_type},
    )
    while time.monotonic() - began < timeout:
        status = _rest(port, f"/jobs/{job_id}/savepoints/{trigger['request-id']}")
        if status["status"]["id"] == "COMPLETED":
            operation = status["operation"]
            if "failure-cause" in operation:
                raise RuntimeError(f"savepoint failed: {operation['failure-cause'].get('stack-trace', '')[:2000]}")
            return operation["location"], time.monotonic() - began
        time.sleep(1)
    raise TimeoutError(f"savepoint not done after {timeout:.0f} s")


def _cancel(port: int, client, timeout: float = 120) -> None:
    """Cancels the job; its mini-cluster (and REST endpoint) shuts down with it."""
    job_id = client.getJobID().toHexString()
    client.cancel().get()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _rest(port, f"/jobs/{job_id}")["state"] in ("CANCELED", "FAILED", "FINISHED"):
                break
        except OSError:  # the mini-cluster is gone
            break
        time.sleep(0.5)
    else:
        raise TimeoutError(f"job {job_id} not cancelled after {timeout:.0f} s")
    time.sleep(2)


def _operator_sizes(jvm, location: str, names: dict[str, dict]) -> list[dict]:
    """Bytes per operator from a savepoint's `_metadata`, read with Flink's own loader."""
    metadata_path = Path(location.removeprefix("file:")) / "_metadata"
    stream = jvm.java.io.DataInputStream(jvm.java.io.FileInputStream(str(metadata_path)))
    try:
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        metadata = jvm.org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(stream, loader, location)
    finally:
        stream.close()
    operators = []
    for state in _each(metadata.getOperatorStates()):
        op_id = state.getOperatorID().toHexString()
        keyed = operator = raw = 0
        for subtask in _each(state.getSubtaskStates().values()):
            keyed += subtask.getManagedKeyedState().getStateSize()
            operator += subtask.getManagedOperatorState().getStateSize()
            raw += subtask.getRawKeyedState().getStateSize() + subtask.getRawOperatorState().getStateSize()
        coordinator = state.getCoordinatorState().getStateSize() if state.getCoordinatorState() else 0
        info = names.get(op_id, {"name": "(unknown operator)", "uid": None})
        operators.append(
            {
                "id": op_id,
                "name": info["name"],
                "uid": info["uid"],
                "keyed_bytes": int(keyed),
                "operator_bytes": int(operator),
                "raw_bytes": int(raw),
                "coordinator_bytes": int(coordinator),
                "total_bytes": int(state.getStateSize()),
            }
        )
    return operators


def _tree_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def _kinesis_shard_bytes(jvm, shards: int) -> int:
    """Bytes of the Kinesis consumer's union list state for `shards` shards, through its own serializer."""
    kinesis = jvm.org.apache.flink.streaming.connectors.kinesis
    serializer = kinesis.util.KinesisStateUtil.createShardsStateSerializer(
        jvm.org.apache.flink.api.common.ExecutionConfig()
    )
    output = jvm.org.apache.flink.core.memory.DataOutputSerializer(4096)
    step = 2**128 // shards
    for index in range(shards):
        shard = kinesis.model.StreamShardMetadata()
        shard.setStreamName("connect-ctr-stream")
        shard.setShardId(f"shardId-{index:012d}")
        shard.setStartingHashKey(str(index * step))
        shard.setEndingHashKey(str(min((index + 1) * step, 2**128) - 1))
        shard.setStartingSequenceNumber("4963" + "0" * 52)
        sequence = kinesis.model.SequenceNumber("4963" + "9" * 52)  # a 56-digit sequence number, as AWS issues
        entry = jvm.org.apache.flink.api.java.tuple.Tuple2(shard, sequence)
        serializer.serialize(entry, output)
    return int(output.length())


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.state_size worker")
    parser.add_argument("--input", required=True)
    parser.add_argument("--output-dir", required=True, help="the job's file sinks")
    parser.add_argument("--savepoints", required=True, help="savepoint and RocksDB directories go here")
    parser.add_argument("--result", required=True, help="JSON results file")
    parser.add_argument("--parallelism", type=int, default=1)
    parser.add_argument("--agent-events", type=int, required=True, help="agent events in the input")
    parser.add_argument("--ctrs", type=int, required=True, help="CTRs in the input")
    parser.add_argument("--last-event-ms", type=int, default=0, help="the input's newest agent event (epoch ms)")
    parser.add_argument("--port", type=int, required=True, help="REST port of the mini-cluster")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--rocksdb", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--kinesis-shards", type=int, default=50)
    args = parser.parse_args(argv)
    from pyflink.java_gateway import get_gateway

    base = Path(args.savepoints).resolve()
    common = {
        "rest.bind-port": str(args.port),
        "rest.port": str(args.port),
        "rest.address": "127.0.0.1",
        "rest.bind-address": "127.0.0.1",
        "metrics.fetcher.update-interval": "1000",
        # The source emits its watermark periodically; once the file is read it emits no more, so the last one
        # trails the input by up to one interval of reading (at 200 ms, minutes of event time for a small
        # center). Live, records come in real time and the trail is a fraction of a second of event time.
        "pipeline.auto-watermark-interval": "10 ms",
        "execution.checkpointing.incremental": "false",
        "execution.checkpointing.dir": (base / "checkpoints").as_uri(),
    }
    result: dict = {}
    env, graph, names = _build_job(args, {**common, "state.backend.type": "hashmap"})
    jvm = get_gateway().jvm
    result["jvm_max_heap"] = int(jvm.java.lang.Runtime.getRuntime().maxMemory())
    pid = int(jvm.java.lang.ProcessHandle.current().pid())
    result["kinesis_shards"] = args.kinesis_shards  # while the connectors jar is on py4j's class loader
    result["kinesis_state_bytes"] = _kinesis_shard_bytes(jvm, args.kinesis_shards)
    result["heap_before_job"] = _heap(jvm)
    began = time.monotonic()
    client = env._j_stream_execution_environment.executeAsync(graph)
    job_id = client.getJobID().toHexString()
    try:
        _wait_running(args.port, job_id, 300)
        _log(f"job {job_id} running on the hashmap backend; waiting for its input")
        result["input_seconds"] = _wait_processed(args.port, job_id, args.agent_events, args.ctrs, args.timeout)
        result["agent_watermark_ms"] = _agent_watermark(args.port, job_id)
        result["last_event_ms"] = args.last_event_ms
        result["job_seconds"] = time.monotonic() - began
        result["vertices"] = _vertex_records(_rest(args.port, f"/jobs/{job_id}"))
        _log(f"input in after {result['job_seconds']:.0f} s; measuring the heap")
        result["heap_with_state"] = _heap(jvm)
        histogram_with = _histogram(pid)
        location, seconds = _savepoint(args.port, job_id, base / "hashmap", "CANONICAL", 600)
        result["hashmap_savepoint_seconds"] = seconds
        result["hashmap_savepoint_bytes"] = _tree_bytes(Path(location.removeprefix("file:")))
        result["hashmap_operators"] = _operator_sizes(jvm, location, names)
        _log(f"savepoint {location} in {seconds:.1f} s; cancelling")
    finally:
        _cancel(args.port, client)
    result["heap_after_cancel"] = _heap(jvm)
    histogram_after = _histogram(pid)
    delta = {
        name: (count - histogram_after.get(name, (0, 0))[0], size - histogram_after.get(name, (0, 0))[1])
        for name, (count, size) in histogram_with.items()
    }
    result["histogram_delta"] = sorted(
        ([name, n, b] for name, (n, b) in delta.items() if b > 0), key=lambda row: -row[2]
    )[:40]
    if args.rocksdb:
        local = base / "rocksdb-local"
        settings = {
            **common,
            "state.backend.type": "rocksdb",
            "state.backend.rocksdb.localdir": str(local),
            "execution.state-recovery.path": location,
            "execution.state-recovery.ignore-unclaimed-state": "true",
        }
        args.output_dir = args.output_dir + "-rocksdb"  # the first job's files stay
        env, graph, names = _build_job(args, settings)
        began = time.monotonic()
        client = env._j_stream_execution_environment.executeAsync(graph)
        job_id = client.getJobID().toHexString()
        try:
            _wait_running(args.port, job_id, 600)
            result["rocksdb_restore_seconds"] = time.monotonic() - began
            _log(f"job {job_id} restored on RocksDB in {result['rocksdb_restore_seconds']:.0f} s")
            result["rocksdb_local_bytes"] = _tree_bytes(local)
            result["heap_rocksdb_job"] = _heap(jvm)  # the same job and mini-cluster, its state off the heap
            native, seconds = _savepoint(args.port, job_id, base / "rocksdb", "NATIVE", 600)
            result["rocksdb_savepoint_seconds"] = seconds
            result["rocksdb_savepoint_bytes"] = _tree_bytes(Path(native.removeprefix("file:")))
            result["rocksdb_operators"] = _operator_sizes(jvm, native, names)
            result["rocksdb_local_bytes_after_savepoint"] = _tree_bytes(local)
        finally:
            _cancel(args.port, client)
    Path(args.result).write_text(json.dumps(result, indent=1))
    _log(f"wrote {args.result}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        sys.exit(worker(sys.argv[2:]))
    print("usage: python -m bench.state_size worker ... (run the benchmark with `python -m bench --only state`)")
    sys.exit(2)
