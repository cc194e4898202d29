"""The job's own output over the benchmark's traffic: `python -m flink_app replay`, when the job has it.

Counts the records the job writes per table (one JSON line per record in DIR/<table>.jsonl).
Returns None when this checkout's job has no `replay` command.
"""

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.proctree import PeakTreeMemory


def replay_available() -> bool:
    command = [sys.executable, "-m", "flink_app", "replay", "--help"]
    return subprocess.run(command, capture_output=True, check=False, stdin=subprocess.DEVNULL).returncode == 0


def run_replay(
    data_file: Path, output_dir: Path, log: Path, properties: dict[str, dict[str, str]] | None = None
) -> tuple[dict[str, int], float] | None:
    """Records per output table (dead letters left out) and the peak RSS (MiB) of the job's process tree;
    `properties` by group and key, else the job's defaults."""
    if not replay_available():
        return None
    command = [sys.executable, "-m", "flink_app", "replay", "--input", str(data_file), "--output", str(output_dir)]
    if properties:
        path = output_dir.with_suffix(".properties.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        document = [{"PropertyGroupId": group, "PropertyMap": keys} for group, keys in properties.items()]
        path.write_text(json.dumps(document))
        command += ["--properties", str(path)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=output, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            with PeakTreeMemory(process.pid) as memory:
                process.wait(timeout=1800)
        finally:
            if process.poll() is None:  # stopped by its PID, with its JVM (its process group)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"python -m flink_app replay failed (exit {process.returncode}); see {log}")
    counts: Counter = Counter()
    for path in sorted(output_dir.glob("*.jsonl")):
        if path.stem != "dead_letter":
            with path.open() as handle:
                counts[path.stem] = sum(1 for line in handle if line.strip())
    return dict(counts), memory.peak_mib
