"""The raw stream of record strings with event time, from Kinesis live or from a file for replay.

Event time and watermarks are assigned in the source, per Kinesis shard, by the project's Java
`AgentEventTimeAssigner`: a shard read ahead of another never makes the other's records late.
"""

from pyflink.common import AssignerWithPeriodicWatermarksWrapper, Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import DataStream, StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import FileSource, StreamFormat
from pyflink.datastream.connectors.kinesis import FlinkKinesisConsumer
from pyflink.datastream.functions import SourceFunction
from pyflink.java_gateway import get_gateway

from flink_app.config import SourceConfig

ASSIGNER_CLASS = "io.github.connectmonitor.eventtime.AgentEventTimeAssigner"


def _assigner_class():
    return get_gateway().jvm.io.github.connectmonitor.eventtime.AgentEventTimeAssigner


def consumer_properties(source: SourceConfig) -> dict[str, str]:
    """Options of the Flink Kinesis consumer (credentials: the default AWS provider chain)."""
    properties = {
        "aws.region": source.region,
        "flink.stream.initpos": source.initial_position,
        # A shard that emits nothing at all (the connector's rule; the assigner covers shards with CTRs only).
        "flink.shard.idle.interval": str(source.shard_idle_seconds * 1000),
        "flink.shard.discovery.intervalmillis": str(source.shard_discovery_interval_millis),
    }
    if source.endpoint:
        properties["aws.endpoint"] = source.endpoint
    if source.consumer_type == "EFO":
        properties["flink.stream.recordpublisher"] = "EFO"
        properties["flink.stream.efo.consumername"] = source.efo_consumer_name
        if source.efo_consumer_arn:
            # The consumer belongs to Terraform: use it as is, and do not deregister it on stop.
            properties["flink.stream.efo.registration"] = "NONE"
            properties[f"flink.stream.efo.consumerarn.{source.stream_name}"] = source.efo_consumer_arn
    return properties


def kinesis_stream(env: StreamExecutionEnvironment, source: SourceConfig, out_of_orderness_ms: int) -> DataStream:
    consumer = FlinkKinesisConsumer(source.stream_name, SimpleStringSchema(), consumer_properties(source))
    assigner = _assigner_class()(out_of_orderness_ms, source.shard_idle_seconds * 1000)
    consumer.set_periodic_watermark_assigner(AssignerWithPeriodicWatermarksWrapper(assigner))
    return env.add_source(consumer, "kinesis: " + source.stream_name)


def file_stream(env: StreamExecutionEnvironment, path: str, out_of_orderness_ms: int) -> DataStream:
    """Raw stream records, one per line, as Connect puts them on the stream (bounded)."""
    source = FileSource.for_record_stream_format(StreamFormat.text_line_format(), path).build()
    strategy = WatermarkStrategy(_assigner_class().watermarkStrategy(out_of_orderness_ms))
    return env.from_source(source, strategy, "file: " + path)


def paced_file_stream(env: StreamExecutionEnvironment, path: str, out_of_orderness_ms: int) -> DataStream:
    """Raw stream records of a file of `<epoch millis>\\t<record>` lines, each emitted when its time comes (Java
    `PacedLineSource`): a source that cannot be the bottleneck, with the same event time as a single shard."""
    source = get_gateway().jvm.io.github.connectmonitor.replay.PacedLineSource(path)
    stream = env.add_source(SourceFunction(source), "paced file: " + path, Types.STRING())
    strategy = WatermarkStrategy(_assigner_class().watermarkStrategy(out_of_orderness_ms))
    return stream.assign_timestamps_and_watermarks(strategy)
