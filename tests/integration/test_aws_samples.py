"""AWS's published agent-event samples through the real job (`python -m flink_app replay`): the figures each
must produce. One replay per sample group: they are years apart, and the job writes every boundary between.
"""

import pytest

from tests import aws_samples
from tests.final_state import agent_state
from tests.integration.test_replay import run_replay

pytestmark = pytest.mark.integration

PROPERTIES = {"metrics": {"contact.emit_interval.seconds": "1"}}
INSTANCE = "aaaaaaaa-bbbb-cccc-dddd-111111111111"


def replayed(tmp_path, names: list[str]) -> dict:
    return agent_state(run_replay(tmp_path, [aws_samples.repaired(n) for n in names], PROPERTIES)["agent_state"])


def test_after_contact_work_on_an_outbound_call_then_available_again(tmp_path) -> None:
    rows = replayed(tmp_path, ["agent-event-streams-acw-entered.txt", "agent-event-streams-acw-left.txt"])
    in_acw = rows[("2018-10-25T18:55:30Z", INSTANCE, "queue-ARN-for-BasicQueue")]["measures"]
    assert in_acw == {
        "agents_online": 1,
        "agents_available": 0,
        "agents_on_contact": 1,
        "agents_after_contact_work": 1,
        "agents_non_productive": 0,
        "agents_error": 0,
        "agents_staffed": 1,
    }
    free = rows[("2018-10-25T18:55:40Z", INSTANCE, "queue-ARN-for-PrimaryQueue")]["measures"]
    assert (free["agents_available"], free["agents_on_contact"], free["agents_after_contact_work"]) == (1, 0, 0)
    assert {k[2] for k in rows} == {"queue-ARN-for-BasicQueue", "queue-ARN-for-PrimaryQueue"}


def test_an_offline_agents_heartbeat_makes_its_queue_known_at_zero_and_its_agent_queue_never(tmp_path) -> None:
    rows = replayed(tmp_path, ["sample-agent-event-stream.txt"])
    assert set(rows) == {("2019-08-13T20:58:50Z", INSTANCE, "queue-ARN")}, "no row for the agent's own queue"
    only = rows[("2019-08-13T20:58:50Z", INSTANCE, "queue-ARN")]
    assert only["queue_name"] == "Omni-channel-queue" and not any(only["measures"].values())
