"""The one translation step: Grafana's variables, the plugins' macros, then Timestream/Athena SQL -> DuckDB.

Macro expansions are compared with the plugins' own output formats (grafana/timestream-datasource
pkg/timestream/macros.go, grafana/athena-datasource pkg/athena/macros.go)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from grafana.local import athena, timestream
from grafana.local.interpolation import (
    ALL,
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


def test_all_is_the_custom_all_value_as_it_is_or_every_option() -> None:
    """Grafana's templateSrv: a custom all-value skips formatting (its own variables still replaced); without one,
    "All" is every option, formatted, so no options give nothing."""
    custom = QueryContext(FROM, TO, variables={"queue": [ALL], "x": ["v"]}, all_values={"queue": "'__all__' $x"})
    assert template_variables("IN (${queue:sqlstring})", custom) == "IN ('__all__' v)"
    assert template_variables("${queue:text}", custom) == "All"
    listed = QueryContext(FROM, TO, variables={"queue": [ALL]}, options={"queue": ["Sales", "Bob's"]})
    assert template_variables("IN (${queue:sqlstring})", listed) == "IN ('Sales','Bob''s')"
    nothing = QueryContext(FROM, TO, variables={"queue": [ALL]}, options={"queue": []})
    assert template_variables("IN (${queue:sqlstring})", nothing) == "IN ()"
    with pytest.raises(timestream.SyntaxRefused, match="empty IN list"):
        timestream.to_duckdb("SELECT 1 FROM t WHERE q IN (${queue:sqlstring})", nothing, "db")
    with pytest.raises(timestream.SyntaxRefused, match="empty IN list"):
        athena.to_duckdb("SELECT 1 FROM ctr WHERE q IN (${queue:sqlstring})", nothing)


def test_timestream_expands_only_the_plugins_macros() -> None:
    """pkg/timestream/macros.go: $__database, $__table, $__measure, $__timeFilter, $__interval_ms. No $__timeFrom."""
    with pytest.raises(InterpolationError, match=r"\$__timeFrom"):
        timestream_macros("SELECT 1 WHERE time > $__timeFrom", CONTEXT, "db")


def test_athena_time_filter_is_in_the_servers_local_time_and_time_from_in_utc() -> None:
    """pkg/athena/macros.go formats $__timeFilter's range with Go's local time of the plugin process, $__timeFrom()
    and $__timeTo() in UTC: on a Grafana server in Paris the first is shifted by an hour."""
    paris = QueryContext(FROM, TO, server_timezone="Europe/Paris")
    assert athena_macros("$__timeFilter(t)", paris) == (
        "t BETWEEN TIMESTAMP '2026-01-05 10:00:00' AND TIMESTAMP '2026-01-05 11:00:00'"
    )
    assert athena_macros("$__timeFrom() $__timeTo()", paris) == (
        "TIMESTAMP '2026-01-05 09:00:00' TIMESTAMP '2026-01-05 10:00:00'"
    )


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


def test_integer_division_truncates_as_in_trino() -> None:
    """Timestream and Athena (Trino) divide integers as integers; DuckDB's `/` would give 0.983 for 59 / 60."""
    con = duckdb.connect()
    sql = timestream.to_duckdb("SELECT CAST(59 AS bigint) / 60 AS m, CAST(59 AS double) / 60 AS d", CONTEXT, "db")
    minutes, share = con.execute(sql).fetchone()
    assert minutes == 0 and share == pytest.approx(59 / 60)
    assert con.execute(athena.to_duckdb("SELECT 7 / 2", CONTEXT)).fetchone()[0] == 3


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
