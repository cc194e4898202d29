"""Runtime properties: Managed Flink's JSON format, typed, and loud about mistakes."""

import json

import pytest

from flink_app.config import PROPERTY_GROUPS, ConfigError, config_from_groups, load_config, properties_document


def test_defaults_need_no_file() -> None:
    config = config_from_groups({})
    assert config.source.stream_name == "connect-ctr-stream"
    assert config.metrics.agent_state_interval_seconds == 10
    assert config.metrics.agent_state_stale_after_seconds == 330
    assert config.metrics.watermark_out_of_orderness_seconds == 5


def test_file_in_managed_flink_format_overrides_defaults(tmp_path) -> None:
    path = tmp_path / "application_properties.json"
    groups = {
        "source": {"aws.endpoint": "http://127.0.0.1:4567", "initial.position": "TRIM_HORIZON"},
        "metrics": {"agent_state.interval.seconds": "30", "agent_state.stale_after.seconds": "300"},
        "kinesis.analytics.flink.run.options": {"python": "flink_app/main.py"},
    }
    path.write_text(json.dumps(properties_document(groups)))
    config = load_config(path)
    assert config.source.endpoint == "http://127.0.0.1:4567"
    assert config.source.initial_position == "TRIM_HORIZON"
    assert config.metrics.agent_state_interval_seconds == 30


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            {"metrics": {"agent_state.intervall.seconds": "10"}},
            "unknown property metrics/agent_state.intervall.seconds",
        ),
        ({"metric": {}}, "unknown property group 'metric'"),
        ({"metrics": {"agent_state.interval.seconds": "ten"}}, "metrics/agent_state.interval.seconds='ten' is invalid"),
        ({"metrics": {"agent_state.interval.seconds": "0"}}, "must be a positive whole number"),
        ({"source": {"initial.position": "EARLIEST"}}, "must be one of LATEST, TRIM_HORIZON"),
        ({"metrics": {"agent_state.interval.seconds": "7"}}, "must be a multiple of agent_state.interval.seconds"),
        ({"sink": {"types": "timestream,influx"}}, "must list one or more of print, timestream, influxdb"),
        ({"sink": {"types": "influxdb"}}, "sink/types lists influxdb but sink/influxdb.url is not set"),
        ({"sink": {"types": "influxdb", "influxdb.url": "127.0.0.1:8086"}}, "sink/influxdb.url='127.0.0.1:8086'"),
        (
            {"sink": {"influxdb.url": "http://h:8086", "influxdb.token.secret_arn": "arn:aws:s3:::bucket"}},
            "must look like arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
        ),
    ],
)
def test_mistakes_fail_fast_naming_the_property(groups, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        config_from_groups(groups)


def test_unknown_key_message_lists_the_known_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_groups({"source": {"stream": "x"}})
    assert "stream.name" in str(caught.value)


def test_missing_or_broken_file_is_named(tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(broken)
    broken.write_text('{"source": {}}')
    with pytest.raises(ConfigError, match="JSON list"):
        load_config(broken)


def test_every_property_has_a_description_and_a_parsable_default() -> None:
    for group, specs in PROPERTY_GROUPS.items():
        for key, spec in specs.items():
            assert spec.description, f"{group}/{key}"
            if spec.default is not None:
                spec.parse(spec.default)


def test_the_docs_table_lists_every_property_as_declared() -> None:
    from flink_app.config import properties_markdown
    from tests.conftest import REPO_ROOT

    docs = (REPO_ROOT / "docs" / "CONFIGURATION.md").read_text()
    assert properties_markdown() in docs, "regenerate: python -m flink_app.config, paste into docs/CONFIGURATION.md"


def test_contact_properties_and_their_defaults() -> None:
    metrics = config_from_groups({}).metrics
    assert (metrics.contact_window_seconds, metrics.service_level_thresholds_seconds) == (60, (20, 60))
    assert metrics.operator_settings()["contact.dedup_ttl.ms"] == "7200000"
    tuned = config_from_groups({"metrics": {"service_level.thresholds.seconds": "60, 15,60"}}).metrics
    assert tuned.service_level_thresholds_seconds == (15, 60)


def test_a_dedup_ttl_shorter_than_window_plus_lateness_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"contact\.dedup_ttl\.seconds=600 is too short"):
        config_from_groups({"metrics": {"contact.dedup_ttl.seconds": "600"}})


def test_a_stream_arn_gives_name_and_region() -> None:
    arn = "arn:aws:kinesis:eu-west-2:123456789012:stream/connect-ctr-stream"
    source = config_from_groups({"source": {"stream.arn": arn}}).source
    assert (source.stream_name, source.region) == ("connect-ctr-stream", "eu-west-2")
    with pytest.raises(ConfigError, match=r"source/stream\.arn"):
        config_from_groups({"source": {"stream.arn": "connect-ctr-stream"}})


def test_an_efo_consumer_registered_by_terraform_is_used_not_registered() -> None:
    from flink_app.sources import consumer_properties

    arn = "arn:aws:kinesis:eu-west-2:123456789012:stream/connect-ctr-stream/consumer/connect-monitor:1"
    source = config_from_groups({"source": {"consumer.type": "EFO", "efo.consumer.arn": arn}}).source
    properties = consumer_properties(source)
    assert properties["flink.stream.recordpublisher"] == "EFO"
    assert properties["flink.stream.efo.registration"] == "NONE"
    assert properties["flink.stream.efo.consumerarn.connect-ctr-stream"] == arn
    polling = consumer_properties(config_from_groups({}).source)
    assert "flink.stream.recordpublisher" not in polling


def test_the_shard_idle_time_reaches_the_connector_in_milliseconds() -> None:
    from flink_app.sources import consumer_properties

    assert consumer_properties(config_from_groups({}).source)["flink.shard.idle.interval"] == "130000"
    quick = config_from_groups({"source": {"shard.idle.seconds": "5"}}).source
    assert consumer_properties(quick)["flink.shard.idle.interval"] == "5000"
    with pytest.raises(ConfigError, match=r"source/shard\.idle\.seconds"):
        config_from_groups({"source": {"shard.idle.seconds": "0"}})


def test_the_shard_discovery_interval_reaches_the_connector() -> None:
    from flink_app.sources import consumer_properties

    default = consumer_properties(config_from_groups({}).source)
    assert default["flink.shard.discovery.intervalmillis"] == "1000"
    quick = config_from_groups({"source": {"shard.discovery.interval.millis": "200"}}).source
    assert consumer_properties(quick)["flink.shard.discovery.intervalmillis"] == "200"
    with pytest.raises(ConfigError, match=r"source/shard\.discovery\.interval\.millis"):
        config_from_groups({"source": {"shard.discovery.interval.millis": "-1"}})


def test_the_influxdb_store_is_configured_by_its_properties() -> None:
    arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:connect-monitor-influxdb-AbCdEf"
    config = config_from_groups(
        {
            "sink": {
                "types": "influxdb, print",
                "influxdb.url": "https://db.example:8086/",
                "influxdb.token.secret_arn": arn,
            }
        }
    )
    assert config.sink.types == ("influxdb", "print")
    assert config.sink.influxdb_url == "https://db.example:8086"
    assert (config.sink.influxdb_database, config.sink.influxdb_token_secret_arn) == ("connect_monitor", arn)
