"""Fixtures of the Lambda tests: one moto server per session, an empty Timestream database per test."""

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_stack.processes import ManagedProcess
from tests.lambdas.support import MOTO_PORT, MOTO_URL, FakeLambdaContext, LogCollector, TimestreamStore


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Log records of the shared modules and of the three functions' Powertools loggers."""
    collector = LogCollector()
    names = ("lambdas", "persist_contact_event", "persist_agent_event", "persist_instance_data")
    loggers = [logging.getLogger(name) for name in names]
    for each in loggers:
        each.addHandler(collector)
    yield collector.records
    for each in loggers:
        each.removeHandler(collector)


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto on the port the handlers were configured with; stopped by PID (its process group) at the end."""
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(MOTO_PORT)]
    process = ManagedProcess("moto server", command, tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        process.wait_healthy(f"{MOTO_URL}/moto-api/data.json", timeout=30)
        yield MOTO_URL
    finally:
        process.stop()


@pytest.fixture
def timestream(moto_server: str) -> TimestreamStore:
    """An empty database with every table, in the session's moto server."""
    store = TimestreamStore(moto_server)
    store.reset()
    return store
