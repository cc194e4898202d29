"""The simulation's settings, each declared once: its default, its meaning and (if any) its command-line flag.

`python -m traffic_generator --help` is rendered from these declarations, so the two cannot drift apart.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def option(default: Any, help: str, flag: str | None = None) -> Any:
    """A setting with its meaning; `flag` makes it a command-line option (`--no-x` for a True boolean)."""
    return field(default=default, metadata={"help": help, "flag": flag})


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    start: datetime
    duration_seconds: float | None = option(600.0, "simulated seconds; None runs forever")
    seed: int = option(7, "random seed: same seed and start, same records")
    agents: int = option(50, "number of agents")
    queues: int = option(4, "number of standard queues")
    routing_profiles: int = option(3, "number of routing profiles")
    # -- agents -------------------------------------------------------------------------------
    login_ramp_seconds: float = option(60.0, "agents log in at random moments within this many seconds of the start")
    mean_shift_seconds: float | None = option(3600.0, "mean time logged in before logging out (exponential)")
    break_probability: float = option(0.08, "share of moments an agent becomes free that it goes on a break")
    profile_change_probability: float = option(0.01, "share of free moments that its routing profile changes")
    outbound_probability: float = option(
        0.04, "share of free moments that the agent places an outbound call", "--outbound-rate"
    )
    missed_probability: float = option(0.03, "share of voice offers the agent misses (MISSED)", "--missed-rate")
    chat_reject_probability: float = option(
        0.1, "share of chat offers the agent rejects (REJECTED; back to the queue)", "--chat-reject-rate"
    )
    status_without_type_share: float = option(
        0.2, "share of agents whose events omit AgentStatus.Type (older format)", "--status-without-type"
    )
    agent_queues: bool = option(
        True,
        "list each agent's own queue (…/queue/agent/<id>, Name null) in its routing profile's queues",
        "--no-agent-queues",
    )
    # -- demand and the customers' side ---------------------------------------------------------
    arrivals_per_queue_per_minute: float | None = option(
        None,
        "contacts arriving per minute in each staffed queue (Poisson); unset: sized for the target occupancy",
        "--arrival-rate",
    )
    target_occupancy: float = option(
        0.8, "share of routable time agents are busy, which the default arrival rates aim at", "--occupancy"
    )
    load_swing: float = option(0.4, "demand swings by this share around its mean (queues build at the peaks)")
    load_period_seconds: float = option(1200.0, "period of the demand swing; the first peak is a quarter in")
    unstaffed_queue_per_minute: float = option(0.5, "arrivals per minute in a queue no routing profile serves")
    unqueued_per_minute: float = option(0.2, "contacts per minute that end in the IVR and never reach a queue")
    chat_share: float = option(0.2, "share of arrivals that are chats, in queues that take chat", "--chat-share")
    task_share: float = option(0.1, "share of arrivals that are tasks, in queues that take tasks", "--task-share")
    mean_patience_seconds: float = option(
        240.0, "mean time a customer waits in queue before hanging up (exponential)", "--patience"
    )
    flow_action_after_seconds: tuple[float, float] = option(
        (10.0, 45.0), "the customer queue flow acts (callback, transfer, disconnect) this long after enqueue"
    )
    callback_probability: float = option(
        0.3, "share of queued voice customers who ask for a callback if still waiting then", "--callback-rate"
    )
    queue_transfer_probability: float = option(
        0.15, "share of queued contacts the flow moves to another queue if still waiting then", "--queue-transfer-rate"
    )
    flow_disconnect_probability: float = option(
        0.08, "share of queued voice contacts the flow disconnects (queue full, after hours)", "--flow-disconnect-rate"
    )
    abandon_without_reason_share: float = option(
        0.25, "share of abandoned contacts whose CTR has no DisconnectReason (older records)"
    )
    contact_data_updated_probability: float = option(0.1, "share of contacts with a CONTACT_DATA_UPDATED event")
    # -- handling -------------------------------------------------------------------------------
    mean_talk_seconds: float = option(120.0, "mean talk time of a call (exponential, at least 10 s)")
    mean_chat_seconds: float = option(300.0, "mean length of a chat or task with the agent (exponential)")
    hold_probability: float = option(0.25, "share of calls with holds")
    max_holds: int = option(3, "most holds on one call (1 to this many, uniformly)")
    # -- delivery -------------------------------------------------------------------------------
    ctr_delay_seconds: tuple[float, float] = option(
        (20.0, 90.0), "a CTR reaches the stream this long after its last update"
    )
    redelivery_probability: float = option(
        0.1, "share of CTRs re-delivered later, updated, with a newer LastUpdateTimestamp", "--redelivery-rate"
    )
    duplicate_probability: float = option(0.01, "share of agent events sent twice (same EventId)", "--duplicate-rate")
    max_arrival_jitter_seconds: float = option(1.0, "agent events reach the stream up to this long after their time")
    junk_probability: float = option(0.0, "share of records followed by a junk record", "--junk-rate")
    contact_event_delay_seconds: tuple[float, float] = option(
        (0.1, 2.0), "EventBridge delivers a contact event this long after its step"
    )
    contact_event_loss_probability: float = option(
        0.01, "share of contact events never delivered (EventBridge is best effort)", "--contact-event-loss"
    )
    contact_event_duplicate_probability: float = option(
        0.01, "share of contact events delivered twice (same envelope id)", "--contact-event-duplicates"
    )
    contact_events_on_stream: bool = option(
        False,
        "also put contact events on the Kinesis stream (partition key: contact id), as the EventBridge rule does",
        "--contact-events-to-stream",
    )
