"""A PNG preview of the real-time dashboard, from a local run's data, before deploying anything.

    python -m grafana.preview                                  # the last `make run` (.run/moto-recording.jsonl)
    python -m grafana.preview --replay-dir DIR                 # `python -m flink_app replay ... --output DIR`
    python -m grafana.preview --output docs/dashboard-preview.png

The panels' own queries (from grafana/dashboards/connect-realtime.json) and the alert rules (from
grafana/provisioning/alerting/) run on the records the job wrote, through the same local engine the tests use
(grafana.local), at the end of the data: what is drawn is what those queries return, and each rule's state is what
it would evaluate to. A figure whose table has no rows locally (Connect's own figures are written by a Lambda that
`make run` does not run) is left blank or says "no data", as Grafana would.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import yaml

from grafana import build, datasources, realtime, wallboard
from grafana.local import alerting, dashboard, records, timestream
from grafana.local.interpolation import ALL, QueryContext

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RECORDING = REPO / ".run" / "moto-recording.jsonl"
DEFAULT_OUTPUT = REPO / ".run" / "dashboard-preview.png"
RANGE = timedelta(hours=1)

# Grafana's dark theme and its classic palette.
BACKGROUND, PANEL, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2c3235"
NAMED = {"green": "#73bf69", "orange": "#ff9830", "red": "#f2495c", "text": TEXT}
STATES = {"Alerting": NAMED["red"], "Normal": NAMED["green"], "NoData": "#8e8e8e", "not run here": "#5794f2"}
COLOURS = {
    "available": "#73bf69",
    "connected or on hold": "#5794f2",
    "after-contact work": "#b877d9",
    "non-productive": "#fade2a",
    "error": "#f2495c",
    "online": "#ccccdc",
}


def _document() -> dict[str, Any]:
    return json.loads((build.DASHBOARDS / f"{realtime.UID}.json").read_text())


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def load(replay_dir: Path | None, recording: Path | None) -> tuple[duckdb.DuckDBPyConnection, str]:
    if replay_dir:
        rows, source = records.from_replay_dir(replay_dir), f"the job's replay output {_shown(replay_dir)}"
    else:
        rows, source = records.from_recording(recording), f"the local run's Timestream writes {_shown(recording)}"
    if not any(r.table == "agent_state_by_queue" for r in rows):
        raise SystemExit(f"no agent_state_by_queue records in {source}: run `make run` for a minute or two first")
    con = duckdb.connect()
    empty = {**records.lambda_table_columns(), **records.job_table_columns()}
    timestream.load_tables(con, datasources.TIMESTREAM_DATABASE, rows, empty)
    return con, source


def cut(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Only what the job had written by `now` (a replay also writes the empty snapshots after the traffic)."""
    db = datasources.TIMESTREAM_DATABASE
    tables = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [db]).fetchall()
    for (table,) in tables:
        con.execute(f'DELETE FROM "{db}"."{table}" WHERE time > ?', [now.replace(tzinfo=None)])


def _frame(con: duckdb.DuckDBPyConnection, query: dashboard.PanelQuery, context: QueryContext) -> tuple[list, list]:
    try:
        return dashboard.run(con, query.datasource_type, query.sql, context)
    except duckdb.CatalogException:  # a table nothing wrote locally
        return [], []


def stat_colour(panel: dict[str, Any], value: float) -> tuple[str, str]:
    """(text, colour) a stat shows: its value mappings first, else its thresholds."""
    defaults = panel["fieldConfig"]["defaults"]
    for mapping in defaults.get("mappings") or []:
        if mapping["type"] == "value" and str(int(value)) in mapping["options"]:
            result = mapping["options"][str(int(value))]
            return result["text"], NAMED[result["color"]]
    steps = [s for s in defaults["thresholds"]["steps"] if s["value"] is None or value >= s["value"]]
    text = f"{value * 100:.1f} %" if defaults["unit"] == "percentunit" else f"{value:.0f} s"
    return text, NAMED.get(steps[-1]["color"], TEXT)


def _style(ax: Any, title: str) -> None:
    ax.set_facecolor(PANEL)
    ax.set_title(title, color=TEXT, fontsize=10, loc="left")
    ax.tick_params(colors=TEXT, labelsize=8)
    ax.grid(color=GRID, linewidth=0.6)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _blank(ax: Any, title: str) -> None:
    _style(ax, title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def grafana_regex(pattern: str) -> re.Pattern[str]:
    """Grafana's stringToJsRegex: `/body/flags` as written, any other string anchored at both ends."""
    match = re.fullmatch(r"/(.*?)/([gimsy]*)", pattern)
    if not match:
        return re.compile(f"^{pattern}$")
    return re.compile(match.group(1), re.IGNORECASE if "i" in match.group(2) else 0)


def mapped(value: Any, mappings: list[dict[str, Any]]) -> tuple[str, str | None] | None:
    """(text, colour) of the first regex value mapping that matches, as Grafana's getValueMappingResult does
    (the display text is the value with the match replaced by the result's text, `$1` its first group)."""
    for mapping in mappings:
        if mapping["type"] != "regex" or not isinstance(value, str):
            continue
        regex, result = grafana_regex(mapping["options"]["pattern"]), mapping["options"]["result"]
        if regex.search(value):
            text = regex.sub(re.sub(r"\$(\d)", r"\\\1", result.get("text", "")), value, count=1)
            return text, NAMED.get(result.get("color", ""))
    return None


def column_mappings(panel: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A table panel's value mappings per column (its by-name overrides)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for override in panel["fieldConfig"]["overrides"]:
        for prop in override["properties"]:
            if prop["id"] == "mappings":
                found[override["matcher"]["options"]] = prop["value"]
    return found


def _cell(value: Any, column: str, mappings: list[dict[str, Any]]) -> tuple[str, str | None]:
    """A table cell's text and background colour: its column's value mappings first, as in Grafana."""
    if value is None:
        return "-", None
    shown = mapped(value, mappings)
    if shown:
        return shown
    if column in wallboard.UNITS:
        return f"{value:.0f} s", None
    return (f"{value:.0f}" if isinstance(value, (int, float)) else str(value)), None


def draw_table(ax: Any, columns: list[str], rows: list[tuple], mappings: dict[str, list[dict[str, Any]]]) -> None:
    _blank(ax, "Queues now — cells coloured by each queue's targets (grafana/targets.yaml)")
    if not rows:
        ax.text(0.5, 0.5, "No data", color=TEXT, ha="center", va="center", transform=ax.transAxes)
        return
    cells = [[_cell(v, c, mappings.get(c, [])) for v, c in zip(row, columns, strict=True)] for row in rows]
    headers = [textwrap.fill(c.replace("Abandonment", "Abandon-ment"), 10) for c in columns]
    table = ax.table(
        cellText=[[text for text, _ in row] for row in cells],
        cellColours=[[colour or PANEL for _, colour in row] for row in cells],
        colLabels=headers,
        colColours=[GRID] * len(columns),
        cellLoc="center",
        bbox=[0, 0, 1, 1],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    for (row, _), cell in table.get_celld().items():
        cell.set_edgecolor(BACKGROUND)
        coloured = row > 0 and cell.get_facecolor()[:3] != table[(row, 0)].get_facecolor()[:3]
        cell.get_text().set_color("#111217" if coloured else TEXT)


def rule_states(con: duckdb.DuckDBPyConnection, now: datetime) -> list[tuple[str, str, str]]:
    """(title, state, detail) of every provisioned rule, evaluated on the local data where it can be."""
    document = yaml.safe_load(build.ALERTING_FILE.read_text())
    states = []
    for rule in document["groups"][0]["rules"]:
        try:
            evaluation = alerting.evaluate(rule, con, now)
        except alerting.NotExecutable:
            states.append((rule["title"], "not run here", "CloudWatch: no local engine"))
            continue
        firing = sorted(dict(labels).get("queue", "") for labels in evaluation.firing)
        detail = ", ".join(q for q in firing if q) or ("fires" if firing else f"{len(evaluation.values)} checked")
        states.append((rule["title"], evaluation.state, detail))
    return states


def draw_rules(ax: Any, states: list[tuple[str, str, str]]) -> None:
    _blank(ax, "Alert rules (grafana/provisioning/alerting), evaluated on this data")
    for index, (title, state, detail) in enumerate(states):
        y = 0.86 - index * 0.15
        ax.text(0.02, y, "●", color=STATES[state], fontsize=12, va="center", transform=ax.transAxes)
        ax.text(0.06, y, title, color=TEXT, fontsize=9, va="center", transform=ax.transAxes)
        ax.text(0.5, y, f"{state}: {detail}", color=STATES[state], fontsize=8.5, va="center", transform=ax.transAxes)


def draw_states(ax: Any, columns: list[str], rows: list[tuple], title: str) -> None:
    _style(ax, title)
    if not rows:
        ax.text(0.5, 0.5, "No data", color=TEXT, ha="center", va="center", transform=ax.transAxes)
        return
    import matplotlib.dates as mdates

    times = [r[0] for r in rows]
    parts = [c for c in columns[1:] if c != "online"]
    series = [[r[columns.index(c)] or 0 for r in rows] for c in parts]
    ax.stackplot(times, *series, labels=parts, colors=[COLOURS[c] for c in parts], alpha=0.75)
    ax.plot(times, [r[columns.index("online")] for r in rows], color=COLOURS["online"], lw=1.5, label="online")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.legend(loc="upper left", fontsize=7, ncol=6, facecolor=PANEL, labelcolor=TEXT, edgecolor=PANEL)


def render(con: duckdb.DuckDBPyConnection, source: str, output: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    document = _document()
    queries = {q.panel: q for q in dashboard.panel_queries(realtime.UID, document) if q.sql}
    panels = {p.get("title"): p for p in document["panels"]}
    db = datasources.TIMESTREAM_DATABASE
    # "Now" is the end of the traffic: the newest snapshot with an agent online (a replay closes every window,
    # down to the empty snapshots after the last agent has gone stale).
    newest = con.execute(
        f'SELECT coalesce(max(time) FILTER (WHERE agents_online > 0), max(time)) FROM "{db}".agent_state_by_queue'
    ).fetchone()[0]
    now = newest.replace(tzinfo=UTC) + timedelta(seconds=1)
    cut(con, now)
    selection = {"instance": [ALL], "queue": [ALL], "channel": [ALL], "sl": ["20"]}
    custom_all = dashboard.all_values(document)

    def context(**overrides: list[str]) -> QueryContext:
        return QueryContext(now - RANGE, now, timedelta(seconds=20), {**selection, **overrides}, custom_all)

    fig = plt.figure(figsize=(18, 11), facecolor=BACKGROUND)
    grid = fig.add_gridspec(3, 6, height_ratios=[1.0, 0.85, 1.2], hspace=0.35, wspace=0.3)
    fig.subplots_adjust(left=0.03, right=0.985, top=0.91, bottom=0.04)
    fig.suptitle(
        f"{realtime.TITLE} — preview from {source}\n{now - RANGE:%Y-%m-%d %H:%M} to {now:%H:%M} UTC",
        color=TEXT,
        fontsize=12,
        x=0.01,
        ha="left",
    )
    table = fig.add_subplot(grid[0, :])
    draw_table(table, *_frame(con, queries["Queues now"], context()), column_mappings(panels["Queues now"]))
    for index, title in enumerate(("Service level, last 15 min", "Abandonment, last 15 min", "Job output age")):
        ax = fig.add_subplot(grid[1, index])
        _blank(ax, "")
        columns, rows = _frame(con, queries[title], context())
        value = rows[0][0] if rows else None
        text, colour = stat_colour(panels[title], value) if value is not None else ("no data", PANEL)
        ax.set_facecolor(colour)
        ax.text(0.5, 0.58, text, color="#111217" if value is not None else TEXT, ha="center", fontsize=24)
        ax.text(0.5, 0.18, title, color="#111217" if value is not None else TEXT, ha="center", fontsize=9)
    draw_rules(fig.add_subplot(grid[1, 3:]), rule_states(con, now))
    queue_names = sorted(
        r[0] for r in con.execute(f'SELECT DISTINCT queue_name FROM "{db}".agent_state_by_queue').fetchall()
    )
    for index, queue in enumerate(queue_names[:2]):
        columns, rows = _frame(con, queries["Agent states — $queue"], context(queue=[queue]))
        draw_states(fig.add_subplot(grid[2, index * 3 : index * 3 + 3]), columns, rows, f"Agent states — {queue}")
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=90, facecolor=BACKGROUND)
    plt.close(fig)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grafana.preview", description=__doc__.split("\n\n")[0])
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--replay-dir", type=Path, help="output directory of `python -m flink_app replay`")
    given.add_argument("--recording", type=Path, default=DEFAULT_RECORDING, help="moto recording of a local run")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"PNG file (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    if not args.replay_dir and not args.recording.exists():
        print(f"no recording at {args.recording}: start `make run` first, or pass --replay-dir", file=sys.stderr)
        return 1
    con, source = load(args.replay_dir, None if args.replay_dir else args.recording)
    print(f"wrote {render(con, source, args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
