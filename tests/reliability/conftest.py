"""Fixtures of the reliability suite. The Lambda tests reuse tests/lambdas' environment and moto port.

tests.lambdas.support sets the functions' environment at import, before a handler is imported (as on a cold
start), and picks moto's port; importing it here keeps both suites on one configuration when they run in one
session.
"""

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_stack.processes import ManagedProcess
from tests.lambdas.conftest import context, log_records  # noqa: F401 - fixtures shared with tests/lambdas
from tests.lambdas.support import MOTO_PORT, MOTO_URL, TimestreamStore


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def lambda_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto on the port the handlers were configured with: tests/lambdas' server when it already runs in this
    session (it lives until the session ends), else one of our own, stopped by PID."""
    if _listening(MOTO_PORT):
        yield MOTO_URL
        return
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(MOTO_PORT)]
    process = ManagedProcess("moto server", command, tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        process.wait_healthy(f"{MOTO_URL}/moto-api/data.json", timeout=30)
        yield MOTO_URL
    finally:
        process.stop()


@pytest.fixture
def timestream(lambda_moto: str) -> TimestreamStore:
    store = TimestreamStore(lambda_moto)
    store.reset()
    return store
