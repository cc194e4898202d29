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
    assert [tuple(q) for q in parsed["queues"]] == [("q-sales", "Sales"), ("q-support", "Support")]


def test_ctr_row_is_kind_ctr() -> None:
    assert row(json.dumps(load_fixture("ctr_handled.json")))["kind"] == "ctr"


def test_bad_records_become_dead_letters_with_reason_and_bounded_content() -> None:
    parsed = row("x" * 10_000)
    assert (parsed["kind"], parsed["reason"]) == ("dead_letter", "not_json")
    assert len(parsed["raw_record"]) == MAX_DEAD_LETTER_CHARS
    assert row(None)["reason"] == "null_record"
