"""Each Lambda is its own zip: handler module + lambdas/common + connect_model (+ Powertools), and it runs alone."""

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from lambdas import build
from lambdas.common.tables import TABLES, WRITTEN_BY
from tests.lambdas.support import LAMBDA_ENV, load_fixture

# What the Python 3.12 Lambda runtime provides besides the standard library: boto3 and its dependencies.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    return {name: build.build(function, out) for name, function in build.FUNCTIONS.items()}


@pytest.fixture(scope="module")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with only what the runtime preinstalls, linked from this venv."""
    runtime = tmp_path_factory.mktemp("runtime")
    site_packages = Path(sysconfig.get_paths()["purelib"])
    for name in RUNTIME_PACKAGES:
        (runtime / name).symlink_to(site_packages / name)
    return runtime


def test_the_manifest_covers_every_table_and_handler_module() -> None:
    assert {t for f in build.FUNCTIONS.values() for t in f.tables} == set(TABLES)
    for function in build.FUNCTIONS.values():
        assert (build.REPO_ROOT / function.module_path).is_file()
        assert function.handler == f"lambdas.{function.name}.handler"
        assert all(WRITTEN_BY[t] == function.name for t in function.tables)


def test_the_declared_connect_actions_are_exactly_the_operations_the_reader_calls() -> None:
    source = (build.REPO_ROOT / "lambdas" / "common" / "connect_api.py").read_text()
    called = set(re.findall(r'self\._(?:pages|call)\(\s*"(\w+)"', source))
    assert {f"connect:{op}" for op in called} == set(build.CONNECT_ACTIONS)
    assert set(build.CONNECT_ACTIONS) <= set(build.FUNCTIONS["persist_instance_data"].api_actions)


def test_each_zip_holds_its_handler_the_shared_code_and_powertools_only(packages: dict[str, Path]) -> None:
    for name, path in packages.items():
        names = zipfile.ZipFile(path).namelist()
        handlers = {n for n in names if n.startswith("lambdas/persist_")}
        assert handlers == {f"lambdas/{name}.py"}
        assert {"lambdas/__init__.py", "lambdas/common/timestream.py", "connect_model/__init__.py"} <= set(names)
        assert "aws_lambda_powertools/__init__.py" in names and "jmespath/__init__.py" in names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith(("tests/", "boto"))]
        assert "lambdas/build.py" not in names


def test_builds_are_reproducible(packages: dict[str, Path], tmp_path: Path) -> None:
    again = build.build(build.FUNCTIONS["persist_agent_event"], tmp_path)
    assert again.read_bytes() == packages["persist_agent_event"].read_bytes()


def test_without_vendoring_only_project_code_is_packaged(tmp_path: Path) -> None:
    path = build.build(build.FUNCTIONS["persist_contact_event"], tmp_path, vendor=False)
    roots = {n.split("/")[0] for n in zipfile.ZipFile(path).namelist()}
    assert roots == {"lambdas", "connect_model"}


# Runs inside the unpacked package, with nothing but the package, the runtime's boto3 and the standard library.
PROBE = """
import importlib, json, sys
package, runtime, name, event = sys.argv[1:5]
sys.path[:0] = [package, runtime]
module = importlib.import_module(f"lambdas.{name}")
import aws_lambda_powertools, connect_model
assert aws_lambda_powertools.__file__.startswith(package), aws_lambda_powertools.__file__
assert connect_model.__file__.startswith(package), connect_model.__file__

class Context:
    function_name, memory_limit_in_mb, aws_request_id = name, 128, "probe"
    invoked_function_arn = f"arn:aws:lambda:eu-west-2:123456789012:function:{name}"
    def get_remaining_time_in_millis(self):
        return 60000

result = module.handler(json.loads(event), Context()) if event != "null" else None
print(json.dumps({"handler": callable(module.handler), "result": result}))
"""


def events() -> dict[str, object]:
    # Events the unpacked functions can handle without any AWS call.
    from tests.lambdas.support import kinesis_event

    return {
        "persist_contact_event": {"source": "aws.connect", "detail-type": "Amazon Connect Contact Event", "id": "x"},
        "persist_agent_event": kinesis_event([load_fixture("ctr.json")]),
        "persist_instance_data": None,
    }


@pytest.mark.parametrize("name", list(build.FUNCTIONS))
def test_each_unpacked_zip_imports_its_handler_and_runs_alone(
    name: str, packages: dict[str, Path], lambda_runtime: Path, tmp_path: Path
) -> None:
    task = tmp_path / "task"  # Lambda unpacks the zip to /var/task
    zipfile.ZipFile(packages[name]).extractall(task)
    env = {"PATH": os.environ.get("PATH", ""), **LAMBDA_ENV, "AWS_REGION": "eu-west-2"}
    env |= {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, str(task), str(lambda_runtime), name, json.dumps(events()[name])],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["handler"] is True
    expected = {
        "persist_contact_event": {"status": "rejected", "reason": "bad_detail"},
        "persist_agent_event": {"batchItemFailures": []},
        "persist_instance_data": None,
    }
    assert report["result"] == expected[name]


def test_the_command_line_builds_the_named_functions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build.main(["--out", str(tmp_path), "--no-vendor", "persist_agent_event"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["persist_agent_event.zip"]
    assert "handler=lambdas.persist_agent_event.handler runtime=python3.12" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        build.main(["--out", str(tmp_path), "persist_everything"])
