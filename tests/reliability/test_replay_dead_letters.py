"""The bad-input corpus through the real job: `python -m flink_app replay` over a file of the corpus records.

Every record the model rejects must come out of the job in `dead_letter.jsonl` with its reason: the counts per
reason are equal, nothing is dropped silently and the job does not stop. Valid records that the job cannot
place in a window (event time behind the watermark) are dead-lettered as `too_late`, which is accounted for
separately: such a record must be one of the corpus' valid records (the job writes its summary, not its text).
"""

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.reliability import corpus

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
JOB_LATE_REASON = "too_late"


def _replay_available() -> bool:
    from flink_app import __main__ as cli

    return hasattr(cli, "replay")


def corpus_lines() -> list[tuple[dict[str, Any], bytes]]:
    """One record per line, as the replay's file source reads them (every corpus record is a single line)."""
    cases = corpus.committed_stream_records() + corpus.generated_stream_records()
    lines = []
    for case in cases:
        raw = corpus.raw_record(case)
        data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        assert b"\n" not in data, case["id"]
        lines.append((case, data))
    return lines


@pytest.mark.skipif(not _replay_available(), reason="waits for `python -m flink_app replay` (the job rework)")
def test_every_bad_record_is_in_the_jobs_dead_letters_with_its_reason(tmp_path: Path) -> None:
    lines = corpus_lines()
    source = tmp_path / "corpus.jsonl"
    source.write_bytes(b"\n".join(data for _, data in lines) + b"\n")
    out = tmp_path / "out"
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--output", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    elapsed = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr[-3000:]

    letters = [json.loads(line) for line in (out / "dead_letter.jsonl").read_text(encoding="utf-8").splitlines()]
    bad = [({**case, "expect": corpus.job_expectation(case)}, data) for case, data in lines]
    bad = [(case, data) for case, data in bad if case["expect"] not in corpus.VALID]
    late = [x for x in letters if x["reason"] == JOB_LATE_REASON]
    rejected = [x for x in letters if x["reason"] != JOB_LATE_REASON]

    assert Counter(x["reason"] for x in rejected) == Counter(case["expect"] for case, _ in bad)
    shown = Counter((x["reason"], x["record"]) for x in rejected)
    for case, data in bad:
        if isinstance(corpus.raw_record(case), str) and "\r" not in case.get("record", ""):
            key = (case["expect"], data.decode("utf-8", "surrogatepass")[:4096])
            assert shown[key] > 0, f"{case['id']} is not in the dead letters with its record"
    # The job writes a summary of a late record ({"kind": "ctr", "ContactId": ..., ...}), not its raw text.
    late_kinds = Counter(json.loads(x["record"])["kind"] for x in late)
    valid_kinds = Counter(
        corpus.job_expectation(case) for case, _ in lines if corpus.job_expectation(case) in corpus.VALID
    )
    assert all(late_kinds[kind] <= valid_kinds[kind] for kind in late_kinds), "only valid records can be too late"
    print(
        f"\nreplay: {len(lines)} corpus records ({len(bad)} bad, {len(lines) - len(bad)} valid) in {elapsed:.0f} s: "
        f"{len(rejected)} dead letters with the model's reason, {len(late)} valid ones {JOB_LATE_REASON}"
    )
