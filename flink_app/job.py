"""Builds the job graph: raw stream -> parse (Python) -> metric operators (Java) -> sinks.

The same graph runs live (Kinesis) and in replay (a file); only the source and the sinks differ.
After the one Python step, everything runs in the JVM: the parsed rows go to the Java operators of
`io.github.connectmonitor.metrics.MetricsJob` through py4j, and their results come back as tables
for the SQL sinks.
"""

from pathlib import Path

from pyflink.datastream import DataStream, StreamExecutionEnvironment
from pyflink.datastream.connectors import Sink
from pyflink.java_gateway import get_gateway
from pyflink.table import StreamTableEnvironment, Table

from flink_app import outputs, queries
from flink_app.config import JobConfig, SinkConfig
from flink_app.parsing import parse_connect_record
from flink_app.timestream_sink import TimestreamSink

RAW_VIEW = "connect_stream"
DEAD_LETTER_VIEW = "dead_letters"


def _java_list(values: list[str]):
    java_list = get_gateway().jvm.java.util.ArrayList()
    for value in values:
        java_list.add(value)
    return java_list


def _java_map(values: dict[str, str]):
    java_map = get_gateway().jvm.java.util.HashMap()
    for key, value in values.items():
        java_map.put(key, value)
    return java_map


def register_views(t_env: StreamTableEnvironment, config: JobConfig, raw: Table) -> dict[str, outputs.OutputTable]:
    """`raw` is `(data, event_time)` from `sources.raw_table`. Registers one view per result table
    (named as the table) and `dead_letters`; returns the result tables."""
    t_env.create_temporary_view(RAW_VIEW, raw)
    t_env.create_temporary_system_function("parse_connect_record", parse_connect_record)
    parsed = t_env.sql_query(queries.parsed_records(RAW_VIEW))
    columns = list(parsed.get_schema().get_field_names())
    metrics = get_gateway().jvm.io.github.connectmonitor.metrics.MetricsJob.build(
        t_env.to_data_stream(parsed)._j_data_stream, _java_list(columns), _java_map(config.metrics.operator_settings())
    )
    tables = outputs.tables(config.metrics)
    results = {
        outputs.AGENT_STATE_BY_QUEUE.name: metrics.agentStateByQueue(),
        "queue_contact_metrics": metrics.queueContactMetrics(),
        DEAD_LETTER_VIEW: metrics.deadLetters(),
    }
    for name, java_stream in results.items():
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


def add_sinks(t_env: StreamTableEnvironment, config: JobConfig, tables: dict[str, outputs.OutputTable]) -> None:
    """Every result table to every configured sink; dead letters always to the job's stdout and log.
    Run the job with `env.execute()` afterwards."""
    statements = t_env.create_statement_set()
    for table in tables.values():
        if "print" in config.sink.types:
            t_env.execute_sql(print_sink_ddl(table.name))
            statements.add_insert_sql(f"INSERT INTO {table.name}_out {outputs.as_json_document(table, table.name)}")
        if "timestream" in config.sink.types:
            sink_table = f"{table.name}_timestream"
            sink = timestream_sink(config.sink, table)
            t_env.execute_sql(sink.create_table_sql(sink_table, table.timestream_columns()))
            statements.add_insert_sql(f"INSERT INTO {sink_table} {table.timestream_rows(table.name)}")
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
