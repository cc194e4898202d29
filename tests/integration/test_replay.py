"""`python -m flink_app replay` over every scenario at once: final state equals the independent reference.

One job run (one JVM) serves every test here. Final state = per key, the record with the highest
version, as Timestream keeps it.
"""

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flink_app.config import properties_document
from tests import reference, scenarios
from tests.conftest import REPO_ROOT
from tests.final_state import agent_state_matches_reference, contact_state

pytestmark = pytest.mark.integration

PROPERTIES = {"metrics": {"contact.emit_interval.seconds": "1"}}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_replay(directory: Path, lines: list[str], properties: dict[str, dict[str, str]]) -> dict[str, Any]:
    source = directory / "input.jsonl.gz"
    with gzip.open(source, "wt") as file:
        file.write("\n".join(lines) + "\n")
    properties_file = directory / "properties.json"
    properties_file.write_text(json.dumps(properties_document(properties)))
    output = directory / "out"
    result = subprocess.run(
        [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--properties", str(properties_file),
         "--output", str(output), "--parallelism", "2"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {
        "lines": lines,
        "agent_state": read_jsonl(output / "agent_state_by_queue.jsonl"),
        "contacts": read_jsonl(output / "queue_contact_metrics.jsonl"),
        "dead": read_jsonl(output / "dead_letter.jsonl"),
    }


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The job as deployed: the JVM parse step (the default)."""
    return run_replay(tmp_path_factory.mktemp("replay"), scenarios.mixed(scenarios.all_scenarios()), PROPERTIES)


def test_the_python_parse_step_gives_the_same_output(replay, tmp_path: Path) -> None:
    """`parse.engine=python` (the shared model in a Python UDF) and the JVM parser: the same records written."""
    python = run_replay(tmp_path, replay["lines"], {**PROPERTIES, "parse": {"engine": "python"}})

    def canonical(rows: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(row, sort_keys=True) for row in rows)

    def final(rows: list[dict[str, Any]]) -> dict[Any, Any]:  # contact versions are wall-clock times
        return {key: row["measures"] for key, row in contact_state(rows).items()}

    for output in ("agent_state", "dead"):
        assert canonical(python[output]) == canonical(replay[output]), output
    assert final(python["contacts"]) == final(replay["contacts"])
    assert len(replay["agent_state"]) > 100 and len(replay["dead"]) > 0


def test_agent_state_equals_the_reference_for_every_scenario(replay) -> None:
    agent_state_matches_reference(replay["agent_state"], replay["lines"])


def test_a_queue_that_empties_shows_zero_and_keeps_its_rows(replay) -> None:
    sales = {
        r["time"]: r["measures"]["agents_online"]
        for r in replay["agent_state"]
        if r["dimensions"]["instance_id"] == "inst-agents" and r["dimensions"]["queue_id"] == "q-sales"
    }
    assert sales["2026-01-05T09:00:20Z"] == 3  # ana, ben, dev
    assert sales["2026-01-05T09:01:10Z"] == 2  # ben moved to Support
    assert sales["2026-01-05T09:05:40Z"] == 2  # dev's login was 328 s ago: still counted
    assert sales["2026-01-05T09:05:50Z"] == 1  # dev silent for more than 330 s
    assert sales["2026-01-05T09:07:10Z"] == 0  # ana's last event (lunch) is stale too
    times = sorted(sales)
    steps = {(reference._ms(b) - reference._ms(a)) for a, b in itertools.pairwise(times)}
    assert steps == {10_000}, "a row at every boundary"


def test_contact_metrics_equal_the_reference(replay) -> None:
    actual = contact_state(replay["contacts"])
    expected = reference.queue_contact_metrics(replay["lines"])
    emptied = {k for k in actual if k not in expected}  # a corrected CTR moved its contact to another window
    assert set(actual) == set(expected) | emptied
    assert all(actual[k]["measures"]["contacts_queued"] == 0 for k in emptied)
    wrong = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not wrong, sorted(wrong.items())[:3]


def test_a_corrected_ctr_gets_a_higher_version(replay) -> None:
    versions = [
        r["version"]
        for r in replay["contacts"]
        if r["dimensions"]["instance_id"] == "inst-contacts" and r["time"] == "2026-01-05T09:02:00Z"
        and r["dimensions"]["queue_id"] == "q-sales" and r["dimensions"]["channel"] == "VOICE"
    ]  # fmt: skip
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[0] > 1_700_000_000_000, "versions are the writes' wall-clock milliseconds"


def test_every_junk_line_is_a_dead_letter_with_its_reason(replay) -> None:
    junk = [data for _, data in scenarios.junk().records]
    dead = replay["dead"]
    assert sorted(d["record"] for d in dead) == sorted(junk), "no other dead letters: nothing was too late"
    assert {d["reason"] for d in dead} >= {"not_json", "not_an_object", "unknown_event_type", "unknown_kind"}
