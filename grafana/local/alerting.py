"""The alert rules of grafana/alerts.py evaluated locally, as Grafana's unified alerting evaluates them.

Each Timestream query runs on the local engine (grafana.local.timestream) over its `relativeTimeRange` ending at
`now`. A tabular result becomes one alert instance per row, as Grafana turns a table into numeric data: the string
columns are the instance's labels, its single numeric column the value (a second numeric column is an error there
too). Threshold expressions compare each instance's value; the rule's condition gives the instances that fire, and
no instance at all is the rule's `noDataState`. CloudWatch queries have no local engine: `NotExecutable`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from grafana import datasources
from grafana.local import timestream
from grafana.local.interpolation import QueryContext

Labels = frozenset[tuple[str, str]]
NO_DATA_STATES = {"OK": "Normal", "Alerting": "Alerting", "NoData": "NoData"}
EVALUATORS: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "lt": operator.lt,
    "gte": operator.ge,
    "lte": operator.le,
    "eq": operator.eq,
    "ne": operator.ne,
}


class NotExecutable(NotImplementedError):
    """A rule query with no local engine (CloudWatch): check it structurally instead."""


class AlertQueryError(ValueError):
    """A result Grafana's alerting could not use (e.g. more than one numeric column)."""


@dataclass(frozen=True)
class Evaluation:
    state: str  # "Alerting" when an instance fires, else "Normal" (or the noDataState without instances)
    values: dict[Labels, float]  # the condition's input, per instance
    firing: frozenset[Labels]

    def labels_firing(self, key: str) -> set[str]:
        return {dict(labels)[key] for labels in self.firing}


def numeric(columns: list[str], rows: list[tuple]) -> dict[Labels, float]:
    """A table as Grafana alerting reads it: string columns are labels, the one numeric column the value."""
    kinds = {c: {type(r[i]) for r in rows if r[i] is not None} for i, c in enumerate(columns)}
    numbers = [c for c, k in kinds.items() if k and all(issubclass(t, (int, float)) for t in k)]
    if len(numbers) > 1:
        raise AlertQueryError(f"more than one numeric column {numbers}: Grafana cannot tell which is the value")
    if not rows:
        return {}
    value = columns.index(numbers[0]) if numbers else None
    result = {}
    for row in rows:
        if value is None or row[value] is None:
            continue
        labels = frozenset((c, str(row[i])) for i, c in enumerate(columns) if i != value)
        result[labels] = float(row[value])
    return result


def _threshold(model: dict[str, Any], results: dict[str, dict[Labels, float]]) -> dict[Labels, float]:
    (condition,) = model["conditions"]
    evaluator = condition["evaluator"]
    compare = EVALUATORS.get(evaluator["type"])
    if compare is None:
        raise NotExecutable(f"threshold type {evaluator['type']} is not reproduced locally")
    limit = evaluator["params"][0]
    return {labels: float(compare(v, limit)) for labels, v in results[model["expression"]].items()}


def evaluate(rule: dict[str, Any], con: duckdb.DuckDBPyConnection, now: datetime) -> Evaluation:
    """One evaluation of a rule (file-provisioning shape) at `now`."""
    results: dict[str, dict[Labels, float]] = {}
    for item in rule["data"]:
        model, ref_id = item["model"], item["refId"]
        if item["datasourceUid"] == datasources.EXPRESSIONS_UID:
            if model.get("type") != "threshold":
                raise NotExecutable(f"expression type {model.get('type')} is not reproduced locally")
            results[ref_id] = _threshold(model, results)
        elif item["datasourceUid"] == datasources.TIMESTREAM.uid:
            span = item["relativeTimeRange"]
            context = QueryContext(now - timedelta(seconds=span["from"]), now - timedelta(seconds=span["to"]))
            columns, rows = timestream.run(con, model["rawQuery"], context, datasources.TIMESTREAM_DATABASE)
            results[ref_id] = numeric(columns, rows)
        else:
            raise NotExecutable(f"rule {rule['uid']}: no local engine for data source {item['datasourceUid']}")
    outcome = results[rule["condition"]]
    condition = next(i["model"] for i in rule["data"] if i["refId"] == rule["condition"])
    inputs = results[condition["expression"]]
    firing = frozenset(labels for labels, fires in outcome.items() if fires)
    if not outcome:
        return Evaluation(NO_DATA_STATES[rule["noDataState"]], {}, firing)
    return Evaluation("Alerting" if firing else "Normal", inputs, firing)
