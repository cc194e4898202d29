"""A query naming a table, column or measure the pipeline does not write fails the build."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from grafana import build, figures, influxql, sql
from grafana.local import dashboard, names

TS = "grafana-timestream-datasource"
ATHENA = "grafana-athena-datasource"
INFLUX = "influxdb"


@pytest.mark.parametrize("name", build.BUILDERS)
def test_every_query_names_only_what_the_pipeline_writes(name: str) -> None:
    assert names.dashboard_problems(name, build.dashboard_document(name)) == []


def test_every_alert_rule_names_only_what_the_pipeline_writes() -> None:
    from grafana import alerts, targets

    document = alerts.provisioning_document(targets.load())
    assert names.rules_problems(document) == []
    broken = alerts.provisioning_document(targets.load())
    broken["groups"][0]["rules"][0]["data"][0]["model"]["rawQuery"] += " AND queue_nam = 'x'"
    assert any("queue_nam" in p for p in names.rules_problems(broken))


def test_the_job_tables_known_are_the_jobs_own() -> None:
    from flink_app.outputs import TABLES

    known = names.timestream_tables()
    assert set(TABLES) <= set(known)
    assert "agents_online" in known["agent_state_by_queue"].columns
    assert "handle_time_p99_seconds" in known["queue_contact_metrics"].columns
    assert "oldest_contact_age_seconds" in known["instance_metrics"].columns


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (sql.AGENTS_NOW.replace("agents_error", "agents_in_error"), "agents_in_error"),
        (sql.AGENTS_NOW.replace("agent_state_by_queue", "agent_states"), "no such Timestream table"),
        (sql.AGENTS_NOW.replace("'agent_state'", "'agent_states'"), "measure_name 'agent_states'"),
        (sql.SERVICE_LEVEL_OVER_TIME.replace("${sl}", "30"), "service_level_30s"),
        (sql.CONNECT_QUEUE_NOW.replace("contacts_in_queue", "contacts_queued"), "contacts_queued"),
        (sql.JOB_OUTPUT_AGE.replace("max(time)", "max(version)"), "version"),  # Timestream exposes no version
    ],
)
def test_an_unknown_timestream_name_is_reported(broken: str, complaint: str) -> None:
    found = names.problems(TS, broken)
    assert any(complaint in p for p in found), found


def test_a_table_the_terraform_does_not_create_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from grafana.local import terraform

    created = {k: v for k, v in terraform.timestream_tables().items() if k != "queue_contact_metrics"}
    monkeypatch.setattr(terraform, "timestream_tables", lambda: created)
    found = names.problems(TS, sql.CONTACT_VOLUME)
    assert any("does not create it" in p for p in found), found


def test_an_unknown_athena_table_is_reported() -> None:
    found = names.problems(ATHENA, sql.HISTORY_TOTALS.replace("FROM ctr", "FROM contact_records"))
    assert any("contact_records" in p for p in found), found


@pytest.mark.parametrize(
    "broken",
    [
        sql.HISTORY_TOTALS.replace("queue.duration", "queue.wait"),  # a struct field Glue does not declare
        sql.HISTORY_TOTALS.replace("disconnecttimestamp", "disconnecttime"),  # a column Glue does not declare
    ],
)
def test_an_unknown_athena_column_fails_on_the_glue_table(broken: str, engine: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.BinderException):
        dashboard.run(engine, ATHENA, broken, names.placeholder_context())


@pytest.mark.parametrize("store", figures.STORES, ids=lambda s: s.name)
def test_build_refuses_unknown_names(
    store: figures.Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    figure, wrong = figures.AGENTS_NOW, ("agents_error", "agents_in_error")
    if store.is_influxdb:
        broken = dataclasses.replace(figure.influxql, query=figure.influxql.query.replace(*wrong))
        monkeypatch.setattr(figures, "AGENTS_NOW", dataclasses.replace(figure, influxql=broken))
    else:
        monkeypatch.setattr(
            figures, "AGENTS_NOW", dataclasses.replace(figure, timestream=figure.timestream.replace(*wrong))
        )
    assert build.main(["--check"]) == 1
    assert "agents_in_error" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        (influxql.AGENTS_NOW.query.replace('"agents_error"', '"agents_in_error"'), '"agents_in_error": not a tag'),
        (influxql.AGENTS_NOW.query.replace('FROM "agent_state_by_queue"', 'FROM "agent_states"'), "no such table"),
        (influxql.SERVICE_LEVEL_OVER_TIME.query.replace("${sl}", "30"), '"service_level_30s"'),
        (influxql.QUEUE_WAIT.query.replace('GROUP BY "queue_name"', 'GROUP BY "contacts_handled"'), "not a tag"),
        (influxql.VARIABLE_QUEUE.replace('KEY = "queue_name"', 'KEY = "queue"'), '"queue": not a tag or field'),
        (influxql.SERVICE_LEVEL_OVER_TIME.query.replace('sum("weighted")', 'sum("weigted")'), '"weigted"'),
    ],
)
def test_an_unknown_influxql_name_is_reported(broken: str, complaint: str) -> None:
    """InfluxDB would answer these with empty columns or no rows, not with an error."""
    found = names.problems(INFLUX, broken)
    assert any(complaint in p for p in found), found


def test_the_inventory_columns_are_what_persist_instance_data_writes(
    inventory_columns: dict[str, dict[str, object]],
) -> None:
    written = {c for item in inventory_columns.values() for part in item.values() for c in part}
    assert written == set(names.INVENTORY_COLUMNS)
    assert inventory_columns["queue"]["measures"] == {"queue_name": "Q"}  # the queue list's name is a measure
