"""One benchmark worker: a bounded stream of agent_state_by_queue rows through one sink, timed.

Run by the harness as a child process (`python -m bench.sink_job ...`), so that the harness can
measure the memory of its whole process tree (this Python driver and the JVM it starts). Per
variant: an untimed warm-up job, a timed small job (the fixed cost of deploying and finishing a
job), the timed job; prints one JSON line per variant on stdout.

Rows come from Flink's `datagen` in the JVM (no Python on the hot path): 3 dimensions (instance,
queue id, queue name), the time of a 10 s boundary, a version and the 7 BIGINT measures of
`bench.shape` (the job's agent_state_by_queue): a random queue of `queues` and a random 10 s
boundary of one day per row.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from bench.shape import COLUMNS, DIMENSIONS, MEASURE_NAME, MEASURES
from flink_app.timestream_sink import TimestreamSink

REPO_ROOT = Path(__file__).resolve().parent.parent
JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
VARIANTS = ("blackhole", "null", "moto")  # moto and null: the Timestream sink to that endpoint
DATABASE = "connect_monitor_bench"
REGION = "eu-west-1"
CREDENTIALS = ("bench", "bench")  # moto accepts any
INSTANCE_ID = "5d9f3c1e-8b7a-4f2e-9c3d-1a2b3c4d5e6f"
CHECKPOINTS_AFTER_FINISH = "execution.checkpointing.checkpoints-after-tasks-finish"
FIRST_BOUNDARY_MS = 1_767_600_000_000  # 2026-01-05T08:00:00Z
BOUNDARIES_PER_DAY = 8640  # 10 s boundaries


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sink_job", description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", choices=VARIANTS, required=True, help="repeatable, run in order")
    parser.add_argument("--rows", type=int, required=True, help="rows per timed job")
    parser.add_argument("--warmup-rows", type=int, default=2000, help="rows of the untimed warm-up job per variant")
    parser.add_argument(
        "--overhead-rows", type=int, default=1000, help="rows of a timed small job: the fixed cost of a job (0: none)"
    )
    parser.add_argument("--queues", type=int, default=50, help="rows per 10 s boundary (one per queue)")
    parser.add_argument("--moto-endpoint", default=None, help="moto's URL, for --variant moto")
    parser.add_argument("--null-endpoint", default=None, help="bench.null_timestream's URL, for --variant null")
    parser.add_argument("--table", default="agent_state_by_queue", help="Timestream table of the timed job")
    parser.add_argument("--checkpoint-seconds", type=int, default=10, help="checkpoint interval (the job's: 10)")
    parser.add_argument("--parallelism", type=int, default=1)
    parser.add_argument("--jar", type=Path, default=JAR, help="the connectors jar (the harness passes a snapshot)")
    args = parser.parse_args(argv)
    for variant in ("moto", "null"):
        if variant in args.variant and not getattr(args, f"{variant}_endpoint"):
            parser.error(f"--variant {variant} needs --{variant}-endpoint")
    return args


def source_ddl(name: str, rows: int) -> str:
    """A bounded random datagen: no sequence generator, whose checkpointed state grows with the row count."""
    columns = ",\n  ".join(["seq BIGINT", *(f"`{m}` BIGINT" for m in MEASURES)])
    options = {
        "connector": "datagen",
        "number-of-rows": str(rows),
        "rows-per-second": "1000000000",  # datagen's default is 10,000/s
        "fields.seq.min": "0",
        "fields.seq.max": "1000000000",
    }
    for m in MEASURES:
        options |= {f"fields.{m}.min": "0", f"fields.{m}.max": "400"}
    with_clause = ",\n  ".join(f"'{k}' = '{v}'" for k, v in options.items())
    return f"CREATE TEMPORARY TABLE {name} (\n  {columns}\n) WITH (\n  {with_clause}\n)"


def rows_query(source: str, queues: int) -> str:
    """Rows in the sink's column order: time, dimensions, version, measures (as `OutputTable.sink_rows`)."""
    measures = ", ".join(f"`{m}`" for m in MEASURES)
    return (
        f"SELECT CAST(TO_TIMESTAMP_LTZ({FIRST_BOUNDARY_MS} + MOD(seq / {queues}, {BOUNDARIES_PER_DAY}) * 10000, 3) "
        "AS TIMESTAMP(3)) AS `time`, "
        f"'{INSTANCE_ID}' AS instance_id, "
        f"CONCAT('8e2b4c6d-0000-4000-8000-', LPAD(CAST(seq % {queues} AS STRING), 12, '0')) AS queue_id, "
        f"CONCAT('Queue ', CAST(seq % {queues} AS STRING)) AS queue_name, "
        f"CAST(1 AS BIGINT) AS version, {measures} FROM {source}"
    )


def timestream_sink(endpoint: str, table: str) -> TimestreamSink:
    return TimestreamSink(
        database=DATABASE,
        table=table,
        region=REGION,
        endpoint=endpoint,
        access_key_id=CREDENTIALS[0],
        secret_access_key=CREDENTIALS[1],
        measure_name=MEASURE_NAME,
        dimension_columns=DIMENSIONS,
        time_column="time",
        version_column="version",
    )


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from pyflink.table import EnvironmentSettings, TableEnvironment

        self.args = args
        self.t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
        config = self.t_env.get_config()
        config.set("pipeline.jars", args.jar.resolve().as_uri())
        config.set("restart-strategy.type", "none")  # a failure ends the worker, instead of restarts forever
        config.set("parallelism.default", str(args.parallelism))
        config.set("table.local-time-zone", "UTC")
        if args.checkpoint_seconds:
            config.set("execution.checkpointing.interval", f"{args.checkpoint_seconds} s")
            # A bounded job would otherwise wait up to one interval for a final checkpoint after its last
            # record, time that is not the sink's: finish as soon as every record is acknowledged.
            for key in (CHECKPOINTS_AFTER_FINISH, CHECKPOINTS_AFTER_FINISH + ".enabled"):
                config.set(key, "false")
        self._jobs = 0

    def run(self, variant: str, rows: int, table: str) -> float:
        """Seconds from submitting the job to its end (all rows written and acknowledged)."""
        self._jobs += 1
        source, sink = f"gen_{self._jobs}", f"out_{self._jobs}"
        self.t_env.execute_sql(source_ddl(source, rows))
        columns = COLUMNS
        if variant in ("moto", "null"):
            endpoint = getattr(self.args, f"{variant}_endpoint")
            self.t_env.execute_sql(timestream_sink(endpoint, table).create_table_sql(sink, columns))
        else:
            body = ", ".join(f"`{n}` {t}" for n, t in columns)
            self.t_env.execute_sql(f"CREATE TEMPORARY TABLE {sink} ({body}) WITH ('connector' = 'blackhole')")
        began = time.perf_counter()
        self.t_env.execute_sql(f"INSERT INTO {sink} {rows_query(source, self.args.queues)}").wait()
        return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    if not args.jar.exists():
        print(f"bench.sink_job: {args.jar} is missing: build it with `make build`", file=sys.stderr)
        return 2
    bench = Bench(args)
    for variant in args.variant:
        if args.warmup_rows:
            bench.run(variant, args.warmup_rows, args.table + "_warmup")
        startup = time.perf_counter() - began
        overhead = bench.run(variant, args.overhead_rows, args.table + "_warmup") if args.overhead_rows else 0.0
        seconds = bench.run(variant, args.rows, args.table)
        result = {
            "variant": variant,
            "rows": args.rows,
            "seconds": seconds,
            "overhead_rows": args.overhead_rows,
            "overhead_seconds": overhead,
            "startup_seconds": startup,
        }
        print(json.dumps(result), flush=True)
        began = time.perf_counter()
    return 0


if __name__ == "__main__":
    sys.exit(main())
