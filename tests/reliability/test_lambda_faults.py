"""Lambda faults: poison records in a Kinesis batch, Timestream throttling through the real SDK, nothing lost.

tests/lambdas covers each rule with stubs (junk skipped, a rejected row fails exactly its stream record, a
failed call fails exactly its records, Connect throttling with the real SDK). This suite adds the accounting
across a whole batch — every stream record is written, skipped as a CTR, or rejected as junk with a reason, or
reported in `batchItemFailures` — with the whole bad-input corpus as the batch, and Timestream faults injected
on the wire by the fault proxy in front of moto, so botocore's own retries and error parsing are what runs.
"""

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import botocore.retries.bucket
import botocore.retries.standard
import pytest

from connect_model import AgentEvent, parse_stream_record
from lambdas import persist_agent_event as agent_function
from lambdas import persist_contact_event as contact_function
from lambdas.common.clients import timestream_write_client
from tests.lambdas.support import FakeLambdaContext, TimestreamStore, emitted_metrics, identity, kinesis_event
from tests.reliability import corpus
from tests.reliability.fault_proxy import FaultProxy


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry decisions without its sleeps (standard mode backoff and the rate limiter)."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(botocore.retries.bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)


@pytest.fixture
def through_proxy(monkeypatch: pytest.MonkeyPatch, timestream: TimestreamStore, no_backoff: None) -> Iterator[Any]:
    """Point both handlers' Timestream client at a fault proxy in front of moto; yields a proxy factory."""
    proxies: list[FaultProxy] = []

    def start(schedule: list[str], **options: Any) -> FaultProxy:
        proxy = FaultProxy(timestream.url, schedule, **options).__enter__()
        proxies.append(proxy)
        settings = replace(agent_function.SETTINGS, endpoint_url=proxy.url, max_attempts=3)
        client = timestream_write_client(settings)  # the production client builder, retries and timeouts
        monkeypatch.setattr(agent_function.WRITER, "client", client)
        monkeypatch.setattr(contact_function.WRITER, "client", client)
        return proxy

    yield start
    for proxy in proxies:
        proxy.__exit__(None, None, None)


def agent_event(minute: int, agent: str = "agent-1") -> dict[str, Any]:
    event = corpus.agent_event()
    event["EventTimestamp"] = f"2026-01-05T{10 + minute // 60:02d}:{minute % 60:02d}:00.000Z"
    event["EventId"] = f"event-{agent}-{minute}"
    event["AgentARN"] = event["AgentARN"].rsplit("/", 1)[0] + f"/{agent}"
    return event


def corpus_payloads() -> list[tuple[dict[str, Any], bytes]]:
    return [
        (case, raw.encode() if isinstance(raw, str) else raw)
        for case in corpus.committed_stream_records()
        for raw in [corpus.raw_record(case)]
    ]


def failed_sequences(response: dict[str, Any]) -> set[str]:
    return {item["itemIdentifier"] for item in response["batchItemFailures"]}


def stored_identities(timestream: TimestreamStore) -> set[tuple]:
    return {identity(r) for r in timestream.records("agent_events")}


def expected_identity(data: bytes) -> tuple:
    event = parse_stream_record(data)
    assert isinstance(event, AgentEvent)
    return identity(agent_function.agent_event_record(event))


def test_the_whole_corpus_as_one_batch_is_fully_accounted_for(
    timestream: TimestreamStore, context: FakeLambdaContext, capsys: pytest.CaptureFixture[str], log_records: list
) -> None:
    payloads = corpus_payloads()
    response = agent_function.handler(kinesis_event([data for _, data in payloads]), context)

    assert response == {"batchItemFailures": []}, "no poison record holds the shard back"
    expected = Counter(case["expect"] for case, _ in payloads)
    counted = emitted_metrics(capsys.readouterr().out)
    bad = sum(n for reason, n in expected.items() if reason not in corpus.VALID)
    assert counted["RejectedRecords"] == bad
    assert counted["SkippedContactTraceRecords"] == expected["ctr"]
    assert counted["SkippedContactEvents"] == expected["contact_event"]
    logged = Counter(r.reason for r in log_records if r.getMessage().startswith("Unusable stream record skipped"))
    assert logged == Counter({reason: n for reason, n in expected.items() if reason not in corpus.VALID})
    agent_events = [data for case, data in payloads if case["expect"] == "agent_event"]
    assert stored_identities(timestream) == {expected_identity(data) for data in agent_events}
    assert expected["agent_event"] + expected["ctr"] + expected["contact_event"] + bad == len(payloads)


def test_timestream_throttling_5xx_and_resets_are_absorbed_by_the_sdks_retries(
    timestream: TimestreamStore, context: FakeLambdaContext, through_proxy: Any
) -> None:
    # Three calls of 100, 100 and 50 rows; at most two faults in a row, and the client makes three attempts.
    schedule = ["throttle", "pass", "server_error", "drop", "pass", "throttle", "pass"]
    proxy = through_proxy(schedule)
    events = [agent_event(minute) for minute in range(250)]
    response = agent_function.handler(kinesis_event(events), context)

    assert response == {"batchItemFailures": []}
    assert proxy.log.injected == Counter({"throttle": 2, "server_error": 1, "drop": 1})
    assert proxy.log.write_requests == 7
    assert len(stored_identities(timestream)) == 250


def test_throttling_beyond_the_retries_reports_exactly_those_records_and_the_retry_stores_them(
    timestream: TimestreamStore, context: FakeLambdaContext, through_proxy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second call (rows 100-199) is throttled on all three attempts: its stream records are reported, then
    Lambda's retry from the first reported record stores them; rows written twice are the same point."""
    events: list[dict[str, Any] | bytes] = [agent_event(minute) for minute in range(250)]
    events.insert(50, b"\x00 junk in the middle")  # shifts stream positions: rows != stream records
    events.insert(120, json.dumps(corpus.ctr()).encode())
    proxy = through_proxy(["pass", "throttle", "throttle", "throttle"])
    event = kinesis_event(events)
    response = agent_function.handler(event, context)

    sequences = [r["kinesis"]["sequenceNumber"] for r in event["Records"]]
    rows_of = [i for i, e in enumerate(events) if isinstance(e, dict)]  # stream index of each row
    throttled = {sequences[i] for i in rows_of[100:200]}
    assert failed_sequences(response) == throttled
    assert proxy.log.injected["throttle"] == 3
    assert len(stored_identities(timestream)) == 150
    counted = emitted_metrics(capsys.readouterr().out)
    assert counted["TimestreamRecordsFailed"] == 100 and counted["TimestreamRecordsWritten"] == 150

    # Kinesis event source mapping: the batch is retried from the lowest reported sequence number.
    first = min(sequences.index(s) for s in throttled)
    retry = {"Records": event["Records"][first:]}
    assert agent_function.handler(retry, context) == {"batchItemFailures": []}
    assert stored_identities(timestream) == {
        expected_identity(json.dumps(e).encode()) for e in events if isinstance(e, dict)
    }, "after the retry every agent event is stored, none twice as a different point"


def test_a_record_timestream_rejects_is_reported_while_junk_is_skipped_and_the_rest_stored(
    timestream: TimestreamStore, context: FakeLambdaContext, through_proxy: Any
) -> None:
    through_proxy(
        [],
        reject_where=lambda dimensions: dimensions["agent_id"] == "agent-poison",
        reject_reason="The record timestamp is outside the time range of the memory store.",
        existing_version=None,  # with a higher existing version it would be "superseded", not a failure
    )
    events: list[dict[str, Any] | bytes] = [agent_event(m) for m in range(10)]
    events[3] = agent_event(3, agent="agent-poison")
    events[6] = b'{"EventType": "STATE_CHANGE",'  # truncated: junk
    event = kinesis_event(events)
    response = agent_function.handler(event, context)

    assert failed_sequences(response) == {event["Records"][3]["kinesis"]["sequenceNumber"]}
    assert len(stored_identities(timestream)) == 8  # 10 - the rejected one - the junk


# EventBridge delivers JSON objects only: the non-object cases are for the parser (test_bad_input.py).
CONTACT_EVENTS = [c for c in corpus.read(corpus.CONTACT_EVENT_FILE) if isinstance(c["event"], dict)]


def test_the_contact_event_corpus_through_the_handler_is_fully_accounted_for(
    timestream: TimestreamStore, context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = {}
    for case in CONTACT_EVENTS:
        envelope = {**case["event"], "source": "aws.connect", "detail-type": "Amazon Connect Contact Event"}
        result = contact_function.handler(envelope, context)  # never raises for bad input: a retry cannot fix it
        outcomes[case["id"]] = "ok" if result["status"] == "stored" else result["reason"]
    assert outcomes == {case["id"]: case["expect"] for case in CONTACT_EVENTS}
    stored = sum(1 for case in CONTACT_EVENTS if case["expect"] == "ok")
    assert emitted_metrics(capsys.readouterr().out)["RejectedEvents"] == len(CONTACT_EVENTS) - stored
    # Valid cases that differ only in fields outside the row identity are the same point: count identities.
    assert 0 < len({identity(r) for r in timestream.records("contact_events")}) <= stored


def test_contact_event_throttled_beyond_the_retries_fails_the_invocation_for_async_retry(
    timestream: TimestreamStore, context: FakeLambdaContext, through_proxy: Any
) -> None:
    proxy = through_proxy(["throttle", "throttle", "throttle"])
    envelope = corpus.contact_event()
    with pytest.raises(contact_function.ContactEventNotStored, match="ThrottlingException"):
        contact_function.handler(envelope, context)
    assert proxy.log.write_requests == 3 and timestream.records("contact_events") == []
    assert contact_function.handler(envelope, context)["status"] == "stored"  # Lambda's async retry
