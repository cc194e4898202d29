"""Local durable checkpoints: which checkpoint a restart resumes from, and the options of such a run."""

import os
from pathlib import Path

import pytest

from flink_app.__main__ import check_checkpoint_args
from flink_app.config import ConfigError
from flink_app.environment import checkpoint_options, newest_checkpoint


def checkpoint(root: Path, job: str, number: int, complete: bool = True, mtime: int | None = None) -> Path:
    directory = root / job / f"chk-{number}"
    directory.mkdir(parents=True)
    if complete:
        metadata = directory / "_metadata"
        metadata.write_bytes(b"metadata")
        if mtime is not None:
            os.utime(metadata, ns=(mtime, mtime))
    return directory


def test_an_empty_or_missing_directory_starts_fresh(tmp_path) -> None:
    assert newest_checkpoint(tmp_path) is None
    assert newest_checkpoint(tmp_path / "missing") is None
    (tmp_path / "a1" / "shared").mkdir(parents=True)
    (tmp_path / "a1" / "taskowned").mkdir()
    assert newest_checkpoint(tmp_path) is None


def test_the_highest_complete_checkpoint_wins_across_jobs(tmp_path) -> None:
    checkpoint(tmp_path, "job-a", 3)
    checkpoint(tmp_path, "job-b", 12)  # a job restored from chk-N numbers its checkpoints from N + 1
    checkpoint(tmp_path, "job-b", 9)
    assert newest_checkpoint(tmp_path) == tmp_path / "job-b" / "chk-12"


def test_a_checkpoint_cut_short_by_a_crash_is_skipped(tmp_path) -> None:
    checkpoint(tmp_path, "job-a", 7)
    checkpoint(tmp_path, "job-a", 8, complete=False)  # the job died before `_metadata` was written
    assert newest_checkpoint(tmp_path) == tmp_path / "job-a" / "chk-7"


def test_only_chk_directories_with_a_metadata_file_count(tmp_path) -> None:
    (tmp_path / "job-a" / "chk-x").mkdir(parents=True)
    (tmp_path / "job-a" / "chk-x" / "_metadata").write_bytes(b"")
    (tmp_path / "job-a" / "savepoint-5" / "_metadata").parent.mkdir(parents=True)
    (tmp_path / "job-a" / "savepoint-5" / "_metadata").write_bytes(b"")
    (tmp_path / "job-a" / "chk-6" / "_metadata").mkdir(parents=True)  # a directory, not the file
    assert newest_checkpoint(tmp_path) is None


def test_equal_numbers_take_the_newest_metadata(tmp_path) -> None:
    checkpoint(tmp_path, "job-a", 4, mtime=1_000_000_000)
    checkpoint(tmp_path, "job-b", 4, mtime=2_000_000_000)
    assert newest_checkpoint(tmp_path) == tmp_path / "job-b" / "chk-4"


def test_a_job_directory_itself_is_accepted(tmp_path) -> None:
    checkpoint(tmp_path, "job-a", 2)
    checkpoint(tmp_path, "job-a", 5)
    assert newest_checkpoint(tmp_path / "job-a") == tmp_path / "job-a" / "chk-5"


def test_options_keep_checkpoints_on_disk_and_restore_the_chosen_one(tmp_path) -> None:
    fresh = checkpoint_options(tmp_path, None)
    assert fresh == {
        "execution.checkpointing.storage": "filesystem",
        "execution.checkpointing.dir": tmp_path.resolve().as_uri(),
        "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
    }
    restored = checkpoint_options(tmp_path, tmp_path / "job-a" / "chk-5")
    assert restored["execution.state-recovery.path"] == (tmp_path / "job-a" / "chk-5").as_uri()
    assert restored["execution.state-recovery.claim-mode"] == "CLAIM"


def test_checkpoint_arguments_are_checked(tmp_path) -> None:
    check_checkpoint_args(None, 10)
    check_checkpoint_args(tmp_path / "new", 0.5)
    with pytest.raises(ConfigError, match=r"--checkpoint-seconds 0\.0 must be more than 0"):
        check_checkpoint_args(None, 0.0)
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(ConfigError, match="is not a directory"):
        check_checkpoint_args(a_file, 10)


def test_managed_flink_owns_its_checkpoints(tmp_path, monkeypatch) -> None:
    import flink_app.__main__ as cli

    properties = tmp_path / "application_properties.json"
    properties.write_text("[]")
    monkeypatch.setattr(cli, "MANAGED_FLINK_PROPERTIES", properties)
    with pytest.raises(ConfigError, match="Managed Flink keeps and restores checkpoints itself"):
        check_checkpoint_args(tmp_path / "checkpoints", 10)


def test_local_run_arguments_are_checked(tmp_path, monkeypatch) -> None:
    import flink_app.__main__ as cli
    from flink_app.environment import rest_options

    records = tmp_path / "records.tsv"
    records.write_text("1\t{}\n")
    cli.check_local_args(records, 8081)
    cli.check_local_args(None, None)
    with pytest.raises(ConfigError, match=r"--paced-input .* is not a file"):
        cli.check_local_args(tmp_path / "missing.tsv", None)
    with pytest.raises(ConfigError, match="--rest-port 70000 is not a TCP port"):
        cli.check_local_args(None, 70000)
    assert rest_options(8123)["rest.bind-port"] == "8123" and rest_options(8123)["rest.bind-address"] == "127.0.0.1"
    properties = tmp_path / "application_properties.json"
    properties.write_text("[]")
    monkeypatch.setattr(cli, "MANAGED_FLINK_PROPERTIES", properties)
    with pytest.raises(ConfigError, match="for local runs"):
        cli.check_local_args(records, None)


def test_a_run_without_a_checkpoint_dir_checkpoints_to_a_scratch_dir_on_disk(tmp_path, monkeypatch) -> None:
    """Not the JobManager's heap (5 MiB at most: a few thousand agents fail every checkpoint there)."""
    import subprocess
    import sys
    import tempfile

    from flink_app.environment import scratch_checkpoint_dir, scratch_checkpoint_options

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left_behind = tmp_path / "connect-monitor-checkpoints" / ended.stdout.strip()
    (left_behind / "chk-3").mkdir(parents=True)
    mine = scratch_checkpoint_dir()
    assert mine.is_dir() and mine.parent == left_behind.parent and mine.name == str(os.getpid())
    assert not left_behind.exists(), "a stopped job's checkpoints are removed"
    options = scratch_checkpoint_options(mine)
    assert options == {"execution.checkpointing.storage": "filesystem", "execution.checkpointing.dir": mine.as_uri()}
