"""One `python -m bench --quick` run per test session, shared by the smoke checks of every results section
(the sink, write economy, job throughput, freshness and state-size benchmarks each check their own)."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@dataclass(frozen=True)
class QuickRun:
    text: str  # the results file
    stdout: str
    stderr: str  # progress lines
    run_dir: Path


@pytest.fixture(scope="session")
def quick_bench(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    work = tmp_path_factory.mktemp("bench")
    output, run_dir = work / "RESULTS.md", work / "run"
    command = [sys.executable, "-m", "bench", "--quick", "--output", str(output), "--run-dir", str(run_dir)]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    return QuickRun(output.read_text(), done.stdout, done.stderr, run_dir)
