"""How records reach their destination: delays, duplicates, losses and re-deliveries, in arrival order.

Delivery quirks are drawn from their own generator, so changing a delivery rate changes which copies
arrive and when, never what happens in the contact center.
"""

import heapq
import itertools
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from traffic_generator.config import SimulationConfig

JUNK = (
    "this is not json",
    "[1, 2, 3]",
    '{"EventType": "PING", "AgentARN": "arn:aws:connect:eu-west-2:1:instance/x/agent/y"}',
    '{"hello": "world"}',
    '{"EventType": "STATE_CHANGE", "AgentARN": ',
    '{"ContactId": "c-without-disconnect", "InstanceARN": "arn:aws:connect:eu-west-2:1:instance/x"}',
)


@dataclass(frozen=True, slots=True)
class Emission:
    """One record as it reaches its destination: the stream (agent events, CTRs, junk) or EventBridge."""

    arrival: datetime
    kind: str  # "agent_event", "ctr", "junk" or "contact_event"
    partition_key: str
    data: str
    also_on_stream: bool = False  # a contact event that the EventBridge rule also puts on the stream

    @property
    def on_stream(self) -> bool:
        return self.kind != "contact_event" or self.also_on_stream


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


class Outbox:
    """Records waiting for their arrival time; `due(t)` hands out, in arrival order, those due by t.

    Every record is pushed at or after the current simulated time, so handing out all records due by
    the next action's time keeps the output in arrival order."""

    def __init__(self, config: SimulationConfig) -> None:
        self._config = config
        self._rng = random.Random(f"{config.seed}-delivery")
        self._heap: list[tuple[datetime, int, Emission]] = []
        self._seq = itertools.count()

    def _push(self, emission: Emission) -> None:
        heapq.heappush(self._heap, (emission.arrival, next(self._seq), emission))
        if emission.kind in ("agent_event", "ctr") and self._rng.random() < self._config.junk_probability:
            junk = Emission(emission.arrival, "junk", "junk", self._rng.choice(JUNK))
            heapq.heappush(self._heap, (junk.arrival, next(self._seq), junk))

    def agent_event(self, at: datetime, agent_arn: str, document: dict[str, Any]) -> None:
        """Shortly after its time; a share twice (at least once: the same EventId again)."""
        data = _json(document)
        arrival = at + timedelta(seconds=self._rng.uniform(0, self._config.max_arrival_jitter_seconds))
        self._push(Emission(arrival, "agent_event", agent_arn, data))
        if self._rng.random() < self._config.duplicate_probability:
            self._push(Emission(arrival + timedelta(seconds=self._rng.uniform(0, 1)), "agent_event", agent_arn, data))

    def ctr(self, contact_id: str, last_update: datetime, build: Callable[[datetime, int], dict[str, Any]]) -> None:
        """About a minute after the contact's last update; a share re-delivered later, updated (ACW edited
        after the fact) with a newer LastUpdateTimestamp. `build(last_update, acw_correction)` is the CTR."""
        c = self._config
        arrival = last_update + timedelta(seconds=self._rng.uniform(*c.ctr_delay_seconds))
        self._push(Emission(arrival, "ctr", contact_id, _json(build(last_update, 0))))
        if self._rng.random() < c.redelivery_probability:
            later = arrival + timedelta(seconds=self._rng.uniform(30, 300))
            self._push(Emission(later, "ctr", contact_id, _json(build(later, self._rng.randint(1, 30)))))

    def contact_event(self, at: datetime, contact_id: str, envelope: dict[str, Any]) -> None:
        """Best effort, as EventBridge delivers: a little late, a share lost, a share twice (same id)."""
        c = self._config
        # Every draw is made whatever the outcome, so a loss rate changes nothing else.
        delay, lost, again, second = (
            self._rng.uniform(*c.contact_event_delay_seconds),
            self._rng.random() < c.contact_event_loss_probability,
            self._rng.random() < c.contact_event_duplicate_probability,
            self._rng.uniform(*c.contact_event_delay_seconds),
        )
        if lost:
            return
        data, on_stream = _json(envelope), c.contact_events_on_stream
        self._push(Emission(at + timedelta(seconds=delay), "contact_event", contact_id, data, on_stream))
        if again:
            self._push(Emission(at + timedelta(seconds=delay + second), "contact_event", contact_id, data, on_stream))

    def due(self, until: datetime | None) -> Iterator[Emission]:
        """Records arriving by `until` (None: all that are left)."""
        while self._heap and (until is None or self._heap[0][0] <= until):
            yield heapq.heappop(self._heap)[2]
