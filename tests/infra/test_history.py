"""The Firehose history, partitioned by record kind: the jq rule (run by the jq library, as Firehose runs
it) sorts real records as the shared Connect model does, dynamic partitioning is configured as Firehose
requires, and each kind Athena reads has a Glue table on exactly the prefix Firehose writes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jq
import pytest

from connect_model.stream_record import record_kind as model_kind
from traffic_generator.simulation import SimulationConfig, simulate

from .tf_config import REPO, TERRAFORM
from .tf_eval import Instance

RULE = TERRAFORM / "modules/history/record_kind.jq"
CORPUS = REPO / "tests/reliability/corpus"
READ_BY_ATHENA = {"ctr", "contact_event", "agent_event"}


@pytest.fixture(scope="module")
def rule() -> jq._Program:
    return jq.compile(RULE.read_text())


def kind(rule: jq._Program, text: str) -> str | None:
    """The partition Firehose gives a record; None when jq fails on it (Firehose's error prefix)."""
    try:
        outputs = rule.input_text(text).all()
    except ValueError:
        return None
    return outputs[0]["kind"] if outputs else None


@pytest.fixture(scope="module")
def traffic() -> dict[str, list[str]]:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    _, emissions = simulate(SimulationConfig(start=start, duration_seconds=600, agents=8, junk_probability=0.05))
    by_kind: dict[str, list[str]] = {}
    for emission in emissions:
        by_kind.setdefault(emission.kind, []).append(emission.data)
    assert {"agent_event", "ctr", "contact_event", "junk"} <= set(by_kind), set(by_kind)
    return by_kind


def test_generated_records_land_in_their_kind(rule: jq._Program, traffic: dict[str, list[str]]) -> None:
    for expected in ("agent_event", "ctr", "contact_event"):
        kinds = {kind(rule, data) for data in traffic[expected]}
        assert kinds == {expected}, (expected, kinds)


def test_the_rule_sorts_as_the_connect_model_does(rule: jq._Program, traffic: dict[str, list[str]]) -> None:
    """Every JSON stream record (generated, junk, the bad-input corpus): the same kind on both sides,
    `unknown` where the model has none, the error prefix for what is not a JSON object."""
    records = [d for k, rows in traffic.items() if k != "contact_event" for d in rows]
    for path in sorted(CORPUS.glob("stream_*.jsonl")):
        records += [json.loads(line)["record"] for line in path.read_text().splitlines() if '"record":' in line]
    compared = 0
    for data in records:
        try:
            document = json.loads(data)
        except ValueError:
            continue  # the model rejects it (not_json); jq may still read it (a BOM): archived either way

        if not isinstance(document, dict):  # jq's `has` fails on these, except on null (false: unknown)
            assert kind(rule, data) == ("unknown" if document is None else None), data[:80]
            continue
        try:
            json.dumps(document, ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a lone surrogate: jq replaces it or refuses it (then errors/)
            assert kind(rule, data) in (None, model_kind(document) or "unknown")
            continue
        if "detail-type" in document:
            continue  # an EventBridge envelope: contact_event (the job reads those since issue 12)
        assert kind(rule, data) == (model_kind(document) or "unknown"), data[:200]
        compared += 1
    assert compared > 200


def test_firehose_runs_the_rule_file(evaluate: Callable[..., Instance]) -> None:
    history = evaluate().find("history")
    stream = history.resources("aws_kinesis_firehose_delivery_stream.history")[0]
    s3 = stream["extended_s3_configuration"][0]
    processors = {p["type"]: p for p in s3["processing_configuration"][0]["processors"]}
    parameters = {p["parameter_name"]: p["parameter_value"] for p in processors["MetadataExtraction"]["parameters"]}
    assert "\n" not in parameters["MetadataExtractionQuery"]
    assert parameters["MetadataExtractionQuery"] == " ".join(line.strip() for line in RULE.read_text().splitlines())
    assert parameters["JsonParsingEngine"] == "JQ-1.6"
    # Connect and EventBridge put one document per Kinesis record: no de-aggregation.
    assert set(processors) == {"MetadataExtraction", "AppendDelimiterToRecord"}
    assert s3["dynamic_partitioning_configuration"][0]["enabled"] is True
    # Dynamic partitioning needs an error prefix and a buffer of at least 64 MiB.
    assert s3["error_output_prefix"].startswith("errors/!{firehose:error-output-type}/")
    assert s3["buffering_size"] >= 64
    assert s3["prefix"] == "records/kind=!{partitionKeyFromQuery:kind}/dt=!{timestamp:yyyy-MM-dd}/"


def test_buffers_below_64_mib_are_refused(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(history_buffering_size_mib=32).find("history").failed_validations()
    assert "buffering_size_mib" in failed and "64" in failed["buffering_size_mib"][0]


@pytest.fixture(scope="module")
def tables(evaluate: Callable[..., Instance]) -> dict[str, dict]:
    history = evaluate().find("history")
    found = {t["name"]: t for t in history.resources("aws_glue_catalog_table.ctr")}
    found.update({t["name"]: t for t in history.resources("aws_glue_catalog_table.kind")})
    return found


def test_each_kind_athena_reads_has_a_table_on_its_prefix(evaluate: Callable[..., Instance], tables: dict) -> None:
    history = evaluate().find("history")
    bucket = history.find("history.data_bucket").outputs["bucket_id"]
    assert set(tables) == READ_BY_ATHENA
    assert set(history.outputs["glue_table_names"]) == READ_BY_ATHENA
    prefix = history.resources("aws_kinesis_firehose_delivery_stream.history")[0]["extended_s3_configuration"][0]
    for name, table in tables.items():
        written = prefix["prefix"].replace("!{partitionKeyFromQuery:kind}", name).split("dt=")[0]
        location = table["storage_descriptor"][0]["location"]
        assert location == f"s3://{bucket}/{written}", (name, location)
        parameters = table["parameters"]
        assert parameters["storage.location.template"] == location + "dt=${dt}/"
        assert parameters["projection.enabled"] == "true" and parameters["projection.dt.type"] == "date"
        assert parameters["projection.dt.range"] == "2026-01-01,NOW"
        assert [k["name"] for k in table["partition_keys"]] == ["dt"]
    projection = {k: v for k, v in tables["ctr"]["parameters"].items() if k != "storage.location.template"}
    for table in tables.values():
        assert {k: v for k, v in table["parameters"].items() if k != "storage.location.template"} == projection


def columns(table: dict) -> dict[str, str]:
    return {c["name"]: c["type"] for c in table["storage_descriptor"][0]["columns"]}


def struct_fields(hive_type: str) -> set[str]:
    """Field paths of a Hive struct type, e.g. {'eventType', 'queueInfo', 'queueInfo.queueArn', ...}."""
    fields: set[str] = set()
    stack: list[str] = []
    for token in re.findall(r"\w+:|<|>|,", hive_type.removeprefix("struct")):
        if token.endswith(":"):
            name = token[:-1]
            fields.add(".".join([*stack, name]))
            stack.append(name)
        elif token in (",", ">") and stack:
            stack.pop()
    return fields


# What the job and the Lambdas read of a contact event's detail (connect_model/contact_event.py).
DETAIL_READ = {
    "eventType", "contactId", "instanceArn", "channel", "initiationMethod", "initiationTimestamp",
    "disconnectTimestamp", "connectedToSystemTimestamp", "initialContactId", "previousContactId", "queueInfo",
    "queueInfo.queueArn", "queueInfo.queueType", "queueInfo.enqueueTimestamp", "agentInfo", "agentInfo.agentArn",
    "agentInfo.connectedToAgentTimestamp", "agentInfo.afterContactWorkStartTimestamp",
    "agentInfo.afterContactWorkEndTimestamp",
}  # fmt: skip
# Kept for Athena, not read by the model (it derives the duration from the two timestamps).
DETAIL_KEPT = {"agentInfo.afterContactWorkDuration"}


def test_the_contact_event_table_reads_the_envelope_and_the_detail_the_job_reads(
    tables: dict, traffic: dict[str, list[str]]
) -> None:
    model = (REPO / "connect_model/contact_event.py").read_text()
    assert all(f'"{path.split(".")[-1]}"' in model for path in DETAIL_READ)
    table = tables["contact_event"]
    declared = columns(table)
    assert struct_fields(declared["detail"]) == DETAIL_READ | DETAIL_KEPT
    mappings = {k: v for k, v in table["storage_descriptor"][0]["ser_de_info"][0]["parameters"].items()}
    assert mappings["case.insensitive"] == "true" and mappings["mapping.detail_type"] == "detail-type"
    for data in traffic["contact_event"]:
        event = json.loads(data)
        envelope = {("detail_type" if k == "detail-type" else k) for k in event}
        assert envelope == set(declared), envelope ^ set(declared)
        detail = set(_paths(event["detail"]))
        assert detail <= DETAIL_READ | DETAIL_KEPT, detail - DETAIL_READ - DETAIL_KEPT


def _paths(document: dict, prefix: str = "") -> list[str]:
    found = []
    for key, value in document.items():
        found.append(prefix + key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                found += _paths(item, prefix + key + ".")
    return found


def test_the_agent_event_table_reads_the_generated_events(tables: dict, traffic: dict[str, list[str]]) -> None:
    declared = columns(tables["agent_event"])
    keys = {k.lower() for data in traffic["agent_event"] for k in json.loads(data)}
    assert set(declared) <= keys, set(declared) - keys
    snapshot = struct_fields(declared["currentagentsnapshot"])
    assert {"agentstatus.type", "configuration.routingprofile.inboundqueues", "contacts.state"} <= snapshot
    generated = {p.lower() for data in traffic["agent_event"] for p in _paths(json.loads(data)["CurrentAgentSnapshot"])}
    assert snapshot - generated <= set(), snapshot - generated


def test_the_documented_layout_names_every_kind() -> None:
    for doc in (REPO / "docs/DEPLOY.md", TERRAFORM / "README.md"):
        text = doc.read_text()
        for name in [*READ_BY_ATHENA, "unknown"]:
            assert f"kind={name}" in text or f"{name}" in text, (doc, name)


def test_the_rule_file_is_one_jq_expression() -> None:
    assert Path(RULE).read_text().strip().startswith("{kind:")
