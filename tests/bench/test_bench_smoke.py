"""`python -m bench --quick`: the benchmark harness end to end in a tiny configuration, so it cannot rot (one run
per session, `quick_bench`; the freshness and state-size sections are checked in their own test files).

Checks the structure of the results file only: on a shared 2-core machine no figure is asserted.
"""

import re

import pytest

from tests.bench.conftest import QuickRun

pytestmark = pytest.mark.integration


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}.*?(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"no section starting with {title!r} in:\n{text}"
    return match.group(0)


def table_rows(text: str, first_header: str) -> list[list[str]]:
    """The body rows of the markdown table whose first header cell is `first_header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    assert lines[start + 1].startswith("|---")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_quick_run_writes_the_machine_sink_economy_and_job_sections(quick_bench: QuickRun) -> None:
    assert "sink run 1/1" in quick_bench.stderr, "progress lines go to stderr"
    text = quick_bench.text

    assert text.startswith("# Benchmarks\n")
    assert "Reproduce: `.venv/bin/python -m bench --quick" in text
    machine = {row[0]: row[1] for row in table_rows(section(text, "Machine and versions"), "what")}
    assert {"machine", "Python", "Java", "Flink (PyPI apache-flink)", "moto", "kinesis-local (npm)", "commit"} <= set(
        machine
    )
    assert re.match(r"\d+ cores, [\d.]+ GiB memory, ", machine["machine"])
    assert machine["Flink (PyPI apache-flink)"] == "1.20.3"

    sink = section(text, "Timestream sink")
    throughput = {row[0]: row for row in table_rows(sink, "sink")}
    assert set(throughput) == {"blackhole", "timestream → null endpoint", "timestream → moto"}
    spread = re.compile(r"^[\d,.]+ \([\d,.]+-[\d,.]+\)$")  # median (min-max)
    for row in throughput.values():
        assert spread.match(row[2]), row
        assert spread.match(row[6]), row  # peak RSS of the process tree
    assert spread.match(throughput["timestream → moto"][4]), "ratio to the blackhole of the same run"
    batching = table_rows(sink[sink.index("WriteRecords calls") :], "sink")
    assert [row[0] for row in batching] == ["timestream → null endpoint", "timestream → moto"]
    for row in batching:
        assert re.match(r"^[\d,.]+ %", row[3]), row  # share of calls with exactly 100 records

    economy = section(text, "Write economy")
    designs = [row[0] for row in table_rows(economy, "design")]
    assert designs[0].startswith("baseline, counted")
    assert designs[1].startswith("baseline, measured: `persist_agent_event`")
    assert any("agent_state_by_queue" in d for d in designs)
    assert "USD per million 1 KiB writes" in economy
    monthly = table_rows(economy, "10,000 agents, 100 queues, 730 h")
    assert [row[0] for row in monthly] == ["baseline (per-event Lambda)", "job (all tables)", "job ÷ baseline"]

    job = section(text, "Job throughput")
    variants = {(row[0], row[1]): row for row in table_rows(job, "parse step")}
    assert set(variants) == {("java", "1"), ("java", "2")}
    for row in variants.values():
        assert spread.match(row[3]), row  # records/s
        assert spread.match(row[9]), row  # peak RSS of the process tree
    assert variants[("java", "1")][6] == "1 (reference)"
    assert spread.match(variants[("java", "2")][6]), "ratio to the reference in the same run"
    assert "KB per record" in job
    assert "Each parse step alone on one core" in job
    assert re.search(r"Target ≥ 40,000 records/s at parallelism 2 on this 2-core machine: \*\*(met|NOT met)\*\*", job)
    assert "Paper extrapolation to a 50-shard stream on Managed Flink" in job
    assert "job run 1/1: java parse, parallelism 2" in quick_bench.stderr


def test_only_keeps_the_other_sections_of_the_results_file() -> None:
    from bench.report import merge

    previous = (
        "# Benchmarks\n\nReproduce: `.venv/bin/python -m bench` (from the repository root). Date: D1.\n\n"
        "## Machine and versions\n\nold machine\n\n## Timestream sink: x\n\nold sink\n\n"
        "## Write economy: y\n\nold economy\n\n## Job throughput: z\n\nold job\n"
    )
    new = (
        "# Benchmarks\n\nReproduce: `.venv/bin/python -m bench --only job` (from the repository root). Date: D2.\n\n"
        "## Machine and versions\n\nnew machine\n\n## Job throughput: z\n\nnew job\n"
    )
    merged = merge(previous, new)
    assert "new machine" in merged and "old machine" not in merged
    assert "new job" in merged and "old job" not in merged
    assert (
        merged.index("new machine") < merged.index("old sink") < merged.index("old economy") < merged.index("new job")
    )
    assert merged.count("*Kept from an earlier run (`.venv/bin/python -m bench`, D1)") == 2
    assert merge(merged, new).count("*Kept from an earlier run") == 2  # not stacked
