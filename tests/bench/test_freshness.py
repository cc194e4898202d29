"""The freshness benchmark: its definitions on hand-made writes, and its section of the session's `python -m bench
--quick` run (kinesis-local, moto behind the timing proxy, the generator and the real job).

No figure is asserted: on a shared 2-core machine only the structure of the results is checked.
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.freshness import AgentEventIn, CtrIn, RecordTee, _schedule, agent_state_delays, contact_delays
from bench.timing_proxy import TimedCall
from tests.bench.conftest import QuickRun
from traffic_generator.delivery import Emission

REPO_ROOT = Path(__file__).resolve().parents[2]
T = 1_767_600_000  # a multiple of 10 s (Unix seconds)


def write(accepted: float, table: str, rows: list[tuple[dict[str, str], int, int]]) -> TimedCall:
    """A WriteRecords call as the sink sends it: instance in CommonAttributes, (dimensions, time ms, count) rows."""
    records = [
        {
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            "Time": str(millis),
            "MeasureValues": [{"Name": "contacts_queued", "Value": str(count), "Type": "BIGINT"}],
        }
        for dims, millis, count in rows
    ]
    body = {
        "DatabaseName": "d",
        "TableName": table,
        "CommonAttributes": {"Dimensions": [{"Name": "instance_id", "Value": "i"}], "TimeUnit": "MILLISECONDS"},
        "Records": records,
    }
    return TimedCall(received=accepted - 0.01, accepted=accepted, status=200, body=body)


def test_an_agent_event_is_visible_when_the_whole_snapshot_that_first_counts_it_is_stored() -> None:
    q1, q2 = {"queue_id": "q1"}, {"queue_id": "q2"}
    calls = [
        write(T + 16.0, "agent_state_by_queue", [(q1, (T + 10) * 1000, 0)]),
        write(T + 16.5, "agent_state_by_queue", [(q2, (T + 10) * 1000, 0)]),  # the snapshot is complete now
        write(T + 17.0, "agent_state_by_queue", [(q1, (T + 10) * 1000, 0)]),  # a repeat changes nothing
    ]
    events = [
        AgentEventIn("a", "i", T + 3.0),
        AgentEventIn("b", "i", T + 10.0),  # on the boundary: counted from the next snapshot, never written here
        AgentEventIn("c", "i", T + 4.0),  # refused as too_late by the job
    ]
    delays = agent_state_delays(events, calls, interval_seconds=10, too_late={"c"})
    assert delays.values == [pytest.approx(13.5)]
    assert delays.after_boundary == [pytest.approx(6.5)]
    assert (delays.missing, delays.excluded) == (1, 1)


def test_a_ctr_is_visible_from_the_first_write_after_its_arrival_that_counts_it() -> None:
    window = ("i", "q1", "VOICE", (T + 60) * 1000)
    dims = {"queue_id": "q1", "channel": "VOICE"}
    calls = [
        write(T + 70.0, "queue_contact_metrics", [(dims, window[3], 1)]),
        write(T + 130.0, "queue_contact_metrics", [(dims, window[3], 2)]),
    ]
    ctrs = [CtrIn(window, T + 65.0, 1), CtrIn(window, T + 69.0, 2), CtrIn(window, T + 140.0, 3)]
    delays = contact_delays(ctrs, calls)
    assert delays.values == [pytest.approx(5.0), pytest.approx(61.0)]
    assert delays.missing == 1


def _ctr(contact: str, arrival: float, enqueued: bool) -> Emission:
    queue = {"ARN": "arn:aws:connect:eu-west-2:1:instance/i/queue/q1"}
    if enqueued:
        queue["EnqueueTimestamp"] = "2026-01-05T08:00:10Z"
    doc = {
        "ContactId": contact,
        "InstanceARN": "arn:aws:connect:eu-west-2:1:instance/i",
        "Channel": "VOICE",
        "InitiationMethod": "INBOUND" if enqueued else "OUTBOUND",
        "InitiationTimestamp": "2026-01-05T08:00:00Z",
        "DisconnectTimestamp": "2026-01-05T08:00:30Z",
        "LastUpdateTimestamp": "2026-01-05T08:01:30Z",
        "Queue": queue,
    }
    return Emission(datetime.fromtimestamp(arrival, UTC), "ctr", contact, json.dumps(doc))


def test_a_ctrs_rank_counts_only_the_queued_contacts_of_its_window_as_the_job_does() -> None:
    outbound_first = [_ctr("c-out", T + 1.0, enqueued=False), _ctr("c-in", T + 2.0, enqueued=True)]
    schedule = _schedule(outbound_first, window_seconds=60)
    assert [(c.rank, c.arrival) for c in schedule.ctrs] == [(1, T + 2.0)]  # the outbound call is not counted


def test_the_tee_gives_the_sender_and_the_paced_file_the_same_stream_records_from_the_start(tmp_path: Path) -> None:
    emissions = [
        _ctr("before", T - 1.0, True),
        _ctr("first", T + 0.25, True),
        Emission(datetime.fromtimestamp(T + 0.5, UTC), "contact_event", "k", "{}"),  # EventBridge only
        _ctr("last", T + 9.0, True),
    ]
    path = tmp_path / "paced.tsv"
    tee = RecordTee(iter(emissions), T, path).start()  # T is in the past: nothing waits
    sent = [json.loads(e.data)["ContactId"] for e in tee.records()]
    tee.stop()
    assert sent == ["first", "last"] and tee.written == 2 and tee.error is None
    lines = path.read_text().splitlines()
    assert [line.split("\t")[0] for line in lines] == [str((T * 1000) + 250), str((T + 9) * 1000)]
    assert [json.loads(line.split("\t", 1)[1])["ContactId"] for line in lines] == sent


@pytest.mark.integration
def test_quick_freshness_run_writes_its_section(quick_bench: QuickRun) -> None:
    text = quick_bench.text
    match = re.search(r"^## Freshness.*?(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, text
    section = match.group(0)
    assert "kinesis-local" in section and "records/s" in section
    rows = [[cell.strip() for cell in line.split("|")[1:]] for line in section.splitlines() if line.startswith("| **")]
    assert [row[:2] for row in rows] == [
        [source, table]
        for source in ("**kinesis**", "**paced**")
        for table in ("`agent_state_by_queue`", "`queue_contact_metrics`")
    ]
    for row in rows:
        assert row[2] == "5 s (default)" and re.fullmatch(r"\*\*(met|NOT met)\*\*", row[8]), row
    assert [row[7] for row in rows[:2]] == ["boundary → stored ≤ 7 s", "arrival → stored ≤ 12 s"]
    # The job's own metrics, read over REST from both jobs: the snapshot stage has figures for each.
    stage = next(line for line in section.splitlines() if line.startswith("| boundary T → its rows leave"))
    assert re.fullmatch(r"\| .+ \| [\d.,]+ / [\d.,]+ \| [\d.,]+ / [\d.,]+ \|", stage), stage
    assert "freshness, paced, agent_state_by_queue, out-of-orderness 5 s: boundary → stored p50" in quick_bench.stdout
