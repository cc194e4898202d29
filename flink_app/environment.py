"""The Flink table environment, the same locally (mini-cluster) and on Managed Flink."""

import os
import shutil
from pathlib import Path

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


def create_environments(
    parallelism: int | None = None, checkpoint_seconds: int | None = 10
) -> tuple[StreamExecutionEnvironment, StreamTableEnvironment]:
    """The DataStream and Table environments of one job (streaming; bounded sources end by themselves)."""
    require_java()
    env = StreamExecutionEnvironment.get_execution_environment()
    jar = connectors_jar()
    if jar is not None:
        env.add_jars(jar.as_uri())  # also puts the jar on this process's class loader for py4j
    if parallelism:
        env.set_parallelism(parallelism)
    if checkpoint_seconds:
        env.enable_checkpointing(checkpoint_seconds * 1000)
    t_env = StreamTableEnvironment.create(env, environment_settings=EnvironmentSettings.in_streaming_mode())
    config = t_env.get_config()
    config.set("table.local-time-zone", "UTC")
    config.set("pipeline.name", "connect-monitor")
    return env, t_env
