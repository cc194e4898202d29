"""The job's parse step: one row per record, dead letters keep their reason and (bounded) content."""

import json

from flink_app.parsing import MAX_DEAD_LETTER_CHARS, PARSED_COLUMNS, parsed_row
from tests.conftest import load_fixture


def row(data: str | None) -> dict:
    return dict(zip(PARSED_COLUMNS, parsed_row(data), strict=True))


def test_agent_event_row_carries_flags_and_queues() -> None:
    parsed = row(json.dumps(load_fixture("agent_event_state_change.json")))
    assert parsed["kind"] == "agent_event"
    assert parsed["event_ms"] == 1767603720000
    assert (parsed["status_type"], parsed["on_contact"], parsed["in_acw"], parsed["has_contacts"]) == (
        "ROUTABLE",
        True,
        False,
        True,
    )
    assert (parsed["queue_ids"], parsed["queue_names"]) == (["q-sales", "q-support"], ["Sales", "Support"])


def test_ctr_row_is_kind_ctr() -> None:
    assert row(json.dumps(load_fixture("ctr_handled.json")))["kind"] == "ctr"


def test_bad_records_become_dead_letters_with_reason_and_bounded_content() -> None:
    parsed = row("x" * 10_000)
    assert (parsed["kind"], parsed["reason"]) == ("dead_letter", "not_json")
    assert len(parsed["raw_record"]) == MAX_DEAD_LETTER_CHARS
    assert row(None)["reason"] == "null_record"


def test_ctr_row_carries_queue_times_and_durations() -> None:
    parsed = row(json.dumps(load_fixture("ctr_handled.json")))
    assert (parsed["contact_id"], parsed["queue_id"], parsed["channel"]) == (
        "cccc1111-2222-3333-4444-555566667777",
        "q-sales",
        "VOICE",
    )
    assert (parsed["disconnect_ms"], parsed["last_update_ms"]) == (1767603900000, 1767603931000)
    assert parsed["handled"] is True
    assert (parsed["handle_seconds"], parsed["queue_wait_seconds"]) == (270.0, 15.0)
    assert (parsed["hold_seconds"], parsed["acw_seconds"]) == (40.0, 30.0)
    assert parsed["event_id"] is None and parsed["queue_ids"] == []


def test_a_ctr_without_queue_or_agent_has_no_queue_and_zero_durations() -> None:
    document = load_fixture("ctr_handled.json")
    document["Queue"] = None
    document["Agent"] = None
    parsed = row(json.dumps(document))
    assert (parsed["queue_id"], parsed["handled"], parsed["handle_seconds"]) == (None, False, 0.0)


def test_a_record_from_a_clock_far_ahead_is_a_dead_letter_not_a_time_machine() -> None:
    document = load_fixture("agent_event_state_change.json")
    document["EventTimestamp"] = "2099-12-31T00:00:00.000Z"
    parsed = row(json.dumps(document))
    assert (parsed["kind"], parsed["reason"]) == ("dead_letter", "future_timestamp")
    ctr = load_fixture("ctr_handled.json")
    ctr["LastUpdateTimestamp"] = "2099-12-31T00:00:00.000Z"
    assert row(json.dumps(ctr))["reason"] == "future_timestamp"
