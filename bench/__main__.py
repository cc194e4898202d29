"""`python -m bench`: every benchmark side by side in one run, results in bench/RESULTS.md.

1. Timestream sink (issue 4): records/s through the project's sink into moto and into a null
   endpoint, side by side with a blackhole; WriteRecords calls per 1,000 records and the share of
   full (100-record) calls.
2. Write economy (issue 8, item 3): Timestream records, calls and 1 KiB writes per million input
   records, the job vs. the per-event Lambda, and the monthly write cost at 10,000 agents.
3. Job throughput (issue 3, issue 8 items 1 and 5): records/s through the whole job (`flink_app replay`:
   parse, both tables, file sinks) at parallelism 1 and 2 side by side, net of the job's start cost, and a
   paper extrapolation to a 50-shard stream on Managed Flink.
4. Freshness (issue 8, item 2): event time → row stored in the local Timestream, p50/p99, live: the traffic
   generator in real time into kinesis-local, the real job, moto behind a timing proxy (bench/freshness.py).
5. State size (issue 8, item 4): bytes of the job's Flink state per operator, per agent, per queue and per
   contact at 100,000 simulated agents (savepoints of the real operators, hashmap and RocksDB), and whether
   it fits one Managed Flink KPU.

`--only X` rewrites X's section of the results file and keeps the other sections from the earlier run.

`--quick` runs a tiny configuration in about two minutes (what tests/bench checks); the figures of a
quick run mean nothing.
"""

import argparse
import pickle
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

from bench import machine
from bench.freshness import FreshnessSettings, run_freshness
from bench.job_bench import JobSettings, run_job_bench
from bench.report import merge, render, summary_lines
from bench.sink_bench import MOTO, SinkSettings, run_sink_bench
from bench.state_size import StateSettings, run_state_bench, state_summary
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
    "job_runs": 1,
    "job_records": 3000,
    "job_overhead_records": 0,
    "job_agents": 60,
    "job_queues": 4,
    "job_routing_profiles": 3,
    "job_duration": 1800,
    "freshness_agents": 400,
    "freshness_warmup": 15,
    "freshness_seconds": 10,
    "freshness_out_of_orderness": (5,),
    "freshness_contact_emit_seconds": 10,
    "state_agents": 40,
    "state_queues": 4,
    "state_routing_profiles": 4,
    "state_duration": 120,
    "state_rate_agents": 20,
    "state_rate_hours": 1.0,
    "state_check": False,
}


def _seconds_list(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.split(",") if part.strip())
    if not values or min(values) < 0 or len(set(values)) != len(values):
        raise argparse.ArgumentTypeError("give distinct whole seconds ≥ 0, comma-separated, e.g. 5,0")
    return values


def _sources(text: str) -> tuple[str, ...]:
    values = tuple(part.strip() for part in text.split(",") if part.strip())
    if not values or not set(values) <= {"kinesis", "paced"} or len(set(values)) != len(values):
        raise argparse.ArgumentTypeError("give kinesis, paced or both, comma-separated")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmarks side by side and write bench/RESULTS.md (about 15 minutes on 2 cores).",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny configuration for the smoke test (meaningless figures)"
    )
    parser.add_argument(
        "--only", choices=("sink", "economy", "job", "freshness", "state"), default=None, help="run one benchmark only"
    )
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
    job = parser.add_argument_group("job throughput")
    job.add_argument("--job-runs", type=int, default=3, help="runs of each parallelism (default 3)")
    job.add_argument("--job-agents", type=int, default=2000, help="simulated agents (default 2,000: ~188k records)")
    job.add_argument("--job-queues", type=int, default=20)
    job.add_argument("--job-routing-profiles", type=int, default=8)
    job.add_argument("--job-duration", type=int, default=3600, help="simulated seconds (default 3600)")
    job.add_argument("--job-records", type=int, default=0, help="use only the first N records (default: all)")
    job.add_argument(
        "--job-overhead-records", type=int, default=2000, help="records of the small job whose time is subtracted"
    )
    fresh = parser.add_argument_group("freshness (live: generator in real time, kinesis-local, the job, moto)")
    fresh.add_argument(
        "--freshness-agents", type=int, default=8000, help="simulated agents (default 8,000: about 220 records/s)"
    )
    fresh.add_argument("--freshness-queues", type=int, default=20)
    fresh.add_argument(
        "--freshness-kinesis",
        choices=("moto", "kinesis-local"),
        default="moto",
        help="the local Kinesis endpoint (default moto: kinesis-local stalls at this rate after ~11,000 records)",
    )
    fresh.add_argument("--freshness-routing-profiles", type=int, default=8)
    fresh.add_argument(
        "--freshness-warmup", type=int, default=60, help="seconds from the start not measured (default 60)"
    )
    fresh.add_argument(
        "--freshness-seconds", type=int, default=600, help="measured seconds (default 600: 10 minutes sustained)"
    )
    fresh.add_argument(
        "--freshness-sources",
        type=_sources,
        default=("kinesis", "paced"),
        help="comma-separated, one job each side by side: kinesis (the local endpoint) and paced (the same "
        "records from a file, each at its time: the job alone); default both",
    )
    fresh.add_argument(
        "--freshness-out-of-orderness",
        type=_seconds_list,
        default=(5,),
        help="watermark out-of-orderness, one job each, side by side on the same stream (default 5, the job's "
        "default; 5,0 shows what it adds, at the cost of a second job reading kinesis-local)",
    )
    fresh.add_argument(
        "--freshness-contact-emit-seconds",
        type=int,
        default=60,
        help="the job's contact.emit_interval.seconds (default 60, the job's default)",
    )
    fresh.add_argument(
        "--freshness-send-period",
        type=float,
        default=0.5,
        help="seconds between the sender's PutRecords rounds (default 0.5)",
    )
    state = parser.add_argument_group("state size")
    state.add_argument("--state-agents", type=int, default=100_000, help="simulated agents (default 100,000)")
    state.add_argument("--state-queues", type=int, default=500, help="queues (default 500: 200 agents per queue)")
    state.add_argument("--state-routing-profiles", type=int, default=500)
    state.add_argument(
        "--state-duration",
        type=int,
        default=360,
        help="simulated seconds (default 360: every agent logs in, agent state reaches its steady size)",
    )
    state.add_argument(
        "--state-rate-agents", type=int, default=400, help="agents of the hours-long contact-rate run (default 400)"
    )
    state.add_argument(
        "--state-rate-hours",
        type=float,
        default=24,
        help="simulated hours of that run, from midnight (default 24: a whole day)",
    )
    state.add_argument("--state-parallelism", type=int, default=1)
    state.add_argument(
        "--state-rocksdb",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also restore the savepoint on RocksDB and measure it there",
    )
    state.add_argument(
        "--state-check",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the job over the contact-rate run's hours of input: steady state, measured",
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
    if args.job_runs < 1 or args.job_records < 0 or args.job_overhead_records < 0:
        parser.error("--job-runs must be at least 1, --job-records and --job-overhead-records at least 0")
    if args.job_records and args.job_overhead_records >= args.job_records:
        parser.error("--job-overhead-records must be smaller than --job-records")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A `kill` stops the run as Ctrl-C does: every server and job it started is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
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
    job = None
    if args.only in (None, "job"):
        job_settings = JobSettings(
            runs=args.job_runs,
            agents=args.job_agents,
            queues=args.job_queues,
            routing_profiles=args.job_routing_profiles,
            duration_seconds=args.job_duration,
            records=args.job_records,
            overhead_records=args.job_overhead_records,
        )
        job = run_job_bench(job_settings, args.run_dir / "job", progress)
        with (args.run_dir / "job" / "results.pickle").open("wb") as handle:  # to re-render without rerunning
            pickle.dump(job, handle)
    freshness = None
    if args.only in (None, "freshness"):
        freshness_settings = FreshnessSettings(
            agents=args.freshness_agents,
            queues=args.freshness_queues,
            routing_profiles=args.freshness_routing_profiles,
            warmup_seconds=args.freshness_warmup,
            measure_seconds=args.freshness_seconds,
            out_of_orderness_seconds=args.freshness_out_of_orderness,
            contact_emit_seconds=args.freshness_contact_emit_seconds,
            send_period_seconds=args.freshness_send_period,
            kinesis=args.freshness_kinesis,
            sources=args.freshness_sources,
        )
        freshness = run_freshness(freshness_settings, args.run_dir / "freshness", progress)
        with (args.run_dir / "freshness" / "results.pickle").open("wb") as handle:  # to re-render without rerunning
            pickle.dump(freshness, handle)
    state = None
    if args.only in (None, "state"):
        state_settings = StateSettings(
            agents=args.state_agents,
            queues=args.state_queues,
            routing_profiles=args.state_routing_profiles,
            duration_seconds=args.state_duration,
            parallelism=args.state_parallelism,
            rocksdb=args.state_rocksdb,
            rate_agents=args.state_rate_agents,
            rate_hours=args.state_rate_hours,
            check=args.state_check,
        )
        state = run_state_bench(state_settings, args.run_dir / "state", progress)
    notes.append(
        f"load average at the end: {machine.load_average()}; the whole run took {time.monotonic() - began:,.0f} s"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = render(
        described, command, sink_settings, sink_results, economy, notes, job, freshness=freshness, state=state
    )
    if args.only and args.output.exists():  # keep the sections this run did not redo
        text = merge(args.output.read_text(), text)
    args.output.write_text(text)
    progress(f"wrote {args.output}")
    headlines = summary_lines(sink_results, economy, job, freshness=freshness)
    for line in headlines + (state_summary(state) if state else []):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
