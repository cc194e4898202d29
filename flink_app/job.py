"""Builds the job graph: raw stream -> parse -> agent-state snapshots (+ dead letters) -> sinks."""

from pyflink.table import StreamTableEnvironment, Table, TableResult

from flink_app import outputs, queries
from flink_app.config import JobConfig, SinkConfig
from flink_app.parsing import parse_connect_record
from flink_app.timestream_sink import TimestreamSink

RAW_VIEW = "connect_stream"


def register_views(t_env: StreamTableEnvironment, config: JobConfig, raw: Table) -> None:
    """`raw` is `(data, event_time)` from `sources.raw_table`; the watermark follows agent events only."""
    t_env.create_temporary_view(RAW_VIEW, raw)
    t_env.create_temporary_system_function("parse_connect_record", parse_connect_record)
    t_env.create_temporary_view(queries.PARSED_VIEW, t_env.sql_query(queries.parsed_records(RAW_VIEW)))
    t_env.create_temporary_view(queries.AGENT_EVENTS, t_env.sql_query(queries.agent_event_rows()))
    t_env.create_temporary_view(queries.LATEST_AGENT_STATE, t_env.sql_query(queries.latest_agent_state(config.metrics)))
    t_env.create_temporary_view(outputs.AGENT_STATE_BY_QUEUE.name, t_env.sql_query(queries.agent_state_by_queue()))


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


def add_sinks(t_env: StreamTableEnvironment, config: JobConfig) -> TableResult:
    """Every result table to every configured sink; dead letters always to the job's stdout and log."""
    statements = t_env.create_statement_set()
    for table in outputs.TABLES.values():
        if "print" in config.sink.types:
            t_env.execute_sql(print_sink_ddl(table.name))
            statements.add_insert_sql(f"INSERT INTO {table.name}_out {outputs.as_json_document(table, table.name)}")
        if "timestream" in config.sink.types:
            sink_table = f"{table.name}_timestream"
            sink = timestream_sink(config.sink, table)
            t_env.execute_sql(sink.create_table_sql(sink_table, table.timestream_columns()))
            statements.add_insert_sql(f"INSERT INTO {sink_table} {table.timestream_rows(table.name)}")
    t_env.execute_sql(print_sink_ddl(outputs.DEAD_LETTER))
    statements.add_insert_sql(
        f"INSERT INTO {outputs.DEAD_LETTER}_out {outputs.dead_letter_document(queries.PARSED_VIEW)}"
    )
    return statements.execute()
