"""Lambda configuration: every environment variable declared once, parsed once at cold start into typed settings.

A missing or bad variable fails the function's init with one message that names every problem and how to fix
it, instead of failing later inside an invocation. The declarations also feed the docs table (`markdown_table`)
and the package manifest in `lambdas.build`.
"""

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from connect_model import last_segment

# Timestream for LiveAnalytics regions (not eu-west-2, where Connect usually runs). Closed to new customers
# since 2025-06-20, so the list is not expected to grow; an unknown region is accepted with a warning.
TIMESTREAM_REGIONS = frozenset(
    {
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-2",
        "eu-central-1",
        "eu-west-1",
        "us-east-1",
        "us-east-2",
        "us-west-2",
    }
)
CONNECT_CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")

logger = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Misconfiguration; the message names each variable and how to fix it."""


def _text(raw: str) -> str:
    return raw


def _database_name(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,256}", raw):
        raise ValueError("must be 3-256 characters of letters, digits, '_', '.' or '-'")
    return raw


def _region(raw: str) -> str:
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", raw):
        raise ValueError("is not an AWS region name")
    return raw


def _endpoint_url(raw: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", raw):
        raise ValueError("must be an http(s) URL")
    return raw


def _instance_id(raw: str) -> str:
    """An instance id, or the instance ARN (`arn:aws:connect:<region>:<account>:instance/<id>`)."""
    if raw.startswith("arn:"):
        if ":instance/" not in raw or raw.count("/") != 1:
            raise ValueError("an ARN must be the instance's, ending in :instance/<id>")
        raw = last_segment(raw)
    if not re.fullmatch(r"[A-Za-z0-9-]{1,100}", raw):
        raise ValueError("is not a Connect instance id")
    return raw


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}")
        return value

    return parse


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return raw

    return parse


def _channels(raw: str) -> tuple[str, ...]:
    channels = tuple(dict.fromkeys(part.strip().upper() for part in raw.split(",") if part.strip()))
    unknown = [c for c in channels if c not in CONNECT_CHANNELS]
    if unknown or not channels:
        raise ValueError(f"must be a comma-separated list of {', '.join(CONNECT_CHANNELS)}")
    return channels


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    description: str
    example: str
    default: str | None = None  # None: required
    parse: Callable[[str], Any] = _text


TIMESTREAM_DATABASE = EnvVar(
    "TIMESTREAM_DATABASE",
    "Timestream for LiveAnalytics database that holds the tables.",
    "connect_monitor",
    parse=_database_name,
)
TIMESTREAM_REGION = EnvVar(
    "TIMESTREAM_REGION",
    "Region of the Timestream database; LiveAnalytics is not offered in eu-west-2, so it is usually not the "
    "function's own region.",
    "eu-west-1",
    parse=_region,
)
TIMESTREAM_ENDPOINT_URL = EnvVar(
    "TIMESTREAM_ENDPOINT_URL",
    "Local endpoints only (moto). Leave unset on AWS: the SDK then uses Timestream endpoint discovery.",
    "http://127.0.0.1:5000",
    default="",
    parse=_endpoint_url,
)
TIMESTREAM_MAX_ATTEMPTS = EnvVar(
    "TIMESTREAM_MAX_ATTEMPTS",
    "Attempts per WriteRecords call (standard retry mode).",
    "5",
    default="5",
    parse=_int_between(1, 10),
)
CONNECT_INSTANCE_ID = EnvVar(
    "CONNECT_INSTANCE_ID",
    "Connect instance to read: its id or its instance ARN.",
    "aaaa1111-2222-3333-4444-555566667777",
    parse=_instance_id,
)
CONNECT_REGION = EnvVar(
    "CONNECT_REGION",
    "Region of the Connect instance; empty means the function's own region (AWS_REGION).",
    "eu-west-2",
    default="",
    parse=_region,
)
CONNECT_RETRY_MODE = EnvVar(
    "CONNECT_RETRY_MODE",
    "botocore retry mode for Connect API throttling: adaptive also rate-limits the client after throttles.",
    "adaptive",
    default="adaptive",
    parse=_one_of("adaptive", "standard"),
)
CONNECT_MAX_ATTEMPTS = EnvVar(
    "CONNECT_MAX_ATTEMPTS",
    "Attempts per Connect API call, the first included.",
    "5",
    default="5",
    parse=_int_between(1, 10),
)
CONNECT_CHANNELS_VAR = EnvVar(
    "CONNECT_CHANNELS",
    "Channels whose current metrics are read.",
    "VOICE,CHAT,TASK",
    default="VOICE,CHAT,TASK",
    parse=_channels,
)
INVENTORY_INTERVAL_MINUTES = EnvVar(
    "INVENTORY_INTERVAL_MINUTES",
    "Queues, routing profiles (with ListRoutingProfileQueues, one call per profile) and users are written when "
    "the minute of the day is a multiple of this; agents' current state is written every minute.",
    "15",
    default="15",
    parse=_int_between(1, 1440),
)

TIMESTREAM_VARS: tuple[EnvVar, ...] = (
    TIMESTREAM_DATABASE,
    TIMESTREAM_REGION,
    TIMESTREAM_ENDPOINT_URL,
    TIMESTREAM_MAX_ATTEMPTS,
)
CONNECT_VARS: tuple[EnvVar, ...] = (
    CONNECT_INSTANCE_ID,
    CONNECT_REGION,
    CONNECT_RETRY_MODE,
    CONNECT_MAX_ATTEMPTS,
    CONNECT_CHANNELS_VAR,
    INVENTORY_INTERVAL_MINUTES,
)


@dataclass(frozen=True, slots=True)
class TimestreamSettings:
    database: str
    region: str
    endpoint_url: str | None
    max_attempts: int

    @property
    def region_is_known(self) -> bool:
        return self.region in TIMESTREAM_REGIONS


@dataclass(frozen=True, slots=True)
class ConnectSettings:
    instance_id: str
    region: str
    retry_mode: str
    max_attempts: int
    channels: tuple[str, ...]
    inventory_interval_minutes: int


@dataclass(frozen=True, slots=True)
class InstanceDataSettings:
    timestream: TimestreamSettings
    connect: ConnectSettings


class _Reader:
    """Reads variables and collects every problem, so one error lists them all."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems: list[str] = []

    def get(self, var: EnvVar) -> Any:
        raw = self.environ.get(var.name, "").strip()
        if not raw:
            if var.default is None:
                self.problems.append(f"{var.name} is not set. {var.description} Set it, e.g. {var.name}={var.example}")
                return None
            if not var.default:
                return None
            raw = var.default
        try:
            return var.parse(raw)
        except ValueError as exc:
            self.problems.append(f"{var.name}={raw!r} {exc}. Set it like {var.name}={var.example}")
            return None

    def check(self, function: str) -> None:
        if self.problems:
            listing = "\n  - ".join(self.problems)
            raise ConfigError(f"{function}: {len(self.problems)} configuration problem(s):\n  - {listing}")


def _timestream(reader: _Reader) -> TimestreamSettings:
    settings = TimestreamSettings(
        database=reader.get(TIMESTREAM_DATABASE),
        region=reader.get(TIMESTREAM_REGION),
        endpoint_url=reader.get(TIMESTREAM_ENDPOINT_URL),
        max_attempts=reader.get(TIMESTREAM_MAX_ATTEMPTS),
    )
    if settings.region and not settings.region_is_known and not settings.endpoint_url:
        logger.warning(
            "%s=%s is not a known Timestream for LiveAnalytics region (%s): writes will fail if it is not offered "
            "there",
            TIMESTREAM_REGION.name,
            settings.region,
            ", ".join(sorted(TIMESTREAM_REGIONS)),
        )
    return settings


def load_timestream_settings(function: str, environ: Mapping[str, str] | None = None) -> TimestreamSettings:
    """Settings of a function that only writes Timestream; raises `ConfigError` naming every bad variable."""
    reader = _Reader(os.environ if environ is None else environ)
    settings = _timestream(reader)
    reader.check(function)
    return settings


def load_instance_data_settings(function: str, environ: Mapping[str, str] | None = None) -> InstanceDataSettings:
    environ = os.environ if environ is None else environ
    reader = _Reader(environ)
    timestream = _timestream(reader)
    region = reader.get(CONNECT_REGION) or environ.get("AWS_REGION", "").strip()
    if not region:
        reader.problems.append(
            f"{CONNECT_REGION.name} is not set and neither is AWS_REGION. Set it, e.g. "
            f"{CONNECT_REGION.name}={CONNECT_REGION.example}"
        )
    connect = ConnectSettings(
        instance_id=reader.get(CONNECT_INSTANCE_ID),
        region=region,
        retry_mode=reader.get(CONNECT_RETRY_MODE),
        max_attempts=reader.get(CONNECT_MAX_ATTEMPTS),
        channels=reader.get(CONNECT_CHANNELS_VAR),
        inventory_interval_minutes=reader.get(INVENTORY_INTERVAL_MINUTES),
    )
    reader.check(function)
    return InstanceDataSettings(timestream=timestream, connect=connect)


def markdown_table(variables: Iterable[EnvVar]) -> str:
    """The docs table of variables, generated from the declarations above."""
    rows = ["| Variable | Default | Description |", "| --- | --- | --- |"]
    for var in variables:
        default = "*(required)*" if var.default is None else (f"`{var.default}`" if var.default else "*(unset)*")
        rows.append(f"| `{var.name}` | {default} | {var.description} |")
    return "\n".join(rows)
