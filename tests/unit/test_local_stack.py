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


def test_the_live_view_shows_the_newest_version_of_the_newest_contact_window() -> None:
    import io

    from rich.console import Console

    from local_stack.demo import JobView, render

    def line(table: str, time: str, version: int, queued: int) -> str:
        dims = '{"instance_id":"i","queue_id":"q","queue_name":"Sales","channel":"VOICE"}'
        return f'{table}> +I[{{"table":"{table}","time":"{time}","dimensions":{dims},"measures":{{"contacts_queued":{queued}}},"version":{version}}}]\n'  # noqa: E501

    view = JobView()
    lines = [
        line("queue_contact_metrics", "2026-01-05T09:01:00Z", 1, 3),
        line("queue_contact_metrics", "2026-01-05T09:01:00Z", 2, 4),
        line("queue_contact_metrics", "2026-01-05T09:00:00Z", 5, 9),
    ]
    view.consume(iter(lines), io.StringIO())
    assert view.contacts[("Sales", "VOICE")]["measures"]["contacts_queued"] == 4
    console = Console(file=io.StringIO(), width=140)
    console.print(render(view, 0.0, 0))
    assert "queue_contact_metrics" in console.file.getvalue()
