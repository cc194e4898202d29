"""The one translation step: Grafana's variables, the plugins' macros, then Timestream/Athena SQL -> DuckDB.

Macro expansions are compared with the plugins' own output formats (grafana/timestream-datasource
pkg/timestream/macros.go, grafana/athena-datasource pkg/athena/macros.go)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from grafana.local import athena, timestream
from grafana.local.interpolation import (
    InterpolationError,
    QueryContext,
    athena_macros,
    template_variables,
    timestream_macros,
)

FROM = datetime(2026, 1, 5, 9, tzinfo=UTC)
TO = datetime(2026, 1, 5, 10, tzinfo=UTC)
CONTEXT = QueryContext(FROM, TO, timedelta(seconds=30), {"queue": ["Sales", "Bob's"], "sl": ["20"]})


def test_sqlstring_quotes_each_value_and_doubles_quotes() -> None:
    assert template_variables("q IN (${queue:sqlstring})", CONTEXT) == "q IN ('Sales','Bob''s')"


def test_a_single_value_is_raw_and_an_unknown_variable_is_an_error() -> None:
    assert template_variables("service_level_${sl}s", CONTEXT) == "service_level_20s"
    with pytest.raises(InterpolationError, match=r"\$channel"):
        template_variables("channel IN (${channel:sqlstring})", CONTEXT)


def test_timestream_macros_expand_as_the_plugin_does() -> None:
    expanded = timestream_macros(
        "SELECT 1 FROM $__database.t WHERE $__timeFilter GROUP BY bin(time, $__interval_ms)", CONTEXT, "db"
    )
    assert expanded == (
        'SELECT 1 FROM "db".t WHERE time BETWEEN from_milliseconds(1767603600000) AND from_milliseconds(1767607200000) '
        "GROUP BY bin(time, 30000ms)"
    )


def test_athena_macros_expand_as_the_plugin_does() -> None:
    expanded = athena_macros("WHERE $__timeFilter(t) AND d > $__timeFrom() AND $__dateFilter(dt)", CONTEXT)
    assert expanded == (
        "WHERE t BETWEEN TIMESTAMP '2026-01-05 09:00:00' AND TIMESTAMP '2026-01-05 10:00:00' "
        "AND d > TIMESTAMP '2026-01-05 09:00:00' AND dt BETWEEN date '2026-01-05' AND date '2026-01-05'"
    )
    grouped = athena_macros("SELECT $__timeGroup(t, '1h') FROM x", CONTEXT)
    assert grouped == "SELECT FROM_UNIXTIME(FLOOR(TO_UNIXTIME(t)/3600)*3600) FROM x"


def test_timestream_functions_become_duckdb_ones() -> None:
    sql = timestream.to_duckdb("SELECT bin(time, 1m), ago(15m), now(), from_milliseconds(0) FROM t", CONTEXT, "db")
    assert "TIME_BUCKET(INTERVAL '60000' MILLISECOND, time)" in sql
    assert "CAST('2026-01-05 10:00:00.000000' AS TIMESTAMP) - INTERVAL '900000' MILLISECOND" in sql
    assert "EPOCH_MS(0)" in sql


def test_bin_gives_timestreams_buckets() -> None:
    con = duckdb.connect()
    sql = timestream.to_duckdb("SELECT bin(TIMESTAMP '2026-01-05 09:07:31', 5m) AS b", CONTEXT, "db")
    assert con.execute(sql).fetchone()[0] == datetime(2026, 1, 5, 9, 5)


def test_duration_literals_inside_strings_are_left_alone() -> None:
    sql = timestream.to_duckdb("SELECT '10s' AS label, bin(time, 10s) FROM t", CONTEXT, "db")
    assert "'10s' AS label" in sql and "INTERVAL '10000' MILLISECOND" in sql


@pytest.mark.parametrize("function", ["interpolate_linear", "create_time_series", "derivative_value"])
def test_timestream_functions_without_a_local_equivalent_are_refused_by_name(function: str) -> None:
    """Such a query cannot be checked locally: the translation says so, naming the function (no dashboard
    query uses one today; one that did would fail its test with this message rather than be skipped)."""
    with pytest.raises(timestream.NoLocalEquivalent, match=function):
        timestream.to_duckdb(f"SELECT {function}(x, 1) FROM t", CONTEXT, "db")


def test_athena_sql_transpiles_trino_functions_to_duckdb() -> None:
    sql = athena.to_duckdb(
        "SELECT approx_percentile(x, 0.9), from_iso8601_timestamp(s), date_format($__timeFrom(), '%Y-%m-%d') FROM ctr",
        CONTEXT,
    )
    assert "APPROX_QUANTILE(x, 0.9)" in sql
    assert "CAST(s AS TIMESTAMPTZ)" in sql
    assert "STRFTIME(" in sql


def test_glue_types_map_to_duckdb_types() -> None:
    assert athena.duckdb_type("struct<arn:string,duration:int>") == 'STRUCT("arn" VARCHAR, "duration" INTEGER)'
    assert athena.duckdb_type("map<string,string>") == "MAP(VARCHAR, VARCHAR)"
    with pytest.raises(ValueError, match="decimal"):
        athena.duckdb_type("decimal(10,2)")
