"""History files are laid out as the Terraform's Firehose writes them (one prefix per record kind), and the Glue
table reads them as Athena would."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from grafana.local import athena, terraform
from grafana.local.firehose import KIND_RULE, Arrival, record_kind, simulated_history, write_history
from tests.conftest import load_fixture

AT = datetime(2026, 1, 5, 23, 58, tzinfo=UTC)
CONTACT_EVENT = {
    "version": "0",
    "id": "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "detail-type": "Amazon Connect Contact Event",
    "source": "aws.connect",
    "time": "2026-01-05T23:58:00Z",
    "detail": {"eventType": "INITIATED", "contactId": "c-1", "channel": "VOICE"},
}
NAME = re.compile(r"connect-monitor-history-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz")


def test_firehose_prefix_and_glue_location_are_the_terraforms() -> None:
    assert terraform.firehose_delivery().prefix_template == (
        "records/kind=!{partitionKeyFromQuery:kind}/dt=!{timestamp:yyyy-MM-dd}/"
    )
    assert terraform.glue_ctr_table().location_template == "records/kind=ctr/dt=${dt}/"


def test_records_are_partitioned_by_kind_and_arrival_date(tmp_path: Path) -> None:
    ctr = json.dumps(load_fixture("ctr_handled.json"))
    agent = json.dumps(load_fixture("agent_event_state_change.json"))
    event = json.dumps(CONTACT_EVENT)
    paths = write_history(
        [
            Arrival(AT, ctr),
            Arrival(AT + timedelta(minutes=3), ctr),
            Arrival(AT, agent),
            Arrival(AT, event),
            Arrival(AT, '{"hello": 1}'),
            Arrival(AT, "not json"),
        ],
        tmp_path,
    )
    relative = sorted(p.relative_to(tmp_path).parent.as_posix() for p in paths)
    assert relative == [
        "errors/processing-failed/dt=2026-01-05",
        "records/kind=agent_event/dt=2026-01-05",
        "records/kind=contact_event/dt=2026-01-05",
        "records/kind=ctr/dt=2026-01-05",
        "records/kind=ctr/dt=2026-01-06",  # arrived after midnight UTC: the next day's partition
        "records/kind=unknown/dt=2026-01-05",
    ]
    assert all(NAME.fullmatch(p.name) for p in paths)
    first = next(p for p in paths if "kind=ctr/dt=2026-01-05" in p.as_posix())
    assert gzip.decompress(first.read_bytes()).decode() == ctr + "\n"


def test_kinds_follow_the_jq_rule() -> None:
    assert record_kind('{"AWSContactTraceRecordFormatVersion": "2017-03-10"}') == "ctr"
    assert record_kind('{"ContactId": "c-1", "Channel": "VOICE"}') == "ctr"
    assert record_kind('{"EventType": "LOGIN"}') == "agent_event"
    assert record_kind('{"AgentARN": "arn:aws:connect:eu-west-2:1:instance/i/agent/a"}') == "agent_event"
    assert record_kind(json.dumps(CONTACT_EVENT)) == "contact_event"
    assert record_kind('{"hello": 1}') == "unknown"
    assert record_kind("[1]") is None and record_kind("nope") is None and record_kind("") is None


def test_the_rule_is_the_one_firehose_runs() -> None:
    assert KIND_RULE.is_file()
    main = (KIND_RULE.parent / "main.tf").read_text()
    assert 'file("${path.module}/record_kind.jq")' in main and "parameter_value = local.record_kind_query" in main


def test_simulated_contact_events_land_in_their_own_partition(tmp_path: Path) -> None:
    records = simulated_history(AT, 0.1, agents=4, queues=2, contact_events=True)
    without = simulated_history(AT, 0.1, agents=4, queues=2, contact_events=False)
    assert len(records) > len(without)
    paths = write_history(records, tmp_path)
    kinds = {p.relative_to(tmp_path).parts[1] for p in paths if p.parts[-4] != "errors"}
    assert {"kind=contact_event", "kind=ctr", "kind=agent_event"} <= kinds, kinds
    for path in paths:
        if "kind=contact_event" in path.as_posix():
            for line in gzip.decompress(path.read_bytes()).decode().splitlines():
                assert json.loads(line)["detail-type"] == "Amazon Connect Contact Event"


def test_glue_table_reads_keys_case_insensitively_with_declared_types(tmp_path: Path) -> None:
    document = load_fixture("ctr_handled.json")
    write_history([Arrival(AT, json.dumps(document)), Arrival(AT, '{"broken": ')], tmp_path / "bucket")
    con = duckdb.connect()
    assert athena.load_ctr_table(con, tmp_path / "bucket", tmp_path) == 1
    row = con.execute(
        # The OpenX SerDe with case.insensitive lower-cases every key it reads, map keys (contact attributes) too.
        "SELECT contactid, queue.name, queue.duration, agent.customerholdduration, attributes['customertier'], dt "
        "FROM ctr"
    ).fetchone()
    assert row == (document["ContactId"], "Sales", 15, 40, "gold", "2026-01-05")
    columns = [c[0] for c in con.execute("DESCRIBE ctr").fetchall()]
    assert columns == list(terraform.glue_ctr_table().column_names)
