"""The simulated contact center: one instance, its queues, routing profiles and agents."""

import random
import uuid
from dataclasses import dataclass

ACCOUNT_ID = "123456789012"
REGION = "eu-west-2"
QUEUE_NAMES = ("Sales", "Support", "Billing", "Retention", "Technical", "VIP", "Claims", "Bookings")


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True, slots=True)
class Queue:
    arn: str
    name: str
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoutingProfile:
    arn: str
    name: str
    queues: tuple[Queue, ...]


@dataclass(frozen=True, slots=True)
class Agent:
    arn: str
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class Topology:
    instance_arn: str
    queues: tuple[Queue, ...]
    routing_profiles: tuple[RoutingProfile, ...]
    agents: tuple[Agent, ...]

    def arn(self, kind: str, resource_id: str) -> str:
        return f"{self.instance_arn}/{kind}/{resource_id}"


def build_topology(rng: random.Random, agents: int, queues: int, routing_profiles: int) -> Topology:
    """Queues named after common contact-center lines; each routing profile serves 1-3 of them."""
    instance_arn = f"arn:aws:connect:{REGION}:{ACCOUNT_ID}:instance/{seeded_uuid(rng)}"
    queue_list = []
    for index in range(queues):
        name = QUEUE_NAMES[index % len(QUEUE_NAMES)] + ("" if index < len(QUEUE_NAMES) else f" {index}")
        channels = ("VOICE", "CHAT") if index % 3 != 2 else ("VOICE",)
        queue_list.append(Queue(f"{instance_arn}/queue/{seeded_uuid(rng)}", name, channels))
    profiles = []
    for index in range(routing_profiles):
        # Profile i always serves queue i (mod M) so that every queue is staffed by someone.
        served = {queue_list[index % queues]}
        served.update(rng.sample(queue_list, k=min(queues, rng.randint(0, 2))))
        ordered = tuple(q for q in queue_list if q in served)
        name = " + ".join(q.name for q in ordered) + " profile"
        profiles.append(RoutingProfile(f"{instance_arn}/routing-profile/{seeded_uuid(rng)}", name, ordered))
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
