"""The generated files as Grafana's provisioning loads them, checked for what a review against Grafana and the
plugins' own source checks by hand (grafana.local.review), and read back by the foundation SDK's own models.

The second half breaks a copy of a generated dashboard the way the dashboards before issue 15 were broken, one
defect at a time, and expects the review to name it: a check that cannot fail proves nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from grafana import build, figures, history, realtime
from grafana.local import review


def provisioned_dashboards() -> dict[str, dict[str, Any]]:
    """What Grafana's file provider loads: every *.json of the folder mounted at the provider's `options.path`
    (grafana/dashboards/, see grafana/README.md), parsed as it is."""
    (provider,) = yaml.safe_load(build.DASHBOARD_PROVIDER_FILE.read_text())["providers"]
    assert provider["type"] == "file" and provider["options"]["path"] == build.DASHBOARDS_MOUNT
    return {path.name: json.loads(path.read_text()) for path in sorted(build.DASHBOARDS.glob("*.json"))}


BOARDS = provisioned_dashboards()
RULES = yaml.safe_load(build.ALERTING_FILE.read_text())


def test_the_provisioned_dashboards_pass_the_review() -> None:
    assert set(BOARDS) == {f"{realtime.UID}.json", f"{realtime.uid(figures.INFLUXDB)}.json", f"{history.UID}.json"}
    assert review.provisioned_dashboard_problems(BOARDS) == []


@pytest.mark.parametrize("name", BOARDS)
def test_the_foundation_sdk_reads_each_dashboard_back_unchanged(name: str) -> None:
    assert review.sdk_losses("dashboard", BOARDS[name]) == []


def test_the_provisioned_alert_rules_pass_the_review() -> None:
    assert review.rules_problems(RULES) == []


@pytest.mark.parametrize("rule", RULES["groups"][0]["rules"], ids=lambda r: r["uid"])
def test_the_foundation_sdk_reads_each_alert_rule_back_unchanged(rule: dict[str, Any]) -> None:
    assert review.sdk_losses("rule", rule) == []


def _panel(board: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in board["panels"] if p.get("title") == title)


def _first_sql(board: dict[str, Any], kind: str) -> dict[str, Any]:
    field = review.SQL_FIELD[kind]
    return next(t for p in board["panels"] for t in p.get("targets", []) if t.get(field))


def _shared(board: dict[str, Any]) -> dict[str, Any]:
    return next(t for p in board["panels"] for t in p.get("targets", []) if t["datasource"]["type"] == "datasource")


def _unshare(board: dict[str, Any]) -> None:
    """The first shared target runs its source panel's query itself, as before issue 15."""
    target = _shared(board)
    source = next(p for p in board["panels"] if p["id"] == target["panelId"])
    target.clear()
    target.update(copy.deepcopy(source["targets"][0]))


def _variable(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda board: next(v for v in board["templating"]["list"] if v["name"] == name)


DEFECTS: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    (
        "variable ids",
        realtime.UID,
        lambda b: [v.update(id="00000000-0000-0000-0000-000000000000") for v in b["templating"]["list"]],
        "keys variables by id",
    ),
    ("All without a custom all-value", realtime.UID, lambda b: _variable("queue")(b).pop("allValue"), "expands to"),
    ("refresh at every auto-refresh", realtime.UID, lambda b: _variable("queue")(b).update(refresh=2), "auto-refresh"),
    (
        "stat without waitForResult",
        realtime.UID,
        lambda b: _panel(b, "Job output age")["targets"][0].pop("waitForResult"),
        "wait for the whole result",
    ),
    (
        "Athena $__timeFilter",
        history.UID,
        lambda b: _first_sql(b, "grafana-athena-datasource").update(
            rawSQL=_first_sql(b, "grafana-athena-datasource")["rawSQL"].replace(
                "disconnected BETWEEN $__timeFrom() AND $__timeTo()", "$__timeFilter(disconnected)"
            )
        ),
        "local time",
    ),
    (
        "a field the Timestream plugin does not read",
        realtime.UID,
        lambda b: _first_sql(b, "grafana-timestream-datasource").update(rawSql="SELECT 1"),
        "'rawSql' is not in the grafana-timestream-datasource query model",
    ),
    (
        "a macro the Timestream plugin does not expand",
        realtime.UID,
        lambda b: _first_sql(b, "grafana-timestream-datasource").update(rawQuery="SELECT $__timeFrom"),
        "macro $__timeFrom",
    ),
    (
        "a CloudWatch field misspelt",
        realtime.UID,
        lambda b: _panel(b, "Dead letters, rejected writes, late events")["targets"][0].update(metricname="x"),
        "'metricname' is not in the cloudwatch query model",
    ),
    (
        "an unknown data source uid",
        realtime.UID,
        lambda b: _first_sql(b, "grafana-timestream-datasource")["datasource"].update(uid="timestream"),
        "is not provisioned",
    ),
    (
        "an undefined variable",
        realtime.UID,
        lambda b: _first_sql(b, "grafana-timestream-datasource").update(rawQuery="SELECT ${queues:sqlstring}"),
        "$queues is not defined",
    ),
    (
        "an InfluxQL target Grafana would build from the editor",
        realtime.uid(figures.INFLUXDB),
        lambda b: _first_sql(b, "influxdb").update(rawQuery=False),
        "rawQuery must be true",
    ),
    (
        "an InfluxQL result format Grafana does not know",
        realtime.uid(figures.INFLUXDB),
        lambda b: _first_sql(b, "influxdb").update(resultFormat="timeseries"),
        "resultFormat 'timeseries'",
    ),
    (
        "the InfluxDB server's now()",
        realtime.uid(figures.INFLUXDB),
        lambda b: _first_sql(b, "influxdb").update(query="SELECT 1 FROM x WHERE time > now() - 1h"),
        "the InfluxDB server's clock",
    ),
    (
        "an InfluxQL query naming an undefined variable",
        realtime.uid(figures.INFLUXDB),
        lambda b: _first_sql(b, "influxdb").update(query='SELECT 1 FROM x WHERE "q" =~ /^${queues:regex}$/'),
        "$queues is not defined",
    ),
    ("the same query in two panels", history.UID, lambda b: _unshare(b), "run it once"),
    ("a shared panel naming a row", history.UID, lambda b: _shared(b).update(panelId=1), "has no query"),
]


@pytest.mark.parametrize(("defect", "uid", "breaks", "complaint"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_the_review_names_each_defect_it_checks(
    defect: str, uid: str, breaks: Callable[[dict[str, Any]], None], complaint: str
) -> None:
    board = copy.deepcopy(BOARDS[f"{uid}.json"])
    breaks(board)
    found = review.dashboard_problems(board)
    assert any(complaint in p for p in found), found


def test_the_schema_check_reports_what_the_sdk_cannot_read() -> None:
    board = copy.deepcopy(BOARDS[f"{realtime.UID}.json"])
    table = next(p for p in board["panels"] if p["type"] == "table")
    table["options"] = None  # what the SDK's table builder emits when no table option is set
    assert review.sdk_losses("dashboard", board)
    table["options"] = {"showHeader": True, "frameIndex": 0, "cellHeigth": "sm"}  # misspelt key
    assert any("cellHeigth: dropped" in p for p in review.sdk_losses("dashboard", board))


def test_the_rule_review_reports_a_broken_rule() -> None:
    rules = copy.deepcopy(RULES)
    rule = rules["groups"][0]["rules"][0]
    rule["condition"] = "Z"
    rule["data"][0]["model"]["rawQuery"] += " AND queue_name IN (${queue:sqlstring})"
    rule["data"][0].pop("relativeTimeRange")
    found = review.rules_problems(rules)
    assert any("condition 'Z'" in p for p in found), found
    assert any("$queue is not defined" in p for p in found), found  # rules have no dashboard variables
    assert any("relativeTimeRange" in p for p in found), found
