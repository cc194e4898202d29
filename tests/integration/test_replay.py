"""`python -m flink_app replay` over every scenario at once: final state equals the independent reference.

One job run (one JVM) serves every test here. Final state = per key, the record with the highest
version, as Timestream keeps it.
"""

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flink_app.config import properties_document
from tests import reference, reference_queue, scenarios
from tests.conftest import REPO_ROOT
from tests.final_state import agent_state, agent_state_matches_reference, contact_state

pytestmark = pytest.mark.integration

# A rolling span other than the default, and a day that starts inside the scenarios: midnight in Anchorage
# (UTC-9 in January) is 09:00 UTC, when they begin.
ROLLING_S = 300
TIMEZONE = "America/Anchorage"
MAX_WAIT_S = 300  # short, so that a contact whose leaving event was lost expires within the scenarios
PROPERTIES = {
    "metrics": {
        "contact.emit_interval.seconds": "1",
        "contact.rolling.seconds": str(ROLLING_S),
        "contact.daily.timezone": TIMEZONE,
        "queue.max_wait.seconds": str(MAX_WAIT_S),
    }
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_replay(directory: Path, lines: list[str], properties: dict[str, dict[str, str]]) -> dict[str, Any]:
    source = directory / "input.jsonl.gz"
    with gzip.open(source, "wt") as file:
        file.write("\n".join(lines) + "\n")
    properties_file = directory / "properties.json"
    properties_file.write_text(json.dumps(properties_document(properties)))
    output = directory / "out"
    result = subprocess.run(
        [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--properties", str(properties_file),
         "--output", str(output), "--parallelism", "2"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {
        "lines": lines,
        "agent_state": read_jsonl(output / "agent_state_by_queue.jsonl"),
        "contacts": read_jsonl(output / "queue_contact_metrics.jsonl"),
        "rolling": read_jsonl(output / "queue_contact_metrics_rolling.jsonl"),
        "daily": read_jsonl(output / "queue_contact_metrics_daily.jsonl"),
        "waiting": read_jsonl(output / "queue_contacts_waiting.jsonl"),
        "dead": read_jsonl(output / "dead_letter.jsonl"),
    }


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_replay(tmp_path_factory.mktemp("replay"), scenarios.mixed(scenarios.all_scenarios()), PROPERTIES)


def window_rows(rows: list[dict[str, Any]], instance: str, time: str, queue: str, channel: str = "VOICE") -> dict:
    state = contact_state(rows)
    return state[(time, instance, queue, channel)]["measures"]


def test_agent_state_equals_the_reference_for_every_scenario(replay) -> None:
    agent_state_matches_reference(replay["agent_state"], replay["lines"])


def test_a_queue_that_empties_shows_zero_and_keeps_its_rows(replay) -> None:
    sales = {
        r["time"]: r["measures"]["agents_online"]
        for r in replay["agent_state"]
        if r["dimensions"]["instance_id"] == "inst-agents" and r["dimensions"]["queue_id"] == "q-sales"
    }
    assert sales["2026-01-05T09:00:20Z"] == 3  # ana, ben, dev
    assert sales["2026-01-05T09:01:10Z"] == 2  # ben moved to Support
    assert sales["2026-01-05T09:05:40Z"] == 2  # dev's login was 328 s ago: still counted
    assert sales["2026-01-05T09:05:50Z"] == 1  # dev silent for more than 330 s
    assert sales["2026-01-05T09:07:10Z"] == 0  # ana's last event (lunch) is stale too
    times = sorted(sales)
    steps = {(reference._ms(b) - reference._ms(a)) for a, b in itertools.pairwise(times)}
    assert steps == {10_000}, "a row at every boundary"


def assert_equal_to_reference(actual: dict, expected: dict) -> None:
    emptied = {k for k in actual if k not in expected}  # a corrected CTR moved its contact to another window
    assert set(actual) == set(expected) | emptied
    assert all(actual[k]["measures"]["contacts_queued"] == 0 for k in emptied)
    wrong = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not wrong, sorted(wrong.items())[:3]


def test_contact_metrics_equal_the_reference(replay) -> None:
    assert_equal_to_reference(contact_state(replay["contacts"]), reference.queue_contact_metrics(replay["lines"]))


def test_rolling_metrics_equal_the_reference(replay) -> None:
    expected = reference.queue_contact_metrics_rolling(replay["lines"], rolling_s=ROLLING_S)
    assert_equal_to_reference(contact_state(replay["rolling"]), expected)
    ends = {k[0] for k in expected if k[1] == "inst-connect"}
    assert len(ends) >= ROLLING_S // 60, "each contact is in every window that covers it"


def test_daily_metrics_equal_the_reference_across_a_local_midnight(replay) -> None:
    expected = reference.queue_contact_metrics_daily(replay["lines"], timezone=TIMEZONE)
    assert_equal_to_reference(contact_state(replay["daily"]), expected)
    days = {k[0] for k in expected if k[1] == "inst-connect"}
    assert days == {reference.local_midnight("2026-01-04", TIMEZONE), reference.local_midnight("2026-01-05", TIMEZONE)}
    today = window_rows(replay["daily"], "inst-connect", reference.local_midnight("2026-01-05", TIMEZONE), "q-sales")
    yesterday = window_rows(
        replay["daily"], "inst-connect", reference.local_midnight("2026-01-04", TIMEZONE), "q-sales"
    )
    assert (yesterday["contacts_queued"], today["contacts_queued"]) == (1, 6)  # by hand: 08:59:30 and 6 after 09:00


def test_connect_definitions_by_hand(replay) -> None:
    """Figures worked out by hand from docs/METRICS.md, not by the reference: a check on both."""
    sales = window_rows(replay["contacts"], "inst-connect", "2026-01-05T09:01:00Z", "q-sales")
    # no-hold, two abandons, a callback and a transfer queued; the outbound call is not; one answered
    assert (sales["contacts_queued"], sales["contacts_handled"], sales["contacts_abandoned"]) == (5, 1, 2)
    assert sales["abandonment_rate"] == 2 / 5
    assert sales["abandon_time_avg_seconds"] == (45 + 25) / 2
    assert sales["queue_time_max_seconds"] == 80  # the contact that asked for a callback
    assert "hold_time_avg_seconds" not in sales  # the one answered contact never went on hold
    before = window_rows(replay["contacts"], "inst-connect", "2026-01-05T09:00:00Z", "q-sales")
    assert before["hold_time_avg_seconds"] == 30  # two holds, 30 s in all
    support = window_rows(replay["contacts"], "inst-connect", "2026-01-05T09:01:00Z", "q-support")
    assert (support["contacts_queued"], support["contacts_abandoned"]) == (1, 0)  # a flow disconnect
    assert window_rows(replay["contacts"], "inst-connect", "2026-01-05T09:01:00Z", "q-support", "CHAT")
    agents = agent_state(replay["agent_state"])
    oona_ringing_out = agents[("2026-01-05T09:00:30Z", "inst-connect", "q-sales")]["measures"]
    # Oona rings out (on contact, not available); Odin is available
    assert (oona_ringing_out["agents_on_contact"], oona_ringing_out["agents_available"]) == (1, 1)
    chen_rejected = agents[("2026-01-05T09:00:40Z", "inst-connect", "q-support")]["measures"]
    assert (chen_rejected["agents_error"], chen_rejected["agents_on_contact"]) == (1, 2)  # and Oona ringing out
    chen_ringing = agents[("2026-01-05T09:00:20Z", "inst-connect", "q-support")]["measures"]
    assert (chen_ringing["agents_on_contact"], chen_ringing["agents_available"]) == (0, 1)  # Oona is available
    odin_on_break = agents[("2026-01-05T09:00:40Z", "inst-connect", "q-sales")]["measures"]
    assert odin_on_break["agents_non_productive"] == 1
    assert not any("/agent/" in k[2] or k[2] in ("oona", "chen") for k in agents), "no rows for agent queues"


def test_a_corrected_ctr_gets_a_higher_version(replay) -> None:
    versions = [
        r["version"]
        for r in replay["contacts"]
        if r["dimensions"]["instance_id"] == "inst-contacts" and r["time"] == "2026-01-05T09:02:00Z"
        and r["dimensions"]["queue_id"] == "q-sales" and r["dimensions"]["channel"] == "VOICE"
    ]  # fmt: skip
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[0] > 1_700_000_000_000, "versions are the writes' wall-clock milliseconds"


def test_every_junk_line_is_a_dead_letter_with_its_reason(replay) -> None:
    junk = [data for _, data in scenarios.junk().records]
    dead = replay["dead"]
    assert sorted(d["record"] for d in dead) == sorted(junk), "no other dead letters: nothing was too late"
    assert {d["reason"] for d in dead} >= {"not_json", "not_an_object", "unknown_event_type", "unknown_kind"}


def test_the_live_queue_equals_the_reference(replay) -> None:
    rows = replay["waiting"]
    assert rows and all(r["version"] == 1 for r in rows), "live-queue rows are written once, final"
    key = ("instance_id", "queue_id", "channel")
    actual = {(r["time"], *(r["dimensions"][d] for d in key)): r for r in rows}
    assert len(actual) == len(rows), "one row per boundary, queue and channel"
    last = max(k[0] for k in actual)
    expected = reference_queue.queue_contacts_waiting(
        replay["lines"], max_wait_s=MAX_WAIT_S, until_ms=reference._ms(last)
    )
    for k, row in actual.items():
        want, got = expected[k], row["measures"]
        assert want.low <= got["contacts_in_queue"] <= want.high, (k, got, want)
        if want.certain:
            assert (got["contacts_in_queue"], got["oldest_contact_age_seconds"]) == (want.low, want.oldest), (k, got)
        assert row["dimensions"]["queue_name"] in ("", want.queue_name), (k, row["dimensions"])
    first: dict[tuple, str] = {}
    ended: dict[str, str] = {}
    for k in sorted(actual):
        first.setdefault(k[1:], k[0])
        ended[k[1]] = max(ended.get(k[1], k[0]), k[0])
    missing = {k: v for k, v in expected.items() if k not in actual}
    # Rows the job stops short of at the end of its instance are zeros; a queue whose first QUEUED came late
    # starts later.
    assert all(
        (k[0] > ended[k[1]] and v.high == 0) or (k[0] < first.get(k[1:], k[0]) and v.low == 0)
        for k, v in missing.items()
    ), sorted(k for k in missing)[:3]
    certain = sum(expected[k].certain for k in actual)
    assert certain >= 0.9 * len(actual), f"only {certain} of {len(actual)} rows are exact"


def test_the_live_queue_by_hand(replay) -> None:
    """In queue and Oldest worked out by hand from the scenario's contact events."""
    rows = {
        (r["time"], r["dimensions"]["queue_id"], r["dimensions"]["channel"]): r["measures"]
        for r in replay["waiting"]
        if r["dimensions"]["instance_id"] == "inst-queue"
    }

    def alpha(time: str) -> tuple[int, float]:
        m = rows[(f"2026-01-05T{time}Z", "q-alpha", "VOICE")]
        return m["contacts_in_queue"], m["oldest_contact_age_seconds"]

    assert alpha("09:00:10") == (1, 5.0)  # answered, queued at 09:00:05
    assert alpha("09:00:20") == (2, 15.0)  # ... and abandoned, queued at :12
    assert alpha("09:00:40") == (3, 28.0)  # abandoned, moved (:20), asked (:30); answered left at :37
    assert alpha("09:00:50") == (1, 38.0)  # moved on to Beta at :48, asked for a callback at :44
    assert alpha("09:01:10") == (0, 0.0)  # abandoned at :62; its duplicate QUEUED later does not reopen it
    assert alpha("09:02:10") == (1, 9.0)  # the callback, queued at 09:02:01
    assert alpha("09:02:40") == (2, 39.0)  # ... and "forever", queued at 09:02:30
    assert alpha("09:03:20") == (1, 50.0)  # the callback was answered at 09:03:10
    assert alpha("09:07:30") == (1, 300.0)  # "forever", its leaving event lost: still counted at 300 s
    assert alpha("09:07:40") == (0, 0.0)  # ... and no longer after queue.max_wait.seconds
    beta_chat = rows[("2026-01-05T09:00:30Z", "q-beta", "CHAT")]
    assert (beta_chat["contacts_in_queue"], beta_chat["oldest_contact_age_seconds"]) == (2, 5.0)
    assert rows[("2026-01-05T09:01:10Z", "q-beta", "CHAT")]["contacts_in_queue"] == 0  # emptied: shows 0
    lost = rows[("2026-01-05T09:02:10Z", "q-beta", "VOICE")]
    assert (lost["contacts_in_queue"], lost["oldest_contact_age_seconds"]) == (1, 60.0)  # queued 09:01:10
    assert rows[("2026-01-05T09:03:20Z", "q-beta", "VOICE")]["contacts_in_queue"] == 0  # its CTR ended the wait
    gamma = [rows[(f"2026-01-05T09:0{m}Z", "q-gamma", "VOICE")]["contacts_in_queue"] for m in ("1:10", "1:30")]
    assert gamma == [1, 0], "the late QUEUED counts from the next boundary on, until its DISCONNECTED at :80"


def test_the_live_queue_agrees_with_connects_own_queue_times(replay) -> None:
    """Reconciliation, where the two should agree (no contact event lost): Connect's CTRs record each contact's
    time in queue (EnqueueTimestamp to DequeueTimestamp), so Connect's "In queue" at T counts the contacts with
    enqueue < T <= dequeue. The job, from contact events, may count a contact that asked for a callback or was moved
    to another queue a few seconds longer, until its DISCONNECTED (docs/METRICS.md), and a contact still waiting when
    the traffic ends has no CTR yet: those give the upper bound."""
    lossless = scenarios.lossless_generated()
    lines = scenarios.instance_lines(lossless)
    ctrs = [c for c in reference.contact_records(lines) if (c.get("Queue") or {}).get("EnqueueTimestamp")]
    disconnects = {c["ContactId"]: reference._ms(c["DisconnectTimestamp"]) for c in ctrs}
    rows = [r for r in replay["waiting"] if r["dimensions"]["instance_id"] == lossless.instance]
    with_ctr = {c["ContactId"] for c in reference.contact_records(lines)}
    unresolved = [  # (queue, channel, enqueue) of contacts queued that no CTR has closed yet
        (s.queue, s.channel, s.time)
        for s in reference_queue.steps(lines)
        if s.rank == reference_queue.RANK["QUEUED"] and s.queue and s.contact[1] not in with_ctr
    ]
    start, end = reference._ms("2026-01-05T09:02:00Z"), reference._ms("2026-01-05T09:10:00Z")
    compared = exact = 0
    for row in rows:
        t = reference._ms(row["time"])
        if not start <= t <= end:
            continue
        queue, channel = row["dimensions"]["queue_id"], row["dimensions"]["channel"]
        mine = [c for c in ctrs if reference._last(c["Queue"]["ARN"]) == queue and c.get("Channel") == channel]
        waiting = [c for c in mine if reference._ms(c["Queue"]["EnqueueTimestamp"]) < t <= reference._ms(
            c["Queue"]["DequeueTimestamp"])]  # fmt: skip
        lingering = [
            c for c in mine
            if c.get("NextContactId")
            and reference._ms(c["Queue"]["DequeueTimestamp"]) < t <= disconnects[c["ContactId"]]
        ]  # fmt: skip
        open_ended = [u for u in unresolved if u[:2] == (queue, channel) and u[2] < t]
        got = row["measures"]["contacts_in_queue"]
        high = len(waiting) + len(lingering) + len(open_ended)
        assert len(waiting) <= got <= high, (row["time"], queue, channel, got, len(waiting), high)
        compared += 1
        exact += got == len(waiting)
    assert compared > 100 and exact >= 0.95 * compared, (compared, exact)
