"""moto's server on a loopback port, recording every request it receives, always stopped by PID.

moto never rejects a Timestream write and stores records without their request's CommonAttributes;
its request recording keeps every `WriteRecords` body as sent (read it with
`local_stack.timestream.write_requests`, which copes with entries that share a line).
"""

import sys
from pathlib import Path

from local_stack.ports import free_port
from local_stack.processes import ManagedProcess

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORDING_FILE = "moto-recording.jsonl"


class MotoServer:
    """`with MotoServer(run_dir) as moto:` then `moto.url`, `moto.recording`; `port` defaults to a free one."""

    def __init__(self, run_dir: Path, port: int | None = None) -> None:
        self.run_dir = run_dir
        self.recording = run_dir / RECORDING_FILE
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: ManagedProcess | None = None

    def start(self) -> "MotoServer":
        self._process = ManagedProcess(
            "moto server",
            # moto's own server, its Kinesis cost per record made constant (`local_stack.moto_main`).
            [sys.executable, "-m", "local_stack.moto_main", "-H", "127.0.0.1", "-p", str(self.port)],
            self.run_dir / "moto.log",
            env={
                "MOTO_ENABLE_RECORDING": "True",
                "MOTO_RECORDER_FILEPATH": str(self.recording),
                "PYTHONPATH": str(REPO_ROOT),
            },
        )
        try:
            self._process.wait_healthy(f"{self.url}/moto-api/data.json")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid
