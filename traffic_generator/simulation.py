"""A discrete-event simulation of a contact center, emitting records in stream-arrival order.

Contacts arrive per queue and channel and wait first-in first-out until routing offers them to an agent
whose routing profile serves the queue (customers.py); agents take them through Connect's contact states,
work breaks, outbound calls and logouts in between (agents.py). Every step of a contact is an EventBridge
contact event when it happens; its CTR follows its last update; delivery quirks are delivery.py's.
Everything is drawn from seeded generators: same seed and start, same records.
"""

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from traffic_generator.agents import AgentFloor
from traffic_generator.config import SimulationConfig
from traffic_generator.contacts import Contact
from traffic_generator.customers import Customers
from traffic_generator.delivery import Emission, Outbox
from traffic_generator.payloads import contact_event, contact_trace_record
from traffic_generator.routing import Router
from traffic_generator.topology import Topology, build_topology, seeded_uuid

__all__ = ["Emission", "SimulationConfig", "simulate"]


class Simulation:
    """The clock and what both sides share: the topology, routing, and the records' way out."""

    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.topology: Topology = build_topology(self.rng, config.agents, config.queues, config.routing_profiles)
        self.end = config.start + timedelta(seconds=config.duration_seconds) if config.duration_seconds else None
        self.outbox = Outbox(config)
        self.router = Router()
        self._actions: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self._seq = itertools.count()
        self.floor = AgentFloor(self)
        self.customers = Customers(self)

    # -- scheduling ---------------------------------------------------------------------------------
    def at(self, when: datetime, action: Callable[[datetime], None]) -> None:
        heapq.heappush(self._actions, (when, next(self._seq), action))

    def after(self, now: datetime, seconds: float, action: Callable[[datetime], None]) -> None:
        self.at(now + timedelta(seconds=seconds), action)

    def next_seq(self) -> int:
        return next(self._seq)

    # -- records of contacts ------------------------------------------------------------------------
    def step(self, contact: Contact, event_type: str, at: datetime) -> None:
        """The contact event of a step, as it happens."""
        envelope = contact_event(self.topology, contact, seeded_uuid(self.rng), event_type, at)
        self.outbox.contact_event(at, contact.contact_id, envelope)

    def record(self, contact: Contact, last_update: datetime) -> None:
        """The CTR of a finished segment."""
        self.outbox.ctr(
            contact.contact_id,
            last_update,
            lambda updated, acw_correction: contact_trace_record(self.topology, contact, updated, acw_correction),
        )

    def run(self) -> Iterator[Emission]:
        self.floor.start()
        self.customers.start()
        while self._actions:
            when, _, action = heapq.heappop(self._actions)
            if self.end and when > self.end:
                break
            yield from self.outbox.due(when)
            action(when)
        yield from self.outbox.due(None)


def simulate(config: SimulationConfig) -> tuple[Topology, Iterator[Emission]]:
    """The topology and the records in arrival order (contact events interleaved; filter by `kind`)."""
    simulation = Simulation(config)
    return simulation.topology, simulation.run()
