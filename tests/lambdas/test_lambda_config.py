"""Configuration is read once at cold start; a bad environment fails with every problem named with its fix."""

import logging

import pytest

from lambdas.common.config import (
    CONNECT_VARS,
    TIMESTREAM_VARS,
    ConfigError,
    load_instance_data_settings,
    load_timestream_settings,
    markdown_table,
)

GOOD = {"TIMESTREAM_DATABASE": "connect_monitor", "TIMESTREAM_REGION": "eu-west-1"}
INSTANCE = "aaaa1111-2222-3333-4444-555566667777"


def test_timestream_settings_with_defaults() -> None:
    settings = load_timestream_settings("f", GOOD)
    assert (settings.database, settings.region, settings.endpoint_url, settings.max_attempts) == (
        "connect_monitor",
        "eu-west-1",
        None,
        5,
    )


def test_every_missing_variable_is_named_with_an_example_fix() -> None:
    with pytest.raises(ConfigError) as error:
        load_timestream_settings("persist_agent_event", {})
    message = str(error.value)
    assert message.startswith("persist_agent_event: 2 configuration problem(s)")
    assert "TIMESTREAM_DATABASE is not set" in message and "TIMESTREAM_DATABASE=connect_monitor" in message
    assert "TIMESTREAM_REGION is not set" in message and "TIMESTREAM_REGION=eu-west-1" in message


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("TIMESTREAM_REGION", "Ireland", "is not an AWS region name"),
        ("TIMESTREAM_DATABASE", "x", "3-256 characters"),
        ("TIMESTREAM_ENDPOINT_URL", "localhost:5000", "http(s) URL"),
        ("TIMESTREAM_MAX_ATTEMPTS", "many", "whole number from 1 to 10"),
    ],
)
def test_bad_values_are_named_with_the_reason(name: str, value: str, complaint: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_timestream_settings("f", {**GOOD, name: value})
    assert f"{name}='{value}' " in str(error.value) and complaint in str(error.value)


def test_an_unknown_timestream_region_only_warns(caplog: pytest.LogCaptureFixture) -> None:
    shared = logging.getLogger("lambdas")
    propagate, shared.propagate = shared.propagate, True  # the functions' Logger setup turns propagation off
    try:
        with caplog.at_level(logging.WARNING, logger="lambdas.common.config"):
            settings = load_timestream_settings("f", {**GOOD, "TIMESTREAM_REGION": "eu-west-2"})
    finally:
        shared.propagate = propagate
    assert settings.region == "eu-west-2"
    assert "not a known Timestream for LiveAnalytics region" in caplog.text


def test_instance_data_settings_accept_an_instance_arn_and_default_to_the_functions_region() -> None:
    env = {**GOOD, "CONNECT_INSTANCE_ID": f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE}"}
    settings = load_instance_data_settings("f", {**env, "AWS_REGION": "eu-west-2"})
    connect = settings.connect
    assert (connect.instance_id, connect.region, connect.retry_mode, connect.max_attempts) == (
        INSTANCE,
        "eu-west-2",
        "adaptive",
        5,
    )
    assert (connect.channels, connect.inventory_interval_minutes) == (("VOICE", "CHAT", "TASK"), 15)


def test_instance_data_problems_are_reported_together() -> None:
    env = {
        "TIMESTREAM_REGION": "eu-west-1",
        "CONNECT_INSTANCE_ID": "arn:aws:connect:eu-west-2:1:instance/i1/queue/q1",
        "CONNECT_RETRY_MODE": "legacy",
        "CONNECT_CHANNELS": "VOICE,FAX",
    }
    with pytest.raises(ConfigError) as error:
        load_instance_data_settings("persist_instance_data", env)
    message = str(error.value)
    for expected in (
        "TIMESTREAM_DATABASE is not set",
        "CONNECT_INSTANCE_ID=",
        "CONNECT_RETRY_MODE='legacy' must be one of adaptive, standard",
        "CONNECT_CHANNELS='VOICE,FAX'",
        "CONNECT_REGION is not set and neither is AWS_REGION",
    ):
        assert expected in message
    assert message.startswith("persist_instance_data: 5 configuration problem(s)")


def test_docs_table_lists_every_variable() -> None:
    table = markdown_table(TIMESTREAM_VARS + CONNECT_VARS)
    assert "| `TIMESTREAM_DATABASE` | *(required)* |" in table
    assert "| `CONNECT_RETRY_MODE` | `adaptive` |" in table
    assert "| `TIMESTREAM_ENDPOINT_URL` | *(unset)* |" in table
