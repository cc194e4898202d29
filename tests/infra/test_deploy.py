"""What an apply on a new account meets: Lambda concurrency it may not have, the Terraform version the state
backend advice needs, an upload that races bucket versioning, and the commands docs/DEPLOY.md tells a
platform team to run."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from .conftest import STORE_VARIABLES
from .tf_config import REPO, TERRAFORM, Module, body_items, unquote
from .tf_eval import Instance

DEPLOY = REPO / "docs" / "DEPLOY.md"
FUNCTIONS = ("persist_contact_event", "persist_agent_event", "persist_instance_data")


def reservations(root: Instance) -> dict[str, object]:
    functions = root.find("lambdas").resources("aws_lambda_function.this")
    return {f["function_name"]: f["reserved_concurrent_executions"] for f in functions}


# ---------------------------------------------------------------------------------------------
# Reserved concurrency: optional, off by default
# ---------------------------------------------------------------------------------------------


def functions_with(root_defaults: dict, **reserved: int | None) -> dict:
    functions = {name: dict(spec) for name, spec in root_defaults.items()}
    for name, value in reserved.items():
        functions[name]["reserved_concurrency"] = value
    return functions


@pytest.fixture(scope="module")
def default_functions(evaluate: Callable[..., Instance]) -> dict:
    return evaluate().vars["lambda_functions"]


def test_functions_reserve_no_concurrency_by_default(evaluate: Callable[..., Instance]) -> None:
    root = evaluate()
    assert root.find("lambdas").failed_validations() == {}
    assert set(reservations(root).values()) == {None}, reservations(root)


def test_a_reservation_can_be_set_per_function(evaluate: Callable[..., Instance], default_functions: dict) -> None:
    root = evaluate(lambda_functions=functions_with(default_functions, persist_agent_event=20))
    assert root.find("lambdas").failed_validations() == {}
    assert reservations(root)["connect-monitor-persist-agent-event"] == 20
    assert reservations(root)["connect-monitor-persist-contact-event"] is None


def test_reserved_concurrency_may_be_left_out(evaluate: Callable[..., Instance], default_functions: dict) -> None:
    functions = {
        name: {k: v for k, v in spec.items() if k != "reserved_concurrency"} for name, spec in default_functions.items()
    }
    root = evaluate(lambda_functions=functions)
    assert root.find("lambdas").failed_validations() == {}
    assert set(reservations(root).values()) == {None}


def test_a_zero_reservation_is_refused(evaluate: Callable[..., Instance], default_functions: dict) -> None:
    failed = evaluate(lambda_functions=functions_with(default_functions, persist_instance_data=0))
    messages = failed.find("lambdas").failed_validations()
    assert "functions" in messages and "reserved_concurrency" in messages["functions"][0], messages


def test_deploy_md_says_when_to_reserve() -> None:
    text = DEPLOY.read_text()
    assert "reserved_concurrency" in text and "100" in text and "unreserved" in text


# ---------------------------------------------------------------------------------------------
# Terraform version and the backend advice
# ---------------------------------------------------------------------------------------------

# The S3 backend's use_lockfile: experimental in 1.10, generally available (DynamoDB locking deprecated) in 1.11.
LOCKFILE_SINCE = "1.11.0"


def required_versions(modules: dict[Path, Module]) -> dict[str, str]:
    found = {}
    for path, module in modules.items():
        for block in module.terraform:
            if "required_version" in block:
                found[str(path.relative_to(TERRAFORM))] = unquote(block["required_version"])
    return found


def test_every_module_requires_a_terraform_that_takes_the_backend_advice(modules: dict[Path, Module]) -> None:
    versions = required_versions(modules)
    assert set(versions) == {str(p.relative_to(TERRAFORM)) for p in modules}, "a module without required_version"
    assert "use_lockfile = true" in DEPLOY.read_text()
    older = "1.10.9"
    for module, constraint in versions.items():
        spec = SpecifierSet(constraint.replace(" ", ""))
        assert LOCKFILE_SINCE in spec and older not in spec, f"{module}: required_version {constraint}"


def test_deploy_md_names_the_same_minimum() -> None:
    tools = next(line for line in DEPLOY.read_text().splitlines() if line.startswith("- Tools:"))
    assert "Terraform ≥ 1.11" in tools, tools


# ---------------------------------------------------------------------------------------------
# The application zip is uploaded once versioning is on
# ---------------------------------------------------------------------------------------------


def test_the_code_object_waits_for_bucket_versioning(modules: dict[Path, Module]) -> None:
    flink = modules[TERRAFORM / "modules/flink"]
    app = next(b for b in flink.resources if b.type == "aws_s3_object" and b.name == "app")
    bucket = body_items(app.body)["bucket"]
    found = re.fullmatch(r"\$\{module\.(\w+)\.(\w+)\}", bucket)
    assert found, bucket
    call = flink.module_calls[found.group(1)]
    module = modules[(flink.path / unquote(call["source"])).resolve()]
    output = module.outputs[found.group(2)]
    versioning = [b.name for b in module.resources if b.type == "aws_s3_bucket_versioning"]
    assert versioning, "the bucket module has no versioning resource"
    assert f"${{aws_s3_bucket_versioning.{versioning[0]}}}" in output.get("depends_on", []), (
        f"output {found.group(2)} of {call['source']} must depend on the versioning resource"
    )


# ---------------------------------------------------------------------------------------------
# docs/DEPLOY.md
# ---------------------------------------------------------------------------------------------


def shell_commands(text: str) -> list[str]:
    """Every command of the ```bash blocks, continuation lines joined."""
    commands = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands += [line.split("#")[0].strip() for line in joined.splitlines() if line.strip()]
    return commands


def test_every_aws_cli_command_names_its_region() -> None:
    commands = [c for c in shell_commands(DEPLOY.read_text()) if re.match(r"(\S+=\S+ )*aws ", c)]
    assert len(commands) >= 4, commands
    missing = [c for c in commands if "--region" not in c]
    assert not missing, "aws commands without --region (the default profile's region may be another):\n" + "\n".join(
        missing
    )


def test_timestream_commands_take_the_configured_region() -> None:
    """Timestream for LiveAnalytics lives in timestream_region (Timestream for InfluxDB in region, eu-west-2)."""
    for command in shell_commands(DEPLOY.read_text()):
        if re.search(r"\baws timestream-(write|query)\b", command):
            region = re.search(r'--region ("[^"]*"|\S+)', command)
            assert region and "timestream_region" in region.group(1), command


@pytest.mark.parametrize("store", ["timestream", "influxdb"])
def test_deploy_md_counts_the_data_sources_it_provisions(evaluate: Callable[..., Instance], store: str) -> None:
    outputs = (TERRAFORM / "modules/grafana/outputs.tf").read_text()
    uids = re.findall(r'uid\s*=\s*"([^"]+)"', outputs)
    assert len(uids) == 4, uids
    provisioned = evaluate(**STORE_VARIABLES[store]).outputs["grafana_datasources"]
    assert len(provisioned) == 3, sorted(provisioned)
    assert {d["uid"] for d in provisioned.values()} <= set(uids)
    text = DEPLOY.read_text()
    counted = re.search(r"creates or updates (\w+) data sources", text)
    assert counted and counted.group(1) == "three", counted
    script = (REPO / "infra/scripts/provision_grafana.py").read_text()
    for uid in uids:
        assert f"`{uid}`" in text, uid
        assert uid in script.split('"""')[1], f"provision_grafana.py's docstring does not name {uid}"
