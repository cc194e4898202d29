"""A PNG preview of the real-time dashboard's main panels, from a local run's data, before deploying anything.

    python -m grafana.preview                                  # the last `make run` (.run/moto-recording.jsonl)
    python -m grafana.preview --replay-dir DIR                 # `python -m flink_app replay ... --output DIR`
    python -m grafana.preview --output docs/dashboard-preview.png

The panels' own queries (from grafana/dashboards/connect-realtime.json) run on the records the job wrote, through
the same local engine the tests use (grafana.local), over the dashboard's default range (the last hour of data):
what is drawn is what those queries return. A panel whose table has no rows locally (Connect's own figures are
written by a Lambda that `make run` does not run) says "no data", as Grafana would.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

import duckdb

from grafana import build, datasources, realtime, variables
from grafana.local import dashboard, records, timestream
from grafana.local.interpolation import QueryContext

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RECORDING = REPO / ".run" / "moto-recording.jsonl"
DEFAULT_OUTPUT = REPO / ".run" / "dashboard-preview.png"
RANGE = timedelta(hours=1)

# Grafana's dark theme and its classic palette.
BACKGROUND, PANEL, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2c3235"
COLOURS = {
    "available": "#73bf69",
    "on contact": "#5794f2",
    "after-contact work": "#b877d9",
    "non-productive": "#fade2a",
    "error": "#f2495c",
    "online": "#ccccdc",
}
PERCENTILES = {"p50": "#73bf69", "p90": "#fade2a", "p99": "#f2495c"}


def _queries() -> dict[str, str]:
    document = json.loads((build.DASHBOARDS / f"{realtime.UID}.json").read_text())
    return {q.panel: q.sql for q in dashboard.panel_queries(realtime.UID, document) if q.sql}


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
    timestream.load_tables(con, datasources.TIMESTREAM_DATABASE, rows, records.job_table_columns())
    return con, source


def _frame(con, sql: str, context: QueryContext) -> tuple[list[str], list[tuple]]:
    try:
        return dashboard.run(con, datasources.TIMESTREAM.type, sql, context)
    except duckdb.CatalogException:  # a table nothing wrote locally
        return [], []


def _style(ax, title: str) -> None:
    ax.set_facecolor(PANEL)
    ax.set_title(title, color=TEXT, fontsize=10, loc="left")
    ax.tick_params(colors=TEXT, labelsize=8)
    ax.grid(color=GRID, linewidth=0.6)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _no_data(ax, why: str = "No data") -> None:
    ax.text(0.5, 0.5, why, color=TEXT, ha="center", va="center", transform=ax.transAxes, fontsize=9, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def _time_axis(ax) -> None:
    import matplotlib.dates as mdates

    low, high = ax.get_xlim()
    short = (high - low) * 24 * 60 < 15  # under 15 minutes: seconds matter
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S" if short else "%H:%M"))


def render(con: duckdb.DuckDBPyConnection, source: str, output: Path, max_queues: int = 4) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    queries = _queries()
    db = datasources.TIMESTREAM_DATABASE
    # "Now" is the end of the traffic: the newest snapshot with an agent online (a replay closes every window,
    # down to the empty snapshots after the last agent has gone stale).
    now = con.execute(
        f'SELECT coalesce(max(time) FILTER (WHERE agents_online > 0), max(time)) FROM "{db}".agent_state_by_queue'
    ).fetchone()[0]
    first = con.execute(f'SELECT min(time) FROM "{db}".agent_state_by_queue').fetchone()[0]
    from datetime import UTC

    now = now.replace(tzinfo=UTC) + timedelta(seconds=1)
    start = max(now - RANGE, first.replace(tzinfo=UTC))
    table = f'"{db}".agent_state_by_queue'
    instances = [r[0] for r in con.execute(f"SELECT DISTINCT instance_id FROM {table}").fetchall()]
    queues = sorted(r[0] for r in con.execute(f"SELECT DISTINCT queue_name FROM {table}").fetchall())
    values = {"instance": instances, "queue": queues, "channel": list(variables.CHANNELS), "sl": ["20"]}

    def context(**overrides: list[str]) -> QueryContext:
        interval = timedelta(seconds=max(10, int((now - start).total_seconds() / 240)))
        return QueryContext(start, now, interval, {**values, **overrides})

    shown = queues[:max_queues]
    fig = plt.figure(figsize=(16, 4.2 + 3.0 * ((len(shown) + 1) // 2) + 3.2), facecolor=BACKGROUND)
    rows = 2 + (len(shown) + 1) // 2
    grid = fig.add_gridspec(rows, 4, height_ratios=[0.55] + [1] * (rows - 1), hspace=0.55, wspace=0.25)
    fig.subplots_adjust(left=0.04, right=0.985, top=0.9, bottom=0.05)
    fig.suptitle(
        f"{realtime.TITLE} — preview from {source}\n"
        f"{start:%Y-%m-%d %H:%M} to {now:%H:%M} UTC, queues: {', '.join(queues)}",
        color=TEXT,
        fontsize=12,
        x=0.01,
        ha="left",
    )

    # Tiles: "Agents now (job)" over the selected queues.
    columns, result = _frame(con, queries["Agents now (job)"], context())
    for index, name in enumerate(columns[:4] if result else []):
        ax = fig.add_subplot(grid[0, index])
        _style(ax, "")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.62, f"{result[0][index]:.0f}", color="#73bf69", ha="center", va="center", fontsize=26)
        ax.text(0.5, 0.18, f"agents {name} (all queues)", color=TEXT, ha="center", fontsize=9)

    # Per queue: "Agent states — $queue", stacked.
    for index, queue in enumerate(shown):
        ax = fig.add_subplot(grid[1 + index // 2, (index % 2) * 2 : (index % 2) * 2 + 2])
        _style(ax, f"Agent states — {queue}")
        columns, result = _frame(con, queries["Agent states — $queue"], context(queue=[queue]))
        if not result:
            _no_data(ax)
            continue
        times = [r[0] for r in result]
        parts = [c for c in columns[1:] if c != "online"]
        ax.stackplot(
            times,
            *[[r[columns.index(c)] or 0 for r in result] for c in parts],
            labels=parts,
            colors=[COLOURS[c] for c in parts],
            alpha=0.75,
        )
        ax.plot(times, [r[columns.index("online")] for r in result], color=COLOURS["online"], lw=1.5, label="online")
        _time_axis(ax)
        if index == 0:
            ax.legend(loc="upper left", fontsize=7, ncol=6, facecolor=PANEL, labelcolor=TEXT, edgecolor=PANEL)

    # Service level with its colour bands; handle-time percentiles of the first queue; abandonment.
    bottom = rows - 1
    ax = fig.add_subplot(grid[bottom, 0:2])
    _style(ax, "Service level within 20 s (colour bands: target)")
    columns, result = _frame(con, queries["Service level within ${sl} s"], context())
    for low, high, colour in ((0, 0.7, "#f2495c"), (0.7, 0.8, "#ff9830"), (0.8, 1.0, "#73bf69")):
        ax.axhspan(low, high, color=colour, alpha=0.12)
    if result:
        ax.plot([r[0] for r in result], [r[1] for r in result], color="#5794f2", lw=1.8)
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        _time_axis(ax)
    else:
        _no_data(ax, "No data: no queue_contact_metrics records in this run")

    ax = fig.add_subplot(grid[bottom, 2])
    queue = shown[0]
    _style(ax, f"Handle time p50 / p90 / p99 — {queue}")
    columns, result = _frame(con, queries["Handle time p50 / p90 / p99 — $queue"], context(queue=[queue]))
    if result:
        for name, colour in PERCENTILES.items():
            ax.plot([r[0] for r in result], [r[columns.index(name)] for r in result], color=colour, lw=1.2, label=name)
        ax.set_ylabel("s", color=TEXT, fontsize=8)
        ax.legend(fontsize=7, facecolor=PANEL, labelcolor=TEXT, edgecolor=PANEL)
        _time_axis(ax)
    else:
        _no_data(ax)

    ax = fig.add_subplot(grid[bottom, 3])
    _style(ax, "Abandoned contacts per window")
    columns, result = _frame(con, queries["Abandonment"], context())
    if result:
        ax.bar([r[0] for r in result], [r[1] for r in result], width=0.0006, color="#f2495c")
        _time_axis(ax)
    else:
        _no_data(ax)

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
    parser.add_argument("--queues", type=int, default=4, help="queues drawn one by one (default 4)")
    args = parser.parse_args(argv)
    if not args.replay_dir and not args.recording.exists():
        print(f"no recording at {args.recording}: start `make run` first, or pass --replay-dir", file=sys.stderr)
        return 1
    con, source = load(args.replay_dir, None if args.replay_dir else args.recording)
    print(f"wrote {render(con, source, args.output, args.queues)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
