"""What Grafana does to an InfluxQL target before InfluxDB sees it, and running it on a real InfluxDB.

Nothing is translated: the query runs as the dashboard has it, on a real `influxd` holding what the job wrote
(tests/grafana). Only Grafana's own steps are reproduced, from its source (public/app/plugins/datasource/influxdb
datasource.ts `applyVariables`, pkg/tsdb/influxdb/models/query.go `Build`):

1. the frontend replaces template variables in the raw query with the *regex* format by default: one value
   escaped for a regular expression, several as `(a|b)`; "All" as the variable's custom all-value, as it is (or,
   without one, every option it lists); the global `${__from}` / `${__to}` as epoch milliseconds;
2. the backend replaces `$timeFilter` (`time >= <from>ms and time <= <to>ms`), `$interval` and `$__interval` (the
   panel's interval, `gtime.FormatInterval`: `12s`, `1m`) and `$__interval_ms`.

Anything else starting with `$` is an error here (Grafana would send it on, and InfluxDB would refuse it or read it
as text). A statement InfluxDB answers with an error raises `InfluxQLError`: every query must run cleanly.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from grafana.influxql import escape_regex
from grafana.local.interpolation import ALL, InterpolationError, QueryContext

BACKEND_MACROS = ("$timeFilter", "$interval", "$__interval_ms", "$__interval")
GLOBAL_TIME_VARIABLES = ("__from", "__to")
_VARIABLE = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(\w+)")


class InfluxQLError(RuntimeError):
    """InfluxDB refused a statement (the message is InfluxDB's)."""


def _regex_format(values: list[str]) -> str:
    escaped = [escape_regex(v) for v in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def _millis(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


def template_variables(query: str, context: QueryContext) -> str:
    """Step 1: the frontend's templateSrv.replace(query, vars, 'regex')."""

    def replace(match: re.Match[str]) -> str:
        name, fmt = match.group(1) or match.group(3), match.group(2)
        if name in GLOBAL_TIME_VARIABLES:
            return str(_millis(context.time_from if name == "__from" else context.time_to))
        if name.startswith("__") or f"${name}" in BACKEND_MACROS:
            return match.group(0)  # left to the backend
        if name not in context.variables:
            raise InterpolationError(f"query uses template variable ${name}, which the dashboard does not define")
        if fmt not in (None, "regex"):
            raise InterpolationError(f"variable format {fmt!r} of ${name} is not reproduced locally: use regex")
        values = context.variables[name]
        if values == [ALL]:
            if name in context.all_values:
                return template_variables(context.all_values[name], context)
            values = context.options.get(name, [])
        return _regex_format(values)

    return _VARIABLE.sub(replace, query)


def format_interval(interval: timedelta) -> str:
    """grafana-plugin-sdk-go gtime.FormatInterval: the largest whole unit."""
    millis = int(interval.total_seconds() * 1000)
    for unit, size in (("y", 365 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if millis >= size:
            return f"{millis // size}{unit}"
    return f"{max(millis, 1)}ms"


def backend_macros(query: str, context: QueryContext) -> str:
    """Step 2: Grafana's InfluxDB backend (`Query.Build`), in its order."""
    time_filter = f"time >= {_millis(context.time_from)}ms and time <= {_millis(context.time_to)}ms"
    interval = format_interval(context.interval)
    query = query.replace("$timeFilter", time_filter).replace("$interval", interval)
    query = query.replace("$__interval_ms", str(int(context.interval.total_seconds() * 1000)))
    return query.replace("$__interval", interval)


def interpolate(query: str, context: QueryContext) -> str:
    text = backend_macros(template_variables(query, context), context)
    leftover = re.findall(r"\$\{?\w+", text)
    if leftover:
        raise InterpolationError(f"InfluxQL query keeps {sorted(set(leftover))} after Grafana's steps:\n{text}")
    return text


@dataclass(frozen=True)
class Series:
    """One series of a statement's result: its measurement, tags (GROUP BY), columns and rows."""

    name: str
    tags: dict[str, str]
    columns: list[str]
    values: list[list[Any]]

    def rows(self) -> list[dict[str, Any]]:
        return [self.tags | dict(zip(self.columns, row, strict=True)) for row in self.values]


def query(url: str, database: str, text: str) -> list[Series]:
    """One statement over InfluxDB's v1 query API (POST, epoch ms, as Grafana's backend asks), its series."""
    body = urllib.parse.urlencode({"db": database, "q": text, "epoch": "ms"}).encode()
    request = urllib.request.Request(f"{url}/query", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            document = json.load(response)
    except urllib.error.HTTPError as error:
        document = json.load(error)
    if "error" in document:
        raise InfluxQLError(f"{document['error']}\n{text}")
    results = document.get("results", [])
    if len(results) != 1:
        raise InfluxQLError(f"{len(results)} statements: Grafana's backend reads the first result only\n{text}")
    if "error" in results[0]:
        raise InfluxQLError(f"{results[0]['error']}\n{text}")
    return [
        Series(s.get("name", ""), s.get("tags") or {}, s["columns"], s["values"]) for s in results[0].get("series", [])
    ]


def run(url: str, database: str, text: str, context: QueryContext) -> list[Series]:
    """A dashboard's InfluxQL as Grafana would send it at `context`."""
    return query(url, database, interpolate(text, context))


def rows(series: list[Series]) -> list[dict[str, Any]]:
    """Every row of every series, each with its series' tags: a table as `resultFormat: table` shows it."""
    return [row for s in series for row in s.rows()]


def variable_values(series: list[Series]) -> list[str]:
    """A variable query's options as Grafana's backend reads them (`frameToMetricFindValue(frames[0])`): the
    first series only; for SHOW TAG VALUES its `value` column, else its first column."""
    if not series:
        return []
    first = series[0]
    column = first.columns.index("value") if first.columns[:2] == ["key", "value"] else 0
    return [str(row[column]) for row in first.values]
