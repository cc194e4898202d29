"""What the project's two Java sinks (Timestream, InfluxDB) share, seen from PyFlink: the `sink.*` options of
Flink's async-sink base (retries, batching, buffering, dead letters) and the rendering of a sink's options
as SQL DDL, a `TableDescriptor` or a DataStream sink.

A store's settings class (`flink_app.timestream_sink.TimestreamSink`, `flink_app.influxdb_sink.InfluxDbSink`)
extends `AsyncSinkSettings` with its own options; `None` leaves an option at the connector's default.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, TypeVar

from pyflink.common.typeinfo import RowTypeInfo
from pyflink.datastream.connectors import Sink
from pyflink.java_gateway import get_gateway
from pyflink.table import Schema, TableDescriptor

T = TypeVar("T")


def duration(value: timedelta) -> str:
    return f"{round(value.total_seconds() * 1000)} ms"


def quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rendered(value: T | None, render: Callable[[T], str] = str) -> str | None:
    return None if value is None else render(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class AsyncSinkSettings:
    """The options every sink of the connectors jar takes, with the same keys and meaning."""

    CONNECTOR: ClassVar[str]
    JAVA_SINK_CLASS: ClassVar[str]  # has a static forRows(TypeInformation<Row>, Map<String, String>)

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

    def store_options(self) -> dict[str, str | None]:
        """The store's own options (a `None` value is left out)."""
        raise NotImplementedError

    def options(self) -> dict[str, str]:
        """The connector options, as the SQL `WITH` clause and the DataStream builder take them."""
        common: dict[str, str | None] = {
            "sink.dead-letter.path": self.dead_letter_path,
            "sink.retry.max-attempts": rendered(self.retry_max_attempts),
            "sink.retry.initial-backoff": rendered(self.retry_initial_backoff, duration),
            "sink.retry.max-backoff": rendered(self.retry_max_backoff, duration),
            "sink.request.timeout": rendered(self.request_timeout, duration),
            "sink.flush-on-checkpoint": rendered(self.flush_on_checkpoint, lambda b: "true" if b else "false"),
            "sink.batch.max-size": rendered(self.batch_max_size),
            "sink.requests.max-inflight": rendered(self.max_inflight_requests),
            "sink.requests.max-buffered": rendered(self.max_buffered_records),
            "sink.flush-buffer.size": rendered(self.flush_buffer_bytes, lambda n: f"{n}b"),
            "sink.flush-buffer.timeout": rendered(self.flush_buffer_timeout, duration),
            "sink.parallelism": rendered(self.parallelism),
        }
        return {key: value for key, value in {**self.store_options(), **common}.items() if value is not None}

    def create_table_sql(self, table_name: str, columns: Sequence[tuple[str, str]]) -> str:
        """`CREATE TEMPORARY TABLE` for a sink table with the given `(name, SQL type)` columns."""
        body = ",\n  ".join(f"{quote_identifier(name)} {sql_type}" for name, sql_type in columns)
        with_clause = ",\n  ".join(
            f"{quote_literal(k)} = {quote_literal(v)}"
            for k, v in {"connector": self.CONNECTOR, **self.options()}.items()
        )
        return f"CREATE TEMPORARY TABLE {quote_identifier(table_name)} (\n  {body}\n) WITH (\n  {with_clause}\n)"

    def descriptor(self, schema: Schema) -> TableDescriptor:
        """A `TableDescriptor` for `t_env.create_temporary_table(name, descriptor)`."""
        builder = TableDescriptor.for_connector(self.CONNECTOR).schema(schema)
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
        java_class = gateway.jvm
        for part in self.JAVA_SINK_CLASS.split("."):
            java_class = getattr(java_class, part)
        return Sink(java_class.forRows(row_type.get_java_type_info(), java_options))


def check_not_empty(owner: object, *names: str) -> None:
    """Each named string field of `owner` holds more than blanks."""
    for name in names:
        if not getattr(owner, name).strip():
            raise ValueError(f"{type(owner).__name__}.{name} is empty")


def check_columns(owner: str, name: str, columns: tuple[str, ...]) -> None:
    """`columns` is a non-empty tuple of column names (a string is refused: it would iterate by letter)."""
    if isinstance(columns, str):
        raise ValueError(f"{owner}.{name} is a tuple of column names, not one string")
    if not columns or any(not c.strip() or "," in c for c in columns):
        raise ValueError(f"{owner}.{name} needs column names, got {columns!r}")


def check_url(owner: str, name: str, url: str | None) -> None:
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError(f"{owner}.{name} must look like http://host:port, got {url!r}")
