"""Shared fixtures: the repository root, fixture documents, one embedded stack per test session, and a local
InfluxDB per test."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """kinesis-local + moto on free loopback ports, stopped by PID when the session ends."""
    from local_stack import LocalStack

    with LocalStack(tmp_path_factory.mktemp("stack")) as endpoints:
        yield endpoints


@pytest.fixture
def influxdb(tmp_path: Path) -> Iterator[Any]:
    """A real influxd of this test alone (`local_stack.influxdb`), its database created; stopped by PID."""
    from local_stack.influxdb import INFLUXD, InfluxDbServer

    if not INFLUXD.exists():
        pytest.fail(f"{INFLUXD} is missing: run `make influxdb` (make test does)")
    with InfluxDbServer(tmp_path / "influxdb") as server:
        yield server
