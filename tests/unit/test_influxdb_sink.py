"""The Python face of the InfluxDB sink: typed settings in, connector options and DDL out."""

import re
from datetime import timedelta

import pytest

from flink_app.config import config_from_groups
from flink_app.influxdb_sink import InfluxDbSink
from flink_app.job import influxdb_sink
from flink_app.outputs import AGENT_STATE_BY_QUEUE
from tests.conftest import REPO_ROOT

JAVA_SOURCES = REPO_ROOT / "connectors" / "src" / "main" / "java" / "io" / "github" / "connectmonitor"


def minimal(**overrides: object) -> InfluxDbSink:
    settings: dict[str, object] = {
        "url": "http://127.0.0.1:8086",
        "database": "connect_monitor",
        "measurement": "agent_state_by_queue",
        "tag_columns": ("instance_id", "queue_id", "queue_name"),
    }
    settings.update(overrides)
    return InfluxDbSink(**settings)  # type: ignore[arg-type]


def declared_option_keys() -> set[str]:
    """Every key the connectors jar declares, in any package: `ConfigOptions.key("...")`, or a `..._KEY` constant
    for the options whose default each store sets itself."""
    pattern = r'ConfigOptions\.key\("([a-z.\-]+)"\)|String [A-Z_]+_KEY = "([a-z.\-]+)"'
    return {
        next(k for k in match if k)
        for path in JAVA_SOURCES.rglob("*.java")
        for match in re.findall(pattern, path.read_text())
    }


def test_minimal_settings_render_the_required_options() -> None:
    assert minimal().options() == {
        "url": "http://127.0.0.1:8086",
        "database": "connect_monitor",
        "measurement": "agent_state_by_queue",
        "tag.columns": "instance_id,queue_id,queue_name",
        "time.column": "time",
    }


def test_every_key_is_declared_by_the_java_connector() -> None:
    options = minimal(
        version_column="version",
        token="secret-token",
        dead_letter_path="/tmp/points-{subtask}.jsonl",
        retry_max_attempts=3,
        flush_buffer_timeout=timedelta(milliseconds=100),
        batch_max_size=5000,
    ).options()
    assert options["sink.flush-buffer.timeout"] == "100 ms" and options["version.column"] == "version"
    assert set(options) <= declared_option_keys()
    from_secret = minimal(token_secret_arn="arn:aws:secretsmanager:eu-west-2:1:secret:influx").options()
    assert from_secret["token.secret-arn"].endswith(":secret:influx") and "token" not in from_secret
    assert set(from_secret) <= declared_option_keys()


def test_the_ddl_names_the_influxdb_connector_and_keeps_the_token_out_of_repr() -> None:
    sink = minimal(token="secret-token")
    sql = sink.create_table_sql("agent_state_influxdb", [("time", "TIMESTAMP(3)"), ("queue_id", "STRING")])
    assert "'connector' = 'influxdb'" in sql and "'token' = 'secret-token'" in sql
    assert "secret-token" not in repr(sink)


def test_the_job_writes_one_measurement_per_table_with_the_dimensions_as_tags() -> None:
    config = config_from_groups({"sink": {"types": "influxdb", "influxdb.url": "http://127.0.0.1:8086"}})
    sink = influxdb_sink(config.sink, AGENT_STATE_BY_QUEUE)
    assert (sink.measurement, sink.tag_columns) == ("agent_state_by_queue", AGENT_STATE_BY_QUEUE.dimensions)
    assert sink.version_column == "version" and sink.token is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"database": " "}, "database is empty"),
        ({"url": "127.0.0.1:8086"}, "url must look like http://host:port"),
        ({"tag_columns": "instance_id,queue_id"}, "tuple of column names"),
        ({"tag_columns": ()}, "needs column names"),
        ({"token": "t", "token_secret_arn": "arn:aws:secretsmanager:r:1:secret:x"}, "token or token_secret_arn"),
    ],
)
def test_mistakes_are_refused_before_the_job_starts(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        minimal(**overrides)
