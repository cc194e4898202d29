"""Typed access to the project's Timestream sink (Java, in the connectors jar) from PyFlink.

One `TimestreamSink` value holds the settings; it renders them for either API, so nobody writes
raw option strings (the rendering and the shared `sink.*` settings: `flink_app.async_sink`):

- Table API: `sink.create_table_sql(name, columns)` (a `CREATE TEMPORARY TABLE ... WITH (...)`) or
  `sink.descriptor(schema)` (a `TableDescriptor`); every row becomes one multi-measure record.
- DataStream API: `stream.sink_to(sink.datastream_sink(row_type))`, rows of a named row type.

The option keys are those of the Java options class; connectors/README.md lists them, and
tests/unit/test_timestream_sink.py checks that every key used here is in that table.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from flink_app.async_sink import AsyncSinkSettings, check_columns, check_not_empty, check_url

MAX_RECORDS_PER_REQUEST = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class TimestreamSink(AsyncSinkSettings):
    """Where and how rows go to Timestream; `None` leaves an option at the connector's default."""

    CONNECTOR: ClassVar[str] = "timestream"
    JAVA_SINK_CLASS: ClassVar[str] = "io.github.connectmonitor.timestream.TimestreamSink"

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

    def __post_init__(self) -> None:
        check_not_empty(self, "database", "table", "region", "measure_name", "time_column")
        check_columns("TimestreamSink", "dimension_columns", self.dimension_columns)
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise ValueError("set both access_key_id and secret_access_key, or neither (default AWS credentials)")
        if self.batch_max_size is not None and not 1 <= self.batch_max_size <= MAX_RECORDS_PER_REQUEST:
            raise ValueError(f"batch_max_size must be 1 to {MAX_RECORDS_PER_REQUEST}, got {self.batch_max_size}")
        check_url("TimestreamSink", "endpoint", self.endpoint)

    def store_options(self) -> dict[str, str | None]:
        return {
            "database": self.database,
            "table": self.table,
            "region": self.region,
            "measure.name": self.measure_name,
            "dimension.columns": ",".join(self.dimension_columns),
            "time.column": self.time_column,
            "version.column": self.version_column,
            "endpoint": self.endpoint,
            "aws.access-key-id": self.access_key_id,
            "aws.secret-access-key": self.secret_access_key,
        }
