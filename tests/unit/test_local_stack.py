"""Local stack helpers that need no server: ports and reading the job's output lines."""

import socket

import pytest

from local_stack.job_output import parse_output_line
from local_stack.ports import PortTaken, choose_port


def test_a_taken_port_gives_one_line_naming_the_variable_and_fix() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PortTaken) as caught:
            choose_port(str(port), "kinesis-local", "LOCAL_KINESIS_PORT")
    message = str(caught.value)
    assert "\n" not in message and "LOCAL_KINESIS_PORT" in message and str(port) in message
    with pytest.raises(PortTaken, match="not a port number"):
        choose_port("abc", "moto", "LOCAL_MOTO_PORT")
    assert choose_port(None, "moto", "LOCAL_MOTO_PORT") > 0


def test_output_lines_are_read_back_and_noise_ignored() -> None:
    assert parse_output_line('agent_state_by_queue> +I[{"table":"agent_state_by_queue","version":1}]\n') == {
        "table": "agent_state_by_queue",
        "version": 1,
    }
    assert parse_output_line('dead_letter:2> +I[{"table":"dead_letter"}]')["table"] == "dead_letter"
    assert parse_output_line('agent_state_by_queue> -U[{"table":"x"}]') is None
    assert parse_output_line("INFO some log line") is None


def test_the_live_view_shows_the_newest_version_of_each_series_and_how_often_it_was_written() -> None:
    import io

    from rich.console import Console

    from local_stack.demo import consume
    from local_stack.live_view import JobView, render

    def line(table: str, time: str, version: int, measures: str) -> str:
        dims = '{"instance_id":"i","queue_id":"q","queue_name":"Sales","channel":"VOICE"}'
        return f'{table}> +I[{{"table":"{table}","time":"{time}","dimensions":{dims},"measures":{{{measures}}},"version":{version}}}]\n'  # noqa: E501

    view = JobView()
    lines = [
        line("queue_contact_metrics_daily", "2026-01-05T00:00:00Z", 1, '"contacts_queued":3'),
        line("queue_contact_metrics_daily", "2026-01-05T00:00:00Z", 2, '"contacts_queued":4'),
        line("queue_contact_metrics_daily", "2026-01-04T00:00:00Z", 5, '"contacts_queued":9'),
        line("queue_contact_metrics_rolling", "2026-01-05T09:15:00Z", 1, '"contacts_queued":2'),
        line(
            "queue_contacts_waiting", "2026-01-05T09:15:10Z", 1, '"contacts_in_queue":3,"oldest_contact_age_seconds":75'
        ),
        "a log line, not a record\n",
    ]
    consume(view, iter(lines), io.StringIO())
    today = view.latest("queue_contact_metrics_daily")[("Sales", "VOICE")]
    assert today["measures"]["contacts_queued"] == 4, "the newest day, at its highest version"
    assert view.rewrites("queue_contact_metrics_daily", today, ("Sales", "VOICE")) == 1
    console = Console(file=io.StringIO(), width=200)
    console.print(render(view, 0.0, "local Timestream: 0 records written", 15))
    screen = console.file.getvalue()
    assert "Queues now" in screen and "1:15" in screen, "In queue and Oldest (1 min 15 s)"
    assert "the last 15 minutes" in screen


def test_the_constant_cost_kinesis_shard_answers_as_motos_own() -> None:
    """`local_stack.moto_main` replaces moto's O(stream) shard methods; on the same shard they agree."""
    from moto.kinesis.models import Shard

    from local_stack.moto_main import patch_kinesis_shards

    shard = Shard(0, 0, 2**128 - 1)
    empty = Shard(1, 0, 2**128 - 1)

    def answers() -> list[object]:
        out: list[object] = [shard.get_max_sequence_number(), shard.get_min_sequence_number()]
        out += [empty.get_max_sequence_number(), empty.get_min_sequence_number(), empty.get_records("0", 10)]
        for last, limit in (("0", None), ("0", 7), ("12", 100), ("299", 5), ("300", 5), ("450", 3)):
            records, next_last, behind = shard.get_records(last, limit)
            out.append(([r.sequence_number for r in records], next_last, behind))
        return out

    for i in range(300):
        shard.put_record(f"key-{i}", "ZGF0YQ==", "")
    original = answers()
    undo = patch_kinesis_shards()
    try:
        patched = answers()
        shard.put_record("key-300", "ZGF0YQ==", "")  # a put after the patch takes the next number
        assert shard.get_max_sequence_number() == 301
    finally:
        undo()
    assert patched == original
