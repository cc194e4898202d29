"""`make run`: the embedded stack, the traffic generator and the real PyFlink job, with a live view.

Ctrl-C stops the job, the generator and both servers, by PID.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from flink_app.config import properties_document
from flink_app.outputs import TABLES
from local_stack.job_output import parse_output_line
from local_stack.processes import ServerFailed
from local_stack.stack import CREDENTIALS, REPO_ROOT, LocalStack, StackEndpoints
from local_stack.timestream import create_tables, written_records

console = Console(stderr=True)


@dataclass
class JobView:
    """What the job has written so far: the latest snapshot per queue, dead letters, its last lines."""

    latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshots: int = 0
    contacts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    contact_rows: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    log_tail: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def consume(self, stream: Any, log: Any) -> None:
        for line in stream:
            log.write(line)
            log.flush()
            document = parse_output_line(line)
            with self.lock:
                if document is None:
                    self.log_tail = [*self.log_tail[-4:], line.rstrip()[:160]]
                elif document.get("table") == "dead_letter":
                    reason = document.get("reason", "?")
                    self.dead_letters[reason] = self.dead_letters.get(reason, 0) + 1
                elif document.get("table") == "queue_contact_metrics":
                    self.contact_rows += 1
                    key = (document["dimensions"]["queue_name"], document["dimensions"]["channel"])
                    previous = self.contacts.get(key)
                    if previous is None or (previous["time"], previous["version"]) <= (
                        document["time"],
                        document["version"],
                    ):
                        self.contacts[key] = document
                elif document.get("table") == "agent_state_by_queue":
                    self.snapshots += 1
                    queue = document["dimensions"]["queue_name"]
                    previous = self.latest.get(queue)
                    if previous is None or previous["time"] <= document["time"]:
                        self.latest[queue] = document


def _number(value: Any, digits: int = 0, scale: float = 1.0, suffix: str = "") -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}{suffix}"


def contact_table(view: JobView) -> Table:
    """The newest window per queue and channel, at its highest version so far."""
    table = Table(
        title=f"queue_contact_metrics — newest 1-minute window per queue and channel ({view.contact_rows} rows; "
        "CTRs come about a minute after each contact, corrections raise the version)"
    )
    columns = ("queue", "channel", "window end", "v", "queued", "handled", "abandoned", "SL 20 s", "AHT s", "p90 s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("queue", "channel", "window end") else "right")
    for (queue, channel), doc in sorted(view.contacts.items()):
        m = doc["measures"]
        table.add_row(
            queue,
            channel,
            doc["time"][11:19],
            str(doc["version"]),
            str(m.get("contacts_queued", 0)),
            str(m.get("contacts_handled", 0)),
            str(m.get("contacts_abandoned", 0)),
            _number(m.get("service_level_20s"), 0, 100, " %"),
            _number(m.get("handle_time_avg_seconds")),
            _number(m.get("handle_time_p90_seconds")),
        )
    if not view.contacts:
        table.add_row("(waiting for the first CTRs)", *[""] * (len(columns) - 1))
    return table


def render(view: JobView, started: float, timestream_records: int) -> Group:
    with view.lock:
        table = Table(
            title=f"agent_state_by_queue — latest snapshot per queue ({view.snapshots} rows so far, "
            f"{time.monotonic() - started:.0f} s)",
        )
        for column in ("queue", "time (UTC)", "online", "available", "on contact", "ACW", "non-prod.", "error"):
            table.add_column(column, justify="left" if column in ("queue", "time (UTC)") else "right")
        for queue, doc in sorted(view.latest.items()):
            m = doc["measures"]
            table.add_row(
                queue,
                doc["time"][11:19],
                str(m["agents_online"]),
                str(m["agents_available"]),
                str(m["agents_on_contact"]),
                str(m["agents_after_contact_work"]),
                str(m["agents_non_productive"]),
                str(m["agents_error"]),
            )
        if not view.latest:
            table.add_row("(waiting for the first window to close)", *[""] * 7)
            for line in view.log_tail:
                table.add_row(f"[dim]{line}[/dim]", *[""] * 7)
        caption = (
            "dead letters: "
            + (", ".join(f"{k} {v}" for k, v in sorted(view.dead_letters.items())) or "none yet")
            + f"   ·   local Timestream: {timestream_records} records written"
            + "\n`python -m local_stack.timestream` prints its latest rows   ·   Ctrl-C stops everything"
        )
        return Group(table, contact_table(view), caption)


TIMESTREAM_REGION = "eu-west-1"


def write_properties(run_dir: Path, endpoints: StackEndpoints) -> Path:
    path = run_dir / "application_properties.json"
    groups = {
        "source": {
            "stream.name": endpoints.stream_name,
            "aws.region": endpoints.region,
            "aws.endpoint": endpoints.kinesis_url,
            "initial.position": "TRIM_HORIZON",
        },
        # Contact windows are written at most every 10 s here (default 60 s), so the demo shows them soon.
        "metrics": {"contact.emit_interval.seconds": "10"},
        "sink": {
            "types": "print,timestream",
            "timestream.region": TIMESTREAM_REGION,
            "timestream.endpoint": endpoints.moto_url,
            "timestream.dead_letter.path": str(run_dir / "timestream-rejected.jsonl"),
        },
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


def stop(process: subprocess.Popen[str] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.demo", description=__doc__)
    parser.add_argument("--agents", type=int, default=60, help="simulated agents (default 60)")
    parser.add_argument("--queues", type=int, default=4, help="simulated queues (default 4)")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this many seconds (default: Ctrl-C)")
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / ".run", help="logs and run files (default .run)")
    args = parser.parse_args(argv)
    run_dir = args.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**CREDENTIALS, "PYTHONUNBUFFERED": "1"}
    job = generator = None
    job_log = open(run_dir / "job.log", "w")  # noqa: SIM115 - closed after the job has stopped
    view = JobView()
    started = time.monotonic()
    try:
        console.print("[bold]1/3[/bold] starting the local AWS endpoints (kinesis-local, moto) …")
        with LocalStack(run_dir) as endpoints:
            console.print(f"      Kinesis {endpoints.kinesis_url} · moto {endpoints.moto_url} · logs in {run_dir}")
            try:
                properties = write_properties(run_dir, endpoints)
                create_tables(endpoints.moto_url, TIMESTREAM_REGION, "connect_monitor", TABLES)
                console.print("[bold]2/3[/bold] starting the PyFlink job on a local mini-cluster (about 15 s) …")
                job = start(
                    [sys.executable, "-m", "flink_app", "run", "--properties", str(properties), "--parallelism", "1"],
                    None,
                    env,
                )
                threading.Thread(target=view.consume, args=(job.stdout, job_log), daemon=True).start()
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
                        "0.002",
                    ],
                    run_dir / "generator.log",
                    env,
                )
                recording = Path(endpoints.moto_recording)
                with Live(render(view, started, 0), console=console, refresh_per_second=2) as live:
                    while args.seconds == 0 or time.monotonic() - started < args.seconds:
                        for name, process in (("job", job), ("generator", generator)):
                            if process.poll() is not None:
                                raise ServerFailed(f"the {name} stopped (code {process.returncode}); see {run_dir}")
                        live.update(render(view, started, len(written_records(recording))))
                        time.sleep(0.5)
            finally:
                # The job and the generator go first, while the endpoints they talk to still answer.
                stop(generator)
                stop(job)
    except KeyboardInterrupt:
        console.print("stopping …")
    except ServerFailed as error:
        console.print(f"[red]error:[/red] {error}")
        return 1
    finally:
        stop(generator)
        stop(job)
        job_log.close()
    console.print("stopped: job, generator, kinesis-local and moto")
    return 0


if __name__ == "__main__":
    sys.exit(main())
