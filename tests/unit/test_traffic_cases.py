"""The traffic generator against real contact centers: a real queue, and every case Connect records.

One default run (40 agents, 30 simulated minutes) must contain each case, in the shape the Connect data
models give it; the checks read the records through `connect_model`, and the raw JSON where the model
does not keep a field (NextContactId, DisconnectReason, a queue's null Name).
"""

import itertools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest

from connect_model import AgentEvent, ContactEvent, ContactTraceRecord, parse_contact_event, parse_stream_record
from traffic_generator import SimulationConfig, simulate
from traffic_generator.__main__ import main
from traffic_generator.simulation import Emission

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Run:
    emissions: list[Emission]
    events: list[tuple[AgentEvent, dict[str, Any]]]  # unique by EventId, in event-time order
    ctrs: dict[str, tuple[ContactTraceRecord, dict[str, Any]]]  # the newest copy per ContactId
    contact_events: list[tuple[Emission, ContactEvent]]

    def ctr_json(self, contact_id: str) -> dict[str, Any]:
        return self.ctrs[contact_id][1]

    def legs(self) -> list[tuple[AgentEvent, dict[str, Any]]]:
        """Every contact on every snapshot, with the event that shows it."""
        return [(e, c) for e, raw in self.events for c in (raw.get("CurrentAgentSnapshot") or {}).get("Contacts", [])]


@cache
def default_run(**overrides: Any) -> Run:
    config = SimulationConfig(start=START, duration_seconds=1800, agents=40, **overrides)
    emissions = list(simulate(config)[1])
    events: dict[str, tuple[AgentEvent, dict[str, Any]]] = {}
    ctrs: dict[str, tuple[ContactTraceRecord, dict[str, Any]]] = {}
    contact_events = []
    for e in emissions:
        if e.kind == "contact_event":
            contact_events.append((e, parse_contact_event(json.loads(e.data))))
        elif e.kind in ("agent_event", "ctr"):
            record, raw = parse_stream_record(e.data), json.loads(e.data)
            if isinstance(record, AgentEvent):
                events[record.event_id] = (record, raw)
            else:
                ctrs[record.contact_id] = (record, raw)
    ordered = sorted(events.values(), key=lambda pair: pair[0].event_time)
    return Run(emissions, ordered, ctrs, contact_events)


def queued(record: dict[str, Any]) -> bool:
    return bool(record["Queue"] and record["Queue"].get("EnqueueTimestamp"))


def unanswered(record: dict[str, Any]) -> bool:
    return queued(record) and record["Agent"] is None


# -- the queue --------------------------------------------------------------------------------------
def test_contacts_wait_first_in_first_out_per_queue_and_channel() -> None:
    """Routing offers contacts in enqueue order: among contacts of a queue and channel, the first offers
    (ringing, or INCOMING for a callback) come in the order they were enqueued."""
    first: dict[str, tuple[datetime, str, str, str]] = {}
    for event, leg in default_run().legs():
        if leg["State"] in ("CONNECTING", "INCOMING") and leg["QueueTimestamp"]:
            first.setdefault(
                leg["ContactId"], (event.event_time, leg["QueueTimestamp"], leg["Queue"]["ARN"], leg["Channel"])
            )
    by_queue: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for offered, enqueued, queue, channel in first.values():
        by_queue[(queue, channel)].append((offered, enqueued))
    assert len(first) > 200 and len(by_queue) >= 4
    for offers in by_queue.values():
        enqueue_order = [enqueued for _, enqueued in sorted(offers)]
        assert enqueue_order == sorted(enqueue_order)


def test_queue_waits_follow_from_the_simulation() -> None:
    """Wait = dequeue - enqueue, whole seconds; answered contacts leave the queue when connected."""
    waits = []
    for record, raw in default_run().ctrs.values():
        if queued(raw):
            assert record.queue and record.queue.enqueued and record.queue.dequeued
            assert record.queue.duration_seconds == round(
                (record.queue.dequeued - record.queue.enqueued).total_seconds()
            )
            if record.handled and raw["InitiationMethod"] != "CALLBACK":
                assert record.agent and record.queue.dequeued == record.agent.connected
            waits.append(record.queue.duration_seconds)
    # Ringing counts as time in queue: a contact answered at once waits a few seconds.
    assert min(waits) <= 8 and max(waits) > 30, "most are answered at once, some wait"


def test_agents_are_mostly_busy_at_the_default_rates() -> None:
    """Default arrival rates aim at ~80 % occupancy: time with a contact over time Available."""
    busy = available = 0.0
    by_agent: dict[str, list[AgentEvent]] = defaultdict(list)
    for event, _ in default_run().events:
        by_agent[event.agent_arn].append(event)
    for events in by_agent.values():
        for event, after in itertools.pairwise(events):
            if event.snapshot and event.snapshot.status.name == "Available":
                seconds = (after.event_time - event.event_time).total_seconds()
                available += seconds
                busy += seconds if event.snapshot.contacts else 0
    assert 0.72 <= busy / available <= 0.88


def test_an_agent_never_exceeds_its_slots_and_works_one_channel_at_a_time() -> None:
    two_chats = False
    for _, raw in default_run().events:
        snapshot = raw.get("CurrentAgentSnapshot")
        if not snapshot:
            continue
        slots = {c["Channel"]: c["MaximumSlots"] for c in snapshot["Configuration"]["RoutingProfile"]["Concurrency"]}
        channels = Counter(c["Channel"] for c in snapshot["Contacts"])
        assert len(channels) <= 1 and all(n <= slots[channel] for channel, n in channels.items())
        assert slots["VOICE"] == 1
        chats = [c for c in snapshot["Contacts"] if c["Channel"] == "CHAT"]
        two_chats |= len(chats) >= 2 and len({c["ContactId"] for c in chats}) == len(chats)
    assert two_chats, "some agent works two chats at once, each with its own state"


# -- the customers' side ----------------------------------------------------------------------------
def test_abandoned_contacts_with_and_without_a_disconnect_reason() -> None:
    abandoned = [r for _, r in default_run().ctrs.values() if unanswered(r) and not r["NextContactId"]]
    reasons = Counter(r.get("DisconnectReason", "absent") for r in abandoned)
    assert reasons["CUSTOMER_DISCONNECT"] > 0 and reasons["absent"] > 0
    assert reasons["CONTACT_FLOW_DISCONNECT"] > 0, "the flow disconnects some queued contacts"
    assert set(reasons) <= {"CUSTOMER_DISCONNECT", "absent", "CONTACT_FLOW_DISCONNECT"}


def test_a_callback_is_its_own_contact_queued_and_handled() -> None:
    run = default_run()
    originals = [r for _, r in run.ctrs.values() if unanswered(r) and r["NextContactId"] in run.ctrs]
    callbacks = [run.ctr_json(r["NextContactId"]) for r in originals]
    pairs = [(o, c) for o, c in zip(originals, callbacks, strict=True) if c["InitiationMethod"] == "CALLBACK"]
    assert pairs
    for original, callback in pairs:
        assert original["Queue"]["DequeueTimestamp"] and original["Queue"]["Duration"] >= 0
        assert original["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
        assert callback["PreviousContactId"] == original["ContactId"]
        assert callback["InitialContactId"] == original["ContactId"]
        assert callback["Queue"]["ARN"] == original["Queue"]["ARN"] and queued(callback)
        assert callback["InitiationTimestamp"] >= original["Queue"]["DequeueTimestamp"]
    assert any(parse_stream_record(json.dumps(c)).handled for _, c in pairs)
    incoming = {
        (leg["InitiationMethod"], leg["State"]) for _, leg in run.legs() if leg["InitiationMethod"] == "CALLBACK"
    }
    assert {("CALLBACK", "INCOMING"), ("CALLBACK", "CONNECTING"), ("CALLBACK", "CONNECTED")} <= incoming


def test_a_queue_transfer_ends_one_segment_and_queues_the_next_in_another_queue() -> None:
    run = default_run()
    moved = [
        (r, run.ctr_json(r["NextContactId"]))
        for _, r in run.ctrs.values()
        if unanswered(r) and r["NextContactId"] in run.ctrs
        and run.ctr_json(r["NextContactId"])["InitiationMethod"] == "QUEUE_TRANSFER"
    ]  # fmt: skip
    assert moved
    for original, transferred in moved:
        assert original["DisconnectReason"] is None  # the customer is still on the line
        assert transferred["PreviousContactId"] == original["ContactId"]
        assert transferred["Queue"]["ARN"] != original["Queue"]["ARN"]
        assert transferred["Queue"]["EnqueueTimestamp"] == original["Queue"]["DequeueTimestamp"]


def test_outbound_calls_name_the_outbound_queue_but_were_never_queued() -> None:
    run = default_run()
    outbound = [(record, raw) for record, raw in run.ctrs.values() if record.initiation_method == "OUTBOUND"]
    assert outbound
    for record, raw in outbound:
        assert record.queue and record.queue.name and record.queue.duration_seconds == 0
        assert record.queue.enqueued is None and record.queue.dequeued is None
        assert "EnqueueTimestamp" not in raw["Queue"] and record.handled
        assert raw["ConnectedToSystemTimestamp"] == raw["Agent"]["ConnectedToAgentTimestamp"]
    states = defaultdict(list)
    for _, leg in run.legs():
        if leg["InitiationMethod"] == "OUTBOUND":
            assert leg["QueueTimestamp"] is None and leg["Queue"]["ARN"]
            if not states[leg["ContactId"]] or states[leg["ContactId"]][-1] != leg["State"]:
                states[leg["ContactId"]].append(leg["State"])
    assert ["CONNECTING", "CONNECTED", "ENDED"] in [
        [s for s in seq if s != "CONNECTED_ONHOLD"] for seq in states.values()
    ]


def test_rejected_chats_go_back_to_the_queue_and_missed_calls_too() -> None:
    run = default_run()
    rejected = {leg["ContactId"] for _, leg in run.legs() if leg["State"] == "REJECTED"}
    missed = {leg["ContactId"] for _, leg in run.legs() if leg["State"] == "MISSED"}
    assert rejected and missed
    assert {leg["Channel"] for _, leg in run.legs() if leg["ContactId"] in rejected} == {"CHAT"}
    assert {leg["Channel"] for _, leg in run.legs() if leg["ContactId"] in missed} == {"VOICE"}
    # Offered again, to another agent for a rejected chat; the CTR counts every offer.
    for contact_id in rejected | missed:
        if contact_id in run.ctrs and run.ctrs[contact_id][0].handled:
            assert run.ctr_json(contact_id)["AgentConnectionAttempts"] >= 2
    rejected_by = {(e.agent_arn, leg["ContactId"]) for e, leg in run.legs() if leg["State"] == "REJECTED"}
    connected_by = {(e.agent_arn, leg["ContactId"]) for e, leg in run.legs() if leg["State"] == "CONNECTED"}
    assert not rejected_by & connected_by


def test_calls_with_several_holds_and_calls_with_none() -> None:
    run = default_run()
    holds = defaultdict(int)
    previous: dict[tuple[str, str], str] = {}
    for event, leg in run.legs():
        key = (event.agent_arn, leg["ContactId"])
        if leg["State"] == "CONNECTED_ONHOLD" and previous.get(key) != "CONNECTED_ONHOLD":
            holds[leg["ContactId"]] += 1
        previous[key] = leg["State"]
    agents = [(r.contact_id, r.agent, raw["Agent"]) for r, raw in run.ctrs.values() if r.agent and r.channel == "VOICE"]
    assert any(a.number_of_holds >= 2 for _, a, _ in agents) and any(a.number_of_holds == 0 for _, a, _ in agents)
    for contact_id, agent, raw in agents:
        assert agent.number_of_holds == holds[contact_id]
        if agent.number_of_holds:
            assert agent.hold_seconds / agent.number_of_holds <= raw["LongestHoldDuration"] <= agent.hold_seconds
        else:
            assert agent.hold_seconds == raw["LongestHoldDuration"] == 0


def test_tasks_are_worked_like_chats_without_holds() -> None:
    tasks = [r for r, _ in default_run().ctrs.values() if r.channel == "TASK"]
    assert tasks and all(r.initiation_method == "API" for r in tasks)
    assert all(r.agent and r.agent.number_of_holds == 0 for r in tasks if r.handled)


# -- agent snapshots --------------------------------------------------------------------------------
def test_routing_profiles_list_the_agents_own_queue_without_a_name() -> None:
    event, raw = default_run().events[0]
    queues = raw["CurrentAgentSnapshot"]["Configuration"]["RoutingProfile"]["InboundQueues"]
    own = [q for q in queues if q["ARN"] == event.agent_arn.replace("/agent/", "/queue/agent/")]
    assert own == [{"ARN": own[0]["ARN"], "Name": None, "Channels": ["VOICE", "CHAT"]}]
    assert event.snapshot and event.snapshot.routing_profile
    assert "" in {q.name for q in event.snapshot.routing_profile.inbound_queues}  # as the model reads a null
    assert len(queues) >= 2, "and the standard queues"


def test_some_snapshots_have_no_status_type_and_are_read_by_name() -> None:
    without = [(e, raw) for e, raw in default_run().events if raw.get("CurrentAgentSnapshot")]
    without = [(e, raw) for e, raw in without if "Type" not in raw["CurrentAgentSnapshot"]["AgentStatus"]]
    assert without
    names = {e.snapshot.status.name: e.snapshot.status.type.value for e, _ in without if e.snapshot}
    assert names.pop("Available") == "ROUTABLE" and names.pop("Offline", "OFFLINE") == "OFFLINE"
    assert names and set(names.values()) == {"CUSTOM"}, "custom statuses (breaks) are CUSTOM"


# -- contact events ---------------------------------------------------------------------------------
def test_contact_events_come_as_each_step_happens_consistent_with_the_ctr() -> None:
    run = default_run(contact_event_loss_probability=0.0, contact_event_duplicate_probability=0.0)
    steps: dict[str, list[tuple[Emission, ContactEvent]]] = defaultdict(list)
    for emission, event in run.contact_events:
        steps[event.contact_id].append((emission, event))
    handled = [r for r, raw in run.ctrs.values() if r.handled and raw["InitiationMethod"] == "INBOUND"]
    assert len(handled) > 100
    for ctr in handled:
        events = {e.event_type: (emission, e) for emission, e in steps[ctr.contact_id]}
        assert {"INITIATED", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED"} <= set(events)
        assert ctr.queue and ctr.agent
        queued_at, connected_at, disconnected_at = (
            events[s][1] for s in ("QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED")
        )
        assert queued_at.enqueued == ctr.queue.enqueued and queued_at.connected_to_agent is None
        assert connected_at.connected_to_agent == ctr.agent.connected and connected_at.disconnected is None
        assert disconnected_at.disconnected == ctr.disconnected
        order = [events[s][0].arrival for s in ("INITIATED", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED")]
        moments = [ctr.initiated, ctr.queue.enqueued, ctr.agent.connected, ctr.disconnected]
        for arrival, moment in zip(order, moments, strict=True):
            assert moment and timedelta(seconds=0.099) <= arrival - moment <= timedelta(seconds=2.05)
        completed = json.loads(events["COMPLETED"][0].data)["detail"]["agentInfo"]
        assert completed["afterContactWorkDuration"] >= 0 and completed["afterContactWorkEndTimestamp"]
    arrivals = [e.arrival for e, _ in run.contact_events]
    assert arrivals == sorted(arrivals)


def test_contact_events_are_lost_and_duplicated_at_the_configured_shares() -> None:
    exact = default_run(contact_event_loss_probability=0.0, contact_event_duplicate_probability=0.0)
    lossy = default_run(contact_event_loss_probability=0.2, contact_event_duplicate_probability=0.1)
    all_ids = Counter(e.event_id for _, e in exact.contact_events)
    ids = Counter(e.event_id for _, e in lossy.contact_events)
    assert set(all_ids.values()) == {1} and set(ids) <= set(all_ids)
    assert 0.16 < 1 - len(ids) / len(all_ids) < 0.24
    assert 0.07 < sum(n - 1 for n in ids.values()) / len(ids) < 0.13
    assert max(ids.values()) == 2
    # Losing contact events changes nothing else: the same agent events and CTRs, the same contacts.
    assert [e.data for e in exact.emissions if e.on_stream] == [e.data for e in lossy.emissions if e.on_stream]


def test_contact_events_on_the_stream_when_asked() -> None:
    run = default_run(contact_events_on_stream=True)
    events = [e for e in run.emissions if e.kind == "contact_event"]
    assert events and all(e.on_stream for e in events)
    assert all(e.partition_key == json.loads(e.data)["detail"]["contactId"] for e in events)
    assert not any(e.on_stream for e in default_run().emissions if e.kind == "contact_event")


def test_cli_options_for_the_new_rates(tmp_path, capsys) -> None:
    out, events = tmp_path / "records.jsonl", tmp_path / "events.jsonl"
    argv = ["--duration", "600", "--start", "2026-01-05T09:00:00Z", "--agents", "10", "--quiet"]
    argv += ["--output", str(out), "--contact-events", str(events), "--contact-events-to-stream"]
    assert main([*argv, "--contact-event-loss", "0.5", "--no-agent-queues", "--callback-rate", "0.9"]) == 0
    lines = out.read_text().splitlines()
    on_stream = [line for line in lines if '"detail-type"' in line]
    assert on_stream and sorted(on_stream) == sorted(events.read_text().splitlines())
    assert "/queue/agent/" not in out.read_text()
    with_queues = tmp_path / "with.jsonl"
    main(
        [
            "--duration",
            "120",
            "--start",
            "2026-01-05T09:00:00Z",
            "--agents",
            "3",
            "--quiet",
            "--output",
            str(with_queues),
        ]
    )
    assert "/queue/agent/" in with_queues.read_text()
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for flag in (
        "--contact-events-to-stream",
        "--contact-event-loss",
        "--arrival-rate",
        "--callback-rate",
        "--patience",
    ):
        assert flag in text
