"""The preview renders the real-time dashboard's main panels, and the alert rules' states, from a local run's data."""

from __future__ import annotations

import base64
import json
from datetime import UTC
from pathlib import Path

from grafana import preview
from tests.grafana.conftest import JobRun

PNG = b"\x89PNG\r\n\x1a\n"


def test_preview_from_replay_output(job_run: JobRun, tmp_path: Path) -> None:
    output = tmp_path / "preview.png"
    assert preview.main(["--replay-dir", str(job_run.output_dir), "--output", str(output)]) == 0
    assert output.read_bytes().startswith(PNG) and output.stat().st_size > 50_000


def test_preview_from_a_local_runs_recording(job_run: JobRun, tmp_path: Path) -> None:
    """`make run` leaves moto's request recording; the preview reads the job's WriteRecords from it."""
    records = [
        {
            "Dimensions": [{"Name": k, "Value": v} for k, v in r.dimensions.items()],
            "MeasureName": r.measure_name,
            "MeasureValueType": "MULTI",
            "MeasureValues": [{"Name": k, "Value": str(v), "Type": "BIGINT"} for k, v in r.measures.items()],
            "Time": str(int(r.time.timestamp() * 1000)),
            "Version": r.version,
        }
        for r in job_run.rows
        if r.table == "agent_state_by_queue"
    ][:400]
    request = {"DatabaseName": "connect_monitor", "TableName": "agent_state_by_queue", "Records": records}
    entry = {
        "headers": {"X-Amz-Target": "Timestream_20181101.WriteRecords"},
        "body": base64.b64encode(json.dumps(request).encode()).decode(),
    }
    recording = tmp_path / "moto-recording.jsonl"
    recording.write_text(json.dumps(entry) + "\n")
    output = tmp_path / "preview.png"
    assert preview.main(["--recording", str(recording), "--output", str(output)]) == 0
    assert output.read_bytes().startswith(PNG)


def test_preview_without_a_run_says_what_to_do(tmp_path: Path, capsys) -> None:
    assert preview.main(["--recording", str(tmp_path / "absent.jsonl"), "--output", str(tmp_path / "x.png")]) == 1
    assert "make run" in capsys.readouterr().err


def test_preview_lists_every_alert_rule_with_its_state_on_the_data(job_run: JobRun) -> None:
    con, _ = preview.load(job_run.output_dir, None)
    newest = con.execute('SELECT max(time) FROM "connect_monitor".agent_state_by_queue').fetchone()[0]
    states = preview.rule_states(con, newest.replace(tzinfo=UTC))
    assert [s[0] for s in states][:3] == [
        "Service level below target",
        "Oldest contact above critical",
        "Job output older than 2 minutes",
    ]
    assert {s[1] for s in states} <= set(preview.STATES) and states[-1][1] == "not run here"


def test_banded_cells_show_their_text_on_their_colour_through_the_panels_own_mappings() -> None:
    """The preview applies the table's value mappings as Grafana does (stringToJsRegex, `$1`)."""
    board = json.loads((preview.build.DASHBOARDS / "connect-realtime.json").read_text())
    (table,) = [p for p in board["panels"] if p.get("title") == "Queues now"]
    mappings = preview.column_mappings(table)
    assert set(mappings) == set(preview.wallboard.BANDED)
    oldest = mappings["Oldest"]
    assert preview._cell("red|2:05", "Oldest", oldest) == ("2:05", preview.NAMED["red"])
    assert preview._cell("amber|68 %", "Oldest", oldest) == ("68 %", preview.NAMED["orange"])
    assert preview._cell("green|0:12", "Oldest", oldest) == ("0:12", preview.NAMED["green"])
    assert preview._cell(None, "Oldest", oldest) == ("-", None)
    assert preview._cell(182.4, "AHT 15 min", []) == ("182 s", None)
    assert preview.grafana_regex("a|b").fullmatch("a") and not preview.grafana_regex("a").search("xa")
