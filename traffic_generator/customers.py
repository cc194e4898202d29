"""The customers' side: contacts arrive per queue and channel (Poisson), go through the IVR, wait in their
queue until routing offers them to an agent, and on the way may hang up (abandon), be disconnected by
the flow, ask for a callback or be moved to another queue by the flow. Some end in the IVR."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from traffic_generator.contacts import (
    API,
    CALLBACK,
    CONTACT_FLOW_DISCONNECT,
    CUSTOMER_DISCONNECT,
    FLOW_CALLBACK,
    FLOW_DISCONNECT,
    FLOW_TRANSFER,
    INBOUND,
    QUEUE_TRANSFER,
    Contact,
)
from traffic_generator.topology import CHAT, TASK, VOICE, Queue, seeded_uuid

if TYPE_CHECKING:
    from traffic_generator.simulation import Simulation

# Agent-seconds a contact takes beyond its conversation: ringing (~5 s) and after-contact work (~35 s).
OVERHEAD_SECONDS = 40.0
# Calibration of the default arrival rates (measured on the default center, see the tests): the share of
# an agent's time logged in and Available, and the chats (or tasks) an agent works at once on average.
AVAILABILITY = 0.81
CONCURRENT_CHATS = 1.5


def arrival_rates(sim: Simulation) -> dict[tuple[Queue, str], float]:
    """Arrivals per second per queue and channel. By default each routing profile's agents bring their
    queues the load that keeps them `target_occupancy` busy, split evenly over the queues they serve."""
    c, topology = sim.config, sim.topology
    staff: dict[Queue, float] = {}
    for index in range(len(topology.agents)):
        profile = topology.routing_profiles[index % len(topology.routing_profiles)]
        for queue in profile.queues:
            staff[queue] = staff.get(queue, 0.0) + 1 / len(profile.queues)
    voice_work = OVERHEAD_SECONDS + c.mean_talk_seconds + c.hold_probability * (1 + c.max_holds) / 2 * 35
    chat_work = (OVERHEAD_SECONDS + c.mean_chat_seconds) / CONCURRENT_CHATS
    rates = {}
    for queue in topology.queues:
        shares = {CHAT: c.chat_share, TASK: c.task_share}
        shares = {channel: shares.get(channel, 0.0) for channel in queue.channels}
        shares[VOICE] = 1 - sum(shares.values())
        work = sum(share * (voice_work if channel == VOICE else chat_work) for channel, share in shares.items())
        if queue not in staff:
            per_minute = c.unstaffed_queue_per_minute
        elif c.arrivals_per_queue_per_minute is not None:
            per_minute = c.arrivals_per_queue_per_minute
        else:
            per_minute = 60 * staff[queue] * c.target_occupancy * AVAILABILITY / work
        for channel, share in shares.items():
            rates[(queue, channel)] = per_minute / 60 * share
    return rates


class Customers:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self._staffed = {q for p in sim.topology.routing_profiles for q in p.queues}

    def start(self) -> None:
        sim = self.sim
        for (queue, channel), rate in arrival_rates(sim).items():
            if rate > 0:
                sim.at(sim.config.start, lambda t, q=queue, ch=channel, r=rate: self._next_arrival(q, ch, r, t))
        if sim.config.unqueued_per_minute > 0:
            sim.at(sim.config.start, self._next_unqueued)

    # -- arrivals ------------------------------------------------------------------------------------
    def _load(self, t: datetime) -> float:
        """Demand swings around its mean (busy and quiet spells): at the peaks it exceeds what the agents
        can take and queues build, as they do in real centers."""
        c = self.sim.config
        phase = 2 * math.pi * (t - c.start).total_seconds() / c.load_period_seconds
        return 1 + c.load_swing * math.sin(phase)

    def _next_arrival(self, queue: Queue, channel: str, rate: float, t: datetime) -> None:
        # A Poisson process whose rate follows the load: candidates at the peak rate, thinned.
        peak = rate * (1 + self.sim.config.load_swing)
        self.sim.after(t, self.sim.rng.expovariate(peak), lambda now: self._arrive(queue, channel, rate, now))

    def _arrive(self, queue: Queue, channel: str, rate: float, t: datetime) -> None:
        sim, rng = self.sim, self.sim.rng
        self._next_arrival(queue, channel, rate, t)
        if rng.random() * (1 + sim.config.load_swing) >= self._load(t):
            return
        method = INBOUND if channel == VOICE else API  # chats and tasks come through StartChat/TaskContact
        c = Contact(seeded_uuid(rng), channel, method, t, sim.next_seq(), queue=queue, connected_to_system=t)
        sim.step(c, "INITIATED", t)
        # The inbound flow (IVR, chat bot) runs before the contact reaches its queue.
        flow = {VOICE: rng.uniform(5, 40), CHAT: rng.uniform(2, 10)}.get(channel, 1.0)
        if rng.random() < sim.config.contact_data_updated_probability:
            sim.after(t, flow * rng.random(), lambda now: sim.step(c, "CONTACT_DATA_UPDATED", now))
        sim.after(t, flow, lambda now: self._enqueue(c, now))

    def _next_unqueued(self, t: datetime) -> None:
        self.sim.after(t, self.sim.rng.expovariate(self.sim.config.unqueued_per_minute / 60), self._unqueued)

    def _unqueued(self, t: datetime) -> None:
        """A call that ends in the IVR: its CTR has no queue and must count in no queue metric."""
        sim, rng = self.sim, self.sim.rng
        self._next_unqueued(t)
        c = Contact(seeded_uuid(rng), VOICE, INBOUND, t, sim.next_seq(), connected_to_system=t)
        c.disconnect_reason = rng.choice((CUSTOMER_DISCONNECT, CONTACT_FLOW_DISCONNECT))
        sim.step(c, "INITIATED", t)
        sim.after(t, rng.uniform(10, 60), lambda now: self._finish(c, now))

    # -- the queue -----------------------------------------------------------------------------------
    def _enqueue(self, c: Contact, t: datetime) -> None:
        sim, rng, config = self.sim, self.sim.rng, self.sim.config
        c.enqueued = t
        # A caller or chatter waits only so long; a callback or a task has no one on the line.
        if c.gives_up_at is None and c.channel != TASK and c.method != CALLBACK:
            c.gives_up_at = t + timedelta(seconds=rng.expovariate(1 / config.mean_patience_seconds))
        if c.method in (INBOUND, API) and c.channel != TASK:
            roll, voice = rng.random(), c.channel == VOICE
            for action, share in (
                (FLOW_CALLBACK, config.callback_probability if voice else 0.0),
                (FLOW_TRANSFER, config.queue_transfer_probability),
                (FLOW_DISCONNECT, config.flow_disconnect_probability if voice else 0.0),
            ):
                if roll < share:
                    c.flow_action = action
                    delay = rng.uniform(*config.flow_action_after_seconds)
                    sim.after(t, delay, lambda now, token=c.token: self._flow_acts(c, token, now))
                    break
                roll -= share
        sim.step(c, "QUEUED", t)
        self._wait(c, t)

    def _wait(self, c: Contact, t: datetime) -> None:
        self.sim.router.enqueue(c)
        if c.gives_up_at:
            self.sim.at(max(t, c.gives_up_at), lambda now, token=c.token: self._give_up(c, token, now))
        self.sim.floor.push(c, t)

    def take(self, c: Contact) -> None:
        """Routing offered it to an agent: out of the queue; its timers there lapse."""
        self.sim.router.remove(c)
        c.token += 1
        c.flow_action = None  # the flow acts on a contact once, while it first waits

    def requeue(self, c: Contact, t: datetime) -> None:
        """Back from a missed or rejected offer: its old place in the queue, the same patience."""
        c.agent = c.profile = None
        self._wait(c, t)

    def _waiting(self, c: Contact, token: int) -> bool:
        assert c.queue is not None
        return token == c.token and c in self.sim.router.waiting(c.queue, c.channel)

    def _give_up(self, c: Contact, token: int, t: datetime) -> None:
        if self._waiting(c, token):
            c.reason_recorded = self.sim.rng.random() >= self.sim.config.abandon_without_reason_share
            self._leave(c, t, CUSTOMER_DISCONNECT)

    def _flow_acts(self, c: Contact, token: int, t: datetime) -> None:
        if c.flow_action is None or not self._waiting(c, token):
            return
        action = c.flow_action
        if action == FLOW_DISCONNECT:
            self._leave(c, t, CONTACT_FLOW_DISCONNECT)
        elif action == FLOW_CALLBACK:
            self._callback(c, t)
        elif targets := [q for q in self.sim.topology.queues if q != c.queue and c.channel in q.channels]:
            staffed = [q for q in targets if q in self._staffed]
            self._transfer(c, self.sim.rng.choice(staffed or targets), t)

    def _leave(self, c: Contact, t: datetime, reason: str | None) -> None:
        """Out of the queue and disconnected, never connected to an agent."""
        self.take(c)
        c.dequeued = t
        c.disconnect_reason = reason
        self._finish(c, t)

    def _finish(self, c: Contact, t: datetime) -> None:
        """Disconnected without an agent: complete at once (no after-contact work), its CTR follows."""
        c.disconnected = t
        self.sim.step(c, "DISCONNECTED", t)
        self.sim.step(c, "COMPLETED", t)
        self.sim.record(c, t)

    def _callback(self, c: Contact, t: datetime) -> None:
        """The customer asks to be called back: their call leaves the queue and the flow hangs up after a
        confirmation; the callback is created now and queued after the transfer block's initial delay."""
        sim, rng = self.sim, self.sim.rng
        self.take(c)
        c.dequeued = t
        callback = c.follow_up(seeded_uuid(rng), CALLBACK, t, sim.next_seq())
        callback.queue = c.queue
        c.disconnect_reason = CONTACT_FLOW_DISCONNECT
        sim.after(t, rng.uniform(3, 10), lambda now: self._finish(c, now))
        sim.step(callback, "INITIATED", t)
        sim.after(t, rng.uniform(5, 30), lambda now: self._enqueue(callback, now))

    def _transfer(self, c: Contact, target: Queue, t: datetime) -> None:
        """The flow moves the contact to another queue: this segment ends (no disconnect reason: the
        customer is still on the line) and a QUEUE_TRANSFER contact waits in the target queue."""
        sim = self.sim
        moved = c.follow_up(seeded_uuid(sim.rng), QUEUE_TRANSFER, t, sim.next_seq())
        moved.queue, moved.connected_to_system, moved.gives_up_at = target, t, c.gives_up_at
        self._leave(c, t, None)
        sim.step(moved, "INITIATED", t)
        self._enqueue(moved, t)
