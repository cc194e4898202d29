"""ARN helpers: Connect ids are the last path segment of their ARN."""


def last_segment(arn: str) -> str:
    """`arn:aws:connect:eu-west-2:1:instance/abc/queue/q1` -> `q1`; a bare id is returned as is."""
    return arn.rsplit("/", 1)[-1]


# An agent's own queue (`…/queue/agent/<agent-id>`, Name null) is listed among a routing profile's inbound
# queues; it holds contacts transferred to that agent and is not a queue a supervisor watches.
AGENT_QUEUE_MARKER = "/queue/agent/"


def is_agent_queue(queue_arn: str) -> bool:
    return AGENT_QUEUE_MARKER in queue_arn
