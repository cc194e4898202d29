"""The build: byte-reproducible (Terraform uploads the application zip when its hash changes, and every upload
restarts the running job from a snapshot, so an unchanged job must build to the same bytes), an uber jar whose
third-party classes cannot meet another copy on Managed Flink's class path, and a Makefile that warns of nothing."""

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

# What the Maven build reads: the poms, the Java sources and the Python the zip carries.
BUILD_INPUTS = ("pom.xml", "connectors", "packaging", "flink_app", "connect_model")
ARTEFACTS = ("connectors/target/connect-monitor-connectors.jar", "packaging/target/connect-monitor-app.zip")


def _copy_sources(target: Path, mtime: int) -> None:
    target.mkdir()
    for name in BUILD_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("target", "__pycache__"))
        else:
            shutil.copy2(source, target / name)
    # Different file times in each copy: the build must not carry them into the archives.
    for path in target.rglob("*"):
        os.utime(path, (mtime, mtime))


def _build(tree: Path) -> dict[str, str]:
    # -o: the repository's own build (make build / make test) has already filled ~/.m2.
    done = subprocess.run(
        ["mvn", "-B", "-q", "-o", "package", "-DskipTests"], cwd=tree, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"mvn package failed in {tree}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return {name: hashlib.sha256((tree / name).read_bytes()).hexdigest() for name in ARTEFACTS}


def test_two_builds_of_the_same_sources_give_the_same_bytes(tmp_path: Path) -> None:
    if shutil.which("mvn") is None:
        pytest.fail("mvn not found: install Maven (apt-get install maven)")
    first, second = tmp_path / "first", tmp_path / "second"
    _copy_sources(first, mtime=1_700_000_000)
    _copy_sources(second, mtime=1_800_000_000)
    hashes = _build(first), _build(second)
    assert hashes[0] == hashes[1], (
        "two builds of the same sources differ (is project.build.outputTimestamp set in pom.xml?): "
        f"{hashes[0]} != {hashes[1]}"
    )
    # The archive entries carry the fixed build time, not the files' times.
    times = {info.date_time for info in zipfile.ZipFile(second / ARTEFACTS[1]).infolist()}
    assert len(times) == 1, times


JAR = REPO_ROOT / ARTEFACTS[0]
# Packages the uber jar may carry at their own names: Flink's (loaded parent-first from the runtime where it
# has them, e.g. flink-connector-base; the Kinesis connector self-shades its AWS SDK v1 under
# org/apache/flink/kinesis/shaded) and the project's, with every other dependency relocated below it.
OWN_PACKAGES = ("org/apache/flink/", "io/github/connectmonitor/", "META-INF/")


def test_the_uber_jar_relocates_every_third_party_package() -> None:
    assert JAR.exists(), "build it with `make build`"
    names = [n for n in zipfile.ZipFile(JAR).namelist() if n.endswith(".class")]
    assert len(names) > 10_000
    foreign = sorted({"/".join(n.split("/")[:3]) for n in names if not n.startswith(OWN_PACKAGES)})
    assert not foreign, f"unrelocated packages in {JAR.name}: {foreign} (add a <relocation> in connectors/pom.xml)"
    relocated = {"/".join(n.split("/")[4:7]) for n in names if n.startswith("io/github/connectmonitor/shaded/")}
    for package in ("com/google/common", "org/apache/commons", "org/joda/time", "software/amazon/awssdk"):
        assert package in relocated, package


def test_make_warns_of_nothing() -> None:
    """`make` reads the Makefile with the zip on disk: no circular dependency or other warning on its first screen."""
    if shutil.which("make") is None:
        pytest.fail("make not found: install it (apt-get install make)")
    assert (REPO_ROOT / ARTEFACTS[1]).exists(), "build it with `make build`"
    done = subprocess.run(["make", "-n", "build", "test"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr.lower() and "circular" not in done.stderr.lower(), done.stderr
