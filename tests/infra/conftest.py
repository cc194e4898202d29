"""Shared, once-per-session inputs of the infrastructure tests: the parsed configuration, the
provider schemas, one checkov run and the configuration evaluated by Terraform 1.5.7 (tf_eval). No AWS
account, no network, no AWS provider."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import tf_config, tf_eval, tf_provider_schema
from .tf_config import CheckovRun
from .tf_provider_schema import SCHEMA_PACKAGES, provider_of


@pytest.fixture(scope="session")
def modules() -> dict[Path, tf_config.Module]:
    return tf_config.load_all()


@pytest.fixture(scope="session")
def root(modules: dict[Path, tf_config.Module]) -> tf_config.Module:
    return modules[tf_config.TERRAFORM]


@pytest.fixture(scope="session")
def schemas(modules: dict[Path, tf_config.Module]) -> dict[str, tf_provider_schema.ProviderSchema]:
    used: dict[str, set[str]] = {}
    for module in modules.values():
        for block in module.resources:
            used.setdefault(provider_of(block.type), set()).add(block.type)
    unknown = set(used) - set(SCHEMA_PACKAGES)
    assert not unknown, f"no schema source for provider(s) {sorted(unknown)}: add its cdktn-provider-* package"
    return {name: tf_provider_schema.load(SCHEMA_PACKAGES[name], wanted=used[name]) for name in used}


def _checkov_executable() -> str:
    """$CHECKOV, else checkov on PATH, else the repository's .venv-checkov (checkov pins an older
    boto3 than the project, so it lives in its own virtual environment)."""
    candidates = [os.environ.get("CHECKOV"), shutil.which("checkov"), str(tf_config.REPO / ".venv-checkov/bin/checkov")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail(
        "checkov not found: create its own environment with "
        "`python3 -m venv .venv-checkov && .venv-checkov/bin/pip install checkov==3.3.30` "
        "(or set CHECKOV to its path)"
    )


def _tfvars(variables: dict[str, Any]) -> str:
    """Root variables as a .tfvars file (HCL: checkov reads variable values from that format)."""
    return "".join(f"{name} = {json.dumps(value)}\n" for name, value in variables.items() if value is not None)


@pytest.fixture(scope="session", params=["timestream", "influxdb"])
def checkov_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> CheckovRun:
    """One checkov run per value of the root variable `store` (its variables in a --var-file)."""
    var_file = tmp_path_factory.mktemp("checkov") / f"{request.param}.tfvars"
    var_file.write_text(_tfvars({**REQUIRED_VARIABLES, **STORE_VARIABLES[request.param]}))
    env = {
        **os.environ,
        # Offline: no guidelines download, no platform calls.
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_NO_OUTPUT_COLORS": "TRUE",
        "ENABLE_DEFINITIONS_CACHE": "FALSE",
        "CKV_IGNORE_HIDDEN_DIRECTORIES": "TRUE",
    }
    env.pop("BC_API_KEY", None)
    proc = subprocess.run(
        [
            _checkov_executable(),
            "--directory",
            str(tf_config.TERRAFORM),
            "--framework",
            "terraform",
            # not --quiet: the JSON report must list skipped checks too (test_skips_take_effect)
            "--compact",
            "--skip-download",
            "--output",
            "json",
            "--var-file",
            str(var_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    try:
        reports = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"checkov printed no JSON report (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    reports = reports if isinstance(reports, list) else [reports]
    summary: dict = {}
    failed: list[dict] = []
    skipped: list[dict] = []
    for report in reports:
        summary = report.get("summary", summary)
        results = report.get("results", {})
        failed += results.get("failed_checks", [])
        skipped += results.get("skipped_checks", [])
    passed: list[dict] = [c for report in reports for c in report.get("results", {}).get("passed_checks", [])]
    checked = {c["resource"] for c in passed + failed + skipped}
    return CheckovRun(
        summary=summary, failed=failed, skipped=skipped, stderr=proc.stderr, store=request.param, checked=checked
    )


# ---------------------------------------------------------------------------------------------
# The configuration evaluated by a real Terraform CLI (tf_eval), per set of root variables
# ---------------------------------------------------------------------------------------------

INSTANCE_ARN = "arn:aws:connect:eu-west-2:111122223333:instance/00000000-0000-0000-0000-000000000000"
REQUIRED_VARIABLES = {"connect_instance_arn": INSTANCE_ARN, "timestream_region": "eu-west-1"}
# The root variables each store needs besides those (the InfluxDB store lives in a VPC of the caller's).
VPC_ID = "vpc-0a1b2c3d4e5f60718"
SUBNET_IDS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a60798"]
STORE_VARIABLES: dict[str, dict[str, Any]] = {
    "timestream": {},
    "influxdb": {"store": "influxdb", "timestream_region": None, "vpc_id": VPC_ID, "influxdb_subnet_ids": SUBNET_IDS},
}


@pytest.fixture(scope="session")
def stub_tree(schemas: dict[str, tf_provider_schema.ProviderSchema]) -> Iterator[tf_eval.StubTree]:
    tree = tf_eval.StubTree(schemas["aws"].readable)
    yield tree
    tree.remove()


@pytest.fixture(scope="session")
def evaluate(stub_tree: tf_eval.StubTree) -> Callable[..., tf_eval.Instance]:
    """evaluate(data=None, **root_variables): the evaluated root module (required variables preset);
    `data` answers data sources by "type.name", e.g. {"aws_kinesis_stream.existing": {...}}."""
    cache: dict[str, tf_eval.Instance] = {}

    def run(data: dict[str, Any] | None = None, **variables: Any) -> tf_eval.Instance:
        merged = {**REQUIRED_VARIABLES, **variables}
        key = json.dumps([merged, data], sort_keys=True)
        if key not in cache:
            cache[key] = stub_tree.evaluate(merged, data)
        return cache[key]

    return run
