"""Builds the job graph: raw stream -> parse -> agent-state snapshots (+ dead letters) -> sinks."""

from pyflink.table import Schema, StreamTableEnvironment

from flink_app import outputs, queries
from flink_app.config import JobConfig
from flink_app.parsing import parse_connect_record


def register_views(t_env: StreamTableEnvironment, config: JobConfig, source_table: str) -> None:
    t_env.create_temporary_system_function("parse_connect_record", parse_connect_record)
    parsed = t_env.sql_query(queries.parsed_records(source_table))
    t_env.create_temporary_view(queries.PARSED_VIEW, parsed)

    # Agent events get their own event-time watermark here, after parsing; CTRs, which reach the
    # stream minutes later, will get theirs on their own branch so one never makes the other late.
    agent_rows = t_env.to_data_stream(t_env.sql_query(queries.agent_event_rows()))
    lateness = config.metrics.watermark_out_of_orderness_seconds
    agent_events = t_env.from_data_stream(
        agent_rows,
        Schema.new_builder()
        .column_by_expression("event_time", "TO_TIMESTAMP_LTZ(event_ms, 3)")
        .watermark("event_time", f"event_time - INTERVAL '{lateness}' SECOND")
        .build(),
    )
    t_env.create_temporary_view(queries.AGENT_EVENTS, agent_events)
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
