"""What Grafana does to a query before its data source sees it: template variables, then the plugin's macros.

Template variables follow Grafana's rules for the formats the dashboards use: `${name:sqlstring}` gives
`'a','b'` (each value quoted, quotes doubled), `${name}` / `$name` give the raw value (several values: the
Timestream plugin's own rule, quoted and comma-joined). "All" (`$__all`) is Grafana's templateSrv rule: a custom
all-value (`allValue`) is inserted as it is, unformatted (its own variables replaced); without one, "All" is every
option the variable lists, formatted like a selection of them all, so no options give an empty `IN ()`.

The macros are each plugin's, reproduced from their sources (grafana/timestream-datasource
pkg/timestream/macros.go, grafana/athena-datasource pkg/athena/macros.go), including where they format time:
the Athena plugin's `$__timeFilter(col)` writes the range in the plugin process's local time zone (Go's
`time.Time.Format` of a `time.Unix` value), its `$__timeFrom()` / `$__timeTo()` / `$__dateFilter` in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

ALL = "$__all"  # Grafana's value of a variable set to "All"


class InterpolationError(ValueError):
    """A query names a template variable the dashboard does not define, or a macro is malformed."""


@dataclass(frozen=True)
class QueryContext:
    """A dashboard at one moment: its time range, the panel's interval and the variables' current values."""

    time_from: datetime
    time_to: datetime
    interval: timedelta = timedelta(seconds=60)
    variables: dict[str, list[str]] = field(default_factory=dict)  # [ALL] for "All"
    all_values: dict[str, str] = field(default_factory=dict)  # the dashboard's custom all-values (`allValue`)
    options: dict[str, list[str]] = field(default_factory=dict)  # what "All" is without a custom all-value
    server_timezone: str = "UTC"  # local time zone of the Grafana server (and of its plugin processes)

    @property
    def now(self) -> datetime:
        return self.time_to


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_VARIABLE = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)")


def template_variables(query: str, context: QueryContext) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        fmt = match.group(2)
        if name.startswith("__"):
            return match.group(0)  # a global variable or macro: left to the next step
        if name not in context.variables:
            raise InterpolationError(f"query uses template variable ${name}, which the dashboard does not define")
        values = context.variables[name]
        if values == [ALL]:
            if fmt == "text":
                return "All"
            if name in context.all_values:
                return template_variables(context.all_values[name], context)
            values = context.options.get(name, [])
        if fmt == "sqlstring" or len(values) != 1:
            return ",".join(_quote(v) for v in values)
        if fmt not in (None, "raw", "text"):
            raise InterpolationError(f"variable format {fmt!r} of ${name} is not reproduced locally: use sqlstring")
        return values[0]

    return _VARIABLE.sub(replace, query)


def referenced_variables(query: str) -> set[str]:
    return {m.group(1) or m.group(3) for m in _VARIABLE.finditer(query)} - {""}


def _millis(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


TIMESTREAM_MACROS = ("$__database", "$__table", "$__measure", "$__timeFilter", "$__interval_ms")


def timestream_macros(query: str, context: QueryContext, database: str) -> str:
    """The Timestream plugin's macros, and only those (`TIMESTREAM_MACROS`): `$__database` (the data source's
    default, stored quoted), `$__timeFilter`, `$__interval_ms` (a duration such as `60000ms`)."""
    if "$__table" in query or "$__measure" in query:
        raise InterpolationError("$__table / $__measure depend on the query editor's selection: name the table")
    query = query.replace("$__database", f'"{database}"')
    start, end = _millis(context.time_from), _millis(context.time_to)
    filter_sql = f"time BETWEEN from_milliseconds({start}) AND from_milliseconds({end})"
    query = query.replace("$__timeFilter", filter_sql)
    query = query.replace("$__interval_ms", f"{int(context.interval.total_seconds() * 1000)}ms")
    leftover = re.findall(r"\$__\w+", query)
    if leftover:
        raise InterpolationError(f"Timestream macro(s) {sorted(set(leftover))} are not known to the plugin")
    return query


def _macro_calls(query: str, name: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, args) of each `$__name(...)`, with nested parentheses and quotes inside the arguments."""
    calls = []
    for match in re.finditer(re.escape(f"$__{name}") + r"\s*\(", query):
        depth, i, args, current, quote = 1, match.end(), [], "", False
        while i < len(query) and depth:
            ch = query[i]
            if ch == "'":
                quote = not quote
            if not quote and ch == "(":
                depth += 1
            elif not quote and ch == ")":
                depth -= 1
                if depth == 0:
                    break
            if not quote and ch == "," and depth == 1:
                args.append(current.strip())
                current = ""
            else:
                current += ch
            i += 1
        if depth:
            raise InterpolationError(f"unclosed $__{name}( in query")
        if current.strip():
            args.append(current.strip())
        calls.append((match.start(), i + 1, args))
    return calls


def _athena_time(column: str, fmt: str | None) -> str:
    if not fmt:
        return column
    if fmt == "'yyyy-MM-dd HH:mm:ss'":
        return f"TIMESTAMP {column}"
    return f"parse_datetime({column},{fmt})"


def _athena_interval_seconds(text: str) -> float:
    match = re.fullmatch(r"'?(\d+)(ms|s|m|h|d|w)'?", text.strip())
    if not match:
        raise InterpolationError(f"$__timeGroup interval {text!r} not understood")
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]
    return int(match.group(1)) * scale


# The plugin's own map (pkg/athena/macros.go `macros`); this module reproduces all but $__unixEpochGroup.
ATHENA_MACROS = (
    "$__dateFilter",
    "$__parseTime",
    "$__unixEpochFilter",
    "$__timeFilter",
    "$__timeFrom",
    "$__timeGroup",
    "$__unixEpochGroup",
    "$__timeTo",
)


def athena_macros(query: str, context: QueryContext) -> str:
    """The Athena plugin's macros (sqlds): `$__timeFilter(col[, fmt])`, `$__dateFilter(col)`, `$__timeFrom()`,
    `$__timeTo()`, `$__timeGroup(col, '1d'[, fmt])`, `$__unixEpochFilter(col)`, `$__parseTime(col[, fmt])`."""
    start, end = context.time_from.astimezone(UTC), context.time_to.astimezone(UTC)
    server = ZoneInfo(context.server_timezone)
    local_start, local_end = start.astimezone(server), end.astimezone(server)
    stamp = "%Y-%m-%d %H:%M:%S"

    def time_filter(args: list[str]) -> str:
        target = _athena_time(args[0], args[1] if len(args) > 1 else None)
        return f"{target} BETWEEN TIMESTAMP '{local_start:{stamp}}' AND TIMESTAMP '{local_end:{stamp}}'"

    def time_group(args: list[str]) -> str:
        if len(args) < 2:
            raise InterpolationError("$__timeGroup needs a time column and an interval")
        seconds = _athena_interval_seconds(args[1])
        target = _athena_time(args[0], args[2]) if len(args) == 3 else args[0]
        return f"FROM_UNIXTIME(FLOOR(TO_UNIXTIME({target})/{seconds:g})*{seconds:g})"

    macros = {
        "timeFilter": time_filter,
        "dateFilter": lambda a: f"{a[0]} BETWEEN date '{start:%Y-%m-%d}' AND date '{end:%Y-%m-%d}'",
        "timeFrom": lambda a: f"TIMESTAMP '{start:{stamp}}'",
        "timeTo": lambda a: f"TIMESTAMP '{end:{stamp}}'",
        "timeGroup": time_group,
        "unixEpochFilter": lambda a: f"{a[0]} BETWEEN {int(start.timestamp())} AND {int(end.timestamp())}",
        "parseTime": lambda a: _athena_time(a[0], a[1] if len(a) > 1 else "'yyyy-MM-dd HH:mm:ss'"),
    }
    for name, expand in macros.items():
        for begin, finish, args in reversed(_macro_calls(query, name)):
            query = query[:begin] + expand(args) + query[finish:]
    leftover = re.findall(r"\$__\w+", query)
    if leftover:
        raise InterpolationError(f"Athena macro(s) {sorted(set(leftover))} are not known to the plugin")
    return query
