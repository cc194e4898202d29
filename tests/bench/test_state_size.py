"""The state-size benchmark end to end at 40 agents (its section of the session's `python -m bench --quick` run), so
it cannot rot.

Checks the structure of its section and that every keyed operator of the job has state in both savepoints;
on a shared 2-core machine no figure is asserted.
"""

import re
from pathlib import Path

import pytest

from bench.state_size import _class_name
from tests.bench.conftest import QuickRun
from tests.bench.test_bench_smoke import section, table_rows

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
KEYED_OPERATORS = (
    "`agent state: per agent` (AgentStateFunction)",
    "`agent state: per instance` (QueueSnapshotFunction)",
    "`contacts: best copy per contact` (ContactDedupFunction)",
    "`contacts: per queue tumbling window` (ContactWindowFunction)",
    "`contacts: per queue rolling window` (ContactWindowFunction)",
    "`contacts: per queue daily window` (ContactWindowFunction)",
    "`live queue: per contact` (ContactQueueFunction)",
    "`live queue: per instance` (QueueWaitingFunction)",
)


def test_quick_state_run_measures_every_keyed_operator_on_both_backends(quick_bench: QuickRun) -> None:
    text = quick_bench.text
    state = section(text, "State size")

    operators = {row[0]: row for row in table_rows(state, "operator")}
    number = re.compile(r"^[\d,]+$")
    for name in KEYED_OPERATORS:
        row = operators[name]
        assert number.match(row[2]) and int(row[2].replace(",", "")) > 0, row  # keys held
        assert int(row[3].replace(",", "")) > 0, row  # bytes in the full checkpoint (hashmap)
        assert int(row[5].replace(",", "")) > 0, row  # bytes in RocksDB's native savepoint
    assert int(operators["**the job**"][3].strip("*").replace(",", "")) > 0
    kinesis = next(row for name, row in operators.items() if name.startswith("Kinesis source"))
    assert kinesis[2] == "50" and int(kinesis[3].replace(",", "")) > 0

    steady = table_rows(state, "state")
    assert [row[0] for row in steady] == [
        "agents",
        "queues",
        "contacts (dedup)",
        "contacts (tumbling windows)",
        "contacts (rolling windows)",
        "contacts (daily windows, at the day's end)",
        "live queue: contacts",
        "live queue: queues",
        "Kinesis shards",
        "**total**",
    ]
    assert re.search(r"\*\*Fits one KPU: (yes|NO)\.\*\*", state)
    assert "contacts per agent-hour" in state
    assert "value entries in the daily windows at the day's end" in state
    assert "state at 40 agents:" in quick_bench.stdout
    assert not list((quick_bench.run_dir / "state").glob("*.jsonl")), "the generated traffic is removed"


def test_jvm_class_names_read_as_java() -> None:
    assert _class_name("[B") == "byte[]"
    assert _class_name("[Ljava.util.HashMap$Node;") == "HashMap$Node[]"
    assert _class_name("io.github.connectmonitor.metrics.ContactRecord") == "ContactRecord"
