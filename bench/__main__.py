"""`python -m bench`: every benchmark side by side in one run, results in bench/RESULTS.md.

1. Timestream sink (issue 4): records/s through the project's sink into moto and into a null
   endpoint, side by side with a blackhole; WriteRecords calls per 1,000 records and the share of
   full (100-record) calls.
2. Write economy (issue 8, item 3): Timestream records, calls and 1 KiB writes per million input
   records, the job vs. the per-event Lambda, and the monthly write cost at 10,000 agents.

`--quick` runs a tiny configuration in about a minute (what tests/bench checks); the figures of a
quick run mean nothing.
"""

import argparse
import shlex
import shutil
import sys
import time
from pathlib import Path

from bench import machine
from bench.report import render, summary_lines
from bench.sink_bench import MOTO, SinkSettings, run_sink_bench
from bench.write_economy import EconomySettings, run_economy

REPO_ROOT = Path(__file__).resolve().parent.parent
JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
QUICK = {
    "runs": 1,
    "blackhole_rows": 3000,
    "null_rows": 3000,
    "moto_rows": 3000,
    "warmup_rows": 0,
    "overhead_rows": 0,
    "agents": 12,
    "queues": 3,
    "routing_profiles": 3,
    "duration": 300,
    "replay": False,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmarks side by side and write bench/RESULTS.md (about 15 minutes on 2 cores).",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny configuration for the smoke test (meaningless figures)"
    )
    parser.add_argument("--only", choices=("sink", "economy"), default=None, help="run one benchmark only")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default bench/RESULTS.md; with --quick RUN_DIR/RESULTS.md)",
    )
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / ".run" / "bench", help="logs and scratch files")
    sink = parser.add_argument_group("Timestream sink benchmark")
    sink.add_argument("--runs", type=int, default=5, help="runs of each variant (default 5)")
    sink.add_argument("--blackhole-rows", type=int, default=2_000_000, help="rows per job into the blackhole")
    sink.add_argument("--null-rows", type=int, default=300_000, help="rows per job into the null endpoint")
    sink.add_argument("--moto-rows", type=int, default=60_000, help="rows per job into moto (the slowest)")
    sink.add_argument("--warmup-rows", type=int, default=5_000, help="untimed warm-up rows per worker")
    sink.add_argument("--overhead-rows", type=int, default=1_000, help="rows of the timed small job (fixed cost)")
    sink.add_argument("--sink-queues", type=int, default=50, help="queues the generated rows spread over (default 50)")
    sink.add_argument("--parallelism", type=int, default=1)
    sink.add_argument("--checkpoint-seconds", type=int, default=10, help="the job's checkpoint interval")
    eco = parser.add_argument_group("write economy")
    eco.add_argument("--agents", type=int, default=200, help="simulated agents (default 200)")
    eco.add_argument("--queues", type=int, default=8, help="simulated queues (default 8)")
    eco.add_argument("--routing-profiles", type=int, default=6)
    eco.add_argument("--duration", type=int, default=3600, help="simulated seconds (default 3600)")
    eco.add_argument("--seed", type=int, default=7)
    eco.add_argument("--agents-at-scale", type=int, default=10_000, help="agents of the monthly cost (10,000)")
    eco.add_argument("--queues-at-scale", type=int, default=100, help="queues of the monthly cost (100)")
    eco.add_argument(
        "--replay",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run `python -m flink_app replay` over the same records, when it exists",
    )
    args = parser.parse_args(argv)
    if args.quick:
        explicit = {a.split("=")[0].lstrip("-").replace("-", "_") for a in (argv or sys.argv[1:]) if a.startswith("--")}
        for key, value in QUICK.items():
            if key not in explicit:
                setattr(args, key, value)
    if args.output is None:
        args.output = args.run_dir / "RESULTS.md" if args.quick else REPO_ROOT / "bench" / "RESULTS.md"
    if min(args.runs, args.blackhole_rows, args.null_rows, args.moto_rows) < 1:
        parser.error("--runs and the --*-rows options must be at least 1")
    if args.overhead_rows >= min(args.blackhole_rows, args.null_rows, args.moto_rows):
        parser.error("--overhead-rows must be smaller than every --*-rows")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join([".venv/bin/python -m bench", *map(shlex.quote, sys.argv[1:] if argv is None else argv)])
    if args.only != "economy" and not JAR.exists():
        print(f"bench: {JAR} is missing: build it with `make build`", file=sys.stderr)
        return 2
    began = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - began:6.0f} s] {message}", file=sys.stderr, flush=True)

    if args.run_dir.exists():
        shutil.rmtree(args.run_dir)
    args.run_dir.mkdir(parents=True)
    described = machine.describe()  # at the start: the jar and commit the run used
    notes = [f"load average (1/5/15 min) at start: {machine.load_average()}"]
    sink_settings, sink_results = None, []
    if args.only in (None, "sink"):
        sink_settings = SinkSettings(
            runs=args.runs,
            blackhole_rows=args.blackhole_rows,
            null_rows=args.null_rows,
            moto_rows=args.moto_rows,
            warmup_rows=args.warmup_rows,
            overhead_rows=args.overhead_rows,
            queues=args.sink_queues,
            checkpoint_seconds=args.checkpoint_seconds,
            parallelism=args.parallelism,
            jar=Path(shutil.copy2(JAR, args.run_dir / JAR.name)),
            shared_jvm=args.quick,
        )
        sink_results = run_sink_bench(sink_settings, args.run_dir, progress)
    economy = None
    if args.only in (None, "economy"):
        settings = EconomySettings(
            agents=args.agents,
            queues=args.queues,
            routing_profiles=args.routing_profiles,
            duration_seconds=args.duration,
            seed=args.seed,
            agents_at_scale=args.agents_at_scale,
            queues_at_scale=args.queues_at_scale,
        )
        bodies = [b for r in sink_results if r.variant == MOTO for b in r.bodies]
        economy = run_economy(settings, args.run_dir / "economy", bodies, progress, replay=args.replay)
    notes.append(
        f"load average at the end: {machine.load_average()}; the whole run took {time.monotonic() - began:,.0f} s"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(described, command, sink_settings, sink_results, economy, notes))
    progress(f"wrote {args.output}")
    for line in summary_lines(sink_results, economy):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
