"""bench/window_state.py: what the contact views' windows hold, the keys of the state-size benchmark."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench import window_state
from bench.window_state import ViewShape, held, steady_memberships
from connect_model.ctr import ContactTraceRecord, CtrAgent, CtrQueue

DAY = datetime(2026, 1, 5, tzinfo=UTC)


def ctr(contact: str, disconnect: datetime, wait: float, handle: float | None, queue: str = "q1") -> ContactTraceRecord:
    agent = None
    if handle is not None:
        agent = CtrAgent("arn:agent", "a", disconnect, handle, 0.0, 0.0, 0)
    return ContactTraceRecord(
        contact_id=contact,
        instance_arn="arn:aws:connect:eu-west-2:1:instance/i1",
        channel="VOICE",
        initiation_method="INBOUND",
        initiated=disconnect - timedelta(minutes=5),
        disconnected=disconnect,
        last_updated=disconnect,
        queue=CtrQueue(f"arn:aws:connect:eu-west-2:1:instance/i1/queue/{queue}", queue, wait, disconnect, disconnect),
        agent=agent,
    )


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def test_a_window_holds_one_entry_per_distinct_value_per_population() -> None:
    at = DAY + timedelta(hours=9, seconds=10)
    same = [ctr("c1", at, 12, 300), ctr("c2", at + timedelta(seconds=5), 12, 300), ctr("c3", at, 40, None)]
    tumbling = held(same, ViewShape(), None)["tumbling"]
    # queue_wait {12, 40}; handle {300}; answered_wait {12}; acw {0}; c3 is abandoned: abandon_wait {40}
    assert (tumbling.memberships, tumbling.entries, tumbling.windows) == (3, 6, 1)


def test_a_rolling_contact_is_in_rolling_over_window_windows_and_a_daily_one_in_its_day() -> None:
    contacts = [ctr("c1", DAY + timedelta(hours=9), 12, 300), ctr("c2", DAY + timedelta(hours=23, minutes=59), 5, 60)]
    views = held(contacts, ViewShape(window_seconds=60, rolling_seconds=900), None)
    assert views["rolling"].memberships == 2 * 15 and views["rolling"].windows == 30
    assert views["daily"].memberships == 2 and views["daily"].windows == 1


def test_windows_past_their_end_plus_lateness_are_not_held() -> None:
    at = DAY + timedelta(hours=9, seconds=30)
    shape = ViewShape(window_seconds=60, rolling_seconds=900, allowed_lateness_seconds=3600)
    window_end = DAY + timedelta(hours=9, minutes=1)
    just_held = held([ctr("c1", at, 1, 2)], shape, ms(window_end + timedelta(seconds=3599)))
    gone = held([ctr("c1", at, 1, 2)], shape, ms(window_end + timedelta(seconds=3600)))
    assert just_held["tumbling"].memberships == 1 and gone["tumbling"].memberships == 0
    assert gone["rolling"].memberships == 14  # the later rolling windows end later
    assert gone["daily"].memberships == 1  # held until the next midnight + lateness


def test_the_steady_model_counts_the_pairs_a_constant_rate_leaves_held() -> None:
    """One contact every 10 s for 6 h: the pairs held at the end are the model's (to within one window)."""
    shape = ViewShape(window_seconds=60, rolling_seconds=900, allowed_lateness_seconds=3600)
    start = DAY + timedelta(hours=1)
    contacts = [ctr(f"c{i}", start + timedelta(seconds=10 * i), i % 7, 60) for i in range(6 * 360)]
    end = start + timedelta(hours=6)
    measured = held(contacts, shape, ms(end))
    model = steady_memberships(0.1, shape)
    for view in ("tumbling", "rolling"):
        assert abs(measured[view].memberships - model[view]) <= 0.1 * shape.window_seconds * 15, view
    assert model["daily"] == pytest.approx(0.1 * 86400)


def test_every_view_has_the_uid_the_job_gives_its_operator() -> None:
    job = (
        Path(__file__).resolve().parents[2]
        / "connectors/src/main/java/io/github/connectmonitor/metrics/MetricsJob.java"
    ).read_text()
    assert '"contacts-window"' in job and '"contacts-" + name + "-window"' in job
    assert set(window_state.VIEW_UIDS) == {"tumbling", "rolling", "daily"}
