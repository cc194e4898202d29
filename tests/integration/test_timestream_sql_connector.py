"""The Timestream sink from PyFlink, end to end: shim -> connectors jar -> moto's Timestream over HTTP.

moto stores records without their request's CommonAttributes, so the checks read moto's request
recording (what the sink sent) and compare it with moto's state (what it stored).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flink_app.timestream_sink import TimestreamSink
from local_stack.moto_server import MotoServer
from tests.moto_timestream import CREDENTIALS, DATABASE, REGION, MotoTimestream

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
MOTO_SERVER = REPO_ROOT / ".venv" / "bin" / "moto_server"
T0 = datetime(2026, 11, 24, 9, tzinfo=UTC)


def millis(at: datetime) -> str:
    return str(int(at.timestamp() * 1000))


def merged_records(requests: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Records with their request's CommonAttributes applied, as Timestream stores them, by (queue, time)."""
    merged = {}
    for request in requests:
        common = request.get("CommonAttributes", {})
        for record in request["Records"]:
            full = {**common, **record}
            dimensions = common.get("Dimensions", []) + record.get("Dimensions", [])
            full["Dimensions"] = {d["Name"]: d["Value"] for d in dimensions}
            full["MeasureValues"] = {m["Name"]: (m["Type"], m["Value"]) for m in record["MeasureValues"]}
            merged[(full["Dimensions"]["queue_id"], full["Time"])] = full
    return merged


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoTimestream]:
    if not MOTO_SERVER.exists():
        pytest.fail(f"{MOTO_SERVER} is missing: run `make venv`")
    if not JAR.exists():
        pytest.fail(f"{JAR} is missing: build it with `make build` (or `mvn -B -q package -DskipTests`)")
    with MotoServer(tmp_path_factory.mktemp("moto")) as server:
        yield MotoTimestream(server.url, server.recording)


def sink_to(moto: MotoTimestream, table: str, tmp_path: Path) -> TimestreamSink:
    return TimestreamSink(
        database=DATABASE,
        table=table,
        region=REGION,
        endpoint=moto.url,
        access_key_id=CREDENTIALS["aws_access_key_id"],
        secret_access_key=CREDENTIALS["aws_secret_access_key"],
        measure_name="agent_state",
        dimension_columns=("instance_id", "queue_id", "queue_name"),
        time_column="time",
        version_column="version",
        dead_letter_path=str(tmp_path / "dead-letters-{subtask}.jsonl"),
    )


def test_sql_insert_lands_as_multi_measure_records(moto: MotoTimestream, tmp_path: Path) -> None:
    from pyflink.table import EnvironmentSettings, TableEnvironment

    table = "agent_state_sql"
    moto.create_table(table)
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    config = t_env.get_config()
    config.set("pipeline.jars", JAR.as_uri())
    config.set("parallelism.default", "1")
    config.set("table.local-time-zone", "UTC")
    columns = [
        ("instance_id", "STRING"),
        ("queue_id", "STRING"),
        ("queue_name", "STRING"),
        ("time", "TIMESTAMP(3)"),
        ("version", "BIGINT"),
        ("agents_online", "INT"),
        ("avg_wait", "DOUBLE"),
        ("open", "BOOLEAN"),
        ("status", "STRING"),
    ]
    sink = sink_to(moto, table, tmp_path)
    t_env.execute_sql(sink.create_table_sql("timestream_out", columns))

    t_env.execute_sql(
        "INSERT INTO timestream_out VALUES "
        "('i-1', 'q-1', 'Sales', TIMESTAMP '2026-11-24 09:00:00', CAST(3 AS BIGINT), 4, 12.5E0, TRUE, 'busy'), "
        "('i-1', 'q-2', 'Support', TIMESTAMP '2026-11-24 09:00:00', CAST(3 AS BIGINT), 0, "
        "CAST(NULL AS DOUBLE), FALSE, 'idle'), "
        "('i-1', 'q-1', 'Sales', TIMESTAMP '2026-11-24 09:01:00', CAST(4 AS BIGINT), 6, 8.25E0, TRUE, 'busy')"
    ).wait(120_000)

    requests = moto.write_requests(table)
    assert [len(r["Records"]) for r in requests] == [3]
    assert requests[0]["CommonAttributes"] == {
        "Dimensions": [{"Name": "instance_id", "Value": "i-1"}],
        "MeasureName": "agent_state",
        "MeasureValueType": "MULTI",
        "TimeUnit": "MILLISECONDS",
    }
    assert moto.stored(table) == requests[0]["Records"], "moto stored exactly what the sink sent"

    records = merged_records(requests)
    t1 = T0.replace(minute=1)
    assert set(records) == {("q-1", millis(T0)), ("q-2", millis(T0)), ("q-1", millis(t1))}
    first = records[("q-1", millis(T0))]
    assert first["Dimensions"] == {"instance_id": "i-1", "queue_id": "q-1", "queue_name": "Sales"}
    assert first["Version"] == 3
    assert first["MeasureValues"] == {
        "agents_online": ("BIGINT", "4"),
        "avg_wait": ("DOUBLE", "12.5"),
        "open": ("BOOLEAN", "true"),
        "status": ("VARCHAR", "busy"),
    }
    idle = records[("q-2", millis(T0))]
    assert idle["Dimensions"]["queue_name"] == "Support"
    assert "avg_wait" not in idle["MeasureValues"], "a NULL measure is left out"
    assert idle["MeasureValues"]["open"] == ("BOOLEAN", "false")
    later = records[("q-1", millis(t1))]
    assert later["Version"] == 4
    assert later["MeasureValues"]["avg_wait"] == ("DOUBLE", "8.25")
    assert not list(tmp_path.glob("dead-letters-*.jsonl")), "nothing was dead-lettered"


def test_datastream_rows_land_through_the_java_sink_builder(moto: MotoTimestream, tmp_path: Path) -> None:
    from pyflink.common import Row, Types
    from pyflink.datastream import StreamExecutionEnvironment

    table = "agent_state_datastream"
    moto.create_table(table)
    env = StreamExecutionEnvironment.get_execution_environment()
    env.add_jars(JAR.as_uri())
    env.set_parallelism(1)
    names = ["instance_id", "queue_id", "queue_name", "time", "version", "agents_online", "avg_wait"]
    string, long = Types.STRING(), Types.LONG()
    row_type = Types.ROW_NAMED(names, [string, string, string, Types.SQL_TIMESTAMP(), long, long, Types.DOUBLE()])
    naive = T0.replace(tzinfo=None)  # a TIMESTAMP without zone, read as UTC by the sink
    rows = [
        Row("i-1", "q-1", "Sales", naive, 7, 5, 1.5),
        Row("i-1", "q-2", None, naive, 7, 2, None),
    ]
    stream = env.from_collection(rows, type_info=row_type)
    stream.sink_to(sink_to(moto, table, tmp_path).datastream_sink(row_type))
    env.execute("timestream-datastream-test")

    requests = moto.write_requests(table)
    records = merged_records(requests)
    assert sum(len(r["Records"]) for r in requests) == len(moto.stored(table)) == 2
    sales = records[("q-1", millis(T0))]
    assert sales["Dimensions"] == {"instance_id": "i-1", "queue_id": "q-1", "queue_name": "Sales"}
    assert sales["Version"] == 7
    assert sales["MeasureValues"] == {"agents_online": ("BIGINT", "5"), "avg_wait": ("DOUBLE", "1.5")}
    unnamed = records[("q-2", millis(T0))]
    assert unnamed["Dimensions"] == {"instance_id": "i-1", "queue_id": "q-2"}, "a NULL dimension is left out"
    assert unnamed["MeasureValues"] == {"agents_online": ("BIGINT", "2")}


def test_a_descriptor_table_plans_like_the_ddl(moto: MotoTimestream, tmp_path: Path) -> None:
    from pyflink.table import DataTypes, EnvironmentSettings, Schema, TableEnvironment

    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    t_env.get_config().set("pipeline.jars", JAR.as_uri())
    schema = (
        Schema.new_builder()
        .column("instance_id", DataTypes.STRING())
        .column("queue_id", DataTypes.STRING())
        .column("queue_name", DataTypes.STRING())
        .column("time", DataTypes.TIMESTAMP(3))
        .column("version", DataTypes.BIGINT())
        .column("agents_online", DataTypes.BIGINT())
        .build()
    )
    sink = sink_to(moto, "agent_state_descriptor", tmp_path)
    descriptor = sink.descriptor(schema)
    options = dict(descriptor.get_options())
    assert options.pop("connector", "timestream") == "timestream"
    assert options == sink.options()
    t_env.create_temporary_table("timestream_out", descriptor)

    plan = t_env.explain_sql(
        "INSERT INTO timestream_out VALUES ('i-1', 'q-1', 'Sales', TIMESTAMP '2026-11-24 09:00:00', 1, 2)"
    )  # the planner creates the sink here: options and columns are validated by the Java factory
    assert "Sink(table=[default_catalog.default_database.timestream_out]" in plan
