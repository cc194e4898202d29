"""`python -m flink_app run --properties FILE`: the job on a local mini-cluster or Managed Flink."""

import argparse
import sys
from pathlib import Path

from flink_app.config import MANAGED_FLINK_PROPERTIES, ConfigError, load_config


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m flink_app", description="Amazon Connect real-time metrics job.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read the Kinesis stream and compute metrics until stopped")
    run.add_argument("--properties", type=Path, default=None, help="properties JSON in Managed Flink's format")
    run.add_argument("--parallelism", type=int, default=None, help="job parallelism (default: Flink's)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.properties)
        from flink_app import environment, job, sources  # imports pyflink: after the config is known good

        env, t_env = environment.create_environments(parallelism=args.parallelism)
    except ConfigError as error:
        print(f"flink_app: {error}", file=sys.stderr)
        return 2
    lateness_ms = config.metrics.watermark_out_of_orderness_seconds * 1000
    stream = sources.kinesis_stream(env, config.source, lateness_ms)
    job.register_views(t_env, config, sources.raw_table(t_env, stream))
    result = job.add_sinks(t_env, config)
    if not MANAGED_FLINK_PROPERTIES.exists():  # a local mini-cluster lives as long as this process
        result.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
