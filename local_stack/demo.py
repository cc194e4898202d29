"""`make run`: the embedded stack, the traffic generator and the real PyFlink job, with a live view.

The job writes to the local Timestream (moto) or, with `--store influxdb` (`make run STORE=influxdb`), to a
local InfluxDB (influxd). Ctrl-C stops the job, the generator and every server, by PID.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live

from flink_app.config import properties_document
from flink_app.outputs import TABLES
from local_stack.influxdb import InfluxDbServer
from local_stack.job_output import parse_output_line
from local_stack.live_view import JobView, render
from local_stack.processes import ServerFailed
from local_stack.stack import CREDENTIALS, REPO_ROOT, LocalStack, StackEndpoints
from local_stack.timestream import create_tables, written_records

console = Console(stderr=True)


TIMESTREAM_REGION = "eu-west-1"
ROLLING_MINUTES = 15


def consume(view: JobView, stream: Any, log: Any) -> None:
    """The job's stdout: every line to its log, every output record into the view."""
    for line in stream:
        log.write(line)
        log.flush()
        view.add(parse_output_line(line), line)


def timestream_properties(run_dir: Path, endpoints: StackEndpoints) -> dict[str, str]:
    return {
        "types": "print,timestream",
        "timestream.region": TIMESTREAM_REGION,
        "timestream.endpoint": endpoints.moto_url,
        "timestream.dead_letter.path": str(run_dir / "timestream-rejected.jsonl"),
    }


def influxdb_properties(run_dir: Path, influxdb: InfluxDbServer) -> dict[str, str]:
    return {
        "types": "print,influxdb",
        "influxdb.url": influxdb.url,
        "influxdb.dead_letter.path": str(run_dir / "influxdb-refused.jsonl"),
    }


def write_properties(run_dir: Path, endpoints: StackEndpoints, sink: dict[str, str]) -> Path:
    path = run_dir / "application_properties.json"
    groups = {
        "source": {
            "stream.name": endpoints.stream_name,
            "aws.region": endpoints.region,
            "aws.endpoint": endpoints.kinesis_url,
            "initial.position": "TRIM_HORIZON",
        },
        # Contact windows are written at most every 10 s here (default 60 s), so the demo shows them soon.
        "metrics": {"contact.emit_interval.seconds": "10", "contact.rolling.seconds": str(ROLLING_MINUTES * 60)},
        "sink": sink,
    }
    path.write_text(json.dumps(properties_document(groups), indent=2))
    return path


def start(command: list[str], log: Path | None, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE if log is None else open(log, "w"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


def stop(*processes: subprocess.Popen[str] | None, grace: float = 10.0) -> None:
    """SIGTERM to every process group at once (a busy machine stops them in parallel, not one after the other),
    then SIGKILL to whatever is still running after `grace` seconds."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class StoreLine:
    """The live view's line on the local store: how much it holds (re-read every few seconds) and how to look."""

    def __init__(self, moto_recording: Path, influxdb: InfluxDbServer | None, every_seconds: float = 3.0) -> None:
        self.moto_recording = moto_recording
        self.influxdb = influxdb
        self.every_seconds = every_seconds
        self._read_at = float("-inf")
        self._text = ""

    def text(self) -> str:
        if time.monotonic() - self._read_at >= self.every_seconds:
            self._read_at = time.monotonic()
            if self.influxdb is not None:
                self._text = (
                    f"local InfluxDB: {self.influxdb.point_count()} points stored\n"
                    f"`python -m local_stack.influxdb {self.influxdb.url}` prints its latest points"
                )
            else:
                self._text = (
                    f"local Timestream: {len(written_records(self.moto_recording))} records written\n"
                    "`python -m local_stack.timestream` prints its latest rows"
                )
        return self._text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.demo", description=__doc__)
    parser.add_argument("--agents", type=int, default=60, help="simulated agents (default 60)")
    parser.add_argument("--queues", type=int, default=4, help="simulated queues (default 4)")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this many seconds (default: Ctrl-C)")
    parser.add_argument(
        "--store",
        choices=("timestream", "influxdb"),
        default="timestream",
        help="where the job writes: the local Timestream (moto, default) or a local InfluxDB (influxd)",
    )
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / ".run", help="logs and run files (default .run)")
    args = parser.parse_args(argv)
    run_dir = args.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**CREDENTIALS, "PYTHONUNBUFFERED": "1"}
    job = generator = None
    influxdb: InfluxDbServer | None = None
    job_log = open(run_dir / "job.log", "w")  # noqa: SIM115 - closed after the job has stopped
    view = JobView()
    started = time.monotonic()
    try:
        console.print("[bold]1/3[/bold] starting the local AWS endpoints (kinesis-local, moto) …")
        with LocalStack(run_dir) as endpoints:
            console.print(f"      Kinesis {endpoints.kinesis_url} · moto {endpoints.moto_url} · logs in {run_dir}")
            try:
                if args.store == "influxdb":
                    influxdb = InfluxDbServer(run_dir / "influxdb").start()
                    console.print(f"      InfluxDB {influxdb.url} (database {influxdb.database})")
                    sink = influxdb_properties(run_dir, influxdb)
                else:
                    create_tables(endpoints.moto_url, TIMESTREAM_REGION, "connect_monitor", TABLES)
                    sink = timestream_properties(run_dir, endpoints)
                properties = write_properties(run_dir, endpoints, sink)
                console.print("[bold]2/3[/bold] starting the PyFlink job on a local mini-cluster (about 15 s) …")
                job = start(
                    [sys.executable, "-m", "flink_app", "run", "--properties", str(properties), "--parallelism", "1"],
                    None,
                    env,
                )
                threading.Thread(target=consume, args=(view, job.stdout, job_log), daemon=True).start()
                console.print(f"[bold]3/3[/bold] sending live Connect traffic for {args.agents} agents …")
                generator = start(
                    [
                        sys.executable,
                        "-m",
                        "traffic_generator",
                        "--pace",
                        "realtime",
                        "--sink",
                        "kinesis",
                        "--endpoint-url",
                        endpoints.kinesis_url,
                        "--stream-name",
                        endpoints.stream_name,
                        "--agents",
                        str(args.agents),
                        "--queues",
                        str(args.queues),
                        "--junk-rate",
                        "0.01",  # a few dead letters within minutes, to show where they go
                        # As the EventBridge rule delivers them: on the shared stream, best effort.
                        "--contact-events-to-stream",
                    ],
                    run_dir / "generator.log",
                    env,
                )
                store = StoreLine(Path(endpoints.moto_recording), influxdb)
                with Live(
                    render(view, 0, store.text(), ROLLING_MINUTES), console=console, refresh_per_second=2
                ) as live:
                    while args.seconds == 0 or time.monotonic() - started < args.seconds:
                        for name, process in (("job", job), ("generator", generator)):
                            if process.poll() is not None:
                                raise ServerFailed(f"the {name} stopped (code {process.returncode}); see {run_dir}")
                        elapsed = time.monotonic() - started
                        live.update(render(view, elapsed, store.text(), ROLLING_MINUTES))
                        time.sleep(0.5)
                if not console.is_terminal:
                    console.print()  # a logged run's last frame ends without a newline
            finally:
                # The job and the generator go first, while the endpoints they talk to still answer.
                stop(generator, job)
    except KeyboardInterrupt:
        console.print(("" if console.is_terminal else "\n") + "stopping …")  # a logged run ends without a newline
    except ServerFailed as error:
        console.print(f"[red]error:[/red] {error}")
        return 1
    finally:
        stop(generator, job)
        if influxdb is not None:
            influxdb.stop()
        job_log.close()
    console.print("stopped: job, generator, kinesis-local, moto" + (" and influxd" if influxdb else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
