"""The one error type for input that is not a valid Connect record."""


class RejectedRecord(ValueError):
    """A record that cannot be used; `reason` is a short, stable code for dead-letter counts."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
