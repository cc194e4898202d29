"""Bad input: every malformed or hostile record is either a valid record or rejected with a stable reason.

Three layers, all pure Python (no Flink, no servers): the committed corpus (`corpus/`, see `corpus.py`),
large cases built at test time (over 1 MiB, deep nesting) with a time bound, and property-based fuzzing
(`hypothesis`) of `connect_model.parse_stream_record`, `parse_contact_event` and the job's parse step
`flink_app.parsing.parsed_row`. The same corpus runs through the real job in `test_replay_dead_letters.py` and
through the agent-event Lambda in `test_lambda_faults.py`.
"""

import json
import math
import os
import re
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connect_model import (
    AgentEvent,
    ContactEvent,
    ContactTraceRecord,
    RejectedRecord,
    parse_contact_event,
    parse_stream_record,
)
from flink_app.parsing import MAX_DEAD_LETTER_CHARS, PARSED_COLUMNS, parsed_row
from tests.reliability import corpus
from tests.reliability.strategies import (
    ANY_TEXT,
    CONNECT_KEYS,
    CONNECT_SHAPED,
    JSON_VALUES,
    READ_FIELDS,
    field_path,
    mutated_documents,
    replace,
    right_typed_hostile,
    text_of,
)

STREAM_CASES = corpus.committed_stream_records()
CONTACT_EVENT_CASES = corpus.read(corpus.CONTACT_EVENT_FILE)

# The reason codes a record can get: a fixed vocabulary, so dead-letter counts group cleanly.
FIELDS = {
    reason.split("_", 1)[1]
    for table in (corpus.AGENT_EVENT_FIELDS, corpus.CTR_FIELDS, corpus.CONTACT_EVENT_FIELDS)
    for reason in table.values()
} | {"event"}
STREAM_REASONS = {"not_json", "not_an_object", "unknown_kind", "too_large", "unknown_event_type", "not_a_contact_event"}
STREAM_REASONS |= {"missing_CurrentAgentSnapshot", "future_timestamp"} | {
    f"{prefix}_{f}" for f in FIELDS for prefix in ("bad", "missing")
}
# Hostile input must cost little: the slowest legal record (1 MiB) parses in about 20 ms here.
MAX_SECONDS_PER_RECORD = 0.5

# CI explores a fixed sequence of examples (no flaky run); FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 explores anew.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    deadline=None,  # timing is asserted explicitly (MAX_SECONDS_PER_RECORD), not by hypothesis' 200 ms default
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(data: str | bytes) -> str:
    """`agent_event`, `ctr`, `contact_event` or the reason; any other exception fails the test (a crash)."""
    try:
        record = parse_stream_record(data)
    except RejectedRecord as rejected:
        return rejected.reason
    if isinstance(record, ContactEvent):
        return "contact_event"
    return "agent_event" if isinstance(record, AgentEvent) else "ctr"


def as_row(data: str) -> dict[str, Any]:
    return dict(zip(PARSED_COLUMNS, parsed_row(data), strict=True))


def strings_in(value: Any) -> list[str]:
    """Every string in a row value, through lists and nested rows (the column layout is the job's business)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings_in(item)]
    return []


def assert_row_is_well_typed(row: dict[str, Any]) -> None:
    """What Flink's serializer needs from the parse step: the declared types, and text that UTF-8 can encode."""
    assert row["kind"] in ("agent_event", "ctr", "contact_event", "dead_letter")
    for name, value in row.items():
        for text in strings_in(value):
            text.encode()  # a lone surrogate would fail here, as it would in Flink's serializer
        if name.endswith("_ms"):
            assert value is None or (isinstance(value, int) and -(2**63) <= value < 2**63), name
        if name.endswith("_seconds"):
            assert value is None or (isinstance(value, float) and math.isfinite(value)), name
    if row["kind"] == "dead_letter":
        assert row["reason"] in STREAM_REASONS | {"null_record"}
        assert row["raw_record"] is None or len(row["raw_record"]) <= MAX_DEAD_LETTER_CHARS


# --- the corpus ------------------------------------------------------------------------------------------------


def test_the_committed_corpus_is_what_the_builders_make() -> None:
    """`python -m tests.reliability.corpus` rewrites it; a hand edit or a fixture change shows up here."""
    files = corpus.rendered_files()
    assert sorted(corpus.CORPUS.glob("*.jsonl")) == sorted(files)
    for path, text in files.items():
        assert path.read_text(encoding="ascii") == text, f"{path.name} is stale: run python -m tests.reliability.corpus"
    assert len(STREAM_CASES) > 300 and len({c["id"] for c in STREAM_CASES}) == len(STREAM_CASES)


@pytest.mark.parametrize("case", STREAM_CASES, ids=[c["id"] for c in STREAM_CASES])
def test_every_corpus_record_gets_its_outcome(case: dict[str, Any]) -> None:
    data = corpus.raw_record(case)
    assert outcome(data) == case["expect"]
    assert outcome(data) == case["expect"], "the same record always gets the same reason"
    if case["expect"] not in corpus.VALID:
        assert case["expect"] in STREAM_REASONS
    if isinstance(data, str):
        row = as_row(data)
        assert_row_is_well_typed(row)
        expect = corpus.job_expectation(case)
        assert row["kind"] == ("dead_letter" if expect not in corpus.VALID else expect)
        assert row["reason"] == (None if expect in corpus.VALID else expect)


@pytest.mark.parametrize("case", corpus.generated_stream_records(), ids=lambda c: c["id"])
def test_large_and_deep_records_get_their_outcome_in_bounded_time(case: dict[str, Any]) -> None:
    data = corpus.raw_record(case)
    started = time.perf_counter()
    row = as_row(data)
    elapsed = time.perf_counter() - started
    assert (row["reason"] or row["kind"]) == case["expect"]
    assert_row_is_well_typed(row)
    assert elapsed < MAX_SECONDS_PER_RECORD, f"{case['id']}: {elapsed:.3f} s"


def test_unicode_names_come_through_unchanged() -> None:
    checked = 0
    for case in STREAM_CASES:
        if case["group"] != "unicode" or case["expect"] not in corpus.VALID:
            continue
        document = json.loads(case["record"])
        if case["expect"] == "agent_event":
            expected = document["CurrentAgentSnapshot"]["Configuration"]["RoutingProfile"]["InboundQueues"][0]["Name"]
        else:
            expected = document["Queue"]["Name"]
        assert expected in strings_in(list(as_row(case["record"]).values())), case["id"]
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("case", CONTACT_EVENT_CASES + corpus.generated_contact_events(), ids=lambda c: c["id"])
def test_every_contact_event_gets_its_outcome(case: dict[str, Any]) -> None:
    try:
        parse_contact_event(case["event"])
        got = "ok"
    except RejectedRecord as rejected:
        got = rejected.reason
    assert got == case["expect"]


# --- property-based fuzzing ------------------------------------------------------------------------------------


@FUZZ
@given(data=st.one_of(ANY_TEXT, st.binary(max_size=256), st.text(max_size=2000)))
def test_fuzz_arbitrary_text_and_bytes(data: str | bytes) -> None:
    got = outcome(data)
    assert got in STREAM_REASONS or got in corpus.VALID
    if isinstance(data, str):
        assert_row_is_well_typed(as_row(data))


@FUZZ
@given(document=st.one_of(mutated_documents(corpus.agent_event()), mutated_documents(corpus.ctr())))
def test_fuzz_mutated_agent_events_and_ctrs(document: Any) -> None:
    text = text_of(document)
    started = time.perf_counter()
    got = outcome(text)
    row = as_row(text)
    assert time.perf_counter() - started < MAX_SECONDS_PER_RECORD
    assert got in STREAM_REASONS or got in corpus.VALID, got
    assert_row_is_well_typed(row)
    assert (row["reason"] or row["kind"]) == got


@FUZZ
@given(field=st.sampled_from(READ_FIELDS), value=JSON_VALUES)
def test_fuzz_every_field_the_model_reads(field: tuple, value: Any) -> None:
    """Targeted: one field the model reads, set to any JSON value Python's json can produce."""
    base, path = field
    text = text_of(replace(base(), path, value))
    got = outcome(text)
    assert got in STREAM_REASONS or got in corpus.VALID, got
    row = as_row(text)
    assert_row_is_well_typed(row)
    assert (row["reason"] or row["kind"]) == got


@FUZZ
@given(
    case=st.sampled_from(READ_FIELDS).flatmap(lambda field: st.tuples(st.just(field), right_typed_hostile(field[1])))
)
def test_fuzz_right_typed_hostile_values_in_every_field(case: tuple) -> None:
    """NaN and 1e999 durations, year-1 times with an offset, lone surrogates in names: no crash, a reason."""
    (base, path), value = case
    text = text_of(replace(base(), path, value))
    got = outcome(text)
    assert got in STREAM_REASONS or got in corpus.VALID, got
    row = as_row(text)
    assert_row_is_well_typed(row)
    assert (row["reason"] or row["kind"]) == got


@FUZZ
@given(document=st.one_of(mutated_documents(corpus.agent_event()), mutated_documents(corpus.ctr())), cut=st.integers(0))
def test_fuzz_truncated_records(document: Any, cut: int) -> None:
    text = text_of(document)
    text = text[: cut % max(len(text), 1)]
    got = outcome(text)
    assert got in STREAM_REASONS or got in corpus.VALID
    assert_row_is_well_typed(as_row(text))


@FUZZ
@given(document=st.dictionaries(st.sampled_from(CONNECT_KEYS), CONNECT_SHAPED, max_size=6))
def test_fuzz_documents_built_from_connect_field_names(document: dict[str, Any]) -> None:
    text = text_of(document)
    got = outcome(text)
    assert got in STREAM_REASONS or got in corpus.VALID, got
    assert_row_is_well_typed(as_row(text))


CONTACT_EVENT_PATHS = [field_path(p) for p in corpus.CONTACT_EVENT_FIELDS]


@FUZZ
@given(
    event=st.one_of(
        mutated_documents(corpus.contact_event()),
        st.builds(
            lambda path, value: replace(corpus.contact_event(), path, value),
            st.sampled_from(CONTACT_EVENT_PATHS),
            JSON_VALUES,
        ),
    )
)
def test_fuzz_contact_events(event: Any) -> None:
    try:
        parsed = parse_contact_event(event)
    except RejectedRecord as rejected:
        assert re.fullmatch(r"(bad|missing)_[A-Za-z]+|not_a_contact_event", rejected.reason), rejected.reason
        return
    for value in (parsed.event_id, parsed.contact_id, parsed.instance_arn, parsed.event_type, parsed.queue_arn):
        assert value is None or (isinstance(value, str) and value.encode() is not None)


def test_valid_records_are_still_valid_after_fuzzing_setup() -> None:
    """The mutation base documents are valid, so a rejection in the fuzz tests comes from the mutation."""
    assert isinstance(parse_stream_record(text_of(corpus.agent_event())), AgentEvent)
    assert isinstance(parse_stream_record(text_of(corpus.ctr())), ContactTraceRecord)
    assert parse_contact_event(corpus.contact_event()).event_type == "CONNECTED_TO_AGENT"
