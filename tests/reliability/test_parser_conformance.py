"""The JVM parse step equals the Python one, row for row, on every kind of input.

The job parses in the JVM (`io.github.connectmonitor.parse`) for speed; the shared Python model
(`connect_model`, through `flink_app.parsing.parsed_row`, the row's specification) is the one the Lambdas and
the generator use. Both run here side by side on the bad-input corpus, large and deep records,
generated Connect traffic and fuzzed documents: every column of every row must be equal, type included
(so a bad record gets the same dead-letter reason whichever step parsed it).
"""

import json
import math
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flink_app.environment import CONNECTORS_JAR
from flink_app.parsing import PARSED_COLUMNS, parsed_row
from tests import aws_samples
from tests.reliability import corpus
from tests.reliability.strategies import (
    ANY_TEXT,
    CONNECT_KEYS,
    CONNECT_SHAPED,
    JSON_VALUES,
    READ_FIELDS,
    mutated_documents,
    replace,
    right_typed_hostile,
    text_of,
)
from tests.reliability.test_bad_input import FUZZ
from traffic_generator import SimulationConfig, simulate

PARSER_CLASS = "io.github.connectmonitor.parse.ParseCli"


class JvmParser:
    """`ParseCli --encoded` as a long-lived child: one JSON-string line in, one JSON-array row out."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["java", "-cp", str(CONNECTORS_JAR), PARSER_CLASS, "--encoded"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def row(self, data: str) -> list[Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(data) + "\n")  # ASCII escapes: lone surrogates survive
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the JVM parser exited ({self.process.poll()})"
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def jvm() -> Iterator[JvmParser]:
    if not CONNECTORS_JAR.exists():
        pytest.fail(f"{CONNECTORS_JAR} is missing: run `make build`")
    parser = JvmParser()
    try:
        yield parser
    finally:
        parser.close()


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (True is not 1, 1 is not 1.0)."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def assert_same_row(jvm: JvmParser, data: str) -> dict[str, Any]:
    expected = list(parsed_row(data))
    got = jvm.row(data)
    if not _same(expected, got):
        diff = {
            name: (want, have)
            for name, want, have in zip(PARSED_COLUMNS, expected, got, strict=True)
            if not _same(want, have)
        }
        pytest.fail(f"JVM and Python rows differ in {diff} for {data[:300]!r}")
    return dict(zip(PARSED_COLUMNS, got, strict=True))


def test_both_parse_steps_have_the_same_columns() -> None:
    result = subprocess.run(
        ["java", "-cp", str(CONNECTORS_JAR), PARSER_CLASS, "--columns"], capture_output=True, text=True, timeout=60
    )
    assert json.loads(result.stdout) == PARSED_COLUMNS


def _as_text(case: dict[str, Any]) -> str:
    """What the job's Kinesis source hands the parse step: text, with bytes decoded as UTF-8."""
    raw = corpus.raw_record(case)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


@pytest.mark.parametrize(
    "case", corpus.committed_stream_records() + corpus.generated_stream_records(), ids=lambda c: c["id"]
)
def test_every_corpus_record_parses_the_same(jvm: JvmParser, case: dict[str, Any]) -> None:
    row = assert_same_row(jvm, _as_text(case))
    assert (row["reason"] or row["kind"]) == corpus.job_expectation(case)


@pytest.mark.parametrize("name", aws_samples.names())
def test_aws_published_samples_parse_the_same(jvm: JvmParser, name: str) -> None:
    assert assert_same_row(jvm, aws_samples.repaired(name))["kind"] != "dead_letter"


def test_generated_traffic_parses_the_same(jvm: JvmParser) -> None:
    """An hour of a 40-agent center from the project's generator (junk records included), every row equal."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    config = SimulationConfig(start=start, duration_seconds=3600, agents=40, queues=5, routing_profiles=3, seed=11)
    kinds: dict[str, int] = {}
    for emission in simulate(config)[1]:
        if emission.on_stream:
            row = assert_same_row(jvm, emission.data)
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    assert kinds.get("agent_event", 0) > 1000 and kinds.get("ctr", 0) > 100, kinds


def test_null_and_future_records(jvm: JvmParser) -> None:
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    document = corpus.agent_event()
    document["EventTimestamp"] = future
    row = assert_same_row(jvm, json.dumps(document))
    assert row["reason"] == "future_timestamp"


@FUZZ
@given(data=st.one_of(ANY_TEXT, st.text(max_size=2000)))
def test_fuzz_arbitrary_text(jvm: JvmParser, data: str) -> None:
    assert_same_row(jvm, data)


@FUZZ
@given(
    document=st.one_of(
        mutated_documents(corpus.agent_event()),
        mutated_documents(corpus.ctr()),
        mutated_documents(corpus.contact_event()),
    )
)
def test_fuzz_mutated_agent_events_ctrs_and_contact_events(jvm: JvmParser, document: Any) -> None:
    assert_same_row(jvm, text_of(document))


@FUZZ
@given(field=st.sampled_from(READ_FIELDS), value=JSON_VALUES)
def test_fuzz_every_field_the_model_reads(jvm: JvmParser, field: tuple, value: Any) -> None:
    base, path = field
    assert_same_row(jvm, text_of(replace(base(), path, value)))


@FUZZ
@given(
    case=st.sampled_from(READ_FIELDS).flatmap(lambda field: st.tuples(st.just(field), right_typed_hostile(field[1])))
)
def test_fuzz_right_typed_hostile_values(jvm: JvmParser, case: tuple) -> None:
    (base, path), value = case
    assert_same_row(jvm, text_of(replace(base(), path, value)))


@FUZZ
@given(
    document=st.one_of(
        mutated_documents(corpus.agent_event()),
        mutated_documents(corpus.ctr()),
        mutated_documents(corpus.contact_event()),
    ),
    cut=st.integers(0),
)
def test_fuzz_truncated_records(jvm: JvmParser, document: Any, cut: int) -> None:
    text = text_of(document)
    assert_same_row(jvm, text[: cut % max(len(text), 1)])


@FUZZ
@given(document=st.dictionaries(st.sampled_from(CONNECT_KEYS), CONNECT_SHAPED, max_size=6))
def test_fuzz_documents_built_from_connect_field_names(jvm: JvmParser, document: dict[str, Any]) -> None:
    assert_same_row(jvm, text_of(document))
