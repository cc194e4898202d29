"""What the Terraform in infra/terraform says about the data the dashboards read, parsed offline (python-hcl2).

- The Glue CTR table: its columns and types, partition keys, SerDe parameters and storage template.
- The Firehose delivery stream that writes the CTR files: prefix, compression, buffering interval.
- The Timestream tables and the root variables' defaults (regions, database names).

Everything is read from the .tf files, so a renamed Glue column or a changed Firehose prefix changes what the
local engine loads, and a dashboard query that no longer matches fails its test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "infra" / "terraform"
HISTORY_MODULE = TERRAFORM / "modules" / "history" / "main.tf"


def _unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _clean(value: Any) -> Any:
    """python-hcl2 8's output without its markers and string quotes."""
    if isinstance(value, dict):
        return {_unquote(k): _clean(v) for k, v in value.items() if not (k.startswith("__") and k.endswith("__"))}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return _unquote(value)


@cache
def _parsed(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return _clean(hcl2.load(handle))


def _resource(path: Path, kind: str, name: str) -> dict[str, Any]:
    for entry in _parsed(path).get("resource", []):
        if kind in entry and name in entry[kind]:
            return entry[kind][name]
    raise LookupError(f"{path.relative_to(REPO)} has no resource {kind}.{name}: the dashboards' tests read it")


def _locals(path: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in _parsed(path).get("locals", []):
        merged.update(block)
    return merged


def _expand_locals(text: str, local_values: dict[str, Any]) -> str:
    """`${local.x}` replaced by the local's value, recursively (other interpolations are left as they are)."""
    for _ in range(10):
        expanded = re.sub(r"\$\{local\.(\w+)\}", lambda m: str(local_values[m.group(1)]), text)
        if expanded == text:
            return expanded
        text = expanded
    return text


@dataclass(frozen=True)
class GlueColumn:
    name: str
    hive_type: str


@dataclass(frozen=True)
class GlueTable:
    name: str
    columns: tuple[GlueColumn, ...]
    partition_keys: tuple[GlueColumn, ...]
    location_template: str  # relative to the bucket, e.g. records/kind=ctr/dt=${dt}/
    compression: str | None
    serde_parameters: dict[str, str]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns + self.partition_keys)


@dataclass(frozen=True)
class FirehoseDelivery:
    prefix_template: str  # records/kind=!{partitionKeyFromQuery:kind}/dt=!{timestamp:yyyy-MM-dd}/
    error_prefix_template: str
    compression: str
    name_template: str  # ${var.name_prefix}-history


def _bucket_relative(location: str) -> str:
    """s3://${module.data_bucket.bucket_id}/records/... -> records/..."""
    return re.sub(r"^s3://[^/]+/", "", location)


@cache
def glue_ctr_table() -> GlueTable:
    body = _resource(HISTORY_MODULE, "aws_glue_catalog_table", "ctr")
    local_values = _locals(HISTORY_MODULE)
    storage = body["storage_descriptor"][0]
    parameters = body["parameters"]
    template = _expand_locals(parameters["storage.location.template"], local_values).replace("$${", "${")
    return GlueTable(
        name=body["name"],
        columns=tuple(GlueColumn(c["name"], c["type"]) for c in storage["columns"]),
        partition_keys=tuple(GlueColumn(c["name"], c["type"]) for c in body.get("partition_keys", [])),
        location_template=_bucket_relative(template),
        compression=parameters.get("compressionType"),
        serde_parameters=dict(storage["ser_de_info"][0].get("parameters", {})),
    )


@cache
def firehose_delivery() -> FirehoseDelivery:
    body = _resource(HISTORY_MODULE, "aws_kinesis_firehose_delivery_stream", "history")
    local_values = _locals(HISTORY_MODULE)
    s3 = body["extended_s3_configuration"][0]
    return FirehoseDelivery(
        prefix_template=_expand_locals(s3["prefix"], local_values),
        error_prefix_template=_expand_locals(s3["error_output_prefix"], local_values),
        compression=s3["compression_format"],
        name_template=body["name"],
    )


@cache
def root_variable_defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for block in _parsed(TERRAFORM / "variables.tf").get("variable", []):
        for name, body in block.items():
            if "default" in body:
                defaults[name] = body["default"]
    return defaults


def timestream_tables() -> dict[str, str]:
    """Timestream table name -> writer ("flink" or a Lambda function), from the root variable's default."""
    return {name: spec["writer"] for name, spec in root_variable_defaults()["timestream_tables"].items()}


@cache
def grafana_datasource_outputs() -> dict[str, dict[str, Any]]:
    """The data sources of the grafana module's `datasources` output, by key: uid and type, as written in the .tf
    file. The output merges one object per store and the shared ones (`merge(...)`), so each entry is read from
    its own `key = { uid = ..., name = ..., type = ... }` block of the file."""
    text = (TERRAFORM / "modules" / "grafana" / "outputs.tf").read_text()
    start = text.find('output "datasources"')
    if start < 0:
        raise LookupError("infra/terraform/modules/grafana/outputs.tf has no output datasources")
    block = r'(\w+) = \{\s*uid\s*= "([^"]+)"\s*name\s*= "[^"]*"\s*type\s*= "([^"]+)"'
    return {key: {"uid": uid, "type": kind} for key, uid, kind in re.findall(block, text[start:])}
