"""`make run`'s program: live numbers from the real job, and Ctrl-C leaves no process behind."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from local_stack import influxdb
from local_stack.job_output import parse_output_line
from local_stack.moto_server import RECORDING_FILE
from local_stack.timestream import written_records
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stored_snapshot_times(store: str, run_dir: Path) -> set[str]:
    """The agent-state snapshot times the demo's local store holds."""
    if store == "timestream":
        records = written_records(run_dir / RECORDING_FILE)
        return {f"{r.time:%Y-%m-%dT%H:%M:%SZ}" for r in records if r.table == "agent_state_by_queue"}
    found = re.search(r"InfluxDB (http://127\.0\.0\.1:\d+)", (run_dir / "demo.out").read_text())
    assert found, "the demo names its InfluxDB"
    points = influxdb.query(found.group(1), influxdb.DATABASE, 'SELECT * FROM "agent_state_by_queue"')
    return {
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(values[0] / 1000))
        for series in points[0].get("series", [])
        for values in series["values"]
    }


@pytest.mark.parametrize("store", ["timestream", "influxdb"])
def test_demo_shows_snapshots_and_ctrl_c_stops_everything(store: str, tmp_path) -> None:
    output = (tmp_path / "demo.out").open("w")
    demo = subprocess.Popen(
        [sys.executable, "-m", "local_stack.demo", "--agents", "20", "--run-dir", str(tmp_path), "--store", store],
        cwd=REPO_ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        # As from a terminal: a suite started in the background (`make test &`) ignores SIGINT, the demo would
        # inherit that and Ctrl-C could not reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    job_log = tmp_path / "job.log"
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 150
        snapshot = None
        while snapshot is None and time.monotonic() < deadline and demo.poll() is None:
            time.sleep(1)
            if job_log.exists():
                for line in job_log.read_text().splitlines():
                    document = parse_output_line(line)
                    if document and document["table"] == "agent_state_by_queue":
                        snapshot = document
                        break
        assert snapshot is not None, "no snapshot from the job within 150 s; see " + str(tmp_path)
        assert snapshot["measures"]["agents_online"] >= 1
        deadline = time.monotonic() + 30
        while snapshot["time"] not in stored_snapshot_times(store, tmp_path) and time.monotonic() < deadline:
            time.sleep(1)
        assert snapshot["time"] in stored_snapshot_times(store, tmp_path), f"the snapshot is stored in {store}"
        started = descendants(demo.pid)
        servers = 3 if store == "influxdb" else 2
        assert len(started) >= servers + 2, "the local servers, the job (and its JVM) and the generator run"
        demo.send_signal(signal.SIGINT)
        try:
            assert demo.wait(timeout=60) == 0
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"the demo did not stop within 60 s of Ctrl-C; its output ({tmp_path / 'demo.out'}) ends: "
                + (tmp_path / "demo.out").read_text()[-1500:]
            ) from None
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=10)
            for pid in started | descendants(demo.pid):  # nothing of a failed run is left behind
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        output.close()
    time.sleep(1)
    left = [pid for pid in started if alive(pid)]
    assert not left, f"still running after Ctrl-C: {left}"
