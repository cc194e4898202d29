"""The shared Timestream writer and record builder: batching, every failure mapped to its record, idempotent rows."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from aws_lambda_powertools import Metrics
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from lambdas.common.records import MAX_VALUE_BYTES, multi_measure_record, seconds_between
from lambdas.common.timestream import MAX_RECORDS_PER_CALL, TimestreamWriter
from tests.lambdas.fake_aws import ScriptedServer
from tests.lambdas.support import emitted_metrics

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def record(n: int, version: int = 1) -> dict[str, Any]:
    return multi_measure_record(
        time=T0 + timedelta(seconds=n),
        measure_name="STATE_CHANGE",
        dimensions={"instance_id": "i1", "agent_id": f"agent-{n}"},
        measures={"events": 1},
        version=version,
    )


def client() -> Any:
    # Never contacted: every call is answered by a Stubber.
    return boto3.client("timestream-write", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9")


def rejected(*items: dict[str, Any]) -> dict[str, Any]:
    return {"Message": "One or more records have been rejected.", "RejectedRecords": list(items)}


def write_params(table: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"DatabaseName": "db", "TableName": table, "Records": records}


def test_writes_in_calls_of_at_most_100_records() -> None:
    c = client()
    records = [record(n) for n in range(250)]
    with Stubber(c) as stub:
        for start in (0, 100, 200):
            stub.add_response("write_records", {}, write_params("t", records[start : start + MAX_RECORDS_PER_CALL]))
        result = TimestreamWriter("db", lambda: c).write("t", records)
        stub.assert_no_pending_responses()
    assert (result.ok, result.written, result.failures) == (True, 250, [])


def test_rejected_records_are_mapped_back_to_their_input_positions_across_calls(log_records: list) -> None:
    c = client()
    records = [record(n) for n in range(150)]
    with Stubber(c) as stub:
        stub.add_response("write_records", {})
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            http_status_code=419,
            modeled_fields=rejected(
                {"RecordIndex": 3, "Reason": "The record timestamp is outside the time range of the memory store."},
                {"RecordIndex": 10, "Reason": "A record with a different value exists.", "ExistingVersion": 1},
            ),
        )
        result = TimestreamWriter("db", lambda: c).write("agent_events", records)
    assert sorted(result.failed_indexes) == [103, 110]
    assert all(f.rejected for f in result.failures)
    assert result.written == 148
    logged = [r for r in log_records if r.getMessage() == "Timestream rejected a record"]
    assert [r.record for r in logged] == [records[103], records[110]]  # the whole record, not just a count


def test_a_newer_version_already_stored_is_superseded_not_a_failure() -> None:
    c = client()
    with Stubber(c) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            http_status_code=419,
            modeled_fields=rejected({"RecordIndex": 0, "Reason": "newer version exists", "ExistingVersion": 7}),
        )
        result = TimestreamWriter("db", lambda: c).write("t", [record(0, version=5), record(1, version=5)])
    assert result.ok
    assert [f.index for f in result.superseded] == [0]
    assert result.written == 1


def test_a_failed_call_fails_exactly_the_records_it_carried() -> None:
    c = client()
    records = [record(n) for n in range(150)]
    with Stubber(c) as stub:
        stub.add_client_error("write_records", service_error_code="ThrottlingException", http_status_code=429)
        stub.add_response("write_records", {})
        result = TimestreamWriter("db", lambda: c).write("t", records)
    assert result.failed_indexes == set(range(100))
    assert not any(f.rejected for f in result.failures)
    assert result.failures[0].reason.startswith("ThrottlingException")
    assert result.written == 50


def test_network_errors_are_failures_of_the_call_not_exceptions() -> None:
    class Unreachable:
        def write_records(self, **_: Any) -> None:
            raise EndpointConnectionError(endpoint_url="https://ingest.timestream.eu-west-1.amazonaws.com")

    result = TimestreamWriter("db", Unreachable).write("t", [record(0), record(1)])
    assert result.failed_indexes == {0, 1}
    assert "EndpointConnectionError" in result.failures[0].reason


def test_identical_records_are_sent_once_and_share_the_outcome() -> None:
    c = client()
    a, b = record(1), record(2)
    with Stubber(c) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            http_status_code=419,
            modeled_fields=rejected({"RecordIndex": 0, "Reason": "conflict", "ExistingVersion": 1}),
            expected_params=write_params("t", [a, b]),
        )
        result = TimestreamWriter("db", lambda: c).write("t", [a, dict(a), b])
    assert result.failed_indexes == {0, 1}


def test_outcomes_are_counted_as_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    c = client()
    metrics = Metrics(namespace="ConnectMonitorTest", service="writer-test")
    with Stubber(c) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            http_status_code=419,
            modeled_fields=rejected({"RecordIndex": 1, "Reason": "out of range"}),
        )
        stub.add_client_error("write_records", service_error_code="InternalServerException", http_status_code=500)
        TimestreamWriter("db", lambda: c, metrics).write("t", [record(n) for n in range(101)])
    metrics.flush_metrics()
    counted = emitted_metrics(capsys.readouterr().out)
    assert counted["TimestreamRecordsWritten"] == 99
    assert counted["TimestreamRecordsRejected"] == 1
    assert counted["TimestreamRecordsFailed"] == 1


def test_real_sdk_parses_rejected_records_from_the_wire() -> None:
    """Not the Stubber: botocore's JSON protocol parser must expose RejectedRecords on the error response."""
    body = {
        "__type": "com.amazonaws.timestream.v20181101#RejectedRecordsException",
        "Message": "One or more records have been rejected. See RejectedRecords for details.",
        "RejectedRecords": [{"RecordIndex": 1, "Reason": "Duplicate data", "ExistingVersion": 1}],
    }
    with ScriptedServer([(400, {"Content-Type": "application/x-amz-json-1.0"}, body)]) as server:
        real = boto3.client("timestream-write", region_name="eu-west-1", endpoint_url=server.url)
        result = TimestreamWriter("db", lambda: real).write("t", [record(0), record(1)])
        sent = json.loads(server.requests[0][3])
    assert [f.index for f in result.failures] == [1]
    assert (result.failures[0].reason, result.failures[0].existing_version) == ("Duplicate data", 1)
    assert len(sent["Records"]) == 2


def test_record_types_follow_python_types_and_absent_values_are_left_out() -> None:
    built = multi_measure_record(
        time=T0,
        measure_name="QUEUED",
        dimensions={"instance_id": "i1", "queue_id": None, "agent_id": ""},
        measures={
            "events": 1,
            "on_contact": False,
            "wait": 2.5,
            "name": "Sales",
            "at": T0,
            "missing": None,
            "empty": "",
            "nan": float("nan"),
        },
        version=3,
    )
    assert built["Dimensions"] == [{"Name": "instance_id", "Value": "i1"}]
    assert built["MeasureValues"] == [
        {"Name": "events", "Value": "1", "Type": "BIGINT"},
        {"Name": "on_contact", "Value": "false", "Type": "BOOLEAN"},
        {"Name": "wait", "Value": "2.5", "Type": "DOUBLE"},
        {"Name": "name", "Value": "Sales", "Type": "VARCHAR"},
        {"Name": "at", "Value": "1767603600000", "Type": "TIMESTAMP"},
    ]
    assert (built["Time"], built["TimeUnit"], built["Version"]) == ("1767603600000", "MILLISECONDS", 3)


def test_long_text_is_cut_to_timestreams_limit_and_empty_records_are_refused() -> None:
    built = multi_measure_record(time=T0, measure_name="m", dimensions={}, measures={"ids": "é" * 3000}, version=1)
    assert len(built["MeasureValues"][0]["Value"].encode()) <= MAX_VALUE_BYTES
    with pytest.raises(ValueError, match="no measure"):
        multi_measure_record(time=T0, measure_name="m", dimensions={}, measures={"x": None}, version=1)
    with pytest.raises(ValueError, match="naive"):
        multi_measure_record(time=datetime(2026, 1, 5), measure_name="m", dimensions={}, measures={"x": 1}, version=1)


def test_durations_need_both_ends_in_order() -> None:
    assert seconds_between(T0, T0 + timedelta(seconds=90)) == 90.0
    assert seconds_between(T0, None) is None
    assert seconds_between(T0 + timedelta(seconds=1), T0) is None
