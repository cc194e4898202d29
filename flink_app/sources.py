"""DDL of the raw stream source: the Kinesis connector live, a file for replay and tests."""

from flink_app.config import SourceConfig

SOURCE_TABLE = "connect_stream"


def _with_clause(options: dict[str, str]) -> str:
    rendered = ",\n  ".join(f"'{key}' = '{value}'" for key, value in options.items())
    return f"WITH (\n  {rendered}\n)"


def kinesis_source_ddl(source: SourceConfig) -> str:
    """The Flink Kinesis connector, reading every record as one raw string (parsed in the job)."""
    options = {
        "connector": "kinesis",
        "stream": source.stream_name,
        "aws.region": source.region,
        "scan.stream.initpos": source.initial_position,
        "format": "raw",
    }
    if source.endpoint:
        options["aws.endpoint"] = source.endpoint
    if source.consumer_type == "EFO":
        options["scan.stream.recordpublisher"] = "EFO"
        options["scan.stream.efo.consumername"] = source.efo_consumer_name
    return f"CREATE TABLE {SOURCE_TABLE} (\n  data STRING\n) {_with_clause(options)}"


def file_source_ddl(path: str) -> str:
    """Raw stream records, one per line, as Connect puts them on the stream (bounded)."""
    options = {"connector": "filesystem", "path": path, "format": "raw"}
    return f"CREATE TABLE {SOURCE_TABLE} (\n  data STRING\n) {_with_clause(options)}"
