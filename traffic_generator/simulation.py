"""A discrete-event simulation of a contact center, emitting records in stream-arrival order.

Each agent logs in, takes contacts (ringing -> connected -> on hold -> after-contact work ->
cleared), misses some, takes breaks in custom statuses, changes routing profile, sends heartbeats
after 120 s without another event, and logs out at the end of a shift. Contacts produce CTRs about
a minute after their last update, some re-delivered later with a newer `LastUpdateTimestamp`, and
EventBridge contact events. Everything is drawn from one seeded generator: same seed, same output.
"""

import heapq
import itertools
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from traffic_generator.payloads import (
    ContactOutcome,
    LiveContact,
    agent_event,
    agent_snapshot,
    contact_event,
    contact_trace_record,
)
from traffic_generator.topology import Agent, RoutingProfile, Topology, build_topology, seeded_uuid

HEARTBEAT_SECONDS = 120
CUSTOM_STATUSES = ("Break", "Lunch", "Training", "Meeting")
JUNK = (
    "this is not json",
    "[1, 2, 3]",
    '{"EventType": "PING", "AgentARN": "arn:aws:connect:eu-west-2:1:instance/x/agent/y"}',
    '{"hello": "world"}',
    '{"EventType": "STATE_CHANGE", "AgentARN": ',
    '{"ContactId": "c-without-disconnect", "InstanceARN": "arn:aws:connect:eu-west-2:1:instance/x"}',
)


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    start: datetime
    duration_seconds: float | None = 600.0
    seed: int = 7
    agents: int = 50
    queues: int = 4
    routing_profiles: int = 3
    login_ramp_seconds: float = 60.0
    mean_shift_seconds: float | None = 3600.0
    mean_idle_seconds: float = 30.0
    mean_queue_wait_seconds: float = 15.0
    mean_talk_seconds: float = 120.0
    chat_share: float = 0.2
    break_probability: float = 0.08
    profile_change_probability: float = 0.01
    missed_probability: float = 0.03
    hold_probability: float = 0.2
    abandoned_per_queue_per_minute: float = 0.5
    unqueued_per_minute: float = 0.2
    ctr_delay_seconds: tuple[float, float] = (20.0, 90.0)
    redelivery_probability: float = 0.1
    duplicate_probability: float = 0.01
    max_arrival_jitter_seconds: float = 1.0
    junk_probability: float = 0.0


@dataclass(frozen=True, slots=True)
class Emission:
    """One record as it reaches its destination: the stream (agent events, CTRs, junk) or EventBridge."""

    arrival: datetime
    kind: str  # "agent_event", "ctr", "junk" or "contact_event"
    partition_key: str
    data: str

    @property
    def on_stream(self) -> bool:
        return self.kind != "contact_event"


@dataclass(slots=True)
class _AgentState:
    agent: Agent
    profile: RoutingProfile
    status: str = "Offline"
    status_since: datetime | None = None
    contacts: list[LiveContact] = field(default_factory=list)
    logged_in: bool = False
    logout_due: bool = False
    heartbeat_token: int = 0
    snapshot: dict[str, Any] | None = None
    outcome: ContactOutcome | None = None
    hold_seconds: int = 0
    holds: int = 0


class _Simulation:
    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.topology: Topology = build_topology(self.rng, config.agents, config.queues, config.routing_profiles)
        self.end = config.start + timedelta(seconds=config.duration_seconds) if config.duration_seconds else None
        self._actions: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self._out: list[tuple[datetime, int, Emission]] = []
        self._seq = itertools.count()

    # -- scheduling -------------------------------------------------------------------------
    def at(self, when: datetime, action: Callable[[datetime], None]) -> None:
        heapq.heappush(self._actions, (when, next(self._seq), action))

    def after(self, now: datetime, seconds: float, action: Callable[[datetime], None]) -> None:
        self.at(now + timedelta(seconds=seconds), action)

    def emit(self, arrival: datetime, kind: str, key: str, document: dict[str, Any] | str) -> None:
        data = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
        heapq.heappush(self._out, (arrival, next(self._seq), Emission(arrival, kind, key, data)))
        if kind in ("agent_event", "ctr") and self.rng.random() < self.config.junk_probability:
            heapq.heappush(
                self._out, (arrival, next(self._seq), Emission(arrival, "junk", "junk", self.rng.choice(JUNK)))
            )

    def run(self) -> Iterator[Emission]:
        c = self.config
        for state in self._agents():
            self.after(c.start, self.rng.uniform(0, c.login_ramp_seconds), lambda t, s=state: self.login(s, t))
        for queue_index in range(c.queues):
            self.at(c.start, lambda t, q=queue_index: self.abandoned_contact(q, t, first=True))
        self.at(c.start, lambda t: self.unqueued_contact(t, first=True))
        while self._actions:
            when, _, action = heapq.heappop(self._actions)
            if self.end and when > self.end:
                break
            while self._out and self._out[0][0] <= when:
                yield heapq.heappop(self._out)[2]
            action(when)
        while self._out:
            yield heapq.heappop(self._out)[2]

    def _agents(self) -> list[_AgentState]:
        profiles = self.topology.routing_profiles
        return [_AgentState(agent, profiles[i % len(profiles)]) for i, agent in enumerate(self.topology.agents)]

    # -- agent events -----------------------------------------------------------------------
    def agent_event(self, s: _AgentState, t: datetime, event_type: str) -> None:
        previous = s.snapshot
        snapshot = None
        if event_type != "LOGOUT":
            assert s.status_since is not None
            snapshot = agent_snapshot(self.topology, s.agent, s.status, s.status_since, s.profile, s.contacts)
        document = agent_event(self.topology, s.agent, seeded_uuid(self.rng), event_type, t, snapshot, previous)
        s.snapshot = snapshot
        arrival = t + timedelta(seconds=self.rng.uniform(0, self.config.max_arrival_jitter_seconds))
        self.emit(arrival, "agent_event", s.agent.arn, document)
        if self.rng.random() < self.config.duplicate_probability:  # at-least-once: same EventId again
            self.emit(arrival + timedelta(seconds=self.rng.uniform(0, 1)), "agent_event", s.agent.arn, document)
        s.heartbeat_token += 1
        if s.logged_in:
            self.after(t, HEARTBEAT_SECONDS, lambda now, tok=s.heartbeat_token: self.heartbeat(s, now, tok))

    def set_status(self, s: _AgentState, t: datetime, status: str) -> None:
        s.status, s.status_since = status, t

    def heartbeat(self, s: _AgentState, t: datetime, token: int) -> None:
        if s.logged_in and token == s.heartbeat_token:
            self.agent_event(s, t, "HEART_BEAT")

    def login(self, s: _AgentState, t: datetime) -> None:
        s.logged_in, s.logout_due = True, False
        self.set_status(s, t, "Available")
        self.agent_event(s, t, "LOGIN")
        if self.config.mean_shift_seconds:
            self.after(t, self.rng.expovariate(1 / self.config.mean_shift_seconds), lambda now: self.shift_end(s, now))
        self.idle(s, t)

    def idle(self, s: _AgentState, t: datetime) -> None:
        self.after(t, self.rng.expovariate(1 / self.config.mean_idle_seconds), lambda now: self.idle_end(s, now))

    def idle_end(self, s: _AgentState, t: datetime) -> None:
        if s.logout_due:
            self.logout(s, t)
            return
        c, roll = self.config, self.rng.random()
        if roll < c.break_probability:
            self.set_status(s, t, self.rng.choice(CUSTOM_STATUSES))
            self.agent_event(s, t, "STATE_CHANGE")
            self.after(t, self.rng.uniform(60, 600), lambda now: self.break_end(s, now))
        elif roll < c.break_probability + c.profile_change_probability:
            s.profile = self.rng.choice(self.topology.routing_profiles)
            self.agent_event(s, t, "STATE_CHANGE")
            self.idle(s, t)
        else:
            self.offer_contact(s, t)

    def break_end(self, s: _AgentState, t: datetime) -> None:
        if s.logout_due:
            self.logout(s, t)
            return
        self.set_status(s, t, "Available")
        self.agent_event(s, t, "STATE_CHANGE")
        self.idle(s, t)

    def shift_end(self, s: _AgentState, t: datetime) -> None:
        # The agent's next idle moment (or the end of a break or contact) logs it out.
        s.logout_due = True

    def logout(self, s: _AgentState, t: datetime) -> None:
        self.set_status(s, t, "Offline")
        self.agent_event(s, t, "STATE_CHANGE")
        s.logged_in = False
        self.agent_event(s, t + timedelta(seconds=self.rng.uniform(1, 5)), "LOGOUT")
        self.after(t, self.rng.uniform(120, 900), lambda now: self.login(s, now))

    # -- contacts ---------------------------------------------------------------------------
    def offer_contact(self, s: _AgentState, t: datetime) -> None:
        queue = self.rng.choice(s.profile.queues)
        channel = "CHAT" if "CHAT" in queue.channels and self.rng.random() < self.config.chat_share else "VOICE"
        wait = self.rng.expovariate(1 / self.config.mean_queue_wait_seconds)
        enqueued = t - timedelta(seconds=wait)
        contact = LiveContact(seeded_uuid(self.rng), channel, queue, "CONNECTING", t, enqueued)
        s.contacts = [contact]
        s.outcome = ContactOutcome(
            contact_id=contact.contact_id,
            channel=channel,
            queue=queue,
            initiated=enqueued - timedelta(seconds=self.rng.uniform(5, 40)),
            enqueued=enqueued,
            dequeued=t,
            disconnected=t,
            agent=s.agent,
            profile=s.profile,
        )
        s.hold_seconds = s.holds = 0
        self.agent_event(s, t, "STATE_CHANGE")
        self.after(t, self.rng.uniform(2, 8), lambda now: self.ring_end(s, now))

    def contact_state(self, s: _AgentState, t: datetime, state: str) -> None:
        contact = s.contacts[0]
        contact.state, contact.state_start = state, t
        self.agent_event(s, t, "STATE_CHANGE")

    def ring_end(self, s: _AgentState, t: datetime) -> None:
        if self.rng.random() < self.config.missed_probability:
            self.contact_state(s, t, "MISSED")
            self.after(t, self.rng.uniform(5, 20), lambda now: self.clear_contact(s, now, completed=False))
            return
        s.contacts[0].connected_at = t
        self.contact_state(s, t, "CONNECTED")
        talk = max(10.0, self.rng.expovariate(1 / self.config.mean_talk_seconds))
        if self.rng.random() < self.config.hold_probability:
            hold = self.rng.uniform(10, 60)
            first = talk * self.rng.uniform(0.2, 0.6)
            self.after(t, first, lambda now: self.hold(s, now, hold, talk - first))
        else:
            self.after(t, talk, lambda now: self.talk_end(s, now))

    def hold(self, s: _AgentState, t: datetime, hold: float, remaining_talk: float) -> None:
        self.contact_state(s, t, "CONNECTED_ONHOLD")
        s.hold_seconds += round(hold)
        s.holds += 1

        def resume(now: datetime) -> None:
            self.contact_state(s, now, "CONNECTED")
            self.after(now, remaining_talk, lambda later: self.talk_end(s, later))

        self.after(t, hold, resume)

    def talk_end(self, s: _AgentState, t: datetime) -> None:
        assert s.outcome is not None and s.contacts[0].connected_at is not None
        connected = s.contacts[0].connected_at
        total = (t - connected).total_seconds()
        s.outcome = replace(
            s.outcome,
            connected=connected,
            disconnected=t,
            talk_seconds=max(0, round(total) - s.hold_seconds),
            hold_seconds=s.hold_seconds,
            holds=s.holds,
        )
        self.contact_state(s, t, "ENDED")
        self.after(t, self.rng.uniform(10, 60), lambda now: self.clear_contact(s, now, completed=True))

    def clear_contact(self, s: _AgentState, t: datetime, completed: bool) -> None:
        outcome = s.outcome
        s.contacts, s.outcome = [], None
        self.agent_event(s, t, "STATE_CHANGE")
        if completed and outcome is not None:
            outcome = replace(outcome, acw_seconds=round((t - outcome.disconnected).total_seconds()))
            self.contact_records(outcome, last_update=t)
        self.idle(s, t)

    def contact_records(self, outcome: ContactOutcome, last_update: datetime) -> None:
        """The CTR about a minute after the last update, a later re-delivery, and EventBridge events."""
        c = self.config
        arrival = last_update + timedelta(seconds=self.rng.uniform(*c.ctr_delay_seconds))
        self.emit(arrival, "ctr", outcome.contact_id, contact_trace_record(self.topology, outcome, last_update))
        if self.rng.random() < c.redelivery_probability:
            # An update (e.g. ACW edited after the fact) is re-delivered with a newer LastUpdateTimestamp.
            updated = replace(outcome, acw_seconds=outcome.acw_seconds + self.rng.randint(1, 30))
            later = arrival + timedelta(seconds=self.rng.uniform(30, 300))
            self.emit(later, "ctr", outcome.contact_id, contact_trace_record(self.topology, updated, later))
        moments = [("INITIATED", outcome.initiated)]
        if outcome.enqueued:
            moments.append(("QUEUED", outcome.enqueued))
        if outcome.connected:
            moments.append(("CONNECTED_TO_AGENT", outcome.connected))
        moments += [("DISCONNECTED", outcome.disconnected), ("COMPLETED", last_update)]
        for event_type, moment in moments:
            envelope = contact_event(self.topology, outcome, seeded_uuid(self.rng), event_type, moment)
            self.emit(max(moment, last_update), "contact_event", outcome.contact_id, envelope)

    def abandoned_contact(self, queue_index: int, t: datetime, first: bool = False) -> None:
        rate = self.config.abandoned_per_queue_per_minute / 60
        if rate <= 0:
            return
        if not first:
            queue = self.topology.queues[queue_index]
            wait = self.rng.expovariate(1 / (2 * self.config.mean_queue_wait_seconds))
            enqueued = t - timedelta(seconds=wait)
            outcome = ContactOutcome(
                contact_id=seeded_uuid(self.rng),
                channel="VOICE",
                queue=queue,
                initiated=enqueued - timedelta(seconds=self.rng.uniform(5, 40)),
                enqueued=enqueued,
                dequeued=t,
                disconnected=t,
            )
            self.contact_records(outcome, last_update=t + timedelta(seconds=1))
        self.after(t, self.rng.expovariate(rate), lambda now: self.abandoned_contact(queue_index, now))

    def unqueued_contact(self, t: datetime, first: bool = False) -> None:
        """Contacts that end in the IVR never reach a queue: their CTRs must not count in queue metrics."""
        rate = self.config.unqueued_per_minute / 60
        if rate <= 0:
            return
        if not first:
            outcome = ContactOutcome(
                contact_id=seeded_uuid(self.rng),
                channel="VOICE",
                queue=None,
                initiated=t - timedelta(seconds=self.rng.uniform(10, 60)),
                enqueued=None,
                dequeued=None,
                disconnected=t,
            )
            self.contact_records(outcome, last_update=t + timedelta(seconds=1))
        self.after(t, self.rng.expovariate(rate), lambda now: self.unqueued_contact(now))


def simulate(config: SimulationConfig) -> tuple[Topology, Iterator[Emission]]:
    """The topology and the records in arrival order (contact events interleaved; filter by `kind`)."""
    simulation = _Simulation(config)
    return simulation.topology, simulation.run()
