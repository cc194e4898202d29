"""persist_contact_event: one EventBridge contact event -> one idempotent row of `contact_events`."""

import copy
from typing import Any

import pytest
from botocore.stub import Stubber

from lambdas import persist_contact_event as function
from tests.lambdas.support import (
    INSTANCE_ID,
    FakeLambdaContext,
    TimestreamStore,
    dimensions,
    emitted_metrics,
    identity,
    load_fixture,
    measures,
)

CONTACT_ID = "c4b3a291-8f7e-4d6c-9b5a-4f3e2d1c0b9a"
QUEUE_ID = "3f2e1d0c-9b8a-4766-8554-433221100fed"
AGENT_ID = "0c5f1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"


def pascal(value: Any) -> Any:
    """The older PascalCase shape of a camelCase detail."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v) for v in value]
    return value


def row(envelope: dict[str, Any]) -> dict[str, Any]:
    from connect_model import parse_contact_event

    return function.contact_event_record(parse_contact_event(envelope))


def test_connected_to_agent_row_has_contact_queue_agent_channel_dimensions_and_timestamps() -> None:
    record = row(load_fixture("contact_event_connected_to_agent_camel.json"))
    assert record["MeasureName"] == "CONNECTED_TO_AGENT"
    assert record["Time"] == "1767603660000"  # connectedToAgentTimestamp, 2026-01-05T09:01:00Z
    assert dimensions(record) == {
        "instance_id": INSTANCE_ID,
        "contact_id": CONTACT_ID,
        "channel": "VOICE",
        "queue_id": QUEUE_ID,
        "agent_id": AGENT_ID,
    }
    assert measures(record) == {
        "events": ("BIGINT", "1"),
        "initiation_method": ("VARCHAR", "INBOUND"),
        "initial_contact_id": ("VARCHAR", CONTACT_ID),
        "queue_type": ("VARCHAR", "STANDARD"),
        "initiation_time": ("TIMESTAMP", "1767603630000"),
        "connected_to_system_time": ("TIMESTAMP", "1767603631000"),
        "enqueue_time": ("TIMESTAMP", "1767603645000"),
        "connected_to_agent_time": ("TIMESTAMP", "1767603660000"),
        "queue_wait_seconds": ("DOUBLE", "15.0"),
    }
    assert record["Version"] == function.RECORD_VERSION


def test_pascal_case_disconnected_row_carries_the_contacts_durations() -> None:
    record = row(load_fixture("contact_event_disconnected_pascal.json"))
    values = measures(record)
    assert record["MeasureName"] == "DISCONNECTED"
    assert dimensions(record)["agent_id"] == AGENT_ID
    assert values["disconnect_time"] == ("TIMESTAMP", "1767603960000")
    # A lost CONNECTED_TO_AGENT costs no duration: DISCONNECTED repeats the enqueue and connected times.
    assert values["queue_wait_seconds"] == ("DOUBLE", "15.0")
    assert values["agent_connected_seconds"] == ("DOUBLE", "300.0")
    assert values["contact_duration_seconds"] == ("DOUBLE", "330.0")


def test_detail_casing_never_changes_the_row() -> None:
    camel = load_fixture("contact_event_connected_to_agent_camel.json")
    old = copy.deepcopy(camel)
    old["detail"] = pascal(old["detail"])
    assert row(old) == row(camel)


def test_initiated_event_has_no_queue_or_agent_dimension() -> None:
    record = row(load_fixture("contact_event_initiated_camel.json"))
    assert set(dimensions(record)) == {"instance_id", "contact_id", "channel"}


def test_event_types_connect_adds_later_are_written_like_the_others() -> None:
    event = load_fixture("contact_event_initiated_camel.json")
    event["detail"]["eventType"] = "CONTACT_DATA_UPDATED"
    assert row(event)["MeasureName"] == "CONTACT_DATA_UPDATED"


def _malformed() -> list[tuple[str, dict[str, Any]]]:
    good = load_fixture("contact_event_connected_to_agent_camel.json")
    no_contact = copy.deepcopy(good)
    del no_contact["detail"]["contactId"]
    bad_time = copy.deepcopy(good)
    bad_time["detail"]["queueInfo"]["enqueueTimestamp"] = "yesterday"
    other_source = copy.deepcopy(good)
    other_source["detail-type"] = "Amazon Connect Agent Event"
    no_detail = {k: v for k, v in good.items() if k != "detail"}
    return [
        ("missing_contactId", no_contact),
        ("bad_enqueueTimestamp", bad_time),
        ("not_a_contact_event", other_source),
        ("bad_detail", no_detail),
    ]


@pytest.mark.parametrize(("reason", "event"), _malformed(), ids=[r for r, _ in _malformed()])
def test_malformed_events_are_logged_counted_and_not_retried(
    reason: str,
    event: dict[str, Any],
    context: FakeLambdaContext,
    log_records: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Stubber(function.WRITER.client) as stub:  # no response queued: any write would fail the test
        result = function.handler(event, context)
        stub.assert_no_pending_responses()
    assert result == {"status": "rejected", "reason": reason}
    assert emitted_metrics(capsys.readouterr().out)["RejectedEvents"] == 1
    [logged] = [r for r in log_records if r.levelname == "ERROR"]
    assert (logged.reason, logged.event) == (reason, event)  # the whole event is in the log


@pytest.mark.parametrize(
    ("error_code", "modeled"),
    [
        ("RejectedRecordsException", {"RejectedRecords": [{"RecordIndex": 0, "Reason": "outside retention"}]}),
        ("ThrottlingException", {}),
    ],
)
def test_a_row_timestream_did_not_store_fails_the_invocation_for_retry_and_dead_letter(
    error_code: str, modeled: dict[str, Any], context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_fixture("contact_event_connected_to_agent_camel.json")
    with Stubber(function.WRITER.client) as stub:
        stub.add_client_error("write_records", service_error_code=error_code, modeled_fields=modeled or None)
        with pytest.raises(function.ContactEventNotStored, match=f"CONNECTED_TO_AGENT of contact {CONTACT_ID}"):
            function.handler(event, context)
    counted = emitted_metrics(capsys.readouterr().out)  # metrics are flushed even though the invocation failed
    assert counted.get("TimestreamRecordsRejected", 0) + counted.get("TimestreamRecordsFailed", 0) == 1


def test_events_are_written_to_timestream(timestream: TimestreamStore, context: FakeLambdaContext) -> None:
    names = (
        "contact_event_initiated_camel.json",
        "contact_event_connected_to_agent_camel.json",
        "contact_event_disconnected_pascal.json",
    )
    results = [function.handler(load_fixture(name), context) for name in names]
    assert [r["status"] for r in results] == ["stored"] * 3
    stored = timestream.records("contact_events")
    assert [r["MeasureName"] for r in stored] == ["INITIATED", "CONNECTED_TO_AGENT", "DISCONNECTED"]
    assert {dimensions(r)["contact_id"] for r in stored} == {CONTACT_ID}


def test_a_duplicate_delivery_writes_the_same_identity_values_and_version(
    timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    event = load_fixture("contact_event_connected_to_agent_camel.json")
    function.handler(event, context)
    resent = copy.deepcopy(event)  # Connect emitting the same step again, later, as a new event
    resent["id"] = "3e9a7b1c-0d2f-4a5b-8c6d-7e8f9a0b1c2d"
    resent["time"] = "2026-01-05T09:01:07Z"
    function.handler(resent, context)
    function.handler(resent, context)  # and EventBridge delivering that one twice
    first, *copies = timestream.records("contact_events")
    # moto keeps every copy; Timestream treats them as no-ops because identity, values and version are equal.
    assert len(copies) == 2
    for copy_ in copies:
        assert identity(copy_) == identity(first)
        assert (copy_["MeasureValues"], copy_["Version"]) == (first["MeasureValues"], first["Version"])


def test_events_without_a_step_timestamp_use_the_envelope_time() -> None:
    event = load_fixture("contact_event_initiated_camel.json")
    event["detail"]["eventType"] = "COMPLETED"
    event["time"] = "2026-01-05T09:07:00Z"
    assert row(event)["Time"] == "1767604020000"


def test_channel_is_upper_cased_as_the_job_writes_it() -> None:
    envelope = load_fixture("contact_event_connected_to_agent_camel.json")
    envelope["detail"]["channel"] = "Voice"  # as AWS's own DISCONNECTED sample writes it
    assert dimensions(row(envelope))["channel"] == "VOICE"


def test_completed_is_timed_by_the_end_of_after_contact_work_and_carries_its_times() -> None:
    envelope = load_fixture("contact_event_connected_to_agent_camel.json")
    envelope["detail"]["eventType"] = "COMPLETED"
    envelope["detail"]["disconnectTimestamp"] = "2026-01-05T09:06:00.000Z"
    envelope["detail"]["agentInfo"]["afterContactWorkStartTimestamp"] = "2026-01-05T09:06:00.000Z"
    envelope["detail"]["agentInfo"]["afterContactWorkEndTimestamp"] = "2026-01-05T09:06:45.000Z"
    record = row(envelope)
    assert record["Time"] == "1767604005000"  # 09:06:45, the end of after-contact work
    assert measures(record)["after_contact_work_seconds"] == ("DOUBLE", "45.0")
    without_acw = copy.deepcopy(envelope)
    del without_acw["detail"]["agentInfo"]["afterContactWorkEndTimestamp"]
    assert row(without_acw)["Time"] == "1767603960000"  # no ACW: right after the disconnect, as Connect sends it


def test_contact_data_updated_is_timed_by_its_envelope_and_a_placeholder_time_reads_as_absent() -> None:
    envelope = load_fixture("contact_event_connected_to_agent_camel.json")
    envelope["detail"]["eventType"] = "CONTACT_DATA_UPDATED"
    envelope["detail"]["agentInfo"]["connectedToAgentTimestamp"] = "1970-01-01T00:00:00.001Z"  # not connected yet
    record = row(envelope)
    assert record["Time"] == "1767603660000"  # the envelope's time, 09:01:00
    assert "connected_to_agent_time" not in measures(record)


def test_aws_published_samples_are_timed_by_their_steps() -> None:
    """The Lambda and the job agree on each of AWS's samples (tests/fixtures/aws_samples)."""
    from connect_model import parse_contact_event
    from flink_app.parsing import PARSED_COLUMNS, parsed_row
    from tests import aws_samples

    for name in aws_samples.names():
        if name.startswith("contact-events"):
            job_row = dict(zip(PARSED_COLUMNS, parsed_row(aws_samples.repaired(name)), strict=True))
            record = function.contact_event_record(parse_contact_event(aws_samples.load(name)))
            assert record["Time"] == str(job_row["event_ms"]), name
            assert dimensions(record)["channel"] == job_row["channel"], name
