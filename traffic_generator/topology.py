"""The simulated contact center: one instance, its queues, routing profiles and agents."""

import random
import uuid
from dataclasses import dataclass

ACCOUNT_ID = "123456789012"
REGION = "eu-west-2"
QUEUE_NAMES = ("Sales", "Support", "Billing", "Retention", "Technical", "VIP", "Claims", "Bookings")
VOICE, CHAT, TASK = "VOICE", "CHAT", "TASK"


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True, slots=True)
class Queue:
    arn: str
    name: str | None  # None for an agent's own queue, as Connect writes it
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoutingProfile:
    arn: str
    name: str
    queues: tuple[Queue, ...]
    # Slots per channel (VOICE always 1). An agent works one channel at a time: Connect's default, without
    # cross-channel concurrency ("ROUTE_CURRENT_CHANNEL_ONLY").
    concurrency: tuple[tuple[str, int], ...]

    @property
    def outbound_queue(self) -> Queue:
        return self.queues[0]

    def slots(self, channel: str) -> int:
        return dict(self.concurrency).get(channel, 0)


@dataclass(frozen=True, slots=True)
class Agent:
    arn: str
    username: str
    first_name: str
    last_name: str

    @property
    def agent_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Topology:
    instance_arn: str
    queues: tuple[Queue, ...]
    routing_profiles: tuple[RoutingProfile, ...]
    agents: tuple[Agent, ...]

    def arn(self, kind: str, resource_id: str) -> str:
        return f"{self.instance_arn}/{kind}/{resource_id}"

    def agent_queue(self, agent: Agent) -> Queue:
        """Every agent has its own queue (for transfers to that agent); it has no name."""
        return Queue(self.arn("queue/agent", agent.agent_id), None, (VOICE, CHAT))


def _channels(index: int) -> tuple[str, ...]:
    return ((VOICE, CHAT), (VOICE, CHAT, TASK), (VOICE,))[index % 3]


def build_topology(rng: random.Random, agents: int, queues: int, routing_profiles: int) -> Topology:
    """Queues named after common contact-center lines; each routing profile serves 1-3 of them."""
    instance_arn = f"arn:aws:connect:{REGION}:{ACCOUNT_ID}:instance/{seeded_uuid(rng)}"
    queue_list = []
    for index in range(queues):
        name = QUEUE_NAMES[index % len(QUEUE_NAMES)] + ("" if index < len(QUEUE_NAMES) else f" {index}")
        queue_list.append(Queue(f"{instance_arn}/queue/{seeded_uuid(rng)}", name, _channels(index)))
    profiles = []
    for index in range(routing_profiles):
        # Profile i always serves queue i (mod M) so that every queue is staffed by someone.
        served = {queue_list[index % queues]}
        served.update(rng.sample(queue_list, k=min(queues, rng.randint(0, 2))))
        ordered = tuple(q for q in queue_list if q in served)
        name = " + ".join(q.name or "" for q in ordered) + " profile"
        channels = {c for q in ordered for c in q.channels}
        concurrency = ((VOICE, 1), (CHAT, rng.choice((2, 3))), (TASK, rng.choice((1, 2))))
        profiles.append(
            RoutingProfile(
                f"{instance_arn}/routing-profile/{seeded_uuid(rng)}",
                name,
                ordered,
                tuple((c, n) for c, n in concurrency if c in channels),
            )
        )
    agent_list = [
        Agent(
            arn=f"{instance_arn}/agent/{seeded_uuid(rng)}",
            username=f"agent{index:05d}",
            first_name=rng.choice(("Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Grace", "Hiro", "Ivan", "Jo")),
            last_name=rng.choice(("Smith", "Okafor", "García", "Nguyen", "Kowalski", "Müller", "Patel", "Brown")),
        )
        for index in range(agents)
    ]
    return Topology(instance_arn, tuple(queue_list), tuple(profiles), tuple(agent_list))
