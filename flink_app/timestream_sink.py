"""Typed access to the project's Timestream sink (Java, in the connectors jar) from PyFlink.

One `TimestreamSink` value holds the settings; it renders them for either API, so nobody writes
raw option strings:

- Table API: `sink.create_table_sql(name, columns)` (a `CREATE TEMPORARY TABLE ... WITH (...)`) or
  `sink.descriptor(schema)` (a `TableDescriptor`); every row becomes one multi-measure record.
- DataStream API: `stream.sink_to(sink.datastream_sink(row_type))`, rows of a named row type.

The option keys are those of the Java options class; connectors/README.md lists them, and
tests/unit/test_timestream_sink.py checks that every key used here is in that table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from pyflink.common.typeinfo import RowTypeInfo
from pyflink.datastream.connectors import Sink
from pyflink.java_gateway import get_gateway
from pyflink.table import Schema, TableDescriptor

CONNECTOR = "timestream"
JAVA_SINK_CLASS = "io.github.connectmonitor.timestream.TimestreamSink"
MAX_RECORDS_PER_REQUEST = 100

T = TypeVar("T")


def _duration(value: timedelta) -> str:
    return f"{round(value.total_seconds() * 1000)} ms"


def _quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimestreamSink:
    """Where and how rows go to Timestream; `None` leaves an option at the connector's default."""

    database: str
    table: str
    region: str
    measure_name: str
    dimension_columns: tuple[str, ...]
    time_column: str = "time"
    version_column: str | None = None
    endpoint: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    dead_letter_path: str | None = None
    retry_max_attempts: int | None = None
    retry_initial_backoff: timedelta | None = None
    retry_max_backoff: timedelta | None = None
    request_timeout: timedelta | None = None
    flush_on_checkpoint: bool | None = None
    batch_max_size: int | None = None
    max_inflight_requests: int | None = None
    max_buffered_records: int | None = None
    flush_buffer_bytes: int | None = None
    flush_buffer_timeout: timedelta | None = None
    parallelism: int | None = None

    def __post_init__(self) -> None:
        for name in ("database", "table", "region", "measure_name", "time_column"):
            if not getattr(self, name).strip():
                raise ValueError(f"TimestreamSink.{name} is empty")
        if isinstance(self.dimension_columns, str):
            raise ValueError("TimestreamSink.dimension_columns is a tuple of column names, not one string")
        if not self.dimension_columns or any(not c.strip() or "," in c for c in self.dimension_columns):
            raise ValueError(f"TimestreamSink.dimension_columns needs column names, got {self.dimension_columns!r}")
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise ValueError("set both access_key_id and secret_access_key, or neither (default AWS credentials)")
        if self.batch_max_size is not None and not 1 <= self.batch_max_size <= MAX_RECORDS_PER_REQUEST:
            raise ValueError(f"batch_max_size must be 1 to {MAX_RECORDS_PER_REQUEST}, got {self.batch_max_size}")
        if self.endpoint is not None and not self.endpoint.startswith(("http://", "https://")):
            raise ValueError(f"endpoint must look like http://host:port, got {self.endpoint!r}")

    def options(self) -> dict[str, str]:
        """The connector options, as the SQL `WITH` clause and the DataStream builder take them."""
        optional: dict[str, str | None] = {
            "version.column": self.version_column,
            "endpoint": self.endpoint,
            "aws.access-key-id": self.access_key_id,
            "aws.secret-access-key": self.secret_access_key,
            "sink.dead-letter.path": self.dead_letter_path,
            "sink.retry.max-attempts": _str(self.retry_max_attempts),
            "sink.retry.initial-backoff": _opt(self.retry_initial_backoff, _duration),
            "sink.retry.max-backoff": _opt(self.retry_max_backoff, _duration),
            "sink.request.timeout": _opt(self.request_timeout, _duration),
            "sink.flush-on-checkpoint": _opt(self.flush_on_checkpoint, lambda b: "true" if b else "false"),
            "sink.batch.max-size": _str(self.batch_max_size),
            "sink.requests.max-inflight": _str(self.max_inflight_requests),
            "sink.requests.max-buffered": _str(self.max_buffered_records),
            "sink.flush-buffer.size": _opt(self.flush_buffer_bytes, lambda n: f"{n}b"),
            "sink.flush-buffer.timeout": _opt(self.flush_buffer_timeout, _duration),
            "sink.parallelism": _str(self.parallelism),
        }
        options = {
            "database": self.database,
            "table": self.table,
            "region": self.region,
            "measure.name": self.measure_name,
            "dimension.columns": ",".join(self.dimension_columns),
            "time.column": self.time_column,
        }
        options.update({key: value for key, value in optional.items() if value is not None})
        return options

    def create_table_sql(self, table_name: str, columns: Sequence[tuple[str, str]]) -> str:
        """`CREATE TEMPORARY TABLE` for a sink table with the given `(name, SQL type)` columns."""
        body = ",\n  ".join(f"{_quote_identifier(name)} {sql_type}" for name, sql_type in columns)
        with_clause = ",\n  ".join(
            f"{_quote_literal(k)} = {_quote_literal(v)}" for k, v in {"connector": CONNECTOR, **self.options()}.items()
        )
        return f"CREATE TEMPORARY TABLE {_quote_identifier(table_name)} (\n  {body}\n) WITH (\n  {with_clause}\n)"

    def descriptor(self, schema: Schema) -> TableDescriptor:
        """A `TableDescriptor` for `t_env.create_temporary_table(name, descriptor)`."""
        builder = TableDescriptor.for_connector(CONNECTOR).schema(schema)
        for key, value in self.options().items():
            builder = builder.option(key, value)
        return builder.build()

    def datastream_sink(self, row_type: RowTypeInfo) -> Sink:
        """A sink for a DataStream of `Types.ROW_NAMED(...)` rows (needs the connectors jar loaded)."""
        if not isinstance(row_type, RowTypeInfo) or not row_type.get_field_names():
            raise ValueError("datastream_sink needs a named row type: Types.ROW_NAMED([...], [...])")
        gateway = get_gateway()
        java_options = gateway.jvm.java.util.HashMap()
        for key, value in self.options().items():
            java_options.put(key, value)
        java_sink = gateway.jvm.io.github.connectmonitor.timestream.TimestreamSink.forRows(
            row_type.get_java_type_info(), java_options
        )
        return Sink(java_sink)


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def _opt(value: T | None, render: Callable[[T], str]) -> str | None:
    return None if value is None else render(value)
