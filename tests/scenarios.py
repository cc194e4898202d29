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
        contacts: list[dict[str, Any]] | None = None,
    ) -> str:
        """`contact_states` gives inbound voice contacts in those states; `contacts` gives them whole."""
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
                "Contacts": contacts
                if contacts is not None
                else [
                    {"ContactId": f"c-{i}", "Channel": "VOICE", "State": state, "InitiationMethod": "INBOUND"}
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
        holds: int | None = None,
        enqueued: bool = True,
        initiation: str = "INBOUND",
        reason: str | None = None,
        next_contact: str | None = None,
    ) -> None:
        """A CTR; `holds` defaults to 1 when `hold` > 0; `reason` is the DisconnectReason (absent if None)."""
        document: dict[str, Any] = {
            "AWSContactTraceRecordFormatVersion": "2017-03-10",
            "ContactId": contact,
            "InstanceARN": self.instance_arn,
            "Channel": channel,
            "InitiationMethod": initiation,
            "DisconnectTimestamp": _ts(disconnect),
            "LastUpdateTimestamp": _ts(last_update),
            "NextContactId": next_contact,
            "Queue": None,
            "Agent": None,
        }
        if reason is not None:
            document["DisconnectReason"] = reason
        answered = disconnect - timedelta(seconds=talk if handled else 0)
        if queue is not None:
            document["Queue"] = {"ARN": queue["ARN"], "Name": queue["Name"], "Duration": wait if enqueued else 0}
            if enqueued:
                document["Queue"]["EnqueueTimestamp"] = _ts(answered - timedelta(seconds=wait))
                document["Queue"]["DequeueTimestamp"] = _ts(answered)
        if handled:
            agent: dict[str, Any] = {"ARN": f"{self.instance_arn}/agent/a", "AgentInteractionDuration": talk}
            agent["ConnectedToAgentTimestamp"] = _ts(answered)
            if hold is not None:
                agent["CustomerHoldDuration"] = hold
                agent["NumberOfHolds"] = holds if holds is not None else int(hold > 0)
            if acw is not None:
                agent["AfterContactWorkDuration"] = acw
            document["Agent"] = agent
        self.records.append((arrival, json.dumps(document)))


def contact_event(
    s: Scenario,
    event_type: str,
    contact: str,
    step: datetime,
    arrival: datetime,
    queue: dict[str, Any] | None = None,
    channel: str = "VOICE",
    event_id: str | None = None,
    enqueued: datetime | None = None,
) -> None:
    """An EventBridge contact event as the rule puts it on the stream (camelCase detail, the envelope whole);
    `step` is the time of the step it reports, `enqueued` the contact's enqueue time on later events."""
    detail: dict[str, Any] = {
        "eventType": event_type,
        "contactId": contact,
        "channel": channel,
        "instanceArn": s.instance_arn,
        "initiationMethod": "INBOUND",
        "initiationTimestamp": _ts(step if event_type == "INITIATED" else step - timedelta(seconds=30)),
    }
    if queue is not None:
        detail["queueInfo"] = {
            "queueArn": queue["ARN"],
            "queueType": "STANDARD",
            "enqueueTimestamp": _ts(step if event_type == "QUEUED" else enqueued or step),
        }
    if event_type == "CONNECTED_TO_AGENT":
        detail["agentInfo"] = {"agentArn": f"{s.instance_arn}/agent/a", "connectedToAgentTimestamp": _ts(step)}
    if event_type == "DISCONNECTED":
        detail["disconnectTimestamp"] = _ts(step)
    envelope = {
        "version": "0",
        "id": event_id or f"{contact}-{event_type}-{step.timestamp()}",
        "detail-type": "Amazon Connect Contact Event",
        "source": "aws.connect",
        "account": ACCOUNT,
        "time": step.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-west-2",
        "resources": [s.instance_arn],
        "detail": detail,
    }
    s.records.append((arrival, json.dumps(envelope)))


def live_queue() -> Scenario:
    """Contact events on the stream: answered, abandoned, moved between queues, a callback, chat and voice,
    duplicate and out-of-order events, a lost DISCONNECTED (its CTR ends the wait), a lost leaving event
    with no CTR (the maximum wait ends it) and a queue that empties. Agents keep the watermark moving and
    name the queues."""
    s = Scenario("live_queue", "inst-queue")
    alpha, beta = s.queue("q-alpha", "Alpha"), s.queue("q-beta", "Beta")

    def at(seconds: float) -> datetime:
        return START + timedelta(seconds=seconds)

    def event(kind: str, contact: str, seconds: float, queue: dict[str, Any] | None = None, **kw: Any) -> None:
        delay = kw.pop("delay", 0.8)  # EventBridge's delivery, well within the watermark's 5 s
        contact_event(s, kind, contact, at(seconds), at(seconds + delay), queue, **kw)

    for k in range(30):  # a heartbeat every 20 s on both queues: watermark and names
        s.agent_event(at(1 + 20 * k), "keeper", "HEART_BEAT", queues=[alpha, beta])
    # Answered: waits in Alpha from 09:00:05 to 09:00:37.
    event("INITIATED", "answered", 3)
    event("QUEUED", "answered", 5, alpha)
    event("CONNECTED_TO_AGENT", "answered", 37, alpha, enqueued=at(5))
    event("CONNECTED_TO_AGENT", "answered", 37, alpha, enqueued=at(5), delay=1.5)  # a duplicate delivery
    # Abandoned after 50 s in Alpha; a copy of its QUEUED comes again after its DISCONNECTED: counted once.
    event("QUEUED", "abandoned", 12, alpha, event_id="abandoned-queued")
    event("DISCONNECTED", "abandoned", 62, alpha, enqueued=at(12))
    event("QUEUED", "abandoned", 12, alpha, event_id="abandoned-queued", delay=51.5)
    # Out of order within the watermark's allowance: connected first, queued half a second before.
    event("CONNECTED_TO_AGENT", "swapped", 33, alpha, enqueued=at(31), delay=0.2)
    event("QUEUED", "swapped", 31, alpha, delay=3)
    # Late beyond it: a QUEUED that reaches the stream 50 s after its step (Gamma, a queue of its own).
    event("QUEUED", "late", 12, s.queue("q-gamma", "Gamma"), delay=50.3)
    event("DISCONNECTED", "late", 80, s.queue("q-gamma", "Gamma"), enqueued=at(12))
    # Moved from Alpha to Beta by the flow (a queue transfer: a new contact waits in Beta).
    event("QUEUED", "moved", 20, alpha)
    event("DISCONNECTED", "moved", 48, alpha, enqueued=at(20))
    event("INITIATED", "moved-2", 48)
    event("QUEUED", "moved-2", 48.5, beta)
    event("CONNECTED_TO_AGENT", "moved-2", 95, beta, enqueued=at(48.5))
    # A callback: the customer hangs up after asking; the callback contact waits in Alpha from 09:02:00.
    event("QUEUED", "asked", 30, alpha)
    event("DISCONNECTED", "asked", 44, alpha, enqueued=at(30))
    event("INITIATED", "callback", 120)
    event("QUEUED", "callback", 121, alpha)
    event("CONNECTED_TO_AGENT", "callback", 190, alpha, enqueued=at(121))
    # Chats wait in Beta (channel written "Chat", upper-cased).
    event("QUEUED", "chat-1", 25, beta, channel="Chat")
    event("QUEUED", "chat-2", 27, beta, channel="Chat")
    event("CONNECTED_TO_AGENT", "chat-1", 61, beta, channel="Chat", enqueued=at(25))
    event("CONNECTED_TO_AGENT", "chat-2", 64, beta, channel="Chat", enqueued=at(27))  # Beta's chats: empty again
    # Lost DISCONNECTED: the CTR (a minute later) ends the wait at its DisconnectTimestamp.
    event("QUEUED", "lost-leave", 70, beta)
    s.ctr("lost-leave", at(130), at(131), at(190), beta, wait=60, handled=False)
    # Lost leaving event, no CTR ever: counted until queue.max_wait.seconds, then not.
    event("QUEUED", "forever", 150, alpha)
    return s


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


def connect_definitions() -> Scenario:
    """Every case where Connect's definitions differ from the easy path: outbound calls (ring and CTR), agent
    queues, rejected chats, concurrent chats, snapshots without a status Type, callbacks, queue transfers,
    flow disconnects, abandons with and without a reason, several holds and none, a lower-case channel, and
    contacts on both sides of midnight in America/Anchorage (09:00 UTC)."""
    s = Scenario("definitions", "inst-connect")
    sales, support = s.queue("q-sales", "Sales"), s.queue("q-support", "Support")

    def own_queue(agent: str) -> dict[str, Any]:  # as AWS's sample shows it: Name null
        return {"ARN": f"{s.instance_arn}/queue/agent/{agent}", "Name": None, "Channels": ["VOICE", "CHAT"]}

    def at(seconds: float) -> datetime:
        return START + timedelta(seconds=seconds)

    def contact(state: str, method: str = "INBOUND", channel: str = "VOICE", cid: str = "c") -> dict[str, Any]:
        return {"ContactId": cid, "Channel": channel, "State": state, "InitiationMethod": method}

    # Oona dials out: outbound ring counts as on contact, then talk, after-contact work, free again.
    queues = [sales, support, own_queue("oona")]
    s.agent_event(at(2), "oona", "LOGIN", queues=queues)
    s.agent_event(at(21), "oona", "STATE_CHANGE", queues=queues, contacts=[contact("CONNECTING", "OUTBOUND")])
    s.agent_event(at(43), "oona", "STATE_CHANGE", queues=queues, contacts=[contact("CONNECTED", "OUTBOUND")])
    s.agent_event(at(71), "oona", "STATE_CHANGE", queues=queues, contacts=[contact("ENDED", "OUTBOUND")])
    s.agent_event(at(92), "oona", "STATE_CHANGE", queues=queues)
    # Chen takes chats two at a time, rejects one (an error), and has an inbound chat ringing (not on contact).
    queues = [support, own_queue("chen")]
    s.agent_event(at(4), "chen", "LOGIN", queues=queues)
    ringing = contact("CONNECTING", channel="CHAT", cid="k1")
    s.agent_event(at(14), "chen", "STATE_CHANGE", queues=queues, contacts=[ringing])
    two = [contact("CONNECTED", channel="CHAT", cid="k1"), contact("CONNECTED", channel="CHAT", cid="k2")]
    s.agent_event(at(24), "chen", "STATE_CHANGE", queues=queues, contacts=two)
    rejected = [contact("CONNECTED", channel="CHAT", cid="k1"), contact("REJECTED", channel="CHAT", cid="k3")]
    s.agent_event(at(36), "chen", "STATE_CHANGE", queues=queues, contacts=rejected)
    s.agent_event(at(52), "chen", "STATE_CHANGE", queues=queues)
    # Odin's snapshots carry no AgentStatus.Type (older format): the names decide.
    s.agent_event(at(6), "odin", "LOGIN", "Available", None, queues=[sales])
    s.agent_event(at(33), "odin", "STATE_CHANGE", "Break", None, queues=[sales])
    s.agent_event(at(63), "odin", "STATE_CHANGE", "Offline", None, queues=[sales])

    # CTRs: disconnects from 08:59 UTC on (23:59 in Anchorage) to 09:02.
    def ctr(contact_id: str, seconds: float, **kwargs: Any) -> None:
        disconnect = at(seconds)
        s.ctr(contact_id, disconnect, disconnect + timedelta(seconds=40), disconnect + timedelta(seconds=60), **kwargs)

    ctr("c-before-midnight", -30, queue=sales, wait=12, hold=30, holds=2)  # the day before, in Anchorage
    ctr("c-no-hold", 10, queue=sales, wait=3, hold=0)  # answered, never on hold: not in the hold average
    ctr("c-abandoned", 15, queue=sales, wait=45, handled=False, reason="CUSTOMER_DISCONNECT")
    ctr("c-abandoned-old-record", 20, queue=sales, wait=25, handled=False)  # no DisconnectReason: abandoned
    ctr("c-callback", 25, queue=sales, wait=80, handled=False, reason="CUSTOMER_DISCONNECT", next_contact="c-cb")
    ctr("c-cb", 110, queue=sales, wait=60, initiation="CALLBACK")
    ctr("c-transferred", 30, queue=sales, wait=20, handled=False, next_contact="c-qt")  # queue to queue
    ctr("c-qt", 95, queue=support, wait=15, initiation="QUEUE_TRANSFER")
    ctr("c-flow", 35, queue=support, wait=5, handled=False, reason="CONTACT_FLOW_DISCONNECT")  # flow ended it
    ctr("c-outbound", 40, queue=sales, wait=0, enqueued=False, initiation="OUTBOUND")  # outbound queue only
    ctr("c-chat", 45, queue=support, wait=8, channel="chat")  # upper-cased: CHAT
    ctr("c-to-agent", 50, queue=own_queue("oona"), wait=9, initiation="TRANSFER")  # in an agent's queue
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


def generated(seed: int = 5, agents: int = 25, seconds: int = 900, lossless: bool = False) -> Scenario:
    """The traffic generator: a real queue, outbound calls, callbacks, queue transfers, flow disconnects,
    rejected and concurrent chats, agent queues, duplicates, re-delivered CTRs, profile changes, breaks,
    logouts, and contact events on the stream (some lost, some duplicated)."""
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
        contact_events_on_stream=True,
        contact_event_loss_probability=0.0 if lossless else 0.03,
        contact_event_duplicate_probability=0.05,
    )
    topology, emissions = simulate(config)
    s = Scenario("generated", topology.instance_arn.rsplit("/", 1)[-1])
    s.records = [(e.arrival, e.data) for e in emissions if e.on_stream]
    return s


def all_scenarios() -> list[Scenario]:
    return [
        agents_through_the_day(),
        bounded_disorder(),
        contact_redeliveries(),
        connect_definitions(),
        live_queue(),
        junk(),
        generated(),
        lossless_generated(),
    ]


def lossless_generated() -> Scenario:
    """Generated traffic whose contact events all arrive: the live queue should agree with Connect's own view of
    the queue, which the CTRs record (tests/integration/test_replay.py reconciles the two)."""
    return generated(seed=9, agents=15, seconds=900, lossless=True)


def mixed(scenarios: list[Scenario]) -> list[str]:
    """Every record of every scenario in arrival order (stable for equal arrival times)."""
    timed = [(arrival, i, data) for s in scenarios for i, (arrival, data) in enumerate(s.records)]
    return [data for _, _, data in sorted(timed, key=lambda r: (r[0], r[1]))]


def instance_lines(scenario: Scenario) -> list[str]:
    return [data for _, data in sorted(scenario.records, key=lambda r: r[0])]
