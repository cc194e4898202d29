"""The Timestream side, locally: written records in DuckDB tables shaped like Timestream's, and panel SQL on them.

Storage follows Timestream for LiveAnalytics: one table per Timestream table in schema `<database>`, columns
`time` (UTC), `measure_name`, one VARCHAR column per dimension and one typed column per measure of the
multi-measure records; for a (time, dimensions, measure_name) only the record with the highest version is kept
(Timestream's upsert), so corrections replace what they correct.

The translation step (`to_duckdb`), after Grafana's variables and the plugin's macros:

| Timestream | DuckDB |
|---|---|
| duration literals `10s`, `1m`, `60000ms`, `1h`, `1d` | `INTERVAL '<ms>' MILLISECOND` |
| `bin(t, d)` | `time_bucket(d, t)` (same buckets: both align to the epoch grid for d <= 1 day) |
| `ago(d)` | `<now> - d`, with now the end of the dashboard's time range |
| `now()` | that same instant, as a literal |
| `from_milliseconds(n)` | `epoch_ms(n)` |
| integer / integer | truncated, as in Trino (sqlglot's typed division, types annotated first) |
| `x IN ()` | refused, as Trino's grammar refuses it (DuckDB reads it as false) |
| everything else | sqlglot, Trino -> DuckDB (Timestream's SQL is Presto/Trino's) |

Timestream functions with no local equivalent (time-series values and interpolation: `create_time_series`,
`interpolate_*`, `derivative_value`, `integral_value`, `filter`, `reduce`, `transform`, `cumulative_sum`, ...)
raise `NoLocalEquivalent` naming the function: the test of a panel using one says so; none does today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

from grafana.local.interpolation import QueryContext, template_variables, timestream_macros

NO_LOCAL_EQUIVALENT = frozenset(
    {
        "create_time_series",
        "interpolate_linear",
        "interpolate_spline_cubic",
        "interpolate_locf",
        "interpolate_fill",
        "derivative_value",
        "non_negative_derivative_value",
        "integral_value",
        "cumulative_sum",
        "filter",
        "reduce",
        "transform",
        "sequence",
    }
)
UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


class NoLocalEquivalent(NotImplementedError):
    """A Timestream function that DuckDB cannot stand in for; the query cannot be checked locally."""


class SyntaxRefused(ValueError):
    """SQL that DuckDB (and sqlglot) accept but Timestream's and Trino's grammar refuse."""


def refuse_what_trino_refuses(tree: exp.Expression) -> None:
    """`x IN ()`: an empty list is a syntax error in Trino and Timestream (DuckDB reads it as false)."""
    for node in tree.find_all(exp.In):
        if not node.expressions and node.args.get("query") is None and node.args.get("unnest") is None:
            raise SyntaxRefused(f"{node.sql('trino')}: an empty IN list is a syntax error in Trino and Timestream")


@dataclass(frozen=True)
class Row:
    """One record as Timestream stores it."""

    table: str
    measure_name: str
    time: datetime
    dimensions: dict[str, str]
    measures: dict[str, Any]
    version: int = 1


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "BOOLEAN"
    if any(isinstance(v, str) for v in present):
        return "VARCHAR"
    if any(isinstance(v, datetime) for v in present):
        return "TIMESTAMP"
    if any(isinstance(v, float) for v in present):
        return "DOUBLE"
    return "BIGINT"


def final_state(rows: Iterable[Row]) -> list[Row]:
    """What Timestream keeps: per (table, time, dimensions, measure_name), the highest version."""
    kept: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = (row.table, row.time, row.measure_name, tuple(sorted(row.dimensions.items())))
        if key not in kept or row.version >= kept[key].version:
            kept[key] = row
    return list(kept.values())


def load_tables(con: duckdb.DuckDBPyConnection, database: str, rows: Iterable[Row], empty: dict[str, Any]) -> None:
    """Creates `<database>.<table>` for every table in `rows`, and empty tables with the columns in `empty`
    (`{table: (dimensions, measures)}`) for tables with no rows, so that queries on them still bind."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{database}"')
    by_table: dict[str, list[Row]] = {}
    for row in final_state(rows):
        by_table.setdefault(row.table, []).append(row)
    for table, (dimensions, measures) in empty.items():
        by_table.setdefault(table, [])
        by_table[table] = by_table[table]
        _create(con, database, table, by_table[table], dimensions, measures)
    for table, table_rows in by_table.items():
        if table not in empty:
            _create(con, database, table, table_rows, (), ())


def _create(
    con: duckdb.DuckDBPyConnection,
    database: str,
    table: str,
    rows: list[Row],
    dimensions: Iterable[str],
    measures: Iterable[str | tuple[str, str]],
) -> None:
    dimension_names = list(dict.fromkeys([*dimensions, *(d for r in rows for d in r.dimensions)]))
    declared = {m if isinstance(m, str) else m[0]: (None if isinstance(m, str) else m[1]) for m in measures}
    measure_names = list(dict.fromkeys([*declared, *(m for r in rows for m in r.measures)]))
    types = {}
    for name in measure_names:
        sql_type = declared.get(name)
        types[name] = {"BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "STRING": "VARCHAR", "BOOLEAN": "BOOLEAN"}.get(
            sql_type or ""
        ) or _column_type([r.measures.get(name) for r in rows])
    columns = [
        '"time" TIMESTAMP',
        "measure_name VARCHAR",
        *(f'"{d}" VARCHAR' for d in dimension_names),
        *(f'"{m}" {types[m]}' for m in measure_names),
    ]
    name = f'"{database}"."{table}"'
    con.execute(f"CREATE OR REPLACE TABLE {name} ({', '.join(columns)})")
    if rows:
        import pandas  # bulk insert: row-by-row inserts take seconds for a few thousand records

        frame = pandas.DataFrame(
            {
                "time": [r.time.astimezone(UTC).replace(tzinfo=None) for r in rows],
                "measure_name": [r.measure_name for r in rows],
                **{d: [r.dimensions.get(d) for r in rows] for d in dimension_names},
                **{m: pandas.Series([r.measures.get(m) for r in rows], dtype=object) for m in measure_names},
            }
        )
        con.register("incoming_rows", frame)
        casts = ", ".join(
            ['"time"', "measure_name", *(f'"{d}"' for d in dimension_names)]
            + [f'CAST("{m}" AS {types[m]}) AS "{m}"' for m in measure_names]
        )
        con.execute(f"INSERT INTO {name} SELECT {casts} FROM incoming_rows")
        con.unregister("incoming_rows")


_DURATION = re.compile(r"(?<![\w'.])(\d+(?:\.\d+)?)(ns|us|ms|s|m|h|d)\b(?!')")


def _durations(sql: str) -> str:
    """Timestream's duration literals as Trino intervals (string literals left alone)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    for i in range(0, len(parts), 2):
        parts[i] = _DURATION.sub(
            lambda m: f"INTERVAL '{int(float(m.group(1)) * UNIT_MS[m.group(2)])}' MILLISECOND", parts[i]
        )
    return "".join(parts)


def to_timestream(query: str, context: QueryContext, database: str) -> str:
    """What Timestream receives: variables interpolated, the plugin's macros expanded."""
    return timestream_macros(template_variables(query, context), context, database)


def to_duckdb(query: str, context: QueryContext, database: str) -> str:
    sql = _durations(to_timestream(query, context, database))
    tree = sqlglot.parse_one(sql, read="trino")
    refuse_what_trino_refuses(tree)
    now = exp.cast(exp.Literal.string(f"{context.now.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"), "TIMESTAMP")

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDate)) or (
            isinstance(node, exp.Anonymous) and node.name.lower() == "now"
        ):
            return now.copy()
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            if name in NO_LOCAL_EQUIVALENT:
                raise NoLocalEquivalent(
                    f"Timestream function {name}() has no DuckDB equivalent: this query cannot be run locally"
                )
            if name == "bin":
                value, size = node.expressions
                return exp.Anonymous(this="time_bucket", expressions=[size, value])
            if name == "ago":
                return exp.Sub(this=now.copy(), expression=node.expressions[0])
            if name == "from_milliseconds":
                return exp.Anonymous(this="epoch_ms", expressions=node.expressions)
        return node

    return to_duckdb_sql(tree.transform(rewrite))


def to_duckdb_sql(tree: exp.Expression) -> str:
    """DuckDB SQL of a Trino tree, with types annotated so that integer / integer keeps Trino's (and Timestream's)
    truncating division (DuckDB's `/` divides as doubles)."""
    return annotate_types(tree, dialect="trino").sql(dialect="duckdb")


def run(
    con: duckdb.DuckDBPyConnection, query: str, context: QueryContext, database: str
) -> tuple[list[str], list[tuple]]:
    result = con.execute(to_duckdb(query, context, database))
    return [d[0] for d in result.description], result.fetchall()
