"""persist_instance_data: every minute, Connect's current metrics, inventory and agent state -> Timestream."""

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.retries.bucket
import botocore.retries.standard
import pytest
from botocore.stub import ANY, Stubber

from lambdas import persist_instance_data as function
from lambdas.common.clients import connect_client
from lambdas.common.connect_api import ConnectCallFailed, ConnectReader, oldest_contact_age_seconds
from tests.lambdas.fake_aws import ScriptedServer
from tests.lambdas.support import (
    INSTANCE_ARN,
    INSTANCE_ID,
    FakeLambdaContext,
    TimestreamStore,
    dimensions,
    emitted_metrics,
    load_fixture,
    measures,
)

T_INVENTORY = datetime(2026, 1, 5, 9, 15, tzinfo=UTC)  # 09:15: a multiple of INVENTORY_INTERVAL_MINUTES=15
QUEUES = [("q-sales", "Sales"), ("q-support", "Support"), ("q-billing", "Billing")]
PROFILES = [("rp-sales", "Sales profile"), ("rp-support", "Support profile")]
USERS = [("u-ana", "ana.garcia"), ("u-ben", "ben.okafor"), ("u-cy", "cy.nguyen")]
GROUPED = [("q-sales", "VOICE", 42.0), ("q-sales", "CHAT", 0.0), ("q-support", "VOICE", 7.0)]


def arn(kind: str, resource_id: str) -> str:
    return f"{INSTANCE_ARN}/{kind}/{resource_id}"


def metric_row(values: dict[str, float], queue_id: str | None = None, channel: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "Collections": [{"Metric": {"Name": name, "Unit": "COUNT"}, "Value": v} for name, v in values.items()]
    }
    if queue_id:
        row["Dimensions"] = {"Queue": {"Id": queue_id, "Arn": arn("queue", queue_id)}, "Channel": channel}
    return row


def queue_values(oldest: float) -> dict[str, float]:
    return {
        "AGENTS_ONLINE": 4.0,
        "AGENTS_AVAILABLE": 1.0,
        "AGENTS_ON_CONTACT": 2.0,
        "AGENTS_NON_PRODUCTIVE": 0.0,
        "AGENTS_AFTER_CONTACT_WORK": 1.0,
        "AGENTS_ERROR": 0.0,
        "AGENTS_STAFFED": 4.0,
        "CONTACTS_IN_QUEUE": 3.0,
        "OLDEST_CONTACT_AGE": oldest,
    }


class ConnectScript:
    """Queues stubbed Connect answers in the order the function calls the APIs, pages and NextTokens included."""

    def __init__(self, stub: Stubber) -> None:
        self.stub = stub

    def pages(self, operation: str, key: str, pages: list[list[dict[str, Any]]], **params: Any) -> None:
        for number, items in enumerate(pages, start=1):
            response: dict[str, Any] = {key: items}
            if number < len(pages):
                response["NextToken"] = f"{operation}-token-{number + 1}"
            expected = {"InstanceId": INSTANCE_ID, **params}
            if number > 1:
                expected["NextToken"] = f"{operation}-token-{number}"
            self.stub.add_response(operation, response, expected)

    def error(self, operation: str, code: str, status: int = 429) -> None:
        self.stub.add_client_error(
            operation, service_error_code=code, service_message="Rate exceeded", http_status_code=status
        )

    def queues(self) -> None:
        items = [{"Id": q, "Arn": arn("queue", q), "Name": n, "QueueType": "STANDARD"} for q, n in QUEUES]
        self.pages("list_queues", "QueueSummaryList", [items[:2], items[2:]], QueueTypes=["STANDARD"], MaxResults=1000)

    def grouped_metrics(self, queue_ids: list[str] | None = None) -> None:
        rows = [metric_row(queue_values(age), q, ch) for q, ch, age in GROUPED]
        self.pages(
            "get_current_metric_data",
            "MetricResults",
            [rows[:2], rows[2:]],
            Filters={"Queues": queue_ids or [q for q, _ in QUEUES], "Channels": ["VOICE", "CHAT", "TASK"]},
            Groupings=["QUEUE", "CHANNEL"],
            CurrentMetrics=ANY,
            MaxResults=100,
        )

    def instance_metrics(self) -> None:
        # Without groupings Connect returns OLDEST_CONTACT_AGE in milliseconds: 42000 means 42 s.
        self.pages(
            "get_current_metric_data",
            "MetricResults",
            [[metric_row(queue_values(42000.0))]],
            Filters=ANY,
            Groupings=[],
            CurrentMetrics=ANY,
            MaxResults=100,
        )

    def routing_profiles(self) -> None:
        items = [{"Id": p, "Arn": arn("routing-profile", p), "Name": n} for p, n in PROFILES]
        self.pages("list_routing_profiles", "RoutingProfileSummaryList", [items[:1], items[1:]], MaxResults=1000)

    def users(self) -> None:
        items = [{"Id": u, "Arn": arn("agent", u), "Username": n} for u, n in USERS]
        self.pages("list_users", "UserSummaryList", [items[:2], items[2:]], MaxResults=1000)

    def user_data(self) -> None:
        since = datetime(2026, 1, 5, 9, 10, tzinfo=UTC)
        on_call = {
            "User": {"Id": "u-ana", "Arn": arn("agent", "u-ana")},
            "RoutingProfile": {"Id": "rp-sales", "Arn": arn("routing-profile", "rp-sales")},
            "Status": {"StatusStartTimestamp": since, "StatusArn": arn("agent-state", "a"), "StatusName": "Available"},
            "AvailableSlotsByChannel": {"VOICE": 0, "CHAT": 2},
            "MaxSlotsByChannel": {"VOICE": 1, "CHAT": 2},
            "ActiveSlotsByChannel": {"VOICE": 1, "CHAT": 0},
            "Contacts": [
                {
                    "ContactId": "contact-1",
                    "Channel": "VOICE",
                    "InitiationMethod": "INBOUND",
                    "AgentContactState": "CONNECTED",
                    "StateStartTimestamp": since,
                    "ConnectedToAgentTimestamp": since,
                    "Queue": {"Id": "q-sales", "Arn": arn("queue", "q-sales")},
                }
            ],
        }
        on_break = {
            "User": {"Id": "u-ben", "Arn": arn("agent", "u-ben")},
            "RoutingProfile": {"Id": "rp-support", "Arn": arn("routing-profile", "rp-support")},
            "Status": {"StatusStartTimestamp": since, "StatusArn": arn("agent-state", "b"), "StatusName": "Lunch"},
            "NextStatus": "Available",
        }
        self.pages(
            "get_current_user_data",
            "UserDataList",
            [[on_call], [on_break]],
            Filters={"RoutingProfiles": ["rp-sales", "rp-support"]},
            MaxResults=100,
        )

    def routing_profile_queues(self) -> None:
        def config(queue_id: str, name: str, channel: str, priority: int) -> dict[str, Any]:
            return {
                "QueueId": queue_id,
                "QueueArn": arn("queue", queue_id),
                "QueueName": name,
                "Priority": priority,
                "Delay": 0,
                "Channel": channel,
            }

        pages = [[config("q-sales", "Sales", "VOICE", 1)], [config("q-sales", "Sales", "CHAT", 2)]]
        key = "RoutingProfileQueueConfigSummaryList"
        self.pages("list_routing_profile_queues", key, pages, RoutingProfileId="rp-sales", MaxResults=100)
        pages = [[config("q-support", "Support", "VOICE", 1)]]
        self.pages("list_routing_profile_queues", key, pages, RoutingProfileId="rp-support", MaxResults=100)

    def every_minute(self) -> None:
        self.queues()
        self.grouped_metrics()
        self.instance_metrics()
        self.routing_profiles()
        self.users()
        self.user_data()


@pytest.fixture
def connect() -> Iterator[ConnectScript]:
    with Stubber(connect_client(function.SETTINGS.connect)) as stub:
        yield ConnectScript(stub)
        stub.assert_no_pending_responses()


def by_name(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["MeasureName"] == name]


def test_a_scheduled_run_pages_through_every_api_and_writes_metrics_inventory_and_agents(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    connect.every_minute()
    connect.routing_profile_queues()
    summary = function.handler(load_fixture("scheduled_event.json"), context)
    assert (summary["missing"], summary["inventory"]) == ({}, True)

    metrics = timestream.records("instance_metrics")
    queue_rows = by_name(metrics, "queue_current")
    assert [dimensions(r) for r in queue_rows] == [
        {"instance_id": INSTANCE_ID, "queue_id": "q-sales", "queue_name": "Sales", "channel": "VOICE"},
        {"instance_id": INSTANCE_ID, "queue_id": "q-sales", "queue_name": "Sales", "channel": "CHAT"},
        {"instance_id": INSTANCE_ID, "queue_id": "q-support", "queue_name": "Support", "channel": "VOICE"},
    ]
    assert {r["Time"] for r in metrics} == {"1767604500000"}  # the schedule's minute, 09:15:00
    assert measures(queue_rows[0]) == {
        "agents_online": ("BIGINT", "4"),
        "agents_available": ("BIGINT", "1"),
        "agents_on_contact": ("BIGINT", "2"),
        "agents_non_productive": ("BIGINT", "0"),
        "agents_after_contact_work": ("BIGINT", "1"),
        "agents_error": ("BIGINT", "0"),
        "agents_staffed": ("BIGINT", "4"),
        "contacts_in_queue": ("BIGINT", "3"),
        "oldest_contact_age_seconds": ("DOUBLE", "42.0"),
    }
    [instance_row] = by_name(metrics, "instance_current")
    assert dimensions(instance_row) == {"instance_id": INSTANCE_ID}
    assert measures(instance_row)["oldest_contact_age_seconds"] == ("DOUBLE", "42.0")  # 42000 ms

    inventory = timestream.records("instance_inventory")
    counts = {name: len(by_name(inventory, name)) for name in {r["MeasureName"] for r in inventory}}
    assert counts == {"agent_current": 2, "queue": 3, "routing_profile": 2, "routing_profile_queue": 3, "user": 3}
    ana = measures(by_name(inventory, "agent_current")[0])
    assert ana["username"] == ("VARCHAR", "ana.garcia")
    assert ana["routing_profile_name"] == ("VARCHAR", "Sales profile")
    assert (ana["status_type"], ana["on_contact"], ana["contact_states"]) == (
        ("VARCHAR", "ROUTABLE"),
        ("BOOLEAN", "true"),
        ("VARCHAR", "VOICE:CONNECTED"),
    )
    assert (ana["active_slots"], ana["max_slots"]) == (("BIGINT", "1"), ("BIGINT", "3"))
    ben = measures(by_name(inventory, "agent_current")[1])
    assert (ben["status_type"], ben["next_status"], ben["contact_count"]) == (
        ("VARCHAR", "CUSTOM"),
        ("VARCHAR", "Available"),
        ("BIGINT", "0"),
    )
    profile = {dimensions(r)["routing_profile_id"]: measures(r) for r in by_name(inventory, "routing_profile")}
    assert profile["rp-sales"]["queue_count"] == ("BIGINT", "1")
    versions = {r["Version"] for r in metrics + inventory}
    assert len(versions) == 1 and versions.pop() > 1_700_000_000_000  # the write time: a retried run overwrites


def test_between_inventory_minutes_only_metrics_and_agents_are_written(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    connect.every_minute()  # no ListRoutingProfileQueues queued: calling it would fail the test
    event = {**load_fixture("scheduled_event.json"), "time": "2026-01-05T09:16:00Z"}
    assert function.handler(event, context)["inventory"] is False
    assert {r["MeasureName"] for r in timestream.records("instance_inventory")} == {"agent_current"}
    assert len(timestream.records("instance_metrics")) == 4


def test_oldest_contact_age_is_seconds_when_grouped_and_milliseconds_when_not() -> None:
    assert oldest_contact_age_seconds(24.0, grouped=True) == 24.0
    assert oldest_contact_age_seconds(24113.0, grouped=False) == pytest.approx(24.113)


def test_the_reader_applies_the_unit_quirk_to_what_the_api_returns(connect: ConnectScript) -> None:
    for groupings, row in (
        (["QUEUE", "CHANNEL"], metric_row({"OLDEST_CONTACT_AGE": 24.0}, "q", "VOICE")),
        ([], metric_row({"OLDEST_CONTACT_AGE": 24113.0})),
    ):
        params = {"Filters": ANY, "Groupings": groupings, "CurrentMetrics": ANY, "MaxResults": 100}
        connect.pages("get_current_metric_data", "MetricResults", [[row]], **params)
    reader = ConnectReader(connect.stub.client, INSTANCE_ID)
    [grouped] = reader.current_metrics(["q"], ["VOICE"], ["QUEUE", "CHANNEL"])
    [ungrouped] = reader.current_metrics(["q"], ["VOICE"], [])
    assert grouped.values["OLDEST_CONTACT_AGE"] == 24.0
    assert ungrouped.values["OLDEST_CONTACT_AGE"] == pytest.approx(24.113)


@pytest.mark.parametrize("code", ["ThrottlingException", "TooManyRequestsException"])
def test_throttling_that_outlasts_the_retries_costs_only_what_depends_on_the_call(
    code: str,
    connect: ConnectScript,
    timestream: TimestreamStore,
    context: FakeLambdaContext,
    log_records: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect.queues()
    connect.grouped_metrics()
    connect.instance_metrics()
    connect.routing_profiles()
    connect.users()
    connect.error("get_current_user_data", code)
    connect.routing_profile_queues()
    summary = function.handler(load_fixture("scheduled_event.json"), context)  # no exception: next minute retries
    assert list(summary["missing"]) == ["user_data[0]"]
    assert code in summary["missing"]["user_data[0]"]
    assert len(timestream.records("instance_metrics")) == 4
    assert not by_name(timestream.records("instance_inventory"), "agent_current")
    counted = emitted_metrics(capsys.readouterr().out)
    assert (counted["ConnectThrottled"], counted["CollectionIncomplete"]) == (1, 1)
    assert any(r.getMessage() == "Connect kept throttling after retries" for r in log_records)


def test_a_throttled_queue_list_still_writes_agents(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    connect.error("list_queues", "ThrottlingException")
    connect.routing_profiles()
    connect.users()
    connect.user_data()
    connect.routing_profile_queues()
    summary = function.handler(load_fixture("scheduled_event.json"), context)
    assert list(summary["missing"]) == ["queues"]
    assert timestream.records("instance_metrics") == []
    assert len(by_name(timestream.records("instance_inventory"), "agent_current")) == 2


def test_an_error_a_person_must_fix_fails_the_run_after_writing_what_was_read(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    connect.queues()
    connect.grouped_metrics()
    connect.instance_metrics()
    connect.routing_profiles()
    connect.error("list_users", "AccessDeniedException", status=403)
    connect.user_data()
    connect.routing_profile_queues()
    with pytest.raises(function.InstanceDataIncomplete, match="AccessDeniedException"):
        function.handler(load_fixture("scheduled_event.json"), context)
    assert len(timestream.records("instance_metrics")) == 4
    agents = by_name(timestream.records("instance_inventory"), "agent_current")
    assert len(agents) == 2 and "username" not in measures(agents[0])


def test_connect_calls_stop_before_the_deadline_and_what_was_read_is_written(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext
) -> None:
    connect.queues()  # two pages, then time is up
    left = iter([60_000, 60_000])
    context.get_remaining_time_in_millis = lambda: next(left, 1_000)  # type: ignore[method-assign]
    summary = function.handler(load_fixture("scheduled_event.json"), context)
    assert "queue_metrics[0]" in summary["missing"] and "routing_profiles" in summary["missing"]
    assert all("ms left" in reason for reason in summary["missing"].values())
    assert len(by_name(timestream.records("instance_inventory"), "queue")) == 3


def test_more_than_100_queues_are_read_100_at_a_time(connect: ConnectScript, context: FakeLambdaContext) -> None:
    ids = [f"q{n:03d}" for n in range(150)]
    items = [{"Id": q, "Arn": arn("queue", q), "Name": q, "QueueType": "STANDARD"} for q in ids]
    connect.pages("list_queues", "QueueSummaryList", [items], QueueTypes=["STANDARD"], MaxResults=1000)
    for chunk in (ids[:100], ids[100:]):
        connect.pages(
            "get_current_metric_data",
            "MetricResults",
            [[]],
            Filters={"Queues": chunk, "Channels": ["VOICE", "CHAT", "TASK"]},
            Groupings=["QUEUE", "CHANNEL"],
            CurrentMetrics=ANY,
            MaxResults=100,
        )
    connect.pages("list_routing_profiles", "RoutingProfileSummaryList", [[]], MaxResults=1000)
    connect.pages("list_users", "UserSummaryList", [[]], MaxResults=1000)
    with Stubber(function.WRITER.client) as timestream_stub:
        timestream_stub.add_response("write_records", {})  # the 150 queue inventory rows: two calls
        timestream_stub.add_response("write_records", {})
        summary = function.handler(load_fixture("scheduled_event.json"), context)
    assert summary["missing"] == {}  # no instance-wide call: the API's filter takes at most 100 queues
    assert summary["written"] == {"instance_metrics": 0, "instance_inventory": 150}


def test_rows_timestream_rejects_fail_the_run_but_newer_versions_do_not(
    connect: ConnectScript, context: FakeLambdaContext
) -> None:
    connect.every_minute()
    connect.routing_profile_queues()
    connect.every_minute()
    connect.routing_profile_queues()
    with Stubber(function.WRITER.client) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            modeled_fields={
                "RejectedRecords": [{"RecordIndex": 0, "Reason": "a newer run won", "ExistingVersion": 2**62}]
            },
        )
        stub.add_response("write_records", {})
        assert function.handler(load_fixture("scheduled_event.json"), context)["not_stored"] == {}
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            modeled_fields={"RejectedRecords": [{"RecordIndex": 1, "Reason": "dimension value too long"}]},
        )
        stub.add_response("write_records", {})
        with pytest.raises(function.InstanceDataIncomplete, match=re.escape("not stored {'instance_metrics': 1}")):
            function.handler(load_fixture("scheduled_event.json"), context)


def test_a_run_without_a_scheduled_time_uses_the_current_minute() -> None:
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    at = function.collection_minute({})
    assert at.second == at.microsecond == 0 and before <= at <= datetime.now(UTC)
    assert function.collection_minute({"time": "2026-01-05T09:15:42Z"}) == datetime(2026, 1, 5, 9, 15, tzinfo=UTC)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep botocore's retry decisions but not its sleeping: backoff, and adaptive mode's rate-limiter waits."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(botocore.retries.bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)


def throttled() -> tuple[int, dict[str, str], dict[str, Any]]:
    return 429, {"x-amzn-ErrorType": "TooManyRequestsException:"}, {"Message": "Rate exceeded"}


def listed() -> tuple[int, dict[str, str], dict[str, Any]]:
    return 200, {"Content-Type": "application/json"}, {"QueueSummaryList": [{"Id": "q1", "Name": "Sales"}]}


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_the_connect_client_retries_throttling_itself(mode: str, no_backoff: None) -> None:
    """Real botocore against a loopback server that throttles twice, then answers."""
    settings = replace(function.SETTINGS.connect, retry_mode=mode, max_attempts=3)
    with ScriptedServer([throttled(), throttled(), listed()]) as server:
        started = time.monotonic()
        queues = ConnectReader(connect_client(settings, server.url), INSTANCE_ID).queues()
        assert [q.id for q in queues] == ["q1"]
        assert len(server.requests) == 3
        assert server.requests[0][1].startswith(f"/queues-summary/{INSTANCE_ID}?")
    assert time.monotonic() - started < 5


def test_throttling_beyond_the_attempts_surfaces_as_a_throttled_failure(no_backoff: None) -> None:
    settings = replace(function.SETTINGS.connect, retry_mode="standard", max_attempts=2)
    with ScriptedServer([throttled(), throttled(), listed()]) as server:
        with pytest.raises(ConnectCallFailed) as failure:
            ConnectReader(connect_client(settings, server.url), INSTANCE_ID).queues()
        assert len(server.requests) == 2
    assert failure.value.throttled and failure.value.operation == "ListQueues"


def test_clients_are_built_once_per_container_not_per_invocation(
    connect: ConnectScript, timestream: TimestreamStore, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect.every_minute()
    connect.every_minute()
    event = {**load_fixture("scheduled_event.json"), "time": "2026-01-05T09:16:00Z"}
    function.handler(event, context)  # warm: clients exist from here on
    built: list[str] = []
    real_client = boto3.client
    monkeypatch.setattr(boto3, "client", lambda *a, **k: built.append(a[0]) or real_client(*a, **k))
    function.handler({**event, "time": "2026-01-05T09:17:00Z"}, context)
    assert built == []
