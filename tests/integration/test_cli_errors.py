"""Mistakes a user makes get one clear line naming the fix, not a stack trace."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env or dict(os.environ), capture_output=True, text=True, timeout=60
    )


def test_generator_help_explains_every_option() -> None:
    result = run(["-m", "traffic_generator", "--help"])
    assert result.returncode == 0
    for option in ("--agents", "--queues", "--routing-profiles", "--seed", "--pace", "--rate", "--sink", "--junk-rate"):
        assert option in result.stdout


def test_a_misspelt_property_fails_fast_naming_it(tmp_path) -> None:
    properties = tmp_path / "props.json"
    properties.write_text(json.dumps([{"PropertyGroupId": "metrics", "PropertyMap": {"agent_state.interval": "10"}}]))
    result = run(["-m", "flink_app", "run", "--properties", str(properties)])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "unknown property metrics/agent_state.interval" in result.stderr
    assert "agent_state.interval.seconds" in result.stderr  # the known keys, i.e. the fix


def test_missing_java_is_named_with_the_install_command() -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = "/nonexistent"
    result = run(["-m", "flink_app", "run"], env=env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("flink_app: Java is not installed")
    assert "openjdk" in result.stderr


def test_a_taken_port_stops_the_stack_with_one_line(tmp_path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = "from pathlib import Path; from local_stack import LocalStack; "
        code += f"LocalStack(Path({str(tmp_path)!r})).start()"
        result = run(["-c", code], env={**os.environ, "LOCAL_KINESIS_PORT": str(port)})
    assert result.returncode != 0
    assert f"port {port} for kinesis-local is already in use: set LOCAL_KINESIS_PORT" in result.stderr
