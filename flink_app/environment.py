"""The Flink table environment, the same locally (mini-cluster) and on Managed Flink.

Locally, `checkpoint_dir` keeps checkpoints on disk and resumes from the newest complete one; on Managed
Flink the service owns checkpoints and restores, so none of those options is set there.
"""

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

from pyflink.common import Configuration
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import EnvironmentSettings, StreamTableEnvironment

from flink_app.config import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
CONNECTORS_JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
# Inside the Managed Flink zip the jar sits under lib/ and is loaded through the `jarfile` run option.
PACKAGED_JAR = REPO_ROOT / "lib" / "connect-monitor-connectors.jar"


def require_java() -> None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError("Java is not installed: install a JDK 11 or 17 (apt-get install openjdk-17-jdk-headless)")


def connectors_jar() -> Path | None:
    """The uber jar for a local run; None where Managed Flink loads it itself."""
    if PACKAGED_JAR.exists():
        return None
    if not CONNECTORS_JAR.exists():
        raise ConfigError(f"{CONNECTORS_JAR} is missing: build it with `make build` (Maven)")
    return CONNECTORS_JAR


_CHECKPOINT = re.compile(r"chk-(\d+)")


def newest_checkpoint(directory: Path) -> Path | None:
    """The newest complete checkpoint under `directory` (`<job id>/chk-N` holding `_metadata`; `chk-N` directly
    under it too), or None. Flink writes `_metadata` last, so a checkpoint cut short by a crash has none.
    Newest is the highest N (a job restored from chk-N numbers its own checkpoints from N + 1), then the
    newest `_metadata`."""
    if not directory.is_dir():
        return None
    found = []
    for metadata in [*directory.glob("chk-*/_metadata"), *directory.glob("*/chk-*/_metadata")]:
        match = _CHECKPOINT.fullmatch(metadata.parent.name)
        if match and metadata.is_file():
            found.append((int(match.group(1)), metadata.stat().st_mtime_ns, metadata.parent))
    return max(found)[2] if found else None


def checkpoint_options(checkpoint_dir: Path, restore_from: Path | None) -> dict[str, str]:
    """Flink 1.20 options of a local run with durable checkpoints: on disk under `checkpoint_dir`, kept when
    the job is cancelled or dies, and the start restored from `restore_from` (a `chk-N` directory)."""
    options = {
        "execution.checkpointing.storage": "filesystem",
        "execution.checkpointing.dir": checkpoint_dir.resolve().as_uri(),
        "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
    }
    if restore_from is not None:
        options["execution.state-recovery.path"] = restore_from.resolve().as_uri()
        # The new job owns the restored checkpoint and deletes it once its own next one completes, so the
        # directory keeps only the newest (execution.checkpointing.num-retained, 1).
        options["execution.state-recovery.claim-mode"] = "CLAIM"
    return options


def rest_options(port: int) -> dict[str, str]:
    """The local mini-cluster's REST API (and web UI) on loopback at `port`."""
    return {
        "rest.bind-address": "127.0.0.1",
        "rest.address": "127.0.0.1",
        "rest.bind-port": str(port),
        "rest.port": str(port),
    }


def scratch_checkpoint_options(directory: Path) -> dict[str, str]:
    """Checkpoints of a local run without `--checkpoint-dir`: on disk in `directory`, deleted with the job.
    Flink's default keeps them in the JobManager's heap, at most 5 MiB of state: a center of a few thousand
    agents is past that, every checkpoint then fails and the job restarts over and over (measured: 8,000 agents,
    checkpoints refused at 5.2 MiB, minutes of stale figures)."""
    return {
        "execution.checkpointing.storage": "filesystem",
        "execution.checkpointing.dir": directory.resolve().as_uri(),
    }


def scratch_checkpoint_dir() -> Path:
    """This process's directory for `scratch_checkpoint_options`, under the system's temp directory; the ones of
    processes no longer running (a job stopped by a signal leaves its own) are removed first."""
    base = Path(tempfile.gettempdir()) / "connect-monitor-checkpoints"
    base.mkdir(exist_ok=True)
    for old in base.iterdir():
        if old.name.isdigit() and not _running(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)
    mine = base / str(os.getpid())
    mine.mkdir(exist_ok=True)
    atexit.register(shutil.rmtree, mine, True)
    return mine


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


def create_environments(
    parallelism: int | None = None,
    checkpoint_seconds: float | None = 10,
    options: dict[str, str] | None = None,
) -> tuple[StreamExecutionEnvironment, StreamTableEnvironment]:
    """The DataStream and Table environments of one job (streaming; bounded sources end by themselves), with
    Flink `options` of a local run (`checkpoint_options`, `scratch_checkpoint_options`, `rest_options`)."""
    require_java()
    if not options:
        env = StreamExecutionEnvironment.get_execution_environment()
    else:
        configuration = Configuration()
        for key, value in options.items():
            configuration.set_string(key, value)
        env = StreamExecutionEnvironment.get_execution_environment(configuration)
    jar = connectors_jar()
    if jar is not None:
        env.add_jars(jar.as_uri())  # also puts the jar on this process's class loader for py4j
    if parallelism:
        env.set_parallelism(parallelism)
    if checkpoint_seconds:
        env.enable_checkpointing(round(checkpoint_seconds * 1000))
    t_env = StreamTableEnvironment.create(env, environment_settings=EnvironmentSettings.in_streaming_mode())
    config = t_env.get_config()
    config.set("table.local-time-zone", "UTC")
    config.set("pipeline.name", "connect-monitor")
    return env, t_env
