"""Command line: `python -m traffic_generator --help`."""

import argparse
import dataclasses
import sys
import time
from datetime import UTC, datetime

from traffic_generator.config import SimulationConfig
from traffic_generator.simulation import simulate
from traffic_generator.sinks import JsonlSink, KinesisSink, Sink


def _add_config_options(group: argparse._ArgumentGroup) -> None:
    """One option per setting that declares a flag, with its declared meaning and default."""
    for setting in dataclasses.fields(SimulationConfig):
        flag = setting.metadata.get("flag")
        if not flag:
            continue
        meaning = setting.metadata["help"]
        if setting.type is bool:
            negated = flag.startswith("--no-")
            action, when = ("store_false", "do not ") if negated else ("store_true", "")
            group.add_argument(flag, dest=setting.name, action=action, help=f"{when}{meaning}")
        else:
            metavar = "SECONDS" if "seconds" in setting.name else "RATE"
            suffix = "" if setting.default is None else f" (default {setting.default:g})"
            group.add_argument(
                flag, dest=setting.name, type=float, default=setting.default, metavar=metavar, help=meaning + suffix
            )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m traffic_generator",
        description="Generate realistic Amazon Connect agent events, CTRs and EventBridge contact events "
        "(deterministic for a seed and start) into a Kinesis stream or a JSONL file.",
    )
    topo = parser.add_argument_group("contact center")
    topo.add_argument("--agents", type=int, default=50, help="number of agents (default 50)")
    topo.add_argument("--queues", type=int, default=4, help="number of queues (default 4)")
    topo.add_argument("--routing-profiles", type=int, default=3, help="number of routing profiles (default 3)")
    topo.add_argument("--seed", type=int, default=7, help="random seed; same seed and start, same records (default 7)")
    timing = parser.add_argument_group("time and pace")
    timing.add_argument("--start", default="now", help="simulated start, ISO-8601 UTC, or 'now' (default)")
    timing.add_argument(
        "--duration", type=float, default=None, help="simulated seconds to run (default: forever with --pace realtime)"
    )
    timing.add_argument(
        "--pace",
        choices=("realtime", "max"),
        default="max",
        help="realtime: send each record when its time comes; max: as fast as possible (default)",
    )
    timing.add_argument("--rate", type=float, default=0, help="cap on records/s sent (0 = no cap)")
    _add_config_options(parser.add_argument_group("traffic and delivery (RATE: a share 0-1, unless per minute)"))
    out = parser.add_argument_group("output")
    out.add_argument("--sink", choices=("kinesis", "jsonl"), default="jsonl", help="where records go (default jsonl)")
    out.add_argument("--output", default="-", help="JSONL path for --sink jsonl ('-' = stdout)")
    out.add_argument("--stream-name", default="connect-ctr-stream", help="Kinesis stream for --sink kinesis")
    out.add_argument("--endpoint-url", default=None, help="Kinesis endpoint (e.g. the local one); default AWS")
    out.add_argument("--region", default="eu-west-2", help="AWS region (default eu-west-2)")
    out.add_argument("--batch-size", type=int, default=250, help="records per PutRecords, ≤ 500 (default 250)")
    out.add_argument(
        "--contact-events", default=None, help="also write the EventBridge contact events to this JSONL file"
    )
    out.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.duration is None and args.pace == "max":
        parser.error("--pace max needs --duration SECONDS (it would never end); or use --pace realtime")
    for name in ("agents", "queues", "routing_profiles"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def start_time(value: str) -> datetime:
    if value == "now":
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SystemExit(f"error: --start {value!r} is not ISO-8601 (example: 2026-01-05T09:00:00Z) or 'now'") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def config_from(args: argparse.Namespace) -> SimulationConfig:
    flagged = {s.name: getattr(args, s.name) for s in dataclasses.fields(SimulationConfig) if s.metadata.get("flag")}
    return SimulationConfig(
        start=start_time(args.start),
        duration_seconds=args.duration,
        seed=args.seed,
        agents=args.agents,
        queues=args.queues,
        routing_profiles=args.routing_profiles,
        **flagged,
    )


def open_sink(args: argparse.Namespace) -> Sink:
    if args.sink == "jsonl":
        return JsonlSink(args.output)
    import boto3  # only the Kinesis sink needs it

    client = boto3.client("kinesis", region_name=args.region, endpoint_url=args.endpoint_url)
    return KinesisSink(client, args.stream_name, batch_size=args.batch_size)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _, emissions = simulate(config_from(args))
    sink = open_sink(args)
    events = JsonlSink(args.contact_events) if args.contact_events else None
    counts: dict[str, int] = {}
    began = last_report = time.monotonic()
    sent = 0
    try:
        for emission in emissions:
            if events and emission.kind == "contact_event":
                events.write(emission)
            if not emission.on_stream:
                continue
            if args.pace == "realtime":
                wait = (emission.arrival - datetime.now(UTC)).total_seconds()
                if wait > 0:
                    sink.flush()
                    time.sleep(wait)
            if args.rate:
                ahead = sent / args.rate - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)
            sink.write(emission)
            sent += 1
            counts[emission.kind] = counts.get(emission.kind, 0) + 1
            now = time.monotonic()
            if not args.quiet and now - last_report >= 5:
                last_report = now
                mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                print(f"traffic_generator: {sent} records ({mix}), {sent / (now - began):.0f}/s", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        sink.close()
        if events:
            events.close()
    if not args.quiet:
        mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"traffic_generator: done, {sent} records ({mix})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
