"""Kill the live job three times and restart it from its latest checkpoint: both stores end up exact.

Generator -> kinesis-local -> the real job (`python -m flink_app run --checkpoint-dir DIR`) -> the local
Timestream (moto) and a local InfluxDB (influxd), both written by every run of the job. Traffic is sent paced
while the job runs; at three seeded random points, each after a checkpoint the running job completed, the
job's whole process group (driver, JVM, Python workers) gets SIGKILL, a random part of a checkpoint interval
after that checkpoint, so records read and written since it are read and written again after the restart. Each
restart resumes from the newest complete checkpoint in DIR. After the last windows close, what Timestream
keeps (per time and dimensions, the highest version) and what InfluxDB keeps (per series and time, the last
write) must equal the independent reference (`tests/reference.py`): no window lost, none counted twice.

While the job is down the sender waits, so that the kills spread over the traffic within the time budget (a
restart takes 20-45 s on 2 busy cores, the traffic about 30 s). `CRASH_KEEP_SENDING=1` sends on through the
downtime instead: each restart then reads a backlog of a few minutes of event time, the case where the legacy
Kinesis consumer can make agent events late (docs/ARCHITECTURE.md, "Event time"; one such run passed, with the
later kills landing at the end of the traffic). `CRASH_SEED=N` repeats a run's kill points.
"""

import json
import os
import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flink_app.outputs import TABLES
from local_stack.stack import LocalStack, StackEndpoints
from local_stack.timestream import WrittenRecord, create_tables, written_records
from tests import reference
from tests.final_state import influxdb_tables
from tests.live_job import TIMESTREAM_REGION, LiveJob, parse_time, send, watermark_tick, write_properties
from traffic_generator import SimulationConfig, simulate
from traffic_generator.simulation import Emission
from traffic_generator.sinks import KinesisSink

pytestmark = [pytest.mark.integration, pytest.mark.timeout(540)]

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
WATERMARK_DELAY = timedelta(seconds=5)
SHARD_KEYS = 16  # partition keys enough to reach both shards
SPEEDUP = 10.0  # as tests/integration/test_pipeline_live.py: event time runs 10x wall-clock time
CHECKPOINT_SECONDS = 2.0
KILLS = 3
KEEP_SENDING = os.environ.get("CRASH_KEEP_SENDING") == "1"
RESTORED = re.compile(r"flink_app: restoring from checkpoint (?P<path>\S+)")


def stamp(at: datetime) -> str:
    return f"{at:%Y-%m-%dT%H:%M:%SZ}"


def junk(name: str, at: datetime = START) -> list[Emission]:
    """Records the job dead-letters at once, on every shard: proof that a job reads the stream."""
    return [Emission(at, "junk", f"{name}-{i}", f"{name} {i}") for i in range(SHARD_KEYS)]


def job_directories(directory: Path) -> set[Path]:
    return {path for path in directory.glob("*") if path.is_dir()}


def complete_checkpoints(directory: Path) -> dict[int, Path]:
    """chk-N directories holding `_metadata`, by N (read here independently of flink_app.environment)."""
    found = {}
    for metadata in directory.glob("*/chk-*/_metadata"):
        found[int(metadata.parent.name.removeprefix("chk-"))] = metadata.parent
    return found


class Job(LiveJob):
    """One run of the job with its checkpoints in `checkpoint_dir`: starts fresh or restores the newest."""

    def __init__(self, properties: Path, checkpoint_dir: Path, index: int) -> None:
        self.index = index
        checkpoints = ["--checkpoint-dir", str(checkpoint_dir), "--checkpoint-seconds", str(CHECKPOINT_SECONDS)]
        super().__init__(properties, checkpoint_dir.parent / f"job-{index}.log", checkpoints, name=f"job {index}")

    def restored_from(self) -> Path | None:
        matches = [RESTORED.search(line) for line in self.log]
        return next((Path(m["path"]) for m in matches if m), None)


class PacedSender(threading.Thread):
    """Sends `emissions` as Connect would, compressed in time, in the background; `pause()` parks it (what was
    sent is then fixed), `resume()` goes on from the next record as if no time had passed."""

    def __init__(self, sink: KinesisSink, emissions: list[Emission]) -> None:
        super().__init__(daemon=True)
        self.sink = sink
        self.emissions = emissions
        self.position = 0  # emissions sent (or in the sink's batch)
        self.error: BaseException | None = None
        self._go = threading.Event()
        self._parked = threading.Event()
        self._go.set()

    def run(self) -> None:
        try:
            began, origin = time.monotonic(), self.emissions[0].arrival
            for emission in self.emissions:
                while True:
                    if not self._go.is_set():
                        self.sink.flush()
                        self._parked.set()
                        self._go.wait()
                        began, origin = time.monotonic(), emission.arrival
                    due = (emission.arrival - origin).total_seconds() / SPEEDUP - (time.monotonic() - began)
                    if due <= 0.05:
                        break
                    self.sink.flush()
                    time.sleep(min(due, 0.1))
                self.sink.write(emission)
                self.position += 1
            self.sink.flush()
        except BaseException as error:  # reported by the test thread
            self.error = error
        finally:
            self._parked.set()

    def pause(self) -> None:
        self._parked.clear()
        self._go.clear()
        if not self._parked.wait(timeout=30):
            raise AssertionError("the sender did not pause within 30 s")

    def resume(self) -> None:
        self._go.set()


def kill_points(rng: random.Random, emissions: list[Emission]) -> list[int]:
    """Indices into `emissions` at which to kill: one in each third of the records, away from its edges."""
    return [int(len(emissions) * (third + rng.uniform(0.2, 0.8)) / KILLS) for third in range(KILLS)]


def timestream_keeps(records: list[WrittenRecord]) -> tuple[dict[tuple, WrittenRecord], list[tuple]]:
    """What real Timestream keeps of these writes, in order, and what it rejects: per time and dimensions a
    higher version overwrites; the same version with the same values is a no-op; the same version with other
    values is rejected (`ExistingVersion`, the sink's dead letters), where moto would keep the last write."""
    kept: dict[tuple, WrittenRecord] = {}
    rejected = []
    for record in records:
        old = kept.get(record.key)
        if old is None or record.version > old.version:
            kept[record.key] = record
        elif record.version == old.version and record.measures != old.measures:
            rejected.append((record.key, record.version, old.measures, record.measures))
    return kept, rejected


def snapshots_state(kept: dict[tuple, WrittenRecord], until: str) -> dict[tuple, dict]:
    return {
        (stamp(r.time), r.dimensions["instance_id"], r.dimensions["queue_id"]): {
            "queue_name": r.dimensions["queue_name"],
            "measures": r.measures,
        }
        for r in kept.values()
        if r.table == "agent_state_by_queue" and stamp(r.time) <= until
    }


def contacts_state(kept: dict[tuple, WrittenRecord]) -> dict[tuple, dict]:
    return {
        (stamp(r.time), r.dimensions["instance_id"], r.dimensions["queue_id"], r.dimensions["channel"]): {
            "queue_name": r.dimensions["queue_name"],
            "measures": r.measures,
        }
        for r in kept.values()
        if r.table == "queue_contact_metrics"
    }


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[StackEndpoints]:
    """kinesis-local + moto of this test alone (the session's stack may hold another test's stream records and
    Timestream writes); stopped by PID, also on failure."""
    with LocalStack(tmp_path / "stack") as endpoints:
        yield endpoints


def test_killed_three_times_and_restored_both_stores_equal_the_reference(own_stack, influxdb, tmp_path) -> None:
    stack = own_stack
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(1_000_000))
    print(f"crash seed {seed} (CRASH_SEED={seed} repeats these kill points)")
    rng = random.Random(seed)

    config = SimulationConfig(start=START, duration_seconds=300, seed=11, agents=30, queues=4, junk_probability=0.01)
    emissions = [e for e in simulate(config)[1] if e.on_stream]
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    tick = newest + timedelta(minutes=10)  # queue-less heartbeats on every shard close all earlier windows
    ticks = [Emission(tick, "agent_event", f"tick-{i}", watermark_tick(i, tick)) for i in range(SHARD_KEYS)]
    warm_up = junk("warm-up")
    probes = [junk(f"probe-{k}") for k in range(1, KILLS + 1)]
    lines = [e.data for e in warm_up + [p for group in probes for p in group] + emissions + ticks]
    expected = reference.agent_state_by_queue(lines, until_ms=int((tick - WATERMARK_DELAY).timestamp() * 1000) - 1)
    last_boundary = max(t for t, _, _ in expected)
    expected_contacts = reference.queue_contact_metrics(lines)
    all_junk = sorted(e.data for e in emissions if e.kind == "junk") + [e.data for e in warm_up]
    all_junk = sorted(all_junk + [p.data for group in probes for p in group])

    cuts = kill_points(rng, emissions)
    delays = [rng.uniform(0, CHECKPOINT_SECONDS) for _ in cuts]
    print(
        f"kills after records (of {len(emissions)})",
        ", ".join(
            f"{c} (arrival {emissions[c].arrival:%H:%M:%S}, kill {d:.2f} s after a checkpoint)"
            for c, d in zip(cuts, delays, strict=True)
        ),
    )

    create_tables(stack.moto_url, TIMESTREAM_REGION, "connect_monitor", TABLES)
    properties = write_properties(stack, tmp_path, influxdb_url=influxdb.url)
    checkpoint_dir = tmp_path / "checkpoints"
    recording = Path(stack.moto_recording)
    sink = KinesisSink(stack.kinesis_client(), stack.stream_name)
    sender = PacedSender(KinesisSink(stack.kinesis_client(), stack.stream_name), emissions)
    jobs: list[Job] = []
    restores: list[tuple[int, int, int]] = []  # (newest before the restart, restored, the new job's first)
    began = time.monotonic()
    try:
        jobs.append(Job(properties, checkpoint_dir, 0))
        jobs[0].wait_for(lambda: any("starting fresh" in line for line in jobs[0].log), "its start line")
        send(sink, warm_up)
        jobs[0].wait_for(lambda: any(r.startswith("warm-up") for r in jobs[0].dead_letters()), "reading the stream")
        sender.start()
        for index, (cut, delay) in enumerate(zip(cuts, delays, strict=True)):
            job = jobs[-1]
            job.wait_for(lambda cut=cut: sender.position >= cut or sender.error is not None, f"record {cut} sent")
            # While traffic goes on, a checkpoint triggered after this point completes (at_cut + 1 may have begun
            # before it, at_cut + 2 cannot): everything this job read before now is in it. The kill comes a random
            # part of an interval later, so records read (and rows written) since that checkpoint come again.
            at_cut = max(complete_checkpoints(checkpoint_dir), default=0)
            job.wait_for(
                lambda at_cut=at_cut: max(complete_checkpoints(checkpoint_dir), default=0) >= at_cut + 2,
                f"checkpoint {at_cut + 2}",
                timeout=60,
            )
            time.sleep(delay)
            if not KEEP_SENDING:
                sender.pause()
            job.kill()
            newest_before = max(complete_checkpoints(checkpoint_dir))
            print(
                f"{time.monotonic() - began:6.1f} s: killed job {job.index} after record {sender.position} of "
                f"{len(emissions)}; newest checkpoint chk-{newest_before}"
            )

            earlier_jobs = job_directories(checkpoint_dir)
            restarted = Job(properties, checkpoint_dir, index + 1)
            jobs.append(restarted)
            restarted.wait_for(lambda r=restarted: r.restored_from() is not None, "its restore line")
            restored = int(restarted.restored_from().name.removeprefix("chk-"))
            send(sink, probes[index])
            probe = f"probe-{index + 1}"
            restarted.wait_for(
                lambda r=restarted, p=probe: any(d.startswith(p) for d in r.dead_letters()), "reading the stream again"
            )
            sender.resume()
            # Flink's own word that it restored: a job restored from chk-N numbers its checkpoints from N + 1,
            # a fresh one from 1. Its first checkpoint is the lowest number in its own (new) job directory.
            own: list[int] = []

            def first_own_checkpoint(before=earlier_jobs, own=own) -> bool:
                for directory in job_directories(checkpoint_dir) - before:
                    own.extend(int(m.parent.name.removeprefix("chk-")) for m in directory.glob("chk-*/_metadata"))
                return bool(own)

            restarted.wait_for(first_own_checkpoint, "its first checkpoint", timeout=60, poll=0.1)
            restores.append((newest_before, restored, min(own)))
            print(
                f"{time.monotonic() - began:6.1f} s: job {restarted.index} restored chk-{restored}, reading; "
                f"its first checkpoint chk-{min(own)}"
            )
        job = jobs[-1]
        job.wait_for(lambda: not sender.is_alive(), "the rest of the traffic", timeout=120)
        assert sender.error is None, sender.error
        send(sink, ticks)
        job.wait_for(
            lambda: any(r.table == "agent_state_by_queue" and stamp(r.time) == last_boundary for r in read(recording)),
            f"the Timestream records of {last_boundary}",
            poll=1,
        )
        deadline = time.monotonic() + 60
        while contacts_state(timestream_keeps(read(recording))[0]) != expected_contacts and time.monotonic() < deadline:
            time.sleep(1)
        job.wait_for(
            lambda: any(k[0] == last_boundary for k in influxdb_tables(influxdb).get("agent_state_by_queue", {})),
            f"the InfluxDB points of {last_boundary}",
            poll=1,
        )
        time.sleep(3)  # let the rest of the last rows through
    finally:
        sender.resume()  # a parked sender thread ends with the test, a running one sends its rest
        for job in jobs:
            if job.process.poll() is None:
                job.kill()
    print(f"{time.monotonic() - began:6.1f} s: traffic done, {len(jobs)} job runs")

    # Every restart resumed from the newest complete checkpoint (the job's line, and Flink's numbering), and
    # from its stream positions: the records before it (the warm-up, earlier probes) were not read again.
    assert len(restores) == KILLS
    assert all(restored == newest for newest, restored, _ in restores), restores
    assert all(first > restored for _, restored, first in restores), restores
    for job in jobs[1:]:
        again = [r for r in job.dead_letters() if r.startswith(("warm-up", f"probe-{job.index - 1} "))]
        assert not again, f"job {job.index} read records from before its checkpoint again: {again[:3]}"

    records = written_records(recording)
    kept, rejected = timestream_keeps(records)
    written: dict[tuple, int] = defaultdict(int)
    for r in records:
        written[(*r.key, r.version)] += 1
    dead = [d for job in jobs for d in job.documents if d["table"] == "dead_letter"]
    print(
        f"restores (newest, restored, first after): {restores}; Timestream: {len(records)} records written, "
        f"{sum(n > 1 for n in written.values())} of {len(written)} (time, dimensions, version) written more than "
        f"once, {len(rejected)} of them with other values; dead letters: {len(dead)} for {len(all_junk)} junk "
        f"records, by reason {dict(Counter(d['reason'] for d in dead))}"
    )
    stored = snapshots_state(kept, last_boundary)
    assert set(stored) == set(expected), (
        f"windows lost: {sorted(set(expected) - set(stored))[:5]}, extra: {sorted(set(stored) - set(expected))[:5]}"
    )
    wrong = {k: (stored[k], expected[k]) for k in expected if stored[k] != expected[k]}
    assert not wrong, list(wrong.items())[:5]
    assert {r.version for r in records if r.table == "agent_state_by_queue"} == {1}, "snapshots are final, once"
    stored_contacts = contacts_state(kept)
    wrong = {k: (stored_contacts.get(k), v) for k, v in expected_contacts.items() if stored_contacts.get(k) != v}
    assert not wrong and set(stored_contacts) == set(expected_contacts), (
        f"{len(wrong)} contact windows differ (Timestream, reference): {list(wrong.items())[:3]}; "
        f"rejected same-version writes: {rejected[:3]}"
    )
    assert not (tmp_path / "timestream-rejected.jsonl").exists()

    # InfluxDB, written by the same runs: rows written again after a restore overwrote their points in place.
    in_influxdb = influxdb_tables(influxdb)
    influx_snapshots = {k: v for k, v in in_influxdb["agent_state_by_queue"].items() if k[0] <= last_boundary}
    wrong = {k: (influx_snapshots.get(k), v) for k, v in expected.items() if influx_snapshots.get(k) != v}
    assert not wrong and set(influx_snapshots) == set(expected), f"InfluxDB snapshots differ: {list(wrong.items())[:3]}"
    assert in_influxdb["queue_contact_metrics"] == expected_contacts, "InfluxDB contact windows differ"
    assert not (tmp_path / "influxdb-refused.jsonl").exists()

    # Every junk record became a dead letter, none of them `too_late` (late agent events would be lost).
    reasons = Counter(d["reason"] for d in dead)
    assert "too_late" not in reasons, dict(reasons)
    assert sorted(set(d["record"] for d in dead)) == sorted(set(all_junk))

    # A window re-emitted after a restore carries a higher version than anything written before the crash
    # (ContactWindowFunction versions are wall-clock milliseconds), so Timestream never has to refuse one.
    assert not rejected, f"{len(rejected)} same-version rewrites with other values after a restore: {rejected[:2]}"


def read(recording: Path) -> list[WrittenRecord]:
    return written_records(recording)
