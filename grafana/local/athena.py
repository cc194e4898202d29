"""The Athena side, locally: the Glue CTR table over Firehose-layout files in DuckDB, and Athena SQL run on it.

Loading follows the table's definition in infra/terraform (read by `grafana.local.terraform`): the partitions
under its storage template (`records/kind=ctr/dt=${dt}/`), gzip objects of JSON lines, and the OpenX JSON
SerDe's rules as configured there (`case.insensitive`: keys matched lower-cased; `ignore.malformed.json`:
unreadable lines skipped; keys not in the schema ignored; values cast to the declared Hive types). The table
has exactly the Glue columns, so a query naming a column Glue does not declare fails here as it would in Athena.

The one translation step (`to_duckdb`): Grafana's template variables, the Athena plugin's macros, then
sqlglot's Trino -> DuckDB transpiler (Athena engine v3 is Trino). Differences it handles that the dashboards
rely on: `from_iso8601_timestamp` -> a TIMESTAMPTZ cast, `approx_percentile` -> `approx_quantile`,
`date_format` -> `strftime`, `to_unixtime`/`from_unixtime` -> `epoch`/`to_timestamp`, struct field access. The
DuckDB session runs in UTC, as Athena does. `approx_percentile` is approximate in both engines (different
sketches): tests compare percentiles with a tolerance.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import sqlglot

from grafana.local import terraform
from grafana.local.interpolation import QueryContext, athena_macros, template_variables
from grafana.local.timestream import refuse_what_trino_refuses, to_duckdb_sql

HIVE_SCALARS = {
    "string": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current] if current else parts


def duckdb_type(hive_type: str) -> str:
    """A Glue/Hive column type as the DuckDB type with the same shape."""
    hive_type = hive_type.strip()
    lowered = hive_type.lower()
    if lowered in HIVE_SCALARS:
        return HIVE_SCALARS[lowered]
    if lowered.startswith("struct<") and lowered.endswith(">"):
        fields = []
        for part in _split_top(hive_type[7:-1]):
            name, _, kind = part.partition(":")
            fields.append(f'"{name.strip().lower()}" {duckdb_type(kind)}')
        return f"STRUCT({', '.join(fields)})"
    if lowered.startswith("map<") and lowered.endswith(">"):
        key, value = _split_top(hive_type[4:-1])
        return f"MAP({duckdb_type(key)}, {duckdb_type(value)})"
    if lowered.startswith("array<") and lowered.endswith(">"):
        return f"{duckdb_type(hive_type[6:-1])}[]"
    raise ValueError(f"Glue type {hive_type!r} has no local equivalent in grafana.local.athena: add it")


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _project(value: Any, hive_type: str) -> Any:
    """A JSON value read as the SerDe reads it into `hive_type` (None when it does not fit)."""
    if value is None:
        return None
    lowered = hive_type.strip().lower()
    if lowered.startswith("struct<"):
        if not isinstance(value, dict):
            return None
        fields = [p.partition(":") for p in _split_top(hive_type.strip()[7:-1])]
        return {name.strip().lower(): _project(value.get(name.strip().lower()), kind) for name, _, kind in fields}
    if lowered.startswith("map<"):
        if not isinstance(value, dict):
            return None
        _, value_type = _split_top(hive_type.strip()[4:-1])
        return {k: _project(v, value_type) for k, v in value.items()}
    if lowered.startswith("array<"):
        return [_project(v, hive_type.strip()[6:-1]) for v in value] if isinstance(value, list) else None
    if lowered in ("int", "bigint"):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if lowered == "double":
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if lowered == "string":
        return value if isinstance(value, str) else json.dumps(value)
    return value


def _partitions(root: Path, table: terraform.GlueTable) -> list[tuple[dict[str, str], Path]]:
    """Every partition directory the storage template matches under `root` (what partition projection reads)."""
    template = table.location_template
    pattern = re.escape(template)
    for key in table.partition_keys:
        pattern = pattern.replace(re.escape("${" + key.name + "}"), f"(?P<{key.name}>[^/]+)")
    found = []
    for directory in sorted(p for p in root.rglob("*") if p.is_dir()):
        relative = directory.relative_to(root).as_posix() + "/"
        match = re.fullmatch(pattern, relative)
        if match:
            found.append((match.groupdict(), directory))
    return found


def load_ctr_table(con: duckdb.DuckDBPyConnection, root: Path, scratch: Path) -> int:
    """Creates table `ctr` (and schema `<glue database>` with it) from the objects under `root`; returns rows."""
    table = terraform.glue_ctr_table()
    malformed_ok = table.serde_parameters.get("ignore.malformed.json") == "true"
    case_insensitive = table.serde_parameters.get("case.insensitive", "true") == "true"
    rows_file = scratch / "ctr-rows.jsonl"
    count = 0
    with rows_file.open("w") as out:
        for partition, directory in _partitions(root, table):
            for path in sorted(p for p in directory.iterdir() if p.is_file()):
                raw = gzip.decompress(path.read_bytes()) if table.compression == "gzip" else path.read_bytes()
                for line in raw.decode().splitlines():
                    if not line.strip():
                        continue
                    try:
                        document = json.loads(line)
                    except ValueError:
                        if malformed_ok:
                            continue
                        raise
                    if not isinstance(document, dict):
                        continue
                    if case_insensitive:
                        document = _lower_keys(document)
                    row = {c.name: _project(document.get(c.name), c.hive_type) for c in table.columns}
                    row.update(partition)
                    out.write(json.dumps(row) + "\n")
                    count += 1
    columns = {c.name: duckdb_type(c.hive_type) for c in table.columns + table.partition_keys}
    column_sql = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE OR REPLACE TABLE {table.name} AS SELECT * FROM read_json('{rows_file}', "
        f"format = 'newline_delimited', columns = {{{column_sql}}})"
    )
    database = terraform.root_variable_defaults()["glue_database_name"]
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{database}"')
    con.execute(f'CREATE OR REPLACE VIEW "{database}".{table.name} AS SELECT * FROM main.{table.name}')
    return count


def to_trino(query: str, context: QueryContext) -> str:
    """What Athena receives: variables interpolated, the plugin's macros expanded."""
    return athena_macros(template_variables(query, context), context)


def to_duckdb(query: str, context: QueryContext) -> str:
    """The documented translation step: Athena SQL (Trino) -> DuckDB SQL, by sqlglot."""
    tree = sqlglot.parse_one(to_trino(query, context), read="trino")
    refuse_what_trino_refuses(tree)
    return to_duckdb_sql(tree)


def run(con: duckdb.DuckDBPyConnection, query: str, context: QueryContext) -> tuple[list[str], list[tuple]]:
    """Runs a panel's Athena query; returns its column names and rows."""
    result = con.execute(to_duckdb(query, context))
    return [d[0] for d in result.description], result.fetchall()
