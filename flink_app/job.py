"""Builds the job graph: raw stream -> parse -> agent-state snapshots (+ dead letters) -> sinks."""

from pyflink.table import StreamTableEnvironment, Table

from flink_app import outputs, queries
from flink_app.config import JobConfig
from flink_app.parsing import parse_connect_record

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


def add_sinks(t_env: StreamTableEnvironment, config: JobConfig):
    statements = t_env.create_statement_set()
    for table in outputs.TABLES.values():
        t_env.execute_sql(print_sink_ddl(table.name))
        statements.add_insert_sql(f"INSERT INTO {table.name}_out {outputs.as_json_document(table, table.name)}")
    t_env.execute_sql(print_sink_ddl(outputs.DEAD_LETTER))
    statements.add_insert_sql(
        f"INSERT INTO {outputs.DEAD_LETTER}_out {outputs.dead_letter_document(queries.PARSED_VIEW)}"
    )
    return statements.execute()
