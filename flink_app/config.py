"""Every runtime property of the job, declared once, parsed once into a typed `JobConfig`.

Properties come in Managed Flink's format: a JSON list of `{"PropertyGroupId": ..., "PropertyMap": {...}}`,
read from `/etc/flink/application_properties.json` on Managed Flink and from a local file here.
Unknown groups or keys and bad values fail at start-up with a message naming the key and the fix.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MANAGED_FLINK_PROPERTIES = Path("/etc/flink/application_properties.json")


class ConfigError(ValueError):
    """Misconfiguration; the message names the property and how to fix it."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return text

    return parse


def _int_list(text: str) -> tuple[int, ...]:
    values = tuple(_positive_int(part.strip()) for part in text.split(",") if part.strip())
    if not values:
        raise ValueError("must list at least one number, e.g. 20,60")
    return values


def _text(text: str) -> str:
    return text


def _time_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name such as UTC or Europe/London") from None
    return text


SINK_TYPES = ("print", "timestream", "influxdb")


def _sink_types(text: str) -> tuple[str, ...]:
    types = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [t for t in types if t not in SINK_TYPES]
    if not types or unknown:
        raise ValueError(f"must list one or more of {', '.join(SINK_TYPES)} (comma-separated)")
    return types


def _http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be a URL such as http://127.0.0.1:8086 or https://HOST:8086")
    return text.rstrip("/")


def _secret_arn(text: str) -> str:
    parts = text.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "secretsmanager" or parts[5] != "secret":
        raise ValueError("must look like arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME")
    return text


def _stream_arn(text: str) -> str:
    parts = text.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "kinesis" or not parts[5].startswith("stream/"):
        raise ValueError("must look like arn:aws:kinesis:REGION:ACCOUNT:stream/NAME")
    return text


# Regions that offer Timestream for LiveAnalytics (not eu-west-2, where Connect runs in this design).
TIMESTREAM_REGIONS = (
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-west-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
)


@dataclass(frozen=True, slots=True)
class PropertySpec:
    default: str | None
    parse: Callable[[str], Any]
    description: str


# group id -> key -> spec. The single source of truth: the docs table, the Terraform variables and
# the tests are all checked against it.
PROPERTY_GROUPS: dict[str, dict[str, PropertySpec]] = {
    "source": {
        "stream.name": PropertySpec("connect-ctr-stream", _text, "Kinesis stream shared by agent events and CTRs."),
        "stream.arn": PropertySpec(
            None, _stream_arn, "The stream by ARN instead: sets stream.name and aws.region from the ARN."
        ),
        "aws.region": PropertySpec("eu-west-2", _text, "Region of the stream (where Connect runs)."),
        "aws.endpoint": PropertySpec(None, _text, "Endpoint override, e.g. the local kinesis-local URL."),
        "initial.position": PropertySpec(
            "LATEST", _one_of("LATEST", "TRIM_HORIZON"), "Where a job without state starts reading."
        ),
        "consumer.type": PropertySpec(
            "POLLING", _one_of("POLLING", "EFO"), "POLLING shares the shard read budget; EFO uses a dedicated pipe."
        ),
        "efo.consumer.name": PropertySpec(
            "connect-monitor", _text, "Enhanced fan-out consumer name (with consumer.type=EFO)."
        ),
        "shard.idle.seconds": PropertySpec(
            "130",
            _positive_int,
            "A shard without an agent event for this long (wall clock) stops holding the watermark back until its "
            "next one (no agent on it, a new shard after a reshard); agents send a heartbeat every 120 s. Also the "
            "longest a shard not read yet holds the others' watermark at start or after a reshard.",
        ),
        "shard.discovery.interval.millis": PropertySpec(
            "1000",
            _positive_int,
            "How often the consumer looks for new shards (one ListShards call per subtask; the stream allows "
            "1,000/s). After a reshard the children are read only from the next look, while the other shards move "
            "the watermark on: keep it below watermark.out_of_orderness.seconds, or agent events written to the "
            "children meanwhile can be too late.",
        ),
        "efo.consumer.arn": PropertySpec(
            None,
            _text,
            "ARN of an EFO consumer registered outside the job (Terraform): the job uses it and never "
            "registers or deregisters one. Unset: the job registers efo.consumer.name itself.",
        ),
    },
    "metrics": {
        "agent_state.interval.seconds": PropertySpec(
            "10", _positive_int, "Agent-state snapshot every this many seconds (event time)."
        ),
        "agent_state.stale_after.seconds": PropertySpec(
            "330", _positive_int, "An agent silent this long is no longer counted (heartbeats come every 120 s)."
        ),
        "watermark.out_of_orderness.seconds": PropertySpec(
            "5", _non_negative_int, "How late an agent event may arrive and still count."
        ),
        "contact.window.seconds": PropertySpec(
            "60", _positive_int, "Contact metrics per tumbling window of this many seconds on DisconnectTimestamp."
        ),
        "service_level.thresholds.seconds": PropertySpec(
            "20,60", _int_list, "Service-level thresholds, comma-separated: one measure service_level_<X>s each."
        ),
        "contact.allowed_lateness.seconds": PropertySpec(
            "3600",
            _non_negative_int,
            "A contact window takes CTRs until the agent-event watermark passes its end plus this; later: too_late.",
        ),
        "contact.dedup_ttl.seconds": PropertySpec(
            "7200",
            _positive_int,
            "How long the best copy of a CTR is kept for deduplication; at least window + allowed lateness.",
        ),
        "contact.emit_interval.seconds": PropertySpec(
            "60", _positive_int, "A contact window's figures are written at most once per this many seconds."
        ),
        "contact.rolling.seconds": PropertySpec(
            "900",
            _positive_int,
            "queue_contact_metrics_rolling: the contacts of the last this many seconds at every window end; "
            "a multiple of contact.window.seconds (Connect's default interval is 15 minutes).",
        ),
        "contact.daily.timezone": PropertySpec(
            "UTC",
            _time_zone,
            "queue_contact_metrics_daily: the IANA time zone whose midnight starts the day, e.g. Europe/London.",
        ),
        "queue.max_wait.seconds": PropertySpec(
            "7200",
            _positive_int,
            "queue_contacts_waiting: a contact stops counting as waiting this long after it was queued (its "
            "leaving event may be lost: EventBridge delivery is best effort).",
        ),
    },
    "sink": {
        "types": PropertySpec(
            "timestream",
            _sink_types,
            "Where results go, comma-separated: timestream, influxdb, print (the job's stdout, one JSON per row).",
        ),
        "timestream.database": PropertySpec("connect_monitor", _text, "Timestream database (created by Terraform)."),
        "timestream.region": PropertySpec(
            "eu-west-1",
            _one_of(*TIMESTREAM_REGIONS),
            "Timestream region; LiveAnalytics is not offered in eu-west-2 (data leaves the UK).",
        ),
        "timestream.endpoint": PropertySpec(None, _text, "Endpoint override (local moto); disables discovery."),
        "timestream.dead_letter.path": PropertySpec(
            None, _text, "JSON Lines file for records Timestream rejects (always also logged at WARN)."
        ),
        "influxdb.url": PropertySpec(
            None,
            _http_url,
            "InfluxDB base URL (Timestream for InfluxDB: https://ENDPOINT:8086); the job posts to its /write "
            "(v1 API). Required when sink/types lists influxdb.",
        ),
        "influxdb.database": PropertySpec(
            "connect_monitor", _text, "InfluxDB database (on the InfluxDB 2 engine: the database mapped to a bucket)."
        ),
        "influxdb.token.secret_arn": PropertySpec(
            None,
            _secret_arn,
            "Secrets Manager secret holding the InfluxDB API token (the token, or JSON with a token key); "
            "none: no Authorization header (a local InfluxDB 1.x).",
        ),
        "influxdb.dead_letter.path": PropertySpec(
            None, _text, "JSON Lines file for points InfluxDB refuses (always also logged at WARN)."
        ),
    },
}


@dataclass(frozen=True, slots=True)
class SourceConfig:
    stream_name: str
    region: str
    endpoint: str | None
    initial_position: str
    consumer_type: str
    efo_consumer_name: str
    efo_consumer_arn: str | None = None
    shard_idle_seconds: int = 130
    shard_discovery_interval_millis: int = 1000


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    agent_state_interval_seconds: int
    agent_state_stale_after_seconds: int
    watermark_out_of_orderness_seconds: int
    contact_window_seconds: int = 60
    service_level_thresholds_seconds: tuple[int, ...] = (20, 60)
    contact_allowed_lateness_seconds: int = 3600
    contact_dedup_ttl_seconds: int = 7200
    contact_emit_interval_seconds: int = 60
    contact_rolling_seconds: int = 900
    contact_daily_timezone: str = "UTC"
    queue_max_wait_seconds: int = 7200

    def operator_settings(self) -> dict[str, str]:
        """The settings of the Java operators (`io.github.connectmonitor.metrics.MetricsJob.SETTINGS`)."""
        return {
            "agent_state.interval.ms": str(self.agent_state_interval_seconds * 1000),
            "agent_state.stale_after.ms": str(self.agent_state_stale_after_seconds * 1000),
            "contact.window.ms": str(self.contact_window_seconds * 1000),
            "contact.allowed_lateness.ms": str(self.contact_allowed_lateness_seconds * 1000),
            "contact.dedup_ttl.ms": str(self.contact_dedup_ttl_seconds * 1000),
            "contact.emit_interval.ms": str(self.contact_emit_interval_seconds * 1000),
            "contact.rolling.ms": str(self.contact_rolling_seconds * 1000),
            "contact.daily.timezone": self.contact_daily_timezone,
            "queue.max_wait.ms": str(self.queue_max_wait_seconds * 1000),
            "service_level.thresholds.seconds": ",".join(map(str, self.service_level_thresholds_seconds)),
        }


@dataclass(frozen=True, slots=True)
class SinkConfig:
    types: tuple[str, ...]
    timestream_database: str
    timestream_region: str
    timestream_endpoint: str | None
    timestream_dead_letter_path: str | None
    influxdb_url: str | None
    influxdb_database: str
    influxdb_token_secret_arn: str | None
    influxdb_dead_letter_path: str | None


@dataclass(frozen=True, slots=True)
class JobConfig:
    source: SourceConfig
    metrics: MetricsConfig
    sink: SinkConfig


def _value(groups: dict[str, dict[str, str]], group: str, key: str) -> Any:
    spec = PROPERTY_GROUPS[group][key]
    raw = groups.get(group, {}).get(key, spec.default)
    if raw is None:
        return None
    try:
        return spec.parse(str(raw).strip())
    except ValueError as exc:
        raise ConfigError(f"property {group}/{key}={raw!r} is invalid: {exc} ({spec.description})") from None


def config_from_groups(groups: dict[str, dict[str, str]]) -> JobConfig:
    for group, properties in groups.items():
        if group == "kinesis.analytics.flink.run.options":  # Managed Flink's own group
            continue
        if group not in PROPERTY_GROUPS:
            known = ", ".join(PROPERTY_GROUPS)
            raise ConfigError(f"unknown property group {group!r}: use one of {known}")
        for key in properties:
            if key not in PROPERTY_GROUPS[group]:
                known = ", ".join(PROPERTY_GROUPS[group])
                raise ConfigError(f"unknown property {group}/{key}: known keys of {group!r} are {known}")
    metrics = MetricsConfig(
        agent_state_interval_seconds=_value(groups, "metrics", "agent_state.interval.seconds"),
        agent_state_stale_after_seconds=_value(groups, "metrics", "agent_state.stale_after.seconds"),
        watermark_out_of_orderness_seconds=_value(groups, "metrics", "watermark.out_of_orderness.seconds"),
        contact_window_seconds=_value(groups, "metrics", "contact.window.seconds"),
        service_level_thresholds_seconds=tuple(
            sorted(set(_value(groups, "metrics", "service_level.thresholds.seconds")))
        ),
        contact_allowed_lateness_seconds=_value(groups, "metrics", "contact.allowed_lateness.seconds"),
        contact_dedup_ttl_seconds=_value(groups, "metrics", "contact.dedup_ttl.seconds"),
        contact_emit_interval_seconds=_value(groups, "metrics", "contact.emit_interval.seconds"),
        contact_rolling_seconds=_value(groups, "metrics", "contact.rolling.seconds"),
        contact_daily_timezone=_value(groups, "metrics", "contact.daily.timezone"),
        queue_max_wait_seconds=_value(groups, "metrics", "queue.max_wait.seconds"),
    )
    needed_ttl = metrics.contact_window_seconds + metrics.contact_allowed_lateness_seconds
    if metrics.contact_dedup_ttl_seconds < needed_ttl:
        raise ConfigError(
            f"property metrics/contact.dedup_ttl.seconds={metrics.contact_dedup_ttl_seconds} is too short: it must be "
            f"at least contact.window.seconds + contact.allowed_lateness.seconds ({needed_ttl}), or a re-delivered "
            "CTR would be counted twice"
        )
    if metrics.contact_rolling_seconds % metrics.contact_window_seconds:
        raise ConfigError(
            "property metrics/contact.rolling.seconds must be a multiple of contact.window.seconds "
            f"({metrics.contact_rolling_seconds} is not a multiple of {metrics.contact_window_seconds})"
        )
    if metrics.agent_state_stale_after_seconds % metrics.agent_state_interval_seconds:
        raise ConfigError(
            "property metrics/agent_state.stale_after.seconds must be a multiple of agent_state.interval.seconds "
            f"({metrics.agent_state_stale_after_seconds} is not a multiple of {metrics.agent_state_interval_seconds})"
        )
    if "influxdb" in _value(groups, "sink", "types") and _value(groups, "sink", "influxdb.url") is None:
        raise ConfigError(
            "property sink/types lists influxdb but sink/influxdb.url is not set: set it to the InfluxDB server's "
            "base URL (e.g. http://127.0.0.1:8086), or leave influxdb out of sink/types"
        )
    stream_arn = _value(groups, "source", "stream.arn")
    return JobConfig(
        source=SourceConfig(
            stream_name=stream_arn.split(":")[5].removeprefix("stream/")
            if stream_arn
            else _value(groups, "source", "stream.name"),
            region=stream_arn.split(":")[3] if stream_arn else _value(groups, "source", "aws.region"),
            endpoint=_value(groups, "source", "aws.endpoint"),
            initial_position=_value(groups, "source", "initial.position"),
            consumer_type=_value(groups, "source", "consumer.type"),
            efo_consumer_name=_value(groups, "source", "efo.consumer.name"),
            efo_consumer_arn=_value(groups, "source", "efo.consumer.arn"),
            shard_idle_seconds=_value(groups, "source", "shard.idle.seconds"),
            shard_discovery_interval_millis=_value(groups, "source", "shard.discovery.interval.millis"),
        ),
        metrics=metrics,
        sink=SinkConfig(
            types=_value(groups, "sink", "types"),
            timestream_database=_value(groups, "sink", "timestream.database"),
            timestream_region=_value(groups, "sink", "timestream.region"),
            timestream_endpoint=_value(groups, "sink", "timestream.endpoint"),
            timestream_dead_letter_path=_value(groups, "sink", "timestream.dead_letter.path"),
            influxdb_url=_value(groups, "sink", "influxdb.url"),
            influxdb_database=_value(groups, "sink", "influxdb.database"),
            influxdb_token_secret_arn=_value(groups, "sink", "influxdb.token.secret_arn"),
            influxdb_dead_letter_path=_value(groups, "sink", "influxdb.dead_letter.path"),
        ),
    )


def groups_from_json(document: Any, origin: str) -> dict[str, dict[str, str]]:
    if not isinstance(document, list):
        raise ConfigError(f"{origin}: expected a JSON list of {{PropertyGroupId, PropertyMap}} objects")
    groups: dict[str, dict[str, str]] = {}
    for entry in document:
        if not isinstance(entry, dict) or "PropertyGroupId" not in entry or "PropertyMap" not in entry:
            raise ConfigError(f"{origin}: every entry needs PropertyGroupId and PropertyMap, got {entry!r:.100}")
        groups.setdefault(entry["PropertyGroupId"], {}).update(entry["PropertyMap"])
    return groups


def load_config(path: Path | None = None) -> JobConfig:
    """Read properties from `path`, else Managed Flink's file, else use every default."""
    path = path or (MANAGED_FLINK_PROPERTIES if MANAGED_FLINK_PROPERTIES.exists() else None)
    if path is None:
        return config_from_groups({})
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"properties file {path} does not exist: pass an existing file to --properties") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"properties file {path} is not valid JSON: {exc}") from None
    return config_from_groups(groups_from_json(document, str(path)))


def properties_document(groups: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The inverse of `groups_from_json`: what to write to a local properties file."""
    return [{"PropertyGroupId": group, "PropertyMap": dict(props)} for group, props in groups.items()]


def properties_markdown() -> str:
    """The one table of every property, as docs/CONFIGURATION.md shows it (a test keeps them equal)."""
    rows = ["| group | key | default | meaning |", "|---|---|---|---|"]
    for group, specs in PROPERTY_GROUPS.items():
        for key, spec in specs.items():
            default = f"`{spec.default}`" if spec.default is not None else "(none)"
            rows.append(f"| `{group}` | `{key}` | {default} | {spec.description} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(properties_markdown(), end="")
