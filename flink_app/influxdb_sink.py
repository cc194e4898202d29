"""Typed access to the project's InfluxDB sink (Java, in the connectors jar) from PyFlink.

Rows become points of InfluxDB line protocol, posted to the v1 write API (`{url}/write`) that InfluxDB 1.x,
Timestream for InfluxDB and InfluxDB 3 all serve: one measurement per table, the dimensions as tags, the
measures as fields, the row time in milliseconds. The version column is not written: InfluxDB keeps the last
write of a series and time, so a corrected window overwrites the earlier point (connectors/README.md).
Rendering and the shared `sink.*` settings: `flink_app.async_sink`.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from flink_app.async_sink import AsyncSinkSettings, check_columns, check_not_empty, check_url


@dataclass(frozen=True, slots=True, kw_only=True)
class InfluxDbSink(AsyncSinkSettings):
    """Where and how rows go to InfluxDB; `None` leaves an option at the connector's default."""

    CONNECTOR: ClassVar[str] = "influxdb"
    JAVA_SINK_CLASS: ClassVar[str] = "io.github.connectmonitor.influxdb.InfluxDbSink"

    url: str
    database: str
    measurement: str
    tag_columns: tuple[str, ...]
    time_column: str = "time"
    version_column: str | None = None
    token: str | None = field(default=None, repr=False)
    token_secret_arn: str | None = None

    def __post_init__(self) -> None:
        check_not_empty(self, "url", "database", "measurement", "time_column")
        check_url("InfluxDbSink", "url", self.url)
        check_columns("InfluxDbSink", "tag_columns", self.tag_columns)
        if self.token is not None and self.token_secret_arn is not None:
            raise ValueError("set token or token_secret_arn, not both")

    def store_options(self) -> dict[str, str | None]:
        return {
            "url": self.url,
            "database": self.database,
            "measurement": self.measurement,
            "tag.columns": ",".join(self.tag_columns),
            "time.column": self.time_column,
            "version.column": self.version_column,
            "token": self.token,
            "token.secret-arn": self.token_secret_arn,
        }
