"""Child servers that are always stopped: own process group, health-checked start, stop by PID."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Self

from local_stack.ports import free_port


class ServerFailed(RuntimeError):
    pass


class ManagedProcess:
    def __init__(self, name: str, command: list[str], log_path: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group: stop() takes its children too
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_healthy(self, url: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited with code {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status < 500:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise ServerFailed(f"{self.name} did not answer {url} within {timeout:.0f} s; see {self.log_path}")

    def stop(self, grace: float = 5.0) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=grace)
            except ProcessLookupError:
                pass
        self._log.close()


class LoopbackServer:
    """One child server on a loopback port: `start()` launches it and waits for `health_path`, `stop()` stops it
    by PID, `with Server(...) as s:` does both. Subclasses say how to launch it and what to do once it answers."""

    name = "server"
    health_path = "/"
    start_timeout = 30.0

    def __init__(self, run_dir: Path, port: int | None = None) -> None:
        self.run_dir = run_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: ManagedProcess | None = None

    def launch(self) -> ManagedProcess:
        raise NotImplementedError

    def when_healthy(self) -> None:
        """Set-up that needs the running server (e.g. creating a database)."""

    def start(self) -> Self:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._process = self.launch()
        try:
            self._process.wait_healthy(f"{self.url}{self.health_path}", timeout=self.start_timeout)
            self.when_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ServerFailed(f"{self.name} was not started")
        return self._process.pid
