"""The Timestream tables the Lambdas write, named once: the Lambdas, the Terraform tests and the docs import them.

Every table holds multi-measure records. `measure_name` says what a row is:

- `contact_events`: the contact event type (INITIATED, QUEUED, CONNECTED_TO_AGENT, DISCONNECTED, ...).
- `agent_events`: the agent event type (LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT).
- `instance_metrics`: `InstanceMetric` values.
- `instance_inventory`: `InventoryItem` values.
"""

from enum import StrEnum


class Table(StrEnum):
    CONTACT_EVENTS = "contact_events"
    AGENT_EVENTS = "agent_events"
    INSTANCE_METRICS = "instance_metrics"
    INSTANCE_INVENTORY = "instance_inventory"


TABLES: tuple[Table, ...] = tuple(Table)

# The one function that writes each table (a table has exactly one writer).
WRITTEN_BY: dict[Table, str] = {
    Table.CONTACT_EVENTS: "persist_contact_event",
    Table.AGENT_EVENTS: "persist_agent_event",
    Table.INSTANCE_METRICS: "persist_instance_data",
    Table.INSTANCE_INVENTORY: "persist_instance_data",
}

DESCRIPTIONS: dict[Table, str] = {
    Table.CONTACT_EVENTS: "One row per EventBridge contact event (best effort: may miss events).",
    Table.AGENT_EVENTS: "One row per agent event from the Kinesis stream: a queue-less timeline per agent.",
    Table.INSTANCE_METRICS: "GetCurrentMetricData every minute: per queue and channel, and instance-wide.",
    Table.INSTANCE_INVENTORY: "Queues, routing profiles, users, and every active agent's current state each minute.",
}


class InstanceMetric(StrEnum):
    """`measure_name` values of `instance_metrics`."""

    QUEUE = "queue_current"  # dimensions: instance_id, queue_id, queue_name, channel
    INSTANCE = "instance_current"  # dimensions: instance_id (agents counted once, whatever their queues)


class InventoryItem(StrEnum):
    """`measure_name` values of `instance_inventory`."""

    QUEUE = "queue"
    ROUTING_PROFILE = "routing_profile"
    ROUTING_PROFILE_QUEUE = "routing_profile_queue"
    USER = "user"
    AGENT_CURRENT = "agent_current"
