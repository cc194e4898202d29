"""The agents: log in, take the contacts routing offers them through their states, go on breaks, place
outbound calls, change routing profile, send heartbeats after 120 s without another event, log out.

An agent works one channel at a time (voice, or up to N chats, or up to N tasks) and is offered contacts
only while Available with a free slot, nothing missed or rejected waiting to be cleared, and no next
status pending (Connect's NextAgentStatus: set while working, it stops new offers until the agent is free).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from traffic_generator.contacts import AGENT_DISCONNECT, CALLBACK, CUSTOMER_DISCONNECT, OUTBOUND, Contact, Leg
from traffic_generator.payloads import agent_event, agent_snapshot
from traffic_generator.topology import VOICE, Agent, RoutingProfile, seeded_uuid

if TYPE_CHECKING:
    from traffic_generator.simulation import Simulation

HEARTBEAT_SECONDS = 120
CUSTOM_STATUSES = ("Break", "Lunch", "Training", "Meeting")
NOT_ROUTABLE_STATES = frozenset({"MISSED", "REJECTED"})  # until the agent clears them
ONE_MS = timedelta(milliseconds=1)


@dataclass(slots=True, eq=False)
class AgentState:
    index: int
    agent: Agent
    profile: RoutingProfile
    with_status_type: bool
    status: str = "Offline"
    status_since: datetime | None = None
    next_status: tuple[str, datetime] | None = None
    legs: list[Leg] = field(default_factory=list)
    logged_in: bool = False
    logout_due: bool = False
    heartbeat_token: int = 0
    last_event: datetime | None = None
    snapshot: dict[str, Any] | None = None


class AgentFloor:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        profiles = sim.topology.routing_profiles
        share = sim.config.status_without_type_share
        self.agents = [
            AgentState(i, agent, profiles[i % len(profiles)], with_status_type=sim.rng.random() >= share)
            for i, agent in enumerate(sim.topology.agents)
        ]

    def start(self) -> None:
        c = self.sim.config
        for s in self.agents:
            self.sim.after(c.start, self.sim.rng.uniform(0, c.login_ramp_seconds), lambda t, s=s: self.login(s, t))

    # -- agent events -------------------------------------------------------------------------------
    def event(self, s: AgentState, t: datetime, event_type: str) -> datetime:
        """Emit the agent's state now; returns the event's time (1 ms after the agent's previous event at
        least: two events of one agent never share a timestamp, which would leave their order to chance)."""
        if s.last_event and t <= s.last_event:
            t = s.last_event + ONE_MS
        s.last_event = t
        sim = self.sim
        previous, snapshot = s.snapshot, None
        if event_type != "LOGOUT":
            assert s.status_since is not None
            snapshot = agent_snapshot(
                sim.topology,
                s.agent,
                s.status,
                s.status_since,
                s.profile,
                s.legs,
                next_status=s.next_status,
                with_status_type=s.with_status_type,
                with_agent_queue=sim.config.agent_queues,
            )
        document = agent_event(sim.topology, s.agent, seeded_uuid(sim.rng), event_type, t, snapshot, previous)
        s.snapshot = snapshot
        sim.outbox.agent_event(t, s.agent.arn, document)
        s.heartbeat_token += 1
        if s.logged_in:
            sim.after(t, HEARTBEAT_SECONDS, lambda now, token=s.heartbeat_token: self._heartbeat(s, now, token))
        return t

    def _heartbeat(self, s: AgentState, t: datetime, token: int) -> None:
        if s.logged_in and token == s.heartbeat_token:
            self.event(s, t, "HEART_BEAT")

    def _leg_state(self, s: AgentState, leg: Leg, t: datetime, state: str) -> datetime:
        leg.state, leg.state_start = state, t
        return self.event(s, t, "STATE_CHANGE")

    def _set_status(self, s: AgentState, t: datetime, status: str) -> None:
        s.status, s.status_since = status, t

    # -- routing ------------------------------------------------------------------------------------
    def _routable(self, s: AgentState) -> bool:
        return (
            s.logged_in
            and s.status == "Available"
            and not s.logout_due
            and s.next_status is None
            and not any(leg.state in NOT_ROUTABLE_STATES for leg in s.legs)
        )

    def _free_channels(self, s: AgentState) -> list[str]:
        if not s.legs:
            return [channel for channel, _ in s.profile.concurrency]
        channel = s.legs[0].contact.channel
        return [channel] if len(s.legs) < s.profile.slots(channel) else []

    def can_take(self, index: int, channel: str) -> bool:
        s = self.agents[index]
        return self._routable(s) and channel in self._free_channels(s)

    def _refresh(self, s: AgentState) -> None:
        ready = self._routable(s) and bool(self._free_channels(s))
        self.sim.router.set_ready(s.index, s.profile.queues if ready else ())

    def _pull(self, s: AgentState, t: datetime) -> None:
        """Offer the agent the longest-waiting contacts it can take, while it has free slots."""
        while self._routable(s) and (channels := self._free_channels(s)):
            contact = self.sim.router.contact_for(s.index, s.profile.queues, channels)
            if contact is None:
                break
            t = self.offer(s, contact, t)
        self._refresh(s)

    def push(self, contact: Contact, t: datetime) -> None:
        """A contact just queued: to the agent ready longest that can take it, if any."""
        index = self.sim.router.agent_for(contact, self.can_take)
        if index is not None:
            self.offer(self.agents[index], contact, t)
            self._refresh(self.agents[index])

    # -- logins, breaks, profile changes, logouts ---------------------------------------------------
    def login(self, s: AgentState, t: datetime) -> None:
        s.logged_in, s.logout_due = True, False
        self._set_status(s, t, "Available")
        t = self.event(s, t, "LOGIN")
        if self.sim.config.mean_shift_seconds:
            shift = self.sim.rng.expovariate(1 / self.sim.config.mean_shift_seconds)
            self.sim.after(t, shift, lambda now: self._shift_end(s, now))
        self._free(s, t)

    def _shift_end(self, s: AgentState, t: datetime) -> None:
        # No new offers; the agent logs out once free (or at the end of its break).
        s.logout_due = True
        self._refresh(s)
        if not s.legs and s.status == "Available":
            self._logout(s, t)

    def _logout(self, s: AgentState, t: datetime) -> None:
        s.next_status = None
        self._set_status(s, t, "Offline")
        t = self.event(s, t, "STATE_CHANGE")
        s.logged_in = False
        self._refresh(s)
        self.event(s, t + timedelta(seconds=self.sim.rng.uniform(1, 5)), "LOGOUT")
        self.sim.after(t, self.sim.rng.uniform(120, 900), lambda now: self.login(s, now))

    def _free(self, s: AgentState, t: datetime) -> None:
        """The agent has no contact left: a pending status, a break, a profile change, an outbound call,
        or the next contact routing offers."""
        rng, c = self.sim.rng, self.sim.config
        if s.logout_due:
            self._logout(s, t)
            return
        roll = rng.random()
        if s.next_status or roll < c.break_probability:
            name = s.next_status[0] if s.next_status else rng.choice(CUSTOM_STATUSES)
            s.next_status = None
            self._set_status(s, t, name)
            t = self.event(s, t, "STATE_CHANGE")
            self._refresh(s)
            self.sim.after(t, rng.uniform(60, 600), lambda now: self._break_end(s, now))
            return
        roll -= c.break_probability
        if roll < c.profile_change_probability:
            s.profile = rng.choice(self.sim.topology.routing_profiles)
            t = self.event(s, t, "STATE_CHANGE")
        elif roll - c.profile_change_probability < c.outbound_probability:
            self._dial(s, t)
            return
        self._pull(s, t)

    def _break_end(self, s: AgentState, t: datetime) -> None:
        if s.logout_due:
            self._logout(s, t)
            return
        self._set_status(s, t, "Available")
        t = self.event(s, t, "STATE_CHANGE")
        self._free(s, t)

    # -- contacts -----------------------------------------------------------------------------------
    def offer(self, s: AgentState, c: Contact, t: datetime) -> datetime:
        """Routing offers the contact: it leaves the queue while it rings (a callback is INCOMING)."""
        sim, rng, config = self.sim, self.sim.rng, self.sim.config
        sim.customers.take(c)
        c.offers += 1
        c.agent, c.profile = s.agent, s.profile
        callback = c.method == CALLBACK
        leg = Leg(c, "INCOMING" if callback else "CONNECTING", t)
        s.legs.append(leg)
        t = self._leg_state(s, leg, t, leg.state)
        if callback:
            sim.after(t, rng.uniform(2, 8), lambda now: self._dial_back(s, leg, now))
        elif c.channel == VOICE and rng.random() < config.missed_probability:
            sim.after(t, rng.uniform(15, 25), lambda now: self._decline(s, leg, now, "MISSED"))
        elif c.channel == "CHAT" and rng.random() < config.chat_reject_probability:
            sim.after(t, rng.uniform(2, 10), lambda now: self._decline(s, leg, now, "REJECTED"))
        else:
            sim.after(t, rng.uniform(2, 8), lambda now: self._connect(s, leg, now))
        return t

    def _decline(self, s: AgentState, leg: Leg, t: datetime, state: str) -> None:
        """Missed or rejected: back to its queue at once; the agent clears it a little later."""
        if state == "REJECTED":
            leg.contact.declined_by.add(s.index)
        t = self._leg_state(s, leg, t, state)
        self._refresh(s)
        self.sim.customers.requeue(leg.contact, t)
        self.sim.after(t, self.sim.rng.uniform(3, 15), lambda now: self._clear(s, leg, now))

    def _dial(self, s: AgentState, t: datetime) -> None:
        """An outbound call: the profile's default outbound queue, never enqueued; rings, then connects."""
        sim = self.sim
        c = Contact(seeded_uuid(sim.rng), VOICE, OUTBOUND, t, sim.next_seq(), queue=s.profile.outbound_queue)
        c.offers, c.agent, c.profile = 1, s.agent, s.profile
        leg = Leg(c, "CONNECTING", t)
        s.legs.append(leg)
        sim.step(c, "INITIATED", t)
        t = self._leg_state(s, leg, t, "CONNECTING")
        self._refresh(s)
        sim.after(t, sim.rng.uniform(5, 25), lambda now: self._connect(s, leg, now))

    def _dial_back(self, s: AgentState, leg: Leg, t: datetime) -> None:
        """The agent accepted a callback: it leaves the queue and Connect dials the customer."""
        leg.contact.dequeued = t
        t = self._leg_state(s, leg, t, "CONNECTING")
        self.sim.after(t, self.sim.rng.uniform(5, 20), lambda now: self._connect(s, leg, now))

    def _connect(self, s: AgentState, leg: Leg, t: datetime) -> None:
        sim, rng, config, c = self.sim, self.sim.rng, self.sim.config, leg.contact
        c.connected = t
        if c.method in (OUTBOUND, CALLBACK):
            c.connected_to_system = t  # when the customer answers
        else:
            c.dequeued = t
        t = self._leg_state(s, leg, t, "CONNECTED")
        sim.step(c, "CONNECTED_TO_AGENT", t)
        if c.channel != VOICE:
            self._talk(s, leg, t, [max(30.0, rng.expovariate(1 / config.mean_chat_seconds))], [])
            return
        talk = max(10.0, rng.expovariate(1 / config.mean_talk_seconds))
        holds = []
        if rng.random() < config.hold_probability:
            holds = [rng.randint(10, 60) for _ in range(rng.randint(1, config.max_holds))]
        cuts = sorted(rng.uniform(0.1, 0.9) * talk for _ in holds)
        segments = [b - a for a, b in zip([0.0, *cuts], [*cuts, talk], strict=True)]
        self._talk(s, leg, t, segments, holds)

    def _talk(self, s: AgentState, leg: Leg, t: datetime, segments: list[float], holds: list[int]) -> None:
        """Talk for the next segment, then put on hold (and resume) or end."""

        def segment_end(now: datetime) -> None:
            if not holds:
                self._end(s, leg, now)
                return
            hold = holds.pop(0)
            leg.contact.holds.append(hold)
            now = self._leg_state(s, leg, now, "CONNECTED_ONHOLD")
            self.sim.after(now, hold, resume)

        def resume(now: datetime) -> None:
            now = self._leg_state(s, leg, now, "CONNECTED")
            self._talk(s, leg, now, segments, holds)

        self.sim.after(t, segments.pop(0), segment_end)

    def _end(self, s: AgentState, leg: Leg, t: datetime) -> None:
        """The conversation ends; after-contact work (ENDED) until the agent clears the contact."""
        rng, c = self.sim.rng, leg.contact
        c.disconnected = t
        c.disconnect_reason = AGENT_DISCONNECT if c.channel == "TASK" or rng.random() < 0.55 else CUSTOMER_DISCONNECT
        t = self._leg_state(s, leg, t, "ENDED")
        self.sim.step(c, "DISCONNECTED", t)
        self.sim.after(t, rng.uniform(10, 60), lambda now: self._clear(s, leg, now))

    def _clear(self, s: AgentState, leg: Leg, t: datetime) -> None:
        """Off the agent's snapshot: after-contact work done (the contact is complete), or a missed or
        rejected offer dismissed. Working on, free, or about to take a pending status."""
        sim = self.sim
        s.legs.remove(leg)
        if s.legs and not s.next_status and not s.logout_due and sim.rng.random() < sim.config.break_probability:
            s.next_status = (sim.rng.choice(CUSTOM_STATUSES), t)
        t = self.event(s, t, "STATE_CHANGE")
        if leg.state == "ENDED":
            leg.contact.acw_end = t
            sim.step(leg.contact, "COMPLETED", t)
            sim.record(leg.contact, t)
        if s.legs:
            self._pull(s, t)
        else:
            self._free(s, t)
