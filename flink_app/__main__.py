"""`python -m flink_app run|replay`: the job on a local mini-cluster or Managed Flink, or over a file."""

import argparse
import sys
from pathlib import Path

from flink_app.config import MANAGED_FLINK_PROPERTIES, ConfigError, JobConfig, load_config


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m flink_app", description="Amazon Connect real-time metrics job.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read the Kinesis stream and compute metrics until stopped")
    run.add_argument("--properties", type=Path, default=None, help="properties JSON in Managed Flink's format")
    run.add_argument("--parallelism", type=int, default=None, help="job parallelism (default: Flink's)")
    run.add_argument(
        "--checkpoint-dir",
        type=Path,
        default=None,
        help="local runs: keep checkpoints in DIR (kept when the job stops or dies) and resume from the newest "
        "complete one there; not on Managed Flink, which owns checkpoints",
    )
    run.add_argument(
        "--checkpoint-seconds",
        type=float,
        default=10.0,
        help="checkpoint interval in seconds (default 10)",
    )
    run.add_argument(
        "--paced-input",
        type=Path,
        default=None,
        help="local runs: read the records from FILE (lines `<epoch millis>\\t<record>`, in time order), each "
        "when its time comes, instead of Kinesis: a source that cannot be the bottleneck (benchmarks, demos)",
    )
    run.add_argument(
        "--rest-port",
        type=int,
        default=None,
        help="local runs: serve Flink's REST API and web UI on 127.0.0.1:PORT (default: a free port)",
    )
    replay = commands.add_parser(
        "replay",
        help="run the same job over a file of raw stream records and write DIR/<table>.jsonl",
        description="The same job graph over a bounded file (one raw stream record per line, .gz too): every "
        "window closes at the end. Writes DIR/<table>.jsonl (one line per record the job writes: time, "
        "dimensions, measures, version) and DIR/dead_letter.jsonl. The sink group of the properties is ignored, "
        "unless --write-stores.",
    )
    replay.add_argument("--input", type=Path, required=True, help="file of raw stream records, one per line (.gz ok)")
    replay.add_argument("--properties", type=Path, default=None, help="properties JSON in Managed Flink's format")
    replay.add_argument("--output", type=Path, required=True, help="directory for the .jsonl files (created)")
    replay.add_argument("--parallelism", type=int, default=None, help="job parallelism (default: Flink's)")
    replay.add_argument(
        "--write-stores",
        action="store_true",
        help="also write every result to the stores of sink/types, through the same sinks as a live run",
    )
    return parser.parse_args(argv)


def run(
    config: JobConfig,
    parallelism: int | None,
    checkpoint_dir: Path | None = None,
    checkpoint_seconds: float = 10.0,
    paced_input: Path | None = None,
    rest_port: int | None = None,
) -> None:
    from flink_app import environment, job, sources  # imports pyflink: after the config is known good

    options: dict[str, str] = {}
    if checkpoint_dir is not None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
        restore_from = environment.newest_checkpoint(checkpoint_dir)
        if restore_from is None:
            print(f"flink_app: no complete checkpoint in {checkpoint_dir}: starting fresh", flush=True)
        else:
            print(f"flink_app: restoring from checkpoint {restore_from}", flush=True)
        options |= environment.checkpoint_options(checkpoint_dir, restore_from)
    elif not MANAGED_FLINK_PROPERTIES.exists():  # Managed Flink keeps checkpoints itself
        options |= environment.scratch_checkpoint_options(environment.scratch_checkpoint_dir())
    if rest_port is not None:
        options |= environment.rest_options(rest_port)
    env, t_env = environment.create_environments(parallelism, checkpoint_seconds, options)
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    if paced_input is None:
        stream = sources.kinesis_stream(env, config.source, lateness_ms)
    else:
        stream = sources.paced_file_stream(env, str(paced_input.resolve()), lateness_ms)
    tables = job.register_views(t_env, config, stream)
    job.add_sinks(t_env, config, tables)
    # A local mini-cluster lives as long as this process; Managed Flink runs the job on its own.
    job.execute(env, wait=not MANAGED_FLINK_PROPERTIES.exists())


def replay(
    config: JobConfig, input_path: Path, output_dir: Path, parallelism: int | None, write_stores: bool = False
) -> dict[str, Path]:
    """Runs the job over `input_path` until its end; returns the written files by table. `write_stores`: the
    results go to the stores of `sink/types` too (e.g. to load a local InfluxDB with the job's own output)."""
    from flink_app import environment, job, sources

    env, t_env = environment.create_environments(parallelism=parallelism, checkpoint_seconds=None)
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    stream = sources.file_stream(env, str(input_path.resolve()), lateness_ms)
    tables = job.register_views(t_env, config, stream)
    output_dir.mkdir(parents=True, exist_ok=True)
    files = job.add_replay_sinks(t_env, tables, output_dir.resolve())
    if write_stores:
        job.add_sinks(t_env, config, tables)
    job.execute(env, wait=True)
    return files


def check_local_args(paced_input: Path | None, rest_port: int | None) -> None:
    if MANAGED_FLINK_PROPERTIES.exists() and (paced_input is not None or rest_port is not None):
        raise ConfigError("--paced-input and --rest-port are for local runs: Managed Flink reads Kinesis, owns the UI")
    if paced_input is not None and not paced_input.is_file():
        raise ConfigError(f"--paced-input {paced_input} is not a file: pass lines `<epoch millis>\\t<record>`")
    if rest_port is not None and not 0 < rest_port < 65536:
        raise ConfigError(f"--rest-port {rest_port} is not a TCP port: pass 1-65535, e.g. 8081")


def check_checkpoint_args(checkpoint_dir: Path | None, checkpoint_seconds: float) -> None:
    if not checkpoint_seconds > 0:
        raise ConfigError(f"--checkpoint-seconds {checkpoint_seconds} must be more than 0, e.g. 10")
    if checkpoint_dir is None:
        return
    if MANAGED_FLINK_PROPERTIES.exists():
        raise ConfigError("--checkpoint-dir is for local runs: Managed Flink keeps and restores checkpoints itself")
    if checkpoint_dir.exists() and not checkpoint_dir.is_dir():
        raise ConfigError(f"--checkpoint-dir {checkpoint_dir} is not a directory: pass a directory")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.properties)
        if args.command == "replay" and not args.input.is_file():
            raise ConfigError(f"--input {args.input} is not a file: pass a file of raw stream records (.jsonl or .gz)")
        if args.command == "run":
            check_checkpoint_args(args.checkpoint_dir, args.checkpoint_seconds)
            check_local_args(args.paced_input, args.rest_port)
        from flink_app import environment

        environment.require_java()
        environment.connectors_jar()
    except ConfigError as error:
        print(f"flink_app: {error}", file=sys.stderr)
        return 2
    if args.command == "replay":
        files = replay(config, args.input, args.output, args.parallelism, args.write_stores)
        for name, path in files.items():
            print(f"{name}: {path}")
        return 0
    run(config, args.parallelism, args.checkpoint_dir, args.checkpoint_seconds, args.paced_input, args.rest_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
