"""The freshness benchmark: its definitions on hand-made writes, and `python -m bench --quick --only freshness` end
to end (kinesis-local, moto behind the timing proxy, the generator and the real job, about 90 s).

No figure is asserted: on a shared 2-core machine only the structure of the results is checked.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.freshness import AgentEventIn, CtrIn, agent_state_delays, contact_delays
from bench.timing_proxy import TimedCall

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


@pytest.mark.integration
def test_quick_freshness_run_writes_its_section(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    command = [sys.executable, "-m", "bench", "--quick", "--only", "freshness", "--output", str(output)]
    command += ["--run-dir", str(tmp_path / "run")]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    text = output.read_text()
    match = re.search(r"^## Freshness.*?(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, text
    section = match.group(0)
    assert "kinesis-local" in section and "records/s" in section
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert [row.split("|")[1].strip() for row in rows] == ["`agent_state_by_queue`", "`queue_contact_metrics`"]
    assert re.search(
        r"\| `agent_state_by_queue` \| 5 s \(default\) \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|", section
    )
    assert re.search(r"≤ 13 s: \*\*(met|NOT met)\*\*", section)
    assert "freshness, agent_state_by_queue, out-of-orderness 5 s: p50" in done.stdout
