"""Every resource type, argument and block exists in the schema of the exact provider versions the
root pins (read from the cdktn provider bindings, see tf_provider_schema), blocks are written as
blocks, read-only attributes are never set and required arguments are never missing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .tf_config import META_ARGUMENTS, TERRAFORM, Module, body_items, is_block, required_providers, unquote
from .tf_provider_schema import SCHEMA_PACKAGES, Attribute, ProviderSchema, provider_of

# Blocks of the Terraform language inside a `dynamic` block.
DYNAMIC_ARGUMENTS = {"for_each", "iterator", "labels", "content"}


def test_root_pins_the_versions_whose_schema_the_tests_use(root: Module, schemas: dict[str, ProviderSchema]) -> None:
    pins = required_providers(root)
    for name, schema in schemas.items():
        assert schema.provider == f"registry.terraform.io/{pins[name]['source']}", schema.provider
        assert pins[name]["version"] == schema.version, (
            f"infra/terraform/versions.tf pins {name} {pins[name]['version']} but the installed "
            f"{SCHEMA_PACKAGES[name]} describes {schema.version}: change the pin or the package version together"
        )


def _check_body(where: str, body: dict[str, Any], schema: dict[str, Attribute], errors: list[str], top: bool) -> None:
    items = body_items(body)
    given: set[str] = set()
    for key, value in items.items():
        if key == "dynamic":
            for entry in value:
                for label, dyn in entry.items():
                    name = unquote(label)
                    given.add(name)
                    attr = schema.get(name)
                    if attr is None:
                        errors.append(f"{where}: dynamic block {name!r} is not in the schema")
                        continue
                    if not attr.is_block:
                        errors.append(f"{where}: {name!r} is an attribute, not a block: dynamic cannot make it")
                        continue
                    for extra in set(body_items(dyn)) - DYNAMIC_ARGUMENTS:
                        errors.append(f"{where}: dynamic {name!r} has unknown argument {extra!r}")
                    for content in dyn.get("content", []):
                        _check_body(f"{where}.{name}", content, attr.nested or {}, errors, top=False)
            continue
        if top and key in META_ARGUMENTS:
            continue
        given.add(key)
        attr = schema.get(key)
        if attr is None:
            errors.append(f"{where}: argument {key!r} is not in the schema (known: {', '.join(sorted(schema))})")
            continue
        if attr.computed_only:
            errors.append(f"{where}: {key!r} is read-only (computed) and cannot be set")
        if attr.is_block and not is_block(value):
            errors.append(f"{where}: {key!r} is a block: write `{key} {{ ... }}`, not `{key} = ...`")
        elif not attr.is_block and is_block(value):
            errors.append(f"{where}: {key!r} is an attribute: write `{key} = ...`, not a block")
        if attr.is_block and is_block(value) and attr.nested is not None:
            for entry in value:
                _check_body(f"{where}.{key}", entry, attr.nested, errors, top=False)
    for name, attr in schema.items():
        if attr.required and name not in given:
            errors.append(f"{where}: required {'block' if attr.is_block else 'argument'} {name!r} is missing")


def test_resource_types_and_arguments_exist_in_the_pinned_provider(
    modules: dict[Path, Module], schemas: dict[str, ProviderSchema]
) -> None:
    errors: list[str] = []
    checked = 0
    for module in modules.values():
        for block in module.resources:
            schema = schemas[provider_of(block.type)]
            types = schema.resources if block.kind == "resource" else schema.data_sources
            if block.type not in types:
                errors.append(
                    f"{block.address}: {block.kind} type {block.type} is not in {schema.provider} {schema.version}"
                )
                continue
            _check_body(block.address, block.body, types[block.type], errors, top=True)
            checked += 1
    assert checked > 50, f"only {checked} blocks checked: is the configuration loaded?"
    assert not errors, "\n".join(errors)


def test_the_schema_check_catches_mistakes(schemas: dict[str, ProviderSchema]) -> None:
    """The checker itself: a misspelt argument, a block written as an attribute, a missing
    required argument and a read-only attribute are all reported."""
    stream = schemas["aws"].resources["aws_kinesis_stream"]
    errors: list[str] = []
    body = {
        "name": '"s"',
        "shard_cont": 1,
        "stream_mode_details": {"stream_mode": '"ON_DEMAND"'},
        "__is_block__": True,
    }
    _check_body("test", body, stream, errors, top=True)
    assert any("'shard_cont' is not in the schema" in e for e in errors), errors
    assert any("'stream_mode_details' is a block" in e for e in errors), errors

    errors = []
    _check_body("test", {"shard_count": 1, "__is_block__": True}, stream, errors, top=True)
    assert any("required argument 'name' is missing" in e for e in errors), errors

    queue = schemas["aws"].resources.get("aws_sqs_queue") or {}
    if "arn" in queue and queue["arn"].computed_only:
        errors = []
        _check_body("test", {"arn": '"x"', "__is_block__": True}, queue, errors, top=True)
        assert any("read-only" in e for e in errors), errors
    assert TERRAFORM.is_dir()


REFERENCE = re.compile(r"(?<![\w.])(data\.)?((?:aws)_[a-z0-9_]+)\.([a-z0-9_]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)")


def test_every_attribute_reference_exists(modules: dict[Path, Module], schemas: dict[str, ProviderSchema]) -> None:
    """`aws_x.name.attr` and `data.aws_x.name.attr` name a block of the module and an attribute
    its type has (e.g. data.aws_region.current.region, not the deprecated .name)."""
    errors: list[str] = []
    checked = 0
    for module in modules.values():
        blocks = {(b.kind, b.type, b.name) for b in module.resources}
        for tf in module.files:
            for number, line in enumerate(tf.read_text().splitlines(), start=1):
                if line.lstrip().startswith("#"):
                    continue
                for data, type_, name, attr in REFERENCE.findall(line):
                    kind = "data" if data else "resource"
                    where = f"{tf.relative_to(TERRAFORM)}:{number}"
                    if (kind, type_, name) not in blocks:
                        errors.append(f"{where}: {data}{type_}.{name} is not declared in this module")
                        continue
                    readable = schemas[provider_of(type_)].readable.get((kind, type_), set())
                    checked += 1
                    if attr not in readable:
                        errors.append(f"{where}: {data}{type_}.{name} has no attribute {attr!r}")
    assert checked > 50, checked
    assert not errors, "\n".join(errors)


# The InfluxDB store's resource types, each with the arguments and blocks the configuration sets: all in the
# pinned provider's schema (the test above checks every block; this one says which must be among them).
INFLUXDB_STORE_TYPES = {
    ("resource", "aws_timestreaminfluxdb_db_instance"): {
        "vpc_subnet_ids",
        "vpc_security_group_ids",
        "publicly_accessible",
        "db_parameter_group_identifier",
        "log_delivery_configuration",
    },
    ("data", "aws_secretsmanager_random_password"): {"password_length", "exclude_punctuation"},
    ("resource", "aws_secretsmanager_secret"): {"kms_key_id", "recovery_window_in_days"},
    ("resource", "aws_security_group"): {"vpc_id", "description"},
    ("resource", "aws_vpc_security_group_ingress_rule"): {"referenced_security_group_id", "from_port", "to_port"},
    ("resource", "aws_vpc_security_group_egress_rule"): {"referenced_security_group_id", "cidr_ipv4"},
    ("resource", "aws_vpc_endpoint"): {"vpc_endpoint_type", "private_dns_enabled", "subnet_ids"},
}


def test_the_influxdb_store_uses_the_pinned_schema(
    modules: dict[Path, Module], schemas: dict[str, ProviderSchema]
) -> None:
    aws = schemas["aws"]
    used: dict[tuple[str, str], set[str]] = {}
    for module in modules.values():
        for block in module.resources:
            names = set(body_items(block.body)) | {
                unquote(label) for entry in block.body.get("dynamic", []) for label in entry
            }
            used.setdefault((block.kind, block.type), set()).update(names)
    for (kind, type_), arguments in INFLUXDB_STORE_TYPES.items():
        schema = (aws.resources if kind == "resource" else aws.data_sources).get(type_)
        assert schema is not None, f"{kind} {type_} not in {aws.provider} {aws.version}"
        assert arguments <= set(schema), f"{type_}: {sorted(arguments - set(schema))} not in the schema"
        assert arguments <= used.get((kind, type_), set()), f"{type_}: the configuration no longer sets {arguments}"
    for type_ in ("aws_kinesisanalyticsv2_application", "aws_grafana_workspace"):
        attrs = aws.resources[type_]
        vpc = attrs.get("vpc_configuration") or attrs["application_configuration"].nested["vpc_configuration"]
        assert vpc.is_block and {"subnet_ids", "security_group_ids"} <= set(vpc.nested or {}), type_


def test_no_parameter_group_resource_in_the_pinned_provider(schemas: dict[str, ProviderSchema]) -> None:
    """modules/influxdb takes an existing parameter group by id because the pinned provider cannot create one.
    When a provider bump brings aws_timestreaminfluxdb_db_parameter_group, create it there instead."""
    assert "aws_timestreaminfluxdb_db_parameter_group" not in schemas["aws"].all_types, (
        "the pinned provider now has aws_timestreaminfluxdb_db_parameter_group: create the parameter group in "
        "modules/influxdb and drop influxdb_parameter_group_identifier"
    )
