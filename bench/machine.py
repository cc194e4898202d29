"""What the results were measured on: machine, versions, commit, load."""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "not found"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def kinesis_local_version() -> str:
    manifest = REPO_ROOT / "local_stack" / "node_modules" / "kinesis-local" / "package.json"
    return json.loads(manifest.read_text()).get("version", "?") if manifest.exists() else "not installed"


def commit() -> str:
    head = _first_line(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head} (with uncommitted changes)" if dirty else head


def describe() -> dict[str, str]:
    jar = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {memory_gib():.1f} GiB memory, {cpu_model()}, {platform.system()} "
        f"{platform.release()}",
        "Python": sys.version.split()[0],
        "Java": _first_line(["java", "-version"]),
        "Flink (PyPI apache-flink)": _version("apache-flink"),
        "moto": _version("moto"),
        "boto3": _version("boto3"),
        "kinesis-local (npm)": kinesis_local_version() + " (not used by these benchmarks)",
        "commit": commit(),
        "connectors jar": time_of(jar),
    }


def time_of(path: Path) -> str:
    if not path.exists():
        return "missing"
    built = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return f"{path.relative_to(REPO_ROOT)}, built {built:%Y-%m-%d %H:%M UTC}"
