"""Start and stop the embedded stack; everything needed to talk to it is in `StackEndpoints`."""

import json
import os
import shutil
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3

from local_stack.moto_server import MotoServer
from local_stack.ports import choose_port
from local_stack.processes import ManagedProcess, ServerFailed

REPO_ROOT = Path(__file__).resolve().parent.parent
KINESIS_LOCAL = REPO_ROOT / "local_stack" / "node_modules" / "kinesis-local"
REGION = "eu-west-2"
# Local endpoints accept any credentials; fixed ones keep every client on the same moto account.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": REGION}


@dataclass(frozen=True, slots=True)
class StackEndpoints:
    kinesis_url: str
    moto_url: str
    region: str
    stream_name: str
    moto_recording: str

    def kinesis_client(self):
        return boto3.client("kinesis", endpoint_url=self.kinesis_url, region_name=self.region, **boto_credentials())

    def moto_client(self, service: str):
        return boto3.client(service, endpoint_url=self.moto_url, region_name=self.region, **boto_credentials())


def boto_credentials() -> dict[str, str]:
    return {"aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": "local"}


class LocalStack:
    """`with LocalStack(run_dir) as endpoints:` starts kinesis-local and moto, creates the stream, stops both."""

    def __init__(self, run_dir: Path, stream_name: str = "connect-ctr-stream", shards: int = 2) -> None:
        self.run_dir = run_dir
        self.stream_name = stream_name
        self.shards = shards
        self._processes: list[ManagedProcess] = []
        self._moto: MotoServer | None = None

    def __enter__(self) -> StackEndpoints:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def start(self) -> StackEndpoints:
        node = shutil.which("node")
        if node is None:
            raise ServerFailed("node is not on PATH: install Node.js 20 (apt-get install nodejs) and run `make setup`")
        if not (KINESIS_LOCAL / "main.js").exists():
            raise ServerFailed(f"kinesis-local is not installed in {KINESIS_LOCAL.parent}: run `make setup`")
        kinesis_port = choose_port(os.environ.get("LOCAL_KINESIS_PORT"), "kinesis-local", "LOCAL_KINESIS_PORT")
        tls_port = choose_port(None, "kinesis-local TLS", "LOCAL_KINESIS_PORT")
        moto_port = choose_port(os.environ.get("LOCAL_MOTO_PORT"), "moto server", "LOCAL_MOTO_PORT")
        kinesis = ManagedProcess(
            "kinesis-local",
            [node, str(KINESIS_LOCAL / "main.js")],
            self.run_dir / "kinesis-local.log",
            env={
                "KINESIS_MOCK_CERT_PATH": str(KINESIS_LOCAL / "server.json"),
                "KINESIS_MOCK_PLAIN_PORT": str(kinesis_port),
                "KINESIS_MOCK_TLS_PORT": str(tls_port),
                "INITIALIZE_STREAMS": f"{self.stream_name}:{self.shards}",
                "AWS_REGION": REGION,
                "LOG_LEVEL": "WARN",
            },
        )
        self._processes.append(kinesis)
        # moto drops Timestream CommonAttributes when it stores records; its request recording keeps
        # them, so local_stack.timestream reads back exactly what the sink wrote.
        moto = MotoServer(self.run_dir, port=moto_port)
        endpoints = StackEndpoints(
            kinesis_url=f"http://127.0.0.1:{kinesis_port}",
            moto_url=moto.url,
            region=REGION,
            stream_name=self.stream_name,
            moto_recording=str(moto.recording),
        )
        kinesis.wait_healthy(f"{endpoints.kinesis_url}/healthcheck")
        self._moto = moto.start()
        wait_stream_active(endpoints.kinesis_client(), self.stream_name)
        (self.run_dir / "stack.json").write_text(json.dumps(asdict(endpoints), indent=2))
        return endpoints

    def stop(self) -> None:
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        for process in reversed(self._processes):
            process.stop()
        self._processes.clear()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes] + ([self._moto.pid] if self._moto else [])


def reset_moto(moto_url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=5).close()


def wait_stream_active(client: Any, stream: str, timeout: float = 30.0) -> None:
    """Until `stream` is ACTIVE (after its creation or a reshard), or `ServerFailed` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            summary = client.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
            if summary["StreamStatus"] == "ACTIVE":
                return
        except client.exceptions.ResourceNotFoundException:
            pass
        time.sleep(0.2)
    raise ServerFailed(f"stream {stream} did not become ACTIVE in kinesis-local within {timeout:.0f} s")
