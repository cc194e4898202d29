"""Raw stream records for the behaviours the job must get exactly right, one Connect instance each.

Every scenario has its own instance id, so one file (or one stream) carries them all and each is
checked on its own. `mixed()` merges them in arrival order, the way Connect's shards interleave.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from traffic_generator import SimulationConfig, simulate

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
ACCOUNT = "123456789012"


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Scenario:
    """Records of one instance with the time each reaches the stream."""

    name: str
    instance: str
    records: list[tuple[datetime, str]] = field(default_factory=list)

    @property
    def instance_arn(self) -> str:
        return f"arn:aws:connect:eu-west-2:{ACCOUNT}:instance/{self.instance}"

    def queue(self, queue_id: str, name: str) -> dict[str, Any]:
        return {"ARN": f"{self.instance_arn}/queue/{queue_id}", "Name": name, "Channels": ["VOICE"]}

    def agent_event(
        self,
        at: datetime,
        agent: str,
        event_type: str = "HEART_BEAT",
        status: str = "Available",
        status_type: str | None = "ROUTABLE",
        queues: list[dict[str, Any]] | None = None,
        contact_states: tuple[str, ...] = (),
        event_id: str | None = None,
        arrival: datetime | None = None,
    ) -> str:
        document: dict[str, Any] = {
            "AWSAccountId": ACCOUNT,
            "AgentARN": f"{self.instance_arn}/agent/{agent}",
            "EventId": event_id or f"{self.instance}-{agent}-{at.timestamp()}-{event_type}",
            "EventTimestamp": _ts(at),
            "EventType": event_type,
            "InstanceARN": self.instance_arn,
            "Version": "2019-05-25",
        }
        if event_type != "LOGOUT":
            status_json = {"Name": status, **({"Type": status_type} if status_type else {})}
            document["CurrentAgentSnapshot"] = {
                "AgentStatus": status_json,
                "Configuration": {
                    "RoutingProfile": {
                        "ARN": f"{self.instance_arn}/routing-profile/rp",
                        "Name": "rp",
                        "InboundQueues": queues or [],
                    }
                },
                "Contacts": [
                    {"ContactId": f"c-{i}", "Channel": "VOICE", "State": state}
                    for i, state in enumerate(contact_states)
                ],
            }
        data = json.dumps(document)
        self.records.append((arrival or at, data))
        return data

    def ctr(
        self,
        contact: str,
        disconnect: datetime,
        last_update: datetime,
        arrival: datetime,
        queue: dict[str, Any] | None,
        wait: int = 10,
        handled: bool = True,
        talk: int = 100,
        hold: int | None = 5,
        acw: int | None = 20,
        channel: str = "VOICE",
    ) -> None:
        document: dict[str, Any] = {
            "AWSContactTraceRecordFormatVersion": "2017-03-10",
            "ContactId": contact,
            "InstanceARN": self.instance_arn,
            "Channel": channel,
            "DisconnectTimestamp": _ts(disconnect),
            "LastUpdateTimestamp": _ts(last_update),
            "Queue": None,
            "Agent": None,
        }
        if queue is not None:
            document["Queue"] = {"ARN": queue["ARN"], "Name": queue["Name"], "Duration": wait}
        if handled:
            agent: dict[str, Any] = {"ARN": f"{self.instance_arn}/agent/a", "AgentInteractionDuration": talk}
            agent["ConnectedToAgentTimestamp"] = _ts(disconnect - timedelta(seconds=talk))
            if hold is not None:
                agent["CustomerHoldDuration"] = hold
            if acw is not None:
                agent["AfterContactWorkDuration"] = acw
            document["Agent"] = agent
        self.records.append((arrival, json.dumps(document)))


def agents_through_the_day() -> Scenario:
    """Custom statuses, contacts, a routing-profile change, a logout, a silent agent, duplicates."""
    s = Scenario("agents", "inst-agents")
    sales, support = s.queue("q-sales", "Sales"), s.queue("q-support", "Support")

    def at(seconds: float) -> datetime:
        return START + timedelta(seconds=seconds)

    # Ana: available in both queues, takes a contact, after-contact work, then a break (custom status).
    s.agent_event(at(3), "ana", "LOGIN", queues=[sales, support])
    s.agent_event(at(25), "ana", "STATE_CHANGE", queues=[sales, support], contact_states=("CONNECTED",))
    s.agent_event(at(70), "ana", "STATE_CHANGE", queues=[sales, support], contact_states=("ENDED",))
    s.agent_event(at(95), "ana", "STATE_CHANGE", "Lunch", "CUSTOM", queues=[sales, support], event_id="ana-lunch")
    # ... the same event delivered twice (at-least-once): counts once.
    s.agent_event(
        at(95),
        "ana",
        "STATE_CHANGE",
        "Lunch",
        "CUSTOM",
        queues=[sales, support],
        event_id="ana-lunch",
        arrival=at(96),
    )
    # Ben: Sales only, moves to Support (routing-profile change): Sales must fall to 0, not keep 1.
    s.agent_event(at(5), "ben", "LOGIN", queues=[sales])
    s.agent_event(at(61), "ben", "STATE_CHANGE", queues=[support])
    # Cleo: a missed contact (error), then goes offline and logs out.
    s.agent_event(at(8), "cleo", "LOGIN", queues=[support])
    s.agent_event(at(30), "cleo", "STATE_CHANGE", queues=[support], contact_states=("MISSED",))
    s.agent_event(at(140), "cleo", "STATE_CHANGE", "Offline", "OFFLINE", queues=[support])
    s.agent_event(at(143), "cleo", "LOGOUT")
    # Dev: logs in and is never heard of again (silent): counted until stale_after, then not.
    s.agent_event(at(12), "dev", "LOGIN", queues=[sales])
    # Eve: status without a Type ("Training" -> CUSTOM), heartbeats every 120 s.
    for k in range(5):
        s.agent_event(at(20 + 120 * k), "eve", "HEART_BEAT", "Training", None, queues=[support])
    return s


def bounded_disorder() -> Scenario:
    """Events of several agents reach the stream up to 4 s out of order (the watermark allows 5 s)."""
    s = Scenario("disorder", "inst-disorder")
    rng = random.Random(3)
    queue = s.queue("q-claims", "Claims")
    for agent in ("a1", "a2", "a3"):
        for k in range(40):
            at = START + timedelta(seconds=k * 7 + rng.uniform(0, 6))
            states = ("CONNECTED",) if k % 3 == 0 else ()
            status = ("Available", "ROUTABLE") if k % 5 else ("Break", "CUSTOM")
            s.agent_event(
                at, agent, "STATE_CHANGE", *status, queues=[queue], contact_states=states,
                arrival=at + timedelta(seconds=rng.uniform(0, 4)),
            )  # fmt: skip
    return s


def contact_redeliveries() -> Scenario:
    """CTR copies: duplicates, a corrected re-delivery, an older copy after a newer one, one that moves window."""
    s = Scenario("contacts", "inst-contacts")
    sales, vip = s.queue("q-sales", "Sales"), s.queue("q-vip", "VIP")
    # Keep the watermark moving with one agent's heartbeats (CTRs never move it).
    for k in range(12):
        s.agent_event(START + timedelta(seconds=60 * k), "keeper", "HEART_BEAT", queues=[vip])
    t = START + timedelta(seconds=60)

    def at(seconds: float) -> datetime:
        return t + timedelta(seconds=seconds)

    s.ctr("c1", at(5), at(30), at(90), sales, wait=8)
    s.ctr("c1", at(5), at(30), at(95), sales, wait=8)  # dup
    s.ctr("c2", at(20), at(40), at(100), sales, wait=40)
    # c2 corrected minutes later (longer after-contact work): the window's figures change, new version.
    s.ctr("c2", at(20), at(300), at(320), sales, wait=40, acw=90)
    # ... and a stale copy of c2 arriving after the correction: ignored.
    s.ctr("c2", at(20), at(35), at(330), sales, wait=40, acw=1)
    s.ctr("c3", at(50), at(51), at(110), sales, handled=False)
    s.ctr("c4", at(30), at(31), at(100), None, handled=False)
    # c5: the correction moves it to another window (disconnect time corrected) and to chat.
    s.ctr("c5", at(10), at(20), at(80), vip, wait=70)
    s.ctr("c5", at(70), at(200), at(240), vip, wait=70)
    # Missing durations count 0; a chat contact is its own dimension.
    s.ctr("c6", at(15), at(16), at(99), sales, hold=None, acw=None)
    s.ctr("c7", at(15), at(16), at(99), sales, channel="CHAT")
    return s


def junk() -> Scenario:
    s = Scenario("junk", "inst-junk")
    for k, line in enumerate(
        [
            "this is not json",
            "[1, 2, 3]",
            '{"EventType": "PING", "AgentARN": "arn:aws:connect:eu-west-2:1:instance/x/agent/y"}',
            '{"hello": "world"}',
            '{"ContactId": "c-without-disconnect", "InstanceARN": "arn:aws:connect:eu-west-2:1:instance/x"}',
            '{"EventType": "HEART_BEAT", "AgentARN": "arn:aws:connect:eu-west-2:1:instance/x/agent/y", '
            '"EventId": "e", "EventTimestamp": "yesterday", "CurrentAgentSnapshot": {}}',
        ]
    ):
        s.records.append((START + timedelta(seconds=30 * k + 1), line))
    return s


def generated(seed: int = 5, agents: int = 25, seconds: int = 900) -> Scenario:
    """The traffic generator: duplicates, re-delivered CTRs, profile changes, breaks, logouts."""
    config = SimulationConfig(
        start=START,
        duration_seconds=seconds,
        seed=seed,
        agents=agents,
        queues=4,
        mean_shift_seconds=400,
        profile_change_probability=0.05,
        duplicate_probability=0.05,
        redelivery_probability=0.3,
    )
    topology, emissions = simulate(config)
    s = Scenario("generated", topology.instance_arn.rsplit("/", 1)[-1])
    s.records = [(e.arrival, e.data) for e in emissions if e.on_stream]
    return s


def all_scenarios() -> list[Scenario]:
    return [agents_through_the_day(), bounded_disorder(), contact_redeliveries(), junk(), generated()]


def mixed(scenarios: list[Scenario]) -> list[str]:
    """Every record of every scenario in arrival order (stable for equal arrival times)."""
    timed = [(arrival, i, data) for s in scenarios for i, (arrival, data) in enumerate(s.records)]
    return [data for _, _, data in sorted(timed, key=lambda r: (r[0], r[1]))]


def instance_lines(scenario: Scenario) -> list[str]:
    return [data for _, data in sorted(scenario.records, key=lambda r: r[0])]
