"""Builds the job graph: raw stream -> parse and metric operators (Java) -> sinks.

The same graph runs live (Kinesis) and in replay (a file); only the source and the sinks differ.
The raw stream goes to the Java operators of `io.github.connectmonitor.metrics.MetricsJob` through
py4j (the JVM parse step first, the rules of the shared `connect_model`), and their results come back
as tables for the SQL sinks: no record passes through Python.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyflink.datastream import DataStream, StreamExecutionEnvironment
from pyflink.datastream.connectors import Sink
from pyflink.java_gateway import get_gateway
from pyflink.table import StreamTableEnvironment

from flink_app import outputs
from flink_app.async_sink import AsyncSinkSettings
from flink_app.config import JobConfig, SinkConfig
from flink_app.influxdb_sink import InfluxDbSink
from flink_app.timestream_sink import TimestreamSink

DEAD_LETTER_VIEW = "dead_letters"
# The Java accessor of each result table (`MetricsJob`).
RESULT_STREAMS = {
    "agent_state_by_queue": "agentStateByQueue",
    "queue_contact_metrics": "queueContactMetrics",
    "queue_contact_metrics_rolling": "queueContactMetricsRolling",
    "queue_contact_metrics_daily": "queueContactMetricsDaily",
    "queue_contacts_waiting": "queueContactsWaiting",
    DEAD_LETTER_VIEW: "deadLetters",
}


def _java_map(values: dict[str, str]):
    java_map = get_gateway().jvm.java.util.HashMap()
    for key, value in values.items():
        java_map.put(key, value)
    return java_map


def register_views(t_env: StreamTableEnvironment, config: JobConfig, raw: DataStream) -> dict[str, outputs.OutputTable]:
    """`raw` is the stream of raw records with event time (`flink_app.sources`). Registers one view per
    result table (named as the table) and `dead_letters`; returns the result tables."""
    metrics = get_gateway().jvm.io.github.connectmonitor.metrics.MetricsJob.build(
        raw._j_data_stream, _java_map(config.metrics.operator_settings())
    )
    tables = outputs.tables(config.metrics)
    for name, accessor in RESULT_STREAMS.items():
        java_stream: Any = getattr(metrics, accessor)()
        t_env.create_temporary_view(name, t_env.from_data_stream(DataStream(java_stream)))
    return tables


def print_sink_ddl(name: str) -> str:
    return f"CREATE TABLE {name}_out (document STRING) WITH ('connector' = 'print', 'print-identifier' = '{name}')"


def timestream_sink(config: SinkConfig, table: outputs.OutputTable) -> TimestreamSink:
    return TimestreamSink(
        database=config.timestream_database,
        table=table.name,
        region=config.timestream_region,
        endpoint=config.timestream_endpoint,
        measure_name=table.measure_name,
        dimension_columns=table.dimensions,
        time_column="time",
        version_column="version",
        dead_letter_path=config.timestream_dead_letter_path,
    )


def influxdb_sink(config: SinkConfig, table: outputs.OutputTable) -> InfluxDbSink:
    """One measurement per table, named as the table; the version column is read, not written."""
    assert config.influxdb_url is not None, "config_from_groups requires sink/influxdb.url with influxdb"
    return InfluxDbSink(
        url=config.influxdb_url,
        database=config.influxdb_database,
        measurement=table.name,
        tag_columns=table.dimensions,
        time_column="time",
        version_column="version",
        token_secret_arn=config.influxdb_token_secret_arn,
        dead_letter_path=config.influxdb_dead_letter_path,
    )


# The stores a result table can be written to (`sink.types`), each by its own async sink.
STORE_SINKS: dict[str, Callable[[SinkConfig, outputs.OutputTable], AsyncSinkSettings]] = {
    "timestream": timestream_sink,
    "influxdb": influxdb_sink,
}


def add_sinks(t_env: StreamTableEnvironment, config: JobConfig, tables: dict[str, outputs.OutputTable]) -> None:
    """Every result table to every configured sink; dead letters always to the job's stdout and log.
    Run the job with `env.execute()` afterwards."""
    statements = t_env.create_statement_set()
    for table in tables.values():
        if "print" in config.sink.types:
            t_env.execute_sql(print_sink_ddl(table.name))
            statements.add_insert_sql(f"INSERT INTO {table.name}_out {outputs.as_json_document(table, table.name)}")
        for store, store_sink in STORE_SINKS.items():
            if store in config.sink.types:
                sink_table = f"{table.name}_{store}"
                t_env.execute_sql(store_sink(config.sink, table).create_table_sql(sink_table, table.sink_columns()))
                statements.add_insert_sql(f"INSERT INTO {sink_table} {table.sink_rows(table.name)}")
    t_env.execute_sql(print_sink_ddl(outputs.DEAD_LETTER))
    statements.add_insert_sql(f"INSERT INTO {outputs.DEAD_LETTER}_out {outputs.dead_letter_document(DEAD_LETTER_VIEW)}")
    statements.attach_as_datastream()


def add_replay_sinks(
    t_env: StreamTableEnvironment, tables: dict[str, outputs.OutputTable], output_dir: Path
) -> dict[str, Path]:
    """`DIR/<table>.jsonl` (one line per written record) and `DIR/dead_letter.jsonl`; returns the files."""
    files: dict[str, Path] = {}
    documents = {name: outputs.record_document(table, name) for name, table in tables.items()}
    documents[outputs.DEAD_LETTER] = outputs.dead_letter_document(DEAD_LETTER_VIEW, with_table=False)
    line_sink = get_gateway().jvm.io.github.connectmonitor.replay.LineFileSink
    for name, query in documents.items():
        path = output_dir / f"{name}.jsonl"
        files[name] = path
        stream: DataStream = t_env.to_data_stream(t_env.sql_query(query))
        stream.sink_to(Sink(line_sink(str(path)))).name(f"file: {path.name}").set_parallelism(1)
    return files


def execute(env: StreamExecutionEnvironment, wait: bool) -> None:
    if wait:
        env.execute("connect-monitor")
    else:
        env.execute_async("connect-monitor")
