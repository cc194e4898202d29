"""What the infrastructure must agree on with the code: which events reach which function, which
Timestream tables exist and who may write them, what the Glue table describes, and which runtime
properties the job receives."""

from __future__ import annotations

import importlib
import json
import re
import string
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from connect_model import contact_event as connect_contact_event
from traffic_generator.simulation import SimulationConfig, simulate

from .tf_config import REPO, TERRAFORM, Module, unquote

LAMBDAS = TERRAFORM / "modules/lambdas"
HISTORY = TERRAFORM / "modules/history"
FLINK = TERRAFORM / "modules/flink"
FUNCTIONS = ("persist_contact_event", "persist_agent_event", "persist_instance_data")

# TODO(lambdas): only used while lambdas/build.py (the function manifest) is absent: the tables
# the issue assigns to each function.
PENDING_LAMBDA_TABLES = {
    "persist_contact_event": {"contact_events"},
    "persist_agent_event": {"agent_events"},
    "persist_instance_data": {"instance_metrics", "instance_inventory"},
}


def hcl_literal(value: Any) -> Any:
    """A python-hcl2 value without HCL quoting (nested lists and maps too)."""
    if isinstance(value, dict):
        return {unquote(k): hcl_literal(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [hcl_literal(v) for v in value]
    return unquote(value)


def default_of(module: Module, variable: str) -> Any:
    return hcl_literal(module.variables[variable]["default"])


def resource(module: Module, type_: str, name: str) -> dict[str, Any]:
    for block in module.resources:
        if block.type == type_ and block.name == name:
            return block.body
    raise AssertionError(f"{module.path.relative_to(TERRAFORM)} has no {type_}.{name}")


# ---------------------------------------------------------------------------------------------
# Sample traffic: the project's own generator, field for field what Connect sends
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def traffic():
    topology, emissions = simulate(
        SimulationConfig(
            start=datetime(2026, 1, 5, 9, tzinfo=UTC), duration_seconds=300, agents=6, junk_probability=0.0
        )
    )
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for emission in emissions:
        by_kind.setdefault(emission.kind, []).append(json.loads(emission.data))
    assert by_kind.get("contact_event") and by_kind.get("agent_event") and by_kind.get("ctr")
    return topology, by_kind


def contact_event_pattern(instance_arn: str) -> EventPattern:
    template = (LAMBDAS / "contact_event_pattern.json.tftpl").read_text()
    # Terraform's templatefile() and string.Template agree on plain ${name} placeholders.
    rendered = string.Template(template).substitute(connect_instance_arn=instance_arn)
    return EventPattern.load(rendered)


def test_contact_event_rule_renders_the_pattern_file(modules: dict[Path, Module]) -> None:
    rule = resource(modules[LAMBDAS], "aws_cloudwatch_event_rule", "contact_events")
    assert "contact_event_pattern.json.tftpl" in rule["event_pattern"]
    assert "connect_instance_arn = var.connect_instance_arn" in rule["event_pattern"]


def test_contact_event_pattern_names_the_connect_source_and_detail_type() -> None:
    pattern = contact_event_pattern("arn:aws:connect:eu-west-2:111122223333:instance/x").get_pattern()
    assert pattern["source"] == [connect_contact_event.SOURCE]
    assert pattern["detail-type"] == [connect_contact_event.DETAIL_TYPE]


def test_contact_events_of_the_instance_match(traffic) -> None:
    topology, by_kind = traffic
    pattern = contact_event_pattern(topology.instance_arn)
    events = by_kind["contact_event"]
    assert all(pattern.matches_event(event) for event in events)
    assert {e["detail"]["eventType"] for e in events} >= {"INITIATED", "CONNECTED_TO_AGENT", "DISCONNECTED"}


def test_an_older_pascal_case_contact_event_matches(traffic) -> None:
    topology, _ = traffic
    event = {
        "version": "0",
        "id": "5a6a8e71-0000-4000-8000-000000000000",
        "detail-type": "Amazon Connect Contact Event",
        "source": "aws.connect",
        "account": "123456789012",
        "time": "2020-04-24T19:36:17Z",
        "region": "eu-west-2",
        "resources": [f"{topology.instance_arn}/contact/8fb8b58d-0000-4000-8000-000000000000"],
        "detail": {
            "EventType": "INITIATED",
            "ContactId": "8fb8b58d-0000-4000-8000-000000000000",
            "Channel": "VOICE",
            "InstanceArn": topology.instance_arn,
            "InitiationMethod": "INBOUND",
        },
    }
    assert contact_event_pattern(topology.instance_arn).matches_event(event)


def test_other_events_do_not_match(traffic) -> None:
    topology, by_kind = traffic
    pattern = contact_event_pattern(topology.instance_arn)
    sample = by_kind["contact_event"][0]
    other_instance = topology.instance_arn[:-12] + "000000000000"
    others = {
        "another source": {**sample, "source": "aws.ec2"},
        "another Connect detail-type": {**sample, "detail-type": "Amazon Connect Queue Capacity"},
        "a CloudTrail call on Connect": {**sample, "detail-type": "AWS API Call via CloudTrail"},
        "another instance": {**sample, "resources": [other_instance, f"{other_instance}/contact/x"]},
        "no resources": {k: v for k, v in sample.items() if k != "resources"},
    }
    for what, event in others.items():
        assert not pattern.matches_event(event), what
    # Records of the stream are no EventBridge events at all.
    for record in by_kind["agent_event"][:5] + by_kind["ctr"][:5]:
        assert not pattern.matches_event(record)


# ---------------------------------------------------------------------------------------------
# Kinesis event source mapping: agent events only
# ---------------------------------------------------------------------------------------------


def test_agent_event_mapping_reports_failures_bisects_and_dead_letters(modules: dict[Path, Module]) -> None:
    esm = hcl_literal(resource(modules[LAMBDAS], "aws_lambda_event_source_mapping", "agent_events"))
    assert esm["function_response_types"] == ["ReportBatchItemFailures"]
    assert esm["bisect_batch_on_function_error"] is True
    assert "aws_sqs_queue.dlq" in esm["destination_config"][0]["on_failure"][0]["destination_arn"]
    assert "persist_agent_event" in esm["function_name"]


def test_agent_event_filter_passes_agent_events_and_drops_ctrs(
    modules: dict[Path, Module], root: Module, traffic
) -> None:
    esm = resource(modules[LAMBDAS], "aws_lambda_event_source_mapping", "agent_events")
    expression = re.sub(r"\s+", "", esm["filter_criteria"][0]["filter"][0]["pattern"])
    assert expression == "${jsonencode({data={EventType=var.agent_event_types}})}", expression
    # The same pattern, with the root's default list, evaluated as Lambda does on {"data": <record JSON>}.
    pattern = EventPattern.load(json.dumps({"data": {"EventType": default_of(root, "agent_event_types")}}))
    _, by_kind = traffic
    assert all(pattern.matches_event({"data": record}) for record in by_kind["agent_event"])
    assert not any(pattern.matches_event({"data": record}) for record in by_kind["ctr"])


# ---------------------------------------------------------------------------------------------
# Timestream tables: one list in Terraform, equal to what the job and the functions write
# ---------------------------------------------------------------------------------------------


def terraform_tables(root: Module) -> dict[str, set[str]]:
    by_writer: dict[str, set[str]] = {}
    for table, spec in default_of(root, "timestream_tables").items():
        by_writer.setdefault(spec["writer"], set()).add(table)
    return by_writer


def job_tables() -> set[str]:
    for name in ("flink_app.output_tables", "flink_app.outputs"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "TABLES"):
            return set(module.TABLES)
    pytest.fail("the job declares no TABLES in flink_app.output_tables (or flink_app.outputs)")


def lambda_manifest():
    """lambdas/build.py FUNCTIONS: handler, tables and environment of each function, or None."""
    try:
        return importlib.import_module("lambdas.build").FUNCTIONS
    except ModuleNotFoundError:
        return None


def lambda_tables(function: str) -> set[str]:
    manifest = lambda_manifest()
    if manifest is None:
        return PENDING_LAMBDA_TABLES[function]
    return {str(table) for table in manifest[function].tables}


def test_terraform_tables_are_the_tables_the_job_writes(root: Module) -> None:
    assert terraform_tables(root).get("flink", set()) == job_tables(), (
        "infra/terraform/variables.tf timestream_tables (writer = flink) must list exactly the job's TABLES"
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_terraform_tables_are_the_tables_each_function_writes(root: Module, function: str) -> None:
    assert terraform_tables(root).get(function, set()) == lambda_tables(function), (
        f"infra/terraform/variables.tf timestream_tables (writer = {function}) must list exactly "
        f"the tables of {function} in lambdas/build.py FUNCTIONS"
    )


def test_terraform_functions_are_the_manifest_functions(root: Module) -> None:
    manifest = lambda_manifest()
    expected = set(manifest) if manifest is not None else set(FUNCTIONS)
    assert set(default_of(root, "lambda_functions")) == expected
    lambdas_main = (LAMBDAS / "main.tf").read_text()
    assert re.search(r'\n\s*handler\s*=\s*"lambdas\.\$\{each\.key\}\.handler"', lambdas_main)
    if manifest is not None:
        assert all(f.handler == f"lambdas.{name}.handler" for name, f in manifest.items())
        assert importlib.import_module("lambdas.build").RUNTIME == "python3.12"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_environment_is_what_the_function_declares(
    root: Module, modules: dict[Path, Module], function: str
) -> None:
    manifest = lambda_manifest()
    if manifest is None:
        pytest.skip("lambdas/build.py not there yet")
    declared = {var.name: var for var in manifest[function].environment}
    infra_names = set(hcl_literal(modules[LAMBDAS].locals["infrastructure_environment_names"]))
    infra_set = {n for n in infra_names if not n.startswith("POWERTOOLS_")}
    if function != "persist_instance_data":
        infra_set -= {"CONNECT_INSTANCE_ID", "CONNECT_REGION"}
    tunable = default_of(root, "lambda_functions")[function]["environment"]
    unknown = (set(tunable) | infra_set) - set(declared)
    assert not unknown, f"{function}: Terraform sets variables the function does not declare: {sorted(unknown)}"
    required = {name for name, var in declared.items() if var.default is None}
    assert required <= set(tunable) | infra_set, (
        f"{function}: required {sorted(required - set(tunable) - infra_set)} not set"
    )
    spelled_out = {name: var.default for name, var in declared.items() if var.default and name not in infra_names}
    assert tunable == spelled_out, f"{function}: lambda_functions environment must list the function's defaults"
    for name, value in tunable.items():
        declared[name].parse(value)


def test_each_writer_gets_only_its_own_tables(root: Module, modules: dict[Path, Module]) -> None:
    main = (TERRAFORM / "main.tf").read_text()
    assert 'local.tables_by_writer["flink"]' in main
    assert "lookup(local.tables_by_writer, name, [])" in main
    flink_policy = (FLINK / "main.tf").read_text()
    assert "resources = values(var.timestream_table_arns)" in flink_policy


# ---------------------------------------------------------------------------------------------
# Glue: the CTR table covers the CTR fields
# ---------------------------------------------------------------------------------------------

CTR_FIELDS = {
    "ContactId",
    "Channel",
    "InitiationMethod",
    "InitiationTimestamp",
    "DisconnectTimestamp",
    "LastUpdateTimestamp",
    "Queue",
    "Agent",
    "InstanceARN",
    "DisconnectReason",
    "AWSContactTraceRecordFormatVersion",
}
QUEUE_FIELDS = {"ARN", "Name", "Duration", "EnqueueTimestamp", "DequeueTimestamp"}
AGENT_FIELDS = {
    "ARN",
    "Username",
    "ConnectedToAgentTimestamp",
    "AgentInteractionDuration",
    "CustomerHoldDuration",
    "AfterContactWorkDuration",
    "NumberOfHolds",
    "LongestHoldDuration",
}


def struct_fields(hive_type: str) -> dict[str, str]:
    assert hive_type.startswith("struct<") and hive_type.endswith(">"), hive_type
    fields = {}
    for part in hive_type[len("struct<") : -1].split(","):
        name, _, type_ = part.partition(":")
        fields[name] = type_
    return fields


@pytest.fixture(scope="module")
def glue_columns(modules: dict[Path, Module]) -> dict[str, str]:
    table = hcl_literal(resource(modules[HISTORY], "aws_glue_catalog_table", "ctr"))
    return {c["name"]: c["type"] for c in table["storage_descriptor"][0]["columns"]}


def test_glue_columns_cover_the_ctr_fields(glue_columns: dict[str, str]) -> None:
    missing = {f for f in CTR_FIELDS if f.lower() not in glue_columns}
    assert not missing, f"Glue table ctr lacks {sorted(missing)}"


def test_glue_structs_cover_queue_and_agent(glue_columns: dict[str, str]) -> None:
    queue, agent = struct_fields(glue_columns["queue"]), struct_fields(glue_columns["agent"])
    assert {f.lower() for f in QUEUE_FIELDS} <= set(queue), queue
    assert {f.lower() for f in AGENT_FIELDS} <= set(agent), agent
    assert all(queue[f] == "int" for f in ("duration",))
    assert all(agent[f] == "int" for f in ("agentinteractionduration", "customerholdduration", "numberofholds"))


def test_glue_columns_read_generated_ctrs(glue_columns: dict[str, str], traffic) -> None:
    """Every column name is a key of real CTRs (Athena matches keys case-insensitively)."""
    _, by_kind = traffic
    keys = {k.lower() for record in by_kind["ctr"] for k in record}
    assert set(glue_columns) <= keys, sorted(set(glue_columns) - keys)


def test_glue_table_is_partitioned_by_date_with_projection(modules: dict[Path, Module]) -> None:
    table = hcl_literal(resource(modules[HISTORY], "aws_glue_catalog_table", "ctr"))
    assert [k["name"] for k in table["partition_keys"]] == ["dt"]
    assert table["parameters"]["projection.dt.type"] == "date"
    assert "dt=$${dt}" in table["parameters"]["storage.location.template"]
    firehose = hcl_literal(resource(modules[HISTORY], "aws_kinesis_firehose_delivery_stream", "history"))
    s3 = firehose["extended_s3_configuration"][0]
    assert "/dt=!{timestamp:yyyy-MM-dd}/" in s3["prefix"]
    assert "kind=!{partitionKeyFromQuery:kind}" in s3["prefix"]
    assert "kind=ctr/" in (HISTORY / "main.tf").read_text()
    assert s3["error_output_prefix"].startswith("errors/")


# ---------------------------------------------------------------------------------------------
# Flink: runtime, run options and every job property
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def property_groups():
    config = importlib.import_module("flink_app.config")
    return config.PROPERTY_GROUPS


def test_flink_module_knows_every_job_property(modules: dict[Path, Module], property_groups) -> None:
    declared = {g: set(keys) for g, keys in hcl_literal(modules[FLINK].locals["job_property_keys"]).items()}
    expected = {g: set(specs) for g, specs in property_groups.items()}
    assert declared == expected, (
        "modules/flink/main.tf local.job_property_keys must equal flink_app/config.py PROPERTY_GROUPS"
    )


def test_root_spells_out_every_tunable_default(modules: dict[Path, Module], root: Module, property_groups) -> None:
    infra = {g: set(keys) for g, keys in hcl_literal(modules[FLINK].locals["infrastructure_property_keys"]).items()}
    tunable = {
        (group, key): spec.default
        for group, specs in property_groups.items()
        for key, spec in specs.items()
        if key not in infra.get(group, set()) and spec.default is not None
    }
    given = {(g, k): v for g, props in default_of(root, "job_properties").items() for k, v in props.items()}
    assert given == tunable, (
        "infra/terraform/variables.tf job_properties must list every tunable property with the job's default"
    )


def test_infrastructure_properties_match_job_defaults(root: Module, property_groups) -> None:
    source = property_groups["source"]
    assert default_of(root, "stream_name") == source["stream.name"].default
    assert default_of(root, "efo_consumer_name") == source["efo.consumer.name"].default
    assert default_of(root, "region") == source["aws.region"].default


def test_job_properties_parse_with_the_terraform_values(root: Module, property_groups) -> None:
    """What Terraform would send (tunables + infrastructure values) is accepted by the job."""
    config = importlib.import_module("flink_app.config")
    groups = default_of(root, "job_properties")
    groups.setdefault("source", {}).update(
        {
            "stream.name": "connect-ctr-stream",
            "aws.region": "eu-west-2",
            "consumer.type": "EFO",
            "efo.consumer.name": default_of(root, "efo_consumer_name"),
        }
    )
    groups.setdefault("sink", {}).update(
        {"timestream.database": default_of(root, "timestream_database_name"), "timestream.region": "eu-west-1"}
    )
    parsed = config.config_from_groups(groups)
    assert parsed.source.consumer_type == "EFO"


def test_flink_application_runs_the_pyflink_zip(modules: dict[Path, Module], root: Module) -> None:
    app = hcl_literal(resource(modules[FLINK], "aws_kinesisanalyticsv2_application", "this"))
    assert app["runtime_environment"] == "FLINK-1_20"
    code = app["application_configuration"][0]["application_code_configuration"][0]
    assert code["code_content_type"] == "ZIPFILE"
    run_options = app["application_configuration"][0]["environment_properties"][0]["property_group"][0]
    assert run_options["property_group_id"] == "kinesis.analytics.flink.run.options"
    assert set(run_options["property_map"]) == {"python", "jarfile"}

    call = hcl_literal(root.module_calls["flink"])
    assert (REPO / call["python_entry_point"]).is_file()
    assembly = (REPO / "packaging/assembly.xml").read_text()
    jar_dir, jar_name = call["connectors_jar_path"].split("/")
    assert f"<outputDirectory>{jar_dir}</outputDirectory>" in assembly and jar_name in assembly
    assert default_of(root, "flink_app_zip_path") == "../../packaging/target/connect-monitor-app.zip"
    built = REPO / "packaging/target/connect-monitor-app.zip"
    if built.exists():
        names = set(zipfile.ZipFile(built).namelist())
        assert call["connectors_jar_path"] in names


def test_flink_role_reads_through_its_consumer(modules: dict[Path, Module]) -> None:
    text = (FLINK / "main.tf").read_text()
    assert '"kinesis:SubscribeToShard"' in text and "resources = [var.efo_consumer_arn]" in text


def test_schedule_input_carries_the_scheduled_time(modules: dict[Path, Module]) -> None:
    """persist_instance_data takes its collection minute from the event's `time` (an EventBridge
    scheduled-event shape); Scheduler fills it from the context attribute."""
    schedule = hcl_literal(resource(modules[LAMBDAS], "aws_scheduler_schedule", "instance_data"))
    target = schedule["target"][0]
    assert 'time = "<aws.scheduler.scheduled-time>"' in re.sub(r"\s+", " ", target["input"])
    assert "persist_instance_data" in target["arn"]
    assert schedule["flexible_time_window"][0]["mode"] == "OFF"


def test_instance_data_role_allows_exactly_the_connect_calls_it_makes(root: Module) -> None:
    source = REPO / "lambdas/common/connect_api.py"
    if not source.exists():
        pytest.skip("lambdas/common/connect_api.py not there yet")
    called = set(re.findall(r'_(?:call|pages)\(\s*"([A-Z][A-Za-z]+)"', source.read_text()))
    assert called, "no Connect operation found: has connect_api.py changed how it calls Connect?"
    allowed = {action.removeprefix("connect:") for action in default_of(root, "instance_data_connect_actions")}
    assert allowed == called, (
        f"instance_data_connect_actions must be exactly the Connect operations the function calls: "
        f"missing {sorted(called - allowed)}, unused {sorted(allowed - called)}"
    )
