"""Connect's routing: contacts wait first-in first-out per queue and channel; agents ready to take one are
kept per queue in the order they became ready, so the agent ready longest is offered first."""

from bisect import insort
from collections.abc import Callable, Iterable

from traffic_generator.contacts import Contact
from traffic_generator.topology import Queue


def _fifo(contact: Contact) -> tuple[float, int]:
    assert contact.enqueued is not None
    return contact.enqueued.timestamp(), contact.seq


class Router:
    """Agents are known by their index in the topology."""

    def __init__(self) -> None:
        self._waiting: dict[tuple[Queue, str], list[Contact]] = {}
        self._ready: dict[Queue, dict[int, None]] = {}  # dicts keep insertion order
        self._indexed: dict[int, tuple[Queue, ...]] = {}

    # -- contacts -----------------------------------------------------------------------------------
    def enqueue(self, contact: Contact) -> None:
        """Into its queue at its place by enqueue time: a contact back from a missed or rejected offer
        keeps its place ahead of those that came later."""
        assert contact.queue is not None
        insort(self._waiting.setdefault((contact.queue, contact.channel), []), contact, key=_fifo)

    def remove(self, contact: Contact) -> bool:
        """Out of the queue (offered, abandoned, moved); False if it was not waiting."""
        assert contact.queue is not None
        waiting = self._waiting.get((contact.queue, contact.channel), [])
        if contact in waiting:
            waiting.remove(contact)
            return True
        return False

    def waiting(self, queue: Queue, channel: str) -> list[Contact]:
        return self._waiting.get((queue, channel), [])

    def contact_for(self, key: int, queues: Iterable[Queue], channels: Iterable[str]) -> Contact | None:
        """The longest-waiting contact across the agent's queues and the channels it can take now."""
        best: Contact | None = None
        channel_list = list(channels)
        for queue in queues:
            for channel in channel_list:
                head = next((c for c in self.waiting(queue, channel) if key not in c.declined_by), None)
                if head and (best is None or _fifo(head) < _fifo(best)):
                    best = head
        return best

    # -- agents -------------------------------------------------------------------------------------
    def set_ready(self, key: int, queues: tuple[Queue, ...]) -> None:
        """The agent can take a contact from these queues (empty: none); re-marking moves it to the back."""
        for queue in self._indexed.pop(key, ()):
            del self._ready[queue][key]
        if queues:
            self._indexed[key] = queues
            for queue in queues:
                self._ready.setdefault(queue, {})[key] = None

    def agent_for(self, contact: Contact, can_take: Callable[[int, str], bool]) -> int | None:
        """The agent ready longest that serves the contact's queue and can take its channel now."""
        assert contact.queue is not None
        for key in self._ready.get(contact.queue, {}):
            if key not in contact.declined_by and can_take(key, contact.channel):
                return key
        return None
