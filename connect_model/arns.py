"""ARN helpers: Connect ids are the last path segment of their ARN."""


def last_segment(arn: str) -> str:
    """`arn:aws:connect:eu-west-2:1:instance/abc/queue/q1` -> `q1`; a bare id is returned as is."""
    return arn.rsplit("/", 1)[-1]
