"""The Python face of the Timestream sink: typed settings in, connector options and DDL out."""

import re
from datetime import timedelta

import pytest

from flink_app.timestream_sink import TimestreamSink
from tests.conftest import REPO_ROOT


def minimal(**overrides: object) -> TimestreamSink:
    settings: dict[str, object] = {
        "database": "connect_monitor",
        "table": "agent_state_by_queue",
        "region": "eu-west-1",
        "measure_name": "agent_state",
        "dimension_columns": ("instance_id", "queue_id", "queue_name"),
    }
    settings.update(overrides)
    return TimestreamSink(**settings)  # type: ignore[arg-type]


def every_option() -> TimestreamSink:
    return minimal(
        time_column="snapshot_time",
        version_column="version",
        endpoint="http://127.0.0.1:5000",
        access_key_id="testing",
        secret_access_key="testing",
        dead_letter_path="/tmp/dead-{subtask}.jsonl",
        retry_max_attempts=5,
        retry_initial_backoff=timedelta(milliseconds=50),
        retry_max_backoff=timedelta(seconds=2),
        request_timeout=timedelta(seconds=10),
        flush_on_checkpoint=False,
        batch_max_size=50,
        max_inflight_requests=2,
        max_buffered_records=1000,
        flush_buffer_bytes=1 << 20,
        flush_buffer_timeout=timedelta(milliseconds=500),
        parallelism=2,
    )


def test_minimal_settings_render_the_required_options() -> None:
    assert minimal().options() == {
        "database": "connect_monitor",
        "table": "agent_state_by_queue",
        "region": "eu-west-1",
        "measure.name": "agent_state",
        "dimension.columns": "instance_id,queue_id,queue_name",
        "time.column": "time",
    }


def test_every_setting_renders_in_the_connectors_syntax() -> None:
    options = every_option().options()
    assert options["sink.retry.initial-backoff"] == "50 ms"
    assert options["sink.retry.max-backoff"] == "2000 ms"
    assert options["sink.flush-on-checkpoint"] == "false"
    assert options["sink.flush-buffer.size"] == "1048576b"
    assert options["sink.requests.max-buffered"] == "1000"
    assert options["endpoint"] == "http://127.0.0.1:5000"


def test_every_key_is_a_documented_connector_option() -> None:
    readme = (REPO_ROOT / "connectors" / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z.\-]+)` \|", readme, flags=re.MULTILINE))
    assert documented, "no options table found in connectors/README.md"
    assert set(every_option().options()) <= documented
    assert documented - set(every_option().options()) == {"connector"}


def test_create_table_sql_quotes_names_and_values() -> None:
    sql = minimal(dead_letter_path="/tmp/it's.jsonl").create_table_sql(
        "agent state", [("instance_id", "STRING"), ("time", "TIMESTAMP(3)"), ("agents_online", "BIGINT")]
    )
    assert sql.startswith("CREATE TEMPORARY TABLE `agent state` (\n  `instance_id` STRING,\n  `time` TIMESTAMP(3),")
    assert "'connector' = 'timestream'" in sql
    assert "'sink.dead-letter.path' = '/tmp/it''s.jsonl'" in sql


def test_the_secret_stays_out_of_repr() -> None:
    assert "testing" not in repr(minimal(access_key_id="AKIA", secret_access_key="testing"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"database": " "}, "database is empty"),
        ({"dimension_columns": "instance_id,queue_id"}, "tuple of column names"),
        ({"dimension_columns": ()}, "needs column names"),
        ({"access_key_id": "AKIA"}, "set both access_key_id and secret_access_key"),
        ({"batch_max_size": 101}, "batch_max_size must be 1 to 100"),
        ({"endpoint": "127.0.0.1:5000"}, "endpoint must look like http://host:port"),
    ],
)
def test_mistakes_are_refused_before_the_job_starts(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        minimal(**overrides)
