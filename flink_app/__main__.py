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
    replay = commands.add_parser(
        "replay",
        help="run the same job over a file of raw stream records and write DIR/<table>.jsonl",
        description="The same job graph over a bounded file (one raw stream record per line, .gz too): every "
        "window closes at the end. Writes DIR/<table>.jsonl (one line per record the job writes: time, "
        "dimensions, measures, version) and DIR/dead_letter.jsonl. The sink group of the properties is ignored.",
    )
    replay.add_argument("--input", type=Path, required=True, help="file of raw stream records, one per line (.gz ok)")
    replay.add_argument("--properties", type=Path, default=None, help="properties JSON in Managed Flink's format")
    replay.add_argument("--output", type=Path, required=True, help="directory for the .jsonl files (created)")
    replay.add_argument("--parallelism", type=int, default=None, help="job parallelism (default: Flink's)")
    return parser.parse_args(argv)


def run(
    config: JobConfig, parallelism: int | None, checkpoint_dir: Path | None = None, checkpoint_seconds: float = 10.0
) -> None:
    from flink_app import environment, job, sources  # imports pyflink: after the config is known good

    restore_from = None
    if checkpoint_dir is not None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
        restore_from = environment.newest_checkpoint(checkpoint_dir)
        if restore_from is None:
            print(f"flink_app: no complete checkpoint in {checkpoint_dir}: starting fresh", flush=True)
        else:
            print(f"flink_app: restoring from checkpoint {restore_from}", flush=True)
    env, t_env = environment.create_environments(
        parallelism=parallelism,
        checkpoint_seconds=checkpoint_seconds,
        checkpoint_dir=checkpoint_dir,
        restore_from=restore_from,
    )
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    stream = sources.kinesis_stream(env, config.source, lateness_ms)
    tables = job.register_views(t_env, config, stream)
    job.add_sinks(t_env, config, tables)
    # A local mini-cluster lives as long as this process; Managed Flink runs the job on its own.
    job.execute(env, wait=not MANAGED_FLINK_PROPERTIES.exists())


def replay(config: JobConfig, input_path: Path, output_dir: Path, parallelism: int | None) -> dict[str, Path]:
    """Runs the job over `input_path` until its end; returns the written files by table."""
    from flink_app import environment, job, sources

    env, t_env = environment.create_environments(parallelism=parallelism, checkpoint_seconds=None)
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    stream = sources.file_stream(env, str(input_path.resolve()), lateness_ms)
    tables = job.register_views(t_env, config, stream)
    output_dir.mkdir(parents=True, exist_ok=True)
    files = job.add_replay_sinks(t_env, tables, output_dir.resolve())
    job.execute(env, wait=True)
    return files


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
        from flink_app import environment

        environment.require_java()
        environment.connectors_jar()
    except ConfigError as error:
        print(f"flink_app: {error}", file=sys.stderr)
        return 2
    if args.command == "replay":
        files = replay(config, args.input, args.output, args.parallelism)
        for name, path in files.items():
            print(f"{name}: {path}")
        return 0
    run(config, args.parallelism, args.checkpoint_dir, args.checkpoint_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
