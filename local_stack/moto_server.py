"""moto's server on a loopback port, recording every request it receives, always stopped by PID.

moto never rejects a Timestream write and stores records without their request's CommonAttributes;
its request recording keeps every `WriteRecords` body as sent (read it with
`local_stack.timestream.write_requests`, which copes with entries that share a line).
"""

import sys
from pathlib import Path

from local_stack.processes import LoopbackServer, ManagedProcess

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORDING_FILE = "moto-recording.jsonl"


class MotoServer(LoopbackServer):
    """`with MotoServer(run_dir) as moto:` then `moto.url`, `moto.recording`; `port` defaults to a free one."""

    name = "moto server"
    health_path = "/moto-api/data.json"

    def __init__(self, run_dir: Path, port: int | None = None) -> None:
        super().__init__(run_dir, port)
        self.recording = run_dir / RECORDING_FILE

    def launch(self) -> ManagedProcess:
        return ManagedProcess(
            self.name,
            # moto's own server, its Kinesis cost per record made constant (`local_stack.moto_main`).
            [sys.executable, "-m", "local_stack.moto_main", "-H", "127.0.0.1", "-p", str(self.port)],
            self.run_dir / "moto.log",
            env={
                "MOTO_ENABLE_RECORDING": "True",
                "MOTO_RECORDER_FILEPATH": str(self.recording),
                "PYTHONPATH": str(REPO_ROOT),
            },
        )
